"""Tests of who sent a submission and who a cell names (mcr_analysis.ingest.organism and the loader)."""

from __future__ import annotations

import pytest
from fixtures_xlsx import assert_accounted, build_workbook

from mcr_analysis import ingest
from mcr_analysis.ingest.organism import declared_in_title, partner_ids, resolve

HEAD = ["Eje", "Criterio", "Tema"]
ROW = ["Energía sostenible", "Proyectos", "Bioenergía"]


def load(root):
    result = ingest.load_submissions(root)
    assert_accounted(root, result)
    return result


@pytest.mark.parametrize(("title", "expected"), [
    ("Matriz MCR — Secretaría General de la Comunidad Andina", "CAN"),
    ("Organismo: Sistema Económico Latinoamericano y del Caribe (SELA)", "SELA"),
    ("Secretaria do MERCOSUL — Matriz de Convergência Regional", "MERCOSUR"),
    ("Matriz de Convergencia Regional 2024 - OTCA", "OTCA"),
])
def test_the_organism_named_in_a_title_row(tmp_path, title, expected):
    build_workbook(tmp_path / "matriz_final_v2.xlsx", {"Hoja1": [[title], [], HEAD, ROW]})
    result = load(tmp_path)
    assert result.tidy["organism"].tolist() == [expected]
    assert result.files.loc[0, ["organism", "organism_from"]].tolist() == [
        expected, "metadata" if title.startswith("Organismo:") else "title"]


def test_a_title_naming_two_organisms_declares_none():
    assert declared_in_title([(0, "Matriz SELA - SICA")]) == (
        None, "the title row 'Matriz SELA - SICA' names several organisms (SELA, SICA)")
    assert declared_in_title([(0, "you can write here")]) == (None, "")  # "can" is not CAN


def test_the_sheet_name_declares_the_organism(tmp_path):
    build_workbook(tmp_path / "matriz.xlsx", {"Envío OTCA": [HEAD, ROW]})
    result = load(tmp_path)
    assert result.tidy["organism"].tolist() == ["OTCA"]
    assert result.files.loc[0, "organism_from"] == "sheet name"


@pytest.mark.parametrize(("name", "expected"), [("ACS_matrix.xlsx", "AEC"), ("Andean_Community_2024.xlsx", "CAN"),
                                                ("Comunidade_Andina.xlsx", "CAN"), ("mercosul_2024.xlsx", "MERCOSUR")])
def test_file_names_in_other_languages(tmp_path, name, expected):
    build_workbook(tmp_path / name, {"M": [HEAD, ROW]})
    assert load(tmp_path).tidy["organism"].tolist() == [expected]


def test_a_title_and_a_file_name_that_disagree_declare_nothing(tmp_path):
    build_workbook(tmp_path / "CAN_2024.xlsx", {"M": [["Matriz MCR — SICA"], HEAD, ROW]})
    result = load(tmp_path)
    assert result.tidy.empty and result.files.loc[0, "status"] == "rejected"
    assert result.rejects.loc[0, "reason"].endswith(
        "the title row 'Matriz MCR — SICA' names SICA but the file name 'CAN_2024.xlsx' names CAN")


def test_a_counterpart_in_the_organism_column_is_a_conflict_naming_both_sides(tmp_path):
    build_workbook(tmp_path / "matriz.xlsx", {"M": [
        ["Organismo: Sistema Económico Latinoamericano y del Caribe (SELA)"],
        ["Organismo"] + HEAD, ["SICA"] + ROW, ["SELA"] + ROW[:2] + ["Otro tema"], [""] + ROW[:2] + ["Tercero"]]})
    result = load(tmp_path)
    assert result.tidy[["organism", "theme"]].values.tolist() == [["SELA", "Otro tema"], ["SELA", "Tercero"]]
    assert result.rejects[["source_row", "column", "value"]].values.tolist() == [[3, "Organismo", "SICA"]]
    assert result.rejects.loc[0, "reason"] == (
        "conflicting organisms: the metadata cell 'Sistema Económico Latinoamericano y del Caribe (SELA)' says SELA "
        "but column 'Organismo' ('SICA') says SICA; a row belongs to its sender: if SICA is a partner or "
        "counterpart, write it in the partners column")
    assert result.files.loc[0, "organism"] == "SELA"


