"""The illustrative sample data set (issue 2, section 6).

Three groups of checks:

* the editorial source table ``data/external/sample_matrices.tsv`` obeys the
  book's tables (participation, the 30 appendix cells) and stays legible;
* the committed workbooks of ``data/raw/2024/`` are exactly what
  ``data/external/build_sample.py`` builds from that table (byte for byte);
* the loader reads ``data/raw/`` into exactly the rows of the table, with no
  rejects, through at least three layouts.
"""

from __future__ import annotations

import csv
import importlib.util
import io as _io
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from mcr_analysis import sets, taxonomy
from mcr_analysis.ingest import load_submissions

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "external" / "sample_matrices.tsv"
BUILDER = ROOT / "data" / "external" / "build_sample.py"
RAW = ROOT / "data" / "raw"
SAMPLE_DIR = RAW / "2024"

COLUMNS = ["organism", "axis", "matrix", "criterion", "theme", "initiative",
           "description", "year", "status", "partners", "fuente"]
CONTENT = COLUMNS[:-1]  # what the loader reads; "fuente" is an ignored column


def _read_source(path: Path = SOURCE) -> pd.DataFrame:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return pd.DataFrame(rows, columns=list(rows[0]) if rows else None, dtype=str)


@pytest.fixture(scope="module")
def source() -> pd.DataFrame:
    return _read_source()


@pytest.fixture(scope="module")
def builder():
    spec = importlib.util.spec_from_file_location("build_sample", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def loaded():
    return load_submissions(RAW)


def _cells(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["axis"], frame["criterion"]))


def _appendix() -> list[tuple[str, str]]:
    cells = taxonomy.appendix_cells()
    return list(zip(cells["axis"], cells["criterion"]))


# --------------------------------------------------------------------- source table

def test_source_has_the_documented_columns_and_known_ids(source):
    assert list(source.columns) == COLUMNS
    assert not source.isna().any().any()
    assert set(source["organism"]) <= set(taxonomy.organisms().ids)
    assert set(source["axis"]) <= set(taxonomy.axes().ids)
    assert set(source["criterion"]) <= set(taxonomy.criteria().ids)
    years = source.loc[source["year"] != "", "year"]
    assert years.str.fullmatch(r"(19|20)\d\d").all()
    for col in COLUMNS:
        assert (source[col] == source[col].str.strip()).all(), f"{col} has padded values"


def test_every_row_has_a_theme_an_initiative_and_a_source(source):
    assert (source["theme"] != "").all()
    assert (source["initiative"] != "").all()
    prefixes = ("SELA (2025), ", "Relatoría taller ", "Nota conceptual reunión ")
    bad = source.loc[~source["fuente"].str.startswith(prefixes), "fuente"]
    assert bad.empty, f"rows without a recognisable source: {sorted(set(bad))}"


def test_organisms_appear_only_on_axes_of_the_participation_table(source):
    part = taxonomy.participation()
    allowed = set(zip(part["axis"], part["organism"]))
    used = set(zip(source["axis"], source["organism"]))
    assert used - allowed == set()
    # the sample has one workbook per organism of the participation table
    assert set(source["organism"]) == set(part["organism"])


def test_named_matrices_belong_to_their_axis_and_list_the_organism(source):
    part = taxonomy.participation()
    allowed = set(zip(part["matrix"], part["organism"]))
    named = source[source["matrix"] != ""]
    assert set(zip(named["matrix"], named["organism"])) - allowed == set()
    for axis, matrix in set(zip(named["axis"], named["matrix"])):
        assert taxonomy.axes().match(matrix)[:2] == (axis, matrix)


def test_cells_are_exactly_the_thirty_of_the_appendix(source):
    appendix = _appendix()
    assert len(appendix) == 30
    assert _cells(source) == set(appendix)


