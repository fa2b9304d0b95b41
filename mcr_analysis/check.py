"""Check one submission as its sender would, before sending it (``mcr check``).

:func:`check_file` runs the ingest (:func:`mcr_analysis.ingest.load_submissions`)
on that one file, so the checks are exactly the ingest's, and places each
reject and warning on its cell: the sheet and row the loader names, and the
column whose header text is the loader's ``column`` (a problem of a whole row
goes to the row's first cell; a problem of the file or of a sheet has no
cell).  Messages come from the organisms' catalogue
(:func:`mcr_analysis.messages.localise_reason`) in the chosen
language.  :func:`write_reviewed_copy` writes the annotated copy
``<name>_revisado.xlsx``; the original is only read.

Examples
--------
>>> import tempfile, pathlib
>>> from mcr_analysis.template import write_template
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "2025"
>>> folder.mkdir()
>>> checked = check_file(write_template("CAN", "2025", folder / "CAN.xlsx"))
>>> checked.round, checked.errors, checked.data_rows
('2025', 1, 0)
>>> checked.problems[0].message
'La matriz no tiene filas de datos: escriba al menos una iniciativa bajo el encabezado'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mcr_analysis.ingest import LoadResult, load_submissions
from mcr_analysis.ingest import header as _header, readers
from mcr_analysis.ingest.cells import column_letter
from mcr_analysis.ingest.template_marker import SKIP_REASONS, template_round
from mcr_analysis.messages import localise_reason, msg
from mcr_analysis.taxonomy import MCRDataError

__all__ = ["Problem", "CheckResult", "SEVERITIES", "check_file", "round_of", "where", "summary_text",
           "reviewed_path", "write_reviewed_copy"]

_ROUND_FOLDER = re.compile(r"^\d{4}")
SEVERITIES = ("error", "warning", "info")
"""error: a reject (the row is not loaded); warning: loaded with a warning; info: a sheet not read."""


@dataclass(frozen=True)
class Problem:
    """One problem of the checked file, placed on its cell.

    Attributes
    ----------
    severity : {"error", "warning", "info"}
    sheet : str
        Sheet name, ``""`` for a problem of the whole file.
    row : int or None
        1-based row, ``None`` for a problem of the file or a sheet.
    cell : str
        The cell (``"C7"``) the comment goes on, ``""`` when none.
    column : str
        The loader's column (header text as written), maybe ``""``.
    value : str
        The value found.
    reason : str
        The loader's reason, as written in the rejects table.
    message : str
        The reason in the user's language.
    """

    severity: str
    sheet: str
    row: int | None
    cell: str
    column: str
    value: str
    reason: str
    message: str


@dataclass(frozen=True)
class CheckResult:
    """What :func:`check_file` found in one file."""

    path: Path
    round: str
    lang: str
    result: LoadResult
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Number of errors (rejects)."""
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        """Number of warnings."""
        return sum(p.severity == "warning" for p in self.problems)

    @property
    def infos(self) -> int:
        """Number of notes on sheets that are not read."""
        return sum(p.severity == "info" for p in self.problems)

    @property
    def data_rows(self) -> int:
        """Data rows read (not empty, not notes) in the sheets that were read."""
        return int(self.result.files["rows_read"].sum())

    @property
    def ok_rows(self) -> int:
        """Data rows that load without problems."""
        return int(self.result.files["rows_loaded"].sum())

    @property
    def clean(self) -> bool:
        """No error and no warning (notes on unread sheets do not count)."""
        return not self.errors and not self.warnings


def round_of(path: str | Path) -> str:
    """The round named by the folder of ``path`` (a name starting with four digits), else ``""``.

    >>> round_of("data/raw/2024/CAN.xlsx"), round_of("Descargas/CAN.xlsx")
    ('2024', '')
    """
    name = Path(path).parent.name
    return name if _ROUND_FOLDER.match(name) else ""


def _header_columns(path: Path) -> dict[str, tuple[dict[str, int], int]]:
    """``{sheet: ({header text: 0-based column}, first header column)}``, found as the loader finds them."""
    grids, reason = readers.read(path)
    out = {}
    for g in [] if reason else grids:
        header = _header.find_header(g.grid, g.merges)
        if header is not None and header.names:
            names = {name: c for c, name in sorted(header.names.items(), reverse=True)}  # leftmost wins
            out[g.name] = (names, min(header.names))
    return out


