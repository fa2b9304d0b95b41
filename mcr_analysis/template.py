"""The MCR template an organism fills in: drop-down lists, instructions, its expected axes.

:func:`build_template` makes an openpyxl workbook with three sheets:

- the data sheet ("Matriz"): title, "Organismo: …", "Ronda: …" and the axes
  the book's participation table expects of the organism above a frozen,
  protected header with the canonical columns; data validation (drop-down
  lists from the list sheet, a year range) with input messages and error
  alerts in the chosen language; widths, wrapping and print settings
  (landscape A4, fit to width, header repeated on every page);
- the instructions sheet: what each column means, the book's axes (with the
  section they are paraphrased from) and the criteria, the statuses;
- the hidden list sheet the drop-down lists read.

A custom document property (:mod:`mcr_analysis.ingest.template_marker`) names
the instructions and list sheets, so the loader reports them as template
sheets instead of reading them.  Headers are in ``lang`` (``headers.tsv`` has
Spanish, English and Portuguese ones, all read back by the loader); list values
are the vocabulary's Spanish or English labels (Spanish in a Portuguese
template: the vocabulary has no Portuguese labels); everything else follows
``lang``.

Examples
--------
>>> book = build_template("OTCA", "2025", lang="pt")
>>> book.sheetnames, book["Listas"].sheet_state
(['Matriz', 'Instruções', 'Listas'], 'hidden')
>>> [c.value for c in book["Matriz"][HEADER_ROW]][:4]
['Organismo', 'Eixo', 'Matriz', 'Critério']
>>> book["Matriz"]["A2"].value
'Organismo: Organização do Tratado de Cooperação Amazônica'
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from mcr_analysis.ingest.cells import YEAR_RANGE
from mcr_analysis.ingest.header import canonical_headers
from mcr_analysis.ingest.template_marker import PROPERTY, marker_value
from mcr_analysis.messages import LANGS, msg, vocabulary_lang
from mcr_analysis.taxonomy import MCRDataError, axes, criteria, organisms, participation

__all__ = ["FIELDS", "HEADER_ROW", "STATUS_IDS", "build_template", "write_template", "template_path",
           "is_round", "template_organisms", "expected_axes", "prefill_rows", "list_values", "save_workbook", "text_cell"]

FIELDS = ("organism", "axis", "matrix", "criterion", "theme", "initiative", "description", "year", "status",
          "partners")
"""The canonical columns, in the order of the data sheet (column A is the organism)."""
HEADER_ROW = 5
"""1-based row of the data sheet's header; rows 1-4 hold title, organism, round and expected axes."""
BLANK_ROWS = 200
"""Empty rows with drop-down lists below the filled-in ones."""
STATUS_IDS = ("planned", "ongoing", "completed", "cancelled")
"""The status vocabulary, until ``taxonomy.statuses()`` (issue 9) is merged: then read it there."""
_WIDTHS = {"organism": 22, "axis": 30, "matrix": 28, "criterion": 30, "theme": 28, "initiative": 36,
           "description": 50, "year": 8, "status": 14, "partners": 22}
_REQUIRED = {"axis": "required", "criterion": "required", "theme": "one_of_two", "initiative": "one_of_two"}
_BOOK_SECTIONS = {  # chapter 3 of the book, section and page, for each axis definition
    "cadenas_valor": ("Encadenamientos productivos", 48),
    "riesgo_desastres": ("Reducción del riesgo de desastres y adaptación al cambio climático", 50),
    "transfronteriza": ("Cooperación transfronteriza e infraestructura", 52),
    "energia_sostenible": ("Integración energética y sostenibilidad", 54),
    "interconexion_electrica": ("Integración energética y sostenibilidad", 54),
    "seguridad_alimentaria": ("Seguridad alimentaria y nutricional", 46),
}
_ROUND = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,30}$")
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="8EA9DB")
_WRAP = Alignment(wrap_text=True, vertical="top")
_FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def is_round(value: str) -> bool:
    """Whether ``value`` can name a round (a folder name such as ``2025`` or ``2025-2``).

    >>> is_round("2025"), is_round("../x")
    (True, False)
    """
    return bool(_ROUND.match(str(value)))


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise MCRDataError(f"unknown language {lang!r}; allowed: {', '.join(LANGS)}")


def template_organisms() -> list[str]:
    """Organisms of the book's participation table, sorted: those ``--organism all`` writes.

    >>> template_organisms()
    ['AEC', 'ALADI', 'CAN', 'MERCOSUR', 'OTCA', 'SELA', 'SICA']
    """
    return sorted(participation()["organism"].unique())


