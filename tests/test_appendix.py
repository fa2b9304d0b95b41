"""Tests of mcr_analysis.appendix: plan, files, manifest, theme list, determinism."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import make_tidy
from test_venn import _line_boxes

from mcr_analysis import appendix, plots, taxonomy
from mcr_analysis.sets import cell_contents

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "external" / "sample_matrices.tsv"


@pytest.fixture
def tidy_three():
    """Three cells given out of the book's order; one organism without a theme."""
    return make_tidy([
        ("SICA", "seguridad_alimentaria", "politicas", "Nutrición"),
        ("CAN", "seguridad_alimentaria", "politicas", "nutricion"),
        ("CAN", "seguridad_alimentaria", "politicas", "=Agricultura familiar"),
        ("SELA", "transfronteriza", "normas", "Pasos de frontera"),
        ("CAN", "transfronteriza", "normas", "Pasos de frontera"),
        ("OTCA", "transfronteriza", "normas", ""),
        ("ALADI", "cadenas_valor", "reuniones", "Mipymes"),
    ])


def digests(folder: Path, exts=("svg", "pdf")) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.suffix.lstrip(".") in exts}


# ----------------------------------------------------------------------------- plan
def test_plan_follows_the_book_order(tidy_three):
    cells = appendix.plan_cells(tidy_three)
    assert [(c["number"], c["axis"], c["criterion"]) for c in cells] == [
        (1, "cadenas_valor", "reuniones"),
        (2, "transfronteriza", "normas"),
        (3, "seguridad_alimentaria", "politicas"),
    ]
    assert [c["stem"] for c in cells] == [
        "01_cadenas_valor__reuniones", "02_transfronteriza__normas", "03_seguridad_alimentaria__politicas"]
    # OTCA has a row but no theme: an initiative, not a set.
    assert sorted(cells[1]["contents"]) == ["CAN", "SELA"]


def test_plan_of_the_sample_data_is_the_books_30_cells():
    sample = pd.read_csv(SAMPLE, sep="\t", dtype=str, keep_default_na=False).assign(round="2024")
    cells = appendix.plan_cells(sample)
    book = taxonomy.appendix_cells()
    assert [(c["number"], c["axis"], c["criterion"]) for c in cells] == list(
        zip(book["number"], book["axis"], book["criterion"]))


def test_plan_uses_the_latest_round_unless_told(tidy_three):
    later = make_tidy([("CAN", "energia_sostenible", "normas", "Hidrógeno")]).assign(round="2025")
    both = pd.concat([tidy_three, later], ignore_index=True)
    assert [c["axis"] for c in appendix.plan_cells(both)] == ["energia_sostenible"]
    assert len(appendix.plan_cells(both, round="2024")) == 3
    with pytest.raises(taxonomy.MCRDataError, match="round '2030' is not in the tidy table; rounds: 2024, 2025"):
        appendix.plan_cells(both, round="2030")


def test_plan_errors(tidy_three):
    with pytest.raises(taxonomy.MCRDataError, match="tidy table has no rows"):
        appendix.plan_cells(tidy_three.iloc[0:0])
    bad = tidy_three.assign(axis=tidy_three["axis"].replace("cadenas_valor", "Cadenas"))
    with pytest.raises(taxonomy.MCRDataError, match=r"column 'axis' has unknown ids \['Cadenas'\]"):
        appendix.plan_cells(bad)
    with pytest.raises(taxonomy.MCRDataError, match=r"tidy table lacks columns \['theme'\]"):
        appendix.plan_cells(tidy_three.drop(columns="theme"))
    with pytest.raises(taxonomy.MCRDataError, match="round '2024' of the tidy table has no cell with a theme"):
        appendix.plan_cells(tidy_three.assign(theme=""))


