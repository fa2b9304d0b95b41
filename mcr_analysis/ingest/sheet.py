"""One worksheet of a submission: data rows, notes, layouts, row validation.

Internal to :mod:`mcr_analysis.ingest`.  A sheet arrives as a grid of cached
cell values (python-calamine, absolute 0-based coordinates, formulas never
evaluated); vertical merged ranges are filled down their first column, so an
axis or criterion written once for a block counts for every row it spans.

Rows below the header (:mod:`mcr_analysis.ingest.header`) are data rows,
except fully empty rows and notes (a one-cell row starting with a note word
such as "Nota:", or a one-cell row after the table and a blank row).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from mcr_analysis.ingest.cells import (
    YEAR_RANGE, _empty, cell_text, column_letter, fill_merged, fold_mark, marks, package_table, parse_year,
)
from mcr_analysis.ingest.header import Header, _note_words
from mcr_analysis.taxonomy import axes, criteria, normalize_label, organisms

FIELDS = ("organism", "axis", "matrix", "criterion", "theme", "initiative",
          "description", "year", "status", "partners")
TEXT_FIELDS = ("theme", "initiative", "description", "status", "partners")


def _is_note_text(text: str) -> bool:
    key = normalize_label(text)
    return any(key == w or key.startswith(w + " ") for w in _note_words()) and bool(
        re.match(r"^\W*\w[\w ]*?\s*[:.]", text.strip())
    )


def _has_text(row: list) -> bool:
    """Whether ``row`` has a cell, other than ``""``, that is not a whitespace-only string."""
    return any(v.__class__ is not str or not v.isspace() for v in row if v != "")


def split_rows(raw: list[list], filled: list[list], header_row: int) -> tuple[list[int], list[tuple[int, str]]]:
    """Data row indices and notes ``(excel_row, text)`` below ``header_row``."""
    first = header_row + 1
    counts = [len(row) - row.count("") - row.count(None) for row in raw[first:]]
    for i, n in enumerate(counts):
        if not n:
            continue
        row = raw[first + i]
        # the usual data row (three or more cells, the first with text) needs no look at each cell
        if n > 2 and (((v := row[0]) != "" and (v.__class__ is not str or not v.isspace())) or _has_text(row)):
            continue
        counts[i] = sum(not _empty(v) for v in row)  # whitespace-only cells are empty
    last_table = header_row
    for i in range(len(counts) - 1, -1, -1):
        r = first + i
        if (counts[i] if filled[r] is raw[r] else sum(not _empty(v) for v in filled[r])) >= 2:
            last_table = r
            break
    data, notes = [], []
    blank_seen = False
    for i, n in enumerate(counts):
        r = first + i
        if n == 0:
            blank_seen = blank_seen or r > last_table
            continue
        if n == 1:
            single = cell_text(next(v for v in raw[r] if not _empty(v)))
            if _is_note_text(single) or (r > last_table and blank_seen):
                notes.append((r + 1, single))
                continue
        data.append(r)
    return data, notes



def _stray_rows(raw: list[list], data: list[int], header: Header) -> dict[int, tuple[str, str]]:
    """``{position in data: (columns, values)}`` for rows with values only outside the read columns.

    Such a row (a numbered template row left empty, a lone source note in an
    ignored column) is rejected with one reason instead of one per missing
    field.  Merged cells do not count: ``raw`` is the grid before filling.
    """
    left = range(len(data))
    for c in set(header.fields.values()) | set(header.mark_columns):
        # keep the rows still empty in every read column seen so far (usually none after the first)
        left = [i for i in left if len(row := raw[data[i]]) <= c or (v := row[c]) is None
                or (isinstance(v, str) and not v.strip())]
    out = {}
    for i in left:
        cells = [(header.names.get(c, f"column {column_letter(c)}"), cell_text(v))
                 for c, v in enumerate(raw[data[i]]) if not _empty(v)]
        out[i] = (", ".join(n for n, _v in cells), "; ".join(v for _n, v in cells))
    return out


@dataclass
class SheetRows:
    """Validated rows of one sheet: ``tidy`` columns as lists (no source_file/round/sheet yet) and ``rejects``."""

    tidy: dict[str, list]
    rejects: list[dict]
    layout: str
    rows_read: int
    notes: list[tuple[int, str]]


def _mapped(values: list, fn) -> list:
    """``fn`` applied once per distinct value (equal values share the first one's result).

    >>> _mapped([" a", 2.0, " a"], cell_text)
    ['a', '2', 'a']
    """
    table = {v: fn(v) for v in dict.fromkeys(values)}
    return list(map(table.__getitem__, values))


def _at(value, i: int):
    """``value[i]`` for a per-row list or dict, else the scalar ``value``."""
    return value[i] if isinstance(value, (list, dict)) else value


def _ids(matches: list) -> list:
    return [m.id if m is not None else None for m in matches]


def _reasons(matches: list) -> list:
    return [m.reason if m is not None else "" for m in matches]


def parse_sheet(raw: list[list], merges: list, header: Header, sheet: str,
                organism: str | None, no_organism_reason: str) -> SheetRows:
    """Validate the data rows of one sheet.

    ``organism`` is the id that applies to rows without an organism cell
    (``None`` when the file names none; such rows are rejected with
    ``no_organism_reason``).  Works on whole columns as lists; each distinct
    cell value is converted and matched once.
    """
    filled = fill_merged(raw, merges)
    data, notes = split_rows(raw, filled, header.row)
    n = len(data)
    every = range(n)
    cols = header.fields
    rows = [filled[r] for r in data]
    rawcol = {fld: [row[c] for row in rows] for fld, c in cols.items()}
    text = {fld: _mapped(values, cell_text) for fld, values in rawcol.items()}
    out = {"source_row": [r + 1 for r in data]}
    for fld in TEXT_FIELDS:
        out[fld] = text[fld] if fld in text else [""] * n
    # problems: (positions, column name, value(s), reason(s)); a list or dict holds one item per position
    problems: list[tuple[list[int], object, object, object]] = []
    stray = _stray_rows(raw, data, header)

    def problem(where, fld_or_name, values, reason):
        where = [i for i in where if i not in stray]  # such a row gets the one reason below
        if where:
            name = header.names.get(cols[fld_or_name], fld_or_name) if fld_or_name in cols else fld_or_name
            problems.append((where, name, values, reason() if callable(reason) else reason))

    if stray:
        problems.append((sorted(stray), {i: t[0] for i, t in stray.items()}, {i: t[1] for i, t in stray.items()},
                         {i: f"no initiative: values only in columns the loader does not read ({t[0]}); expected "
                             "an axis, criterion, theme or initiative on this row, or an empty row"
                          for i, t in stray.items()}))
    # organism
    if "organism" in cols:
        otext = text["organism"]
        match = _mapped(otext, lambda v: organisms().match(v) if v else None)
        org = _ids(match)
        problem([i for i in every if otext[i] and org[i] is None], "organism", otext, lambda: _reasons(match))
        if organism is None:
            problem([i for i in every if not otext[i]], "organism", otext,
                    f"missing organism: empty cell; expected an organism name, and {no_organism_reason}")
        else:
            org = [o if t else organism for o, t in zip(org, otext)]
    else:
        org = [organism] * n
        if organism is None:
            problem(every, "", "", no_organism_reason)
    # axis and matrix
    sheet_match = axes().match(sheet)
    if "axis" in cols:
        atext = text["axis"]
        match = _mapped(atext, lambda v: axes().match(v) if v else None)
        axis = _ids(match)
        matrix = [m.matrix if m is not None else "" for m in match]
        problem([i for i in every if atext[i] and axis[i] is None], "axis", atext, lambda: _reasons(match))
        if sheet_match.id:
            axis = [a if t else sheet_match.id for a, t in zip(axis, atext)]
            matrix = [m if t else sheet_match.matrix for m, t in zip(matrix, atext)]
        else:
            problem([i for i in every if not atext[i]], "axis", atext,
                    f"missing axis: empty cell and the sheet name {sheet!r} is not an axis; expected an axis label")
    elif sheet_match.id:
        axis, matrix = [sheet_match.id] * n, [sheet_match.matrix] * n
    else:
        axis, matrix = [None] * n, [""] * n
        problem(every, "(sheet name)", sheet,
                f"missing axis: no axis column and the sheet name is not an axis ({sheet_match.reason})")
    if "matrix" in cols:
        matrix = [t if t != "" else m for t, m in zip(text["matrix"], matrix)]
    out.update(organism=org, axis=axis, matrix=matrix)
    # theme or initiative
    if "theme" not in cols and "initiative" not in cols:
        problem(every, "", "", f"missing initiative and theme: the header on row {header.row + 1} has neither "
                "column; expected Tema/Theme or Iniciativa/Initiative")
    else:
        theme, initiative = out["theme"], out["initiative"]
        name = header.names[cols["initiative"]] if "initiative" in cols else header.names[cols["theme"]]
        problem([i for i in every if theme[i] == "" and initiative[i] == ""], name, "",
                "missing initiative and theme: expected at least one of them")
    # year
    if "year" in cols:
        years = _mapped(rawcol["year"], parse_year)
        lo, hi = YEAR_RANGE
        problem([i for i in every if years[i] is False], "year", text["year"],
                f"invalid year: expected a whole number from {lo} to {hi}")
        out["year"] = [None if (y is None or y is False) else y for y in years]
    else:
        out["year"] = [None] * n
    # criterion
    if "criterion" in cols:
        layout = "long" if "axis" in cols or not sheet_match.id else "sheet_per_axis"
        ctext = text["criterion"]
        match = _mapped(ctext, lambda v: criteria().match(v) if v else None)
        crit = _ids(match)
        problem([i for i in every if ctext[i] and crit[i] is None], "criterion", ctext, lambda: _reasons(match))
        problem([i for i in every if not ctext[i]], "criterion", ctext,
                "missing criterion: empty cell; expected a criterion label")
        expanded = zip(every, crit)
    else:
        layout = "marks"
        expanded = _expand_marks(rows, header, problem)
    rejects = []
    bad_rows = set()
    for where, name, values, reason in problems:
        bad_rows.update(where)
        for i in where:
            v = _at(values, i)
            rejects.append({"source_sheet": sheet, "source_row": data[i] + 1, "column": _at(name, i),
                            "value": "" if v is None else str(v), "reason": _at(reason, i)})
    if layout != "marks" and not bad_rows:  # the usual case: every row kept, one criterion each
        return SheetRows(dict(out, criterion=crit), rejects, layout, n, notes)
    keep = [(i, c) for i, c in expanded if i not in bad_rows]
    tidy = {k: [v[i] for i, _c in keep] for k, v in out.items()}
    tidy["criterion"] = [c for _i, c in keep]
    return SheetRows(tidy, rejects, layout, n, notes)


def _expand_marks(rows: list[list], header: Header, problem) -> list[tuple[int, str]]:
    """``(position, criterion)`` per marked cell of a mark matrix, criterion by criterion.

    Unrecognised marks and rows with no mark are reported through ``problem``.
    """
    every = range(len(rows))
    marked = {}
    known = marks()
    allowed = ", ".join(k for k, v in _marks_display().items() if v)
    for c, crit in header.mark_columns.items():
        values = [row[c] for row in rows]
        state = _mapped(values, lambda v: "" if (f := fold_mark(v)) == "" else known.get(f, "?"))
        bad = [i for i in every if state[i] == "?"]
        problem(bad, header.names[c], _mapped(values, cell_text) if bad else "",
                f"unrecognised mark in criterion column {header.names[c]!r}: expected {allowed} "
                "(or empty, No, 0)")
        marked[crit] = [s is True for s in state]
    labels = ", ".join(repr(header.names[c]) for c in header.mark_columns)
    problem([i for i in every if not any(m[i] for m in marked.values())], "", "",
            f"no criterion marked: expected {allowed} in one of the columns {labels}")
    return [(i, crit) for crit in criteria().ids if crit in marked for i in every if marked[crit][i]]


@functools.cache
def _marks_display() -> dict[str, bool]:
    return {r["mark"]: r["marked"] == "yes" for r in package_table("marks.tsv")}
