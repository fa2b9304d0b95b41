"""Tests of the CSV reader: encodings and delimiters as spreadsheet programs save them."""

from __future__ import annotations

import pytest

from mcr_analysis.ingest import csv_reader, readers
from mcr_analysis.ingest.limits import Limits

ROWS = [["Eje", "Criterio", "Tema", "Año"], ["Energía sostenible", "Normas", "Eficiencia, etiquetado", "2024"]]


@pytest.mark.parametrize(("encoding", "sep", "bom"), [
    ("utf-8", ";", b""), ("utf-8", ",", b"\xef\xbb\xbf"), ("cp1252", ";", b""), ("cp1252", "\t", b""),
    ("utf-8", ",", b""),
])
def test_encodings_and_delimiters_are_detected(tmp_path, encoding, sep, bom):
    text = "\r\n".join(sep.join(f'"{v}"' if sep in v else v for v in row) for row in ROWS) + "\r\n"
    path = tmp_path / "CAN.csv"
    path.write_bytes(bom + text.encode(encoding))
    (sheet,) = readers.read(path)[0]
    assert sheet.name == "CAN" and sheet.grid == ROWS


def test_quoted_line_breaks_stay_in_their_cell_and_rows_are_padded(tmp_path):
    path = tmp_path / "CAN.csv"
    path.write_text('Eje;Tema\r\nEnergía;"línea 1\r\nlínea 2";extra\r\n;\r\n', encoding="utf-8")
    (sheet,) = readers.read(path)[0]
    assert sheet.grid == [["Eje", "Tema", ""], ["Energía", "línea 1\r\nlínea 2", "extra"]]


def test_latin1_bytes_outside_cp1252_fall_back_to_latin1():
    assert csv_reader.decode(b"a\x81b") == ("a\x81b", "latin-1")


def test_a_binary_file_named_csv_and_a_csv_over_the_limits(tmp_path):
    path = tmp_path / "CAN.csv"
    path.write_bytes(b"PK\x03\x04\0\0\0binary")
    assert readers.read(path) == ([], "not a text file (binary content) although named .csv; expected a CSV saved "
                                      "by Excel or LibreOffice")
    path.write_text("a;b\n" * 10, encoding="utf-8")
    assert readers.read(path, Limits(max_csv_bytes=20)) == (
        [], "refused: the file has 40 bytes, more than the limit 20 for a .csv submission")
    assert readers.read(path, Limits(max_rows=5)) == (
        [], "refused: 10 rows x 2 columns is over the limits (5 rows, 5000000 cells per sheet)")


def test_delimiter_prefers_the_consistent_split():
    assert csv_reader.delimiter("a\tb\tc\n1\t2,5\t3\n") == "\t"
    assert csv_reader.delimiter("solo una columna\n") == ";"


def test_excel_separator_hint_line_is_followed_and_dropped(tmp_path):
    path = tmp_path / "CAN.csv"
    path.write_text("sep=,\r\nEje,Tema;Subtema\r\nEnergía,a;b\r\n", encoding="utf-8")
    (sheet,) = readers.read(path)[0]
    assert sheet.grid == [["Eje", "Tema;Subtema"], ["Energía", "a;b"]]