# ----------------------------------------------------------------------------- build
def test_build_writes_files_manifest_and_theme_list(tidy_three, tmp_path):
    out = tmp_path / "appendix"
    out.mkdir()
    (out / "07_old__cell.svg").write_text("stale")
    (out / "notes.txt").write_text("keep me")
    manifest = appendix.build_appendix(tidy_three, out, formats=("svg",), jobs=1, lang="en")

    assert list(manifest.columns) == appendix.MANIFEST_COLUMNS
    assert list(manifest["number"]) == [1, 2, 3]
    assert list(manifest["kind"]) == ["venn"] * 3
    assert list(manifest["organisms"]) == ["ALADI", "CAN;SELA", "CAN;SICA"]
    # Nutrición/nutricion is one theme; =Agricultura familiar another: 2 themes in cell 3.
    assert list(manifest["n_themes"]) == [1, 1, 2]
    assert manifest.loc[1, "title"] == "Cross-border integration and physical infrastructure — Norms"
    assert list(manifest["files"]) == [
        "01_cadenas_valor__reuniones.svg", "02_transfronteriza__normas.svg",
        "03_seguridad_alimentaria__politicas.svg"]

    names = sorted(p.name for p in out.iterdir())
    assert names == ["01_cadenas_valor__reuniones.svg", "02_transfronteriza__normas.svg",
                     "03_seguridad_alimentaria__politicas.svg", "appendix.pdf", "manifest.csv",
                     "notes.txt", "summary", "themes.csv"]
    summary = sorted(p.name for p in (out / "summary").iterdir())
    # Jaccard needs two organisms on an axis: transfronteriza and seguridad_alimentaria.
    assert summary == ["convergence.svg", "jaccard_seguridad_alimentaria.svg", "jaccard_transfronteriza.svg"]

    on_disk = pd.read_csv(out / "manifest.csv", dtype={"number": int, "n_themes": int}, keep_default_na=False)
    pd.testing.assert_frame_equal(on_disk, manifest, check_dtype=False)

    themes = pd.read_csv(out / "themes.csv", dtype=str, keep_default_na=False)
    assert list(themes.columns) == appendix.THEMES_COLUMNS
    # Formula-like text is neutralised in the export, never dropped.
    assert "'=Agricultura familiar" in set(themes["theme"])
    assert themes.loc[themes["theme"] == "Pasos de frontera", "region"].tolist() == ["CAN;SELA"]


def test_every_theme_of_every_cell_is_in_themes_csv(tmp_path):
    sample = pd.read_csv(SAMPLE, sep="\t", dtype=str, keep_default_na=False).assign(round="2024")
    sample = sample[sample["axis"] == "riesgo_desastres"]
    appendix.build_appendix(sample, tmp_path, formats=("svg",), jobs=1)
    themes = pd.read_csv(tmp_path / "themes.csv", dtype=str, keep_default_na=False)
    for number, cell in enumerate(appendix.plan_cells(sample), start=1):
        listed = themes.loc[themes["number"] == str(number)]
        expected = set().union(*cell_contents(sample, cell["axis"], cell["criterion"]).values())
        assert set(listed["theme"]) == {("'" + t if t[:1] in "=+-@" else t) for t in expected}
        for theme, region in zip(listed["theme"], listed["region"]):
            orgs = [o for o, ts in cell["contents"].items() if theme in ts]
            assert region == ";".join(orgs)
    assert set(themes["placement"]) <= {"diagram", "table", "continuation"}


