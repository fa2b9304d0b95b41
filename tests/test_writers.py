"""Tests of mcr_analysis.writers, and the round-trip property: written rows load back exactly."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from fixtures_xlsx import assert_accounted
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcr_analysis import ingest, writers
from mcr_analysis.taxonomy import axes, criteria, organisms

CONTENT = ["organism", "axis", "matrix", "criterion", "theme", "initiative", "description", "year", "status",
           "partners"]


def _rows(n=3, **extra):
    frame = pd.DataFrame({
        "organism": ["CAN"] * n, "axis": ["transfronteriza"] * (n - 1) + ["riesgo_desastres"],
        "criterion": ["proyectos", "proyectos", "normas"][:n] + ["otros"] * max(0, n - 3),
        "theme": [f"t{i}" for i in range(n)], "initiative": [f"i{i}" for i in range(n)]})
    return frame.assign(**extra)


def test_long_layout_with_title_metadata_notes_and_merges(tmp_path):
    rows = _rows()
    where = writers.write_submission(rows, tmp_path / "x.xlsx", header_row=4, organism_in="metadata",
                                     merge=True, notes=["Nota: ilustrativo"], metadata={"Fecha": "2024"})
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")["Matriz"]
    assert [ws.cell(r, 1).value for r in (1, 2, 3)] == ["Matriz de Convergencia Regional (MCR)",
                                                      "Organismo: Comunidad Andina", "Fecha: 2024"]
    assert [c.value for c in ws[4]] == ["Eje", "Criterio", "Tema", "Iniciativa"]
    assert sorted(str(m) for m in ws.merged_cells.ranges) == ["A5:A6", "B5:B6"]
    assert ws.cell(9, 1).value == "Nota: ilustrativo"
    assert where["source_row"].tolist() == [5, 6, 7] and set(where["source_sheet"]) == {"Matriz"}
    assert rows.columns.tolist() == ["organism", "axis", "criterion", "theme", "initiative"]  # not modified


def test_sheet_per_axis_and_english_headers(tmp_path):
    where = writers.write_submission(_rows(), tmp_path / "x.xlsx", "sheet_per_axis", lang="en")
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert book.sheetnames == ["Disaster risk reduction", "Cross-border integration"]
    assert [c.value for c in book["Cross-border integration"][1]] == ["Organisation", "Criterion", "Theme",
                                                                      "Initiative"]
    assert book["Cross-border integration"].cell(2, 1).value == "Andean Community"
    assert where["source_sheet"].tolist() == ["Cross-border integration"] * 2 + ["Disaster risk reduction"]


def test_marks_layout_shares_a_row_between_criteria(tmp_path):
    rows = pd.DataFrame({"axis": ["cadenas_valor"] * 3, "criterion": ["proyectos", "normas", "otros"],
                         "theme": ["a", "a", "b"]})
    where = writers.write_submission(rows, tmp_path / "x.xlsx", "marks", mark=["✓", "Sí"],
                                     organism_in="filename")
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")["Matriz"]
    header = [c.value for c in ws[1]]
    assert header == ["Eje", "Tema"] + [criteria().label(c) for c in criteria().ids]
    assert [c.value for c in ws[2]][2:] == [None, None, "✓", "Sí", None, None]
    assert where["source_row"].tolist() == [2, 2, 3]


def test_axis_sheet_names_fit_excel_and_name_their_axis():
    for axis in axes().ids:
        for lang in ("es", "en"):
            name = writers.axis_sheet_name(axis, lang)
            assert len(name) <= 31 and axes().match(name).id == axis, (axis, lang, name)


def test_invalid_arguments_are_named(tmp_path):
    with pytest.raises(ValueError, match=r"invalid layout 'wide' \(expected one of long, sheet_per_axis, marks\); "
                                         r"lang 'pt' \(expected one of es, en\)"):
        writers.write_submission(_rows(), tmp_path / "x.xlsx", "wide", lang="pt")
    with pytest.raises(ValueError, match=r"header_row 1 leaves no room for 1 title/metadata rows"):
        writers.write_submission(_rows(), tmp_path / "x.xlsx", organism_in="metadata")
    with pytest.raises(ValueError, match=r"rows lack columns \['criterion'\]"):
        writers.write_submission(_rows().drop(columns="criterion"), tmp_path / "x.xlsx")


# --- round trip -------------------------------------------------------------------------------------

_TEXT = st.text(alphabet="abcdeñáéíóúÁZ 0123456789", max_size=12).map(str.strip)


@st.composite
def submissions(draw):
    layout = draw(st.sampled_from(writers.LAYOUTS))
    organism_in = draw(st.sampled_from(writers.ORGANISM_IN))
    org = draw(st.sampled_from(organisms().ids))
    row = st.fixed_dictionaries({
        "organism": st.sampled_from(organisms().ids) if organism_in == "column" else st.just(org),
        "axis": st.sampled_from(axes().ids), "criterion": st.sampled_from(criteria().ids),
        "theme": _TEXT, "initiative": _TEXT, "description": _TEXT,
        "year": st.one_of(st.none(), st.integers(1900, 2100)), "status": _TEXT, "partners": _TEXT,
    }).filter(lambda r: r["theme"] or r["initiative"])
    records = draw(st.lists(row, min_size=1, max_size=8))
    rows = pd.DataFrame(records).drop_duplicates(subset=[c for c in CONTENT if c != "matrix"])
    rows = rows.reset_index(drop=True)
    options = {
        "layout": layout, "organism_in": organism_in, "lang": draw(st.sampled_from(["es", "en"])),
        "merge": draw(st.booleans()),
        "header_row": draw(st.integers(1 if organism_in != "metadata" else 2, 6)),
        "notes": draw(st.sampled_from([None, ["Nota: datos de prueba"], ["Fuente: SELA", "Elaborado por: x"]])),
        "mark": draw(st.sampled_from(["X", "x", "✓", "✔", "Sí", "si", "Yes", "1"])),
    }
    return rows, options


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=submissions())
def test_written_submissions_load_back_exactly(tmp_path_factory, case):
    rows, options = case
    folder = tmp_path_factory.mktemp("roundtrip")
    name = f"{rows['organism'].iloc[0]}_matriz.xlsx" if options["organism_in"] == "filename" else "sub.xlsx"
    where = writers.write_submission(rows, folder / name, **options)
    result = ingest.load_submissions(folder)
    assert result.rejects.empty, result.rejects.to_dict("records")
    assert_accounted(folder, result)
    expected = rows.copy()
    lang = options["lang"]
    written_axis = [writers.axis_sheet_name(a, lang) if options["layout"] == "sheet_per_axis"
                    else axes().label(a, lang) for a in rows["axis"]]
    expected["matrix"] = [axes().match(label).matrix for label in written_axis]
    expected["year"] = expected["year"].astype("Int64")
    expected["source_sheet"] = where["source_sheet"]
    expected["source_row"] = where["source_row"]
    cols = CONTENT + ["source_sheet", "source_row"]
    got = result.tidy[cols].sort_values(cols).reset_index(drop=True)
    want = expected[cols].sort_values(cols).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
