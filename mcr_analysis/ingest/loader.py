"""Load the organisms' submissions into the tidy table, the rejects, the warnings and the unread columns.

:func:`load_submissions` reads a folder of workbooks (recursively) or one
workbook with python-calamine (cached values only: formulas and macros are
never evaluated), in any mix of the layouts submissions come in: long format,
one sheet per axis, a wide mark matrix, header below title/metadata rows,
notes below the data, merged cells, section headings, stacked tables, Spanish,
English or Portuguese headers and labels.  The sender comes from a metadata
cell such as "Organismo: Comunidad Andina", else a title row or the sheet's
name, else the file name; a file that names none is a consolidated file whose
rows take the organism from their column.

Nothing is lost: every non-empty data row of every sheet ends up in the tidy
table or in the rejects table (one reject row per problem found), and every
non-empty column that no field reads is listed in the unread columns table.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import dataclasses
import gc
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mcr_analysis import config
from mcr_analysis.ingest import discover as _discover, header as _header, readers, sheet as _sheet, workers
from mcr_analysis.ingest.rows import lists_sheet, non_empty_rows, skipped_rows
from mcr_analysis.ingest.sender import declare, plan_sheet
from mcr_analysis.ingest.template_marker import skipped_sheets
from mcr_analysis.ingest.cells import cell_text, column_letter
from mcr_analysis.ingest.organism import organism_from_filename
from mcr_analysis.ingest.tables import (
    FILE_COLUMNS, REJECT_COLUMNS, SHEET_COLUMNS, TIDY_COLUMNS, UNREAD_COLUMNS, WARNING_COLUMNS, _concat_tidy,
    _finish_rejects, _finish_sheets, _finish_tidy, _finish_unread, _finish_warnings, _frame,
)

__all__ = ["LoadResult", "load_submissions", "organism_from_filename", "read_column_map_file"]

_CONTENT = ["organism", "axis", "matrix", "criterion", "theme", "initiative",
            "description", "year", "status", "partners", "body"]
COLUMN_MAP = Path("data") / "reference" / "column_map.tsv"
"""The project's column map, relative to :data:`mcr_analysis.config.PROJECT_ROOT`."""


@dataclass(frozen=True)
class LoadResult:
    """What :func:`load_submissions` found.

    Attributes
    ----------
    tidy : pandas.DataFrame
        The tidy table (:data:`TIDY_COLUMNS`).
    rejects : pandas.DataFrame
        One row per problem (:data:`REJECT_COLUMNS`); file-level problems have
        an empty ``source_sheet`` and a missing ``source_row``.
    files : pandas.DataFrame
        One row per workbook-like file (:data:`FILE_COLUMNS`): ``status`` is
        loaded, rejected (no organism, or nothing loaded), unreadable, or
        skipped (lock files, notes; listed without a reject); ``organism`` the
        sender (";"-joined organisms of a consolidated file, as its rows carry
        them); ``rows_loaded``/``rows_rejected`` count source rows with at
        least one tidy/reject row; ``tidy_rows`` counts tidy rows (a marks row
        gives one per marked criterion).
    sheets : pandas.DataFrame
        One row per sheet of the readable files (:data:`SHEET_COLUMNS`):
        ``status`` read or skipped, ``layout`` long, sheet_per_axis, marks,
        headings, lists (drop-down lists), "stacked:..." for several tables,
        ``header_row`` (1-based, the first table's), ``non_empty_rows``,
        ``headings`` (section heading rows), ``fields`` (what each column of
        each table holds), ``ignored_columns`` and ``notes`` as text.
    warnings : pandas.DataFrame
        Loaded rows read with a remark (:data:`WARNING_COLUMNS`): a year range
        or a date reduced to a year, a status in the year column, an unknown
        status or body.
    columns : pandas.DataFrame
        Columns with values that no field reads, and stray cells
        (:data:`UNREAD_COLUMNS`), with the number of non-empty cells, a sample
        value and why.
    """

    tidy: pd.DataFrame
    rejects: pd.DataFrame
    files: pd.DataFrame
    sheets: pd.DataFrame
    warnings: pd.DataFrame = field(default_factory=lambda: _frame(WARNING_COLUMNS, [], ("source_row",)))
    columns: pd.DataFrame = field(default_factory=lambda: _frame(UNREAD_COLUMNS, [], ("header_row", "non_empty")))

    def __iter__(self):
        """Yield ``tidy`` then ``rejects`` so ``tidy, rejects = load_submissions(p)`` works."""
        yield self.tidy
        yield self.rejects


