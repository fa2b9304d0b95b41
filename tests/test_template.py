"""Tests of mcr_analysis.template, the template marker the loader reads, and ``mcr template``."""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd
import pytest
from fixtures_xlsx import assert_accounted, replace_in_zip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcr_analysis import cli, config, ingest, template, writers
from mcr_analysis.ingest import template_marker
from mcr_analysis.taxonomy import MCRDataError, axes, criteria, organisms

CONTENT = list(template.FIELDS)
FIRST = template.HEADER_ROW + 1
CAN_AXES = ["cadenas_valor", "riesgo_desastres", "transfronteriza", "interconexion_electrica",
            "seguridad_alimentaria"]  # participation table: every axis but energia_sostenible


@pytest.fixture(scope="module")
def can_book(tmp_path_factory):
    path = template.write_template("CAN", "2025", tmp_path_factory.mktemp("t") / "CAN.xlsx")
    return path, openpyxl.load_workbook(path)


def test_sheets_header_and_metadata_rows(can_book):
    _path, book = can_book
    assert book.sheetnames == ["Matriz", "Instrucciones", "Listas"]
    assert [book[n].sheet_state for n in book.sheetnames] == ["visible", "visible", "hidden"]
    ws = book["Matriz"]
    assert [c.value for c in ws[template.HEADER_ROW]] == [
        "Organismo", "Eje", "Matriz", "Criterio", "Tema", "Iniciativa", "Descripción", "Año", "Estado", "Socios"]
    assert ws["A1"].value == "Matriz de Convergencia Regional (MCR): plantilla de Comunidad Andina, ronda 2025"
    assert ws["A2"].value == "Organismo: Comunidad Andina"
    assert ws["A3"].value == "Ronda: 2025"
    assert ws["A4"].value == ("Ejes que espera de CAN la tabla «Matrices y organismos participantes»: "
                              "Cadenas productivas de valor; Reducción del riesgo de desastres; Integración "
                              "transfronteriza e infraestructura física; Interconexión eléctrica; "
                              "Seguridad alimentaria")


def test_header_is_frozen_and_protected_data_cells_are_not(can_book):
    ws = can_book[1]["Matriz"]
    assert ws.freeze_panes == f"A{FIRST}"
    assert ws.protection.sheet is True and ws.protection.password is None
    assert ws.protection.insertRows is False and ws.protection.sort is False  # allowed to the user
    assert all(c.protection.locked for c in ws[template.HEADER_ROW])
    assert not any(c.protection.locked for c in ws[FIRST])
    assert not ws.cell(FIRST + template.BLANK_ROWS - 1, 10).protection.locked
    assert ws.cell(FIRST, 7).alignment.wrap_text is True


def test_print_settings(can_book):
    ws = can_book[1]["Matriz"]
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == f"${template.HEADER_ROW}:${template.HEADER_ROW}"
    assert ws.column_dimensions["G"].width == 50


def test_drop_down_lists_read_the_list_sheet(can_book):
    book = can_book[1]
    ws, lists = book["Matriz"], book["Listas"]
    last = template.HEADER_ROW + template.BLANK_ROWS
    by_col = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert set(by_col) == {f"{c}{FIRST}:{c}{last}" for c in "ABCDEFGHIJ"}
    want = {"A": "'Listas'!$F$2:$F$2", "B": "'Listas'!$A$2:$A$7", "C": "'Listas'!$B$2:$B$10",
            "D": "'Listas'!$C$2:$C$7", "I": "'Listas'!$D$2:$D$5", "J": "'Listas'!$E$2:$E$14"}
    for col, formula in want.items():
        dv = by_col[f"{col}{FIRST}:{col}{last}"]
        assert (dv.type, dv.formula1) == ("list", formula), col
        assert dv.errorStyle == ("information" if col == "J" else "stop")
        assert dv.showErrorMessage and dv.showInputMessage and dv.error and dv.prompt
    year = by_col[f"H{FIRST}:H{last}"]
    assert (year.type, year.operator, year.formula1, year.formula2) == ("whole", "between", "1900", "2100")
    assert year.error == "Escriba un año: número entero de 1900 a 2100."
    assert by_col[f"B{FIRST}:B{last}"].promptTitle == "Eje"
    column = lambda c, n: [lists.cell(r, c).value for r in range(2, 2 + n)]  # noqa: E731
    assert column(1, 6) == [axes().label(a) for a in axes().ids]
    assert column(3, 6) == [criteria().label(c) for c in criteria().ids]
    assert column(4, 4) == ["Planificado", "En curso", "Finalizado", "Cancelado"]
    assert column(5, 13) == [o for o in organisms().ids if o != "CAN"]
    assert column(6, 1) == ["Comunidad Andina"]
    assert column(2, 9)[:2] == ["Seguridad alimentaria y nutricional", "Riesgo de desastres"]


