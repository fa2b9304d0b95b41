"""Analysts' Excel workbooks that print and read well, and the tidy-table workbook.

:func:`format_sheet` gives every sheet of the package's workbooks the same
layout: A4 landscape, fit to the page width (as many pages down as needed),
the header row repeated on every printed page, the header row and the key
columns frozen, a styled header (bold white on dark blue, wrapped), column
widths from the content, long text wrapped, a filter on the header.
:func:`save_workbook` writes a workbook deterministically (dates and zip entry
times from ``SOURCE_DATE_EPOCH``) through a temporary file and a rename.

:func:`write_tidy_workbook` writes ``mcr_tidy.xlsx``: the tidy table, the
rejected rows and, when the load result carries them, the warnings, with
headers in the reader's language (Spanish by default).  The CSV files stay
UTF-8 for programs; this workbook is for people (Excel opens it with the
accents right).

Examples
--------
>>> TIDY_XLSX
'mcr_tidy.xlsx'
>>> key_columns(["round", "axis", "criterion", "theme", "k"])
['round', 'axis', 'criterion']
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
import os
import zipfile
from pathlib import Path

import pandas as pd

from mcr_analysis.taxonomy import MCRDataError

__all__ = [
    "TIDY_XLSX",
    "KEY_COLUMNS",
    "key_columns",
    "format_sheet",
    "save_workbook",
    "write_tidy_workbook",
]

TIDY_XLSX = "mcr_tidy.xlsx"
"""File name of the analysts' workbook of the tidy table, rejects and warnings."""
KEY_COLUMNS = ("round", "organism", "axis", "criterion", "organism_a", "organism_b",
               "source_file", "source_sheet", "source_row")
"""Columns that identify a row: frozen at the left of a sheet while they lead it."""
DEFAULT_EPOCH = 1735689600  # 2025-01-01T00:00:00Z, as the Makefile sets it
HEADER_FILL = "1F4E79"
HEADER_FONT = "FFFFFF"
_MIN_WIDTH, _MAX_WIDTH, _WRAP_WIDTH = 8, 80, 60
_LONG_TEXT = 60  # text columns with longer values wrap at _WRAP_WIDTH characters


def key_columns(columns: list[str]) -> list[str]:
    """The leading run of ``columns`` that are :data:`KEY_COLUMNS` (frozen at the left)."""
    out = []
    for col in columns:
        if col not in KEY_COLUMNS:
            break
        out.append(col)
    return out


def stamp() -> dt.datetime:
    """The fixed time of generated files: ``SOURCE_DATE_EPOCH`` or 2025-01-01 (UTC).

    The command line has already treated an unusable value as unset
    (:func:`mcr_analysis.outputs.epoch_problem`); called from Python, an empty
    or blank value counts as unset and any other unusable value is an error.
    """
    from mcr_analysis.outputs import epoch_problem

    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    problem = epoch_problem({"SOURCE_DATE_EPOCH": raw}) if raw else None
    if problem is not None:
        raise MCRDataError(problem)
    epoch = int(raw) if raw else DEFAULT_EPOCH
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).replace(tzinfo=None)


def _restamp(data: bytes, when: dt.datetime) -> bytes:
    """The zip archive ``data`` with every entry dated ``when`` (zip dates start in 1980)."""
    date_time = max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def workbook_bytes(book) -> bytes:
    """The ``.xlsx`` bytes of ``book``: same bytes for the same content (dates from :func:`stamp`)."""
    from openpyxl.writer.excel import ExcelWriter

    when = stamp()
    book.properties.creator = "mcr_analysis"
    book.properties.created = when
    book.properties.modified = when
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return _restamp(buffer.getvalue(), when)


