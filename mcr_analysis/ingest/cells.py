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


def text_table(values: list) -> dict:
    """``{value: cell_text(value)}`` for each distinct value of a column, in first-seen order.

    Equal to ``{v: cell_text(v) for v in dict.fromkeys(values)}``; a column
    of strings only (the usual case) is stripped at C speed.

    Examples
    --------
    >>> text_table([" a", "b", " a"]), text_table([2.0, "x ", None])
    ({' a': 'a', 'b': 'b'}, {2.0: '2', 'x ': 'x', None: ''})
    """
    distinct = list(dict.fromkeys(values))
    if set(map(type, distinct)) <= {str}:
        return dict(zip(distinct, map(str.strip, distinct)))
    return {v: v.strip() if v.__class__ is str else cell_text(v) for v in distinct}


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
            row = out[r]
            v = row[c1]
            if v is None or (v.__class__ is str and (v == "" or v.isspace())) or (
                    v.__class__ is not str and _empty(v)):  # _empty(v), the usual cases inlined
                if row is grid[r]:
                    row = out[r] = list(row)
                row[c1] = value
    return out



def parse_year(value: object) -> int | None | bool:
    """Year of a cell: an int, ``None`` when empty, ``False`` when invalid (:func:`read_year` without its warning)."""
    return read_year(value)[0]




_YEAR_TEXT = re.compile(r"\s*(\d{4})(?:\.0*)?\s*")
_YEAR_SPAN = re.compile(r"\s*(\d{4})\s*(?:[-–—/]|a|al|to|até|hasta)\s*(\d{2}|\d{4}|[^\W\d_][\w ]*)\s*\.?\s*", re.I)
_DATE_TEXT = re.compile(r"\s*(?:\d{1,2}[/.-]\d{1,2}[/.-](\d{4})|(\d{4})-\d{1,2}-\d{1,2}(?:[ T][\d:.]+)?)\s*")
_NO_YEAR = {"s f", "sin fecha", "n d", "nd", "n a", "na", "no aplica", "sin dato", "sin datos", "tbd", "por definir",
            "a definir", "not applicable", "none", "ninguno", "x", "s d"}


def read_year(value: object) -> tuple[int | None | bool, str]:
    """The year of a cell and a warning: ``(year, "")``, ``(None, "")`` when empty, ``(False, "")`` when invalid.

    A range keeps its first year, a date its year, a status ("en curso") or
    "s/f" leaves the year empty; each such reading comes with a warning.

    Examples
    --------
    >>> read_year(2023.0), read_year(" 2021 "), read_year("")
    ((2023, ''), (2021, ''), (None, ''))
    >>> read_year("2023-2024")
    (2023, "year range '2023-2024': kept the first year, 2023")
    >>> read_year(datetime(2022, 5, 3))[0], read_year("en curso")
    (2022, (None, "'en curso' is not a year (it reads as a status): the year is left empty"))
    >>> read_year("pronto")
    (False, '')
    """
    lo, hi = YEAR_RANGE
    if _empty(value):
        return None, ""
    if isinstance(value, bool):
        return False, ""
    if isinstance(value, (datetime, date)):
        if lo <= value.year <= hi:
            return value.year, f"date {cell_text(value)!r}: kept its year, {value.year}"
        return False, ""
    if isinstance(value, (int, float)):
        number = float(value)
        return (int(number), "") if number.is_integer() and lo <= number <= hi else (False, "")
    if not isinstance(value, str):
        return False, ""
    if m := _YEAR_TEXT.fullmatch(value):
        y = int(m.group(1))
        return (y, "") if lo <= y <= hi else (False, "")
    text = value.strip()
    if (m := _DATE_TEXT.fullmatch(value)) and lo <= (y := int(m.group(1) or m.group(2))) <= hi:
        return y, f"date {text!r}: kept its year, {y}"
    if (m := _YEAR_SPAN.fullmatch(value)) and lo <= (y := int(m.group(1))) <= hi:
        return y, f"year range {text!r}: kept the first year, {y}"
    from mcr_analysis.taxonomy import normalize_label, statuses

    key = normalize_label(text)
    if statuses().find(text):
        return None, f"{text!r} is not a year (it reads as a status): the year is left empty"
    if key in _NO_YEAR or not key:
        return None, f"{text!r} gives no year: the year is left empty"
    return False, ""


_LIST_SEP = re.compile(r"\s*[;\n]\s*")
_AND_SEP = re.compile(r"\s*(?:,|\sy\s|\se\s|\sand\s|\s/\s|\s\+\s)\s*", re.I)


def split_list(text: str, soft: bool = False) -> list[str]:
    """The parts of an explicit list in a cell: ``;`` or line breaks; with ``soft`` also ``,``, "y", "and", " / ".

    Examples
    --------
    >>> split_list("Proyectos; Normas"), split_list("Proyectos y Normas", soft=True)
    (['Proyectos', 'Normas'], ['Proyectos', 'Normas'])
    >>> split_list("Facilitación/comercio")
    ['Facilitación/comercio']
    """
    parts = [p for p in _LIST_SEP.split(text) if p]
    if soft:
        parts = [q for p in parts for q in _AND_SEP.split(p) if q]
    return parts
