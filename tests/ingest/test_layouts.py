"""Tests of the layouts added by ingest v2: section headings, stacked tables, lists sheets, formulas, stray cells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from fixtures_xlsx import assert_accounted, build_workbook, with_hidden_columns

from mcr_analysis import ingest
from mcr_analysis.ingest import loader, readers
from mcr_analysis.ingest.rows import heading_of


def load(root):
    result = ingest.load_submissions(root)
    assert_accounted(root, result)
    return result


def test_heading_of():
    assert heading_of("PROYECTOS") == ("criterion", "proyectos", "")
    assert heading_of("2. Reuniones y foros") == ("criterion", "reuniones", "")
    assert heading_of("EJE: Seguridad alimentaria y nutricional") == (
        "axis", "seguridad_alimentaria", "Seguridad alimentaria y nutricional")
    assert heading_of("Eixo 3 - Integração fronteiriça")[:2] == ("axis", "transfronteriza")
    assert heading_of("Criterio: Normas") == ("criterion", "normas", "")
    assert heading_of("EJE: Proyectos") is None  # the prefix says axis: a criterion label is no axis heading
    assert heading_of("Pasos de frontera") is None


def test_a_totals_row_below_the_data_is_a_note_not_a_reject(tmp_path):
    build_workbook(tmp_path / "MERCOSUR.xlsx", {"Planilha1": [
        ["Eixo", "Critério", "Tema", "Ação", "Ano"],
        ["Cadeias de valor", "Projetos", "Integração produtiva", "Programa", 2021],
        ["Energia sustentável", "Normas", "Biocombustíveis", "Acordo", 2020],
        ["Total", None, None, 2, None],
        ["Subtotal:"],
    ]})
    result = load(tmp_path)
    assert result.tidy["initiative"].tolist() == ["Programa", "Acordo"]
    assert result.rejects.empty
    assert result.sheets.loc[0, "notes"] == "row 4: Total 2; row 5: Subtotal:"


def test_a_row_opening_with_total_but_holding_text_is_data(tmp_path):
    build_workbook(tmp_path / "CAN.xlsx", {"M": [
        ["Eje", "Criterio", "Tema", "Iniciativa"],
        ["Total", "Proyectos", "Calidad", "Red andina"],
    ]})
    result = load(tmp_path)
    # "Total" is no axis: the row is rejected for its axis, never hidden as a totals row
    assert result.tidy.empty
    assert result.rejects.loc[0, "value"] == "Total"
    assert result.rejects.loc[0, "reason"].startswith("unknown axis 'Total'")


def test_criterion_headings_set_the_criterion_of_the_rows_below(tmp_path):
    build_workbook(tmp_path / "CAN.xlsx", {"Matriz": [
        ["Eje", "Tema", "Iniciativa"],
        ["PROYECTOS"],
        ["Integración transfronteriza", "Pasos de frontera", "CEBAF Rumichaca"],
        ["Integración transfronteriza", "Pasos de frontera", "CEBAF Huaquillas"],
        [],
        ["Normas"],
        ["Integración transfronteriza", "Facilitación del comercio", "Decisión 502"],
    ]}, merges={"Matriz": ["A2:C2"]})
    result = load(tmp_path)
    assert result.tidy[["source_row", "criterion", "initiative"]].values.tolist() == [
        [3, "proyectos", "CEBAF Rumichaca"], [4, "proyectos", "CEBAF Huaquillas"], [7, "normas", "Decisión 502"]]
    sheet = result.sheets.iloc[0]
    assert sheet[["status", "layout", "rows_read"]].tolist() == ["read", "headings", 3]
    assert sheet["headings"] == "row 2: PROYECTOS (criterion proyectos); row 6: Normas (criterion normas)"


def test_rows_above_the_first_heading_are_rejected_with_the_reason(tmp_path):
    build_workbook(tmp_path / "CAN.xlsx", {"M": [
        ["Eje", "Tema"], ["Energía sostenible", "sin criterio"], ["OTROS"], ["Energía sostenible", "con criterio"]]})
    result = load(tmp_path)
    assert result.tidy["theme"].tolist() == ["con criterio"]
    assert result.rejects.loc[0, "reason"].startswith(
        "missing criterion: no criterion column and no criterion heading above this row")


def test_axis_headings_with_a_criterion_column_and_sheet_fallback(tmp_path):
    build_workbook(tmp_path / "SICA.xlsx", {"Energía sostenible": [
        ["Criterio", "Tema"],
        ["Proyectos", "Renovables"],            # the sheet name gives the axis until a heading
        ["EJE: Interconexión eléctrica"],
        ["Normas", "MER"],
        ["Otros", "SIEPAC"]]})
    result = load(tmp_path)
    assert result.tidy[["axis", "criterion", "theme"]].values.tolist() == [
        ["energia_sostenible", "proyectos", "Renovables"], ["interconexion_electrica", "normas", "MER"],
        ["interconexion_electrica", "otros", "SIEPAC"]]


def test_stacked_tables_are_each_read_with_their_own_header(tmp_path):
    build_workbook(tmp_path / "OTCA.xlsx", {"Matriz": [
        ["Organismo: OTCA"],
        ["Eje", "Criterio", "Tema", "Iniciativa"],
        ["Energía sostenible", "Proyectos", "Bioeconomía", "Proyecto Bioamazonía"],
        [],
        ["Tabla 2 - Normas aprobadas"],
        ["Iniciativa", "Tema", "Eje", "Criterio", "Observaciones"],
        ["Reglamento amazónico", "Recursos hídricos", "Riesgo de desastres", "Normas", "vigente"],
    ]})
    result = load(tmp_path)
    assert result.tidy[["source_row", "axis", "criterion", "theme", "initiative"]].values.tolist() == [
        [3, "energia_sostenible", "proyectos", "Bioeconomía", "Proyecto Bioamazonía"],
        [7, "riesgo_desastres", "normas", "Recursos hídricos", "Reglamento amazónico"]]
    sheet = result.sheets.iloc[0]
    assert sheet["layout"] == "stacked:long" and sheet["notes"] == "row 5: Tabla 2 - Normas aprobadas"
    assert sheet["fields"] == ("row 2: A=axis, B=criterion, C=theme, D=initiative; "
                               "row 6: A=initiative, B=theme, C=axis, D=criterion")
    assert result.columns[["header_row", "column", "header", "non_empty", "sample"]].values.tolist() == [
        [6, "E", "Observaciones", 1, "vigente"]]


def test_a_hidden_sheet_of_drop_down_lists_is_recognised(tmp_path):
    build_workbook(tmp_path / "SICA.xlsx", {
        "Matriz": [["Eje", "Criterio", "Tema"], ["Energía sostenible", "Proyectos", "Renovables"]],
        "Listas": [["Energía sostenible", "Proyectos", "En curso"], ["Cadenas de valor", "Normas", "Finalizado"],
                   ["Riesgo de desastres", "Otros", "Cancelado"]]}, hidden_sheets=("Listas",))
    result = load(tmp_path)
    lists = result.sheets.set_index("source_sheet").loc["Listas"]
    assert lists[["status", "layout", "non_empty_rows"]].tolist() == ["skipped", "lists", 3]
    assert lists["reason"] == "hidden sheet of drop-down lists (9 values of the vocabulary): not data"
    assert result.rejects.empty and len(result.tidy) == 1


def test_a_skipped_sheet_holding_data_rows_rejects_each_of_them(tmp_path):
    build_workbook(tmp_path / "SELA.xlsx", {
        "M": [["Eje", "Criterio", "Tema"], ["Energía sostenible", "Proyectos", "x"]],
        "Borrador": [["Notas del equipo"], ["Cadenas de valor", "pymes", "pendiente de revisar"], ["solo una celda"]]})
    result = load(tmp_path)
    sheet = result.sheets.set_index("source_sheet").loc["Borrador"]
    assert sheet[["status", "non_empty_rows"]].tolist() == ["skipped", 3]
    assert result.rejects[["source_sheet", "source_row", "value"]].values.tolist() == [
        ["Borrador", 2, "Cadenas de valor; pymes; pendiente de revisar"]]
    assert result.rejects.loc[0, "reason"].startswith("sheet skipped: no recognisable header in the first 30 rows")


def _with(monkeypatch, **extra):
    """Make the reader return the SheetGrid fields a newer reader fills (formulas, stray cells)."""
    original = readers.read

    def read(path):
        grids, reason = original(path)
        for g in grids:
            for k, v in extra.items():
                setattr(g, k, v)
        return grids, reason

    monkeypatch.setattr(readers, "read", read)


def test_a_formula_with_no_saved_value_rejects_its_row_naming_the_cell(tmp_path, monkeypatch):
    build_workbook(tmp_path / "CAN.xlsx", {"M": [
        ["Eje", "Criterio", "Tema", "Iniciativa"],
        ["Energía sostenible", "Proyectos", "a", None],
        [None, None, None, None],
        ["Energía sostenible", "Normas", "c", "ok"]]})
    _with(monkeypatch, uncached_formulas={(1, 3): "=B2&C2", (2, 2): "=VLOOKUP(A1,Listas!A:B,2)"})
    result = ingest.load_submissions(tmp_path)
    assert result.tidy["theme"].tolist() == ["c"]
    assert result.rejects[["source_row", "column", "value"]].values.tolist() == [
        [2, "Iniciativa", "=B2&C2"], [3, "Tema", "=VLOOKUP(A1,Listas!A:B,2)"]]
    assert result.rejects.loc[0, "reason"] == (
        "formula with no saved value: open the file in Excel and save it (cell D2; the loader reads saved "
        "values only)")
    assert result.files.loc[0, ["rows_read", "rows_loaded", "rows_rejected"]].tolist() == [3, 1, 2]


def test_stray_cells_are_listed_as_unread(tmp_path, monkeypatch):
    build_workbook(tmp_path / "CAN.xlsx", {"M": [["Eje", "Criterio", "Tema"], ["Energía sostenible", "Proyectos", "a"]]})
    _with(monkeypatch, stray_cells=[(1048575, 16383, "x")])
    result = ingest.load_submissions(tmp_path)
    assert result.columns[["source_file", "source_sheet", "column", "non_empty", "sample", "rows"]].values.tolist() == [
        ["CAN.xlsx", "M", "XFD", 1, "x", "1048576"]]
    assert result.columns.loc[0, "reason"].startswith("stray cell XFD1048576 far outside the block")
    assert pd.isna(result.columns.loc[0, "header_row"])


def test_a_hidden_superseded_column_loses_to_the_visible_one(tmp_path, monkeypatch):
    build_workbook(tmp_path / "AEC.xlsx", {"M": [
        ["Eje", "Eje", "Criterio", "Tema"],
        ["Cadenas de valor", "Cooperación transfronteriza", "Proyectos", "Puertos"]]},
        hidden_columns={"M": ["A"]})
    with_hidden_columns(monkeypatch)
    result = load(tmp_path)
    assert result.tidy["axis"].tolist() == ["transfronteriza"]
    assert result.columns[["column", "header", "sample"]].values.tolist() == [["A", "Eje", "Cadenas de valor"]]
    assert result.columns.loc[0, "reason"] == (
        "header 'Eje' (hidden column) also names field 'axis'; column B 'Eje' is read instead (visible)")


def test_load_file_works_without_a_load_submissions_call(tmp_path):
    path = build_workbook(tmp_path / "CAN.xlsx", {"M": [["Eje", "Criterio", "Tema"],
                                                        ["Energía sostenible", "Proyectos", "a"]]})
    tidy, rejects, info, sheets = loader._load_file(Path(path), "CAN.xlsx", "", readers.read(path))
    assert tidy["organism"] == ["CAN"] and info["status"] == "loaded" and not rejects


def test_criterion_headings_fill_an_empty_criterion_column(tmp_path):
    build_workbook(tmp_path / "CAN.xlsx", {"M": [
        ["Eje", "Criterio", "Tema"],
        ["NORMAS"],
        ["Energía sostenible", None, "Etiquetado"],
        ["Energía sostenible", "Proyectos", "Bioenergía"],   # the cell wins over the heading
    ]})
    result = load(tmp_path)
    assert result.tidy[["source_row", "criterion", "theme"]].values.tolist() == [
        [3, "normas", "Etiquetado"], [4, "proyectos", "Bioenergía"]]
    assert result.sheets.loc[0, "layout"] == "long+headings"
