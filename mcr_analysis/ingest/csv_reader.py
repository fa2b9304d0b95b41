"""Read a ``.csv`` submission into one grid, detecting its encoding and delimiter.

Internal to :mod:`mcr_analysis.ingest`.  Spreadsheet programs save CSV in the
encoding and list separator of the computer's regional settings: UTF-8 with or
without a byte order mark, or Windows-1252 (Latin-1) on Spanish and
Portuguese Windows; ``;`` where the decimal separator is a comma, ``,``
elsewhere, or a tab.  Every value stays text (the loader reads years from
text); a value a spreadsheet would run as a formula is never evaluated.

Examples
--------
>>> decode("Año;Eje".encode("cp1252"))
('Año;Eje', 'cp1252')
>>> decode("\\ufeffAño".encode("utf-8"))
('Año', 'utf-8-sig')
>>> delimiter("Eje;Tema;Año\\nComercio;Aduanas, puertos;2024\\n")
';'
>>> delimiter("Eje,Tema\\nComercio,Aduanas\\n")
','
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from mcr_analysis.ingest.limits import Limits

DELIMITERS = (";", ",", "\t")
"""Candidate delimiters, preferred in this order on a tie."""
_SAMPLE_LINES = 50


def decode(raw: bytes) -> tuple[str, str]:
    """Text of ``raw`` and the encoding it was read with: UTF-8 (BOM or not), else Windows-1252, else Latin-1."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw.decode("utf-8-sig", errors="replace"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
        return raw.decode("latin-1"), "latin-1"


def delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most consistent number of fields (at least two)."""
    lines = text.splitlines()[:_SAMPLE_LINES]
    sample = "\n".join(lines)
    best, best_score = DELIMITERS[0], (-1, 0)
    for d in DELIMITERS:
        widths = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=d) if any(c.strip() for c in r)]
        if not widths or max(widths) < 2:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common), common)
        if score > best_score:
            best, best_score = d, score
    return best


def read_csv(path: Path, limits: Limits):
    """``([SheetGrid], "")`` with the file's rows, or ``([], reason)``."""
    from mcr_analysis.ingest.readers import SheetGrid

    size = path.stat().st_size
    if size > limits.max_csv_bytes:
        return [], (f"refused: the file has {size} bytes, more than the limit {limits.max_csv_bytes} for a "
                    ".csv submission")
    raw = path.read_bytes()
    if b"\0" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [], "not a text file (binary content) although named .csv; expected a CSV saved by Excel or LibreOffice"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", errors="replace")
    else:
        text, _encoding = decode(raw)
    first, _, rest = text.partition("\n")
    if len(first.strip()) == 5 and first.lower().startswith("sep="):  # Excel's hint line, e.g. "sep=;"
        sep, text = first[4], rest
    else:
        sep = delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        return [], f"not a readable CSV file: {exc}"
    width = max((len(r) for r in rows), default=0)
    if len(rows) > limits.max_rows or width * len(rows) > limits.max_cells:
        return [], (f"refused: {len(rows)} rows x {width} columns is over the limits ({limits.max_rows} rows, "
                    f"{limits.max_cells} cells per sheet)")
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    grid = [r + [""] * (width - len(r)) for r in rows]
    return [SheetGrid(path.stem, grid)], ""