def _cell_of(columns: tuple[dict[str, int], int] | None, row: int | None, column: str) -> str:
    """The cell of a problem at ``row`` in ``column`` (header text, or "column X"), or ``""``.

    A problem with no column of its own (a repeated row, no organism) goes on
    the row's first header column.
    """
    if row is None or columns is None:
        return ""
    names, first = columns
    for name in [column] if column in names else [c.strip() for c in column.split(",")]:
        if name in names:
            return f"{column_letter(names[name])}{row}"
        m = re.fullmatch(r"column ([A-Z]{1,3})", name)
        if m:
            return f"{m.group(1)}{row}"
    return f"{column_letter(first)}{row}"


def _frames(result: LoadResult):
    """``(severity, frame)`` of the rejects and, when the loader gives them, the warnings."""
    rejects = result.rejects
    if "severity" in rejects.columns:  # tolerate a loader that marks warnings in the rejects table
        yield "warning", rejects[rejects["severity"] == "warning"]
        yield "error", rejects[rejects["severity"] != "warning"]
    else:
        yield "error", rejects
    warnings = getattr(result, "warnings", None)  # issue 9 adds them, with a "message" column
    if isinstance(warnings, pd.DataFrame) and len(warnings):
        yield "warning", warnings.rename(columns={"message": "reason"})


