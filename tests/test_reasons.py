"""Every reason the loader can write is localised (mcr_analysis.reasons through messages.localise_reason).

SAMPLES holds one instance of each reason template of the loader
(mcr_analysis/ingest/*.py, taxonomy matches, safety's archive checks), with
sample values, written from the loader's f-strings.  A reason added to the
loader needs a sample here and a pattern in mcr_analysis/reasons.py.
"""

from __future__ import annotations

import re

import pytest

from mcr_analysis.messages import LANGS, localise_reason, msg
from mcr_analysis.reasons import PATTERNS, kind, reason_id, source_label, status_label

NO_ORG = ("no organism: no organism column, no 'Organismo: ...' cell above the header, and "
          "the file name 'matriz.xlsx' names no known organism")
SAMPLES = {
    # taxonomy.Vocabulary.match and organism.resolve
    "r_unknown": "unknown axis 'Cadenaz'; closest known: 'Cadenas de valor' (cadenas_valor); allowed ids: "
                 "cadenas_valor, riesgo_desastres",
    "r_ambiguous": "ambiguous criterion 'Normas y políticas': could mean normas or politicas; write one of them "
                   "explicitly",
    "r_ambiguous_organism": "ambiguous organism 'CAN/SICA': names several organisms (CAN, SICA); a row has one "
                            "sender: keep the sender here and write the others in the partners column",
    "r_ambiguous_body": "ambiguous body 'CAN/SICA': names several organisms (CAN, SICA); write the executing body "
                        "here and the others in the partners column",
    "r_conflict": "conflicting organisms: column 'Organismo' ('SICA') says SICA but the metadata cell "
                  "'Organismo: CAN' says CAN; a row belongs to its sender: if SICA is a partner or counterpart, "
                  "write it in the partners column",
    "r_missing_organism": f"missing organism: empty cell; expected an organism name, and {NO_ORG}",
    "r_no_organism": "no organism: no organism column, no 'Organismo: ...' cell above the header, and the metadata "
                     "cell says 'Organismo: Nadie' (unknown organism 'Nadie'; allowed ids: AEC, CAN); the title "
                     "row 'SELA y SICA' names several organisms (SELA, SICA); the sheet name 'CAN' names CAN but "
                     "the file name 'SICA.xlsx' names SICA; the file name 'SELA_SICA.xlsx' names several "
                     "organisms (SELA, SICA)",
    "o_who_column": "column 'Órgano' ('CEPREDENAC', a body of SICA)",
    "o_who": "the title row 'Matriz CAN'",
    "o_names_several": "names several organisms",
    # fields.py, sheet.py
    "r_missing_axis": "missing axis: empty cell and the sheet name 'Hoja1' is not an axis; expected an axis label",
    "r_no_axis_heading": "missing axis: no axis column, no axis heading above this row, and the sheet name "
                         "'Hoja1' is not an axis",
    "r_no_axis_column": "missing axis: no axis column and the sheet name is not an axis (unknown axis 'Hoja1'; "
                        "allowed ids: cadenas_valor)",
    "r_no_theme_columns": "missing initiative and theme: the header on row 3 has neither column; expected "
                          "Tema/Theme or Iniciativa/Initiative",
    "r_missing_theme": "missing initiative and theme: expected at least one of them",
    "r_invalid_year": "invalid year: expected a whole number from 1900 to 2100, a range such as 2023-2024, a "
                      "date, or empty",
    "r_missing_criterion": "missing criterion: empty cell; expected a criterion label",
    "r_no_criterion_heading": "missing criterion: no criterion column and no criterion heading above this row; "
                              "expected a heading row such as 'PROYECTOS' above the block",
    "r_bad_mark": "unrecognised mark in criterion column 'Normas': expected X, x, Sí (or empty, No, 0)",
    "r_no_mark": "no criterion marked: expected X, x, Sí in one of the columns 'Proyectos', 'Normas'",
    "r_stray": "no initiative: values only in columns the loader does not read (Fuente); expected an axis, "
               "criterion, theme or initiative on this row, or an empty row",
    "r_formula": "formula with no saved value: open the file in Excel and save it (cells C4, D4; the loader reads "
                 "saved values only)",
    "r_duplicate": "duplicate of row 4 of sheet 'A': same organism, axis, criterion, theme, initiative and "
                   "details; expected each initiative once per submission",
    # sheets
    "r_sheet_skipped_row": "sheet skipped: no recognisable header in the first 30 rows (expected columns such as "
                           "Eje/Axis, Criterio/Criterion, Tema/Theme, Iniciativa); this row looks like data",
    "r_no_criterion_column": "sheet skipped: the header on row 1 has no criterion column, no criterion mark "
                             "columns and no criterion heading (found: axis, theme); expected a Criterio/Criterion "
                             "column, one column per criterion, or headings such as 'PROYECTOS'",
    "r_no_sheet": "no sheet with a recognisable header: 'Notas': no recognisable header in the first 30 rows "
                  "(expected columns such as Eje/Axis, Criterio/Criterion, Tema/Theme, Iniciativa); 'Hoja1': "
                  "header on row 1 has no criterion column, no criterion mark columns and no criterion headings "
                  "(found: axis, theme)",
    "r_no_header": "no recognisable header in the first 30 rows (expected columns such as Eje/Axis, "
                   "Criterio/Criterion, Tema/Theme, Iniciativa)",
    "s_lists": "hidden sheet of drop-down lists (42 values of the vocabulary): not data",
    "r_template_lists": "template list sheet (the values of the drop-down lists, not data)",
    "r_template_instructions": "template instructions sheet (not data)",
    "r_review_sheet": "review sheet written by 'mcr check' (the problems found, not data)",
    # warnings
    "w_unknown_status": "unknown status 'Terminadísimo': status_id left empty; closest allowed value: completed "
                        "('Terminado'); allowed: planned, ongoing, completed, cancelled (statuses.tsv lists their "
                        "wordings)",
    "w_date_year": "date '2021-03-01': kept its year, 2021",
    "w_year_range": "year range '2020-2022': kept the first year, 2020",
    "w_year_words": "year 'Desde 2020': kept the one year it names, 2020",  # cells.read_year (main, 77160d2)
    "w_status_as_year": "'En curso' is not a year (it reads as a status): the year is left empty",
    "w_no_year": "'s/f' gives no year: the year is left empty",
    "w_unknown_body": "unknown body 'X': not an organism nor a body of an integration system in bodies.tsv; the row "
                      "stays with its organism and body is left empty",
    # columns not read
    "u_two_fields": "header 'Tema o iniciativa' names two fields by its words (theme, initiative); not read: "
                    "rename the column or map it in data/reference/column_map.tsv",
    "u_ignored": "header 'Notas' is mapped to 'ignore' in the column map",
    "u_hidden": "hidden column 'Z': not a known header",
    "u_no_field": "header 'Fuente' names no field the loader reads",
    "u_also_names": "header 'Eje 2' (hidden column) also names field 'axis'; column B 'Eje' is read instead "
                    "(visible)",
    "u_marks_with_criterion": "criterion column 'Proyectos' is not read as marks: the sheet has a criterion "
                              "column ('Criterio')",
    "u_no_header": "values in a column with no header",
    "u_stray_cell": "stray cell XFD1048576 far outside the block that holds the data: not read (delete it or move "
                    "it into the table)",
    # files
    "f_locked": "workbook open in a spreadsheet program: skipped",
    "f_mcr_temp": "temporary file of an interrupted mcr run: skipped",
    "f_notes": "not a submission (notes about the folder): skipped",
    "f_system": "not a submission (a file the operating system or a tool keeps): skipped",
    "f_unsupported": "unsupported file type '.txt', not read; expected .xlsx, .xlsm, .xls, .ods or .csv (open it "
                     "and save the matrix as .xlsx)",
    "f_unlistable": "folder cannot be listed: Permission denied",
    "f_broken_link": "broken symbolic link (to /nowhere/x.xlsx): skipped",
    "f_link_loop": "symbolic link loop (to /data/raw): not followed",
    "f_link_seen": "symbolic link to a folder already read (to /data/raw/2024): not followed",
    "f_hidden_folder": "hidden folder: not read",
    "f_folder_workbook": "a folder named like a workbook: not a file; the files inside it are read with the rest",
    "f_not_regular": "not a regular file (a device, socket or pipe): skipped",
    "f_empty": "empty file (0 bytes): nothing to read; ask the organism to send the workbook again",
    "f_xml2003": "an XML Spreadsheet 2003 saved with the .xls extension: open it in Excel and save it as .xlsx",
    "f_web_page": "a web page saved with the .xls extension: open it in Excel and save it as .xlsx",
    "f_cannot_open": "cannot be opened: Permission denied",
    "f_memory": "refused: reading it needs more memory than is available (budget 2000000000 bytes)",
    "f_timeout": "refused: reading it took more than 60 seconds (the time limit per file); open it in Excel and "
                 "save it as .xlsx",
    "f_memory_budget": "refused: reading it needs more than the memory budget of 2000000000 bytes; open it in "
                       "Excel, delete what is not the matrix and save it as .xlsx",
    "f_reader_stopped": "refused: the reader stopped (signal 9) over the memory budget of 2000000000 bytes or the "
                        "time limit of 60 seconds; the file may hold cells far from its data: open it in Excel, "
                        "delete them and save it again",
    "f_worker_ended": "refused: reading it ended the reading process abruptly (signal 9), out of memory or by a "
                      "fault in the reader; the other files were read",
    "f_unchecked_sheet": "refused: sheet 'Hoja2' is not listed in xl/workbook.xml as the scan reads it, so its size "
                         "could not be checked before reading",
    "f_csv_size": "refused: the file has 99999999 bytes, more than the limit 50000000 for a .csv submission",
    "f_csv_cells": "refused: 2000000 rows x 3 columns is over the limits (1048576 rows, 5000000 cells per sheet)",
    "f_over_limits": "refused: sheet 'Hoja1' has cells down to row 2000000, more than 1048576 rows (the limit per "
                     "sheet); the limits are far above any real matrix: check the file in Excel, delete what is "
                     "not the matrix and save it again",
    "f_csv_binary": "not a text file (binary content) although named .csv; expected a CSV saved by Excel or "
                    "LibreOffice",
    "f_csv_unreadable": "not a readable CSV file: line contains NUL",
    "r_unreadable": "not a readable workbook: BadZipFile: File is not a zip file",
    "r_encrypted": "CAN.xlsx: encrypted workbook or legacy .xls, not an .xlsx; remove the password or save it as "
                   ".xlsx (Excel Workbook)",
    "r_zip_bomb": "CAN.xlsx: archive has 20000 entries, more than the limit 10000; refused as a possible zip bomb",
}
MORE = [  # other wordings of the same templates
    "unknown organism \"O'Brien\"; allowed ids: AEC, CAN",
    "unknown criterion 'Proyectoz'; allowed ids: fortalecimiento, proyectos",
    "unknown status 'x'; allowed ids: planned, ongoing",
    "ambiguous axis 'Energía': could mean energia_sostenible or interconexion_electrica; write one of them "
    "explicitly",
    "duplicate of row 7: same organism, axis, criterion, theme, initiative and details; expected each initiative "
    "once per submission",
    "sheet of drop-down lists (12 values of the vocabulary): not data",
    "header on row 2 has no criterion column, no criterion mark columns and no criterion headings (found: axis)",
    "header 'Criterio B' also names criterion 'proyectos'; column C 'Proyectos' is read instead (more specific)",
    "header 'Tema 2' also names field 'theme'; column D 'Tema' is read instead (first)",
    "unsupported file type '(none)'; expected .xlsx, .xlsm, .xls, .ods or .csv",
    "not a readable workbook: zip archive without xl/workbook.xml; open it in Excel or LibreOffice and save it as "
    ".xlsx",
    "not a readable workbook: sheet 'A' cannot be inflated (error: invalid block type)",
    "roto.xlsx: not a readable workbook (not a zip archive: File is not a zip file); expected an .xlsx file saved "
    "by Excel or LibreOffice",
    "x.ods: zip archive without content.xml, not an OpenDocument spreadsheet; expected an .ods file",
    "CAN.xlsx: encrypted workbook (its archive entries need a password); remove the password or save it as .xlsx "
    "(Excel Workbook)",
    "refused: xl/sharedStrings.xml has 300000000 bytes of XML, more than 200000000 (the limit per part); the limits "
    "are far above any real matrix: check the file in Excel, delete what is not the matrix and save it again",
    "missing organism: empty cell; expected an organism name, and no organism: no organism column, no "
    "'Organismo: ...' cell above the header, and the file name 'x.xlsx' names several organisms (CAN, SICA)",
    "conflicting organisms: column 'Órgano' ('CEPREDENAC', a body of SICA) says SICA but the file name 'CAN.xlsx' "
    "says CAN; a row belongs to its sender: if SICA is a partner or counterpart, write it in the partners column",
]
ENGLISH = re.compile(r"\b(expected|allowed|unknown|missing|invalid|empty|closest|sheet|row|rows|cell|cells|column|"
                     r"columns|header|file|files|skipped|refused|not|read|loaded|rejected|values|the|and|of|or|"
                     r"names|several|organisms?|says|but|body|axis|criterion|theme|initiative|folder|"
                     r"workbook|link|data|lists|hidden|field|marks|year|date|kept|left)\b")


