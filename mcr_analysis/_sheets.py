"""One worksheet of a submission: header detection, notes, layouts, row validation.

Internal to :mod:`mcr_analysis.io`.  A sheet arrives as a grid of cached cell
values (python-calamine, absolute 0-based coordinates, formulas never
evaluated); vertical merged ranges are filled down their first column, so an
axis or criterion written once for a block counts for every row it spans.

The header is the row, among the first :data:`HEADER_SCAN_ROWS`, with the most
cells naming a known column (``headers.tsv``) or a criterion (the columns of a
mark matrix).  Rows below it are data rows, except fully empty rows and notes
(a one-cell row starting with a note word such as "Nota:", or a one-cell row
after the table and a blank row).
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import resources

import pandas as pd

from mcr_analysis.taxonomy import axes, criteria, normalize_label, organisms

HEADER_SCAN_ROWS = 30
"""How many rows from the top of a sheet are searched for the header."""
MIN_HEADER_CELLS = 2
"""A header must have at least this many recognised cells."""
YEAR_RANGE = (1900, 2100)
"""Accepted years, inclusive."""
FIELDS = ("organism", "axis", "matrix", "criterion", "theme", "initiative",
          "description", "year", "status", "partners")
TEXT_FIELDS = ("theme", "initiative", "description", "status", "partners")


def _table(name: str) -> list[dict[str, str]]:
    with resources.files("mcr_analysis.data").joinpath(name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@functools.cache
def header_aliases() -> dict[str, str]:
    """Folded header alias -> field (``headers.tsv``, note words excluded)."""
    return {normalize_label(r["alias"]): r["field"] for r in _table("headers.tsv") if r["field"] != "note"}


@functools.cache
def canonical_headers(lang: str) -> dict[str, str]:
    """Field -> the header text written in ``lang`` (``headers.tsv`` column ``canonical``)."""
    return {r["field"]: r["alias"] for r in _table("headers.tsv") if r["canonical"] == lang}


@functools.cache
def _note_words() -> tuple[str, ...]:
    return tuple(normalize_label(r["alias"]) for r in _table("headers.tsv") if r["field"] == "note")


def fold_mark(value: object) -> str:
    """Fold a mark cell: text without accents, case-folded, stripped."""
    text = unicodedata.normalize("NFKD", cell_text(value))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().strip()


@functools.cache
def marks() -> dict[str, bool]:
    """Folded mark -> marked? (``marks.tsv``)."""
    return {fold_mark(r["mark"]): r["marked"] == "yes" for r in _table("marks.tsv")}


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


@dataclass
class Header:
    """A detected header row (0-based ``row``)."""

    row: int
    fields: dict[str, int] = field(default_factory=dict)
    mark_columns: dict[int, str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def _criterion_id(key: str) -> str | None:
    cands = criteria().index.get(key)
    if cands and len({c[0] for c in cands}) == 1:
        return cands[0][0]
    return None


def find_header(grid: list[list], merges: list = ()) -> Header | None:
    """The header row among the first rows of ``grid``, or ``None``.

    Vertical ``merges`` are filled first, so a two-row header whose "Eje" and
    "Tema" cells are merged down beside a row of criterion names (under a
    merged "Criterio" group cell) is found on its second row.
    """
    grid = fill_merged(grid[:HEADER_SCAN_ROWS], merges)
    aliases = header_aliases()
    best, best_score = None, MIN_HEADER_CELLS - 1
    for r in range(min(HEADER_SCAN_ROWS, len(grid))):
        score = 0
        for value in grid[r]:
            if isinstance(value, str):
                key = normalize_label(value)
                if key and (key in aliases or _criterion_id(key)):
                    score += 1
        if score > best_score:
            best, best_score = r, score
    if best is None:
        return None
    header = Header(best)
    for c, value in enumerate(grid[best]):
        name = cell_text(value)
        if not name:
            continue
        header.names[c] = name
        key = normalize_label(name)
        fld = aliases.get(key)
        crit = None if fld else _criterion_id(key)
        if fld and fld not in header.fields:
            header.fields[fld] = c
        elif crit and crit not in header.mark_columns.values():
            header.mark_columns[c] = crit
        else:
            header.ignored.append(name)
    return header


_META = re.compile(r"^\s*([^:：]{2,40}?)\s*[:：]\s*(\S.*?)\s*$")


def metadata_organism(grid: list[list], stop: int) -> str:
    """The organism named in a metadata cell in rows ``[0, stop)``, as written, or ``""``.

    Recognises "Organismo: X" in one cell, or "Organismo" then X in a cell to its right.
    """
    aliases = header_aliases()
    for r in range(min(stop, len(grid))):
        row = grid[r]
        for c, value in enumerate(row):
            if not isinstance(value, str):
                continue
            m = _META.match(value)
            if m and aliases.get(normalize_label(m.group(1))) == "organism":
                return m.group(2)
            if aliases.get(normalize_label(value)) == "organism":
                rest = [cell_text(v) for v in row[c + 1:] if not _empty(v)]
                if rest:
                    return rest[0]
    return ""


def _is_note_text(text: str) -> bool:
    key = normalize_label(text)
    return any(key == w or key.startswith(w + " ") for w in _note_words()) and bool(
        re.match(r"^\W*\w[\w ]*?\s*[:.]", text.strip())
    )


def split_rows(raw: list[list], filled: list[list], header_row: int) -> tuple[list[int], list[tuple[int, str]]]:
    """Data row indices and notes ``(excel_row, text)`` below ``header_row``."""
    counts, singles = [], []
    for r in range(header_row + 1, len(raw)):
        row = raw[r]
        n = len(row) - row.count("") - row.count(None)
        if n and (n <= 2 or not any(v.__class__ is not str or not v.isspace() for v in row if v != "")):
            n = sum(not _empty(v) for v in row)  # whitespace-only cells are empty
        nf = n if filled[r] is row else sum(not _empty(v) for v in filled[r])
        counts.append((r, n, nf))
        singles.append(cell_text(next(v for v in row if not _empty(v))) if n == 1 else "")
    last_table = max((r for r, _n, nf in counts if nf >= 2), default=header_row)
    data, notes = [], []
    blank_seen = False
    for (r, n, _nf), single in zip(counts, singles):
        if n == 0:
            blank_seen = blank_seen or r > last_table
            continue
        if n == 1 and (_is_note_text(single) or (r > last_table and blank_seen)):
            notes.append((r + 1, single))
        else:
            data.append(r)
    return data, notes


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


def _stray_rows(raw: list[list], data: list[int], header: Header) -> pd.Series:
    """Per data row, ``(columns, values)`` when it has values only outside the read columns, else None.

    Such a row (a numbered template row left empty, a lone source note in an
    ignored column) is rejected with one reason instead of one per missing
    field.  Merged cells do not count: ``raw`` is the grid before filling.
    """
    read = set(header.fields.values()) | set(header.mark_columns)
    out = []
    for r in data:
        row = raw[r]
        if any(not _empty(row[c]) for c in read if c < len(row)):
            out.append(None)
            continue
        cells = [(header.names.get(c, f"column {column_letter(c)}"), cell_text(v))
                 for c, v in enumerate(row) if not _empty(v)]
        out.append((", ".join(n for n, _v in cells), "; ".join(v for _n, v in cells)))
    return pd.Series(out, index=range(len(data)), dtype=object)


@dataclass
class SheetRows:
    """Validated rows of one sheet: ``tidy`` (no source_file/round yet) and ``rejects``."""

    tidy: pd.DataFrame
    rejects: list[dict]
    layout: str
    rows_read: int
    notes: list[tuple[int, str]]


def _mapped(values: pd.Series, fn) -> pd.Series:
    """``fn`` applied once per distinct value."""
    cache: dict = {}
    out = []
    for v in values.tolist():
        try:
            out.append(cache[v])
        except KeyError:
            out.append(cache.setdefault(v, fn(v)))
    return pd.Series(out, index=values.index, dtype=object)


def parse_sheet(raw: list[list], merges: list, header: Header, sheet: str,
                organism: str | None, no_organism_reason: str) -> SheetRows:
    """Validate the data rows of one sheet.

    ``organism`` is the id that applies to rows without an organism cell
    (``None`` when the file names none; such rows are rejected with
    ``no_organism_reason``).
    """
    filled = fill_merged(raw, merges)
    data, notes = split_rows(raw, filled, header.row)
    n = len(data)
    cols = header.fields
    frame = pd.DataFrame({"source_row": pd.Series([r + 1 for r in data], dtype="int64")})
    rawcol: dict[str, pd.Series] = {}
    for fld, c in cols.items():
        rawcol[fld] = pd.Series([filled[r][c] for r in data], dtype=object)
    text = {fld: _mapped(s, cell_text) if n else pd.Series([], dtype=object) for fld, s in rawcol.items()}
    for fld in TEXT_FIELDS:
        frame[fld] = text[fld].astype(str) if fld in text else ""
    problems: list[tuple[pd.Series, str, pd.Series, pd.Series]] = []

    stray = _stray_rows(raw, data, header)

    def problem(mask, fld_or_name, values, reason):
        mask = pd.Series(mask, index=frame.index, dtype=bool) if not isinstance(mask, pd.Series) else mask
        mask = mask & ~stray.notna()  # such a row gets the one reason below
        if mask.any():
            name = header.names.get(cols[fld_or_name], fld_or_name) if fld_or_name in cols else fld_or_name
            values = values if isinstance(values, pd.Series) else pd.Series(values, index=frame.index)
            reason = reason if isinstance(reason, pd.Series) else pd.Series(reason, index=frame.index)
            problems.append((mask, name, values, reason))

    if stray.notna().any():
        where = stray.dropna()
        problems.append((stray.notna(), where.map(lambda t: t[0]).reindex(frame.index),
                         where.map(lambda t: t[1]).reindex(frame.index),
                         where.map(lambda t: f"no initiative: values only in columns the loader does not read "
                                             f"({t[0]}); expected an axis, criterion, theme or initiative on "
                                             "this row, or an empty row").reindex(frame.index)))
    # organism
    if "organism" in cols:
        otext = text["organism"]
        match = _mapped(otext, lambda v: organisms().match(v) if v else None)
        has = otext != ""
        frame["organism"] = [m.id if m is not None else None for m in match]
        bad = has & frame["organism"].isna()
        problem(bad, "organism", otext, match.map(lambda m: m.reason if m is not None else ""))
        if organism is None:
            problem(~has, "organism", otext,
                    f"missing organism: empty cell; expected an organism name, and {no_organism_reason}")
        else:
            frame.loc[~has, "organism"] = organism
    else:
        frame["organism"] = organism
        if organism is None:
            problem(True, "", "", no_organism_reason)
    # axis and matrix
    sheet_match = axes().match(sheet)
    if "axis" in cols:
        atext = text["axis"]
        match = _mapped(atext, lambda v: axes().match(v) if v else None)
        frame["axis"] = [m.id if m is not None else None for m in match]
        frame["matrix"] = [m.matrix if m is not None else "" for m in match]
        has = atext != ""
        problem(has & frame["axis"].isna(), "axis", atext, match.map(lambda m: m.reason if m is not None else ""))
        if sheet_match.id:
            frame.loc[~has, "axis"] = sheet_match.id
            frame.loc[~has, "matrix"] = sheet_match.matrix
        else:
            problem(~has, "axis", atext, f"missing axis: empty cell and the sheet name {sheet!r} is not an axis; "
                    "expected an axis label")
    elif sheet_match.id:
        frame["axis"] = sheet_match.id
        frame["matrix"] = sheet_match.matrix
    else:
        frame["axis"] = None
        frame["matrix"] = ""
        problem(True, "(sheet name)", sheet,
                f"missing axis: no axis column and the sheet name is not an axis ({sheet_match.reason})")
    if "matrix" in cols:
        mtext = text["matrix"]
        frame["matrix"] = mtext.where(mtext != "", frame["matrix"])
    # theme or initiative
    if "theme" not in cols and "initiative" not in cols:
        problem(True, "", "", f"missing initiative and theme: the header on row {header.row + 1} has neither "
                "column; expected Tema/Theme or Iniciativa/Initiative")
    else:
        none = (frame["theme"] == "") & (frame["initiative"] == "")
        name = header.names[cols["initiative"]] if "initiative" in cols else header.names[cols["theme"]]
        problem(none, name, "", "missing initiative and theme: expected at least one of them")
    # year
    if "year" in cols:
        years = _mapped(rawcol["year"], parse_year)
        bad = years.map(lambda y: y is False)
        lo, hi = YEAR_RANGE
        problem(bad, "year", text["year"], f"invalid year: expected a whole number from {lo} to {hi}")
        frame["year"] = pd.array([None if (y is None or y is False) else y for y in years], dtype="Int64")
    else:
        frame["year"] = pd.array([None] * n, dtype="Int64")
    # criterion
    if "criterion" in cols:
        layout = "long" if "axis" in cols or not sheet_match.id else "sheet_per_axis"
        ctext = text["criterion"]
        match = _mapped(ctext, lambda v: criteria().match(v) if v else None)
        frame["criterion"] = [m.id if m is not None else None for m in match]
        has = ctext != ""
        problem(has & frame["criterion"].isna(), "criterion", ctext,
                match.map(lambda m: m.reason if m is not None else ""))
        problem(~has, "criterion", ctext, "missing criterion: empty cell; expected a criterion label")
        expanded = frame
    else:
        layout = "marks"
        marked = {}
        known = marks()
        allowed = ", ".join(k for k, v in _marks_display().items() if v)
        for c, crit in header.mark_columns.items():
            vals = pd.Series([filled[r][c] for r in data], dtype=object)
            folded = _mapped(vals, fold_mark)
            state = folded.map(lambda f: "" if f == "" else known.get(f, "?"))
            problem(state == "?", header.names[c], _mapped(vals, cell_text),
                    f"unrecognised mark in criterion column {header.names[c]!r}: expected {allowed} "
                    "(or empty, No, 0)")
            marked[crit] = state.map(lambda s: s is True)
        any_mark = pd.DataFrame(marked).any(axis=1) if marked else pd.Series(False, index=frame.index)
        labels = ", ".join(repr(header.names[c]) for c in header.mark_columns)
        problem(~any_mark, "", "", f"no criterion marked: expected {allowed} in one of the columns {labels}")
        parts = []
        for crit in criteria().ids:
            if crit in marked:
                part = frame[marked[crit]].copy()
                part["criterion"] = crit
                parts.append(part)
        expanded = pd.concat(parts) if parts else frame.assign(criterion=None).iloc[:0]
    rejects = []
    bad_rows = set()
    for mask, name, values, reason in problems:
        idx = mask[mask].index
        bad_rows.update(idx)
        for i, v, why in zip(idx, values.loc[idx], reason.loc[idx]):
            rejects.append({"source_sheet": sheet, "source_row": int(frame.at[i, "source_row"]),
                            "column": name.at[i] if isinstance(name, pd.Series) else name,
                            "value": "" if v is None else str(v), "reason": why})
    tidy = expanded[~expanded.index.isin(bad_rows)]
    return SheetRows(tidy.reset_index(drop=True), rejects, layout, n, notes)


@functools.cache
def _marks_display() -> dict[str, bool]:
    return {r["mark"]: r["marked"] == "yes" for r in _table("marks.tsv")}
