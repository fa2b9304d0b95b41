"""Tests of mcr_analysis.check and ``mcr check``: problems on exactly the wrong cells, in the user's language."""

from __future__ import annotations

import openpyxl
import pytest
from fixtures_xlsx import Text, build_workbook

from mcr_analysis import check, cli, config, ingest, template

FIRST = template.HEADER_ROW + 1
GOOD = [None, "Cadenas productivas de valor", None, "Proyectos", "Pymes", "Ruta pyme", "desc", 2023, "En curso",
        "SICA"]


def _filled_template(folder, rows, organism="CAN", lang="es"):
    folder.mkdir(parents=True, exist_ok=True)
    path = template.write_template(organism, "2025", folder / f"{organism}.xlsx", lang=lang)
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    for i, row in enumerate(rows):
        for c, v in enumerate(row, start=1):
            ws.cell(FIRST + i, c, v)
    book.save(path)
    return path


def _mistakes(folder, lang="es"):
    return _filled_template(folder, [
        GOOD,
        [None, "Cadenaz de valor", None, "Proyectos", "Pymes", "Otra", None, 2023, None, None],  # B7 axis
        [None, "Seguridad alimentaria", None, None, "Alerta", "Obs", None, None, None, None],  # D8 criterion
        [None, "Seguridad alimentaria", None, "Normas", "Alerta", "Obs2", None, 3000, None, None],  # H9 year
        GOOD,  # row 10 repeats row 6: on its first cell, A10
    ], lang=lang)


def _comments(path) -> dict[str, dict[str, str]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}
            for ws in book.worksheets}


def test_comments_sit_on_exactly_the_wrong_cells(tmp_path, monkeypatch, capsys):
    path = _mistakes(tmp_path / "2025")
    before = path.read_bytes()
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", str(path)]) == 1
    copy = tmp_path / "CAN_revisado.xlsx"
    assert path.read_bytes() == before  # the original is never modified
    comments = _comments(copy)
    assert set(comments["Matriz"]) == {"B7", "D8", "H9", "A10"}
    assert comments["Matriz"]["H9"] == "Año no válido: se espera un número entero de 1900 a 2100"
    assert comments["Matriz"]["B7"].startswith("Eje desconocido: «Cadenaz de valor»; el más parecido: «Cadenas "
                                               "productivas de valor» (cadenas_valor); valores permitidos: Cadenas productivas de "
                                               "valor (cadenas_valor), Reducción del riesgo")
    assert comments["Matriz"]["A10"].startswith("Repetida: igual que la fila 6 (mismo organismo")
    assert comments["Problemas"] == {} and comments["Instrucciones"] == {}
    ws = openpyxl.load_workbook(copy)["Matriz"]
    assert ws["B7"].fill.fgColor.rgb == "00FFC7CE" and ws["B6"].fill.fgColor.rgb != "00FFC7CE"
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "CAN.xlsx: 4 problemas y 0 avisos en 5 filas de datos (ronda 2025); 1 fila sin problemas."
    assert out[1].startswith("  hoja «Matriz», celda B7: Eje desconocido")
    assert out[3] == "  hoja «Matriz», celda H9: Año no válido: se espera un número entero de 1900 a 2100"
    assert out[-1] == "Copia revisada (el original no se modifica): CAN_revisado.xlsx"