def test_instructions_define_axes_and_mark_the_expected_ones(can_book):
    ws = can_book[1]["Instrucciones"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    axis_rows = {r[0]: r for r in rows if r[0] in {axes().label(a) for a in axes().ids} and len(r) >= 5}
    assert len(axis_rows) == 6
    marks = {axes().match(label).id: row[4] for label, row in axis_rows.items()}
    assert marks == {a: ("Sí" if a in CAN_AXES else "No") for a in axes().ids}
    food = axis_rows["Seguridad alimentaria"]
    assert food[2].startswith("Seguridad alimentaria y nutricional: mejorar la producción, la distribución")
    assert food[3] == ("SELA (2025), Integración en la integración, cap. 3, «Seguridad alimentaria y "
                       "nutricional» (p. 46); paráfrasis")
    assert axis_rows["Cadenas productivas de valor"][5] == "Cadenas de valor específicas; Cadenas de valor"
    crit = [r for r in rows if r[0] == "Proyectos"][0]
    assert crit[2] == "Proyectos y programas con objetivos, plazos y recursos propios."


def test_portuguese_template_has_portuguese_headers_and_list_values(tmp_path):
    book = template.build_template("MERCOSUR", "2025", lang="pt")
    assert book.sheetnames == ["Matriz", "Instruções", "Listas"]
    ws = book["Matriz"]
    assert [c.value for c in ws[template.HEADER_ROW]] == [
        "Organismo", "Eixo", "Matriz", "Critério", "Tema", "Iniciativa", "Descrição", "Ano", "Situação", "Parceiros"]
    assert ws["A4"].value.startswith("Eixos que a tabela «Matrices y organismos participantes» espera de MERCOSUR")
    dv = {str(d.sqref)[0]: d for d in ws.data_validations.dataValidation}
    assert dv["B"].promptTitle == "Eixo"
    assert dv["B"].prompt == "Eixo de trabalho da iniciativa: escolha um da lista."
    assert dv["B"].errorTitle == "Valor não permitido"
    inst = [[c.value for c in row] for row in book["Instruções"].iter_rows()]
    assert ["Eixo", "Eixo"] == inst[[r[0] for r in inst].index("Eixo")][:2]
    assert ["Situação", "Situação"] == inst[[r[0] for r in inst].index("Situação")][:2]
    assert any(r[:2] == ["Projetos", "Projetos"] for r in inst)
    lists = {c.value for row in book["Listas"].iter_rows() for c in row if c.value}
    assert {"Projetos", "Segurança alimentar", "Em andamento", "Mercado Comum do Sul"} <= lists
    assert "Proyectos" not in lists


def test_expected_axes_and_organisms_of_the_participation_table():
    assert template.template_organisms() == ["AEC", "ALADI", "CAN", "MERCOSUR", "OTCA", "SELA", "SICA"]
    assert template.expected_axes("AEC") == {"transfronteriza": ["Cooperación transfronteriza de puertos"]}
    assert list(template.expected_axes("CAN")) == CAN_AXES
    assert template.expected_axes("CELAC") == {}


def test_invalid_arguments_are_named():
    with pytest.raises(MCRDataError, match=r"unknown organism 'XYZ'; allowed: AEC, ALADI"):
        template.build_template("XYZ", "2025")
    with pytest.raises(MCRDataError, match=r"unknown language 'fr'; allowed: es, en, pt"):
        template.build_template("CAN", "2025", lang="fr")
    with pytest.raises(MCRDataError, match=r"invalid round '../x'; expected a folder name such as 2025"):
        template.build_template("CAN", "../x")


def test_same_template_gives_the_same_bytes(tmp_path):
    a = template.write_template("SICA", "2025", tmp_path / "a.xlsx", lang="en")
    b = template.write_template("SICA", "2025", tmp_path / "b.xlsx", lang="en")
    assert a.read_bytes() == b.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed


# --- the marker and the loader ------------------------------------------------------------------------

def test_loader_skips_the_marked_sheets_and_reads_them_without_the_marker(can_book, tmp_path):
    path, _book = can_book
    result = ingest.load_submissions(path)
    sheets = result.sheets.set_index("source_sheet")
    assert sheets.loc["Listas", "status"] == "skipped"
    assert sheets.loc["Listas", "reason"] == "template list sheet (the values of the drop-down lists, not data)"
    assert sheets.loc["Instrucciones", "reason"] == "template instructions sheet (not data)"
    assert result.rejects.empty and result.tidy.empty
    # without the marker only the loader's heuristic for hidden sheets of vocabulary values is left
    bare = tmp_path / "bare.xlsx"
    bare.write_bytes(path.read_bytes())
    replace_in_zip(bare, "docProps/custom.xml", "", None)
    assert template_marker.skipped_sheets(bare) == {}
    bare_sheets = ingest.load_submissions(bare).sheets.set_index("source_sheet")
    assert bare_sheets.loc["Listas", "layout"] == "lists"
    assert bare_sheets.loc["Listas", "reason"].startswith("hidden sheet of drop-down lists")
    assert sheets.loc["Listas", "layout"] == "template"


def test_marker_is_read_only_when_valid(tmp_path, can_book):
    assert template_marker.skipped_sheets(can_book[0]) == {
        "Instrucciones": template_marker.SKIP_REASONS["instructions"],
        "Listas": template_marker.SKIP_REASONS["list"]}
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    assert template_marker.skipped_sheets(tmp_path / "x.xlsx") == {}
    assert template_marker.parse_marker('{"version": 2, "skip": {"A": "list"}}') == {}
    assert template_marker.parse_marker('{"version": 1, "skip": ["A"]}') == {}
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(big, "w") as z:
        z.writestr("docProps/custom.xml", "<a>" + " " * 70_000 + "</a>")
    assert template_marker.skipped_sheets(big) == {}
    with pytest.raises(ValueError, match=r"unknown template sheet kinds \['data'\]"):
        template_marker.marker_value({"A": "data"})


# --- round trip ---------------------------------------------------------------------------------------

_TEXT = st.text(alphabet="abcdeñáéíóúÁZ 0123456789;", max_size=12).map(str.strip)
_THEME = st.text(alphabet="abcdeñáéíóúÁZ 0123456789/", max_size=12).map(str.strip)
"""A ";" in a theme is an explicit list that the loader splits (tests/ingest); "/" stays inside."""


@st.composite
def filled(draw):
    org = draw(st.sampled_from(template.template_organisms()))
    lang = draw(st.sampled_from(["es", "en", "pt"]))
    values = template.list_values(org, lang)
    row = st.fixed_dictionaries({
        "organism_cell": st.booleans(),
        "axis": st.sampled_from(axes().ids), "matrix": st.sampled_from([""] + values["matrix"]),
        "criterion": st.sampled_from(criteria().ids), "theme": _THEME, "initiative": _TEXT, "description": _TEXT,
        "year": st.one_of(st.none(), st.integers(1900, 2100)),
        "status": st.sampled_from([""] + values["status"]),
        "partners": st.lists(st.sampled_from(values["partners"]), max_size=3).map("; ".join),
    }).filter(lambda r: r["theme"] or r["initiative"])
    rows = pd.DataFrame(draw(st.lists(row, min_size=1, max_size=8)))
    rows = rows.drop_duplicates(subset=[c for c in CONTENT if c != "organism"]).reset_index(drop=True)
    return org, lang, rows


def _fill(path, org, lang, rows):
    """Type ``rows`` into the template at ``path`` as a focal point would; return the cells written."""
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    vlang = "en" if lang == "en" else "es"
    for i, r in enumerate(rows.to_dict("records")):
        line = [organisms().label(org, vlang) if r["organism_cell"] else None, axes().label(r["axis"], vlang),
                r["matrix"] or None, criteria().label(r["criterion"], vlang), r["theme"] or None,
                r["initiative"] or None, r["description"] or None, r["year"], r["status"] or None,
                r["partners"] or None]
        for c, v in enumerate(line, start=1):
            ws.cell(FIRST + i, c, v)
    book.save(path)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=filled())
