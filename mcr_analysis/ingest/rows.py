"""Which rows below a header are data: section headings, notes and totals rows are not.

:func:`split_rows` sorts the rows of one table into data rows, notes (a
one-cell row starting with a note word, or a lone cell after a blank row at
the end), section headings (a row holding only an axis or criterion label,
which sets that field for the rows below it) and totals rows ("Total",
"Subtotal", "Totais"… followed by numbers).  Notes and totals are listed in
the sheets table; headings in its ``headings`` column.

Examples
--------
>>> rows = [["Eje", "Tema"], ["PROYECTOS", ""], ["Energía sostenible", "Solar"], ["Total", 1], ["", ""],
...         ["Fuente: SGCAN", ""]]
>>> data, notes, headings = split_rows(rows, rows, 0)
>>> data, notes, [h[:3] for h in headings]
([2], [(4, 'Total 1'), (6, 'Fuente: SGCAN')], [(1, 'PROYECTOS', 'criterion')])
"""

from __future__ import annotations

import functools
import re
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np

from mcr_analysis.ingest.cells import _empty, cell_text, row_counts
from mcr_analysis.ingest.header import _note_words, header_aliases, total_words
from mcr_analysis.taxonomy import axes, criteria, normalize_label, organisms, statuses

if TYPE_CHECKING:
    from mcr_analysis.ingest.readers import SheetGrid

__all__ = ["split_rows", "heading_of", "is_total_row"]

_HEADING = re.compile(
    r"^\s*(?:(?P<word>ejes?|eixos?|axis|pilar|pillar|criterios?|crit[eé]rios?|criterion|tipo de acci[oó]n|"
    r"tipo de a[cç][aã]o)\b\s*(?:\d+|[ivx]+)?\s*[:.\-–—]?\s*|(?:\d+|[ivxIVX]+)\s*[.)\-–—]\s*)", re.I)


@functools.cache
def _is_note_text(text: str) -> bool:
    key = normalize_label(text)
    return any(key == w or key.startswith(w + " ") for w in _note_words()) and bool(
        re.match(r"^\W*\w[\w ]*?\s*[:.]", text.strip())
    )


@functools.cache
def heading_of(text: str) -> tuple[str, str, str] | None:
    """``(field, id, matrix)`` when ``text`` is a section heading (an axis or criterion label), else ``None``.

    Examples
    --------
    >>> heading_of("PROYECTOS"), heading_of("EJE: Seguridad alimentaria")[:2]
    (('criterion', 'proyectos', ''), ('axis', 'seguridad_alimentaria'))
    >>> heading_of("Nota: datos preliminares") is None
    True
    """
    m = _HEADING.match(text)
    word = normalize_label(m.group("word") or "") if m else ""
    label = text[m.end():] if m and m.end() < len(text) else text
    a_id, c_id = axes().find(label), criteria().find(label)
    if a_id:
        a_matrix = axes().match(label).matrix
    if word.startswith(("eje", "eixo", "axis", "pilar", "pillar")):
        return ("axis", a_id, a_matrix) if a_id else None
    if word:
        return ("criterion", c_id, "") if c_id else None
    if a_id and not c_id:
        return "axis", a_id, a_matrix
    if c_id and not a_id:
        return "criterion", c_id, ""
    return None


@functools.cache
def _total_initials() -> str:
    """First letters of the total words, both cases (a cheap test before :func:`is_total_row`)."""
    return "".join(sorted({c for w in total_words() for c in (w[0].lower(), w[0].upper())}))


def is_total_row(row: list) -> bool:
    """Whether ``row`` is a totals row: its first filled cell a total word, every other filled cell a number.

    Examples
    --------
    >>> is_total_row(["Total", None, 12, "3"]), is_total_row(["Subtotal:"]), is_total_row(["Total", "Proyectos"])
    (True, True, False)
    """
    cells = [v for v in row if not _empty(v)]
    if not cells or not isinstance(cells[0], str) or normalize_label(cells[0]) not in total_words():
        return False
    return all(isinstance(v, (int, float)) and not isinstance(v, bool)
               or (isinstance(v, str) and v.strip().replace(".", "").replace(",", "").isdigit()) for v in cells[1:])