def _outside_parentheses(text: str) -> str:
    """``text`` without any parenthesised part (internal ids and technical detail), nested ones included."""
    while True:
        stripped = re.sub(r"\([^()]*\)", "", text)
        if stripped == text:
            return text
        text = stripped


@pytest.mark.parametrize("id_", sorted(SAMPLES))
def test_each_reason_template_has_its_message(id_):
    assert reason_id(SAMPLES[id_]) == id_


@pytest.mark.parametrize("reason", [*SAMPLES.values(), *MORE], ids=lambda r: r[:40])
@pytest.mark.parametrize("lang", LANGS)
def test_every_reason_is_localised_with_no_english_outside_parentheses(reason, lang):
    out = localise_reason(reason, lang)
    assert reason_id(reason) != "r_untranslated"
    assert out and "{" not in out
    assert not out.startswith(msg("r_untranslated", lang, reason="")[:12])
    if lang != "en":
        assert out != reason
        # quoted values (file, sheet and header names) are the sender's words, not ours
        words = re.sub(r"«[^»]*»", "", _outside_parentheses(out))
        words = re.sub(r"\S+[/.]\S+", "", words)  # paths and file names (data/reference/column_map.tsv)
        assert not ENGLISH.search(words), (out, ENGLISH.search(words))


def test_every_pattern_has_a_sample():
    # a pattern no sample exercises could hide a wording the loader no longer writes
    ids = {i for _p, i in PATTERNS} - {"r_lock_file", "r_legacy_xls"}  # wordings of earlier loaders, kept
    covered = {reason_id(r) for r in [*SAMPLES.values(), *MORE]}
    assert ids <= covered | {"o_meta_says", "o_several", "o_file_none", "o_file_conflict",
                             "r_missing_organism_only", "r_no_organism_plain"}, sorted(ids - covered)