def check_file(path: str | Path, lang: str = "es", round_: str | None = None) -> CheckResult:
    """Check one submission file with the ingest's checks.

    Parameters
    ----------
    path : str or Path
        The file (``.xlsx``/``.xlsm``; other files get the loader's file-level reason).
    lang : {"es", "en", "pt"}
        Language of the messages.
    round_ : str, optional
        The round; default :func:`round_of` the file's folder, else the round the
        MCR template was written for (its marker), else ``""``.

    Returns
    -------
    CheckResult
        Problems in sheet, row, column order: file-level first.

    Raises
    ------
    FileNotFoundError
        When ``path`` is not a file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist or is not a file; expected one submission file")
    result = load_submissions(path)
    columns = _header_columns(path) if len(result.rejects) or _has_warnings(result) else {}
    problems = []
    for severity, frame in _frames(result):
        for rec in frame.to_dict("records"):
            row = None if pd.isna(rec["source_row"]) else int(rec["source_row"])
            problems.append(Problem(severity, rec["source_sheet"], row,
                                    _cell_of(columns.get(rec["source_sheet"]), row, rec["column"]),
                                    rec["column"], rec["value"], rec["reason"],
                                    localise_reason(rec["reason"], lang)))
    template_reasons = set(SKIP_REASONS.values())
    for rec in result.sheets.to_dict("records"):
        if rec["status"] == "skipped" and rec["reason"] not in template_reasons:
            problems.append(Problem("info", rec["source_sheet"], None, "", "", "", rec["reason"],
                                    msg("chk_sheet_skipped", lang, reason=localise_reason(rec["reason"], lang))))
    if not result.files["rows_read"].sum() and not len(result.rejects):
        problems.append(Problem("error", "", None, "", "", "", "no data rows", msg("chk_no_rows", lang)))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    problems.sort(key=lambda p: (p.sheet != "", p.sheet, p.row or 0, _column_key(p.cell), order[p.severity]))
    if round_ is None:
        round_ = round_of(path) or template_round(path)
    return CheckResult(path, round_, lang, result, problems)


def _has_warnings(result: LoadResult) -> bool:
    return any(len(f) for s, f in _frames(result) if s == "warning")


def _column_key(cell: str) -> tuple[int, str]:
    letters = re.match(r"[A-Z]*", cell).group(0)
    return len(letters), letters


def where(problem: Problem, lang: str) -> str:
    """Where a problem is, in words: the cell, the row, the sheet or the file."""
    if problem.cell:
        return msg("chk_where_cell", lang, sheet=problem.sheet, cell=problem.cell)
    if problem.row is not None:
        return msg("chk_where_row", lang, sheet=problem.sheet, row=problem.row)
    if problem.sheet:
        return msg("chk_where_sheet", lang, sheet=problem.sheet)
    return msg("chk_where_file", lang)


def reviewed_path(path: str | Path, out_dir: str | Path, lang: str = "es") -> Path:
    """Where the reviewed copy of ``path`` goes: ``<out_dir>/<name>_revisado.xlsx``.

    >>> reviewed_path("raw/2024/CAN.xlsm", "revision").as_posix()
    'revision/CAN_revisado.xlsx'
    """
    return Path(out_dir) / f"{Path(path).stem}_{msg('chk_copy_stem', lang)}.xlsx"


def summary_text(checked: CheckResult, copy: Path | None = None, limit: int = 10) -> str:
    """The short terminal summary: one line, the first ``limit`` problems, where the copy is."""
    lang = checked.lang
    round_ = msg("chk_round", lang, round=checked.round) if checked.round else msg("no_round", lang)
    name = checked.path.name
    if checked.clean:
        head = msg("chk_clean", lang, file=name, rows=checked.data_rows, round=round_)
    elif not checked.errors:
        head = msg("chk_warnings_only", lang, file=name, warnings=checked.warnings, rows=checked.data_rows,
                   round=round_)
    else:
        head = msg("chk_problems", lang, file=name, errors=checked.errors, warnings=checked.warnings,
                   rows=checked.data_rows, round=round_, ok=checked.ok_rows)
    if checked.infos:
        head += msg("chk_infos", lang, n=checked.infos)
    lines = [head]
    shown = checked.problems[:limit]
    lines += [msg("chk_line", lang, where=where(p, lang), problem=p.message) for p in shown]
    if len(checked.problems) > limit:
        lines.append(msg("chk_more", lang, n=len(checked.problems) - limit, sheet=msg("chk_sheet_problems", lang)))
    if copy is not None:
        lines.append(msg("chk_copy", lang, path=copy))
    return "\n".join(lines)


# --- the reviewed copy --------------------------------------------------------------------------------

_FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}


def write_reviewed_copy(checked: CheckResult, out_dir: str | Path) -> Path:
    """Write the annotated copy of the checked file in ``out_dir``; return its path.

    The copy holds the file's cell values only (openpyxl, ``data_only``: the
    values Excel saved; formulas are never evaluated, macros and external
    links are dropped; a ``.csv`` or ``.ods`` becomes a new workbook of its
    values).  Every problem cell is filled (red for errors, yellow for
    warnings) and carries a comment saying what is wrong and what is allowed;
    a first sheet "Problemas" lists every problem with a link to its cell.
    The copy names that sheet in the template marker, so a corrected copy can
    be sent as it is.  Written atomically; the original is only read.

    Raises
    ------
    MCRDataError
        When the copy would overwrite the original.
    """
    from mcr_analysis.template import save_workbook

    path = reviewed_path(checked.path, out_dir, checked.lang)
    if path.resolve() == checked.path.resolve():
        raise MCRDataError(f"{path}: the reviewed copy would overwrite the checked file; choose another folder")
    book = _copy_workbook(checked)
    _annotate(book, checked)
    name = _problems_sheet(book, checked)
    _mark(book, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(book, path)
    return path


def _copy_workbook(checked: CheckResult):
    from openpyxl import Workbook, load_workbook

    path = checked.path
    suffix = path.suffix.lower()
    unreadable = (checked.result.files["status"] == "unreadable").any()
    book = None
    try:
        if suffix in readers.WORKBOOK_SUFFIXES and not unreadable:
            book = load_workbook(path, data_only=True, keep_vba=False, keep_links=False)
        elif suffix == ".csv":
            book = _values_book([(path.stem, _csv_rows(path))])
        elif suffix == ".ods" and _small_archive(path):
            import python_calamine

            with python_calamine.CalamineWorkbook.from_path(path) as wb:
                book = _values_book([(n, wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names])
    except Exception:  # noqa: BLE001 - a file openpyxl cannot open still gets its "Problemas" sheet
        book = None
    if book is None:
        book = Workbook()
        book.remove(book.active)
    return book


def _small_archive(path: Path) -> bool:
    """An .ods within the archive limits of :mod:`mcr_analysis.safety` (never unpacked otherwise)."""
    import zipfile

    from mcr_analysis import safety

    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return len(entries) <= safety.MAX_ENTRIES and sum(e.file_size for e in entries) <= safety.MAX_TOTAL_BYTES


def _csv_rows(path: Path) -> list[list]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return list(csv.reader(fh, dialect))


def _values_book(sheets: list[tuple[str, list[list]]]):
    from openpyxl import Workbook

    from mcr_analysis.template import text_cell

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        ws = book.create_sheet(name[:31])
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value not in ("", None):
                    text_cell(ws.cell(r, c), value)
    return book


def _anchor(ws, coord: str) -> str:
    """``coord``, or the top-left cell of the merged range that holds it (only that cell takes a comment)."""
    for rng in ws.merged_cells.ranges:
        if coord in rng:
            return rng.start_cell.coordinate
    return coord


def _annotate(book, checked: CheckResult) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    groups: dict[tuple[str, str], list[Problem]] = {}
    for p in checked.problems:
        if p.cell and p.sheet in book.sheetnames:
            groups.setdefault((p.sheet, _anchor(book[p.sheet], p.cell)), []).append(p)
    author = msg("chk_comment_author", checked.lang)
    for (sheet, coord), problems in groups.items():
        cell = book[sheet][coord]
        text = "\n\n".join(dict.fromkeys(p.message for p in problems))
        if cell.comment is not None:
            text = f"{cell.comment.text}\n\n{text}"
        comment = Comment(text, author)
        comment.width, comment.height = 360, min(600, 80 + 18 * (len(text) // 45 + text.count("\n")))
        cell.comment = comment
        worst = min((p.severity for p in problems), key=SEVERITIES.index)
        cell.fill = PatternFill("solid", fgColor=_FILLS[worst])


def _problems_sheet(book, checked: CheckResult) -> str:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import quote_sheetname
    from openpyxl.worksheet.hyperlink import Hyperlink

    from mcr_analysis.safety import neutralise
    from mcr_analysis.template import text_cell

    lang = checked.lang
    base = msg("chk_sheet_problems", lang)
    name, n = base, 1
    while name in book.sheetnames:
        n += 1
        name = f"{base} ({n})"
    ws = book.create_sheet(name, 0)
    heads = ["chk_col_severity", "chk_col_sheet", "chk_col_cell", "chk_col_column", "chk_col_value",
             "chk_col_problem"]
    for c, key in enumerate(heads, start=1):
        cell = ws.cell(1, c, msg(key, lang))
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="D9E1F2")
    labels = {"error": msg("chk_error", lang), "warning": msg("chk_warning", lang), "info": msg("chk_info", lang)}
    for r, p in enumerate(checked.problems, start=2):
        ws.cell(r, 1, labels[p.severity]).fill = PatternFill("solid", fgColor=_FILLS[p.severity])
        text_cell(ws.cell(r, 2), p.sheet or msg("chk_where_file", lang))
        place = ws.cell(r, 3)
        if p.cell and p.sheet in book.sheetnames:
            place.hyperlink = Hyperlink(ref=place.coordinate, location=f"{quote_sheetname(p.sheet)}!{p.cell}")
            place.value, place.font = p.cell, Font(color="0563C1", underline="single")
        elif p.row is not None:
            place.value = p.row
        text_cell(ws.cell(r, 4), neutralise(p.column))
        text_cell(ws.cell(r, 5), neutralise(p.value))
        text_cell(ws.cell(r, 6), p.message)
    if not checked.problems:
        text_cell(ws.cell(2, 1), msg("chk_none", lang))
    for col, width in zip("ABCDEF", (10, 24, 10, 24, 30, 100)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    for sheet in book.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    book.active = 0
    return name


def _mark(book, problems_sheet: str) -> None:
    """Name the problems sheet in the template marker, keeping the sheets an existing marker names."""
    from openpyxl.packaging.custom import StringProperty

    from mcr_analysis.ingest.template_marker import PROPERTY, marker_value, parse_marker

    kinds = {v: k for k, v in SKIP_REASONS.items()}
    skip = {}
    for prop in list(book.custom_doc_props.props):
        if prop.name == PROPERTY:
            skip = {s: kinds[r] for s, r in parse_marker(str(prop.value)).items() if s in book.sheetnames}
            book.custom_doc_props.props.remove(prop)
    skip[problems_sheet] = "review"
    book.custom_doc_props.append(StringProperty(name=PROPERTY, value=marker_value(skip)))
