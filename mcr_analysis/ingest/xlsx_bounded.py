"""A bounded reader for ``.xlsx`` sheets that python-calamine must not be handed.

Internal to :mod:`mcr_analysis.ingest`.  Used for a sheet whose scan
(:mod:`~mcr_analysis.ingest.xlsx_scan`) found cells far from the data (a stray
``x`` in ``XFD1048576``) or cells without a reference.  The sheet's XML and the
shared strings are streamed; cells are kept sparse (compact arrays, bounded by
:attr:`Limits.max_cells`); the grid is built over the *data block* only (rows
up to the first run of more than :attr:`Limits.stray_row_gap` empty rows,
columns likewise), and cells outside it are returned as stray cells.  Values
are cached values, as calamine gives them: numbers as float, booleans, text;
formulas are never evaluated.  Dates stay serial numbers (styles are not read).

Examples
--------
>>> block_end([0, 1, 2, 8000], 1000)
2
>>> block_end([0, 3, 900], 1000)
900
"""

from __future__ import annotations

import re
import zipfile
from array import array
from datetime import datetime

from mcr_analysis.ingest import xlsx_scan
from mcr_analysis.ingest.limits import Limits

_SI = re.compile(rb"<(?:\w+:)?si\b[^>]*>(.*?)</(?:\w+:)?si>|<(?:\w+:)?si\s*/>", re.S)
_T = re.compile(rb"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>|<(?:\w+:)?t\s*/>", re.S)
_RPH = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_MERGE = re.compile(rb"""<(?:\w+:)?mergeCell\b[^>]*\bref\s*=\s*["']([^"']*)["']""")


class SheetTooLarge(ValueError):
    """A sheet over one of the limits; the message names the limit."""


def block_end(sorted_values: list[int], gap: int) -> int:
    """Last value before the first jump of more than ``gap`` (the data block's end)."""
    end = sorted_values[0] if sorted_values else 0
    for v in sorted_values[1:]:
        if v - end > gap:
            break
        end = v
    return end


def shared_strings(archive: zipfile.ZipFile, limits: Limits) -> list[str]:
    """The shared strings table, streamed (rich-text runs joined, phonetic runs dropped)."""
    part = xlsx_scan.shared_strings_part(archive)
    if part is None or part not in archive.namelist():
        return []
    out: list[str] = []
    carry = b""
    total = 0
    with archive.open(part) as fh:
        while True:
            data = fh.read(xlsx_scan.CHUNK)
            total += len(data)
            if total > limits.max_sheet_xml_bytes:
                raise SheetTooLarge(f"the shared strings have more than {limits.max_sheet_xml_bytes} bytes of "
                                    "XML (the limit per part)")
            buf = carry + data
            if b"<!DOCTYPE" in buf[:4096] and not out:
                raise SheetTooLarge("the shared strings declare a DOCTYPE (XML entities); refused, "
                                    "entities are never expanded")
            last = 0
            for m in _SI.finditer(buf):
                if m.group(1) is not None:
                    body = _RPH.sub(b"", m.group(1))
                    out.append("".join(xlsx_scan.xml_text(t.group(1) or b"") for t in _T.finditer(body)))
                else:
                    out.append("")
                last = m.end()
            carry = buf[last:]
            if not data:
                return out


