"""Resource limits for reading one submission file.

Internal to :mod:`mcr_analysis.ingest`.  The defaults are far above any real
matrix (the largest benchmark workbook, 12,500 initiatives, has 8 MB of sheet
XML and 180,000 cells) and far below what would exhaust a laptop; a sheet over
a limit makes its file a file-level reject that names the limit.  The rows
limit also bounds what the loader builds from a sheet (about 2.5 KB per row).

Examples
--------
>>> DEFAULT_LIMITS.max_grid_cells
5592405
>>> Limits(memory_budget=96_000).max_grid_cells
1000
"""

from __future__ import annotations

from dataclasses import dataclass

BYTES_PER_CELL = 96
"""Memory one grid cell costs once read (reader's cell, Python list slot and value), a generous estimate."""


@dataclass(frozen=True)
class Limits:
    """Limits that bound the memory and time spent on one file.

    Attributes
    ----------
    memory_budget : int
        Bytes one file's grids may take; the grid a sheet is read into
        (rows x columns of its data block) is bounded by
        ``memory_budget // BYTES_PER_CELL`` cells.
    max_sheet_xml_bytes : int
        Uncompressed XML of one worksheet (or of the shared strings, or of an
        ``.ods`` content), counted while it is inflated.
    max_cells : int
        Cells one sheet may hold.
    max_rows : int
        Rows one sheet may hold.
    stray_row_gap, stray_col_gap : int
        Empty rows (columns) after which further cells are *stray*: left out
        of the grid and reported, when the sheet's cells would otherwise span
        more than the grid budget.
    max_csv_bytes : int
        Size of a ``.csv`` file.
    timeout_seconds : float
        Time a format read in a child process (``.xls``, ``.ods``, ``.xlsb``)
        may take.
    """

    memory_budget: int = 512 * 1024**2
    max_sheet_xml_bytes: int = 256 * 1024**2
    max_cells: int = 5_000_000
    max_rows: int = 200_000
    stray_row_gap: int = 1_000
    stray_col_gap: int = 100
    max_csv_bytes: int = 256 * 1024**2
    timeout_seconds: float = 120.0

    @property
    def max_grid_cells(self) -> int:
        """Cells of the largest grid (rows x columns) a sheet may be read into."""
        return self.memory_budget // BYTES_PER_CELL


DEFAULT_LIMITS = Limits()
"""The limits :func:`mcr_analysis.ingest.readers.read` uses unless told otherwise."""
