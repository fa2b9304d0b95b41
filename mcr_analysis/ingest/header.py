"""Header detection: the header row of a sheet, its fields and mark columns, metadata cells.

Internal to :mod:`mcr_analysis.ingest`.  The header is the row, among the first
:data:`HEADER_SCAN_ROWS`, with the most cells naming a known column
(``headers.tsv``) or a criterion (the columns of a mark matrix).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from mcr_analysis.ingest.cells import _empty, cell_text, fill_merged, package_table
from mcr_analysis.taxonomy import criteria, normalize_label

HEADER_SCAN_ROWS = 30
"""How many rows from the top of a sheet are searched for the header."""
MIN_HEADER_CELLS = 2
"""A header must have at least this many recognised cells."""


@functools.cache
def header_aliases() -> dict[str, str]:
    """Folded header alias -> field (``headers.tsv``, note words excluded)."""
    return {normalize_label(r["alias"]): r["field"] for r in package_table("headers.tsv") if r["field"] != "note"}


@functools.cache
def canonical_headers(lang: str) -> dict[str, str]:
    """Field -> the header text written in ``lang`` (``headers.tsv`` column ``canonical``)."""
    return {r["field"]: r["alias"] for r in package_table("headers.tsv") if r["canonical"] == lang}


@functools.cache
def _note_words() -> tuple[str, ...]:
    return tuple(normalize_label(r["alias"]) for r in package_table("headers.tsv") if r["field"] == "note")



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
    known: dict[str, bool] = {}  # cell text -> names a column or criterion (data rows repeat values)
    for r in range(min(HEADER_SCAN_ROWS, len(grid))):
        score = 0
        for value in grid[r]:
            if isinstance(value, str):
                if value not in known:
                    key = normalize_label(value)
                    known[value] = bool(key and (key in aliases or _criterion_id(key)))
                score += known[value]
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