def read_sheet(archive: zipfile.ZipFile, name: str, scan: xlsx_scan.SheetScan, strings: list[str],
               limits: Limits):
    """``(grid, merges, stray_cells, uncached_formulas)`` of one sheet, bounded by ``limits``.

    Raises
    ------
    SheetTooLarge
        When the sheet has more XML, cells or rows than the limits allow, or
        its data block spans more cells than the grid budget.
    """
    p = re.escape(scan.prefix)
    token = re.compile(rb"<" + p + rb"(?:(row)\b([^>]*?)/?>|c\b([^>]*?)(?:/>|>(.*?)</" + p + rb"c>))", re.S)
    value_re = re.compile(rb"<" + p + rb"v\b[^>]*>(.*?)</" + p + rb"v>", re.S)
    formula_re = re.compile(rb"<" + p + rb"f\b([^>]*?)(?:/>|>(.*?)</" + p + rb"f>)", re.S)
    is_re = re.compile(rb"<" + p + rb"is\b[^>]*>(.*?)</" + p + rb"is>", re.S)
    rows, cols, values = array("i"), array("i"), []
    uncached: dict = {}
    merges_raw: list[bytes] = []
    row, col, n_rows = -1, -1, 0
    what = f"sheet {name!r}"
    try:
        pieces = xlsx_scan.chunks(archive, scan.part, limits.max_sheet_xml_bytes, what)
        for buf, end in pieces:
            if b"<!DOCTYPE" in buf[:4096] and row < 0:
                raise SheetTooLarge(f"{what} declares a DOCTYPE (XML entities); refused, entities are never "
                                    "expanded")
            for m in token.finditer(buf, 0, end):
                if m.group(1):
                    n_rows += 1
                    if n_rows > limits.max_rows:
                        raise SheetTooLarge(f"{what} has more than {limits.max_rows} rows (the limit per sheet)")
                    r = xlsx_scan.attributes(m.group(2)).get("r", "")
                    row = int(r) - 1 if r.isdigit() else row + 1
                    col = -1
                    continue
                attrs = xlsx_scan.attributes(m.group(3))
                ref = attrs.get("r", "")
                if ref:
                    row, col = xlsx_scan.split_ref(ref)
                else:
                    col += 1
                    row = max(row, 0)
                body = m.group(4)
                if not body:
                    continue
                typ = attrs.get("t", "n")
                value = _value(typ, body, value_re, is_re, strings)
                if value == "" and (f := formula_re.search(body)):
                    text = xlsx_scan.xml_text(f.group(2) or b"")
                    uncached[(row, col)] = "=" + text if text else "(shared formula)"
                if value == "" and typ != "e" and (row, col) not in uncached:
                    continue  # an error cell counts for the extent (calamine keeps it, as "")
                if len(values) >= limits.max_cells:
                    raise SheetTooLarge(f"{what} has more than {limits.max_cells} cells (the limit per sheet)")
                rows.append(row)
                cols.append(col)
                values.append(value)
            if buf.find(b"mergeCell", 0, end) >= 0:
                merges_raw.extend(_MERGE.findall(buf, 0, end))
    except ValueError as exc:
        raise SheetTooLarge(str(exc)) from None
    return _grid(name, rows, cols, values, merges_raw, uncached, limits)


def _value(typ: str, body: bytes, value_re, is_re, strings: list[str]):
    if typ == "inlineStr":
        m = is_re.search(body)
        return "".join(xlsx_scan.xml_text(t.group(1) or b"") for t in _T.finditer(m.group(1))) if m else ""
    m = value_re.search(body)
    raw = m.group(1).strip() if m else b""
    if not raw:
        return ""
    if typ == "s":
        try:
            return strings[int(raw)]
        except (ValueError, IndexError):
            return ""
    if typ in ("str", "e"):
        return xlsx_scan.xml_text(raw) if typ == "str" else ""
    if typ == "b":
        return raw == b"1"
    if typ == "d":
        text = xlsx_scan.xml_text(raw)
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return text
    try:
        return float(raw)
    except ValueError:
        return xlsx_scan.xml_text(raw)


def _grid(name, rows, cols, values, merges_raw, uncached, limits):
    if not values:
        return [], [], [], {}
    last_row = block_end(sorted(set(rows)), limits.stray_row_gap)
    in_rows = [c for r, c in zip(rows, cols) if r <= last_row]
    last_col = block_end(sorted(set(in_rows)), limits.stray_col_gap)
    if last_row >= limits.max_rows:
        raise SheetTooLarge(f"sheet {name!r} has cells down to row {last_row + 1}, more than {limits.max_rows} "
                            "rows (the limit per sheet)")
    cells = (last_row + 1) * (last_col + 1)
    if cells > limits.max_grid_cells:
        raise SheetTooLarge(f"sheet {name!r}: its data block A1:{_ref(last_row, last_col)} spans {cells} cells, "
                            f"more than the grid budget {limits.max_grid_cells} (memory budget "
                            f"{limits.memory_budget} bytes)")
    grid = [[""] * (last_col + 1) for _ in range(last_row + 1)]
    stray = []
    for r, c, v in zip(rows, cols, values):
        if r <= last_row and c <= last_col:
            grid[r][c] = v
        else:
            stray.append((r, c, v))
    merges = []
    for ref in merges_raw:
        try:
            a, _, b = ref.decode("ascii").partition(":")
            (r1, c1), (r2, c2) = xlsx_scan.split_ref(a), xlsx_scan.split_ref(b or a)
        except (ValueError, UnicodeDecodeError):
            continue
        if r1 <= last_row and c1 <= last_col:
            merges.append(((r1, c1), (min(r2, last_row), min(c2, last_col))))
    kept = {k: f for k, f in uncached.items() if k[0] <= last_row and k[1] <= last_col}
    stray.sort()
    return grid, merges, stray, kept


def _ref(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"