def test_most_cells_have_two_to_five_organisms_sharing_a_theme(source):
    keyed = source.assign(key=source["theme"].map(taxonomy.theme_key))
    good = 0
    for (_, _), cell in keyed.groupby(["axis", "criterion"]):
        n_orgs = cell["organism"].nunique()
        shared = (cell.groupby("key")["organism"].nunique() >= 2).any()
        good += int(2 <= n_orgs <= 5 and shared)
    assert good >= 0.8 * 30  # "most": at least 24 of the 30 cells


def test_a_transfronteriza_cell_has_every_organism_of_the_axis(source):
    part = taxonomy.participation()
    axis_orgs = set(part.loc[part["axis"] == "transfronteriza", "organism"])
    assert len(axis_orgs) == 6
    cells = source[source["axis"] == "transfronteriza"].groupby("criterion")["organism"]
    assert any(set(orgs) == axis_orgs for _, orgs in cells)


def test_each_organism_has_a_handful_of_themes_per_cell(source):
    keyed = source.assign(key=source["theme"].map(taxonomy.theme_key))
    per_pair = keyed.groupby(["axis", "criterion", "organism"])["key"].nunique()
    assert per_pair.max() <= 6
    assert (per_pair >= 2).mean() >= 0.75


def test_total_number_of_initiatives_is_in_range(source):
    assert 150 <= len(source) <= 300


def test_no_duplicate_rows_within_an_organism(source):
    # "fuente" is ignored by the loader, so rows equal on every other column
    # would be duplicates of each other in the submitted workbook.
    dup = source[source.duplicated(CONTENT, keep=False)]
    assert dup.empty, dup.to_dict("records")


@pytest.mark.parametrize("name", [
    "INTERCOM", "CRIFCAN", "GANIDF", "CEBAF", "Mercado Eléctrico Regional",
    "Estrategia Energética 2030", "Pymes Latinas Grandes Negocios", "Matriz de Empalme",
    "Semanas de Conexión Empresarial", "nichos productivos", "IPPALC",
    "Red de Puertos Digitales y Colaborativos", "Observatorio Regional Amazónico",
    "Bioamazonía", "moneda local", "Seminario",
])
def test_initiatives_named_by_the_sources_are_present(source, name):
    folded = source["initiative"].map(taxonomy.normalize_label)
    assert folded.str.contains(taxonomy.normalize_label(name), regex=False).any()


# --------------------------------------------------------------------- builder

def test_committed_workbooks_are_a_fresh_build_byte_for_byte(builder, tmp_path):
    written = builder.build(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in SAMPLE_DIR.glob("*.xlsx"))
    for path in written:
        assert path.read_bytes() == (SAMPLE_DIR / path.name).read_bytes(), path.name


def test_workbooks_carry_fixed_properties(builder):
    for name in builder.FILES.values():
        data = (SAMPLE_DIR / name).read_bytes()
        with zipfile.ZipFile(_io.BytesIO(data)) as zf:
            assert {info.date_time for info in zf.infolist()} == {builder.ZIP_TIME}
        wb = openpyxl.load_workbook(_io.BytesIO(data), read_only=True)
        try:
            assert wb.properties.creator == "SELA (reconstrucción ilustrativa)"
            assert wb.properties.created == builder.FIXED_TIME
            assert wb.properties.modified == builder.FIXED_TIME
        finally:
            wb.close()


def test_workbook_layouts_are_the_documented_ones(builder):
    def book(organism):
        return CalamineWorkbook.from_path(str(SAMPLE_DIR / builder.FILES[organism]))

    sica = book("SICA")
    assert sica.sheet_names[0] == "Instrucciones"
    assert {taxonomy.axes().match(n).id for n in sica.sheet_names[1:]} == set(taxonomy.axes().ids)
    for organism in ("ALADI", "OTCA"):
        sheet = book(organism).get_sheet_by_index(0)
        assert sheet.merged_cell_ranges, f"{organism}: axis cells should be merged"
        header = sheet.to_python()[2]
        crit_cols = [h for h in header if taxonomy.criteria().match(h).id]
        assert len(crit_cols) == 6
    can = book("CAN").get_sheet_by_index(0).to_python()
    assert can[2][0] == "Organismo: Comunidad Andina"
    assert str(can[-1][0]).startswith("Nota:")
    mercosur = book("MERCOSUR").get_sheet_by_index(0).to_python()
    assert mercosur[0][:2] == ["Axis", "Criterion"]
    assert "Organism" not in mercosur[0] and "Organismo" not in mercosur[0]