def test_problems_sheet_lists_every_problem_with_a_link(tmp_path):
    checked = check.check_file(_mistakes(tmp_path / "2025"))
    copy = check.write_reviewed_copy(checked, tmp_path / "out")
    book = openpyxl.load_workbook(copy)
    assert book.sheetnames == ["Problemas", "Matriz", "Instrucciones", "Listas"]
    ws = book["Problemas"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["Gravedad", "Hoja", "Celda", "Columna", "Valor", "Problema"]
    assert [r[:5] for r in rows[1:]] == [["error", "Matriz", "B7", "Eje", "Cadenaz de valor"],
                                         ["error", "Matriz", "D8", "Criterio", None],
                                         ["error", "Matriz", "H9", "Año", "3000"],
                                         ["error", "Matriz", "A10", None, "Ruta pyme"]]
    assert [ws.cell(r, 3).hyperlink.location for r in range(2, 6)] == [
        "'Matriz'!B7", "'Matriz'!D8", "'Matriz'!H9", "'Matriz'!A10"]
    # the copy names its problems sheet in the marker: sent as it is, it is not read as data
    result = ingest.load_submissions(copy)
    assert result.sheets.set_index("source_sheet").loc["Problemas", "reason"] == (
        "review sheet written by 'mcr check' (the problems found, not data)")
    assert len(result.rejects) == 4


def test_clean_file_exits_0(tmp_path, capsys):
    path = _filled_template(tmp_path / "2025", [GOOD, [None, *GOOD[1:5], "Otra", *GOOD[6:]]])
    assert cli.main(["check", str(path), "--out", str(tmp_path / "rev")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "CAN.xlsx: sin problemas; 2 filas de datos listas para enviar (ronda 2025).")
    book = openpyxl.load_workbook(tmp_path / "rev" / "CAN_revisado.xlsx")
    assert book["Problemas"]["A2"].value == "Sin problemas."
    assert not any(c.comment for row in book["Matriz"].iter_rows() for c in row)


def test_empty_template_is_a_problem(tmp_path, capsys):
    path = _filled_template(tmp_path / "2025", [])
    assert cli.main(["check", str(path), "--out", str(tmp_path), "--lang", "en"]) == 1
    assert capsys.readouterr().out.splitlines()[1] == (
        "  file: The matrix has no data rows: write at least one initiative below the header")


def test_portuguese_and_english_comments(tmp_path):
    for lang, start in (("pt", "Eixo desconhecido: «Cadenaz de valor»"), ("en", "Unknown axis: 'Cadenaz de valor'")):
        checked = check.check_file(_mistakes(tmp_path / lang / "2025", lang=lang), lang=lang)
        copy = check.write_reviewed_copy(checked, tmp_path / lang)
        sheet = "Matrix" if lang == "en" else "Matriz"
        assert _comments(copy)[sheet]["B7"].startswith(start)
        assert copy.name == "CAN_revisado.xlsx"


def test_merged_block_gets_one_comment_on_its_first_cell(tmp_path):
    rows = [["Organismo", "Eje", "Criterio", "Tema"],
            ["CAN", "Cadenas de valor", "Proyectoz", "a"],
            ["CAN", "Cadenas de valor", None, "b"],
            ["CAN", "Cadenas de valor", "Normas", "c"]]
    path = build_workbook(tmp_path / "CAN.xlsx", {"Hoja": rows}, merges={"Hoja": ["C2:C3"]})
    checked = check.check_file(path)
    assert [(p.cell, p.row) for p in checked.problems] == [("C2", 2), ("C3", 3)]
    comments = _comments(check.write_reviewed_copy(checked, tmp_path / "rev"))["Hoja"]
    assert list(comments) == ["C2"]
    assert comments["C2"].startswith("Criterio desconocido: «Proyectoz»") and comments["C2"].count("Proyectoz") == 1


def test_marks_stray_cells_and_columns_outside_the_header(tmp_path):
    marks = [["Eje", "Tema", "Proyectos", "Normas"],
             ["Cadenas de valor", "t", "X", "?"],        # unrecognised mark: D2
             ["Cadenas de valor", "u", None, None]]      # nothing marked: the row's first cell, A3
    long = [["Eje", "Criterio", "Tema", "Nota interna"],
            ["Cadenas de valor", "Proyectos", "t", None],
            [None, None, None, "solo una nota"],          # values only in an unread column: D3
            [None, None, None, None, None, "lejos"]]      # ... and outside the header: F4
    path = build_workbook(tmp_path / "SICA.xlsx", {"Marcas": marks, "Largo": long})
    checked = check.check_file(path)
    assert {(p.sheet, p.cell) for p in checked.problems if p.severity == "error"} == {
        ("Marcas", "D2"), ("Marcas", "A3"), ("Largo", "D3"), ("Largo", "F4")}
    comments = _comments(check.write_reviewed_copy(checked, tmp_path / "rev"))
    assert set(comments["Marcas"]) == {"D2", "A3"} and set(comments["Largo"]) == {"D3", "F4"}
    assert comments["Marcas"]["A3"].startswith("Ningún criterio marcado: se espera X, ✓")


def test_unread_sheet_is_a_note_not_a_problem(tmp_path, capsys):
    path = _filled_template(tmp_path / "2025", [GOOD])
    book = openpyxl.load_workbook(path)
    book.create_sheet("Notas")["A1"] = "apuntes"
    book.save(path)
    assert cli.main(["check", str(path), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("CAN.xlsx: sin problemas; 1 fila de datos lista para enviar (ronda 2025). "
                      "1 notas sobre hojas que no se leen.")
    assert out[1].startswith("  hoja «Notas»: La hoja no se lee. Sin encabezado reconocible en las primeras 30 filas")


def test_formulas_are_never_evaluated_and_text_stays_text(tmp_path):
    rows = [["Organismo", "Eje", "Criterio", "Tema", "Iniciativa"],
            ["CAN", "Cadenas de valor", "Proyectos", "=1+1", "a"],          # a formula without a cached value
            ["CAN", "Cadenaz", "Proyectos", Text("=HYPERLINK(\"x\")"), "b"]]  # text that looks like a formula
    path = build_workbook(tmp_path / "CAN.xlsx", {"Hoja": rows})
    copy = check.write_reviewed_copy(check.check_file(path), tmp_path / "rev")
    book = openpyxl.load_workbook(copy)
    ws = book["Hoja"]
    assert ws["D2"].value is None  # the copy keeps values only, and openpyxl saved none for the formula
    assert ws["D3"].value == '=HYPERLINK("x")' and ws["D3"].data_type == "s"
    problems = book["Problemas"]
    # the formula with no saved value is a problem of its own cell (shown neutralised), then the bad axis
    assert [problems["E2"].value, problems["E3"].value] == ["'=1+1", "Cadenaz"]
    assert openpyxl.load_workbook(path)["Hoja"]["D2"].value == "=1+1"  # the original keeps its formula


def test_unreadable_and_csv_files_get_a_problems_sheet(tmp_path, capsys):
    bad = tmp_path / "CAN.xlsx"
    bad.write_bytes(b"not a zip")
    assert cli.main(["check", str(bad), "--out", str(tmp_path / "rev")]) == 1
    book = openpyxl.load_workbook(tmp_path / "rev" / "CAN_revisado.xlsx")
    assert book.sheetnames == ["Problemas"]
    assert book["Problemas"]["F2"].value.startswith("No es un libro legible; se espera un .xlsx guardado")
    assert "  archivo: No es un libro legible" in capsys.readouterr().out
    csv = tmp_path / "SICA.csv"
    csv.write_text("Eje;Criterio;Tema\nCadenas de valor;Proyectos;=1+1\n", encoding="utf-8")
    copy = check.write_reviewed_copy(check.check_file(csv), tmp_path / "rev")
    values = openpyxl.load_workbook(copy)["SICA"]
    assert [[c.value for c in row] for row in values.iter_rows()] == [["Eje", "Criterio", "Tema"],
                                                                       ["Cadenas de valor", "Proyectos", "=1+1"]]
    assert values["C2"].data_type == "s"


def test_round_from_the_folder_the_template_or_the_option(tmp_path, capsys):
    # a template written for 2025 (its marker), saved in a folder that names no round
    path = _filled_template(tmp_path / "Descargas", [GOOD])
    assert check.check_file(path).round == "2025"
    # a folder that names a round wins over the template's marker
    moved = tmp_path / "2024" / "CAN.xlsx"
    moved.parent.mkdir()
    moved.write_bytes(path.read_bytes())
    assert check.check_file(moved).round == "2024"
    # a workbook that is not a template, in a folder with no round, has none
    plain = tmp_path / "Descargas" / "otra.xlsx"
    build_workbook(plain, {"M": [["Organismo", "Eje", "Criterio", "Tema"], ["CAN", "Energía", "Proyectos", "x"]]})
    assert check.check_file(plain).round == ""
    assert cli.main(["check", str(plain), "--out", str(tmp_path)]) in (0, 1)
    assert "(sin ronda)" in capsys.readouterr().out
    assert cli.main(["check", str(path), "--round", "2026", "--out", str(tmp_path), "--lang", "pt"]) == 0
    assert "(rodada 2026)" in capsys.readouterr().out


def test_usage_errors(tmp_path, monkeypatch, capsys):
    path = _filled_template(tmp_path / "2025", [GOOD])
    cases = [
        (["check", str(tmp_path / "nada.xlsx")], r"nada.xlsx no existe; indique el archivo de su matriz"),
        (["check", str(tmp_path)], r"es una carpeta; indique un solo archivo"),
        (["check", str(path), "--out", str(path)], r"CAN.xlsx es un archivo; se espera una carpeta"),
        (["check", str(path), "--out", str(tmp_path / "raw" / "2025")],
         r"está en la carpeta de envíos .*raw, donde la copia se leería como un envío; elija otra carpeta"),
    ]
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    import re

    for argv, message in cases:
        assert cli.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("mcr check: error: ") and re.search(message, err), err
    monkeypatch.chdir(tmp_path / "2025")
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "2025")  # the default folder is the raw folder: refused
    assert cli.main(["check", "CAN.xlsx"]) == 2
    assert not (tmp_path / "2025" / "CAN_revisado.xlsx").exists()


def test_copy_never_overwrites_the_original(tmp_path):
    path = _filled_template(tmp_path / "2025", [GOOD])
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "CAN_revisado.xlsx").symlink_to(path)  # the copy's name leads to the original
    before = path.read_bytes()
    with pytest.raises(ValueError, match=r"CAN_revisado.xlsx: the reviewed copy would overwrite the checked file"):
        check.write_reviewed_copy(check.check_file(path), tmp_path / "out")
    assert path.read_bytes() == before


def test_loader_warnings_become_yellow_comments(tmp_path, monkeypatch, capsys):
    # the ingest work (issue 9) adds LoadResult.warnings (a "message" column): a status outside the vocabulary
    import types

    import pandas as pd

    path = _filled_template(tmp_path / "2025", [[None, *GOOD[1:8], "Terminadísimo", None]])
    real = check.load_submissions

    def with_warnings(p):
        result = real(p)
        warnings = pd.DataFrame([{"source_file": "CAN.xlsx", "source_sheet": "Matriz", "source_row": FIRST,
                                  "column": "Estado", "value": "Terminadísimo",
                                  "message": "unknown status 'Terminadísimo': status_id left empty; closest allowed "
                                             "value: completed ('Terminado'); allowed: planned, ongoing, completed, "
                                             "cancelled (statuses.tsv lists their wordings)"}])
        return types.SimpleNamespace(**{f: getattr(result, f) for f in ("tidy", "rejects", "files", "sheets")},
                                     warnings=warnings)

    monkeypatch.setattr(check, "load_submissions", with_warnings)
    assert cli.main(["check", str(path), "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "CAN.xlsx: sin errores, 1 aviso en 1 fila de datos (ronda 2025)."
    assert out[1] == ("  hoja «Matriz», celda I6: Estado desconocido: «Terminadísimo»; el más parecido: "
                      "«Finalizado» "
                      "(completed); valores permitidos: Planificado (planned), En curso (ongoing), Finalizado "
                      "(completed), Cancelado (cancelled)")
    book = openpyxl.load_workbook(tmp_path / "CAN_revisado.xlsx")
    assert book["Matriz"]["I6"].fill.fgColor.rgb == "00FFEB9C" and book["Matriz"]["I6"].comment is not None
    assert book["Problemas"]["A2"].value == "aviso"
