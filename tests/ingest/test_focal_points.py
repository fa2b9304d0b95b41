"""End to end, as a new user would try it: a folder of submissions filled by hand by seven focal points.

The fixture (``fixtures_xlsx.build_focal_points_folder``) holds each habit of issue 9 once; every row it
holds is written out here by hand, with its fields in the right columns.
"""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures_xlsx import assert_accounted, build_focal_points_folder, with_hidden_columns

from mcr_analysis import ingest, report

SELA, CAN, MSUL = "2024/Matriz_MCR_2024_final.xlsx", "2024/matriz_mcr_v3.xlsx", "2024/MERCOSUL_matriz_2024.xlsx"
SICA, OTCA, AEC = "2024/SICA_MCR_2024.xlsx", "2024/OTCA_MCR_2024.xlsx", "2024/ACS_matrix.xlsx"
ALADI, CONS = "2024/ALADI_2024.xlsx", "2024/consolidado_2024.xlsx"
NA = None
# (file, row, organism, axis, criterion, theme, initiative, year, status_id, partner_ids, body, split)
EXPECTED = [
    (AEC, 4, "AEC", "transfronteriza", "proyectos", "Ports", "Port State Control programme", NA, "ongoing",
     "CARICOM", "", ""),
    (AEC, 5, "AEC", "transfronteriza", "reuniones", "Customs", "Caribbean customs forum", NA, "completed", "", "", ""),
    (AEC, 6, "AEC", "riesgo_desastres", "proyectos", "Early warning", "Caribbean early warning initiative", NA,
     "ongoing", "CARICOM", "", "criterion 1/2 of 'Projects; Policies'"),
    (AEC, 6, "AEC", "riesgo_desastres", "politicas", "Early warning", "Caribbean early warning initiative", NA,
     "ongoing", "CARICOM", "", "criterion 2/2 of 'Projects; Policies'"),
    (ALADI, 3, "ALADI", "cadenas_valor", "fortalecimiento", "Pymes", "Programa de encadenamientos productivos", NA,
     "", "", "", "theme 1/2 of 'Pymes; Nichos productivos'"),
    (ALADI, 3, "ALADI", "cadenas_valor", "fortalecimiento", "Nichos productivos",
     "Programa de encadenamientos productivos", NA, "", "", "", "theme 2/2 of 'Pymes; Nichos productivos'"),
    (ALADI, 3, "ALADI", "cadenas_valor", "proyectos", "Pymes", "Programa de encadenamientos productivos", NA,
     "", "", "", "theme 1/2 of 'Pymes; Nichos productivos'"),
    (ALADI, 3, "ALADI", "cadenas_valor", "proyectos", "Nichos productivos", "Programa de encadenamientos productivos",
     NA, "", "", "", "theme 2/2 of 'Pymes; Nichos productivos'"),
    (ALADI, 4, "ALADI", "cadenas_valor", "normas", "Facilitación/comercio", "Certificación de origen digital", NA,
     "", "", "", ""),
    (ALADI, 5, "ALADI", "transfronteriza", "reuniones", "Infraestructura", "Corredores bioceánicos", NA, "", "", "", ""),
    (MSUL, 4, "MERCOSUR", "seguridad_alimentaria", "proyectos", "Agricultura familiar", "REAF", 2004, "ongoing", "",
     "", ""),
    (MSUL, 5, "MERCOSUR", "energia_sostenible", "normas", "Biocombustíveis", "Norma de biocombustíveis", 2022,
     "completed", "OLADE", "", ""),
    (MSUL, 6, "MERCOSUR", "transfronteriza", "reuniones", "Fronteiras", "Foro de integração fronteiriça", 2023,
     "ongoing", "ALADI;CAN", "", ""),
    (MSUL, 7, "MERCOSUR", "cadenas_valor", "fortalecimiento", "PMEs", "Programa de capacitação de PMEs", NA,
     "planned", "", "", ""),
    (MSUL, 8, "MERCOSUR", "riesgo_desastres", "otros", "Gestão de riscos", "Rede de gestão de riscos", 2021,
     "cancelled", "", "", ""),
    (SELA, 7, "SELA", "cadenas_valor", "fortalecimiento", "Mipymes", "Pymes Latinas Grandes Negocios", 2023,
     "ongoing", "CAF", "", ""),
    (SELA, 8, "SELA", "cadenas_valor", "proyectos", "Facilitación del comercio", "Matriz de empalme", 2023, "ongoing",
     "ALADI;CAN", "", "criterion 1/2 of 'Proyectos; Normas'"),
    (SELA, 8, "SELA", "cadenas_valor", "normas", "Facilitación del comercio", "Matriz de empalme", 2023, "ongoing",
     "ALADI;CAN", "", "criterion 2/2 of 'Proyectos; Normas'"),
    (SELA, 10, "SELA", "seguridad_alimentaria", "politicas", "Agricultura familiar",
     "Estrategia regional de agricultura familiar", NA, "planned", "CELAC;FAO", "", ""),
    (OTCA, 5, "OTCA", "energia_sostenible", "proyectos", "Bioeconomía", "Proyecto Bioamazonía", NA, "", "", "", ""),
    (OTCA, 6, "OTCA", "riesgo_desastres", "fortalecimiento", "Incendios forestales", "Curso de manejo del fuego", NA,
     "", "", "", ""),
    (OTCA, 10, "OTCA", "riesgo_desastres", "politicas", "Gobernanza amazónica", "Declaración de Belém", NA, "", "",
     "", ""),
    (OTCA, 11, "OTCA", "seguridad_alimentaria", "normas", "Recursos hídricos", "Protocolo de recursos hídricos", NA,
     "", "", "", ""),
    (SICA, 2, "SICA", "energia_sostenible", "proyectos", "Renovables", "Estrategia Energética Sustentable 2030", 2020,
     "", "", "SG-SICA", ""),
    (SICA, 3, "SICA", "energia_sostenible", "normas", "Mercado eléctrico", "Reglamento del Mercado Eléctrico Regional",
     2019, "", "", "CRIE", ""),
    (SICA, 4, "SICA", "energia_sostenible", "proyectos", "Eficiencia energética",
     "Programa regional de eficiencia energética", NA, "", "", "", ""),
    (SICA, 2, "SICA", "riesgo_desastres", "politicas", "Gestión integral del riesgo", "PCGIR", 2017, "", "",
     "CEPREDENAC", ""),
    (SICA, 3, "SICA", "riesgo_desastres", "proyectos", "Alerta temprana", "Sistema regional de alerta temprana", 2021,
     "", "", "CEPREDENAC", "criterion 1/2 of 'Proyectos y Normas'"),
    (SICA, 3, "SICA", "riesgo_desastres", "normas", "Alerta temprana", "Sistema regional de alerta temprana", 2021,
     "", "", "CEPREDENAC", "criterion 2/2 of 'Proyectos y Normas'"),
    (SICA, 4, "SICA", "riesgo_desastres", "reuniones", "Género", "Foro de mujeres y gestión del riesgo", 2022, "", "",
     "COMMCA", ""),
    (CONS, 2, "CARICOM", "seguridad_alimentaria", "proyectos", "Resiliencia agrícola", "Plan 25 by 2025", NA, "", "",
     "", ""),
    (CONS, 3, "CELAC", "seguridad_alimentaria", "politicas", "Plan SAN-CELAC", "Plan SAN CELAC 2025", NA, "", "", "",
     ""),
    (CAN, 6, "CAN", "transfronteriza", "proyectos", "Pasos de frontera", "CEBAF Rumichaca", 2019, "", "", "", ""),
    (CAN, 7, "CAN", "transfronteriza", "proyectos", "Pasos de frontera", "CEBAF Huaquillas", 2020, "", "", "", ""),
    (CAN, 8, "CAN", "seguridad_alimentaria", "proyectos", "Sanidad agropecuaria", "Red andina de sanidad agropecuaria",
     2021, "", "FAO", "", ""),
    (CAN, 10, "CAN", "transfronteriza", "normas", "Facilitación del comercio", "Decisión 502", 2001, "", "", "", ""),
    (CAN, 11, "CAN", "riesgo_desastres", "normas", "Gestión del riesgo", "Estrategia andina de gestión del riesgo",
     2017, "", "", "", ""),
    (CAN, 13, "CAN", "seguridad_alimentaria", "reuniones", "Alimentación escolar", "Foro andino de alimentación escolar",
     2023, "", "", "", ""),
]
COLUMNS = ["source_file", "source_row", "organism", "axis", "criterion", "theme", "initiative", "year", "status_id",
           "partner_ids", "body", "split"]


