"""Write tidy-like rows as a submission workbook, in the layouts organisms use.

Used by the tests (fixtures, the round-trip property test) and by benchmark
generators.  Axis, criterion and organism ids are written as their labels in
``lang``; header names come from the ``canonical`` column of ``headers.tsv``.
Without ``merge`` the workbook is written in openpyxl's write-only mode (fast
enough for 100,000 rows); ``merge=True`` needs the normal mode (slower, more
memory) because write-only mode cannot merge cells.

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> rows = pd.DataFrame({"organism": ["CAN"], "axis": ["transfronteriza"],
...                      "criterion": ["proyectos"], "theme": ["Pasos de frontera"],
...                      "initiative": ["CEBAF"]})
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> where = write_submission(rows, folder / "CAN.xlsx", header_row=3, organism_in="metadata")
>>> where[["source_sheet", "source_row"]].values.tolist()
[['Matriz', 4]]
"""

from __future__ import annotations

import csv
import functools
import itertools
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from mcr_analysis.ingest.header import canonical_headers
from mcr_analysis.taxonomy import LANGS, axes, criteria, normalize_label, organisms, text

__all__ = ["LAYOUTS", "ORGANISM_IN", "write_submission", "axis_sheet_name"]

LAYOUTS = ("long", "sheet_per_axis", "marks")
ORGANISM_IN = ("column", "metadata", "filename")
_OPTIONAL = ("matrix", "theme", "initiative", "description", "year", "status", "partners")
_SHEET_MAX = 31


@functools.cache
def _axis_aliases() -> dict[str, list[str]]:
    with resources.files("mcr_analysis.data").joinpath("axis_aliases.tsv").open(encoding="utf-8") as fh:
        out: dict[str, list[str]] = {}
        for row in csv.DictReader(fh, delimiter="\t"):
            if "|" not in row["axis"] and not row["matrix"]:
                out.setdefault(row["axis"], []).append(row["alias"])
    return out


def axis_sheet_name(axis: str, lang: str = "es") -> str:
    """A sheet name (at most 31 characters, Excel's limit) that names ``axis``.

    The canonical label when it fits, else the shortest alias without a matrix.

    Examples
    --------
    >>> axis_sheet_name("transfronteriza", "en")
    'Cross-border integration'
    >>> axes().match(axis_sheet_name("riesgo_desastres")).id
    'riesgo_desastres'
    """
    label = axes().label(axis, lang)
    if len(label) <= _SHEET_MAX:
        return label
    fits = [a for a in _axis_aliases().get(axis, []) if len(a) <= _SHEET_MAX]
    lang_first = sorted(fits, key=lambda a: (not _looks(a, lang), -len(a)))
    return lang_first[0] if lang_first else axis[:_SHEET_MAX]


def _looks(alias: str, lang: str) -> bool:
    english = any(w in normalize_label(alias).split() for w in ("and", "the", "risk", "border", "chains"))
    return english == (lang == "en")


def _check(rows: pd.DataFrame, layout: str, lang: str, organism_in: str, header_row: int,
           above: int) -> None:
    problems = []
    if layout not in LAYOUTS:
        problems.append(f"layout {layout!r} (expected one of {', '.join(LAYOUTS)})")
    if lang not in LANGS:
        problems.append(f"lang {lang!r} (expected one of {', '.join(LANGS)})")
    if organism_in not in ORGANISM_IN:
        problems.append(f"organism_in {organism_in!r} (expected one of {', '.join(ORGANISM_IN)})")
    missing = [c for c in ("axis", "criterion") if c not in rows.columns]
    if missing:
        problems.append(f"rows lack columns {missing}")
    if header_row < 1 + above:
        problems.append(f"header_row {header_row} leaves no room for {above} title/metadata rows "
                        f"(expected at least {above + 1})")
    if problems:
        raise ValueError("write_submission: invalid " + "; ".join(problems))