def expected_axes(organism: str) -> dict[str, list[str]]:
    """``{axis: [sub-matrices]}`` the participation table expects of ``organism``, in the book's axis order.

    >>> expected_axes("OTCA")
    {'energia_sostenible': ['Energías sostenibles']}
    """
    p = participation()
    p = p[p["organism"] == organism]
    return {a: list(p.loc[p["axis"] == a, "matrix"]) for a in axes().ids if a in set(p["axis"])}


def _status_labels(lang: str) -> list[str]:
    """Labels of the status list: the one place to switch to ``taxonomy.statuses()`` after the merge.

    The labels are those of ``statuses.tsv`` (issue 9); like the other lists, Spanish in a
    Portuguese template.
    """
    return [msg(f"status_{s}", vocabulary_lang(lang)) for s in STATUS_IDS]


def list_values(organism: str, lang: str = "es") -> dict[str, list[str]]:
    """The values of each drop-down list, as the loader recognises them.

    >>> list_values("CAN", "en")["criterion"][:2]
    ['Institutional strengthening / Courses and training', 'Meetings and forums']
    >>> list_values("CAN")["organism"], list_values("CAN")["partners"][:3]
    (['Comunidad Andina'], ['AEC', 'ALADI', 'ALBA-TCP'])
    """
    vlang = vocabulary_lang(lang)
    matrices = list(dict.fromkeys(participation()["matrix"]))
    return {
        "axis": [axes().label(a, vlang) for a in axes().ids],
        "matrix": matrices,
        "criterion": [criteria().label(c, vlang) for c in criteria().ids],
        "status": _status_labels(lang),
        "partners": [o for o in organisms().ids if o != organism],
        "organism": [organisms().label(organism, vlang)],
    }


def prefill_rows(tidy: pd.DataFrame, organism: str, round_: str) -> pd.DataFrame:
    """The rows of ``organism`` in round ``round_`` of the tidy table, as the template writes them.

    Returns a new frame with :data:`FIELDS` (ids for organism, axis and
    criterion; ``year`` as Int64), in the tidy table's order; ``tidy`` is not
    modified.
    """
    rows = tidy[(tidy["organism"] == organism) & (tidy["round"].astype(str) == str(round_))]
    return rows[list(FIELDS)].reset_index(drop=True).copy()


def _check_organism(organism: str) -> None:
    if organism not in organisms().ids:
        raise MCRDataError(f"unknown organism {organism!r}; allowed: {', '.join(organisms().ids)}")


def build_template(organism: str, round_: str, lang: str = "es", prefill: pd.DataFrame | None = None) -> Workbook:
    """The template workbook of ``organism`` for round ``round_``.

    Parameters
    ----------
    organism : str
        Organism id (``organisms()``).
    round_ : str
        The round the template is for (a folder name such as ``2025``).
    lang : {"es", "en", "pt"}
        Language of titles, instructions, input messages and error alerts.
    prefill : pandas.DataFrame, optional
        Rows to fill in (:func:`prefill_rows`): updating the matrix is editing it.

    Returns
    -------
    openpyxl.Workbook
        Not saved; :func:`write_template` saves it.

    Raises
    ------
    MCRDataError
        For an unknown organism or language or an invalid round.
    """
    _check_lang(lang)
    _check_organism(organism)
    if not is_round(round_):
        raise MCRDataError(f"invalid round {round_!r}; expected a folder name such as 2025")
    vlang = vocabulary_lang(lang)
    values = list_values(organism, lang)
    rows = prefill if prefill is not None else pd.DataFrame(columns=list(FIELDS))
    names = {k: msg(f"tpl_sheet_{k}", lang) for k in ("data", "instructions", "lists")}
    book = Workbook()
    data = book.active
    data.title = names["data"]
    ranges = _list_sheet(book.create_sheet(names["lists"]), values, lang)
    last = HEADER_ROW + len(rows) + BLANK_ROWS
    _data_sheet(data, organism, str(round_), lang, rows, last)
    _validations(data, ranges, names["lists"], organism, lang, last)
    _instructions(book.create_sheet(names["instructions"], 1), organism, lang, names["data"])
    book.custom_doc_props.append(StringProperty(
        name=PROPERTY, value=marker_value({names["instructions"]: "instructions", names["lists"]: "list"}, str(round_))))
    book.properties.creator = "mcr_analysis.template"
    book.properties.title = msg("tpl_title", lang, organism=organisms().label(organism, vlang), round=round_)
    book.active = 0
    return book


