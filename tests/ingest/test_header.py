"""Tests of mcr_analysis.ingest.header: headers by alias, by words, claims, column map, stacked tables."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from fixtures_xlsx import assert_accounted, build_workbook

from mcr_analysis import ingest
from mcr_analysis.ingest import header as h
from mcr_analysis.taxonomy import MCRDataError, normalize_label

PACKAGE_DATA = Path(h.__file__).parents[1] / "data"


def _rows(name):
    with open(PACKAGE_DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.mark.parametrize("row", [r for r in _rows("headers.tsv") if r["field"] not in ("note", "total")],
                         ids=lambda r: f"{r['field']}:{r['alias']}")
def test_every_header_alias_names_its_field(row):
    assert h.classify(normalize_label(row["alias"]))[:2] == ("field", row["field"])


@pytest.mark.parametrize("row", [r for r in _rows("headers.tsv") if r["field"] == "total"], ids=lambda r: r["alias"])
def test_every_total_word_opens_a_totals_row(row):
    from mcr_analysis.ingest.rows import is_total_row

    assert is_total_row([row["alias"], None, 7]) and is_total_row([None, row["alias"].upper() + ":"])
    assert not is_total_row([row["alias"], "Proyectos"])


@pytest.mark.parametrize("row", _rows("header_words.tsv"), ids=lambda r: r["word"])
def test_every_header_word_names_its_field_alone(row):
    # a made-up header of the word and a neutral word is read by its words
    kind, field, source = h.classify(f"{row['word']} general")
    assert (kind, field) == ("field", row["field"])
    assert source in ("words", "alias")


@pytest.mark.parametrize(("header", "field"), [
    ("Iniciativa / Acción", "initiative"), ("Programa / Proyecto", "initiative"), ("Línea de acción", "initiative"),
    ("Action line", "initiative"), ("Nombre del programa", "initiative"), ("Área temática", "theme"),
    ("Tipo de acción", "criterion"), ("Subtema", "theme"), ("Eixo", "axis"), ("Critério", "criterion"),
    ("Tema", "theme"), ("Iniciativa/Projeto", "initiative"), ("Situação", "status"), ("AÑO:", "year"),
    ("Eje\ntemático", "axis"), ("Nombre del organismo", "organism"), ("Órgano ejecutor", "body"),
    ("Fecha de inicio", "year"), ("Parceiros", "partners"), ("Organismos contrapartes", "partners"),
])
def test_headers_by_meaning(header, field):
    assert h.classify(normalize_label(header))[:2] == ("field", field)


@pytest.mark.parametrize(("header", "fields"), [("Eje / Tema", "axis, theme"),
                                                ("Tipo de proyecto", "criterion, initiative"),
                                                ("Estado del tema", "theme, status")])
def test_a_header_naming_two_fields_is_ambiguous_never_guessed(header, fields):
    assert h.classify(normalize_label(header)) == ("ambiguous", fields, "words")


def test_prose_and_numbers_are_not_headers():
    assert h.classify(normalize_label("Proyecto de integración fronteriza entre los países andinos")) == ("", "", "")
    assert h.classify(normalize_label("Tema 2023")) == ("", "", "")
    assert h.classify(normalize_label("Proyectos")) == ("criterion", "proyectos", "criterion")


def test_header_table_lines_are_checked_by_schema():
    good = {"field": "theme", "alias": "Tema", "canonical": "", "lang": "es", "note": ""}
    with pytest.raises(MCRDataError, match=r"headers.tsv line 3: unknown field 'iniciative' \(alias 'Nombre'\)"):
        h.check_header_rows([good, dict(good, field="iniciative", alias="Nombre")])
    with pytest.raises(MCRDataError, match=r"line 3: alias 'TEMA' names field 'axis' but line 2 names the same text"):
        h.check_header_rows([good, dict(good, field="axis", alias="TEMA")])
    with pytest.raises(MCRDataError, match=r"line 2: lang 'fr'; expected es, en or pt"):
        h.check_header_rows([dict(good, lang="fr")])
    with pytest.raises(MCRDataError, match=r"line 2: columns \['field', 'alias'\]; expected exactly"):
        h.check_header_rows([{"field": "theme", "alias": "Tema"}])
    with pytest.raises(MCRDataError, match=r"line 3: a second canonical 'es' header for field 'theme'"):
        h.check_header_rows([dict(good, canonical="es"), dict(good, alias="Temas", canonical="es")])
    with pytest.raises(MCRDataError, match=r"header_words.tsv line 2: unknown field 'tem'"):
        h.check_word_rows([{"word": "tema", "field": "tem", "note": ""}])
    with pytest.raises(MCRDataError, match=r"word 'Tema' must be one folded word"):
        h.check_word_rows([{"word": "Tema", "field": "theme", "note": ""}])


def test_the_package_header_tables_pass_their_checks():
    assert h.check_header_rows(_rows("headers.tsv")) and h.check_word_rows(_rows("header_words.tsv"))
    pt = {r["field"] for r in _rows("headers.tsv") if "pt" in r["canonical"].split("|")}
    assert pt == set(h.FIELDS)  # every field has a Portuguese header
    assert h.canonical_headers("pt")["axis"] == "Eixo" and h.canonical_headers("es")["axis"] == "Eje"


def test_visible_column_wins_over_a_hidden_superseded_one():
    head = h.header_at(["Eje", "Criterio", "Eje", "Tema"], 0, hidden_columns=frozenset({0}))
    assert head.fields == {"axis": 2, "criterion": 1, "theme": 3}
    assert head.unread == {0: "header 'Eje' (hidden column) also names field 'axis'; column C 'Eje' is read "
                              "instead (visible)"}


def test_a_whole_alias_is_more_specific_than_words_and_the_first_wins_a_tie():
    head = h.header_at(["Subtema principal", "Tema", "Temas"], 0)
    assert head.fields == {"theme": 1}
    assert head.unread[0].endswith("column B 'Tema' is read instead (more specific)")
    assert head.unread[2].endswith("column B 'Tema' is read instead (first)")


def test_ambiguous_and_unknown_headers_are_reported_not_read():
    head = h.header_at(["Eje / Tema", "Criterio", "Iniciativa", "Observaciones", "Proyectos"], 0)
    assert head.fields == {"criterion": 1, "initiative": 2}
    assert head.unread[0].startswith("header 'Eje / Tema' names two fields by its words (axis, theme); not read")
    assert head.unread[3] == "header 'Observaciones' names no field the loader reads"
    assert head.unread[4].startswith("criterion column 'Proyectos' is not read as marks: the sheet has a criterion")
    assert head.describe() == "row 1: B=criterion, C=initiative"


def test_column_map_rules_apply_by_organism_or_file_pattern():
    cmap = h.read_column_map([
        {"pattern": "SELA", "header": "Línea", "field": "initiative"},
        {"pattern": "AEC*.xlsx", "header": "Línea", "field": "theme"},
        {"pattern": "*", "header": "Código", "field": "ignore"}], "column_map.tsv")
    assert cmap.for_file("2024/x.xlsx", "SELA") == {"linea": "initiative", "codigo": "ignore"}
    assert cmap.for_file("2024/AEC_2024.xlsx", None) == {"linea": "theme", "codigo": "ignore"}
    with pytest.raises(MCRDataError, match=r"column_map.tsv line 2: empty pattern or header"):
        h.read_column_map([{"pattern": "", "header": "x", "field": "theme"}], "column_map.tsv")
    with pytest.raises(MCRDataError, match=r"line 2: columns \['pattern', 'header'\]; expected pattern, header"):
        h.read_column_map([{"pattern": "x", "header": "y"}], "column_map.tsv")


def test_column_map_file_is_applied_when_loading(tmp_path):
    build_workbook(tmp_path / "raw" / "SELA.xlsx", {"M": [
        ["Eje", "Criterio", "Línea", "Código"], ["Energía sostenible", "Proyectos", "Plan regional", "E-01"]]})
    plain = ingest.load_submissions(tmp_path / "raw")
    assert plain.tidy.empty  # "Línea" names no field: no initiative nor theme
    cmap = tmp_path / "column_map.tsv"
    cmap.write_text("pattern\theader\tfield\nSELA\tLínea\tinitiative\n*\tCódigo\tignore\n", encoding="utf-8")
    result = ingest.load_submissions(tmp_path / "raw", column_map=cmap)
    assert_accounted(tmp_path / "raw", result)
    assert result.tidy["initiative"].tolist() == ["Plan regional"]
    assert result.columns[["column", "header", "reason"]].values.tolist() == [
        ["D", "Código", "header 'Código' is mapped to 'ignore' in the column map"]]
    cmap.write_text("pattern\theader\tfield\nSELA\tLínea\tlinea\n", encoding="utf-8")
    with pytest.raises(MCRDataError, match=r"column_map.tsv line 2: unknown field 'linea'"):
        ingest.load_submissions(tmp_path / "raw", column_map=cmap)
    with pytest.raises(FileNotFoundError, match=r"column map .*nowhere.tsv does not exist"):
        ingest.load_submissions(tmp_path / "raw", column_map=tmp_path / "nowhere.tsv")


def test_project_column_map_is_found_under_the_project_root(tmp_path, monkeypatch):
    from mcr_analysis import config

    (tmp_path / "data" / "reference").mkdir(parents=True)
    (tmp_path / "data" / "reference" / "column_map.tsv").write_text(
        "pattern\theader\tfield\n*\tLínea\tinitiative\n", encoding="utf-8")
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)
    build_workbook(tmp_path / "raw" / "SELA.xlsx", {"M": [
        ["Eje", "Criterio", "Línea"], ["Energía sostenible", "Proyectos", "Plan regional"]]})
    assert ingest.load_submissions(tmp_path / "raw").tidy["initiative"].tolist() == ["Plan regional"]


def test_stacked_tables_are_found_with_their_own_headers():
    grid = [["Eje", "Criterio", "Tema", "Iniciativa"],
            ["Energía sostenible", "Proyectos", "Bioenergía", "Plan"],
            ["", "", "", ""],
            ["Tabla 2", "", "", ""],
            ["Iniciativa", "Tema", "EJE", "criterio"],
            ["Guía", "Eficiencia", "Energía sostenible", "Normas"]]
    first = h.find_header(grid)
    tables = h.find_tables(grid, [], first)
    assert [(t.row, t.fields) for t in tables] == [
        (0, {"axis": 0, "criterion": 1, "theme": 2, "initiative": 3}),
        (4, {"initiative": 0, "theme": 1, "axis": 2, "criterion": 3})]
