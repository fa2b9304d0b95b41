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
from itertools import compress
from operator import itemgetter

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
_ONE_YEAR_IN_WORDS = re.compile(r"[^\W\d_][^\d]*?\b(\d{4})\b[^\d]*|(\d{4})\s+[^\W\d_][^\d]*")
"""One four-digit year with words before it ("Desde 2020") or after it ("2018 en adelante"), no other digits."""
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
    >>> read_year("Desde 2020"), read_year("2019 en adelante")[0], read_year("entre 2019 y 2021")[0]
    ((2020, "year 'Desde 2020': kept the one year it names, 2020"), 2019, False)
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
    if (m := _ONE_YEAR_IN_WORDS.fullmatch(text)) and lo <= (y := int(m.group(1) or m.group(2))) <= hi:
        return y, f"year {text!r}: kept the one year it names, {y}"
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


def _no_blank_text(values) -> bool:
    """True when no value is a whitespace-only string (``values`` hold no ``""``).

    >>> _no_blank_text(["a", 2.0]), _no_blank_text(["a", " \\t"]), _no_blank_text(["a", "b"])
    (True, False, True)
    """
    try:
        return not any(map(str.isspace, values))
    except TypeError:  # not only text
        return not any(v.isspace() for v in values if isinstance(v, str))


def _has_text(row: list) -> bool:
    """Whether ``row`` has a cell, other than ``""``, that is not a whitespace-only string.

    >>> _has_text(["", " ", None]), _has_text(["", " ", "x"]), _has_text(["", 0.0])
    (True, True, True)
    >>> _has_text(["", " ", "\\n"])
    False
    """
    for v in row:
        if v != "" and (v.__class__ is not str or not v.isspace()):
            return True
    return False


def _count(row: list) -> int:
    """Non-empty cells of ``row`` ("" and None are empty; whitespace-only cells too, looked at only when the
    row has at most two other cells or none with text)."""
    n = len(row) - row.count("") - row.count(None)
    # the usual data row (three or more cells, the first with text) needs no look at each cell
    if not n or (n > 2 and (((v := row[0]) != "" and (v.__class__ is not str or not v.isspace())) or _has_text(row))):
        return n
    return sum(not _empty(v) for v in row)  # whitespace-only cells are empty


def row_counts(rows: list[list]) -> list[int]:
    """Per row, :func:`_count`, or 2 for a row known to hold two or more cells with text.

    Only whether a row holds 0, 1 or 2+ cells matters (:func:`~mcr_analysis.ingest.rows.split_rows`).  A
    row with text in both of the two fullest columns holds 2+; those columns
    are checked at C speed, and only the rows with a blank in one of them are
    counted cell by cell.

    Examples
    --------
    >>> rows = [["a", "b", "c"]] * 70 + [["", "x", ""], [" ", "", None], ["t", "u", " "], ["", "x", "y"]]
    >>> row_counts(rows)[68:]
    [2, 2, 1, 0, 2, 2]
    >>> list(map(_count, rows))[68:]
    [3, 3, 1, 0, 3, 2]
    """
    n = len(rows)
    width = min(map(len, rows), default=0)
    if width < 2 or n < 64:
        return list(map(_count, rows))
    sample = rows[:64]
    fullest = sorted(range(width), key=lambda c: (-sum(not _empty(row[c]) for row in sample), c))[:2]
    unsure: set[int] = set()
    try:
        for c in fullest:
            col = list(map(itemgetter(c), rows))
            if "" not in col and None not in col and _no_blank_text(col):
                continue  # text on every row (C-speed looks)
            blanks = {v for v in set(col) if _empty(v)}
            if blanks:
                unsure.update(compress(range(n), map(blanks.__contains__, col)))
    except TypeError:  # a cell value that cannot be hashed: count every row
        return list(map(_count, rows))
    counts = [2] * n
    for i in unsure:
        counts[i] = _count(rows[i])
    return counts