@pytest.fixture
def result(tmp_path, monkeypatch):
    with_hidden_columns(monkeypatch)  # the AEC file hides its superseded "Axis" column
    root = build_focal_points_folder(tmp_path / "raw")
    loaded = ingest.load_submissions(root)
    assert_accounted(root, loaded)
    return loaded


def test_the_folder_loads_into_exactly_the_rows_it_holds_with_the_fields_in_the_right_columns(result):
    got = [tuple(None if pd.isna(v) else v for v in row)
           for row in result.tidy[COLUMNS].astype(object).itertuples(index=False)]
    assert got == EXPECTED
    assert set(result.tidy["round"]) == {"2024"}
    # the Portuguese, English and Spanish matrices of the same axis agree
    assert result.tidy.loc[result.tidy["source_file"] == AEC, "matrix"].tolist()[0] == (
        "Cooperación transfronteriza de puertos")


def test_every_problem_is_a_reject_naming_both_sides_or_a_warning(result):
    assert result.rejects[["source_file", "source_row", "column", "value"]].values.tolist() == [
        [SELA, 9, "Organismo", "SICA"], [CONS, 4, "Organismo", "CAN y SICA"]]
    assert result.rejects.loc[0, "reason"].startswith(
        "conflicting organisms: the metadata cell 'Sistema Económico Latinoamericano y del Caribe (SELA)' says SELA "
        "but column 'Organismo' ('SICA') says SICA")
    assert "write it in the partners column" in result.rejects.loc[0, "reason"]
    assert result.warnings[["source_file", "source_row", "column", "value"]].values.tolist() == [
        [MSUL, 5, "Ano", "2022/2023"], [MSUL, 6, "Ano", "2023-09-01"], [SELA, 8, "Año", "2023-2024"],
        [SELA, 10, "Año", "en curso"], [SICA, 4, "Institución", "Ministerio de Energía de Guatemala"]]