def test_filled_template_loads_with_no_rejects_and_exactly_the_rows_written(tmp_path_factory, case):
    org, lang, rows = case
    folder = tmp_path_factory.mktemp("roundtrip") / "2025"
    folder.mkdir()
    path = template.write_template(org, "2025", template.template_path(folder, org, "2025", lang), lang=lang)
    _fill(path, org, lang, rows)
    result = ingest.load_submissions(folder.parent)
    assert result.rejects.empty, result.rejects.to_dict("records")
    assert_accounted(folder.parent, result)
    vlang = "en" if lang == "en" else "es"
    want = rows.assign(organism=org, round="2025", source_row=range(FIRST, FIRST + len(rows)),
                       year=rows["year"].astype("Int64"))
    want["matrix"] = [m or axes().match(axes().label(a, vlang)).matrix for m, a in zip(rows["matrix"], rows["axis"])]
    cols = ["round", *CONTENT, "source_row"]
    got = result.tidy[cols].sort_values("source_row").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want[cols].reset_index(drop=True), check_dtype=False)
    assert set(result.tidy["source_sheet"]) == {"Matrix" if lang == "en" else "Matriz"}


def test_filled_portuguese_template_loads_with_no_rejects(tmp_path):
    # the Portuguese headers (Eixo, Critério, Situação, Parceiros...) are read back by the loader
    folder = tmp_path / "2025"
    folder.mkdir()
    path = template.write_template("MERCOSUR", "2025", template.template_path(folder, "MERCOSUR", "2025", "pt"),
                                   lang="pt")
    rows = pd.DataFrame([
        {"organism_cell": False, "axis": "transfronteriza", "matrix": "", "criterion": "proyectos",
         "theme": "Pasos de frontera", "initiative": "Corredor bioceánico", "description": "Obras", "year": 2023,
         "status": "En curso", "partners": "CAN; SICA"},
        {"organism_cell": True, "axis": "seguridad_alimentaria", "matrix": "", "criterion": "normas",
         "theme": "Sanidad", "initiative": "", "description": "", "year": None, "status": "", "partners": ""}])
    _fill(path, "MERCOSUR", "pt", rows)
    result = ingest.load_submissions(tmp_path)
    assert result.rejects.empty, result.rejects.to_dict("records")
    got = result.tidy.sort_values("source_row")
    assert list(got["axis"]) == ["transfronteriza", "seguridad_alimentaria"]
    assert list(got["criterion"]) == ["proyectos", "normas"]
    assert list(got["organism"]) == ["MERCOSUR", "MERCOSUR"]
    assert list(got["status"]) == ["En curso", ""]
    assert list(got["partners"]) == ["CAN; SICA", ""]
    assert list(got["year"].astype("Int64")) == [2023, pd.NA]


