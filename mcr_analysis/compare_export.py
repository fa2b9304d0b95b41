"""Write the comparison of two rounds: CSV files and an analysts' workbook.

``write_compare_outputs`` writes the tables of
:func:`mcr_analysis.compare.compare_rounds` as :data:`CSV_FILES` (ids and
English change kinds, like ``mcr_scores.csv``) and ``mcr_compare.xlsx`` (one
sheet per table, headers, names and values in Spanish by default).  The files
are written as one output set (:func:`mcr_analysis.outputs.output_set`:
temporary files, then renamed together), so a reader never sees half a file; text a spreadsheet would run as a formula is
neutralised (:func:`mcr_analysis.safety.neutralise`).  Labels are data:
``mcr_analysis/data/compare_labels.tsv``.

Examples
--------
>>> label("sheet:changes"), label("change", "en"), label("value:silent")
('Cambios por iniciativa', 'Change', 'sin envío')
"""

from __future__ import annotations

import csv
import functools
import os
from importlib import resources
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from mcr_analysis import compare, taxonomy
from mcr_analysis.export import FLOAT_FORMAT, _cell_value, column_label
from mcr_analysis.outputs import output_set
from mcr_analysis.workbooks import workbook_bytes
from mcr_analysis.taxonomy import MCRDataError

__all__ = ["CSV_FILES", "XLSX_FILE", "TABLE_COLUMNS", "label", "display_table", "write_compare_outputs"]

CSV_FILES = {
    "changes": "mcr_changes.csv",
    "participation": "mcr_participation_changes.csv",
    "scores": "mcr_score_changes.csv",
    "statuses": "mcr_status_transitions.csv",
    "themes": "mcr_shared_theme_changes.csv",
}
XLSX_FILE = "mcr_compare.xlsx"
TABLE_COLUMNS = {
    "changes": compare.CHANGE_COLUMNS,
    "participation": compare.PARTICIPATION_COLUMNS,
    "scores": compare.SCORE_CHANGE_COLUMNS,
    "statuses": compare.STATUS_COLUMNS,
    "themes": compare.THEME_COLUMNS,
}