def split_rows(raw: list[list], filled: list[list], header_row: int, stop: int | None = None,
               forced: frozenset = frozenset()):
    """Data rows, notes and headings below ``header_row`` (up to ``stop``).

    Returns ``(data, notes, headings)``: data row indices; notes as
    ``(excel_row, text)``; headings as ``(row index, text, field, id, matrix)``.
    Rows in ``forced`` (cells with formulas and no saved value) are data rows.
    """
    first = header_row + 1
    stop = len(raw) if stop is None else stop
    counts = row_counts(raw[first:stop])
    last_table = header_row
    for i in range(len(counts) - 1, -1, -1):
        r = first + i
        if (counts[i] if filled[r] is raw[r] else sum(not _empty(v) for v in filled[r])) >= 2:
            last_table = r
            break
    data, notes, headings = [], [], []
    blank_seen = False
    done = 0  # rows before first + done are placed; rows of two or more cells between odd ones are data
    for i in np.flatnonzero(np.fromiter(counts, dtype=np.int64, count=len(counts)) < 2).tolist():
        data.extend(range(first + done, first + i))
        done = i + 1
        n, r = counts[i], first + i
        if n == 0:
            if r in forced:
                data.append(r)
            blank_seen = blank_seen or r > last_table
            continue
        if r not in forced:
            single = cell_text(next(v for v in raw[r] if not _empty(v)))
            heading = heading_of(single) if not _is_note_text(single) else None
            if heading:
                headings.append((r, single) + heading)
                continue
            if _is_note_text(single) or (r > last_table and blank_seen):
                notes.append((r + 1, single))
                continue
        data.append(r)
    data.extend(range(first + done, first + len(counts)))
    totals = _total_rows(raw, header_row, first, stop, forced)
    if totals:
        totals &= set(data)  # a one-cell "Total:" may already be a note
        notes += [(r + 1, " ".join(cell_text(v) for v in raw[r] if not _empty(v))) for r in totals]
        notes.sort()
        data = [r for r in data if r not in totals]
    return data, notes, headings


def _total_rows(raw: list[list], header_row: int, first: int, stop: int, forced: frozenset) -> set[int]:
    """Indices of the totals rows between ``first`` and ``stop`` (see :func:`is_total_row`).

    Only rows whose cell under the table's first header cell starts like a
    total word are looked at: one pass at C speed over that column, then a
    Python check of its distinct values that start with such a letter.
    """
    header = raw[header_row] if header_row < len(raw) else []
    lead = next((j for j, v in enumerate(header) if not _empty(v)), 0)
    rows = raw[first:stop]
    try:
        column = list(map(itemgetter(lead), rows))
    except IndexError:  # a ragged grid: read what each row has
        column = [row[lead] if len(row) > lead else "" for row in rows]
    initials = _total_initials()
    words = total_words()
    hits = {v for v in set(column) if v.__class__ is str and v[:1] in initials
            and normalize_label(v) in words}
    if not hits:
        return set()
    return {first + i for i, v in enumerate(column)
            if v in hits and first + i not in forced and is_total_row(rows[i])}


# Whole sheets that are not read: drop-down lists, rows of a skipped sheet

_LISTS_SHARE = (0.5, 0.9)
"""Share of vocabulary values that makes a sheet of drop-down lists: hidden, visible."""


def non_empty_rows(grid: list[list]) -> int:
    """Rows of ``grid`` with a non-empty cell.

    >>> non_empty_rows([["", None], ["x", ""], [" ", 0]])
    2
    """
    return sum(1 for row in grid if any(not _empty(v) for v in row))


def lists_sheet(g: SheetGrid) -> int:
    """Number of values when ``g`` is a sheet of drop-down lists (mostly vocabulary labels), else 0."""
    cells = [v for row in g.grid[:500] for v in row if isinstance(v, str) and v.strip()]
    if not cells:
        return 0
    indexes = [x.index for x in (axes(), criteria(), organisms(), statuses())] + [header_aliases()]
    hits = sum(1 for v in dict.fromkeys(cells) if any((k := normalize_label(v)) in ix for ix in indexes))
    cells = list(dict.fromkeys(cells))
    share = _LISTS_SHARE[0] if not g.visible else _LISTS_SHARE[1]
    return len(cells) if hits >= share * len(cells) and hits >= 3 else 0


def skipped_rows(g: SheetGrid, start: int, reason: str) -> list[dict]:
    """A reject per row of a skipped sheet that looks like data (three or more non-empty cells)."""
    out = []
    for r in range(start, len(g.grid)):
        cells = [(c, v) for c, v in enumerate(g.grid[r]) if not _empty(v)]
        if len(cells) >= 3:
            out.append({"source_sheet": g.name, "source_row": r + 1, "column": "",
                        "value": "; ".join(cell_text(v) for _c, v in cells), "reason": reason})
    return out