def test_prefill_fills_in_the_rows_of_an_earlier_round(tmp_path):
    rows = pd.DataFrame({"organism": ["SICA"] * 3, "axis": ["transfronteriza", "riesgo_desastres", "cadenas_valor"],
                         "criterion": ["proyectos", "normas", "otros"], "theme": ["=1+1", "Alerta", ""],
                         "initiative": ["A", "B", "C"], "year": [2020, None, 2024], "status": ["En curso", "", ""],
                         "partners": ["CAN", "", ""]})
    old = rows.assign(round="2024", matrix="", description="", year=rows["year"].astype("Int64"))
    old = pd.concat([old, old.assign(round="2023", theme="older")], ignore_index=True)
    prefill = template.prefill_rows(old, "SICA", "2024")
    assert len(prefill) == 3 and template.prefill_rows(old, "CAN", "2024").empty
    assert list(prefill.columns) == CONTENT and set(prefill["theme"]) == {"=1+1", "Alerta", ""}
    new = tmp_path / "2025"
    new.mkdir()
    path = template.write_template("SICA", "2025", new / "SICA.xlsx", prefill=prefill)
    ws = openpyxl.load_workbook(path)["Matriz"]
    assert [ws.cell(FIRST, c).value for c in range(1, 11)] == [
        "Sistema de la Integración Centroamericana", "Integración transfronteriza e infraestructura física", None,
        "Proyectos", "=1+1", "A", None, 2020, "En curso", "CAN"]
    assert [ws.cell(FIRST + 2, c).value for c in range(1, 6)] == [
        "Sistema de la Integración Centroamericana", "Cadenas productivas de valor", None, "Otros", None]
    assert ws.cell(FIRST, 5).data_type == "s"  # "=1+1" stays text, never a formula
    again = ingest.load_submissions(tmp_path).tidy
    cols = ["organism", "axis", "criterion", "theme", "initiative", "year", "status", "partners"]
    pd.testing.assert_frame_equal(again[cols].reset_index(drop=True), prefill[cols], check_dtype=False)