def test_builder_rejects_unknown_ids_and_bad_years(builder, tmp_path):
    rows = _read_source().head(2).copy()
    rows.loc[0, "organism"] = "XYZ"
    rows.loc[1, "year"] = "20x4"
    bad = tmp_path / "bad.tsv"
    rows.to_csv(bad, sep="\t", index=False, quoting=csv.QUOTE_NONE)
    with pytest.raises(ValueError, match=r"line 2: organism 'XYZ' is not an id.*line 3: year '20x4'"):
        builder.read_source(bad)


def test_builder_rejects_a_matrix_of_another_axis(builder, tmp_path):
    rows = _read_source().head(1).copy()
    rows.loc[0, "matrix"] = "Interconexión eléctrica"  # row 1 is on cadenas_valor
    bad = tmp_path / "bad.tsv"
    rows.to_csv(bad, sep="\t", index=False, quoting=csv.QUOTE_NONE)
    with pytest.raises(ValueError, match="matrix 'Interconexión eléctrica' is not a matrix of axis 'cadenas_valor'"):
        builder.read_source(bad)


def test_builder_refuses_sica_rows_its_sheet_cannot_name(builder, source):
    rows = source[(source["organism"] == "SICA")].to_dict("records")
    tf = next(r for r in rows if r["axis"] == "transfronteriza")
    tf["matrix"] = "Cooperación transfronteriza tecnológica"
    with pytest.raises(ValueError, match="SICA rows on axis 'transfronteriza' must have matrix 'Cooperación transfronteriza'"):
        builder.build_workbook("SICA", rows)


# --------------------------------------------------------------------- loader

def test_loading_the_sample_gives_no_rejects(loaded):
    assert loaded.rejects.empty, loaded.rejects.to_dict("records")
    workbooks = loaded.files[loaded.files["source_file"] != "README.md"]  # the folder's notes: skipped
    assert (workbooks["status"] == "loaded").all()
    assert loaded.files.loc[loaded.files["source_file"] == "README.md", "status"].tolist() == ["skipped"]


def test_loading_the_sample_gives_exactly_the_source_rows(loaded, source):
    tidy = loaded.tidy
    assert set(tidy["round"]) == {"2024"}
    got = tidy[CONTENT].assign(year=tidy["year"].astype("string").fillna(""))
    assert Counter(map(tuple, got.astype(str).values.tolist())) == Counter(
        map(tuple, source[CONTENT].values.tolist())
    )


def test_loading_the_sample_fills_the_appendix_cells_in_book_order(loaded):
    tidy = loaded.tidy
    in_order = [cell for cell in _appendix() if cell in _cells(tidy)]
    assert in_order == _appendix()
    assert _cells(tidy) == set(_appendix())
    for axis, criterion in _appendix():
        assert sets.cell_contents(tidy, axis, criterion), (axis, criterion)


def test_loading_the_sample_exercises_at_least_three_layouts(loaded, builder):
    read = loaded.sheets[loaded.sheets["status"] == "read"]
    assert {"long", "sheet_per_axis", "marks"} <= set(read["layout"])
    workbooks = loaded.files[loaded.files["status"] == "loaded"]
    origin = dict(zip(workbooks["organism"], workbooks["organism_from"]))
    assert origin == {
        "AEC": "metadata", "ALADI": "metadata", "CAN": "metadata", "MERCOSUR": "filename",
        "OTCA": "metadata", "SELA": "column", "SICA": "filename",
    }
    skipped = loaded.sheets[loaded.sheets["status"] == "skipped"]
    assert list(skipped["source_sheet"]) == ["Instrucciones"]
