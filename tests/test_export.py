"""Tests of mcr_analysis/export.py: CSV bytes and the analysts' workbook, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pandas as pd
import pytest
from conftest import make_tidy

from mcr_analysis import cli, export, scores
from mcr_analysis.taxonomy import MCRDataError

AX = "transfronteriza"
ROWS = [
    ("CAN", AX, "proyectos", "=HYPERLINK(\"http://x\")", "+INTERCOM"),
    ("CAN", AX, "proyectos", "b"),
    ("SICA", AX, "proyectos", "=hyperlink(\"http://x\")", "@Plan"),
    ("SICA", AX, "proyectos", "c"),
    ("SELA", AX, "proyectos", "b", "Foro\x01SELA"),
    ("CAN", AX, "normas", "x"),
]


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return scores.score_tables(make_tidy(ROWS))


@pytest.fixture
def written(tables, tmp_path):
    return export.write_score_outputs(tables, tmp_path / "out")


def _lines(path):
    return path.read_text(encoding="utf-8").split("\n")


def test_files_and_exact_csv_headers(written, tmp_path):
    assert [p.name for p in written] == [
        "mcr_scores.csv", "mcr_pairwise.csv", "mcr_shared_themes.csv", "mcr_scores.xlsx"]
    assert all(p.parent == tmp_path / "out" and p.is_file() for p in written)
    # the headers exactly as issue 3 states them
    assert _lines(written[0])[0] == ("round,axis,criterion,n_expected,n_active,coverage,n_initiatives,"
                                     "n_themes,n_shared_themes,n_full_themes,convergence_index,"
                                     "mean_jaccard,sorensen_multi")
    assert _lines(written[1])[0] == "round,axis,criterion,organism_a,organism_b,jaccard,dice,overlap,n_shared"
    assert _lines(written[2])[0] == "round,axis,criterion,theme,k,organisms,initiatives"


def test_csv_numbers_have_a_fixed_format_and_nan_is_empty(written):
    lines = _lines(written[0])
    # proyectos: CAN {h, b}, SICA {h, c}, SELA {b}: k(h)=2, k(b)=2, k(c)=1
    # E = the participation table's AEC, ALADI, CAN, MERCOSUR, SELA, SICA (6); coverage 3/6
    # CI ((2-1)+(2-1)+0)/((3-1)*3) = 2/6
    assert lines[1].startswith("2024,transfronteriza,proyectos,6,3,0.500000,5,3,2,0,0.333333,")
    # normas: one active organism, indices NaN -> empty fields; coverage 1/6
    assert lines[2] == "2024,transfronteriza,normas,6,1,0.166667,1,1,0,0,,,"
    assert lines[-1] == ""  # file ends with a newline
    assert "\r" not in written[0].read_text(encoding="utf-8")


def test_formula_like_text_is_neutralised_in_csv(written):
    shared = pd.read_csv(written[2], dtype=str, keep_default_na=False)
    # the two HYPERLINK wordings are one theme; both wordings occur once, the uppercase sorts first
    # sorted by k, then theme identity: "b" (CAN, SELA) before "hyperlink http x" (CAN, SICA)
    hyper = shared[shared["criterion"] == "proyectos"].iloc[1]
    assert hyper["organisms"] == "CAN; SICA"
    assert hyper["theme"] == "'=HYPERLINK(\"http://x\")"
    # the joined text starts with the organism id, so the initiative text inside needs no quote
    assert hyper["initiatives"].startswith("CAN: +INTERCOM (2024/CAN.xlsx:2) | SICA: @Plan")


def test_writing_twice_gives_identical_bytes(tables, tmp_path):
    first = export.write_score_outputs(tables, tmp_path / "a")
    second = export.write_score_outputs(tables, tmp_path / "b")
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_workbook_dates_follow_source_date_epoch(tables, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = export.write_scores_workbook(tables, tmp_path / "w.xlsx")
    stamp = dt.datetime.fromtimestamp(1700000000, tz=dt.UTC).replace(tzinfo=None)
    book = openpyxl.load_workbook(path)
    assert book.properties.created == stamp and book.properties.modified == stamp
    with zipfile.ZipFile(path) as archive:
        assert {i.date_time for i in archive.infolist()} == {stamp.timetuple()[:6]}


def test_bad_source_date_epoch_is_reported(tables, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(MCRDataError, match=r"SOURCE_DATE_EPOCH='yesterday' is not a whole number"):
        export.write_scores_workbook(tables, tmp_path / "w.xlsx")


def test_workbook_sheets_headers_and_frozen_row(written, tables):
    book = openpyxl.load_workbook(written[3])
    assert book.sheetnames == ["Convergencia", "Convergencia por eje", "Pares de organismos",
                               "Temas compartidos", "Perfil por organismo"]
    whole = tables["scores"]["criterion"] == "*"
    rows = [int((~whole).sum()), int(whole.sum()), len(tables["pairwise"]), len(tables["shared_themes"]),
            len(tables["profile"])]
    assert rows[:2] == [2, 1]  # proyectos and normas, then the whole axis on its own sheet
    # Frozen: the header row and the key columns (round, axis, criterion / organisms).
    frozen = ["D2", "C2", "F2", "D2", "D2"]
    for ws, n, pane in zip(book.worksheets, rows, frozen):
        assert ws.freeze_panes == pane, ws.title
        assert ws.max_row == n + 1
        assert ws.cell(1, 1).font.bold
    ws = book["Convergencia"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Ronda", "Eje", "Criterio"]
    assert header[10] == "Índice de convergencia"
    assert ws["B2"].value == "Integración transfronteriza e infraestructura física"
    assert [ws.cell(r, 3).value for r in range(2, ws.max_row + 1)] == ["Proyectos", "Normas"]
    axis_ws = book["Convergencia por eje"]
    assert [c.value for c in axis_ws[1]][:3] == ["Ronda", "Eje", "Organismos esperados en el eje"]
    widths = [ws.column_dimensions[c].width for c in "ABCDEFGHIJKLM"]
    assert all(8 <= w <= 80 for w in widths)
    assert ws.column_dimensions["B"].width == len("Integración transfronteriza e infraestructura física") + 2


def test_workbook_number_formats_and_colour_scale(written, tables):
    ws = openpyxl.load_workbook(written[3])["Convergencia"]
    n = int((tables["scores"]["criterion"] != "*").sum())
    assert {ws.cell(r, 6).number_format for r in range(2, n + 2)} == {"0.0%"}  # coverage
    assert {ws.cell(r, 11).number_format for r in range(2, n + 2)} == {"0.000"}  # convergence index
    assert ws.cell(2, 11).value == pytest.approx(((2 - 1) + (2 - 1) + 0) / ((3 - 1) * 3))
    assert ws.cell(3, 11).value is None  # NaN is an empty cell
    rules = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
    assert len(rules) == 1
    sqref, rule = rules[0]
    assert sqref == f"K2:K{n + 1}"
    assert rule.type == "colorScale"
    assert [(v.type, float(v.val)) for v in rule.colorScale.cfvo] == [("num", 0.0), ("num", 1.0)]
    profile = openpyxl.load_workbook(written[3])["Perfil por organismo"]
    assert profile.cell(1, 7).value == "Proporción de temas compartidos"
    assert profile.cell(2, 7).number_format == "0.0%"


def test_workbook_text_is_neutralised_and_xml_safe(written):
    ws = openpyxl.load_workbook(written[3])["Temas compartidos"]
    theme = ws.cell(3, 4)  # second row of proyectos, after theme "b"
    assert theme.value == "'=HYPERLINK(\"http://x\")" and theme.data_type == "s"
    formulas = [c.coordinate for row in openpyxl.load_workbook(written[3]).worksheets
                for r in row.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []
    other = ws.cell(2, 7).value  # theme b: CAN and SELA, SELA's initiative held a control character
    assert "SELA: Foro\ufffdSELA (2024/SELA.xlsx:6)" in other


def test_english_workbook(tables, tmp_path):
    path = export.write_scores_workbook(tables, tmp_path / "en.xlsx", lang="en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Convergence", "Convergence by axis", "Organisation pairs", "Shared themes",
                               "Organisation profile"]
    assert book["Convergence"]["B2"].value == "Cross-border integration and physical infrastructure"
    with pytest.raises(MCRDataError, match="unknown language 'fr'; allowed: es, en"):
        export.write_scores_workbook(tables, tmp_path / "fr.xlsx", lang="fr")


def test_tables_are_not_modified(tables, tmp_path):
    before = {k: v.copy(deep=True) for k, v in tables.items()}
    export.write_score_outputs(tables, tmp_path)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, before[name])


def test_missing_tables_and_columns_are_all_reported(tables, tmp_path):
    bad = {"scores": tables["scores"].drop(columns="coverage"), "pairwise": tables["pairwise"]}
    with pytest.raises(MCRDataError, match=(
        r"table 'scores' lacks columns \['coverage'\]; missing table 'shared_themes'; "
        r"missing table 'profile'; expected the output of mcr_analysis.scores.score_tables"
    )):
        export.write_score_outputs(bad, tmp_path)
    assert not list(tmp_path.iterdir())


def test_empty_tables_write_headers_only(tmp_path):
    empty = scores.score_tables(make_tidy([]))
    paths = export.write_score_outputs(empty, tmp_path)
    assert _lines(paths[1]) == ["round,axis,criterion,organism_a,organism_b,jaccard,dice,overlap,n_shared", ""]
    book = openpyxl.load_workbook(paths[3])
    assert [ws.max_row for ws in book.worksheets] == [1, 1, 1, 1, 1]


def test_column_label_errors():
    with pytest.raises(MCRDataError, match="score_labels.tsv has no label for 'nope'"):
        export.column_label("nope")


def test_every_table_column_has_a_label_and_format():
    for columns in export.TABLE_COLUMNS.values():
        for col in columns:
            assert export.column_label(col, "es") and export.column_label(col, "en")


def test_cli_scores_writes_the_four_files(tmp_path, capsys):
    tidy_csv = tmp_path / "mcr_tidy.csv"
    make_tidy(ROWS[1:2] + ROWS[3:]).to_csv(tidy_csv, index=False)
    assert cli.main(["scores", "--tidy", str(tidy_csv), "--out", str(tmp_path / "p")]) == 0
    names = sorted(p.name for p in (tmp_path / "p").iterdir())
    assert names == ["mcr_pairwise.csv", "mcr_scores.csv", "mcr_scores.xlsx", "mcr_shared_themes.csv"]
    assert f"escrito {tmp_path / 'p' / 'mcr_scores.csv'}\n" in capsys.readouterr().out


def test_text_longer_than_an_excel_cell_is_cut_in_the_workbook_only(tmp_path):
    long_name = "x" * 40_000
    tables = scores.score_tables(make_tidy([("CAN", AX, "normas", "t", long_name), ("SICA", AX, "normas", "t")]))
    paths = export.write_score_outputs(tables, tmp_path)
    full = f"CAN: {long_name} (2024/CAN.xlsx:2) | SICA: SICA t (2024/SICA.xlsx:3)"
    shared = pd.read_csv(paths[2], dtype=str, keep_default_na=False)
    assert shared["initiatives"].tolist() == [full, full]  # normas and "*"
    cell = openpyxl.load_workbook(paths[3])["Temas compartidos"].cell(2, 7).value
    assert len(cell) == export.EXCEL_MAX_CHARS == 32_767
    assert cell.startswith("CAN: xxx")
    assert cell.endswith(f"… [texto recortado: {len(full)} caracteres; el texto completo está en los CSV]")


def test_header_row_is_tall_enough_for_wrapped_headers(written):
    ws = openpyxl.load_workbook(written[3])["Perfil por organismo"]
    # "Jaccard con el socio más cercano" (32 characters) wraps at 24: two lines of 15 points
    assert ws.column_dimensions["I"].width == 24 + 2
    assert ws.row_dimensions[1].height == 15 * 2


def test_cli_scores_lang_en_writes_an_english_workbook_and_the_same_csv(tmp_path):
    tidy_csv = tmp_path / "mcr_tidy.csv"
    make_tidy(ROWS[1:2] + ROWS[3:]).to_csv(tidy_csv, index=False)
    assert cli.main(["scores", "--tidy", str(tidy_csv), "--out", str(tmp_path / "es")]) == 0
    assert cli.main(["scores", "--tidy", str(tidy_csv), "--out", str(tmp_path / "en"), "--lang", "en"]) == 0
    book = openpyxl.load_workbook(tmp_path / "en" / export.XLSX_FILE)
    assert book.sheetnames[0] == "Convergence"
    assert [c.value for c in book["Convergence"][1]][:3] == ["Round", "Axis", "Criterion"]
    for name in export.CSV_FILES.values():  # the CSV files hold ids, whatever the language
        assert (tmp_path / "en" / name).read_bytes() == (tmp_path / "es" / name).read_bytes(), name


# ----------------------------------------------------------------------------- issue 10
def test_control_characters_in_shared_themes_round_trip_through_the_csv(tmp_path):
    theme = "Pasos\rde\x00frontera"
    tables = scores.score_tables(make_tidy([("CAN", AX, "normas", theme, "a\rb"), ("SICA", AX, "normas", theme)]))
    paths = export.write_score_outputs(tables, tmp_path)
    shared = pd.read_csv(paths[2], dtype=str, keep_default_na=False)
    assert len(shared) == 2  # normas and "*": the carriage return did not split a row
    assert shared["theme"].tolist() == [theme, theme]
    assert shared["initiatives"].tolist() == [
        "CAN: a\rb (2024/CAN.xlsx:2) | SICA: SICA Pasos\rde\x00frontera (2024/SICA.xlsx:3)"] * 2


def test_a_failing_workbook_leaves_the_previous_score_files_untouched(tables, tmp_path, monkeypatch):
    out = tmp_path / "out"
    export.write_score_outputs(tables, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    fewer = scores.score_tables(make_tidy(ROWS[:2]))

    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(__import__("mcr_analysis.workbooks").workbooks, "_restamp", broken)
    with pytest.raises(OSError, match="No space left on device"):
        export.write_score_outputs(fewer, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    monkeypatch.undo()
    export.write_score_outputs(fewer, out)
    assert (out / "mcr_scores.csv").read_bytes() != before["mcr_scores.csv"]
    assert sorted(p.name for p in out.iterdir()) == sorted(before)


# ----------------------------------------------------------------------------- print and read
def test_every_sheet_prints_a4_landscape_fit_to_width_with_the_header_repeated(written):
    book = openpyxl.load_workbook(written[3])
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)  # one page wide
        assert ws.print_title_rows == "$1:$1"  # the header row on every printed page


def test_header_is_styled_and_long_text_wraps(written):
    book = openpyxl.load_workbook(written[3])
    for ws in book.worksheets:
        head = ws.cell(1, 1)
        assert head.font.bold and head.font.name == "Calibri" and head.font.color.rgb == "00FFFFFF"
        assert head.fill.fill_type == "solid" and head.fill.start_color.rgb == "001F4E79"
    shared = book["Temas compartidos"]
    initiatives = shared.cell(2, 7)  # "CAN: +INTERCOM (2024/CAN.xlsx:2) | SICA: @Plan ..." > 60 characters
    assert len(initiatives.value) > 60 and initiatives.alignment.wrap_text
    assert shared.column_dimensions["G"].width == 60 + 2
    assert not shared.cell(2, 5).alignment.wrap_text  # k, a number
    assert shared.cell(2, 4).alignment.horizontal == "left"  # text left-aligned


def test_round_is_a_number_in_every_sheet(written):
    book = openpyxl.load_workbook(written[3])
    for ws in book.worksheets:
        assert ws.cell(2, 1).value == 2024 and ws.cell(2, 1).data_type == "n", ws.title


def test_whole_axis_rows_have_their_own_colour_scale(written):
    ws = openpyxl.load_workbook(written[3])["Convergencia por eje"]
    rules = [(str(cf.sqref), rule.type) for cf in ws.conditional_formatting for rule in cf.rules]
    # round, axis, then n_expected...: convergence_index is the 10th column (J) without "criterion".
    assert rules == [("J2", "colorScale")]
