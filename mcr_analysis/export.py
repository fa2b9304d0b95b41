"""Write the score tables: three CSV files and an analysts' workbook.

``write_score_outputs`` writes ``mcr_scores.csv``, ``mcr_pairwise.csv`` and
``mcr_shared_themes.csv`` (the columns of issue 3, ids as in the tidy table)
and ``mcr_scores.xlsx`` (one sheet per table, including the organism profile,
with headers, axis and criterion names in Spanish by default).

Outputs are deterministic: CSV floats use :data:`FLOAT_FORMAT`, NaN is an empty
field, lines end in ``\\n``; the workbook's dates and its zip entries carry the
time of ``SOURCE_DATE_EPOCH`` (default 2025-01-01), so the same tables give the
same bytes.  Text a spreadsheet would read as a formula is neutralised with
:func:`mcr_analysis.safety.neutralise` in both formats.  Column labels and
number formats are data: ``mcr_analysis/data/score_labels.tsv``.

Examples
--------
>>> column_label("convergence_index"), column_label("coverage", "en")
('Índice de convergencia', 'Coverage')
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
from importlib import resources
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter

from mcr_analysis import scores as sc
from mcr_analysis import taxonomy
from mcr_analysis.outputs import epoch_problem, output_set
from mcr_analysis.safety import neutralise
from mcr_analysis.taxonomy import MCRDataError

__all__ = [
    "CSV_FILES",
    "XLSX_FILE",
    "FLOAT_FORMAT",
    "EXCEL_MAX_CHARS",
    "TABLE_COLUMNS",
    "column_label",
    "write_score_csvs",
    "write_scores_workbook",
    "write_score_outputs",
]

CSV_FILES = {
    "scores": "mcr_scores.csv",
    "pairwise": "mcr_pairwise.csv",
    "shared_themes": "mcr_shared_themes.csv",
}
"""CSV file of each table (the profile goes to the workbook only)."""
XLSX_FILE = "mcr_scores.xlsx"
FLOAT_FORMAT = "%.6f"
"""printf format of every float in the CSV files (six decimals)."""
TABLE_COLUMNS = {
    "scores": sc.SCORE_COLUMNS,
    "pairwise": sc.PAIRWISE_COLUMNS,
    "shared_themes": sc.SHARED_THEMES_COLUMNS,
    "profile": sc.PROFILE_COLUMNS,
}
"""Columns of each table, in the order written; also the workbook's sheet order."""
DUPLICATE_SHEET_COLUMNS = ["organism_a", "axis_a", "criterion_a", "theme_a", "initiative_a", "organism_b",
                           "axis_b", "criterion_b", "theme_b", "initiative_b", "score", "shared_words", "relation"]
"""Columns of the optional "Posibles duplicaciones" sheet (``tables["duplicates"]``)."""
EXCEL_MAX_CHARS = 32_767
"""Most characters an Excel cell holds; longer text is cut in the workbook (the CSV keeps it whole)."""
DEFAULT_EPOCH = 1735689600  # 2025-01-01T00:00:00Z, as the Makefile sets it
_COLOR_LOW, _COLOR_HIGH = "FFFFFF", "2166AC"


@functools.cache
def _labels() -> dict[str, dict[str, str]]:
    with resources.files("mcr_analysis.data").joinpath("score_labels.tsv").open(
        encoding="utf-8", newline=""
    ) as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    keys = [r["key"] for r in rows]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise MCRDataError(f"package table score_labels.tsv: duplicated keys {dup}")
    return {r["key"]: r for r in rows}


def column_label(key: str, lang: str = "es") -> str:
    """Workbook header of column (or ``"sheet:<table>"``) ``key`` in ``lang``.

    Parameters
    ----------
    key : str
        A column of :data:`TABLE_COLUMNS`, ``"sheet:<table>"`` or ``"note:truncated"``.
    lang : {"es", "en"}

    Returns
    -------
    str
        The label of ``score_labels.tsv``.

    Examples
    --------
    >>> column_label("sheet:pairwise"), column_label("sheet:pairwise", "en")
    ('Pares de organismos', 'Organisation pairs')

    Raises
    ------
    MCRDataError
        When ``key`` is not in ``score_labels.tsv`` or ``lang`` is not es/en.
    """
    if lang not in taxonomy.LANGS:
        raise MCRDataError(f"unknown language {lang!r}; allowed: {', '.join(taxonomy.LANGS)}")
    labels = _labels()
    if key not in labels:
        raise MCRDataError(f"score_labels.tsv has no label for {key!r}; known: {', '.join(labels)}")
    return labels[key][lang]


