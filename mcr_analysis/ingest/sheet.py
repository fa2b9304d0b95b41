"""One worksheet of a submission: tables, data rows, headings, notes, row validation.

Internal to :mod:`mcr_analysis.ingest`.  A sheet arrives as a grid of cached
cell values (python-calamine, absolute 0-based coordinates, formulas never
evaluated); vertical merged ranges are filled down their first column, so an
axis or criterion written once for a block counts for every row it spans.

A sheet holds one table or several stacked ones, each read with its own header
(:func:`mcr_analysis.ingest.header.find_tables`).  Rows below a header are data
rows, except fully empty rows, notes (a one-cell row starting with a note word
such as "Nota:", or a one-cell row after the table and a blank row) and section
headings (a one-cell row holding an axis or criterion label, "EJE: ..." or
"PROYECTOS", that sets that field for the rows below it until the next heading)
and totals rows, sorted out by :mod:`mcr_analysis.ingest.rows`.
Work is column-wise: each distinct cell value is converted and matched once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter

from mcr_analysis.ingest.cells import (
    _empty, _no_blank_text, cell_text, column_letter, fill_merged, read_year, text_table,
)
from mcr_analysis.ingest.header import Header, confirm_tables, field_texts
from mcr_analysis.ingest.fields import _axes, _expand_marks, _mapped, _organisms, _status, _themes, criterion_ids
from mcr_analysis.ingest.organism import partner_ids
from mcr_analysis.ingest.rows import split_rows
from mcr_analysis.taxonomy import axes

TEXT_FIELDS = ("theme", "initiative", "description", "status", "partners")
FORMULA_REASON = "formula with no saved value: open the file in Excel and save it"
_FULLEST = ("initiative", "theme", "criterion", "axis", "organism", "description")


def _stray_rows(raw: list[list], data: list[int], header: Header, skip: set,
                columns: dict | None = None) -> dict[int, tuple[str, str]]:
    """``{position in data: (columns, values)}`` for rows with values only outside the read columns.

    Such a row (a numbered template row left empty, a lone source note in an
    ignored column) is rejected with one reason instead of one per missing
    field.  Merged cells do not count: ``raw`` is the grid before filling.
    """
    left = [i for i in range(len(data)) if i not in skip] if skip else range(len(data))
    fields = header.fields
    # the result does not depend on the order of the columns: the usually fullest first, so ``left`` empties fast
    read = list(dict.fromkeys([fields[f] for f in _FULLEST if f in fields] + sorted(fields.values())
                              + sorted(header.mark_columns)))
    columns = columns or {}
    rows = list(map(raw.__getitem__, data))
    short = min(map(len, rows), default=0)
    for c in read:
        if not left:
            break
        # keep the rows still empty in every read column seen so far (usually none after the first)
        if c >= short:
            left = [i for i in left if len(row := rows[i]) <= c or (v := row[c]) is None
                    or (isinstance(v, str) and not v.strip())]
            continue
        values = columns[c] if c in columns else list(map(itemgetter(c), rows))
        if "" not in values and None not in values and _no_blank_text(values):
            left = []  # a column with a value on every row (C-speed looks)
            break
        blanks = {v for v in set(values) if v is None or (isinstance(v, str) and not v.strip())}
        left = [i for i in left if values[i] in blanks] if blanks else []
    out = {}
    for i in left:
        cells = [(header.names.get(c, f"column {column_letter(c)}"), cell_text(v))
                 for c, v in enumerate(raw[data[i]]) if not _empty(v)]
        out[i] = (", ".join(n for n, _v in cells), "; ".join(v for _n, v in cells))
    return out


@dataclass
class SheetContext:
    """What applies to every row of a sheet: the declared sender and why rows without one are rejected."""

    sheet: str
    organism: str | None = None
    declared: str = ""
    no_organism_reason: str = ""
    hidden_columns: frozenset = frozenset()
    mapped: tuple = ()


@dataclass
class SheetRows:
    """Validated rows of one sheet: ``tidy`` columns as lists (no source_file/round/sheet yet), problems found."""

    tidy: dict[str, list]
    rejects: list[dict]
    layout: str
    rows_read: int
    notes: list[tuple[int, str]]
    warnings: list[dict] = field(default_factory=list)
    unread: list[dict] = field(default_factory=list)
    headings: list[tuple] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    criterion_source: bool = True
    header_like: list[int] = field(default_factory=list)
    tables: list = field(default_factory=list)


def _at(value, i: int):
    """``value[i]`` for a per-row list or dict, else the scalar ``value``."""
    return value[i] if isinstance(value, (list, dict)) else value


def parse_sheet(raw: list[list], merges: list, tables: list[Header], ctx: SheetContext,
                uncached: dict | None = None, discover: bool = True) -> SheetRows:
    """Validate the data rows of one sheet, table by table (``tables``: their headers, top to bottom).

    With ``discover``, a data row that looks like a header (two or more cells
    naming fields, found while the columns are read) starts a stacked table
    and the sheet is read again with every table's own header.

    ``ctx.organism`` is the sender the file or sheet declares (``None`` for a
    consolidated file: rows take theirs from the organism column, and rows
    without one are rejected with ``ctx.no_organism_reason``).  ``uncached``
    are the ``{(row, col): formula}`` cells with no saved value.
    """
    filled = fill_merged(raw, merges)
    merged = frozenset(c1 for (r1, c1), (r2, _c2) in merges or () if r2 > r1)  # columns fill_merged may change
    uncached = uncached or {}
    forced = frozenset(r for r, _c in uncached)
    parts, heads_all, notes_all = [], [], []
    for k, header in enumerate(tables):
        stop = tables[k + 1].row if k + 1 < len(tables) else len(raw)
        data, notes, heads = split_rows(raw, filled, header.row, stop, forced)
        parts.append((header, data))
        heads_all += heads
        notes_all += notes
    out = SheetRows({}, [], "", 0, notes_all, headings=heads_all, tables=list(tables))
    layouts, sources, candidates = [], [], []
    for header, data in parts:
        hd_axis, hd_crit = _heading_state(data, heads_all)
        block = _parse_block(raw, filled, data, header, ctx, hd_axis, hd_crit, uncached, merged)
        layouts.append(block.layout)
        for k, values in block.tidy.items():
            out.tidy.setdefault(k, []).extend(values)
        out.rejects += block.rejects
        out.warnings += block.warnings
        out.unread += block.unread
        out.rows_read += block.rows_read
        out.fields.append(header.describe())
        sources.append(block.criterion_source)
        candidates += block.header_like
    if discover and candidates:
        more = confirm_tables(raw, merges, candidates, ctx.hidden_columns, ctx.mapped)
        if more:
            return parse_sheet(raw, merges, sorted(tables + more, key=lambda t: t.row), ctx, uncached, False)
    distinct = [x for x in dict.fromkeys(layouts) if x]
    out.layout = ("stacked:" if len(parts) > 1 else "") + "+".join(distinct)
    out.criterion_source = any(sources)
    return out


def _heading_state(data: list[int], heads: list[tuple]) -> tuple[list | None, list | None]:
    """Per data row, the axis ``(id, matrix)`` and criterion id set by the last heading above it."""
    if not heads:
        return None, None
    axis_h = [(h[0], (h[3], h[4])) for h in heads if h[2] == "axis"]
    crit_h = [(h[0], h[3]) for h in heads if h[2] == "criterion"]

    def state(hs):
        if not hs:
            return None
        out, j, cur = [], 0, None
        for r in data:
            while j < len(hs) and hs[j][0] < r:
                cur = hs[j][1]
                j += 1
            out.append(cur)
        return out

    return state(axis_h), state(crit_h)


def _parse_block(raw, filled, data, header: Header, ctx: SheetContext, hd_axis, hd_crit, uncached,
                 merged: frozenset = frozenset()) -> SheetRows:
    n = len(data)
    every = range(n)
    cols = header.fields
    rows = list(map(filled.__getitem__, data))
    if rows and len(set(map(len, rows))) == 1:  # rectangular (the readers' grids are): one transposition
        columns = list(zip(*rows))
        rawcol = {fld: columns[c] for fld, c in cols.items()}
    else:
        columns = None
        rawcol = {fld: list(map(itemgetter(c), rows)) for fld, c in cols.items()}
    text, like = {}, Counter()
    for fld, values in rawcol.items():
        try:  # a column of text only (the usual case): stripped at C speed, no table
            text[fld] = list(map(str.strip, values))
            # free text (over 300 distinct values already among the first 1000) needs no set for field_texts
            distinct = values if len(set(values[:1000])) > 300 else set(values)
        except TypeError:
            distinct = text_table(values)
            text[fld] = list(map(distinct.__getitem__, values))
        found = field_texts(distinct, ctx.mapped)
        if found:  # cells that read like headers: a stacked table's header row?
            like.update(compress(every, map(found.__contains__, values)))
    header_like = sorted(data[i] for i, k in like.items() if k >= 2)
    out = {"source_row": list(map((1).__add__, data))}
    for fld in TEXT_FIELDS:
        out[fld] = text[fld] if fld in text else [""] * n
    problems: list[tuple[list[int], object, object, object]] = []
    warnings: list[tuple[list[int], object, object, object]] = []
    formula_rows = {}
    if uncached:
        pos = {r: i for i, r in enumerate(data)}
        for (r, c), formula in sorted(uncached.items()):
            if r in pos:
                formula_rows.setdefault(pos[r], []).append((c, formula))
    # a column no vertical merge fills is the same in raw and filled
    same = {c: columns[c] for c in range(len(columns)) if c not in merged} if columns is not None else {}
    stray = _stray_rows(raw, data, header, set(formula_rows), same)

    def name_of(fld):
        return header.names.get(cols[fld], fld) if fld in cols else fld

    def problem(where, fld_or_name, values, reason, sink=problems):
        where = [i for i in where if i not in stray and i not in formula_rows]  # such rows get one reason
        if where:
            name = name_of(fld_or_name) if isinstance(fld_or_name, str) else fld_or_name
            sink.append((where, name, values, reason() if callable(reason) else reason))

    if stray:
        problems.append((sorted(stray), {i: t[0] for i, t in stray.items()}, {i: t[1] for i, t in stray.items()},
                         {i: f"no initiative: values only in columns the loader does not read ({t[0]}); expected "
                             "an axis, criterion, theme or initiative on this row, or an empty row"
                          for i, t in stray.items()}))
    if formula_rows:
        problems.append((sorted(formula_rows),
                         {i: ", ".join(header.names.get(c, f"column {column_letter(c)}") for c, _f in cells)
                          for i, cells in formula_rows.items()},
                         {i: "; ".join(f for _c, f in cells) for i, cells in formula_rows.items()},
                         {i: f"{FORMULA_REASON} (cell{'s' if len(cells) > 1 else ''} "
                             f"{', '.join(column_letter(c) + str(data[i] + 1) for c, _f in cells)}; the loader "
                             "reads saved values only)" for i, cells in formula_rows.items()}))
    org, body = _organisms(text, cols, n, ctx, problem, warnings, name_of)
    out.update(organism=org, body=body)
    axis, matrix = _axes(text, cols, n, ctx.sheet, hd_axis, problem)
    if "matrix" in cols:
        matrix = [t if t != "" else m for t, m in zip(text["matrix"], matrix)]
    out.update(axis=axis, matrix=matrix)
    # theme or initiative
    if "theme" not in cols and "initiative" not in cols:
        problem(every, "", "", f"missing initiative and theme: the header on row {header.row + 1} has neither "
                "column; expected Tema/Theme or Iniciativa/Initiative")
    else:
        theme, initiative = out["theme"], out["initiative"]
        if "" in theme and "" in initiative:  # a C-speed look first: usually neither is ever empty on a row
            problem([i for i in every if theme[i] == "" and initiative[i] == ""],
                    "initiative" if "initiative" in cols else "theme", "",
                    "missing initiative and theme: expected at least one of them")
    # year: each distinct cell read once; rows looked at one by one only when some value is odd
    if "year" in cols:
        table = {v: read_year(v) for v in dict.fromkeys(rawcol["year"])}
        out["year"] = list(map({v: None if y is False else y for v, (y, _w) in table.items()}.__getitem__,
                               rawcol["year"]))
        if any(y is False for y, _w in table.values()):
            problem([i for i, v in enumerate(rawcol["year"]) if table[v][0] is False], "year", text["year"],
                    "invalid year: expected a whole number from 1900 to 2100, a range such as 2023-2024, a date, "
                    "or empty")
        if any(w for _y, w in table.values()):
            problem([i for i, v in enumerate(rawcol["year"]) if table[v][1]], "year", text["year"],
                    {i: table[v][1] for i, v in enumerate(rawcol["year"]) if table[v][1]}, warnings)
    else:
        out["year"] = [None] * n
    # status
    if "status" in cols:
        table = {v: _status(v) for v in dict.fromkeys(out["status"])}
        out["status_id"] = list(map({v: sid for v, (sid, _w) in table.items()}.__getitem__, out["status"]))
        if any(w for _s, w in table.values()):
            problem([i for i, v in enumerate(out["status"]) if table[v][1]], "status", out["status"],
                    {i: table[v][1] for i, v in enumerate(out["status"]) if table[v][1]}, warnings)
    else:
        out["status_id"] = [""] * n
    # partners (without the row's own organism)
    if "partners" in cols:
        found = {v: partner_ids(v) if v else frozenset() for v in dict.fromkeys(out["partners"])}
        orgs = set(org)
        if len(orgs) == 1:  # the usual case: one sender
            o = next(iter(orgs))
            out["partner_ids"] = list(map({v: ";".join(sorted(p - {o})) for v, p in found.items()}.__getitem__,
                                          out["partners"]))
        else:
            joined: dict = {}
            out["partner_ids"] = [(joined.get((v, o)) or joined.setdefault((v, o), ";".join(sorted(found[v] - {o}))))
                                  if v else "" for v, o in zip(out["partners"], org)]
    else:
        out["partner_ids"] = [""] * n
    # criterion
    criterion_source = True
    split_crit = None
    if "criterion" in cols:
        layout = "long" if "axis" in cols or not axes().match(ctx.sheet).id else "sheet_per_axis"
        ctext = text["criterion"]
        table = {v: criterion_ids(v) if v else ((), "") for v in dict.fromkeys(ctext)}
        crits = list(map({v: p[0] for v, p in table.items()}.__getitem__, ctext))
        if any(v and not p[0] for v, p in table.items()):
            problem([i for i in every if ctext[i] and not crits[i]], "criterion", ctext,
                    list(map({v: p[1] for v, p in table.items()}.__getitem__, ctext)))
        if hd_crit is not None:
            crits = [c if c or t else ((h,) if h else ()) for c, t, h in zip(crits, ctext, hd_crit)]
            layout += "+headings"
        if "" in table and () in crits:
            problem([i for i in every if not ctext[i] and not crits[i]], "criterion", ctext,
                    "missing criterion: empty cell; expected a criterion label")
        if max(map(len, crits), default=0) > 1:
            split_crit = ctext
        expanded = [(i, c) for i in every for c in crits[i]] if split_crit or problems else None
        if hd_crit is None:
            crit_single = list(map({v: p[0][0] if p[0] else None for v, p in table.items()}.__getitem__, ctext))
        else:
            crit_single = [c[0] if c else None for c in crits]
    elif header.mark_columns:
        layout = "marks"
        expanded = _expand_marks(rows, header, problem, columns)
    elif hd_crit is not None and any(hd_crit):
        layout = "headings"
        problem([i for i in every if hd_crit[i] is None], "", "",
                "missing criterion: no criterion column and no criterion heading above this row; expected a "
                "heading row such as 'PROYECTOS' above the block")
        expanded = [(i, c) for i, c in enumerate(hd_crit) if c]
    else:
        layout, criterion_source = "", False
        found = sorted(header.fields) + [f"marks:{c}" for c in header.mark_columns.values()]
        problem(every, "", "", f"sheet skipped: the header on row {header.row + 1} has no criterion column, no "
                f"criterion mark columns and no criterion heading (found: {', '.join(found)}); expected a "
                "Criterio/Criterion column, one column per criterion, or headings such as 'PROYECTOS'")
        expanded = []
    split_theme, themes = False, None
    if "theme" in cols:
        table = {v: _themes(v) for v in dict.fromkeys(out["theme"]) if ";" in v}
        split_theme = any(len(t) > 1 for t in table.values())
        if split_theme:
            themes = [table.get(v) or (v,) for v in out["theme"]]
    rejects = _records(problems, data, ctx.sheet, "reason")
    bad_rows = {i for where, *_x in problems for i in where}
    warns = _records([([i for i in w if i not in bad_rows], *x) for w, *x in warnings], data, ctx.sheet, "message")
    unread = _unread(raw, data, header, ctx.sheet, same)
    if layout in ("long", "sheet_per_axis") and not bad_rows and not split_crit and not split_theme:
        out.update(criterion=crit_single, split=[""] * n)
        return SheetRows(out, rejects, layout, n, [], warns, unread, criterion_source=criterion_source,
                         header_like=header_like)
    if expanded is None:  # one criterion per row
        expanded = list(enumerate(crit_single))
    keep = [(i, c) for i, c in expanded if i not in bad_rows]
    if not split_theme:  # column by column, as in the usual case
        idx = [i for i, _c in keep]
        tidy = {k: list(map(v.__getitem__, idx)) for k, v in out.items()}
        tidy["criterion"] = [c for _i, c in keep]
        tidy["split"] = [f"criterion {crits[i].index(c) + 1}/{len(crits[i])} of {split_crit[i]!r}"
                         if len(crits[i]) > 1 else "" for i, c in keep] if split_crit is not None else [""] * len(keep)
        return SheetRows(tidy, rejects, layout, n, [], warns, unread, criterion_source=criterion_source,
                         header_like=header_like)
    tidy = {k: [] for k in list(out) + ["criterion", "split"]}
    for i, c in keep:
        ts = themes[i]
        note = ""
        if split_crit is not None and len(crits[i]) > 1:
            note = f"criterion {crits[i].index(c) + 1}/{len(crits[i])} of {split_crit[i]!r}"
        for j, t in enumerate(ts):
            for k, v in out.items():
                tidy[k].append(v[i])
            if len(ts) > 1:
                tidy["theme"][-1] = t
            tidy["criterion"].append(c)
            tnote = f"theme {j + 1}/{len(ts)} of {out['theme'][i]!r}" if len(ts) > 1 else ""
            tidy["split"].append("; ".join(x for x in (note, tnote) if x))
    return SheetRows(tidy, rejects, layout, n, [], warns, unread, criterion_source=criterion_source,
                     header_like=header_like)


def _records(items, data, sheet, key) -> list[dict]:
    recs = []
    for where, name, values, reason in items:
        for i in where:
            v = _at(values, i)
            recs.append({"source_sheet": sheet, "source_row": data[i] + 1, "column": _at(name, i),
                         "value": "" if v is None else str(v), key: _at(reason, i)})
    return recs


def _unread(raw, data, header: Header, sheet: str, columns: dict | None = None) -> list[dict]:
    """One record per column holding values in ``data`` rows that no field reads.

    ``columns`` are the ``data`` rows' columns by index, where the caller has them.
    """
    if not data:
        return []
    read = set(header.fields.values()) | set(header.mark_columns)
    width = max(map(len, raw))
    out = []
    for c in range(width):
        if c in read:
            continue
        if columns and c in columns and (v := columns[c]).count("") + v.count(None) == len(v):
            continue  # an empty column (C-speed look)
        cells = [(r, raw[r][c]) for r in data if len(raw[r]) > c and not _empty(raw[r][c])]
        if not cells:
            continue
        name = header.names.get(c, "")
        reason = header.unread.get(c) or ("values in a column with no header" if not name else
                                          f"header {name!r} names no field the loader reads")
        out.append({"source_sheet": sheet, "header_row": header.row + 1, "column": column_letter(c),
                    "header": name, "non_empty": len(cells), "sample": cell_text(cells[0][1]),
                    "rows": f"{cells[0][0] + 1}-{cells[-1][0] + 1}" if len(cells) > 1 else str(cells[0][0] + 1),
                    "reason": reason})
    return out