def test_appendix_pdf_has_a_title_page_uniform_pages_and_one_bookmark_per_figure(tidy_three, tmp_path):
    from pypdf import PdfReader

    appendix.build_appendix(tidy_three, tmp_path, formats=("png",), jobs=1)
    data = (tmp_path / "appendix.pdf").read_bytes()
    assert len(re.findall(rb"/Type /Page\b", data)) == 1 + 3  # title page + 3 diagrams
    assert (tmp_path / "01_cadenas_valor__reuniones.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    reader = PdfReader(tmp_path / "appendix.pdf")
    sizes = {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in reader.pages}
    assert sizes == {(round(16 / 2.54 * 72, 2), round(12 / 2.54 * 72, 2))}  # 453.54 x 340.16 pt
    outline = reader.outline
    assert len(outline) == 3
    assert [reader.get_destination_page_number(o) for o in outline] == [1, 2, 3]
    from mcr_analysis.plots import cell_title

    assert [o.title for o in outline] == [
        f"Figura {k}. {cell_title(a, c)}" for k, (a, c) in enumerate(
            [("cadenas_valor", "reuniones"), ("transfronteriza", "normas"), ("seguridad_alimentaria", "politicas")],
            start=1)]
    assert reader.metadata.title == taxonomy.text("appendix_title", "es")
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "Ronda 2024 · 3 figuras" in cover
    assert "reconstrucción" in cover  # the sample-data note


def test_heat_maps_take_the_diagrams_16_by_12_cm_page(tidy_three, tmp_path):
    from pypdf import PdfReader

    written = appendix._write_summary(tidy_three, "2024", str(tmp_path), "", ("pdf",), "es")
    assert "convergence.pdf" in written and any(name.startswith("jaccard_") for name in written)
    for name in written:
        page = PdfReader(tmp_path / name).pages[0]
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == (453.54, 340.16)


def test_a_companion_table_too_long_continues_on_extra_pages(tmp_path):
    long_themes = [f"Tema de cooperación número {i:02d} con un nombre largo de varias palabras" for i in range(60)]
    rows = [("CAN", "transfronteriza", "proyectos", t) for t in long_themes]
    rows += [("SICA", "transfronteriza", "proyectos", long_themes[0])]
    tidy = make_tidy(rows)
    manifest = appendix.build_appendix(tidy, tmp_path, formats=("svg", "pdf"), jobs=1)
    files = manifest.loc[0, "files"].split(";")
    assert files[:4] == ["01_transfronteriza__proyectos.svg", "01_transfronteriza__proyectos.pdf",
                         "01_transfronteriza__proyectos_cont1.svg", "01_transfronteriza__proyectos_cont1.pdf"]
    assert all((tmp_path / f).is_file() for f in files)
    from pypdf import PdfReader

    reader = PdfReader(tmp_path / "appendix.pdf")
    assert len(reader.pages) == 1 + len(files) // 2
    assert len(reader.outline) == 1  # one bookmark per figure, not per page
    themes = pd.read_csv(tmp_path / "themes.csv", dtype=str, keep_default_na=False)
    assert set(themes["placement"]) == {"diagram", "table", "continuation"}  # the shared one fits
    assert len(themes) == 60
    # A second run removes the stale continuation files with the diagrams.
    appendix.build_appendix(make_tidy(rows[:1]), tmp_path, formats=("svg",), jobs=1)
    assert not list(tmp_path.glob("*_cont*"))


def test_build_option_errors(tidy_three, tmp_path):
    with pytest.raises(ValueError, match=r"invalid formats \['gif'\]: expected some of svg, pdf, png"):
        appendix.build_appendix(tidy_three, tmp_path, formats=("gif",))
    with pytest.raises(ValueError, match="invalid kind 'pie': expected one of auto, venn, upset"):
        appendix.build_appendix(tidy_three, tmp_path, kind="pie")
    with pytest.raises(ValueError, match="invalid jobs 0: expected a whole number >= 1"):
        appendix.build_appendix(tidy_three, tmp_path, jobs=0)
    assert not any(tmp_path.iterdir())


def test_build_does_not_modify_the_tidy_table(tidy_three, tmp_path):
    before = tidy_three.copy()
    appendix.build_appendix(tidy_three, tmp_path, formats=("svg",), jobs=1)
    pd.testing.assert_frame_equal(tidy_three, before)


# ----------------------------------------------------------------------------- same bytes
def test_two_runs_serial_and_parallel_give_identical_svg_and_pdf(tidy_three, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "parallel"
    m1 = appendix.build_appendix(tidy_three, a, formats=("svg", "pdf"), jobs=1)
    appendix.build_appendix(tidy_three, b, formats=("svg", "pdf"), jobs=1)
    m3 = appendix.build_appendix(tidy_three, c, formats=("svg", "pdf"), jobs=2)
    da = digests(a)
    assert len(da) == 2 * 3 + 1 + 2 * 3  # diagrams, appendix.pdf, summary figures
    assert da == digests(b) == digests(c)
    pd.testing.assert_frame_equal(m1, m3)
    for name in ("manifest.csv", "themes.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes() == (c / name).read_bytes()


def test_no_theme_of_the_sample_data_is_dropped_from_the_figures():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    from mcr_analysis import plots

    sample = pd.read_csv(SAMPLE, sep="\t", dtype=str, keep_default_na=False).assign(round="2024")
    for cell in appendix.plan_cells(sample):
        with plots.style():
            drawn = plots.draw_cell(cell["contents"], axis=cell["axis"], criterion=cell["criterion"],
                                    fig=Figure())
        shown = "".join("".join(t.get_text() for t in drawn.fig.findobj(Text)).split())
        for theme in set().union(*cell["contents"].values()):
            assert "".join(theme.split()) in shown, (cell["stem"], theme)
        if drawn.kind == "venn":  # every written line lies inside its region, as rendered
            renderer = FigureCanvasAgg(drawn.fig).get_renderer()
            lay = drawn.drawing.layout
            for key, text in drawn.drawing.region_texts.items():
                for px, py in _line_boxes(text, renderer):
                    for shape, organism in zip(lay.shapes, lay.organisms):
                        assert (shape.contains(px, py) == (organism in key)).all(), (cell["stem"], key)
        assert drawn.title.get_text().replace("—\n", "— ") == plots.cell_title(cell["axis"], cell["criterion"])


# ----------------------------------------------------------------------------- issue 10
def test_an_interrupted_build_leaves_the_previous_appendix_untouched(tidy_three, tmp_path, monkeypatch):
    out = tmp_path / "appendix"
    appendix.build_appendix(tidy_three, out, formats=("svg",), jobs=1)
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    real, drawn = appendix._render_cell, []

    def fail_on_the_third_cell(cell, paths, *args):
        drawn.append(cell["stem"])
        if len(drawn) == 3:
            raise KeyboardInterrupt("interrupted")
        return real(cell, paths, *args)

    monkeypatch.setattr(appendix, "_render_cell", fail_on_the_third_cell)
    with pytest.raises(KeyboardInterrupt):
        appendix.build_appendix(tidy_three, out, formats=("svg", "png"), lang="en", jobs=1)
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert after == before  # same files, same bytes: no new PNG, no temporary or lock file


def test_stale_diagrams_go_only_when_the_new_set_is_written(tidy_three, tmp_path):
    out = tmp_path / "appendix"
    appendix.build_appendix(tidy_three, out, formats=("svg",), jobs=1)
    one = tidy_three[tidy_three["axis"] == "cadenas_valor"]
    appendix.build_appendix(one, out, formats=("svg",), jobs=1)
    assert sorted(p.name for p in out.iterdir()) == [
        "01_cadenas_valor__reuniones.svg", "appendix.pdf", "manifest.csv", "summary", "themes.csv"]
    assert sorted(p.name for p in (out / "summary").iterdir()) == ["convergence.svg"]


def test_emoji_cjk_and_very_long_themes_are_in_the_manifest_and_themes_csv(tmp_path):
    long = ("Integración fronteriza " * 1500)[:32_767]
    tidy = make_tidy([
        ("CAN", "transfronteriza", "normas", "🌊🌽"),
        ("SICA", "transfronteriza", "normas", "🌊🌽"),
        ("SICA", "transfronteriza", "normas", "水资源管理"),
        ("CAN", "transfronteriza", "normas", long),
    ])
    manifest = appendix.build_appendix(tidy, tmp_path, formats=("svg",), jobs=1)
    assert manifest["n_themes"].tolist() == [3]
    themes = pd.read_csv(tmp_path / "themes.csv", dtype=str, keep_default_na=False)
    assert sorted(zip(themes["theme"], themes["region"])) == sorted(
        [("🌊🌽", "CAN;SICA"), ("水资源管理", "SICA"), (long, "CAN")])


def test_an_unusable_source_date_epoch_does_not_reach_the_workers(tidy_three, tmp_path, monkeypatch):
    # numpy's f2py (imported with scipy by matplotlib-venn) reads it as an int in every worker.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a date")
    manifest = appendix.build_appendix(tidy_three, tmp_path, formats=("svg",), jobs=2)
    assert manifest["kind"].tolist() == ["venn"] * 3
    assert __import__("os").environ["SOURCE_DATE_EPOCH"] == "not a date"  # restored for the caller


# ----------------------------------------------------------------------------- several rounds
def test_two_rounds_carry_the_round_in_names_titles_and_folders(tidy_three, tmp_path):
    later = make_tidy([("CAN", "energia_sostenible", "normas", "Hidrógeno")]).assign(round="2025")
    both = pd.concat([tidy_three, later], ignore_index=True)
    cells = appendix.plan_cells(both, round="2024")
    assert [c["stem"] for c in cells][:1] == ["01_cadenas_valor__reuniones_2024"]
    assert {c["title_suffix"] for c in cells} == {" (2024)"}
    assert appendix.plan_cells(tidy_three)[0]["title_suffix"] == ""  # one round: names as before
    first = appendix.build_appendix(both, tmp_path, formats=("svg",), jobs=1, round="2024")
    second = appendix.build_appendix(both, tmp_path, formats=("svg",), jobs=1)  # latest: 2025
    # each round in its own folder; the 2025 run leaves the 2024 figures alone
    assert sorted(p.name for p in (tmp_path / "2024").glob("*.svg")) == [
        "01_cadenas_valor__reuniones_2024.svg", "02_transfronteriza__normas_2024.svg",
        "03_seguridad_alimentaria__politicas_2024.svg"]
    assert sorted(p.name for p in (tmp_path / "2025").glob("*.svg")) == ["01_energia_sostenible__normas_2025.svg"]
    assert first["title"].iloc[0] == plots.cell_title("cadenas_valor", "reuniones") + " (2024)"
    assert second["title"].tolist() == [plots.cell_title("energia_sostenible", "normas") + " (2025)"]
    from matplotlib.figure import Figure

    drawn = plots.draw_cell(cells[0]["contents"], axis="cadenas_valor", criterion="reuniones", fig=Figure(),
                            title_suffix=cells[0]["title_suffix"])
    assert drawn.title.get_text().endswith(taxonomy.criterion_label("reuniones") + " (2024)")


        # (without a number: the appendix numbers its figures, draw_cell only when asked)