def write_submission(rows: pd.DataFrame, path: str | Path, layout: str = "long", *, lang: str = "es",
                     header_row: int = 1, metadata: Mapping[str, str] | None = None,
                     organism_in: str = "column", merge: bool = False, notes: Sequence[str] | None = None,
                     sheet_name: str | None = None, mark: str | Sequence[str] = "X",
                     title: str | None = None) -> pd.DataFrame:
    """Write ``rows`` as one submission workbook at ``path``.

    Parameters
    ----------
    rows : pandas.DataFrame
        Tidy-like rows: ``axis`` and ``criterion`` ids, and any of
        ``organism`` (id), ``matrix``, ``theme``, ``initiative``,
        ``description``, ``year``, ``status``, ``partners``.  Not modified.
    path : str or Path
        The ``.xlsx`` file to write (its folder must exist).
    layout : {"long", "sheet_per_axis", "marks"}
        One row per initiative; one sheet per axis (named after it, no axis
        column); or one column per criterion with marks (rows equal except
        for the criterion share one marked row).
    lang : {"es", "en"}
        Language of headers and of axis, criterion and organism labels.
    header_row : int
        1-based row of the header; the rows above hold ``title`` and the
        metadata lines ("Organismo: Comunidad Andina").
    metadata : mapping, optional
        Extra "label: value" lines written above the header.
    organism_in : {"column", "metadata", "filename"}
        Where the organism goes: an organism column, an "Organismo:" metadata
        line (the first organism of ``rows``), or nowhere (the caller names
        the file after it).
    merge : bool
        Merge vertical runs of equal organism, axis and criterion cells.
    notes : sequence of str, optional
        One-cell rows written below the data after a blank row.
    sheet_name : str, optional
        Sheet name for "long" and "marks" (default "Matriz" / "Matrix").
    mark : str or sequence of str
        Mark(s) written in the marks layout, used in turn.
    title : str, optional
        Text of the first row when ``header_row > 1`` (default: the
        ``submission_title`` label).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``rows``: ``source_sheet`` and ``source_row`` (1-based)
        where each row was written (rows sharing a marks row share it).

    Raises
    ------
    ValueError
        For an unknown layout, language or organism_in, missing columns, or a
        header row with no room for the title and metadata.
    """
    meta = dict(metadata or {})
    heads = canonical_headers(lang)
    if organism_in == "metadata" and "organism" in rows.columns and len(rows):
        meta = {heads["organism"]: organisms().label(str(rows["organism"].iloc[0]), lang), **meta}
    _check(rows, layout, lang, organism_in, header_row, len(meta))
    present = [c for c in _OPTIONAL if c in rows.columns and (c != "matrix" or rows[c].fillna("").ne("").any())]
    fields = ["organism"] if organism_in == "column" and "organism" in rows.columns else []
    fields += [] if layout == "sheet_per_axis" else ["axis"]
    fields += [c for c in present if c == "matrix"]
    fields += [] if layout == "marks" else ["criterion"]
    fields += [c for c in present if c != "matrix"]
    crit_cols = [c for c in criteria().ids if layout == "marks"]
    values = _values(rows, fields, lang)
    groups = _sheets_of(rows, layout, lang, sheet_name)
    book = Workbook(write_only=not merge)
    if merge:
        book.remove(book.active)
    marks = itertools.cycle([mark] if isinstance(mark, str) else list(mark))
    where = pd.DataFrame(index=rows.index, columns=["source_sheet", "source_row"])
    for name, index in groups:
        ws = book.create_sheet(name)
        lines = []
        if header_row - 1 > len(meta):
            lines.append([title if title is not None else text("submission_title", lang)])
        lines += [[f"{k}: {v}"] for k, v in meta.items()]
        lines += [[]] * (header_row - 1 - len(lines))
        lines.append([heads[f] for f in fields] + [criteria().label(c, lang) for c in crit_cols])
        body = values.loc[index, fields]
        if layout == "marks":
            key = body.astype(str).apply(tuple, axis=1)
            order = list(dict.fromkeys(key))
            pos = {k: i for i, k in enumerate(order)}
            first = body.loc[~key.duplicated()]
            crits = rows.loc[index, "criterion"]
            marked = [[""] * len(crit_cols) for _ in order]
            for k, crit in zip(key, crits):
                marked[pos[k]][crit_cols.index(crit)] = next(marks)
            data = [list(r) + m for r, m in zip(first.itertuples(index=False), marked)]
            row_of = {k: header_row + 1 + i for i, k in enumerate(order)}
            where.loc[index, "source_row"] = [row_of[k] for k in key]
        else:
            data = [list(r) for r in body.itertuples(index=False)]
            where.loc[index, "source_row"] = list(range(header_row + 1, header_row + 1 + len(data)))
        where.loc[index, "source_sheet"] = name
        lines += data
        if notes:
            lines.append([])
            lines += [[n] for n in notes]
        for line in lines:
            ws.append(line)
        if merge:
            _merge_runs(ws, data, fields, header_row)
    _fix_properties(book)
    book.save(path)
    return where.astype({"source_row": "int64"})


def _values(rows: pd.DataFrame, fields: list[str], lang: str) -> pd.DataFrame:
    """Cell values to write: labels for ids, ints for years, text else."""
    out = pd.DataFrame(index=rows.index)
    for f in fields:
        col = rows[f]
        if f in ("axis", "criterion", "organism"):
            vocab = {"axis": axes, "criterion": criteria, "organism": organisms}[f]()
            labels = {v: vocab.label(v, lang) for v in col.unique()}
            out[f] = col.map(labels)
        elif f == "year":
            out[f] = [None if pd.isna(v) else int(v) for v in col]
        else:
            out[f] = col.fillna("").astype(str)
    return out.astype(object).where(out.notna(), None)


def _sheets_of(rows: pd.DataFrame, layout: str, lang: str, sheet_name: str | None):
    if layout == "sheet_per_axis":
        order = [a for a in axes().ids if a in set(rows["axis"])]
        return [(axis_sheet_name(a, lang), rows.index[rows["axis"] == a]) for a in order]
    return [(sheet_name or ("Matriz" if lang == "es" else "Matrix"), rows.index)]


def _merge_runs(ws, data: list[list], fields: list[str], header_row: int) -> None:
    """Merge vertical runs of equal organism/axis/criterion cells."""
    for f in ("organism", "axis", "criterion"):
        if f not in fields:
            continue
        c = fields.index(f) + 1
        start = 0
        for i in range(1, len(data) + 1):
            if i == len(data) or data[i][c - 1] != data[start][c - 1]:
                if i - start > 1 and data[start][c - 1] not in (None, ""):
                    ws.merge_cells(start_row=header_row + 1 + start, end_row=header_row + i,
                                   start_column=c, end_column=c)
                start = i


def _fix_properties(book: Workbook) -> None:
    """Fixed document properties so the same rows give the same workbook content."""
    import datetime as _dt

    stamp = _dt.datetime(2024, 1, 1)
    book.properties.creator = "mcr_analysis.writers"
    book.properties.created = stamp
    book.properties.modified = stamp
