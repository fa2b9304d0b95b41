"""The tables the ingest writes and reads back: column contracts and :func:`read_tidy`.

Examples
--------
>>> TIDY_COLUMNS[:5]
['round', 'organism', 'axis', 'matrix', 'criterion']
>>> REJECT_COLUMNS
['source_file', 'source_sheet', 'source_row', 'column', 'value', 'reason']
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from mcr_analysis import safety
from mcr_analysis.taxonomy import MCRDataError, criteria

__all__ = ["TIDY_COLUMNS", "REJECT_COLUMNS", "WARNING_COLUMNS", "UNREAD_COLUMNS", "FILE_COLUMNS",
           "SHEET_COLUMNS", "read_tidy"]

TIDY_COLUMNS = [
    "round", "organism", "axis", "matrix", "criterion", "theme", "initiative",
    "description", "year", "status", "partners", "status_id", "partner_ids", "body", "split",
    "source_file", "source_sheet", "source_row",
]
"""The tidy table: one row per initiative, criterion and theme (the README says what each column means)."""
_ADDED = ("status_id", "partner_ids", "body", "split")
REJECT_COLUMNS = ["source_file", "source_sheet", "source_row", "column", "value", "reason"]
WARNING_COLUMNS = ["source_file", "source_sheet", "source_row", "column", "value", "message"]
"""Loaded rows read with a remark (a year range, a date, an unknown status...): ``mcr_warnings.csv``."""
UNREAD_COLUMNS = ["source_file", "source_sheet", "header_row", "column", "header", "non_empty", "sample",
                  "rows", "reason"]
"""Columns holding values that no field reads, and stray cells: ``mcr_unread_columns.csv``."""
FILE_COLUMNS = ["source_file", "round", "organism", "organism_from", "status", "rows_read",
                "rows_loaded", "rows_rejected", "tidy_rows", "reason"]
SHEET_COLUMNS = ["source_file", "source_sheet", "status", "layout", "header_row", "rows_read",
                 "reason", "ignored_columns", "notes", "non_empty_rows", "headings", "fields"]


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



def _column(name: str, values: list, rows) -> pd.Series | pd.api.extensions.ExtensionArray:
    """One tidy column from its loaded ``values``, taken in the order ``rows`` (None: as loaded)."""
    if name == "year":
        out = pd.array(values, dtype="Int64")
        return out if rows is None else out.take(rows)
    if name == "source_row":
        out = np.asarray(values, dtype=np.int64) if values else np.zeros(0, dtype=np.int64)
        return pd.Series(out if rows is None else out[rows])
    return _text_column(values, rows)


def _text_column(values: list, rows=None) -> pd.Series:
    """``pd.Series(values, dtype="str")`` (taken in the order ``rows``), built through pyarrow when every
    value is text (twice as fast).

    >>> _text_column(["a", None]).tolist(), _text_column(["a", 1]).tolist(), _text_column(["a", "b"], [1, 0]).tolist()
    (['a', nan], ['a', '1'], ['b', 'a'])
    >>> _text_column(["", ""], [1, 0]).tolist(), str(_text_column(["x"] * 3).dtype)
    (['', ''], 'str')
    """
    try:
        if values and values[0].__class__ is str and values.count(values[0]) == len(values):
            array = pa.repeat(pa.scalar(values[0], type=pa.large_string()), len(values))  # one value ("2024", "")
        else:
            array = pa.array(values, type=pa.large_string())
    except (pa.ArrowException, TypeError):
        return pd.Series(values if rows is None else [values[i] for i in rows], dtype="str")
    return pd.Series(array if rows is None else array.take(pa.array(rows, type=pa.int64())), dtype="str")


def _tidy_order(columns: dict[str, list]):
    """Positions of the tidy rows sorted by round, file, sheet, row and criterion (stable), or None if sorted.

    >>> cols = {"round": ["2024"] * 3, "source_file": ["b", "a", "a"], "source_sheet": ["S"] * 3,
    ...         "source_row": [2, 5, 3], "criterion": ["normas", "otros", "proyectos"]}
    >>> _tidy_order(cols).tolist()
    [2, 1, 0]
    >>> _tidy_order({k: v[1:] for k, v in cols.items()} | {"source_row": [3, 5]}) is None
    True
    """
    order = {c: i for i, c in enumerate(criteria().ids)}
    n = len(columns["source_row"])
    crit = list(map(order.get, columns["criterion"]))
    if None in crit or set(map(type, columns["source_row"])) - {int}:  # the general comparison
        keys = list(zip(columns["round"], columns["source_file"], columns["source_sheet"], columns["source_row"],
                        crit))
        rows = sorted(range(n), key=keys.__getitem__)  # stable, like the old mergesort
        return None if rows == list(range(n)) else np.asarray(rows, dtype=np.int64)
    keys = [np.fromiter(crit, dtype=np.int64, count=n), np.fromiter(columns["source_row"], dtype=np.int64, count=n)]
    for c in ("source_sheet", "source_file", "round"):  # codes in the order of Python's string comparison
        code = {v: i for i, v in enumerate(sorted(set(columns[c])))}
        keys.append(np.fromiter(map(code.__getitem__, columns[c]), dtype=np.int64, count=n))
    rows = np.lexsort(keys)  # stable: equal keys keep their order
    return None if (rows == np.arange(n)).all() else rows


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
    >>> from mcr_analysis.ingest import load_submissions
    >>> from mcr_analysis.report import write_ingest_outputs
    >>> csv_path = write_ingest_outputs(load_submissions(tempfile.mkdtemp()), tempfile.mkdtemp())[0]
    >>> read_tidy(csv_path).columns.tolist() == TIDY_COLUMNS
    True
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist; run 'mcr ingest' first to write the tidy table")
    parquet = path.suffix.lower() == ".parquet"
    try:
        if parquet:
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
            frame = frame.rename(columns=safety.unneutralise)
            frame = frame.map(safety.unneutralise) if len(frame) else frame
    except (UnicodeDecodeError, ValueError, OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        detail = " ".join(str(exc).split())[:160]
        raise MCRDataError(f"{path}: not a tidy MCR table: it cannot be read as "
                           f"{'Parquet' if parquet else 'a UTF-8 CSV file'} ({type(exc).__name__}: {detail}); "
                           "expected the mcr_tidy.csv or mcr_tidy.parquet written by 'mcr ingest'") from None
    for c in _ADDED:  # tables written before these columns existed read as if they were empty
        if c not in frame.columns and all(k in frame.columns for k in TIDY_COLUMNS if k not in _ADDED):
            frame[c] = ""
    missing = [c for c in TIDY_COLUMNS if c not in frame.columns]
    extra = [c for c in frame.columns if c not in TIDY_COLUMNS]
    if missing or extra:
        raise MCRDataError(f"{path}: not a tidy MCR table; missing columns {missing}, unexpected columns "
                           f"{extra}; expected exactly {', '.join(TIDY_COLUMNS)}")
    try:
        year = frame["year"].map(lambda v: None if isinstance(v, str) and not v.strip() else v)
        frame = frame.assign(year=pd.to_numeric(year), source_row=pd.to_numeric(frame["source_row"]))
        return _coerce(frame[TIDY_COLUMNS])
    except (ValueError, TypeError) as exc:
        raise MCRDataError(f"{path}: year must be whole numbers or empty and source_row whole numbers "
                           f"({exc})") from None


# The loader's frames, built once from the records it collected

def _frame(columns: list[str], records: list[dict], ints: tuple = ()) -> pd.DataFrame:
    if not records:
        return pd.DataFrame({c: pd.Series([], dtype="Int64" if c in ints else "str") for c in columns})
    frame = pd.DataFrame.from_records(records, columns=columns)
    for c in columns:
        if c in ints:
            frame[c] = frame[c].astype("Int64")
        else:
            frame[c] = frame[c].fillna("").astype(str)
    return frame


def _empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="Int64" if c == "source_row" else str)
                         for c in REJECT_COLUMNS})


def _finish_tidy(columns: dict[str, list]) -> pd.DataFrame:
    """The tidy frame, built once from the loaded columns, in file, sheet, row, criterion order."""
    rows = _tidy_order(columns)
    tidy = pd.DataFrame({c: _column(c, values, rows) for c, values in columns.items()})
    return _coerce(tidy)


def _concat_tidy(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One tidy frame of per-file tidy frames, in the order given, each text column in one piece.

    The files' frames come in ``(round, source_file)`` order, so this is the
    order :func:`_finish_tidy` gives the rows of all of them at once.

    >>> one = {c: [""] for c in TIDY_COLUMNS} | {"criterion": ["normas"]}
    >>> a = _finish_tidy(one | {"source_file": ["a.xlsx"], "theme": ["x"], "year": [2020], "source_row": [4]})
    >>> b = _finish_tidy(one | {"source_file": ["b.xlsx"], "theme": ["y"], "year": [None], "source_row": [2]})
    >>> both = _concat_tidy([a, b])
    >>> both["theme"].tolist(), both["year"].tolist(), both["source_row"].tolist(), str(both["theme"].dtype)
    (['x', 'y'], [2020, <NA>], [4, 2], 'str')
    >>> _concat_tidy([]).columns.tolist() == TIDY_COLUMNS
    True
    """
    if not frames:
        return _finish_tidy({c: [] for c in TIDY_COLUMNS})
    if len(frames) == 1:
        return frames[0]
    out = {}
    for c in TIDY_COLUMNS:
        parts = [f[c] for f in frames]
        if c == "year":
            out[c] = pd.concat(parts, ignore_index=True)
        elif c == "source_row":
            out[c] = pd.Series(np.concatenate([p.to_numpy() for p in parts]))
        else:
            out[c] = pd.Series(pa.chunked_array([pa.array(p) for p in parts]).combine_chunks(), dtype="str")
    return pd.DataFrame(out)


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
    for c in ("rows_read", "non_empty_rows"):
        frame[c] = frame[c].fillna(0).astype("int64")
    return frame


def _finish_warnings(records: list[dict]) -> pd.DataFrame:
    frame = _frame(WARNING_COLUMNS, records, ("source_row",))
    return frame.sort_values(["source_file", "source_sheet", "source_row", "column"],
                             kind="mergesort").reset_index(drop=True)


def _finish_unread(records: list[dict]) -> pd.DataFrame:
    return _frame(UNREAD_COLUMNS, records, ("header_row", "non_empty"))