def test_a_file_name_naming_one_organism_and_a_column_naming_another(tmp_path):
    build_workbook(tmp_path / "SICA_envio.xlsx", {"M": [["Organismo"] + HEAD, ["Comunidad Andina"] + ROW,
                                                       ["SICA"] + ROW[:2] + ["x"]]})
    result = load(tmp_path)
    # files table and rows agree: SICA; the CAN row is a reject naming both sides
    assert result.tidy["organism"].tolist() == ["SICA"] and result.files.loc[0, "organism"] == "SICA"
    assert result.rejects.loc[0, "reason"].startswith(
        "conflicting organisms: the file name 'SICA_envio.xlsx' says SICA but column 'Organismo' "
        "('Comunidad Andina') says CAN")


def test_two_organisms_in_one_cell_are_ambiguous(tmp_path):
    build_workbook(tmp_path / "consolidado.xlsx", {"M": [["Organismo"] + HEAD, ["CAN y SICA"] + ROW]})
    result = load(tmp_path)
    assert result.rejects.loc[0, ["column", "value"]].tolist() == ["Organismo", "CAN y SICA"]
    assert result.rejects.loc[0, "reason"].startswith(
        "ambiguous organism 'CAN y SICA': names several organisms (CAN, SICA); a row has one sender")


def test_a_consolidated_file_takes_the_organism_per_row_and_the_files_table_lists_them(tmp_path):
    build_workbook(tmp_path / "MCR_consolidado_2024.xlsx", {"M": [
        ["Organismo"] + HEAD, ["CAN"] + ROW, ["SICA"] + ROW, ["", *ROW[:2], "sin organismo"]]})
    result = load(tmp_path)
    assert result.tidy["organism"].tolist() == ["CAN", "SICA"]
    assert result.files.loc[0, ["organism", "organism_from"]].tolist() == ["CAN;SICA", "column"]
    assert result.rejects.loc[0, "reason"].startswith("missing organism: empty cell; expected an organism name")


def test_a_body_of_the_senders_own_system_keeps_the_row_and_is_recorded(tmp_path):
    build_workbook(tmp_path / "SICA_2024.xlsx", {"M": [
        ["Institución"] + HEAD,
        ["CEPREDENAC"] + ROW, ["SG-SICA"] + ROW[:2] + ["b"], ["Ministerio de Energía"] + ROW[:2] + ["c"],
        ["FOCEM"] + ROW[:2] + ["d"]]})
    result = load(tmp_path)
    assert result.tidy[["organism", "body", "theme"]].values.tolist() == [
        ["SICA", "CEPREDENAC", "Bioenergía"], ["SICA", "SG-SICA", "b"], ["SICA", "", "c"]]
    assert result.warnings[["source_row", "column", "value"]].values.tolist() == [
        [4, "Institución", "Ministerio de Energía"]]
    assert result.warnings.loc[0, "message"].startswith("unknown body 'Ministerio de Energía': not an organism")
    assert result.rejects.loc[0, "reason"].startswith(
        "conflicting organisms: the file name 'SICA_2024.xlsx' says SICA but column 'Institución' ('FOCEM', a body "
        "of MERCOSUR) says MERCOSUR")


@pytest.mark.parametrize(("text", "kind", "organism", "body"), [
    ("CEPREDENAC", "body", "SICA", "CEPREDENAC"), ("Comisión Regional de Interconexión Eléctrica", "body", "SICA", "CRIE"),
    ("Tribunal de Justicia de la Comunidad Andina", "body", "CAN", "TJCA"), ("CDEMA", "body", "CARICOM", "CDEMA"),
    ("Instituto Social do MERCOSUL", "body", "MERCOSUR", "ISM"), ("SGCAN", "organism", "CAN", ""),
    ("Sistema Económico Latinoamericano y del Caribe (SELA)", "organism", "SELA", ""),
])
def test_resolve_organisms_and_bodies(text, kind, organism, body):
    r = resolve(text)
    assert (r.kind, r.organism, r.body) == (kind, organism, body)


def test_partners_as_organism_ids(tmp_path):
    assert sorted(partner_ids("FAO; CEPAL, Comunidad Andina y BID")) == ["CAN", "FAO"]
    assert sorted(partner_ids("CEPREDENAC / OLADE")) == ["OLADE", "SICA"]  # a body counts as its system
    assert partner_ids("Ministerios de Agricultura") == frozenset()
    build_workbook(tmp_path / "CAN.xlsx", {"M": [HEAD + ["Socios"], ROW + ["FAO, SICA y la CAN"], ROW[:2] + ["t", ""]]})
    result = load(tmp_path)
    # sorted, ';'-joined, without the sender itself; the text stays in partners
    assert result.tidy[["partners", "partner_ids"]].values.tolist() == [["FAO, SICA y la CAN", "FAO;SICA"], ["", ""]]
