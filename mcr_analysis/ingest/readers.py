"""Reading a submission file into grids of cached cell values.

Internal to :mod:`mcr_analysis.ingest`.  python-calamine reads cached values
only: formulas and macros are never evaluated.  Each file is checked against
the archive limits of :mod:`mcr_analysis.safety` before it is opened.
"""

from __future__ import annotations

import collections
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from mcr_analysis import safety
from mcr_analysis.taxonomy import MCRDataError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
"""Files read as workbooks; ``.xls`` and ``~$`` lock files are reported, other files ignored."""
_READ_AHEAD = 2
"""Workbooks read ahead of the one being validated."""


@dataclass
class SheetGrid:
    """One worksheet as read from a file: the contract between the readers and the loader.

    Attributes
    ----------
    name : str
        Sheet name as written in the file.
    grid : list of list
        Cached cell values, absolute 0-based coordinates (row 0 is the sheet's
        first row), rectangular; ``""`` for an empty cell.
    merges : list
        Merged ranges as ``((row1, col1), (row2, col2))``, 0-based, inclusive.
    visible : bool
        False for a hidden or very hidden sheet.
    hidden_columns : frozenset of int
        0-based indices of columns hidden in the file (when the format says).
    uncached_formulas : dict
        ``{(row, col): formula text}`` of formula cells that have no saved value
        (their ``grid`` cell is ``""``); never evaluated.
    stray_cells : list
        ``(row, col, value)`` of cells left out of ``grid`` because they lie far
        outside the block that holds the data (the grid is bounded by the
        data, never by a sheet's claimed dimension).
    """

    name: str
    grid: list
    merges: list = field(default_factory=list)
    visible: bool = True
    hidden_columns: frozenset = frozenset()
    uncached_formulas: dict = field(default_factory=dict)
    stray_cells: list = field(default_factory=list)


def unreadable(path: Path) -> str:
    """Reason a file cannot be read as a workbook, or ``""``."""
    if path.name.startswith("~$"):
        return "Excel lock file (~$...), not a submission; close the workbook in Excel and remove it"
    if path.suffix.lower() == ".xls":
        return "legacy .xls workbook is not supported; save it as .xlsx (Excel Workbook)"
    try:
        safety.check_archive(path)
    except MCRDataError as exc:
        return str(exc)
    return ""


def read(path: Path) -> tuple[list[SheetGrid], str]:
    """A :class:`SheetGrid` per worksheet of ``path``, or ``[]`` and why it cannot be read."""
    reason = unreadable(path)
    if reason:
        return [], reason
    try:
        with python_calamine.CalamineWorkbook.from_path(path) as book:
            grids = []
            for meta in book.sheets_metadata:
                if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                    continue
                sheet = book.get_sheet_by_name(meta.name)
                grids.append(SheetGrid(meta.name, sheet.to_python(skip_empty_area=False),
                                       sheet.merged_cell_ranges or [],
                                       visible=meta.visible == python_calamine.SheetVisibleEnum.Visible))
    except Exception as exc:  # calamine raises several error types for broken files
        return [], f"not a readable workbook: {type(exc).__name__}: {exc}"
    return grids, ""


def read_ahead(files: list[Path]):
    """Yield :func:`read` of each file in order, reading the next ones in a background thread.

    python-calamine releases the GIL while it parses a workbook, so the next
    workbooks are read while this thread validates the current one; at most
    :data:`_READ_AHEAD` workbooks wait in memory.  Errors other than an
    unreadable file propagate as without the thread.
    """
    with ThreadPoolExecutor(max_workers=_READ_AHEAD, thread_name_prefix="mcr-read") as pool:
        pending = collections.deque(pool.submit(read, f) for f in files[:_READ_AHEAD])
        for i in range(len(files)):
            grids = pending.popleft().result()
            if i + _READ_AHEAD < len(files):
                pending.append(pool.submit(read, files[i + _READ_AHEAD]))
            yield grids

