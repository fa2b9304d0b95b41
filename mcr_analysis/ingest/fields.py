"""Field by field: the values of one table's columns read into ids, once per distinct value.

Internal to :mod:`mcr_analysis.ingest`.  Used by :mod:`mcr_analysis.ingest.sheet`:
organisms and bodies (and the conflicts between them and the declared
sender), axes, criteria (lists of criteria in one cell, mark columns),
statuses and lists of themes.  Each function takes whole columns as lists and
reports problems through the ``problem`` callback of the sheet being read.
"""

from __future__ import annotations

import functools
import operator
from itertools import compress, repeat
from operator import itemgetter
from typing import TYPE_CHECKING

from mcr_analysis.ingest.cells import cell_text, fold_mark, marks, package_table, split_list
from mcr_analysis.ingest.organism import resolve
from mcr_analysis.taxonomy import axes, criteria, normalize_label, statuses

if TYPE_CHECKING:
    from mcr_analysis.ingest.header import Header
    from mcr_analysis.ingest.sheet import SheetContext


def _mapped(values: list, fn) -> list:
    """``fn`` applied once per distinct value (equal values share the first one's result).

    >>> _mapped([" a", 2.0, " a"], cell_text)
    ['a', '2', 'a']
    """
    table = {v: fn(v) for v in dict.fromkeys(values)}
    return list(map(table.__getitem__, values))


@functools.cache
def criterion_ids(text: str) -> tuple[tuple[str, ...], str]:
    """Criterion ids a criterion cell names (several for an explicit list) and the reason when none.

    A label of the vocabulary wins ("Reuniones y foros"); a label the
    vocabulary calls ambiguous ("Normas y políticas") stays a reject; else a
    ``;``-separated list, or one joined by ",", "y", "and", when every part is
    a criterion.

    Examples
    --------
    >>> criterion_ids("Proyectos; Normas"), criterion_ids("Proyectos y Normas")[0]
    ((('proyectos', 'normas'), ''), ('proyectos', 'normas'))
    >>> criterion_ids("Reuniones y foros")[0], criterion_ids("Normas y políticas")[0]
    (('reuniones',), ())
    """
    found = criteria().find(text)
    if found:
        return (found,), ""
    m = criteria().match(text)
    if m.reason.startswith("ambiguous"):
        return (), m.reason
    for soft in (False, True):
        parts = split_list(text, soft)
        if len(parts) > 1:
            ids = [criteria().find(p) for p in parts]
            if all(ids):
                return tuple(dict.fromkeys(ids)), ""
    return (), m.reason


@functools.cache
def _status(text: str) -> tuple[str, str]:
    """``(status id, warning)`` of a status cell."""
    if not text:
        return "", ""
    found = statuses().find(text)
    if found:
        return found, ""
    import difflib

    vocab = statuses()
    close = difflib.get_close_matches(normalize_label(text), list(vocab.index), n=1, cutoff=0.0)
    hint = f"; closest allowed value: {vocab.index[close[0]][0][0]} ({vocab.display[close[0]]!r})" if close else ""
    return "", (f"unknown status {text!r}: status_id left empty{hint}; allowed: {', '.join(vocab.ids)} "
                "(statuses.tsv lists their wordings)")


def _themes(text: str) -> tuple[str, ...]:
    parts = tuple(dict.fromkeys(p.strip() for p in text.split(";") if p.strip())) if ";" in text else ()
    return parts if len(parts) > 1 else (text,)


def _organisms(text, cols, n, ctx: SheetContext, problem, warnings, name_of):
    """Organism and body per row, from the organism and body columns and the declared sender."""
    if "organism" not in cols and "body" not in cols:
        if ctx.organism is None:
            problem(range(n), "", "", ctx.no_organism_reason)
        return [ctx.organism] * n, [""] * n
    if "body" not in cols:
        keys = text["organism"]
        table = {o: _decide(o, "", ctx, name_of) for o in dict.fromkeys(keys)}
    elif "organism" not in cols:
        keys = text["body"]
        table = {b: _decide("", b, ctx, name_of) for b in dict.fromkeys(keys)}
    else:
        keys = list(zip(text["organism"], text["body"]))
        table = {k: _decide(k[0], k[1], ctx, name_of) for k in dict.fromkeys(keys)}
    org = list(map({k: d[0] for k, d in table.items()}.__getitem__, keys))
    body = list(map({k: d[1] for k, d in table.items()}.__getitem__, keys))
    for kind in ("problem", "warning"):
        if not any(d[2] is not None and d[2][0] == kind for d in table.values()):
            continue
        found = [i for i, k in enumerate(keys) if (d := table[k][2]) is not None and d[0] == kind]
        problem(found, {i: table[keys[i]][2][1] for i in found}, {i: table[keys[i]][2][2] for i in found},
                {i: table[keys[i]][2][3] for i in found}, *(() if kind == "problem" else (warnings,)))
    return org, body