def _list_sheet(ws, values: dict[str, list[str]], lang: str) -> dict[str, str]:
    """Write one column per list; return ``{field: absolute range}``."""
    ws.sheet_state = "hidden"
    out = {}
    for c, (field, items) in enumerate(values.items(), start=1):
        ws.cell(1, c, f"[{msg(f'field_{field}', lang)}]").font = _BOLD  # brackets: not a header alias
        for r, item in enumerate(items, start=2):
            text_cell(ws.cell(r, c), item)
        col = get_column_letter(c)
        out[field] = f"${col}$2:${col}${len(items) + 1}"
        ws.column_dimensions[col].width = 40
    return out


def text_cell(cell, value) -> None:
    """Write ``value`` in an openpyxl ``cell``; text stays text even when it starts with "=" (never a formula).

    >>> from openpyxl import Workbook
    >>> cell = Workbook().active["A1"]
    >>> text_cell(cell, "=1+1")
    >>> cell.value, cell.data_type
    ('=1+1', 's')
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _cell_values(rows: pd.DataFrame, vlang: str) -> list[list]:
    """The prefilled rows as cell values: labels for ids, ints for years."""
    out = []
    for rec in rows.to_dict("records"):
        line = []
        for f in FIELDS:
            v = rec.get(f)
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                line.append(None)
            elif f in ("organism", "axis", "criterion"):
                vocab = {"organism": organisms, "axis": axes, "criterion": criteria}[f]()
                line.append(vocab.label(v, vlang) if v else None)
            elif f == "year":
                line.append(int(v))
            else:
                line.append(str(v) or None)
        out.append(line)
    return out


def _data_sheet(ws, organism: str, round_: str, lang: str, rows: pd.DataFrame, last: int) -> None:
    vlang = vocabulary_lang(lang)
    heads = canonical_headers(lang)  # headers.tsv has Portuguese headers; list values stay es
    label = organisms().label(organism, vlang)
    expected = [axes().label(a, vlang) for a in expected_axes(organism)]
    ws["A1"] = msg("tpl_title", lang, organism=label, round=round_)
    ws["A1"].font = Font(bold=True, size=14)
    text_cell(ws["A2"], f"{heads['organism']}: {label}")  # the loader's metadata cell: organism of empty cells
    text_cell(ws["A3"], f"{msg('tpl_round', lang)}: {round_}")
    text_cell(ws["A4"], msg("tpl_expected", lang, organism=organism,
                        axes="; ".join(expected) or msg("tpl_expected_none", lang)))
    ws["A4"].font = Font(bold=True, color="C00000")
    for c, f in enumerate(FIELDS, start=1):
        cell = ws.cell(HEADER_ROW, c, heads[f])
        cell.font, cell.fill, cell.alignment = _BOLD, _HEAD_FILL, Alignment(wrap_text=True, vertical="center")
        cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
        ws.column_dimensions[get_column_letter(c)].width = _WIDTHS[f]
    unlocked = Protection(locked=False)
    body = _cell_values(rows, vlang)
    for r in range(HEADER_ROW + 1, last + 1):
        line = body[r - HEADER_ROW - 1] if r - HEADER_ROW - 1 < len(body) else [None] * len(FIELDS)
        for c, v in enumerate(line, start=1):
            cell = ws.cell(r, c)
            if v is not None:
                text_cell(cell, v)
            cell.protection, cell.alignment = unlocked, _WRAP
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.row_dimensions[HEADER_ROW].height = 30
    ws.protection.sheet = True  # protects the title and header; data cells are unlocked, no password
    for allowed in ("formatCells", "formatColumns", "formatRows", "insertRows", "deleteRows", "sort", "autoFilter"):
        setattr(ws.protection, allowed, False)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(FIELDS))}{last}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.gridLines = True


def _validations(ws, ranges: dict[str, str], lists: str, organism: str, lang: str, last: int) -> None:
    lo, hi = YEAR_RANGE
    label = organisms().label(organism, vocabulary_lang(lang))
    for c, f in enumerate(FIELDS, start=1):
        col = get_column_letter(c)
        prompt = msg(f"help_{f}", lang, organism=label, lo=lo, hi=hi)
        if f in ranges:
            dv = DataValidation(type="list", formula1=f"{quote_sheetname(lists)}!{ranges[f]}", allow_blank=True)
            dv.error = msg("dv_error_partners" if f == "partners" else "dv_error_list", lang, sheet=lists)
            dv.errorStyle = "information" if f == "partners" else "stop"
        elif f == "year":
            dv = DataValidation(type="whole", operator="between", formula1=str(lo), formula2=str(hi),
                                allow_blank=True)
            dv.error, dv.errorStyle = msg("dv_error_year", lang, lo=lo, hi=hi), "stop"
        else:
            dv = DataValidation(allow_blank=True)
        dv.promptTitle, dv.prompt, dv.showInputMessage = msg(f"field_{f}", lang), prompt, True
        if dv.error:
            dv.errorTitle, dv.showErrorMessage = msg("dv_error_title", lang), True
        dv.add(f"{col}{HEADER_ROW + 1}:{col}{last}")
        ws.add_data_validation(dv)


def _instructions(ws, organism: str, lang: str, data_sheet: str) -> None:
    vlang = vocabulary_lang(lang)
    heads = canonical_headers(lang)
    expected = expected_axes(organism)
    lines: list[tuple[list, str]] = [  # (cells, style)
        ([msg("inst_heading", lang)], "title"),
        ([msg("inst_intro", lang, sheet=data_sheet, first=HEADER_ROW + 1)], "text"),
        ([msg("inst_vocab_note", lang)], "text"), ([], ""),
        ([msg("inst_columns", lang)], "section"),
        ([msg("inst_col_column", lang), msg("inst_col_translation", lang), msg("inst_col_meaning", lang),
          msg("inst_col_needed", lang)], "head"),
    ]
    lo, hi = YEAR_RANGE
    label = organisms().label(organism, vlang)
    for f in FIELDS:
        need = msg(_REQUIRED.get(f, "optional"), lang)
        lines.append(([heads[f], msg(f"field_{f}", lang), msg(f"help_{f}", lang, organism=label, lo=lo, hi=hi),
                       need], "text"))
    lines += [([], ""), ([msg("inst_axes", lang)], "section"),
              ([msg("inst_col_value", lang), msg("inst_col_translation", lang), msg("inst_col_definition", lang),
                msg("inst_col_source", lang), msg("inst_col_expected", lang, organism=organism),
                msg("inst_col_matrices", lang)], "head")]
    for a in axes().ids:
        section, page = _BOOK_SECTIONS[a]
        lines.append(([axes().label(a, vlang), msg(f"axis_{a}", lang), msg(f"axis_def_{a}", lang),
                       msg("inst_source_axes", lang, section=section, page=page),
                       msg("yes" if a in expected else "no", lang), "; ".join(expected.get(a, []))],
                      "expected" if a in expected else "text"))
    lines += [([], ""), ([msg("inst_criteria", lang)], "section"),
              ([msg("inst_col_value", lang), msg("inst_col_translation", lang), msg("inst_col_definition", lang),
                msg("inst_col_source", lang)], "head")]
    for c in criteria().ids:
        lines.append(([criteria().label(c, vlang), msg(f"criterion_{c}", lang), msg(f"criterion_def_{c}", lang),
                       msg("inst_source_criteria", lang)], "text"))
    lines += [([], ""), ([msg("inst_statuses", lang)], "section"),
              ([msg("inst_col_value", lang), msg("inst_col_translation", lang)], "head")]
    lines += [([msg(f"status_{s}", vlang), msg(f"status_{s}", lang)], "text") for s in STATUS_IDS]
    for r, (cells, style) in enumerate(lines, start=1):
        for c, v in enumerate(cells, start=1):
            cell = ws.cell(r, c)
            text_cell(cell, v)
            cell.alignment = _WRAP
            if style in ("title", "section", "head"):
                cell.font = Font(bold=True, size=14 if style == "title" else 11)
            if style == "head":
                cell.fill = _HEAD_FILL
            if style == "expected":
                cell.fill = PatternFill("solid", fgColor="FCE4D6")
    for col, width in zip("ABCDEF", (32, 30, 70, 40, 14, 36)):
        ws.column_dimensions[col].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def template_path(folder: str | Path, organism: str, round_: str, lang: str = "es") -> Path:
    """Where :func:`write_template` puts the template of ``organism`` in ``folder``.

    >>> template_path("out", "CAN", "2025", "pt").as_posix()
    'out/mcr_modelo_CAN_2025.xlsx'
    """
    return Path(folder) / f"{msg('tpl_file_stem', lang)}_{organism}_{round_}.xlsx"


def write_template(organism: str, round_: str, path: str | Path, lang: str = "es",
                   prefill: pd.DataFrame | None = None) -> Path:
    """Build the template (:func:`build_template`) and save it at ``path`` atomically; return ``path``."""
    path = Path(path)
    save_workbook(build_template(organism, round_, lang, prefill), path)
    return path


def save_workbook(book: Workbook, path: str | Path) -> None:
    """Save ``book`` at ``path`` through a temporary file and :func:`os.replace`, deterministically.

    Zip member times and the "modified" document property are fixed, so the
    same workbook gives the same bytes.  Until the outputs module (issue 10)
    is merged, this is the local atomic writer of the organisms' side.
    """
    path = Path(path)
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, _FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(out.getvalue())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
