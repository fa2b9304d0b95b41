"""Tests of cell values read as warnings, not rejects: years, statuses, several values in one cell."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from fixtures_xlsx import assert_accounted, build_workbook

from mcr_analysis import ingest, taxonomy
from mcr_analysis.ingest.cells import read_year, split_list
from mcr_analysis.ingest.fields import criterion_ids

PACKAGE_DATA = Path(taxonomy.__file__).parent / "data"


def load(root):
    result = ingest.load_submissions(root)
    assert_accounted(root, result)
    return result


@pytest.mark.parametrize(("value", "year", "warning"), [
    (2023, 2023, ""), (2023.0, 2023, ""), ("2021", 2021, ""), (None, None, ""), ("  ", None, ""),
    ("2023-2024", 2023, "year range '2023-2024': kept the first year, 2023"),
    ("2019 – 2022", 2019, "year range '2019 – 2022': kept the first year, 2019"),
    ("2023/24", 2023, "year range '2023/24': kept the first year, 2023"),
    ("2022 - actualidad", 2022, "year range '2022 - actualidad': kept the first year, 2022"),
    (datetime(2022, 3, 15), 2022, "date '2022-03-15T00:00:00': kept its year, 2022"),
    (date(2021, 1, 1), 2021, "date '2021-01-01': kept its year, 2021"),
    ("15/03/2024", 2024, "date '15/03/2024': kept its year, 2024"),
    ("en curso", None, "'en curso' is not a year (it reads as a status): the year is left empty"),
    ("Em andamento", None, "'Em andamento' is not a year (it reads as a status): the year is left empty"),
    ("s/f", None, "'s/f' gives no year: the year is left empty"),
    ("Desde 2020", 2020, "year 'Desde 2020': kept the one year it names, 2020"),
    ("a partir de 2019", 2019, "year 'a partir de 2019': kept the one year it names, 2019"),
    ("2018 en adelante", 2018, "year '2018 en adelante': kept the one year it names, 2018"),
    ("2019, 2021", False, ""), ("entre 2019 y 2021", False, ""), ("Fase 2 de 2020", False, ""),
    ("desde 1850", False, ""),
    ("pronto", False, ""), (1850, False, ""), (2023.5, False, ""), (True, False, ""), ("20234", False, ""),
])
def test_read_year(value, year, warning):
    assert read_year(value) == (year, warning)


def test_year_problems_are_warnings_and_the_initiative_loads(tmp_path):
    build_workbook(tmp_path / "CAN.xlsx", {"M": [
        ["Eje", "Criterio", "Tema", "Año"],
        ["Energía sostenible", "Proyectos", "a", "2023-2024"],
        ["Energía sostenible", "Proyectos", "b", datetime(2021, 6, 30)],
        ["Energía sostenible", "Proyectos", "c", "en curso"],
        ["Energía sostenible", "Proyectos", "d", "pronto"]]})
    result = load(tmp_path)
    assert result.tidy[["theme", "year"]].astype(object).values.tolist() == [
        ["a", 2023], ["b", 2021], ["c", pd.NA]]
    assert result.warnings[["source_row", "column", "value"]].values.tolist() == [
        [2, "Año", "2023-2024"], [3, "Año", "2021-06-30"], [4, "Año", "en curso"]]  # a date cell reads as a date
    assert result.rejects[["source_row", "value"]].values.tolist() == [[5, "pronto"]]
    assert result.rejects.loc[0, "reason"].startswith("invalid year: expected a whole number from 1900 to 2100")


def _statuses():
    with open(PACKAGE_DATA / "statuses.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            for col in ("label_es", "label_en", "label_pt"):
                yield row["id"], row[col]
            for alias in filter(None, row["aliases"].split("|")):
                yield row["id"], alias


@pytest.mark.parametrize(("expected", "wording"), list(_statuses()))
def test_every_status_wording_maps_to_its_id(expected, wording):
    assert taxonomy.statuses().match(wording).id == expected


def test_statuses_are_mapped_and_an_unknown_one_is_a_warning_with_the_closest(tmp_path):
    build_workbook(tmp_path / "SICA.xlsx", {"M": [
        ["Eje", "Criterio", "Tema", "Estado"],
        ["Energía sostenible", "Proyectos", "a", "En ejecución"], ["Energía sostenible", "Proyectos", "b", "Concluído"],
        ["Energía sostenible", "Proyectos", "c", "Finalizadoo"], ["Energía sostenible", "Proyectos", "d", ""]]})
    result = load(tmp_path)
    assert result.tidy[["status", "status_id"]].values.tolist() == [
        ["En ejecución", "ongoing"], ["Concluído", "completed"], ["Finalizadoo", ""], ["", ""]]
    assert result.warnings["message"].tolist() == [
        "unknown status 'Finalizadoo': status_id left empty; closest allowed value: completed ('Finalizado'); "
        "allowed: planned, ongoing, completed, cancelled (statuses.tsv lists their wordings)"]


def test_criterion_lists():
    assert criterion_ids("Proyectos; Normas") == (("proyectos", "normas"), "")
    assert criterion_ids("Proyectos, Normas y Otros")[0] == ("proyectos", "normas", "otros")
    assert criterion_ids("Reuniones y foros")[0] == ("reuniones",)  # a label of its own, not two
    assert criterion_ids("Proyectos; Proyecto")[0] == ("proyectos",)
    assert criterion_ids("Normas y políticas")[1].startswith("ambiguous criterion")  # listed as ambiguous
    assert criterion_ids("Proyectos y Cosas")[1].startswith("unknown criterion 'Proyectos y Cosas'")
    assert split_list("Facilitación / comercio") == ["Facilitación / comercio"]


def test_several_values_in_one_cell_give_one_row_each_and_record_the_split(tmp_path):
    build_workbook(tmp_path / "AEC.xlsx", {"M": [
        ["Eje", "Criterio", "Tema", "Iniciativa"],
        ["Energía sostenible", "Proyectos; Normas", "Puertos verdes", "Plan"],
        ["Energía sostenible", "Proyectos y Normas", "Facilitación del comercio; VUCE", "Guía"],
        ["Energía sostenible", "Otros", "Comercio/aduanas", "Red"]]})
    result = load(tmp_path)
    got = result.tidy[["source_row", "criterion", "theme", "split"]].values.tolist()
    assert got == [
        [2, "proyectos", "Puertos verdes", "criterion 1/2 of 'Proyectos; Normas'"],
        [2, "normas", "Puertos verdes", "criterion 2/2 of 'Proyectos; Normas'"],
        [3, "proyectos", "Facilitación del comercio",
         "criterion 1/2 of 'Proyectos y Normas'; theme 1/2 of 'Facilitación del comercio; VUCE'"],
        [3, "proyectos", "VUCE", "criterion 1/2 of 'Proyectos y Normas'; theme 2/2 of 'Facilitación del comercio; VUCE'"],
        [3, "normas", "Facilitación del comercio",
         "criterion 2/2 of 'Proyectos y Normas'; theme 1/2 of 'Facilitación del comercio; VUCE'"],
        [3, "normas", "VUCE", "criterion 2/2 of 'Proyectos y Normas'; theme 2/2 of 'Facilitación del comercio; VUCE'"],
        [4, "otros", "Comercio/aduanas", ""]]
    assert result.files.loc[0, ["rows_read", "rows_loaded", "tidy_rows"]].tolist() == [3, 3, 7]


def test_a_theme_listed_twice_in_one_cell_gives_one_row(tmp_path):
    build_workbook(tmp_path / "AEC.xlsx", {"M": [["Eje", "Criterio", "Tema"],
                                               ["Energía sostenible", "Proyectos", "Puertos; Puertos; Aduanas"]]})
    result = load(tmp_path)
    assert result.tidy[["theme", "split"]].values.tolist() == [
        ["Puertos", "theme 1/2 of 'Puertos; Puertos; Aduanas'"], ["Aduanas", "theme 2/2 of 'Puertos; Puertos; Aduanas'"]]
    assert result.rejects.empty


def test_a_list_of_themes_in_an_otherwise_clean_long_table(tmp_path):
    build_workbook(tmp_path / "CAN.xlsx", {"M": [["Eje", "Criterio", "Tema", "Iniciativa"],
                                               ["Energía sostenible", "Proyectos", "Bioenergía", "a"],
                                               ["Energía sostenible", "Normas", "Eficiencia; Etiquetado", "b"]]})
    result = load(tmp_path)
    assert result.tidy[["source_row", "criterion", "theme", "initiative"]].values.tolist() == [
        [2, "proyectos", "Bioenergía", "a"], [3, "normas", "Eficiencia", "b"], [3, "normas", "Etiquetado", "b"]]