def test_composite_reasons_are_localised_part_by_part():
    assert localise_reason(SAMPLES["r_no_organism"], "es") == (
        "Sin organismo: el archivo no nombra ningún organismo conocido (ni columna Organismo, ni celda "
        "«Organismo: …» sobre el encabezado); la celda de metadatos dice «Organismo: Nadie» (Organismo "
        "desconocido: «Nadie»; valores permitidos: AEC, CAN); la fila de título «SELA y SICA» nombra varios "
        "organismos (SELA, SICA); el nombre de la hoja «CAN» nombra CAN, pero el nombre del archivo «SICA.xlsx» "
        "nombra SICA; el nombre del archivo «SELA_SICA.xlsx» nombra varios organismos (SELA, SICA)")
    assert localise_reason(SAMPLES["r_no_sheet"], "pt") == (
        "Nenhuma planilha tem um cabeçalho reconhecível (esperam-se colunas como Eje, Criterio, Tema, Iniciativa): "
        "«Notas»: Sem cabeçalho reconhecível nas primeiras 30 linhas (esperam-se colunas como Eje, Criterio, "
        "Tema, Iniciativa); «Hoja1»: O cabeçalho da linha 1 não tem coluna Critério, nem colunas de marcas por "
        "critério, nem títulos de critério (campos encontrados: axis, theme); espera-se uma coluna Critério, uma "
        "coluna por critério ou títulos como «PROYECTOS»")
    assert localise_reason(SAMPLES["r_conflict"], "en") == (
        "Conflicting organisations: column 'Organismo' ('SICA') says SICA but the metadata cell 'Organismo: CAN' "
        "says CAN; a row belongs to its sender: if SICA is a partner or counterpart, write it in the Partners "
        "column")
    assert localise_reason(SAMPLES["u_also_names"], "es") == (
        "El encabezado «Eje 2» (columna oculta) también nombra el campo (axis); se lee en su lugar la columna B "
        "«Eje» (es visible)")
    assert localise_reason(SAMPLES["f_over_limits"], "es") == (
        "Rechazado: el archivo supera los límites de tamaño, muy por encima de cualquier matriz real (sheet 'Hoja1' "
        "has cells down to row 2000000, more than 1048576 rows (the limit per sheet)); revíselo en Excel, borre lo "
        "que no es la matriz y guárdelo de nuevo")


def test_statuses_sources_and_kinds():
    assert [status_label(s, "es") for s in ("loaded", "rejected", "unreadable", "skipped", "")] == [
        "cargado", "rechazado", "ilegible", "omitido", ""]
    assert [source_label(s, "pt") for s in ("metadata", "title", "sheet name", "filename", "column")] == [
        "célula de metadados", "linha de título", "nome da planilha", "nome do arquivo", "coluna Organismo"]
    assert kind(SAMPLES["r_duplicate"], "es") == "Repetida"
    assert kind(SAMPLES["r_unknown"], "en") == "Unknown axis"
    assert localise_reason("", "es") == ""
    assert localise_reason("something new", "es") == (
        "Problema (texto original del cargador, sin traducir): something new")
