"""Review workbooks and the analysts' decision files, shared by ``mcr themes`` and ``mcr duplicates``.

A review workbook is one sheet whose header row names the columns in the
analyst's language, with a drop-down list (openpyxl data validation) on the
decision column; text is neutralised and the file is written to a temporary
name and renamed, so a reader never sees half a file.  Decision files are TSV
tables in the project's ``data/reference/`` folder, rewritten whole (temp file
and rename), one row per decision, the latest decision on a key winning.

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> frame = pd.DataFrame({"theme": ["=1+1", "Pasos"], "accept": ["", "sí"]})
>>> path = write_review_workbook(frame, folder / "r.xlsx", {"theme": "tema", "accept": "aceptar"},
...                             choice_column="accept", choices=("sí", "no"), sheet="Revisión")
>>> read_review_workbook(path, {"theme": ("tema",), "accept": ("aceptar",)}).to_dict("records")
[{'theme': '=1+1', 'accept': ''}, {'theme': 'Pasos', 'accept': 'sí'}]
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from mcr_analysis import safety
from mcr_analysis.outputs import atomic_write_bytes, atomic_write_text
from mcr_analysis.taxonomy import MCRDataError

__all__ = ["write_review_workbook", "read_review_workbook", "read_decisions", "merge_decisions", "write_decisions"]

_MAX_WIDTH = 60


def write_review_workbook(frame: pd.DataFrame, path: str | Path, headers: dict[str, str], choice_column: str,
                          choices: tuple[str, ...], sheet: str, editable: tuple[str, ...] = ()) -> Path:
    """Write ``frame``'s ``headers`` columns as a review sheet with a drop-down on ``choice_column``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to review; not modified.
    path : str or Path
        The ``.xlsx`` to write (atomically).
    headers : dict
        Column of ``frame`` -> header shown to the analyst, in sheet order.
    choice_column : str
        The column whose cells get the drop-down list of ``choices``.
    choices : tuple of str
        The allowed decisions (an empty cell means "not decided yet").
    sheet : str
        Sheet name.
    editable : tuple of str
        Columns the analyst is meant to edit (shown in bold italics in the header).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from mcr_analysis.workbooks import workbook_bytes

    book = Workbook()
    ws = book.active
    ws.title = sheet
    columns = list(headers)
    ws.append([headers[c] for c in columns])
    for j, cell in enumerate(ws[1]):
        cell.font = Font(bold=True, italic=columns[j] in editable or columns[j] == choice_column)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for record in frame[columns].itertuples(index=False, name=None):
        ws.append([_value(v) for v in record])
    n = len(frame)
    for j, col in enumerate(columns, start=1):
        width = max([len(headers[col])] + [len(str(v)) for v in frame[col].head(500)])
        ws.column_dimensions[get_column_letter(j)].width = min(_MAX_WIDTH, max(8, width + 2))
    letter = get_column_letter(columns.index(choice_column) + 1)
    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle=headers[choice_column],
                        error=" / ".join(choices))
    ws.add_data_validation(dv)
    dv.add(f"{letter}2:{letter}{max(n + 1, 2)}")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n + 1}"
    return atomic_write_bytes(path, workbook_bytes(book))


def _value(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return safety.neutralise(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def read_review_workbook(path: str | Path, headers: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Read a review workbook back: the first sheet, columns found by any of their accepted headers.

    Only stored values are read (no formula is evaluated); text is
    un-neutralised; empty cells are ``""``.

    Parameters
    ----------
    path : str or Path
        The reviewed ``.xlsx``.
    headers : dict
        Column name -> the headers it may have (one per language).

    Returns
    -------
    pandas.DataFrame
        One row per non-empty sheet row, the columns of ``headers`` as text.

    Raises
    ------
    MCRDataError
        The file is not a safe workbook, or a column is missing (all named).
    """
    path = Path(path)
    safety.check_archive(path)
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows:
        raise MCRDataError(f"{path.name}: the review sheet is empty; expected the workbook written by mcr")
    found = [str(h).strip().casefold() if h is not None else "" for h in rows[0]]
    index, missing = {}, []
    for col, names in headers.items():
        hits = [found.index(n.casefold()) for n in names if n.casefold() in found]
        if hits:
            index[col] = hits[0]
        else:
            missing.append(f"{col} (header {' or '.join(map(repr, names))})")
    if missing:
        raise MCRDataError(f"{path.name}: review sheet lacks columns {', '.join(missing)}; "
                           f"found headers {[h for h in found if h]}")
    records = []
    for row in rows[1:]:
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        rec = {}
        for col, j in index.items():
            v = row[j] if j < len(row) else None
            rec[col] = "" if v is None else str(safety.unneutralise(str(v).strip()))
        records.append(rec)
    return pd.DataFrame(records, columns=list(headers), dtype=object).fillna("")


def read_decisions(path: str | Path, columns: list[str]) -> pd.DataFrame:
    """A decision file of ``data/reference/`` as text (empty frame when the file does not exist).

    Raises
    ------
    MCRDataError
        The file's columns are not ``columns``.
    """
    path = Path(path)
    if not path.is_file():
        return pd.DataFrame(columns=columns, dtype=object)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        if reader.fieldnames is None or [c.strip() for c in reader.fieldnames] != columns:
            raise MCRDataError(f"{path}: columns {reader.fieldnames}; expected exactly {columns}")
        rows = [{k: (v or "").strip() for k, v in r.items()} for r in reader]
    return pd.DataFrame(rows, columns=columns, dtype=object).fillna("")


def merge_decisions(old: pd.DataFrame, new: list[dict], columns: list[str], key) -> pd.DataFrame:
    """``old`` decisions then ``new`` ones, the later kept where two rows have the same key.

    Parameters
    ----------
    old : pandas.DataFrame
        A decision file as :func:`read_decisions` returns it; not modified.
    new : list of dict
        The decisions to add, records of ``columns``.
    columns : list of str
        Columns of the decision file.
    key : callable
        ``key(row)`` of a row (a dict of ``columns``): what makes two decisions
        the same (e.g. the folded variant of a synonym, or an initiative pair).

    Examples
    --------
    >>> old = pd.DataFrame({"variant": ["Pasos", "Aduanas"], "canonical": ["Pasos de frontera", "Aduana"]})
    >>> merged = merge_decisions(old, [{"variant": "PASOS", "canonical": "Frontera"}], ["variant", "canonical"],
    ...                          key=lambda r: r["variant"].casefold())
    >>> merged.to_dict("records")
    [{'variant': 'Aduanas', 'canonical': 'Aduana'}, {'variant': 'PASOS', 'canonical': 'Frontera'}]
    """
    frame = pd.concat([old, pd.DataFrame(new, columns=columns)], ignore_index=True)
    keys = pd.Series([key(row) for row in frame[columns].to_dict("records")], dtype=object)
    return frame.loc[~keys.duplicated(keep="last").to_numpy()].reset_index(drop=True)


def write_decisions(path: str | Path, frame: pd.DataFrame, columns: list[str]) -> Path:
    """Write a decision file (TSV, atomically), in ``frame``'s order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(columns)
    for record in frame[columns].itertuples(index=False, name=None):
        writer.writerow(["" if v is None else str(v).replace("\t", " ").replace("\n", " ") for v in record])
    return atomic_write_text(path, buffer.getvalue())
