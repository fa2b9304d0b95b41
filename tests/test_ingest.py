"""Tests of mcr_analysis.ingest: every layout, every reject reason, nothing lost."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pandas as pd
import pytest
from fixtures_xlsx import assert_accounted, build_messy_folder, build_workbook, keys, replace_in_zip

from mcr_analysis import ingest
from mcr_analysis.ingest import loader, readers
from mcr_analysis.taxonomy import MCRDataError

LONG_ES = ["Organismo", "Eje", "Criterio", "Tema", "Iniciativa", "Descripción", "Año", "Estado", "Socios"]


def load(root: Path) -> ingest.LoadResult:
    """Load ``root`` and check the accounting (applied to every fixture)."""
    result = ingest.load_submissions(root)
    assert_accounted(root, result)
    return result


def reasons(result: ingest.LoadResult) -> list[str]:
    return list(result.rejects["reason"])


# --- layout a: long format -------------------------------------------------------------------

def test_long_layout_gives_one_tidy_row_per_initiative(tmp_path):
    build_workbook(tmp_path / "2024" / "matriz.xlsx", {"Matriz": [
        LONG_ES,
        ["Comunidad Andina", "Integración transfronteriza", "Proyectos", "Pasos de frontera", "CEBAF",
         "Centros binacionales", 2023, "En curso", "Ecuador, Perú"],
        ["SGCAN", "Seguridad alimentaria", "Reuniones y foros", "", "Foro SAN", "", None, "", ""],
    ]})
    result = load(tmp_path)
    tidy = result.tidy
    assert list(tidy.columns) == ingest.TIDY_COLUMNS
    assert tidy[["round", "organism", "axis", "criterion", "theme", "initiative", "source_file",
                 "source_sheet", "source_row"]].values.tolist() == [
        ["2024", "CAN", "transfronteriza", "proyectos", "Pasos de frontera", "CEBAF", "2024/matriz.xlsx",
         "Matriz", 2],
        ["2024", "CAN", "seguridad_alimentaria", "reuniones", "", "Foro SAN", "2024/matriz.xlsx", "Matriz", 3],
    ]
    assert tidy["year"].tolist()[0] == 2023 and tidy["year"].isna().tolist() == [False, True]
    assert str(tidy["year"].dtype) == "Int64" and tidy["source_row"].dtype == "int64"
    assert tidy.loc[0, ["description", "status", "partners"]].tolist() == [
        "Centros binacionales", "En curso", "Ecuador, Perú"]
    assert result.rejects.empty and result.files["organism_from"].tolist() == ["column"]
    assert result.sheets[["status", "layout", "header_row", "rows_read"]].values.tolist() == [
        ["read", "long", 1, 2]]


def test_tidy_then_rejects_unpack(tmp_path):
    build_workbook(tmp_path / "CAN.xlsx", {"M": [["Eje", "Criterio", "Tema"], ["Energía sostenible", "Normas", "x"]]})
    tidy, rejects = ingest.load_submissions(tmp_path / "CAN.xlsx")
    assert tidy["source_file"].tolist() == ["CAN.xlsx"] and tidy["round"].tolist() == [""]
    assert rejects.empty


# --- layout d: header offset, metadata, notes, English headers ------------------------------------

def test_header_below_title_and_metadata_with_notes_below(tmp_path):
    build_workbook(tmp_path / "2024" / "sub.xlsx", {"Hoja1": [
        ["[logo]"],
        ["Matriz de Convergencia Regional"],
        ["Organismo: Comunidad Andina"],
        [],
        [None, "EJE", "criterio", "TEMA", "iniciativa", "AÑO", "Fuente"],
        [None, "Cadenas de valor", "Proyectos", "Mipymes", "Pymes Latinas", "2023", "libro cap. 3"],
        [None, "Cadenas de valor", "Normas", "Mipymes", "Matriz de Empalme", 2024.0, ""],
        [],
        [None, "Nota: datos ilustrativos"],
        [None, "Fuente: SELA (2025)"],
        [],
        [None, "Elaboración propia"],
    ]})
    result = load(tmp_path)
    assert result.tidy["organism"].tolist() == ["CAN", "CAN"]
    assert result.tidy["matrix"].tolist() == ["Cadenas de valor", "Cadenas de valor"]
    assert result.tidy["year"].tolist() == [2023, 2024]
    assert result.tidy["source_row"].tolist() == [6, 7]
    sheet = result.sheets.iloc[0]
    assert sheet["header_row"] == 5 and sheet["ignored_columns"] == "Fuente"
    assert sheet["notes"] == "row 9: Nota: datos ilustrativos; row 10: Fuente: SELA (2025); row 12: Elaboración propia"
    assert result.files.loc[0, "organism_from"] == "metadata"


def test_english_headers_and_labels_with_metadata_in_adjacent_cells(tmp_path):
    build_workbook(tmp_path / "2024" / "submission.xlsx", {"Sheet1": [
        ["Organisation", "Andean Community"],
        ["AXIS", "Criterion", "Theme", "Initiative", "Description", "Year", "Status", "Partners"],
        ["Food and nutrition security", "Meetings and forums", "School feeding", "Forum", "d", 2022, "done", "FAO"],
        ["Disaster risk reduction", "Institutional strengthening", "Early warning", "Course", "", "", "", ""],
    ]})
    result = load(tmp_path)
    assert result.tidy[["organism", "axis", "matrix", "criterion"]].values.tolist() == [
        ["CAN", "seguridad_alimentaria", "Seguridad alimentaria y nutricional", "reuniones"],
        ["CAN", "riesgo_desastres", "", "fortalecimiento"],
    ]
    assert result.tidy.loc[0, ["description", "status", "partners"]].tolist() == ["d", "done", "FAO"]


# --- layout b: one sheet per axis ---------------------------------------------------------------

def test_sheet_per_axis_and_instructions_sheet_skipped(tmp_path):
    head = ["Criterio", "Tema", "Iniciativa"]
    build_workbook(tmp_path / "2024" / "SICA_2024.xlsx", {
        "Instrucciones": [["Complete una fila por iniciativa."], ["Use los ejes de la lista."]],
        "Energía sostenible": [head, ["Proyectos", "Renovables", "Estrategia Energética 2030"]],
        "Interconexión eléctrica": [head, ["Proyectos", "MER", "Mercado Eléctrico Regional"],
                                    ["Normas", "MER", "Reglamento del MER"]],
    })
    result = load(tmp_path)
    assert result.tidy[["organism", "axis", "matrix", "source_sheet"]].values.tolist() == [
        ["SICA", "energia_sostenible", "", "Energía sostenible"],
        ["SICA", "interconexion_electrica", "Interconexión eléctrica", "Interconexión eléctrica"],
        ["SICA", "interconexion_electrica", "Interconexión eléctrica", "Interconexión eléctrica"],
    ]
    sheets = result.sheets.set_index("source_sheet")
    assert sheets.loc["Instrucciones", "status"] == "skipped"
    assert "no recognisable header" in sheets.loc["Instrucciones", "reason"]
    assert sheets.loc["Energía sostenible", "layout"] == "sheet_per_axis"
    assert result.files.loc[0, "organism_from"] == "filename"


def test_sheet_without_axis_column_or_axis_name_rejects_its_rows(tmp_path):
    build_workbook(tmp_path / "SELA.xlsx", {"Datos": [["Criterio", "Tema"], ["Proyectos", "x"]]})
    result = load(tmp_path)
    assert result.tidy.empty
    assert result.rejects[["source_row", "column", "value"]].values.tolist() == [[2, "(sheet name)", "Datos"]]
    assert result.rejects.loc[0, "reason"].startswith("missing axis: no axis column and the sheet name is not an axis")


def test_header_without_criterion_is_skipped_with_reason(tmp_path):
    build_workbook(tmp_path / "SELA.xlsx", {"Listas": [["Eje", "Tema"], ["Energía sostenible", "x"]]})
    result = load(tmp_path)
    why = ("header on row 1 has no criterion column, no criterion mark columns and no criterion headings "
           "(found: axis, theme)")
    assert result.sheets.loc[0, ["status", "reason", "non_empty_rows"]].tolist() == ["skipped", why, 2]
    assert result.files.loc[0, ["status", "rows_rejected"]].tolist() == ["rejected", 1]
    # the file-level reject, then the data row of the skipped sheet with the reason
    assert result.rejects["reason"].str.startswith("no sheet with a recognisable header").tolist() == [True, False]
    assert result.rejects.loc[1, ["source_sheet", "source_row"]].tolist() == ["Listas", 2]
    assert result.rejects.loc[1, "reason"].startswith(
        "sheet skipped: the header on row 1 has no criterion column, no criterion mark columns and no criterion "
        "heading (found: axis, theme)")


# --- layout c: wide mark matrix ------------------------------------------------------------------

def test_marks_matrix_every_mark_kind_and_two_marks_give_two_rows(tmp_path):
    head = ["Eje", "Tema", "Fortalecimiento institucional", "Reuniones y foros", "Proyectos", "Normas",
            "Políticas", "Otros"]
    marks = ["X", "x", "✓", "✔", "Sí", "si", "SÍ", "Yes", 1, "1", True]
    rows = [head] + [["Cadenas de valor", f"tema {i}", m, None, None, None, None, None] for i, m in enumerate(marks)]
    rows.append(["Cadenas de valor", "doble", "", "X", "X", "No", 0, ""])
    build_workbook(tmp_path / "ALADI.xlsx", {"Matriz": rows})
    result = load(tmp_path)
    tidy = result.tidy
    n = len(marks)
    assert len(tidy) == n + 2
    assert tidy["criterion"].tolist() == ["fortalecimiento"] * n + ["reuniones", "proyectos"]
    assert tidy["source_row"].tolist()[-2:] == [n + 2, n + 2]
    assert result.sheets.loc[0, "layout"] == "marks" and result.rejects.empty
    assert result.files.loc[0, ["rows_read", "rows_loaded", "tidy_rows"]].tolist() == [n + 1, n + 1, n + 2]


def test_marks_row_without_mark_and_unknown_mark_are_rejected(tmp_path):
    build_workbook(tmp_path / "ALADI.xlsx", {"Matriz": [
        ["Eje", "Iniciativa", "Proyectos", "Normas"],
        ["Cadenas de valor", "sin marca", "", "No"],
        ["Cadenas de valor", "marca rara", "quizás", "X"],
    ]})
    result = load(tmp_path)
    assert result.tidy.empty
    rej = result.rejects
    assert rej[["source_row", "column", "value"]].values.tolist() == [[2, "", ""], [3, "Proyectos", "quizás"]]
    assert rej.loc[0, "reason"].startswith("no criterion marked: expected X, ✓, ✔, Sí, Yes, Y, 1")
    assert "'Proyectos', 'Normas'" in rej.loc[0, "reason"]
    assert rej.loc[1, "reason"].startswith("unrecognised mark in criterion column 'Proyectos'")


def test_marks_matrix_under_a_two_row_header_with_merged_cells(tmp_path):
    # "Eje" and "Tema" merged down two rows beside a merged "Criterio" group cell over the criteria
    build_workbook(tmp_path / "ALADI.xlsx", {"Matriz": [
        ["Matriz de Convergencia Regional"],
        ["Eje", "Tema", "Criterio", None, None],
        [None, None, "Proyectos", "Normas", "Otros"],
        ["Cadenas de valor", "Pymes", "X", None, "✓"],
        [None, "Nichos", None, "x", None],
    ]}, merges={"Matriz": ["A1:E1", "A2:A3", "B2:B3", "C2:E2", "A4:A5"]})
    result = load(tmp_path)
    assert result.sheets.loc[0, ["layout", "header_row"]].tolist() == ["marks", 3]
    assert result.tidy[["axis", "theme", "criterion", "source_row"]].values.tolist() == [
        ["cadenas_valor", "Pymes", "proyectos", 4], ["cadenas_valor", "Pymes", "otros", 4],
        ["cadenas_valor", "Nichos", "normas", 5]]
    assert result.rejects.empty


def test_row_with_values_only_in_unread_columns_gets_one_reason(tmp_path):
    build_workbook(tmp_path / "OTCA.xlsx", {"M": [
        ["N°", "Eje", "Criterio", "Tema", "Fuente"],
        [1, "Energía sostenible", "Proyectos", "Bioamazonía", "libro 4.2"],
        [2, None, None, None, None],                 # a numbered template row left empty
        [None, None, None, None, "véase anexo"],     # a lone source note in an unread column
        [3, None, None, None, None, None, "suelto"],  # a value under no header at all
    ]})
    result = load(tmp_path)
    assert result.tidy["source_row"].tolist() == [2]
    assert result.rejects[["source_row", "column", "value"]].values.tolist() == [
        [3, "N°", "2"], [4, "Fuente", "véase anexo"], [5, "N°, column G", "3; suelto"]]
    assert result.rejects["reason"].str.fullmatch(
        r"no initiative: values only in columns the loader does not read \([^)]+\); expected an axis, "
        r"criterion, theme or initiative on this row, or an empty row").all()


# --- layout e: merged cells ------------------------------------------------------------------------

def test_merged_axis_and_criterion_count_for_every_row(tmp_path):
    build_workbook(tmp_path / "CAN.xlsx", {"Matriz": [
        ["Título"], [],
        ["Eje", "Criterio", "Iniciativa"],
        ["Integración transfronteriza", "Proyectos", "CEBAF Rumichaca"],
        [None, None, "CEBAF Huaquillas"],
        [None, "Normas", "Decisión 502"],
        ["Riesgo de desastres", "Otros", "CAPRADE"],
    ]}, merges={"Matriz": ["A4:A6", "B4:B5"]})
    result = load(tmp_path)
    assert result.tidy[["axis", "criterion", "source_row"]].values.tolist() == [
        ["transfronteriza", "proyectos", 4], ["transfronteriza", "proyectos", 5],
        ["transfronteriza", "normas", 6], ["riesgo_desastres", "otros", 7]]


# --- layout g: organism --------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [("Mercosur_matriz_2024.xlsx", "MERCOSUR"), ("SGCAN-2024.xlsx", "CAN"),
                                            ("Comunidad Andina 2024.xlsx", "CAN"), ("sg-sica.xlsm", "SICA")])
def test_organism_from_file_name(tmp_path, name, expected):
    build_workbook(tmp_path / name, {"M": [["Eje", "Criterio", "Tema"], ["Energía sostenible", "Normas", "x"]]})
    result = load(tmp_path)
    assert result.tidy["organism"].tolist() == [expected]
    assert result.files.loc[0, "organism_from"] == "filename"


def test_no_organism_rejects_the_whole_file_but_keeps_the_accounting(tmp_path):
    build_workbook(tmp_path / "CAN_SICA_conjunta.xlsx", {"M": [
        ["Organismo: Banco Mundial"], ["Eje", "Criterio", "Tema"],
        ["Energía sostenible", "Normas", "x"], ["Energía sostenible", "Proyectos", "y"]]})
    result = load(tmp_path)
    assert result.tidy.empty and result.files.loc[0, "status"] == "rejected"
    why = result.rejects["reason"].unique().tolist()
    assert len(why) == 1 and why[0].startswith("no organism: no organism column")
    assert "the metadata cell says 'Banco Mundial' (unknown organism 'Banco Mundial'" in why[0]
    assert "names several organisms (CAN, SICA)" in why[0]
    assert result.rejects["source_row"].tolist() == [3, 4]


def test_unknown_organism_in_column_suggests_the_closest(tmp_path):
    build_workbook(tmp_path / "x.xlsx", {"M": [["Organismo", "Eje", "Criterio", "Tema"],
                                               ["Comunidad Andna", "Energía sostenible", "Normas", "x"],
                                               ["", "Energía sostenible", "Normas", "y"]]})
    result = load(tmp_path)
    assert result.rejects[["source_row", "column", "value"]].values.tolist() == [
        [2, "Organismo", "Comunidad Andna"], [3, "Organismo", ""]]
    assert result.rejects.loc[0, "reason"].startswith("unknown organism 'Comunidad Andna'; closest known: "
                                                      "'Comunidad Andina' (CAN)")
    assert result.rejects.loc[1, "reason"].startswith("missing organism: empty cell")


def test_empty_organism_cell_falls_back_to_the_file_organism(tmp_path):
    build_workbook(tmp_path / "OTCA.xlsx", {"M": [["Organismo", "Eje", "Criterio", "Tema"],
                                                  ["", "Energía sostenible", "Normas", "y"]]})
    assert load(tmp_path).tidy["organism"].tolist() == ["OTCA"]


# --- row-level reject reasons ----------------------------------------------------------------------

def test_every_row_reject_reason(tmp_path):
    build_workbook(tmp_path / "2024" / "SELA.xlsx", {"Matriz": [
        ["Eje", "Criterio", "Tema", "Iniciativa", "Año"],
        ["Cadenas de balor", "Proyectos", "a", "", ""],                         # 2 unknown axis
        ["Energía sostenible e integración eléctrica", "Proyectos", "b", "", ""],  # 3 ambiguous axis
        ["", "Proyectos", "c", "", ""],                                          # 4 missing axis
        ["Energía sostenible", "Proyectoz", "d", "", ""],                        # 5 unknown criterion
        ["Energía sostenible", "Normas y políticas", "e", "", ""],               # 6 ambiguous criterion
        ["Energía sostenible", "", "f", "", ""],                                 # 7 missing criterion
        ["Energía sostenible", "Normas", "", "", ""],                            # 8 no theme/initiative
        ["Energía sostenible", "Normas", "g", "", 2023.5],                       # 9 invalid year
        ["Energía sostenible", "Normas", "h", "", "20x3"],                       # 10 invalid year
        ["Energía sostenible", "Normas", "i", "", 1800],                         # 11 out of range
        ["Energía sostenible", "Normas", "j", "", "2023"],                       # 12 ok
        ["Energía sostenible", "Normas", "j", "", 2023],                         # 13 duplicate of 12
        ["x", "", "", "", ""],                                                   # 14 three problems
    ]})
    result = load(tmp_path)
    assert result.tidy["source_row"].tolist() == [12] and result.tidy["year"].tolist() == [2023]
    rej = result.rejects.set_index("source_row")
    expect = {
        2: ("Eje", "Cadenas de balor", r"^unknown axis 'Cadenas de balor'; closest known: 'Cadenas de valor' \(cadenas_valor\)"),
        3: ("Eje", "Energía sostenible e integración eléctrica",
            r"^ambiguous axis .*could mean energia_sostenible or interconexion_electrica"),
        4: ("Eje", "", r"^missing axis: empty cell and the sheet name 'Matriz' is not an axis"),
        5: ("Criterio", "Proyectoz", r"^unknown criterion 'Proyectoz'; closest known: 'Proyectos?' \(proyectos\)"),
        6: ("Criterio", "Normas y políticas", r"^ambiguous criterion .*normas or politicas"),
        7: ("Criterio", "", r"^missing criterion: empty cell"),
        8: ("Iniciativa", "", r"^missing initiative and theme: expected at least one of them"),
        9: ("Año", "2023.5", r"^invalid year: expected a whole number from 1900 to 2100"),
        10: ("Año", "20x3", r"^invalid year"),
        11: ("Año", "1800", r"^invalid year"),
        13: ("", "j", r"^duplicate of row 12: "),
    }
    for row, (column, value, pattern) in expect.items():
        assert rej.loc[[row], ["column", "value"]].values.tolist() == [[column, value]], row
        assert rej.loc[[row], "reason"].str.contains(pattern).all(), (row, rej.loc[row, "reason"])
    assert sorted(rej.loc[[14], "column"]) == ["Criterio", "Eje", "Iniciativa"]
    assert result.files.loc[0, ["rows_read", "rows_loaded", "rows_rejected"]].tolist() == [13, 1, 12]


def test_sheet_without_theme_and_initiative_columns_rejects_each_row(tmp_path):
    build_workbook(tmp_path / "SELA.xlsx", {"M": [["Eje", "Criterio", "Descripción"],
                                                  ["Energía sostenible", "Normas", "texto"],
                                                  ["Energía sostenible", "Proyectos", "otro"]]})
    result = load(tmp_path)
    assert result.tidy.empty
    why = ("missing initiative and theme: the header on row 1 has neither column; "
           "expected Tema/Theme or Iniciativa/Initiative")
    assert result.rejects[["source_row", "column", "reason"]].values.tolist() == [[2, "", why], [3, "", why]]


def test_duplicate_across_sheets_names_the_other_sheet(tmp_path):
    head = ["Criterio", "Tema"]
    build_workbook(tmp_path / "CAN.xlsx", {"Energía sostenible": [head, ["Normas", "x"]],
                                           "Energías renovables": [head, ["Normas", "x"]]})
    result = load(tmp_path)
    assert result.rejects["reason"].str.startswith(
        "duplicate of row 2 of sheet 'Energía sostenible'").tolist() == [True]
    assert result.rejects["source_sheet"].tolist() == ["Energías renovables"]


def test_explicit_matrix_column_wins(tmp_path):
    build_workbook(tmp_path / "AEC.xlsx", {"M": [
        ["Eje", "Matriz", "Criterio", "Tema"],
        ["Cooperación transfronteriza", "Cooperación transfronteriza de puertos", "Proyectos", "Puertos"],
        ["Cooperación transfronteriza", "", "Proyectos", "Aduanas"]]})
    assert load(tmp_path).tidy["matrix"].tolist() == [
        "Cooperación transfronteriza de puertos", "Cooperación transfronteriza"]


# --- files: unreadable, ignored, order, rounds -----------------------------------------------------

def _good(path: Path) -> Path:
    return build_workbook(path, {"M": [["Eje", "Criterio", "Tema"], ["Energía sostenible", "Normas", "x"]]})


def test_unreadable_files_are_reported_and_the_rest_loads(tmp_path):
    raw = tmp_path / "raw"
    _good(raw / "2024" / "OTCA.xlsx")
    (raw / "2024" / "corrupt.xlsx").write_bytes(b"PK\x03\x04 this is not a zip")
    (raw / "2024" / "viejo.xlsx").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    (raw / "2024" / "legacy.xls").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    shutil.copy(raw / "2024" / "OTCA.xlsx", raw / "2024" / "~$OTCA.xlsx")
    (raw / "2024" / "README.md").write_text("notes", encoding="utf-8")
    (raw / "2024" / "datos.csv").write_text("a,b", encoding="utf-8")
    result = load(raw)
    assert result.tidy["source_file"].tolist() == ["2024/OTCA.xlsx"]
    files = result.files.set_index("source_file")
    assert list(files.index) == ["2024/OTCA.xlsx", "2024/README.md", "2024/corrupt.xlsx", "2024/datos.csv",
                                 "2024/legacy.xls", "2024/viejo.xlsx", "2024/~$OTCA.xlsx"]
    assert files["status"].tolist() == ["loaded", "skipped", "unreadable", "rejected", "unreadable", "unreadable",
                                        "skipped"]
    assert files.loc["2024/corrupt.xlsx", "reason"].startswith("corrupt.xlsx: not a readable workbook")
    assert "encrypted workbook or legacy .xls" in files.loc["2024/viejo.xlsx", "reason"]
    assert files.loc["2024/legacy.xls", "reason"] == (
        "not a readable workbook: python_calamine.CalamineError: Cfb error: Invalid sector shift, expecting 0x09 or "
        "0x0C found 0; open it in Excel or "
        "LibreOffice and save it as .xlsx")
    assert files.loc["2024/~$OTCA.xlsx", "reason"] == "workbook open in a spreadsheet program: skipped"
    assert files.loc["2024/README.md", "reason"] == "not a submission (notes about the folder): skipped"
    assert files.loc["2024/datos.csv", "reason"].startswith("no sheet with a recognisable header")
    file_level = result.rejects[result.rejects["source_row"].isna()]
    assert sorted(file_level["source_file"]) == sorted(files.index[files["status"].isin(["unreadable", "rejected"])])
    assert (file_level["source_sheet"] == "").all()


def test_calamine_error_is_a_file_level_reject(tmp_path):
    path = _good(tmp_path / "CAN.xlsx")
    replace_in_zip(path, "xl/worksheets/sheet1.xml", "", None)  # the workbook names a sheet that is missing
    result = load(tmp_path)
    assert result.files.loc[0, "status"] == "unreadable"
    assert result.files.loc[0, "reason"] == "not a readable workbook: WorksheetNotFound: M"


def test_rounds_are_first_subfolders_and_paths_are_relative_posix(tmp_path):
    _good(tmp_path / "2023" / "OTCA.xlsx")
    _good(tmp_path / "2024" / "extra" / "OTCA.xlsx")
    _good(tmp_path / "OTCA.xlsx")
    result = load(tmp_path)
    assert result.tidy[["round", "source_file"]].values.tolist() == [
        ["", "OTCA.xlsx"], ["2023", "2023/OTCA.xlsx"], ["2024", "2024/extra/OTCA.xlsx"]]


def test_loading_is_deterministic(tmp_path):
    _good(tmp_path / "2024" / "OTCA.xlsx")
    _good(tmp_path / "2024" / "AEC.xlsx")
    a, b = ingest.load_submissions(tmp_path), ingest.load_submissions(tmp_path)
    pd.testing.assert_frame_equal(a.tidy, b.tidy)
    pd.testing.assert_frame_equal(a.rejects, b.rejects)
    assert a.tidy["organism"].tolist() == ["AEC", "OTCA"]


def test_missing_path_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nowhere does not exist; expected a folder of \.xlsx"):
        ingest.load_submissions(tmp_path / "nowhere")


# --- a messy folder, as a new user would try it --------------------------------------------------

MESSY_TIDY = [  # (source_file, sheet, row, organism, axis, criterion, theme), written out by hand
    ("2023/OTCA.xlsx", "Sheet1", 3, "OTCA", "energia_sostenible", "proyectos", "Bioeconomy"),
    ("2024/CAN_matriz_2024.xlsx", "Matriz CAN", 7, "CAN", "transfronteriza", "proyectos", "Pasos de frontera"),
    ("2024/CAN_matriz_2024.xlsx", "Matriz CAN", 8, "CAN", "transfronteriza", "proyectos", "Pasos de frontera"),
    ("2024/CAN_matriz_2024.xlsx", "Matriz CAN", 9, "CAN", "transfronteriza", "normas", "Facilitación del comercio"),
    ("2024/CAN_matriz_2024.xlsx", "Matriz CAN", 11, "CAN", "seguridad_alimentaria", "reuniones",
     "Alimentación escolar"),
    ("2024/LAIA_submission.xlsx", "Matrix", 5, "ALADI", "cadenas_valor", "reuniones", "SMEs"),
    ("2024/LAIA_submission.xlsx", "Matrix", 5, "ALADI", "cadenas_valor", "proyectos", "SMEs"),
    ("2024/LAIA_submission.xlsx", "Matrix", 6, "ALADI", "cadenas_valor", "normas", "Productive niches"),
    ("2024/Mercosur_matriz_2024.xlsx", "Sheet1", 2, "MERCOSUR", "energia_sostenible", "proyectos", "Renewables"),
    ("2024/Mercosur_matriz_2024.xlsx", "Sheet1", 3, "MERCOSUR", "seguridad_alimentaria", "politicas",
     "Family farming"),
    ("2024/Mercosur_matriz_2024.xlsx", "Sheet1", 4, "MERCOSUR", "energia_sostenible", "normas", "Biofuels"),
    ("2024/SELA.xlsx", "Matriz", 2, "SELA", "cadenas_valor", "fortalecimiento", "Mipymes"),
    ("2024/SELA.xlsx", "Matriz", 4, "SELA", "riesgo_desastres", "otros", "Alerta temprana"),
    ("2024/SICA.xlsx", "Energía sostenible", 2, "SICA", "energia_sostenible", "proyectos", "Renovables"),
    ("2024/SICA.xlsx", "Energía sostenible", 3, "SICA", "energia_sostenible", "politicas", "Renovables"),
    ("2024/SICA.xlsx", "Interconexión eléctrica", 2, "SICA", "interconexion_electrica", "proyectos", "MER"),
    ("2024/SICA.xlsx", "Interconexión eléctrica", 3, "SICA", "interconexion_electrica", "proyectos", "MER"),
]
MESSY_REJECTS = [  # (source_file, sheet, row, column, value, start of the reason)
    ("2024/CAN_matriz_2024.xlsx", "Matriz CAN", 10, "criterio", "Proyectoz",
     "unknown criterion 'Proyectoz'; closest known: 'Proyecto' (proyectos)"),
    ("2024/CAN_matriz_2024.xlsx", "Matriz CAN", 12, "", "Foro andino SAN", "duplicate of row 11: "),
    ("2024/CAN_matriz_2024.xlsx", "Matriz CAN", 13, "N°", "7",
     "no initiative: values only in columns the loader does not read (N°)"),
    ("2024/LAIA_submission.xlsx", "Matrix", 7, "", "", "no criterion marked: expected X, ✓"),
    ("2024/LAIA_submission.xlsx", "Matrix", 8, "Projects", "maybe",
     "unrecognised mark in criterion column 'Projects'"),
    ("2024/Mercosur_matriz_2024.xlsx", "Sheet1", 5, "AXIS", "Energía sostenible e integración eléctrica",
     "ambiguous axis 'Energía sostenible e integración eléctrica': could mean energia_sostenible or "
     "interconexion_electrica"),
    ("2024/Mercosur_matriz_2024.xlsx", "Sheet1", 6, "INITIATIVE", "", "missing initiative and theme"),
    ("2024/Mercosur_matriz_2024.xlsx", "Sheet1", 7, "AXIS", "", "missing axis: empty cell"),
    ("2024/SELA.xlsx", "Matriz", 3, "Organismo", "Comunidad Andna",
     "unknown organism 'Comunidad Andna'; closest known: 'Comunidad Andina' (CAN)"),
    ("2024/SELA.xlsx", "Matriz", 5, "Criterio", "Normas y políticas",
     "ambiguous criterion 'Normas y políticas': could mean normas or politicas"),
    ("2024/SICA.xlsx", "Energía", 2, "(sheet name)", "Energía",
     "missing axis: no axis column and the sheet name is not an axis (ambiguous axis 'Energía'"),
    ("2024/anonimo.xlsx", "Hoja1", 2, "", "", "no organism: no organism column, no 'Organismo: ...' cell above "
     "the header, and the file name 'anonimo.xlsx' names no known organism"),
    ("2024/corrupt.xlsx", "", None, "", "", "corrupt.xlsx: not a readable workbook (not a zip archive"),
    ("2024/old_format.xls", "", None, "", "", "not a readable workbook: python_calamine.CalamineError"),
]


def test_messy_folder_loads_exactly_the_rows_it_holds(tmp_path):
    result = load(build_messy_folder(tmp_path / "raw"))
    tidy = result.tidy
    got = [tuple(r) for r in tidy[["source_file", "source_sheet", "source_row", "organism", "axis", "criterion",
                                   "theme"]].itertuples(index=False)]
    assert got == MESSY_TIDY
    assert tidy["round"].tolist() == ["2023"] + ["2024"] * (len(MESSY_TIDY) - 1)
    assert tidy["year"].iloc[1:5].tolist() == [2019, 2020, pd.NA, 2023]  # int, text "2020", empty, int
    # "2023/24" loads with its first year and a warning (the text stays in the warnings table)
    assert tidy["year"].iloc[10] == 2023
    assert result.warnings[["source_file", "source_row", "column", "value", "message"]].values.tolist() == [
        ["2024/Mercosur_matriz_2024.xlsx", 4, "YEAR", "2023/24", "year range '2023/24': kept the first year, 2023"]]
    assert result.columns[["source_file", "column", "header", "non_empty", "sample", "rows"]].values.tolist() == [
        ["2024/CAN_matriz_2024.xlsx", "A", "N°", 7, "1", "7-13"],
        ["2024/CAN_matriz_2024.xlsx", "G", "Fuente", 1, "libro 3.2", "7"]]
    rejects = result.rejects
    assert len(rejects) == len(MESSY_REJECTS)
    for (file, sheet, row, column, value, reason), got_row in zip(MESSY_REJECTS, rejects.itertuples(index=False)):
        where = (file, sheet, row)
        assert (got_row.source_file, got_row.source_sheet) == (file, sheet), where
        assert (pd.isna(got_row.source_row) if row is None else got_row.source_row == row), where
        assert (got_row.column, got_row.value) == (column, value), where
        assert got_row.reason.startswith(reason), (where, got_row.reason)
    files = result.files.set_index("source_file")
    assert files["status"].to_dict() == {
        "2023/OTCA.xlsx": "loaded", "2024/CAN_matriz_2024.xlsx": "loaded", "2024/LAIA_submission.xlsx": "loaded",
        "2024/Mercosur_matriz_2024.xlsx": "loaded", "2024/SELA.xlsx": "loaded", "2024/SICA.xlsx": "loaded",
        "2024/anonimo.xlsx": "rejected", "2024/corrupt.xlsx": "unreadable", "2024/old_format.xls": "unreadable",
        "2024/~$CAN_matriz_2024.xlsx": "skipped", "2024/LEEME.txt": "skipped"}
    assert files.loc[files["status"] == "loaded", "organism_from"].tolist() == [
        "metadata", "metadata", "metadata", "filename", "column", "filename"]
    # per file: rows read = rows loaded + rows rejected (each source row is counted once)
    assert (files["rows_read"] == files["rows_loaded"] + files["rows_rejected"]).all()
    sheets = result.sheets.set_index(["source_file", "source_sheet"])
    assert sheets.loc[("2024/SICA.xlsx", "Instrucciones"), "status"] == "skipped"
    assert sheets.loc[("2024/LAIA_submission.xlsx", "Matrix"), ["layout", "header_row", "notes"]].tolist() == [
        "marks", 4, "row 10: Source: SELA (2025)"]
    assert sheets.loc[("2024/CAN_matriz_2024.xlsx", "Matriz CAN"), "notes"] == (
        "row 15: Nota: información preliminar, sujeta a revisión")


# --- formulas are never evaluated ------------------------------------------------------------------

def test_formula_cells_give_cached_values_only(tmp_path):
    path = build_workbook(tmp_path / "CAN.xlsx", {"M": [
        ["Eje", "Criterio", "Tema", "Iniciativa", "Año"],
        ["Energía sostenible", "Normas", "cached", "a", "=2000+23"],
        ["Energía sostenible", "Normas", "=1+1", "b", None]]})
    # give the first formula a cached value that differs from its result; the second keeps none
    replace_in_zip(path, "xl/worksheets/sheet1.xml", "<f>2000+23</f><v /></c>", "<f>2000+23</f><v>1999</v></c>")
    result = load(tmp_path)
    assert result.tidy["year"].tolist() == [1999]
    assert result.tidy["theme"].tolist() == ["cached"]
    # the formula without a saved value is never evaluated: its row is rejected, naming the cell
    bad = result.rejects.loc[result.rejects["source_row"] == 3]
    assert bad["column"].tolist() == ["Tema"] and bad["value"].tolist() == ["=1+1"]
    assert bad["reason"].str.contains("formula with no saved value").all()


# --- read_tidy -------------------------------------------------------------------------------------

def test_read_tidy_checks_columns(tmp_path):
    bad = tmp_path / "t.csv"
    pd.DataFrame({"round": ["2024"], "organism": ["CAN"], "extra": [1]}).to_csv(bad, index=False)
    with pytest.raises(MCRDataError, match=r"missing columns \['axis', .*'source_row'\], unexpected columns "
                                           r"\['extra'\]"):
        ingest.read_tidy(bad)
    with pytest.raises(FileNotFoundError, match="run 'mcr ingest' first"):
        ingest.read_tidy(tmp_path / "none.csv")


def test_read_tidy_rejects_bad_year(tmp_path, tidy_small):
    path = tmp_path / "t.csv"
    tidy_small.assign(year="soon").to_csv(path, index=False)
    with pytest.raises(MCRDataError, match="year must be whole numbers or empty"):
        ingest.read_tidy(path)
    tidy_small.to_csv(path, index=False)  # a table written before status_id, partner_ids, body and split
    expected = tidy_small.astype({"source_row": "int64"}).assign(status_id="", partner_ids="", body="", split="")
    pd.testing.assert_frame_equal(ingest.read_tidy(path), expected[ingest.TIDY_COLUMNS])


def test_organism_from_filename_reasons():
    assert ingest.organism_from_filename("matriz.xlsx") == (None, "the file name 'matriz.xlsx' names no known organism")
    assert ingest.organism_from_filename("CAN y SICA.xlsx")[1] == (
        "the file name 'CAN y SICA.xlsx' names several organisms (CAN, SICA)")


def test_sample_data_loads_with_nothing_lost():
    from mcr_analysis import config

    if not any(config.RAW_DIR.rglob("*.xlsx")):
        pytest.skip("no sample workbooks under data/raw")
    result = load(config.RAW_DIR)
    assert result.rejects.empty, result.rejects.to_dict("records")
    skipped = result.files[result.files["status"] != "loaded"]
    assert skipped[["source_file", "status"]].values.tolist() == [["README.md", "skipped"]]
    assert result.warnings.empty, result.warnings.to_dict("records")
    # the only column not read is each workbook's source reference
    assert set(result.columns["header"]) == {"Fuente", "Source"}


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_paused_restores_the_collector_state_even_on_error(enabled):
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with pytest.raises(ValueError, match="boom"):
            with loader._gc_paused():
                assert not gc.isenabled()
                raise ValueError("boom")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_load_submissions_leaves_the_collector_enabled(tmp_path):
    assert gc.isenabled()
    ingest.load_submissions(tmp_path)
    assert gc.isenabled()


def test_read_ahead_yields_each_file_read_in_order(tmp_path):
    files = [build_workbook(tmp_path / f"{org}.xlsx", {"Hoja": [["Eje", "Criterio", "Tema"], [org, "x", str(i)]]})
             for i, org in enumerate(["CAN", "SICA", "OTCA", "AEC", "SELA"])]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    files.insert(2, broken)
    assert list(readers.read_ahead(files)) == [readers.read(f) for f in files]
    assert list(readers.read_ahead([])) == []


def test_read_ahead_propagates_unexpected_errors(tmp_path, monkeypatch):
    files = [tmp_path / f"{i}.xlsx" for i in range(4)]

    def read(path):
        if path.name == "2.xlsx":
            raise RuntimeError(f"cannot read {path.name}")
        return [], "stub"

    monkeypatch.setattr(readers, "read", read)
    seen = []
    with pytest.raises(RuntimeError, match=r"cannot read 2\.xlsx"):
        for item in readers.read_ahead(files):
            seen.append(item)
    assert seen == [([], "stub")] * 2