def _decide(o_text: str, b_text: str, ctx: SheetContext, name_of) -> tuple:
    """``(organism, body, issue)`` of one row; ``issue`` is ``(kind, column, value, text)`` or ``None``."""
    said = []  # (organism id, who says it)
    body = ""
    issue = None
    oname, bname = name_of("organism"), name_of("body")
    if o_text:
        r = resolve(o_text)
        if r.kind == "several":
            return None, "", ("problem", oname, o_text,
                              f"ambiguous organism {o_text!r}: names several organisms ({', '.join(r.ids)}); a row "
                              "has one sender: keep the sender here and write the others in the partners column")
        if r.kind == "unknown":
            return None, "", ("problem", oname, o_text, r.reason)
        said.append((r.organism, f"column {oname!r} ({o_text!r})"))
        body = r.body
    if b_text:
        r = resolve(b_text, bodies_first=True)
        if r.kind == "several":
            return None, "", ("problem", bname, b_text,
                              f"ambiguous body {b_text!r}: names several organisms ({', '.join(r.ids)}); write the "
                              "executing body here and the others in the partners column")
        if r.kind in ("organism", "body"):
            said.append((r.organism, f"column {bname!r} ({b_text!r}{', a body of ' + r.organism if r.body else ''})"))
            body = r.body or body
        elif said or ctx.organism:
            issue = ("warning", bname, b_text, f"unknown body {b_text!r}: not an organism nor a body of an "
                     "integration system in bodies.tsv; the row stays with its organism and body is left empty")
        else:
            return None, "", ("problem", bname, b_text, r.reason)
    if ctx.organism:
        said.append((ctx.organism, ctx.declared))
    ids = list(dict.fromkeys(s[0] for s in said))
    if len(ids) > 1:
        first = next(s for s in said if s[0] == ids[0])
        other = next(s for s in said if s[0] == ids[1])
        if ctx.organism and other[0] == ctx.organism:
            first, other = other, first
        value, column = (o_text, oname) if o_text else (b_text, bname)
        return None, "", ("problem", column, value,
                          f"conflicting organisms: {first[1]} says {first[0]} but {other[1]} says {other[0]}; a "
                          f"row belongs to its sender: if {other[0] if first[0] == ctx.organism else first[0]} is "
                          "a partner or counterpart, write it in the partners column")
    if not ids:
        return None, "", ("problem", oname if o_text == "" else bname, "",
                          f"missing organism: empty cell; expected an organism name, and {ctx.no_organism_reason}")
    return ids[0], body, issue


def _axes(text, cols, n, sheet, hd_axis, problem):
    every = range(n)
    sheet_match = axes().match(sheet)
    if "axis" in cols:
        atext = text["axis"]
        table = {v: axes().match(v) if v else None for v in dict.fromkeys(atext)}
        axis = list(map({v: m.id if m is not None else None for v, m in table.items()}.__getitem__, atext))
        matrix = list(map({v: m.matrix if m is not None else "" for v, m in table.items()}.__getitem__, atext))
        if any(v and m.id is None for v, m in table.items()):
            problem([i for i in every if atext[i] and axis[i] is None], "axis", atext,
                    list(map({v: m.reason if m is not None else "" for v, m in table.items()}.__getitem__, atext)))
        blank = "" in table  # rows with an empty axis cell take the heading's axis, else the sheet's
        if hd_axis is not None and blank:
            axis = [a if t else (h[0] if h else None) for a, t, h in zip(axis, atext, hd_axis)]
            matrix = [m if t else (h[1] if h else "") for m, t, h in zip(matrix, atext, hd_axis)]
        if sheet_match.id and blank:
            axis = [a if a or t else sheet_match.id for a, t in zip(axis, atext)]
            matrix = [m if m or t else sheet_match.matrix for m, t in zip(matrix, atext)]
        if blank and None in axis:
            problem([i for i in every if not atext[i] and axis[i] is None], "axis", atext,
                    f"missing axis: empty cell and the sheet name {sheet!r} is not an axis; expected an axis label")
    elif hd_axis is not None and any(hd_axis):
        axis = [h[0] if h else sheet_match.id for h in hd_axis]
        matrix = [h[1] if h else sheet_match.matrix for h in hd_axis]
        problem([i for i in every if axis[i] is None], "", "",
                f"missing axis: no axis column, no axis heading above this row, and the sheet name {sheet!r} is "
                "not an axis")
    elif sheet_match.id:
        axis, matrix = [sheet_match.id] * n, [sheet_match.matrix] * n
    else:
        axis, matrix = [None] * n, [""] * n
        problem(every, "(sheet name)", sheet,
                f"missing axis: no axis column and the sheet name is not an axis ({sheet_match.reason})")
    return axis, matrix


def _expand_marks(rows: list[list], header: Header, problem, columns: list | None = None) -> list[tuple[int, str]]:
    """``(position, criterion)`` per marked cell of a mark matrix, criterion by criterion.

    Unrecognised marks and rows with no mark are reported through ``problem``.
    ``columns`` are the columns of ``rows`` when the caller has them (a transposition).
    """
    every = range(len(rows))
    marked = {}
    known = marks()
    allowed = ", ".join(k for k, v in _marks_display().items() if v)
    for c, crit in header.mark_columns.items():
        values = columns[c] if columns is not None else list(map(itemgetter(c), rows))
        state = _mapped(values, lambda v: "" if (f := fold_mark(v)) == "" else known.get(f, "?"))
        bad = [i for i in every if state[i] == "?"] if "?" in state else []
        problem(bad, header.names[c], _mapped(values, cell_text) if bad else "",
                f"unrecognised mark in criterion column {header.names[c]!r}: expected {allowed} "
                "(or empty, No, 0)")
        marked[crit] = list(map(operator.is_, state, repeat(True)))
    labels = ", ".join(repr(header.names[c]) for c in header.mark_columns)
    any_mark = list(map(any, zip(*marked.values()))) if marked else [False] * len(rows)
    problem(list(compress(every, map(operator.not_, any_mark))), "", "",
            f"no criterion marked: expected {allowed} in one of the columns {labels}")
    return [pair for crit in criteria().ids if crit in marked
            for pair in zip(compress(every, marked[crit]), repeat(crit))]


@functools.cache
def _marks_display() -> dict[str, bool]:
    return {r["mark"]: r["marked"] == "yes" for r in package_table("marks.tsv")}
