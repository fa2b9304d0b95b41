"""Which organism a file declares: per sheet (a metadata cell, a title row, the sheet's name), then for the file.

Internal to :mod:`mcr_analysis.ingest`.  :func:`plan_sheet` finds a sheet's
header and what it declares; :func:`declare` weighs the sheets' declarations
and the file name (:mod:`~mcr_analysis.ingest.organism` reads the cells and
names).  A sender found in a title or a sheet name that the file name
contradicts is no sender: the rows then take their organism from their
column, or are rejected, naming both sides.
"""

from __future__ import annotations

from dataclasses import dataclass

from mcr_analysis.ingest import header as _header, readers
from mcr_analysis.ingest.organism import Declared, declared_in_title, organism_from_filename, resolve
from mcr_analysis.taxonomy import mentions, organisms

__all__ = ["SheetPlan", "plan_sheet", "declare"]


@dataclass
class SheetPlan:
    grid: readers.SheetGrid
    header: _header.Header | None
    meta: str
    title: Declared | None
    title_why: str
    named: Declared | None


def plan_sheet(g: readers.SheetGrid, mapped: tuple) -> SheetPlan:
    h = _header.find_header(g.grid, g.merges, g.hidden_columns, mapped)
    stop = h.row if h else _header.HEADER_SCAN_ROWS
    meta = _header.metadata_organism(g.grid, stop)
    title, why = declared_in_title(_header.title_texts(g.grid, h.row)) if h else (None, "")
    found = mentions(g.name, organisms())
    named = Declared(found.pop(), "sheet name", g.name) if len(found) == 1 else None
    return SheetPlan(g, h, meta, title, why, named)


def declare(plans: list[SheetPlan], filename: str) -> tuple[Declared, list[str], dict[int, Declared]]:
    """The file's declared sender, why there is none, and each sheet's own declaration."""
    why: list[str] = []
    per_sheet: dict[int, Declared] = {}
    default = None
    for k, p in enumerate(plans):
        own = None
        if p.meta:
            r = resolve(p.meta)
            if r.organism:
                own = Declared(r.organism, "metadata", p.meta)
            else:
                why.append(f"the metadata cell says {p.meta!r} ({r.reason or 'names several organisms'})")
        own = own or p.title or p.named
        if p.title_why:
            why.append(p.title_why)
        if own:
            per_sheet[k] = own
    by_source = [d for src in ("metadata", "title", "sheet name") for d in per_sheet.values() if d.source == src]
    if by_source:
        default = by_source[0]
    fid, freason = organism_from_filename(filename)
    if default is not None and default.source != "metadata" and fid and fid != default.id:
        why.append(f"{default.describe()} names {default.id} but the file name {filename!r} names {fid}")
        return Declared(None), why, {k: d for k, d in per_sheet.items() if d.source == "metadata"}
    if default is None:
        if fid:
            default = Declared(fid, "filename", filename)
        else:
            why.append(freason)
            default = Declared(None)
    return default, why, per_sheet