def save_workbook(book, path: str | os.PathLike) -> Path:
    """Write ``book`` to ``path``: same bytes for the same content, never half-written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(workbook_bytes(book))
    os.replace(tmp, path)
    return path


def format_sheet(ws, frame: pd.DataFrame, columns: list[str], headers: list[str], *,
                 formats: dict[str, str] | None = None) -> None:
    """Lay out a filled sheet (header in row 1, ``frame[columns]`` below) for screen and print.

    Parameters
    ----------
    ws : openpyxl worksheet
        Row 1 holds ``headers``; rows 2.. the values of ``frame[columns]``.
    frame : pandas.DataFrame
        The values written (for column widths and the number/text split).
    columns : list of str
        Column keys, in sheet order (their leading :data:`KEY_COLUMNS` are frozen).
    headers : list of str
        The header texts written in row 1.
    formats : dict, optional
        Column key -> Excel number format of its data cells.
    """
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    formats = formats or {}
    n = len(frame)
    thin = Side(style="thin", color="BFBFBF")
    for cell in ws[1]:
        cell.font = Font(name="Calibri", size=11, bold=True, color=HEADER_FONT)
        cell.fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="left")
        cell.border = Border(bottom=thin)
    widths = []
    for j, col in enumerate(columns, start=1):
        letter = get_column_letter(j)
        header = headers[j - 1]
        longest = max(len(w) for w in header.split()) if header.split() else 0
        longest = max(longest, min(len(header), 24))  # headers wrap past 24 characters
        numeric = col in frame and pd.api.types.is_numeric_dtype(frame[col])
        wrap = False
        if n and col in frame and not numeric:
            values = frame[col].astype(str)
            widest = int(values.str.len().max())
            wrap = widest > _LONG_TEXT
            longest = max(longest, min(widest, _WRAP_WIDTH) if wrap else widest)
        width = max(_MIN_WIDTH, min(_MAX_WIDTH, longest + 2))
        ws.column_dimensions[letter].width = width
        widths.append(width)
        fmt = formats.get(col, "")
        if n:
            # one style for the whole column, registered once, copied as openpyxl's own
            # WorksheetCopy does (cell._style); the cells share its index
            # (an Alignment object per cell made a 20,000-row sheet take seconds per column)
            template = ws.cell(2, j)
            template.alignment = Alignment(wrap_text=wrap, vertical="top", horizontal="right" if numeric else "left")
            if fmt:
                template.number_format = fmt
            style = template._style
            for (cell,) in ws.iter_rows(min_row=3, max_row=n + 1, min_col=j, max_col=j):
                cell._style = copy.copy(style)
    lines = max([math.ceil(len(h) / (w - 2)) for h, w in zip(headers, widths)] or [1])
    ws.row_dimensions[1].height = 15 * max(1, lines)  # wrapped headers stay visible without autofit
    keys = key_columns(columns)
    ws.freeze_panes = f"{get_column_letter(len(keys) + 1)}2"
    last = get_column_letter(max(1, len(columns)))
    ws.auto_filter.ref = f"A1:{last}{n + 1}"
    # Print: A4 landscape, one page wide, the header on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6


def _labels() -> dict[str, dict[str, str]]:
    from mcr_analysis.export import _labels as score_labels

    return score_labels()


def _header(col: str, lang: str) -> str:
    from mcr_analysis.export import column_label

    try:
        return column_label(col, lang)
    except MCRDataError:
        raise MCRDataError(f"no workbook header for column {col!r}: add it to score_labels.tsv") from None


def _sheet(book, name: str, frame: pd.DataFrame, lang: str) -> None:
    from mcr_analysis.export import _cell_value

    columns = list(frame.columns)
    headers = [_header(c, lang) for c in columns]
    ws = book.create_sheet(name)
    ws.append(headers)
    for record in frame.itertuples(index=False, name=None):
        ws.append([_cell_value(v, lang) for v in record])
    labels = _labels()
    format_sheet(ws, frame, columns, headers,
                 formats={c: labels[c]["format"] for c in columns if c in labels and labels[c]["format"]})


def _readable(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A copy with axis and criterion ids as names in ``lang`` and the round as a number."""
    from mcr_analysis.export import _display

    out = _display(frame, lang)
    if "round" in out and out["round"].astype(str).str.fullmatch(r"\d+").all() and len(out):
        out["round"] = out["round"].astype(int)
    return out


def write_tidy_workbook(result, path: str | os.PathLike, lang: str = "es") -> Path:
    """Write the analysts' workbook of a load: tidy table, rejected rows and warnings.

    Parameters
    ----------
    result : mcr_analysis.ingest.LoadResult
        What :func:`mcr_analysis.ingest.load_submissions` returned; not modified.
        A ``warnings`` DataFrame attribute, when present, gets a sheet of its own.
    path : str or Path
        The file to write (``mcr_tidy.xlsx`` next to the CSV files).
    lang : {"es", "en", "pt"}
        Language of the reasons and warnings (:func:`mcr_analysis.messages.localise_reason`); sheet
        names, headers, axis and criterion names are Spanish or English (Spanish for ``"pt"``).  The
        CSV files keep the loader's English reasons.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    MCRDataError
        When ``lang`` is unknown or a column has no header label.
    """
    from openpyxl import Workbook

    from mcr_analysis.export import column_label

    from mcr_analysis.messages import LANGS, localise_reason
    from mcr_analysis.report import _column

    if lang not in LANGS:
        raise MCRDataError(f"unknown language {lang!r}; allowed: {', '.join(LANGS)}")
    labels = "en" if lang == "en" else "es"  # score_labels.tsv has es and en: Portuguese readers get Spanish headers
    column_label("round", labels)
    book = Workbook()
    book.remove(book.active)
    rejects = result.rejects.copy()
    rejects["reason"] = [localise_reason(r, lang) for r in rejects["reason"]]
    rejects["column"] = [_column(c, lang) for c in rejects["column"]]
    parts = [("tidy", result.tidy), ("rejects", rejects)]
    warnings = getattr(result, "warnings", None)
    if isinstance(warnings, pd.DataFrame):
        warnings = warnings.copy()
        for col in ("message", "reason"):
            if col in warnings:
                warnings[col] = [localise_reason(m, lang) for m in warnings[col]]
        if "column" in warnings:
            warnings["column"] = [_column(c, lang) for c in warnings["column"]]
        parts.append(("warnings", warnings))
    for name, frame in parts:
        _sheet(book, column_label(f"sheet:{name}", labels), _readable(frame, labels), labels)
    return save_workbook(book, path)