def _check(tables: dict[str, pd.DataFrame], names) -> None:
    """Every named table is present with its columns; all problems in one message."""
    problems = []
    for name in names:
        if name not in tables:
            problems.append(f"missing table {name!r}")
            continue
        missing = [c for c in TABLE_COLUMNS[name] if c not in tables[name].columns]
        if missing:
            problems.append(f"table {name!r} lacks columns {missing}")
    if problems:
        raise MCRDataError(
            "score tables: " + "; ".join(problems)
            + "; expected the output of mcr_analysis.scores.score_tables"
        )


def write_score_csvs(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write the CSV files of :data:`CSV_FILES` into ``out_dir`` (created if needed).

    Columns exactly :data:`TABLE_COLUMNS`; UTF-8, ``\\n`` line ends, floats with
    :data:`FLOAT_FORMAT`, NaN as an empty field, text neutralised.  The tables
    are not modified.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        :func:`mcr_analysis.scores.score_tables` output (the profile is not needed).
    out_dir : str or pathlib.Path
        Output folder.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of :data:`CSV_FILES`.

    Raises
    ------
    MCRDataError
        When a table or column is missing (all listed at once).
    """
    _check(tables, CSV_FILES)
    with output_set(out_dir) as outs:
        return _stage_csvs(tables, outs)


def _stage_csvs(tables: dict[str, pd.DataFrame], outs) -> list[Path]:
    return [outs.write_csv(filename, tables[name][TABLE_COLUMNS[name]], float_format=FLOAT_FORMAT)
            for name, filename in CSV_FILES.items()]


def _stamp() -> dt.datetime:
    """The fixed time of generated files (see :func:`mcr_analysis.workbooks.stamp`)."""
    from mcr_analysis.workbooks import stamp

    return stamp()


def _label_or_value(label, value, lang: str) -> str:
    """The name of a vocabulary id, or ``value`` itself when it is no id (a hand-made table)."""
    try:
        return label(value, lang)
    except MCRDataError:
        return value


def _display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A copy with axis and criterion ids replaced by their names in ``lang``, rounds as numbers."""
    out = frame.copy()
    for col, label in (("axis", taxonomy.axis_label), ("criterion", taxonomy.criterion_label)):
        if col in out:
            names = {v: _label_or_value(label, v, lang) for v in out[col].unique()}
            out[col] = out[col].map(names)
    if "round" in out and len(out) and out["round"].astype(str).str.fullmatch(r"\d+").all():
        out["round"] = out["round"].astype(str).astype("int64")  # a number, not text
    return out


def _cell_value(value: object, lang: str) -> object:
    """A value openpyxl stores as data: NaN/NA as empty, text neutralised, XML-safe and cut to fit."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        value = neutralise(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
        if len(value) > EXCEL_MAX_CHARS:
            note = column_label("note:truncated", lang).format(n=len(value))
            value = value[: EXCEL_MAX_CHARS - len(note)] + note
        return value
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _fill_sheet(ws, frame: pd.DataFrame, columns: list[str], lang: str) -> None:
    from mcr_analysis.workbooks import format_sheet

    headers = [column_label(c, lang) for c in columns]
    ws.append(headers)
    for record in frame[columns].itertuples(index=False, name=None):
        ws.append([_cell_value(v, lang) for v in record])
    n = len(frame)
    format_sheet(ws, frame, columns, headers,
                 formats={c: _labels()[c]["format"] for c in columns if _labels()[c]["format"]})
    if "convergence_index" in columns and n:
        letter = get_column_letter(columns.index("convergence_index") + 1)
        ws.conditional_formatting.add(
            f"{letter}2:{letter}{n + 1}",
            ColorScaleRule(start_type="num", start_value=0, start_color=_COLOR_LOW,
                           end_type="num", end_value=1, end_color=_COLOR_HIGH),
        )


def _sheets(tables: dict[str, pd.DataFrame]):
    """(sheet key, frame, columns) of the workbook, in order.

    The whole-axis rows of the scores (criterion ``"*"``) get a sheet of their own
    (``scores_axis``, without the criterion column), right after the per-criterion
    rows, so that neither sums nor colour scales mix the two.
    """
    for name, columns in TABLE_COLUMNS.items():
        frame = tables[name]
        if name == "scores":
            whole = frame["criterion"].astype(str) == "*"
            yield "scores", frame.loc[~whole], columns
            yield "scores_axis", frame.loc[whole], [c for c in columns if c != "criterion"]
        else:
            yield name, frame, columns


def write_scores_workbook(tables: dict[str, pd.DataFrame], path: str | Path, lang: str = "es") -> Path:
    """Write the analysts' workbook: one sheet per table of :data:`TABLE_COLUMNS`.

    The scores are split in two sheets: per criterion, then the whole axis
    ("Todos los criterios") on a sheet of its own with its own colour scale.
    Headers, sheet names and axis/criterion names in ``lang``; every sheet
    laid out by :func:`mcr_analysis.workbooks.format_sheet` (A4 landscape,
    fit to the page width, the header repeated on every printed page, header
    row and key columns frozen, styled header, filters, long text wrapped);
    rounds stored as numbers; coverage and shares as percentages, indices
    with three decimals; a white-to-blue colour scale on the convergence
    index, fixed at 0 and 1 so colours compare across files; text
    neutralised, control characters shown as U+FFFD and text longer than
    :data:`EXCEL_MAX_CHARS` cut with a note (the CSV files keep it whole).
    Document dates and zip entry times come from ``SOURCE_DATE_EPOCH``, so
    the same tables give the same bytes.  The tables are not modified.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    data = _workbook_bytes(tables, lang)
    with output_set(path.parent) as outs:
        outs.write_bytes(path.name, data)
    return path


def _workbook_bytes(tables: dict[str, pd.DataFrame], lang: str) -> bytes:
    """The bytes of the analysts' workbook (see :func:`write_scores_workbook`)."""
    from mcr_analysis.workbooks import workbook_bytes

    _check(tables, TABLE_COLUMNS)
    column_label("round", lang)  # checks lang
    _stamp()  # checks SOURCE_DATE_EPOCH before anything is written
    book = Workbook()
    book.remove(book.active)
    for name, frame, columns in _sheets(tables):
        ws = book.create_sheet(column_label(f"sheet:{name}", lang))
        _fill_sheet(ws, _display(frame, lang), columns, lang)
    if "duplicates" in tables:  # optional sheet: mcr_analysis.duplicates.find_duplicates
        from mcr_analysis.duplicates_review import RELATION_LABELS

        dup = tables["duplicates"].copy()
        for side in ("a", "b"):
            for col, label in ((f"axis_{side}", taxonomy.axis_label), (f"criterion_{side}", taxonomy.criterion_label)):
                dup[col] = dup[col].map(lambda v, f=label: f(v, lang) if v else "")
        dup["relation"] = dup["relation"].map(RELATION_LABELS[lang])
        ws = book.create_sheet(column_label("sheet:duplicates", lang))
        _fill_sheet(ws, dup, DUPLICATE_SHEET_COLUMNS, lang)
    return workbook_bytes(book)


def _restamp(data: bytes, stamp: dt.datetime) -> bytes:
    """The zip archive ``data`` with every entry dated ``stamp`` (see :mod:`mcr_analysis.workbooks`)."""
    from mcr_analysis.workbooks import _restamp as restamp

    return restamp(data, stamp)


def write_score_outputs(tables: dict[str, pd.DataFrame], out_dir: str | Path, lang: str = "es") -> list[Path]:
    """Write ``mcr_scores.csv``, ``mcr_pairwise.csv``, ``mcr_shared_themes.csv`` and ``mcr_scores.xlsx``.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        :func:`mcr_analysis.scores.score_tables` output (keys ``scores``,
        ``pairwise``, ``shared_themes``, ``profile``); not modified.
    out_dir : str or pathlib.Path
        Output folder, created if needed.
    lang : {"es", "en"}
        Language of the workbook's headers and names (the CSV files hold ids).

    Returns
    -------
    list of pathlib.Path
        The four files, CSV files first.

    Raises
    ------
    MCRDataError
        When a table or column is missing (all listed at once).
    """
    _check(tables, TABLE_COLUMNS)
    data = _workbook_bytes(tables, lang)
    with output_set(out_dir) as outs:
        written = _stage_csvs(tables, outs)
        written.append(outs.write_bytes(XLSX_FILE, data))
    return written