def test_every_column_not_read_is_listed(result):
    assert result.columns[["source_file", "column", "header", "non_empty", "sample", "rows"]].values.tolist() == [
        [AEC, "A", "Axis", 2, "Cadenas de valor", "4-5"],
        [ALADI, "J", "Observaciones", 1, "piloto", "4"],
        [SELA, "A", "N°", 4, "1", "7-10"],
        [SELA, "J", "Observaciones", 1, "contraparte: CEPREDENAC", "9"]]
    assert result.columns.loc[0, "reason"].endswith("column B 'Axis' is read instead (visible)")


def test_files_and_sheets_say_where_each_organism_and_layout_came_from(result):
    files = result.files.set_index("source_file")
    assert files[["organism", "organism_from", "status", "rows_read", "rows_loaded", "rows_rejected",
                  "tidy_rows"]].values.tolist() == [
        ["AEC", "title", "loaded", 3, 3, 0, 4], ["ALADI", "title", "loaded", 3, 3, 0, 6],
        ["MERCOSUR", "title", "loaded", 5, 5, 0, 5], ["SELA", "column", "loaded", 4, 3, 1, 4],
        ["OTCA", "metadata", "loaded", 4, 4, 0, 4], ["SICA", "filename", "loaded", 6, 6, 0, 7],
        ["CARICOM;CELAC", "column", "loaded", 3, 2, 1, 2], ["CAN", "title", "loaded", 6, 6, 0, 6]]
    # the files table and the rows agree on the organism
    for name, organism in files["organism"].items():
        assert sorted(set(result.tidy.loc[result.tidy["source_file"] == name, "organism"])) == organism.split(";")
    sheets = result.sheets.set_index(["source_file", "source_sheet"])
    assert sheets.loc[(CAN, "Hoja1"), ["layout", "headings"]].tolist() == [
        "headings", "row 5: PROYECTOS (criterion proyectos); row 9: NORMAS (criterion normas); "
                    "row 12: REUNIONES Y FOROS (criterion reuniones)"]
    assert sheets.loc[(OTCA, "Matriz OTCA"), ["layout", "fields"]].tolist() == [
        "stacked:long", "row 4: A=axis, B=criterion, C=theme, D=initiative; "
                        "row 9: A=initiative, B=theme, C=axis, D=criterion"]
    assert sheets.loc[(SICA, "Listas"), ["status", "layout", "reason"]].tolist() == [
        "skipped", "lists", "hidden sheet of drop-down lists (7 values of the vocabulary): not data"]
    assert sheets.loc[(SICA, "Instrucciones"), ["status", "non_empty_rows"]].tolist() == ["skipped", 2]


def test_the_report_shows_warnings_unread_columns_and_skipped_sheets(result, tmp_path):
    text = report.validation_report(result)
    assert "## Filas cargadas con advertencias" in text
    assert "| MCR 2024 | 8 | Año | 2023-2024 | Intervalo de años «2023-2024»: se toma el primero, 2023 |" in text
    assert "## Columnas no leídas" in text
    assert (f"| {SELA} | MCR 2024 | 6 | J | Observaciones | 1 | contraparte: CEPREDENAC | El encabezado "
            "«Observaciones» no corresponde a ningún campo que lea el cargador |") in text
    assert f"| {SICA} | Listas | 4 | Hoja oculta de listas desplegables" in text
    assert "## Títulos de sección" in text and "## Hojas con varias tablas" in text
    paths = report.write_ingest_outputs(result, tmp_path / "out")
    warnings = pd.read_csv(paths[4], dtype=str, keep_default_na=False)
    assert list(warnings.columns) == ingest.WARNING_COLUMNS and len(warnings) == 5
    unread = pd.read_csv(paths[5], dtype=str, keep_default_na=False)
    assert list(unread.columns) == ingest.UNREAD_COLUMNS and unread["header"].tolist()[0] == "Axis"
    pd.testing.assert_frame_equal(ingest.read_tidy(paths[0]), result.tidy)
