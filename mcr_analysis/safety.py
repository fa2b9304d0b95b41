"""Guards for workbooks from outside and for the files we write.

Submissions are untrusted: before a workbook is parsed, :func:`check_archive`
checks that it is a zip archive (an OLE2 file is an encrypted workbook or a
legacy ``.xls``) and that its entry count, declared uncompressed size and
compression ratios stay under the limits below (zip bombs).  Workbooks are read
with python-calamine, which returns cached values only: formulas and macros are
never evaluated.  Text written to CSV or Excel outputs that a spreadsheet would
take for a formula is neutralised (:func:`neutralise`).

Examples
--------
>>> neutralise("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> neutralise("Facilitación del comercio")
'Facilitación del comercio'
>>> unneutralise(neutralise("-2"))
'-2'
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd

from mcr_analysis.taxonomy import MCRDataError

__all__ = ["MAX_ENTRIES", "MAX_TOTAL_BYTES", "MAX_ENTRY_RATIO", "RATIO_MIN_BYTES", "OLE2_SIGNATURE",
           "check_archive", "neutralise", "unneutralise", "neutralise_frame"]

MAX_ENTRIES = 10_000
"""Most entries a workbook archive may hold."""
MAX_TOTAL_BYTES = 2 * 1024**3
"""Largest declared uncompressed size of all entries together (2 GiB)."""
MAX_ENTRY_RATIO = 1_000
"""Largest uncompressed/compressed ratio of one entry ..."""
RATIO_MIN_BYTES = 1024**2
"""... checked only for entries that declare at least this many bytes (1 MiB)."""
OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
"""First bytes of an OLE2 compound file: an encrypted .xlsx or a legacy .xls."""

_TRIGGER = re.compile(r"^'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"^'+[=+\-@\t\r]")


def check_archive(path: str | Path, required: str = "xl/workbook.xml") -> None:
    """Check that ``path`` is a zip workbook within the safety limits.

    Parameters
    ----------
    path : str or Path
        The file to check; only its zip directory is read, nothing is unpacked.
    required : str, default "xl/workbook.xml"
        The entry the archive must hold (``content.xml`` for an ``.ods``).

    Raises
    ------
    MCRDataError
        Naming the file and what is wrong: an OLE2 file ("encrypted workbook or
        legacy .xls, not an .xlsx"), not a zip archive, no ``required`` entry,
        too many entries, too large a declared size, or too high a ratio.
    """
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(len(OLE2_SIGNATURE))
    if head == OLE2_SIGNATURE:
        raise MCRDataError(f"{path.name}: encrypted workbook or legacy .xls, not an .xlsx; "
                           "remove the password or save it as .xlsx (Excel Workbook)")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise MCRDataError(f"{path.name}: not a readable workbook (not a zip archive: {exc}); "
                           "expected an .xlsx file saved by Excel or LibreOffice") from None
    if any(e.flag_bits & 0x1 for e in entries):
        raise MCRDataError(f"{path.name}: encrypted workbook (its archive entries need a password); remove the "
                           "password or save it as .xlsx (Excel Workbook)")
    if len(entries) > MAX_ENTRIES:
        raise MCRDataError(f"{path.name}: archive has {len(entries)} entries, more than the limit "
                           f"{MAX_ENTRIES}; refused as a possible zip bomb")
    total = sum(e.file_size for e in entries)
    if total > MAX_TOTAL_BYTES:
        raise MCRDataError(f"{path.name}: archive declares {total} uncompressed bytes, more than the "
                           f"limit {MAX_TOTAL_BYTES}; refused as a possible zip bomb")
    for e in entries:
        if e.file_size >= RATIO_MIN_BYTES and e.file_size > MAX_ENTRY_RATIO * max(e.compress_size, 1):
            raise MCRDataError(f"{path.name}: entry {e.filename!r} expands {e.file_size} bytes from "
                               f"{e.compress_size}, a ratio over the limit {MAX_ENTRY_RATIO}; refused "
                               "as a possible zip bomb")
    if required not in {e.filename for e in entries}:
        kind = "an OpenDocument spreadsheet" if required == "content.xml" else "an Excel workbook"
        raise MCRDataError(f"{path.name}: zip archive without {required}, not {kind}; "
                           f"expected {'an .ods' if required == 'content.xml' else 'an .xlsx'} file")


def neutralise(value: object) -> object:
    """Prefix text a spreadsheet would run as a formula with an apostrophe.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return (after any apostrophes, so that :func:`unneutralise` is exact) gets
    one leading ``'``; other values are returned unchanged.

    Examples
    --------
    >>> [neutralise(v) for v in ["+1", "@SUM(A1)", "a-b", 3]]
    ["'+1", "'@SUM(A1)", 'a-b', 3]
    """
    if isinstance(value, str) and _TRIGGER.match(value):
        return "'" + value
    return value


def unneutralise(value: object) -> object:
    """Undo :func:`neutralise` (used when reading our own CSV back).

    Examples
    --------
    >>> unneutralise("'=1+1"), unneutralise("'quoted")
    ('=1+1', "'quoted")
    """
    if isinstance(value, str) and _NEUTRALISED.match(value):
        return value[1:]
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A new frame with every text cell passed through :func:`neutralise`.

    Column names are neutralised too; ``frame`` is not modified.

    Examples
    --------
    >>> neutralise_frame(pd.DataFrame({"theme": ["=1+1", "ok"], "n": [1, 2]}))["theme"].tolist()
    ["'=1+1", 'ok']
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out.rename(columns=neutralise)
