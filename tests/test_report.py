"""Tests of mcr_analysis.report: the ingest outputs and the validation report."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures_xlsx import Text, build_workbook

from mcr_analysis import ingest, report

HEAD = ["Eje", "Criterio", "Tema", "Iniciativa"]


def _raw(tmp_path):
    raw = tmp_path / "raw"
    build_workbook(raw / "2024" / "OTCA.xlsx", {
        "Instrucciones": [["Llene la matriz"]],
        "M": [HEAD, ["Energía sostenible", "Proyectos", Text("=HYPERLINK(\"http://x\")"), "+1"],
              ["Energía sostenible", "Normas", "-2", "@SUM(A1)"],
              ["Energía sostenible", "Proyectoz", "t", "i"]]})
    return raw


def test_outputs_are_written_neutralised_and_read_back(tmp_path):
    result = ingest.load_submissions(_raw(tmp_path))
    out = tmp_path / "out" / "nested"
    paths = report.write_ingest_outputs(result, out)
    assert [p.name for p in paths] == list(report.OUTPUT_NAMES) and all(p.is_file() for p in paths)
    csv_text = paths[0].read_text(encoding="utf-8")
    assert "'=HYPERLINK" in csv_text and ",'+1," in csv_text and ",'-2," in csv_text and "'@SUM(A1)" in csv_text
    assert csv_text.splitlines()[0] == ",".join(ingest.TIDY_COLUMNS)
    rejects = pd.read_csv(paths[2], dtype=str, keep_default_na=False)
    assert list(rejects.columns) == ingest.REJECT_COLUMNS and rejects["value"].tolist() == ["Proyectoz"]
    # the Parquet keeps the values as loaded; read_tidy restores them from the CSV
    assert pd.read_parquet(paths[1])["theme"].tolist()[0] == "=HYPERLINK(\"http://x\")"
    pd.testing.assert_frame_equal(ingest.read_tidy(paths[0]), result.tidy)
    pd.testing.assert_frame_equal(ingest.read_tidy(paths[1]), result.tidy)


def test_outputs_are_byte_for_byte_deterministic(tmp_path):
    raw = _raw(tmp_path)
    first = [p.read_bytes() for p in report.write_ingest_outputs(ingest.load_submissions(raw), tmp_path / "a")]
    second = [p.read_bytes() for p in report.write_ingest_outputs(ingest.load_submissions(raw), tmp_path / "b")]
    assert first == second


def test_validation_report_lists_files_rejects_skipped_sheets_and_missing_organisms(tmp_path):
    result = ingest.load_submissions(_raw(tmp_path))
    text = report.validation_report(result)
    assert text.startswith("# Informe de validación de la ingesta\n")
    assert "| 2024/OTCA.xlsx | 2024 | OTCA | nombre del archivo | cargado | 3 | 2 | 1 |  |" in text
    assert ("| M | 4 | Criterio | Proyectoz | Criterio desconocido: «Proyectoz»; el más parecido: «Proyectos» "
            "(proyectos); valores permitidos: Fortalecimiento institucional") in text
    assert "\n- Criterio desconocido" not in text  # one reject in the file: no summary of kinds
    assert ("Archivos: 1 (1 cargado, 0 rechazados, 0 ilegibles, 0 omitidos) · filas en la tabla ordenada: 2 · "
            "filas rechazadas: 1") in text
    assert ("| 2024/OTCA.xlsx | Instrucciones | 1 | Sin encabezado reconocible en las primeras 30 filas (se "
            "esperan columnas como Eje, Criterio, Tema, Iniciativa) |") in text
    # OTCA sent energia_sostenible; the others expected on that axis did not
    assert "| 2024 | Energía sostenible (energia_sostenible) | MERCOSUR, SELA, SICA |" in text
    english = report.validation_report(result, lang="en")
    assert english.startswith("# Ingest validation report\n") and "| Round | Axis | Organisms |" in english
    assert "| 2024/OTCA.xlsx | 2024 | OTCA | file name | loaded | 3 | 2 | 1 |  |" in english
    assert "| M | 4 | Criterio | Proyectoz | Unknown criterion: 'Proyectoz'; closest: 'Projects'" in english
    portuguese = report.validation_report(result, lang="pt")
    assert portuguese.startswith("# Relatório de validação da ingestão\n")
    assert "| 2024/OTCA.xlsx | 2024 | OTCA | nome do arquivo | carregado | 3 | 2 | 1 |  |" in portuguese
    assert "| M | 4 | Criterio | Proyectoz | Critério desconhecido: «Proyectoz»" in portuguese


def test_missing_organisms_per_round_and_axis(tmp_path):
    result = ingest.load_submissions(_raw(tmp_path))
    missing = report.missing_organisms(result)
    from mcr_analysis.taxonomy import participation
    expected = participation()[["axis", "organism"]].drop_duplicates()
    assert len(missing) == len(expected) - 1  # every expected pair but (energia_sostenible, OTCA)
    assert not ((missing["axis"] == "energia_sostenible") & (missing["organism"] == "OTCA")).any()
    assert missing["axis"].iloc[0] == "cadenas_valor" and set(missing["round"]) == {"2024"}


def test_report_caps_rejects_per_file(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "MAX_REJECTS_PER_FILE", 0)
    text = report.validation_report(ingest.load_submissions(_raw(tmp_path)))
    assert "… y 1 más en mcr_rejects.csv" in text


def test_summary_text_uses_relative_paths(tmp_path, monkeypatch):
    result = ingest.load_submissions(_raw(tmp_path))
    monkeypatch.chdir(tmp_path)
    summary = report.summary_text(result, tmp_path / "out")
    assert summary.splitlines() == [
        "ingesta: 1 archivo (1 cargado, 0 rechazados, 0 ilegibles, 0 omitidos); 2 filas ordenadas, "
        "1 fila rechazada, 1 hoja omitida",
        "salidas en out: mcr_tidy.csv, mcr_tidy.parquet, mcr_rejects.csv, mcr_validation_report.md, "
        "mcr_warnings.csv, mcr_unread_columns.csv, mcr_tidy.xlsx"]
    assert report.summary_text(result, tmp_path / "out", "en").splitlines()[0] == (
        "ingest: 1 file (1 loaded, 0 rejected, 0 unreadable, 0 skipped); 2 tidy rows, 1 rejected row, "
        "1 sheet skipped")


def test_summary_counts_skipped_files_apart(tmp_path, monkeypatch):
    # a README and an Excel lock file are skipped on purpose: neither loaded, rejected nor unreadable
    _raw(tmp_path)
    (tmp_path / "raw" / "README.md").write_text("notas", encoding="utf-8")
    (tmp_path / "raw" / "2024" / "~$OTCA.xlsx").write_bytes(b"x")
    (tmp_path / "raw" / "2024" / "roto.xlsx").write_bytes(b"not a zip")
    result = ingest.load_submissions(tmp_path / "raw")
    monkeypatch.chdir(tmp_path)
    assert report.summary_text(result, "out").splitlines()[0] == (
        "ingesta: 4 archivos (1 cargado, 0 rechazados, 1 ilegible, 2 omitidos); 2 filas ordenadas, "
        "2 filas rechazadas, 1 hoja omitida")
    text = report.validation_report(result)
    assert "(1 cargado, 0 rechazados, 1 ilegible, 2 omitidos)" in text
    assert "| README.md |  |  |  | omitido | 0 | 0 | 0 | No es un envío (notas sobre la carpeta): se omite |" in text
    assert "| 2024/~$OTCA.xlsx | 2024 |  |  | omitido | 0 | 0 | 0 | Libro abierto en una hoja de cálculo" in text
    # the README names no round: the missing organisms are listed for 2024 only
    assert "\n|  | " not in text.split("## Organismos esperados")[1]


def test_report_counts_reject_kinds_per_file(tmp_path):
    build_workbook(tmp_path / "SELA.xlsx", {"M": [HEAD, ["Energía sostenible", "Proyectoz", "a", "i"],
                                                  ["Energía sostenible", "Normaz", "b", "j"],
                                                  ["Energía", "Normas", "c", "k"]]})
    text = report.validation_report(ingest.load_submissions(tmp_path))
    # two unknown criteria (different values) count as one kind; the ambiguous axis as another
    assert "\n- Criterio desconocido: 2\n- Eje ambiguo: 1\n" in text


def test_reason_kind_drops_quoted_values_and_numbers():
    assert report.reason_kind("invalid year: expected a whole number from 1900 to 2100") == "invalid year"
    assert report.reason_kind("corrupt.xlsx: not a readable workbook") == "corrupt"
    assert report.reason_kind("'quoted first'") == "'quoted first'"  # nothing to shorten: kept whole


def test_output_folder_that_is_a_file_is_named(tmp_path):
    result = ingest.load_submissions(_raw(tmp_path))
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    for out in (tmp_path / "taken", tmp_path / "taken" / "sub"):
        with pytest.raises(NotADirectoryError, match=rf"{out.name} cannot be the output folder: .*taken is a file"):
            report.write_ingest_outputs(result, out)


# ----------------------------------------------------------------------------- issue 10
def test_report_shows_formula_payloads_neutralised_and_escaped(tmp_path):
    build_workbook(tmp_path / "2024" / "OTCA.xlsx", {"M": [
        HEAD, ["Energía sostenible", Text("=cmd|' /C calc'!A0"), "t", "i"],
        ["Energía sostenible", Text('=HYPERLINK("http://x","<b>a</b>")'), "t", "i"]]})
    text = report.validation_report(ingest.load_submissions(tmp_path))
    assert "| M | 2 | Criterio | '=cmd\\|' /C calc'!A0 | Criterio desconocido: «=cmd\\|' /C calc'!A0»" in text
    assert "| M | 3 | Criterio | '=HYPERLINK(\"http://x\",\"&lt;b&gt;a&lt;/b&gt;\") | Criterio desconocido" in text
    assert "| =" not in text and "<b>" not in text


def test_an_empty_result_does_not_replace_a_previous_table_unless_forced(tmp_path):
    out = tmp_path / "out"
    report.write_ingest_outputs(ingest.load_submissions(_raw(tmp_path)), out)
    before = {n: (out / n).read_bytes() for n in report.OUTPUT_NAMES}
    (tmp_path / "nothing_here").mkdir()
    empty = ingest.load_submissions(tmp_path / "nothing_here")
    with pytest.raises(report.MCRDataError, match=r"no row was loaded, so .*mcr_tidy.csv \(a previous table with "
                                                  r"2 rows\) was kept and nothing was written; .*--force"):
        report.write_ingest_outputs(empty, out, force=False)
    assert {n: (out / n).read_bytes() for n in report.OUTPUT_NAMES} == before
    report.write_ingest_outputs(empty, out, force=True)
    assert report.previous_tidy_rows(out / "mcr_tidy.csv") == 0
    report.write_ingest_outputs(empty, out, force=False)  # nothing left to protect: written
    assert sorted(p.name for p in out.iterdir()) == sorted(report.OUTPUT_NAMES)