# --- mcr template -------------------------------------------------------------------------------------

def test_cli_writes_a_template_for_every_organism(tmp_path, capsys):
    assert cli.main(["template", "--organism", "all", "--round", "2025", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"mcr_plantilla_{o}_2025.xlsx" for o in template.template_organisms()]
    out = capsys.readouterr().out
    assert f"Plantilla de OTCA (0 filas rellenadas): {tmp_path / 'mcr_plantilla_OTCA_2025.xlsx'}" in out
    result = ingest.load_submissions(tmp_path)
    assert result.rejects.empty
    assert set(result.files["organism"]) == set(template.template_organisms())


def test_cli_single_file_prefilled_from_the_tidy_table(tmp_path, capsys):
    raw = tmp_path / "raw" / "2024"
    raw.mkdir(parents=True)
    writers.write_submission(pd.DataFrame({"organism": ["CAN"], "axis": ["transfronteriza"],
                                           "criterion": ["proyectos"], "theme": ["Pasos"]}), raw / "CAN.xlsx")
    from mcr_analysis.report import write_ingest_outputs

    tidy = write_ingest_outputs(ingest.load_submissions(tmp_path / "raw"), tmp_path / "processed")[0]
    out = tmp_path / "CAN_2025.xlsx"
    assert cli.main(["template", "--organism", "Comunidad Andina", "--round", "2025", "--lang", "en",
                     "--prefill-from", "2024", "--tidy", str(tidy), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"Template of CAN (1 row filled in): {out}\n"
    assert openpyxl.load_workbook(out)["Matrix"].cell(FIRST, 5).value == "Pasos"
    code = cli.main(["template", "--organism", "SICA", "--round", "2025", "--prefill-from", "2024",
                     "--tidy", str(tidy), "--out", str(tmp_path / "x.xlsx")])
    assert code == 2
    assert "--prefill-from 2024 no tiene filas de SICA" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    (["--organism", "Nadie", "--round", "2025"], r"organismo desconocido 'Nadie'; se espera uno de AEC"),
    (["--organism", "CAN", "--round", "../x"], r"ronda '../x' no válida"),
    (["--organism", "all", "--round", "2025", "--out", "x.xlsx"], r"--organism all escribe varias plantillas"),
    (["--organism", "CAN", "--round", "2025", "--prefill-from", "2024", "--tidy", "nada.csv"],
     r"nada.csv no existe; ejecute «mcr ingest» primero"),
    (["--organism", "CAN", "--round", "2025", "--lang", "pt", "--prefill-from", "1999", "--tidy", "TIDY"],
     r"--prefill-from 1999: a tabela .* não tem essa rodada; rodadas: 2024"),
])
def test_cli_usage_errors(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    raw = tmp_path / "raw" / "2024"
    raw.mkdir(parents=True)
    writers.write_submission(pd.DataFrame({"organism": ["CAN"], "axis": ["transfronteriza"],
                                           "criterion": ["proyectos"], "theme": ["t"]}), raw / "CAN.xlsx")
    from mcr_analysis.report import write_ingest_outputs

    tidy = write_ingest_outputs(ingest.load_submissions(tmp_path / "raw"), tmp_path / "processed")[0]
    argv = [str(tidy) if a == "TIDY" else a for a in argv]
    assert cli.main(["template", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mcr template: erro: " if "pt" in argv else "mcr template: error: ")
    assert pytest.importorskip("re").search(message, err), err


def test_cli_refuses_the_raw_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    assert cli.main(["template", "--organism", "CAN", "--round", "2025", "--out", str(tmp_path / "raw" / "2025")]) == 2
    assert "está en la carpeta de envíos" in capsys.readouterr().err
    assert not (tmp_path / "raw").exists()
