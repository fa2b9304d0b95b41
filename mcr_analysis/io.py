"""Load the organisms' Excel submissions into the tidy table and the rejects table.

:func:`load_submissions` reads a folder of workbooks (recursively) or one
workbook with python-calamine (cached values only: formulas and macros are
never evaluated), in any mix of the layouts submissions come in: long format,
one sheet per axis, a wide mark matrix, header below title/metadata rows,
notes below the data, merged cells, Spanish or English headers and labels.
The organism comes from an organism column, else a metadata cell such as
"Organismo: Comunidad Andina", else the file name.

Nothing is lost: every non-empty data row of every readable sheet ends up in
the tidy table or in the rejects table (one reject row per problem found).

Examples
--------
>>> TIDY_COLUMNS[:5]
['round', 'organism', 'axis', 'matrix', 'criterion']
>>> REJECT_COLUMNS
['source_file', 'source_sheet', 'source_row', 'column', 'value', 'reason']
"""

from __future__ import annotations

import collections
import contextlib
import gc
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import python_calamine

from mcr_analysis import _sheets, safety
from mcr_analysis.taxonomy import MCRDataError, criteria, normalize_label, organisms

__all__ = ["TIDY_COLUMNS", "REJECT_COLUMNS", "FILE_COLUMNS", "SHEET_COLUMNS",
           "LoadResult", "load_submissions", "read_tidy", "organism_from_filename"]

TIDY_COLUMNS = [
    "round", "organism", "axis", "matrix", "criterion", "theme", "initiative",
    "description", "year", "status", "partners", "source_file", "source_sheet", "source_row",
]
REJECT_COLUMNS = ["source_file", "source_sheet", "source_row", "column", "value", "reason"]
FILE_COLUMNS = ["source_file", "round", "organism", "organism_from", "status", "rows_read",
                "rows_loaded", "rows_rejected", "tidy_rows", "reason"]