@functools.cache
def _labels() -> dict[str, dict[str, str]]:
    with resources.files("mcr_analysis.data").joinpath("compare_labels.tsv").open(encoding="utf-8",
                                                                                  newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    if rows and list(rows[0]) != ["key", "es", "en", "format"]:
        raise MCRDataError(f"package table compare_labels.tsv: columns {list(rows[0])}; expected key, es, en, format")
    empty = [r["key"] for r in rows if not (r["es"] or "").strip() or not (r["en"] or "").strip()]
    if empty:
        raise MCRDataError(f"package table compare_labels.tsv: keys without a Spanish or English text: {empty}")
    keys = [r["key"] for r in rows]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise MCRDataError(f"package table compare_labels.tsv: duplicated keys {dup}")
    return {r["key"]: r for r in rows}


def label(key: str, lang: str = "es") -> str:
    """Text ``key`` of ``compare_labels.tsv`` in ``lang``.

    Raises
    ------
    MCRDataError
        When ``key`` is unknown or ``lang`` is not es/en.
    """
    if lang not in taxonomy.LANGS:
        raise MCRDataError(f"unknown language {lang!r}; allowed: {', '.join(taxonomy.LANGS)}")
    labels = _labels()
    if key not in labels:
        raise MCRDataError(f"compare_labels.tsv has no label for {key!r}")
    return labels[key][lang]


def _check(tables: dict[str, pd.DataFrame]) -> None:
    problems = []
    for name, columns in TABLE_COLUMNS.items():
        if name not in tables:
            problems.append(f"missing table {name!r}")
            continue
        lacking = [c for c in columns if c not in tables[name].columns]
        if lacking:
            problems.append(f"table {name!r} lacks columns {lacking}")
    if problems:
        raise MCRDataError("; ".join(problems) + "; expected the output of mcr_analysis.compare.compare_rounds")


def display_table(frame: pd.DataFrame, name: str, lang: str = "es") -> pd.DataFrame:
    """A display copy of comparison table ``name``: headers, names and values in ``lang``.

    Axis and criterion ids become names, change kinds, directions, status ids
    and yes/no become words, metrics their ``mcr_scores.xlsx`` header, changed
    fields their names.  ``frame`` is not modified.

    Examples
    --------
    >>> t = pd.DataFrame({"axis": ["transfronteriza"], "change": ["silent"], "identical_submission": [False]})
    >>> display_table(t, "participation").to_dict("records")
    [{'Eje': 'Integración transfronteriza e infraestructura física', 'Cambio': 'sin envío', 'Envío idéntico al anterior': 'no'}]
    """
    out = frame.copy()
    if "axis" in out:
        out["axis"] = out["axis"].map({a: taxonomy.axis_label(a, lang) for a in out["axis"].unique()})
    if "criterion" in out:
        out["criterion"] = out["criterion"].map({c: taxonomy.criterion_label(c, lang)
                                                 for c in out["criterion"].unique()})
    for col in ("change", "direction") + (("status_from", "status_to") if name == "statuses" else ()):
        if col in out:
            out[col] = out[col].map(lambda v: label(f"value:{v}", lang) if v else "")
    for col in ("identical_submission", "listed_from", "listed_to", "listed", "sent"):
        if col in out:
            out[col] = out[col].map(lambda v: label(f"value:{str(bool(v)).lower()}", lang))
    if "metric" in out:
        out["metric"] = out["metric"].map(lambda m: column_label(m, lang))
    if "changed_fields" in out:
        out["changed_fields"] = out["changed_fields"].map(
            lambda s: ", ".join(label(f"field:{f}", lang) for f in s.split("; ") if f))
    if "note" in out:
        lead, joiner = label("note:ambiguous", lang), label("note:or", lang)
        out["note"] = out["note"].map(lambda s: s.replace("ambiguous: could be ", lead)
                                      .replace("' or '", "'" + joiner + "'"))
    return out.rename(columns={c: label(c, lang) for c in out.columns})


def _workbook_bytes(tables: dict[str, pd.DataFrame], lang: str) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, columns in TABLE_COLUMNS.items():
        ws = book.create_sheet(label(f"sheet:{name}", lang)[:31])
        shown = display_table(tables[name][columns], name, lang)
        headers = list(shown.columns)
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for record in shown.itertuples(index=False, name=None):
            ws.append([_cell_value(v, lang) for v in record])
        n = len(shown)
        for j, col in enumerate(columns, start=1):
            fmt = _labels()[col]["format"]
            if fmt and n:
                for (cell,) in ws.iter_rows(min_row=2, max_row=n + 1, min_col=j, max_col=j):
                    cell.number_format = fmt
            longest = min(len(headers[j - 1]), 24)
            if n:
                longest = max(longest, int(shown.iloc[:, j - 1].astype(str).str.len().max()))
            ws.column_dimensions[get_column_letter(j)].width = max(8, min(60, longest + 2))
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n + 1}"
    return workbook_bytes(book)


def write_compare_outputs(tables: dict[str, pd.DataFrame], out_dir: str | os.PathLike,
                          lang: str = "es") -> list[Path]:
    """Write :data:`CSV_FILES` and :data:`XLSX_FILE` into ``out_dir`` (created) as one output set.

    CSV (:func:`mcr_analysis.outputs.csv_text`): columns of :data:`TABLE_COLUMNS`, UTF-8, ``\\n`` line
    ends, any text round-trips, floats with
    :data:`mcr_analysis.export.FLOAT_FORMAT`, NaN empty, text neutralised.
    Workbook: one sheet per table in ``lang`` (:func:`display_table`), bold
    frozen headers with filters, dates from ``SOURCE_DATE_EPOCH``.

    Returns
    -------
    list of pathlib.Path
        The files written, CSV files first.

    Raises
    ------
    MCRDataError
        When a table or column is missing, or ``lang`` is unknown.
    """
    _check(tables)
    label("round_from", lang)  # checks lang
    out = Path(out_dir)
    with output_set(out) as outs:
        for name, filename in CSV_FILES.items():
            outs.write_csv(filename, tables[name][TABLE_COLUMNS[name]], float_format=FLOAT_FORMAT)
        outs.write_bytes(XLSX_FILE, _workbook_bytes(tables, lang))
    return [out / filename for filename in (*CSV_FILES.values(), XLSX_FILE)]
