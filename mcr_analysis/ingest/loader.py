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
"""

from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mcr_analysis.ingest import header as _header, readers, sheet as _sheet
from mcr_analysis.ingest.tables import FILE_COLUMNS, REJECT_COLUMNS, SHEET_COLUMNS, TIDY_COLUMNS, _coerce
from mcr_analysis.taxonomy import criteria, normalize_label, organisms

__all__ = ["LoadResult", "load_submissions", "organism_from_filename"]

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


def _load_file(path: Path, rel: str, round_: str, read: tuple[list, str]):
    """Tidy columns, reject records, file record and sheet records of one file read by :func:`readers.read`."""
    grids, reason = read
    info = {"source_file": rel, "round": round_, "organism": "", "organism_from": "",
            "status": "unreadable", "rows_read": 0, "rows_loaded": 0, "rows_rejected": 0,
            "tidy_rows": 0, "reason": reason}
    if reason:
        return None, [_file_reject(rel, reason)], info, []
    headers = [(g.name, g.grid, g.merges, _header.find_header(g.grid, g.merges)) for g in grids]
    # organism: per-sheet metadata, any sheet's metadata, the file name
    metas = [(_header.metadata_organism(g, h.row if h else _header.HEADER_SCAN_ROWS)) for _n, g, _m, h in headers]
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
            sinfo["reason"] = (f"no recognisable header in the first {_header.HEADER_SCAN_ROWS} rows "
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
        rows = _sheet.parse_sheet(grid, merges, header, name, sheet_org, no_org)
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
        p.suffix.lower() in readers.WORKBOOK_SUFFIXES + (".xls",) or p.name.startswith("~$"))]
    return path, sorted(files, key=lambda p: p.relative_to(path).as_posix())


def load_submissions(path: str | Path, root: str | Path | None = None, progress=None) -> LoadResult:
    """Load every submission under ``path`` (a folder, recursively, or one workbook).

    Parameters
    ----------
    path : str or Path
        Folder of submissions (``data/raw``) or one ``.xlsx``/``.xlsm`` file.
    root : str or Path, optional
        Folder that ``source_file`` is relative to and whose first sub-folder
        is the round; default ``path`` itself (a file: its folder, round ``""``).
    progress : callable, optional
        Called as ``progress(done, total)`` after each file (the command line's
        progress bar); nothing is printed here.

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
        return _load_all(files, base, progress)


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


def _load_all(files: list[Path], base: Path, progress=None) -> LoadResult:
    """The four frames of :class:`LoadResult` for ``files``, relative to ``base``."""
    columns: dict[str, list] = {c: [] for c in TIDY_COLUMNS}
    rejects, infos, sheets = [], [], []
    for file, read in zip(files, readers.read_ahead(files)):
        rel = file.relative_to(base).as_posix() if file.is_relative_to(base) else file.name
        parts = rel.split("/")
        round_ = parts[0] if len(parts) > 1 else ""
        tidy, rej, info, sinfo = _load_file(file, rel, round_, read)
        for c, values in (tidy or {}).items():
            columns[c].extend(values)
        rejects.extend(rej)
        infos.append(info)
        sheets.extend(sinfo)
        if progress is not None:
            progress(len(infos), len(files))
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

