"""Cell values of a worksheet grid: text, marks, years, merged ranges, column letters.

Internal to :mod:`mcr_analysis.ingest`.  A grid is a list of rows of cached
values as python-calamine returns them (formulas never evaluated).
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from importlib import resources

YEAR_RANGE = (1900, 2100)
"""Accepted years, inclusive."""


def package_table(name: str) -> list[dict[str, str]]:
    """Rows of the TSV ``name`` of ``mcr_analysis/data`` as dicts."""
    with resources.files("mcr_analysis.data").joinpath(name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def fold_mark(value: object) -> str:
    """Fold a mark cell: text without accents, case-folded, stripped."""
    text = unicodedata.normalize("NFKD", cell_text(value))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().strip()


@functools.cache
def marks() -> dict[str, bool]:
    """Folded mark -> marked? (``marks.tsv``)."""
    return {fold_mark(r["mark"]): r["marked"] == "yes" for r in package_table("marks.tsv")}


def cell_text(value: object) -> str:
    """Text of a cached cell value: strings stripped, whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def column_letter(index: int) -> str:
    """Excel letter of a 0-based column index (``0 -> 'A'``, ``27 -> 'AB'``)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def fill_merged(grid: list[list], merges: list) -> list[list]:
    """A new grid where each vertical merged range's value fills its first column.

    Only rows are copied that change; ``grid`` is not modified.
    """
    out = list(grid)
    for (r1, c1), (r2, _c2) in merges or ():
        if r2 <= r1 or r1 >= len(grid):
            continue
        value = grid[r1][c1]
        for r in range(r1 + 1, min(r2, len(grid) - 1) + 1):
            if _empty(out[r][c1]):
                if out[r] is grid[r]:
                    out[r] = list(grid[r])
                out[r][c1] = value
    return out



def parse_year(value: object) -> int | None | bool:
    """Year of a cell: an int, ``None`` when empty, ``False`` when invalid."""
    if _empty(value):
        return None
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{4}(?:\.0*)?\s*", value):
        number = float(value)
    else:
        return False
    if number.is_integer() and YEAR_RANGE[0] <= number <= YEAR_RANGE[1]:
        return int(number)
    return False