SHEET_COLUMNS = ["source_file", "source_sheet", "status", "layout", "header_row", "rows_read",
                 "reason", "ignored_columns", "notes"]
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
"""Files read as workbooks; ``.xls`` and ``~$`` lock files are reported, other files ignored."""
_READ_AHEAD = 2
"""Workbooks read ahead of the one being validated."""
_CONTENT = ["organism", "axis", "matrix", "criterion", "theme", "initiative",
            "description", "year", "status", "partners"]


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
        loaded, rejected (no organism, or nothing loaded) or unreadable;
        ``rows_loaded``/``rows_rejected`` count source rows with at least one
        tidy/reject row; ``tidy_rows`` counts tidy rows (a marks row gives one
        per marked criterion).
    sheets : pandas.DataFrame
        One row per sheet of the readable files (:data:`SHEET_COLUMNS`):
        ``status`` read or skipped, ``layout`` long, sheet_per_axis or marks,
        ``header_row`` (1-based), ``ignored_columns`` and ``notes`` as text.
    """

    tidy: pd.DataFrame
    rejects: pd.DataFrame
    files: pd.DataFrame
    sheets: pd.DataFrame

    def __iter__(self):
        """Yield ``tidy`` then ``rejects`` so ``tidy, rejects = load_submissions(p)`` works."""
        yield self.tidy
        yield self.rejects


def organism_from_filename(name: str) -> tuple[str | None, str]:
    """Organism id named by a file name, and the reason when there is none.

    Tokens of the stem and runs of consecutive tokens are looked up among the
    organisms' ids, names and acronyms; a name that mentions two organisms
    names none.

    Examples
    --------
    >>> organism_from_filename("Mercosur_matriz_2024.xlsx")
    ('MERCOSUR', '')
    >>> organism_from_filename("SGCAN-2024.xlsx")[0]
    'CAN'
    >>> organism_from_filename("matriz_final.xlsx")[0] is None
    True
    """
    tokens = normalize_label(Path(name).stem).split()
    index = organisms().index
    found: set[str] = set()
    for n in range(len(tokens), 0, -1):
        for i in range(len(tokens) - n + 1):
            cands = index.get(" ".join(tokens[i:i + n]))
            if cands:
                found.update(c[0] for c in cands)
    if len(found) == 1:
        return found.pop(), ""
    if found:
        return None, f"the file name {name!r} names several organisms ({', '.join(sorted(found))})"
    return None, f"the file name {name!r} names no known organism"


def _empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="Int64" if c == "source_row" else str)
                         for c in REJECT_COLUMNS})


def _file_reject(rel: str, reason: str) -> dict:
    return {"source_file": rel, "source_sheet": "", "source_row": None, "column": "", "value": "",
            "reason": reason}


def _unreadable(path: Path) -> str:
    """Reason a file cannot be read as a workbook, or ``""``."""
    if path.name.startswith("~$"):
        return "Excel lock file (~$...), not a submission; close the workbook in Excel and remove it"
    if path.suffix.lower() == ".xls":
        return "legacy .xls workbook is not supported; save it as .xlsx (Excel Workbook)"
    try:
        safety.check_archive(path)
    except MCRDataError as exc:
        return str(exc)
    return ""


def _read(path: Path) -> tuple[list[tuple[str, list[list], list]], str]:
    """``(name, grid, merged ranges)`` of each worksheet of ``path``, or ``[]`` and why it cannot be read."""
    reason = _unreadable(path)
    if reason:
        return [], reason
    try:
        with python_calamine.CalamineWorkbook.from_path(path) as book:
            grids = []
            for meta in book.sheets_metadata:
                if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                    continue
                sheet = book.get_sheet_by_name(meta.name)
                grids.append((meta.name, sheet.to_python(skip_empty_area=False),
                              sheet.merged_cell_ranges or []))
    except Exception as exc:  # calamine raises several error types for broken files
        return [], f"not a readable workbook: {type(exc).__name__}: {exc}"
    return grids, ""


def _read_ahead(files: list[Path]):
    """Yield :func:`_read` of each file in order, reading the next ones in a background thread.

    python-calamine releases the GIL while it parses a workbook, so the next
    workbooks are read while this thread validates the current one; at most
    :data:`_READ_AHEAD` workbooks wait in memory.  Errors other than an
    unreadable file propagate as without the thread.
    """
    with ThreadPoolExecutor(max_workers=_READ_AHEAD, thread_name_prefix="mcr-read") as pool:
        pending = collections.deque(pool.submit(_read, f) for f in files[:_READ_AHEAD])
        for i in range(len(files)):
            grids = pending.popleft().result()
            if i + _READ_AHEAD < len(files):
                pending.append(pool.submit(_read, files[i + _READ_AHEAD]))
            yield grids


def _load_file(path: Path, rel: str, round_: str, read: tuple[list, str]):
    """Tidy columns, reject records, file record and sheet records of one file read by :func:`_read`."""
    grids, reason = read
    info = {"source_file": rel, "round": round_, "organism": "", "organism_from": "",
            "status": "unreadable", "rows_read": 0, "rows_loaded": 0, "rows_rejected": 0,
            "tidy_rows": 0, "reason": reason}
    if reason:
        return None, [_file_reject(rel, reason)], info, []
    headers = [(name, grid, merges, _sheets.find_header(grid, merges)) for name, grid, merges in grids]
    # organism: per-sheet metadata, any sheet's metadata, the file name
    metas = [(_sheets.metadata_organism(g, h.row if h else _sheets.HEADER_SCAN_ROWS)) for _n, g, _m, h in headers]
    default, source, why = None, "", []
    for value in metas:
        if value:
            m = organisms().match(value)
            if m.id:
                default, source = m.id, "metadata"
                break
            why.append(f"the metadata cell says {value!r} ({m.reason})")
    if default is None:
        default, reason = organism_from_filename(path.name)
        source = "filename" if default else ""
        why.append(reason)
    no_org = ("no organism: no organism column, no 'Organismo: ...' cell above the header, and "
              + "; ".join(why)) if default is None else ""
    sheet_rows, sheet_infos, rejects = [], [], []
    tidy: dict[str, list] = {}
    for (name, grid, merges, header), meta in zip(headers, metas):
        sinfo = {"source_file": rel, "source_sheet": name, "status": "skipped", "layout": "",
                 "header_row": None, "rows_read": 0, "reason": "", "ignored_columns": "", "notes": ""}
        sheet_infos.append(sinfo)
        if header is None:
            sinfo["reason"] = (f"no recognisable header in the first {_sheets.HEADER_SCAN_ROWS} rows "
                               "(expected columns such as Eje/Axis, Criterio/Criterion, Tema/Theme, Iniciativa)")
            continue
        found = sorted(header.fields) + [f"marks:{c}" for c in header.mark_columns.values()]
        if "criterion" not in header.fields and not header.mark_columns:
            sinfo["reason"] = (f"header on row {header.row + 1} has no criterion column and no criterion "
                               f"mark columns (found: {', '.join(found)})")
            continue
        sheet_org = default
        own = organisms().match(meta) if meta else None
        if own is not None and own.id:
            sheet_org = own.id
        rows = _sheets.parse_sheet(grid, merges, header, name, sheet_org, no_org)
        sinfo.update(status="read", layout=rows.layout, header_row=header.row + 1, rows_read=rows.rows_read,
                     ignored_columns="; ".join(header.ignored),
                     notes="; ".join(f"row {r}: {t}" for r, t in rows.notes))
        for k, values in rows.tidy.items():
            tidy.setdefault(k, []).extend(values)
        tidy.setdefault("source_sheet", []).extend([name] * len(rows.tidy["source_row"]))
        rejects.extend(rows.rejects)
        sheet_rows.append(rows)
    if not sheet_rows:
        info["reason"] = "no sheet with a recognisable header: " + "; ".join(
            f"{s['source_sheet']!r}: {s['reason']}" for s in sheet_infos)
        info["status"] = "rejected"
        return None, [_file_reject(rel, info["reason"])], info, sheet_infos
    read_headers = [h for *_x, h in headers if h and ("criterion" in h.fields or h.mark_columns)]
    if all("organism" in h.fields for h in read_headers):
        source = "column"
    tidy, dups = _drop_duplicates(tidy)
    rejects.extend(dups)
    for r in rejects:
        r["source_file"] = rel
    read = sum(r.rows_read for r in sheet_rows)
    count = len(tidy["source_row"])
    loaded = len(set(zip(tidy["source_sheet"], tidy["source_row"])))
    rejected = len({(r["source_sheet"], r["source_row"]) for r in rejects})
    info.update(organism=default or "", organism_from=source, rows_read=read, rows_loaded=loaded,
                rows_rejected=rejected, tidy_rows=count,
                status="loaded" if count else "rejected",
                reason=no_org if default is None and not count else "")
    tidy.update(source_file=[rel] * count, round=[round_] * count)
    return tidy, rejects, info, sheet_infos


def _drop_duplicates(tidy: dict[str, list]) -> tuple[dict[str, list], list[dict]]:
    """Tidy columns without exact repeats, and a reject record for each repeat."""
    if len(set(zip(*(tidy[c] for c in _CONTENT)))) == len(tidy["source_row"]):  # the usual case
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
        where = f"row {rows[first]}"
        if sheets[first] != sheets[i]:
            where += f" of sheet {sheets[first]!r}"
        value = tidy["initiative"][i] or tidy["theme"][i]
        out.append({"source_sheet": sheets[i], "source_row": int(rows[i]),
                    "column": "", "value": value,
                    "reason": f"duplicate of {where}: same organism, axis, criterion, theme, initiative "
                              "and details; expected each initiative once per submission"})
    return {c: [v[i] for i in keep] for c, v in tidy.items()}, out


def _files(path: Path) -> tuple[Path, list[Path]]:
    """The root and the sorted candidate files under ``path``."""
    if path.is_file():
        return path.parent, [path]
    if not path.is_dir():
        raise FileNotFoundError(f"{path} does not exist; expected a folder of .xlsx submissions or one .xlsx file")
    files = [p for p in path.rglob("*") if p.is_file() and (
        p.suffix.lower() in WORKBOOK_SUFFIXES + (".xls",) or p.name.startswith("~$"))]
    return path, sorted(files, key=lambda p: p.relative_to(path).as_posix())


def load_submissions(path: str | Path, root: str | Path | None = None) -> LoadResult:
    """Load every submission under ``path`` (a folder, recursively, or one workbook).

    Parameters
    ----------
    path : str or Path
        Folder of submissions (``data/raw``) or one ``.xlsx``/``.xlsm`` file.
    root : str or Path, optional
        Folder that ``source_file`` is relative to and whose first sub-folder
        is the round; default ``path`` itself (a file: its folder, round ``""``).

    Returns
    -------
    LoadResult
        New frames; files on disk are only read.  Unreadable files (corrupt,
        encrypted, legacy ``.xls``, ``~$`` lock files, archives over the
        safety limits) give one file-level reject each; the rest still loads.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    """
    path = Path(path)
    base, files = _files(path)
    base = Path(root) if root is not None else base
    with _gc_paused():
        return _load_all(files, base)


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


def _load_all(files: list[Path], base: Path) -> LoadResult:
    """The four frames of :class:`LoadResult` for ``files``, relative to ``base``."""
    columns: dict[str, list] = {c: [] for c in TIDY_COLUMNS}
    rejects, infos, sheets = [], [], []
    for file, read in zip(files, _read_ahead(files)):
        rel = file.relative_to(base).as_posix() if file.is_relative_to(base) else file.name
        parts = rel.split("/")
        round_ = parts[0] if len(parts) > 1 else ""
        tidy, rej, info, sinfo = _load_file(file, rel, round_, read)
        for c, values in (tidy or {}).items():
            columns[c].extend(values)
        rejects.extend(rej)
        infos.append(info)
        sheets.extend(sinfo)
    return LoadResult(_finish_tidy(columns), _finish_rejects(rejects),
                      pd.DataFrame(infos, columns=FILE_COLUMNS).astype({c: "int64" for c in FILE_COLUMNS[5:9]}),
                      _finish_sheets(sheets))


def _finish_tidy(columns: dict[str, list]) -> pd.DataFrame:
    """The tidy frame, built once from the loaded columns, in file, sheet, row, criterion order."""
    order = {c: i for i, c in enumerate(criteria().ids)}
    keys = list(zip(columns["round"], columns["source_file"], columns["source_sheet"], columns["source_row"],
                    map(order.get, columns["criterion"])))
    rows = sorted(range(len(keys)), key=keys.__getitem__)  # stable, like the old mergesort
    tidy = pd.DataFrame({c: pd.array(values, dtype="Int64") if c == "year" else values
                         for c, values in columns.items()})
    return _coerce(tidy.take(rows).reset_index(drop=True))


def _coerce(tidy: pd.DataFrame) -> pd.DataFrame:
    """Contract dtypes: text as str with "" for missing, year Int64, source_row int64."""
    out = tidy.copy()
    for c in TIDY_COLUMNS:
        if c == "year":
            out[c] = pd.to_numeric(out[c], errors="raise").astype("Int64")
        elif c == "source_row":
            out[c] = out[c].astype("int64")
        else:
            out[c] = out[c].fillna("").astype(str)
    return out


def _finish_rejects(records: list[dict]) -> pd.DataFrame:
    if not records:
        return _empty_rejects()
    frame = pd.DataFrame.from_records(records, columns=REJECT_COLUMNS)
    frame["source_row"] = frame["source_row"].astype("Int64")
    for c in REJECT_COLUMNS:
        if c != "source_row":
            frame[c] = frame[c].fillna("").astype(str)
    return frame.sort_values(["source_file", "source_sheet", "source_row", "column"],
                             kind="mergesort", na_position="first").reset_index(drop=True)


def _finish_sheets(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=SHEET_COLUMNS)
    frame["header_row"] = frame["header_row"].astype("Int64")
    frame["rows_read"] = frame["rows_read"].astype("int64")
    return frame


def read_tidy(path: str | Path) -> pd.DataFrame:
    """Read a tidy table written by ``mcr ingest`` (``.csv`` or ``.parquet``).

    Parameters
    ----------
    path : str or Path
        ``mcr_tidy.csv`` or ``mcr_tidy.parquet``.

    Returns
    -------
    pandas.DataFrame
        The tidy table (:data:`TIDY_COLUMNS`): text as ``str`` with ``""``
        for missing, ``year`` as Int64 and ``source_row`` as int64; CSV text
        neutralised against formula injection
        (:func:`mcr_analysis.safety.neutralise`) is restored.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    MCRDataError
        When columns are missing or unexpected, or a value has the wrong type.

    Examples
    --------
    >>> import tempfile
    >>> from mcr_analysis.report import write_ingest_outputs
    >>> csv_path = write_ingest_outputs(load_submissions(tempfile.mkdtemp()), tempfile.mkdtemp())[0]
    >>> read_tidy(csv_path).columns.tolist() == TIDY_COLUMNS
    True
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist; run 'mcr ingest' first to write the tidy table")
    if path.suffix.lower() == ".parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        frame = frame.map(safety.unneutralise) if len(frame) else frame
    missing = [c for c in TIDY_COLUMNS if c not in frame.columns]
    extra = [c for c in frame.columns if c not in TIDY_COLUMNS]
    if missing or extra:
        raise MCRDataError(f"{path}: not a tidy MCR table; missing columns {missing}, unexpected columns "
                           f"{extra}; expected exactly {', '.join(TIDY_COLUMNS)}")
    try:
        year = frame["year"].replace("", None) if frame["year"].dtype == object else frame["year"]
        frame = frame.assign(year=pd.to_numeric(year), source_row=pd.to_numeric(frame["source_row"]))
        return _coerce(frame[TIDY_COLUMNS])
    except (ValueError, TypeError) as exc:
        raise MCRDataError(f"{path}: year must be whole numbers or empty and source_row whole numbers "
                           f"({exc})") from None