@dataclass
class _Run:
    """What one :func:`load_submissions` call shares with :func:`_load_file`, and what it collects."""

    column_map: _header.ColumnMap = field(default_factory=_header.ColumnMap)
    warnings: list = field(default_factory=list)
    unread: list = field(default_factory=list)


_RUN: contextvars.ContextVar[_Run] = contextvars.ContextVar("mcr_ingest_run")


def read_column_map_file(path: str | Path) -> _header.ColumnMap:
    """Read an analyst's column map (TSV: ``pattern``, ``header``, ``field``), checked line by line.

    ``pattern`` is an organism id, a file-name pattern (``SELA*.xlsx``) or
    ``*``; ``header`` the header text as written (folded when compared);
    ``field`` one of the tidy fields or ``ignore``.

    Raises
    ------
    MCRDataError
        When a line names an unknown field or lacks a column.
    """
    path = Path(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t")]
    return _header.read_column_map(rows, path.name)


def _file_info(rel: str, round_: str, status: str, reason: str) -> dict:
    """The files-table record of a file with no row read (skipped, unreadable), before any count."""
    return {"source_file": rel, "round": round_, "organism": "", "organism_from": "", "status": status,
            "rows_read": 0, "rows_loaded": 0, "rows_rejected": 0, "tidy_rows": 0, "reason": reason}


def _file_reject(rel: str, reason: str) -> dict:
    return {"source_file": rel, "source_sheet": "", "source_row": None, "column": "", "value": "",
            "reason": reason}


def _load_file(path: Path, rel: str, round_: str, read: tuple[list, str]):
    """Tidy columns, reject records, file record and sheet records of one file read by :func:`readers.read`.

    Warnings and unread columns go to the collector of the current
    :func:`load_submissions` call.
    """
    run = _RUN.get(None) or _Run()
    grids, reason = read
    info = _file_info(rel, round_, "unreadable", reason)
    if reason:
        return None, [_file_reject(rel, reason)], info, []
    mapped = tuple(run.column_map.for_file(rel, None).items())
    plans = [plan_sheet(g, mapped) for g in grids]
    declared, why, per_sheet = declare(plans, path.name)
    if declared.id and run.column_map.rules:
        own = tuple(run.column_map.for_file(rel, declared.id).items())
        if own != mapped:
            mapped = own
            plans = [plan_sheet(g, mapped) for g in grids]
    no_org = ("no organism: no organism column, no 'Organismo: ...' cell above the header, and "
              + "; ".join(why)) if declared.id is None else ""
    sheet_rows, sheet_infos, rejects, warnings, unread, sheet_names = [], [], [], [], [], []
    tidy: dict[str, list] = {}
    template_sheets = skipped_sheets(path)  # the MCR template's list/instructions sheets are not data
    for k, p in enumerate(plans):
        g, header = p.grid, p.header
        sinfo = {"source_file": rel, "source_sheet": g.name, "status": "skipped", "layout": "",
                 "header_row": None, "rows_read": 0, "reason": "", "ignored_columns": "", "notes": "",
                 "non_empty_rows": 0, "headings": "", "fields": ""}
        sheet_infos.append(sinfo)
        if g.name in template_sheets:  # named by the template's own marker: no heuristics
            sinfo.update(layout="template", reason=template_sheets[g.name], non_empty_rows=non_empty_rows(g.grid))
            continue
        unread += [{"source_sheet": g.name, "header_row": None, "column": f"{column_letter(c)}", "header": "",
                    "non_empty": 1, "sample": cell_text(v), "rows": str(r + 1),
                    "reason": f"stray cell {column_letter(c)}{r + 1} far outside the block that holds the data: "
                              "not read (delete it or move it into the table)"} for r, c, v in g.stray_cells]
        # a hidden sheet, or one without a header, may be drop-down lists; a visible table is always read
        lists = lists_sheet(g) if header is None or not g.visible else 0
        if lists or header is None:
            sinfo["non_empty_rows"] = non_empty_rows(g.grid)
        if lists:
            sinfo.update(layout="lists", reason=f"{'hidden ' if not g.visible else ''}sheet of drop-down lists "
                                                f"({lists} values of the vocabulary): not data")
            continue
        if header is None:
            sinfo["reason"] = (f"no recognisable header in the first {_header.HEADER_SCAN_ROWS} rows "
                               "(expected columns such as Eje/Axis, Criterio/Criterion, Tema/Theme, Iniciativa)")
            rejects += skipped_rows(g, 0, "sheet skipped: " + sinfo["reason"] + "; this row looks like data")
            continue
        own = per_sheet.get(k)
        sheet_org = own if own is not None and (own.source == "metadata" or declared.id) else declared
        ctx = _sheet.SheetContext(g.name, sheet_org.id, sheet_org.describe() if sheet_org.id else "", no_org,
                                  g.hidden_columns, mapped)
        rows = _sheet.parse_sheet(g.grid, g.merges, [header], ctx, g.uncached_formulas)
        tables = rows.tables
        sinfo.update(header_row=header.row + 1, rows_read=rows.rows_read,
                     ignored_columns="; ".join(n for t in tables for n in t.ignored),
                     notes="; ".join(f"row {r}: {t}" for r, t in rows.notes),
                     headings="; ".join(f"row {h[0] + 1}: {h[1]} ({h[2]} {h[3]})" for h in rows.headings),
                     fields="; ".join(rows.fields), layout=rows.layout)
        rejects.extend(rows.rejects)
        warnings.extend(rows.warnings)
        unread.extend(rows.unread)
        if not rows.criterion_source:
            sinfo["non_empty_rows"] = non_empty_rows(g.grid)
            found = sorted(header.fields) + [f"marks:{c}" for c in header.mark_columns.values()]
            sinfo["reason"] = (f"header on row {header.row + 1} has no criterion column, no criterion mark columns "
                               f"and no criterion headings (found: {', '.join(found)})")
            continue
        sinfo["status"] = "read"
        for key, values in rows.tidy.items():
            tidy.setdefault(key, []).extend(values)
        tidy.setdefault("source_sheet", []).extend([g.name] * len(rows.tidy["source_row"]))
        sheet_rows.append(rows)
        sheet_names.append(g.name)
    for r in warnings + unread:
        r["source_file"] = rel
    run.warnings.extend(warnings)
    run.unread.extend(unread)
    if not sheet_rows:
        info["reason"] = "no sheet with a recognisable header: " + "; ".join(
            f"{s['source_sheet']!r}: {s['reason']}" for s in sheet_infos)
        info["status"] = "rejected"
        info["rows_rejected"] = len({(r["source_sheet"], r["source_row"]) for r in rejects})
        for r in rejects:
            r["source_file"] = rel
        return None, [_file_reject(rel, info["reason"])] + rejects, info, sheet_infos
    read_headers = [p.header for p, s in zip(plans, sheet_infos) if s["status"] == "read"]
    source = declared.source
    if all("organism" in h.fields for h in read_headers):
        source = "column"
    tidy, dups = _drop_duplicates(tidy)
    rejects.extend(dups)
    for r in rejects:
        r["source_file"] = rel
    read = sum(r.rows_read for r in sheet_rows)
    count = len(tidy["source_row"])
    if not dups and len(set(sheet_names)) == len(sheet_names):  # the rows of distinct sheets, as read
        loaded = sum(len(set(r.tidy["source_row"])) for r in sheet_rows)
    else:
        loaded = len(set(zip(tidy["source_sheet"], tidy["source_row"])))
    rejected = len({(r["source_sheet"], r["source_row"]) for r in rejects})
    orgs = sorted(set(tidy["organism"]))
    if declared.id and (not orgs or orgs == [declared.id]):
        organism = declared.id
    else:
        organism = ";".join(orgs)
        source = source if declared.id is None or source == "column" else "sheet name"
    info.update(organism=organism, organism_from=source, rows_read=read, rows_loaded=loaded,
                rows_rejected=rejected, tidy_rows=count,
                status="loaded" if count else "rejected",
                reason=no_org if declared.id is None and not count else "")
    tidy.update(source_file=[rel] * count, round=[round_] * count)
    return tidy, rejects, info, sheet_infos


def _drop_duplicates(tidy: dict[str, list]) -> tuple[dict[str, list], list[dict]]:
    """Tidy columns without exact repeats, and a reject record for each repeat."""
    n = len(tidy["source_row"])
    # the usual case: no two rows share even initiative and criterion (then nor all of _CONTENT)
    if (len(set(zip(tidy["initiative"], tidy["criterion"]))) == n
            or len(set(zip(tidy["initiative"], tidy["theme"], tidy["criterion"], tidy["axis"]))) == n
            or len(set(zip(*(tidy[c] for c in _CONTENT)))) == n):
        return tidy, []
    keys = zip(*(tidy[c] for c in _CONTENT))
    first_of: dict[tuple, int] = {}
    out, keep = [], []
    sheets, rows = tidy["source_sheet"], tidy["source_row"]
    for i, k in enumerate(keys):
        first = first_of.setdefault(k, i)
        if first == i:
            keep.append(i)
            continue
        if rows[first] == rows[i] and sheets[first] == sheets[i]:
            continue  # one cell listing the same theme twice: its row is in the tidy table once
        where = f"row {rows[first]}"
        if sheets[first] != sheets[i]:
            where += f" of sheet {sheets[first]!r}"
        value = tidy["initiative"][i] or tidy["theme"][i]
        out.append({"source_sheet": sheets[i], "source_row": int(rows[i]),
                    "column": "", "value": value,
                    "reason": f"duplicate of {where}: same organism, axis, criterion, theme, initiative "
                              "and details; expected each initiative once per submission"})
    return {c: [v[i] for i in keep] for c, v in tidy.items()}, out


def _files(path: Path) -> tuple[Path, list[_discover.Entry]]:
    """The root and every entry under ``path``, sorted (see :mod:`~mcr_analysis.ingest.discover`)."""
    return _discover.discover(path)


def load_submissions(path: str | Path, root: str | Path | None = None,
                     column_map: str | Path | _header.ColumnMap | None = None, progress=None,
                     jobs: int | None = None) -> LoadResult:
    """Load every submission under ``path`` (a folder, recursively, or one workbook).

    Parameters
    ----------
    path : str or Path
        Folder of submissions (``data/raw``) or one ``.xlsx``/``.xlsm`` file.
    root : str or Path, optional
        Folder that ``source_file`` is relative to and whose first sub-folder
        is the round; default ``path`` itself (a file: its folder, round ``""``).
    column_map : str, Path or ColumnMap, optional
        The analyst's explicit column mappings (:func:`read_column_map_file`);
        default the project's ``data/reference/column_map.tsv`` when it exists.
    progress : callable, optional
        Called as ``progress(done, total)`` after each file (the command line's
        progress bar); nothing is printed here.
    jobs : int, optional
        Worker processes that read and validate the ``.xlsx`` files, one file
        each at a time (:mod:`~mcr_analysis.ingest.workers`); 1 loads them in
        this process.  Default: up to two, one per CPU, when the workbooks
        hold 256 KB or more and this process runs no other thread (a Jupyter
        kernel loads in its own process).  The result is the same.

    Returns
    -------
    LoadResult
        New frames; files on disk are only read.  Unreadable files (corrupt,
        encrypted, unsupported types, archives or sheets over the safety
        limits) give one file-level reject each; the rest still loads.

    Raises
    ------
    FileNotFoundError
        When ``path`` (or ``column_map``) does not exist.
    MCRDataError
        When the column map has a bad line, or ``path`` is one file that is
        not a submission (``README.md``).
    """
    path = Path(path)
    if column_map is None:
        default = config.PROJECT_ROOT / COLUMN_MAP
        cmap = read_column_map_file(default) if default.is_file() else _header.ColumnMap()
    elif isinstance(column_map, _header.ColumnMap):
        cmap = column_map
    else:
        if not Path(column_map).is_file():
            raise FileNotFoundError(f"column map {column_map} does not exist; expected a TSV with columns "
                                    "pattern, header, field")
        cmap = read_column_map_file(column_map)
    base, files = _files(path)
    base = Path(root) if root is not None else base
    run = _Run(cmap)
    token = _RUN.set(run)
    try:
        with _gc_paused():
            result = _load_all(files, base, progress=progress, jobs=jobs)
    finally:
        _RUN.reset(token)
    return dataclasses.replace(result, warnings=_finish_warnings(run.warnings), columns=_finish_unread(run.unread))


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector, restoring its previous state afterwards.

    The loader creates millions of small acyclic objects (cell values, row
    lists); each automatic collection would traverse all of them again.
    Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_all(files: list, base: Path, limits=None, progress=None, jobs=None) -> LoadResult:
    """The four frames of :class:`LoadResult` for ``files`` (entries or paths), relative to ``base``.

    ``limits`` (:class:`~mcr_analysis.ingest.limits.Limits`) bounds each file's read; default
    :data:`~mcr_analysis.ingest.limits.DEFAULT_LIMITS`.  ``jobs``: see :func:`load_submissions`.
    Warnings and unread columns go to the collector of the current call.
    """
    run = _RUN.get(None) or _Run()
    frames, rejects, infos, sheets = [], [], [], []
    entries = [f if isinstance(f, _discover.Entry) else _discover.Entry(Path(f)) for f in files]
    tasks = [_FileTask(e.path, *_where(e.path, base), limits, run.column_map) for e in entries if e.action == "read"]
    processes = workers.process_count([t.path for t in tasks if _pooled(t)], jobs)
    if processes > 1:
        results = _in_processes(tasks, processes)
    else:
        reads = readers.read_ahead([t.path for t in tasks], limits)
        results = (_load_task(t, next(reads)) for t in tasks)
    for entry in entries:
        if entry.action != "read":
            rel, round_ = _where(entry.path, base)
            infos.append(_file_info(rel, round_, "skipped" if entry.action == "skipped" else "unreadable",
                                    entry.reason))
            if entry.action != "skipped":
                rejects.append(_file_reject(rel, entry.reason))
            continue
        out = next(results)
        if out.tidy is not None:
            frames.append(((out.info["round"], out.info["source_file"]), out.tidy))
        rejects.extend(out.rejects)
        infos.append(out.info)
        sheets.extend(out.sheets)
        run.warnings.extend(out.warnings)
        run.unread.extend(out.unread)
        if progress is not None:
            progress(len(infos), len(files))
    frames.sort(key=lambda kf: kf[0])  # the tidy order starts with round and file: one file's rows share both
    return LoadResult(_concat_tidy([f for _k, f in frames]), _finish_rejects(rejects),
                      pd.DataFrame(infos, columns=FILE_COLUMNS).astype({c: "int64" for c in FILE_COLUMNS[5:9]}),
                      _finish_sheets(sheets))


def _pooled(task: "_FileTask") -> bool:
    return task.path.suffix.lower() in readers.WORKBOOK_SUFFIXES


def _in_processes(tasks: list["_FileTask"], processes: int):
    """:func:`_load_task` of each task, in order: ``.xlsx``/``.xlsm`` files in worker processes.

    The other files (``.csv``, and the legacy formats, which the isolated
    reader reads in a child process of its own) are loaded here first, before
    the workers start, so that an isolated read, which may use its whole
    memory budget, never runs beside two workers.
    """
    here = {i: _load_task(t) for i, t in enumerate(tasks) if not _pooled(t)}
    there = workers.run_ordered(_load_task, [t for t in tasks if _pooled(t)], processes, crashed=_crashed)
    for i in range(len(tasks)):
        yield here.pop(i) if i in here else next(there)


def _where(file: Path, base: Path) -> tuple[str, str]:
    """``source_file`` (relative to ``base``) and round (its first folder) of ``file``."""
    rel = file.relative_to(base).as_posix() if file.is_relative_to(base) else file.name
    parts = rel.split("/")
    return rel, parts[0] if len(parts) > 1 else ""


@dataclass(frozen=True)
class _FileTask:
    """One file to load, with what its load needs (it may run in a worker process)."""

    path: Path
    rel: str
    round: str
    limits: object
    column_map: _header.ColumnMap


@dataclass
class _FileResult:
    """One file's part of :class:`LoadResult`: its tidy frame (None: no row) and its records."""

    tidy: pd.DataFrame | None
    rejects: list
    info: dict
    sheets: list
    warnings: list
    unread: list


def _load_task(task: _FileTask, read: tuple | None = None) -> _FileResult:
    """Read (unless ``read`` is given) and load one file: :func:`_load_file` with its own collector."""
    if read is None:
        read = readers.read(task.path, task.limits)
    run = _Run(task.column_map)
    token = _RUN.set(run)
    try:
        tidy, rejects, info, sheets = _load_file(task.path, task.rel, task.round, read)
    finally:
        _RUN.reset(token)
    frame = _finish_tidy({c: tidy[c] for c in TIDY_COLUMNS}) if tidy else None
    return _FileResult(frame, rejects, info, sheets, run.warnings, run.unread)


def _crashed(task: _FileTask, exitcode: int | None) -> _FileResult:
    """The result of a file whose worker process ended while loading it: a file reject."""
    how = f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit code {exitcode}"
    reason = (f"refused: reading it ended the reading process abruptly ({how}), out of memory or by a fault "
              "in the reader; the other files were read")
    return _FileResult(None, [_file_reject(task.rel, reason)], _file_info(task.rel, task.round, "unreadable", reason),
                       [], [], [])
