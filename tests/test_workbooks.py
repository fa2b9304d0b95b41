"""The analysts' tidy workbook (mcr_tidy.xlsx) and the shared sheet layout, read back with openpyxl."""

from __future__ import annotations

from dataclasses import dataclass

import openpyxl
import pandas as pd
import pytest
from conftest import make_tidy

from mcr_analysis import workbooks
from mcr_analysis.taxonomy import MCRDataError


@dataclass
class _Result:  # the parts of a LoadResult the workbook reads
    tidy: pd.DataFrame
    rejects: pd.DataFrame


def _rejects() -> pd.DataFrame:
    return pd.DataFrame({"source_file": ["2024/OTCA.xlsx"], "source_sheet": ["M"], "source_row": [4],
                         "column": ["Criterio"], "value": ["=Proyectoz"],
                         "reason": ["unknown criterion '=Proyectoz'; allowed ids: proyectos, normas"]})


def _tidy():
    return make_tidy([("CAN", "transfronteriza", "proyectos", "Pasos de frontera", "Corredor " * 12),
                      ("SICA", "seguridad_alimentaria", "normas", "Inocuidad")])


def test_tidy_workbook_has_spanish_headers_names_and_numbers(tmp_path):
    path = workbooks.write_tidy_workbook(_Result(_tidy(), _rejects()), tmp_path / workbooks.TIDY_XLSX)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Tabla ordenada", "Filas rechazadas"]
    tidy = book["Tabla ordenada"]
    assert [c.value for c in tidy[1]] == [
        "Ronda", "Organismo", "Eje", "Matriz", "Criterio", "Tema", "Iniciativa", "Descripción", "Año",
        "Estado", "Socios", "Archivo", "Hoja", "Fila"]
    assert tidy["A2"].value == 2024 and tidy["A2"].data_type == "n"  # the round as a number
    assert tidy["C2"].value == "Integración transfronteriza e infraestructura física"
    assert tidy["E3"].value == "Normas"
    assert tidy["N2"].value == 2 and tidy["N2"].data_type == "n"  # source row
    assert tidy["G2"].alignment.wrap_text  # the 108-character initiative wraps
    assert tidy.freeze_panes == "D2"  # round, organism and axis stay in view
    rejects = book["Filas rechazadas"]
    assert [c.value for c in rejects[1]] == ["Archivo", "Hoja", "Fila", "Columna", "Valor", "Motivo"]
    assert rejects["E2"].value == "'=Proyectoz"  # neutralised, never a formula
    assert rejects["F2"].value.startswith("Criterio desconocido: «=Proyectoz»; valores permitidos: Fortalecimiento")
    assert rejects.freeze_panes == "D2"
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"


def test_tidy_workbook_in_english_and_with_warnings(tmp_path):
    @dataclass
    class WithWarnings(_Result):
        warnings: pd.DataFrame

    warnings = pd.DataFrame({"source_file": ["2024/CAN.xlsx"], "source_sheet": ["M"], "source_row": [7],
                             "column": ["Año"], "value": ["2O24"], "reason": ["'2O24' gives no year: the year is left empty"]})
    path = workbooks.write_tidy_workbook(WithWarnings(_tidy(), _rejects(), warnings), tmp_path / "t.xlsx",
                                         lang="en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Tidy table", "Rejected rows", "Warnings"]
    assert book["Warnings"]["F2"].value == "'2O24' gives no year: the year is left empty"
    assert book["Tidy table"]["B1"].value == "Organisation"
    assert book["Rejected rows"]["F2"].value.startswith("Unknown criterion: '=Proyectoz'; allowed values: ")
    path = workbooks.write_tidy_workbook(WithWarnings(_tidy(), _rejects(), warnings), tmp_path / "p.xlsx",
                                         lang="pt")
    book = openpyxl.load_workbook(path)  # Portuguese reasons; headers and names in Spanish
    assert book.sheetnames == ["Tabla ordenada", "Filas rechazadas", "Avisos"]
    assert book["Tabla ordenada"]["B1"].value == "Organismo"
    assert book["Avisos"]["F2"].value == "«2O24» não dá um ano: o ano fica vazio"
    assert book["Filas rechazadas"]["F2"].value.startswith("Critério desconhecido: «=Proyectoz»")


def test_tidy_workbook_is_deterministic_and_checks_its_input(tmp_path):
    result = _Result(_tidy(), _rejects())
    a = workbooks.write_tidy_workbook(result, tmp_path / "a.xlsx").read_bytes()
    b = workbooks.write_tidy_workbook(result, tmp_path / "b.xlsx").read_bytes()
    assert a == b
    assert not list(tmp_path.glob(".*.tmp"))  # written through a temporary file, then renamed
    with pytest.raises(MCRDataError, match="unknown language 'fr'; allowed: es, en, pt"):
        workbooks.write_tidy_workbook(result, tmp_path / "fr.xlsx", lang="fr")
    odd = _Result(_tidy().assign(extra="x"), _rejects())
    with pytest.raises(MCRDataError, match="no workbook header for column 'extra': add it to score_labels.tsv"):
        workbooks.write_tidy_workbook(odd, tmp_path / "odd.xlsx")


def test_future_tidy_columns_have_headers():
    # The columns the ingest work appends (issue 9) are labelled already.
    from mcr_analysis.export import column_label

    assert [column_label(c) for c in ("status_id", "partner_ids", "body", "split")] == [
        "Estado (normalizado)", "Socios (identificadores)", "Órgano ejecutor", "División de la celda"]


def test_key_columns_are_the_leading_identifiers():
    assert workbooks.key_columns(["source_file", "source_sheet", "source_row", "column"]) == [
        "source_file", "source_sheet", "source_row"]
    assert workbooks.key_columns(["theme", "round"]) == []
