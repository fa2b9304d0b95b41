"""Summary heat maps: values equal the scores, labels, missing cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from mcr_analysis import heatmaps, plots, scores, taxonomy


def test_convergence_heatmap_cells_equal_the_scores(tidy_small):
    table = scores.convergence_table(tidy_small)
    with plots.style():
        fig = Figure()
        hm = heatmaps.convergence_heatmap(table, ax=fig.add_subplot(), lang="en")
    assert list(hm.values.index) == taxonomy.axes().ids
    assert list(hm.values.columns) == taxonomy.criteria().ids
    got = hm.values.loc["transfronteriza", "proyectos"]
    # CAN {a, b}, SICA {a, c}, SELA {a}: k(a) = 3, k(b) = k(c) = 1 over 3 organisms.
    assert got == pytest.approx(((3 - 1) + 0 + 0) / ((3 - 1) * 3))
    row = table[(table["axis"] == "transfronteriza") & (table["criterion"] == "proyectos")]
    assert got == pytest.approx(float(row["convergence_index"].iloc[0]))
    image = np.ma.filled(hm.image.get_array().astype(float), np.nan)
    i, j = taxonomy.axes().ids.index("transfronteriza"), taxonomy.criteria().ids.index("proyectos")
    assert image[i, j] == pytest.approx(got)
    # Every finite cell is annotated with its value; the others are hatched "no data".
    finite = int(np.isfinite(hm.values.to_numpy()).sum())
    assert len(hm.annotations) == finite and len(hm.missing) == 36 - finite
    assert f"{got:.2f}" in [t.get_text() for t in hm.annotations]
    assert hm.ax.get_legend().get_texts()[0].get_text() == "No data"

def test_convergence_heatmap_spanish_decimal_comma_and_labels():
    table = pd.DataFrame({"round": ["2024"], "axis": ["cadenas_valor"], "criterion": ["normas"],
                          "convergence_index": [0.25]})
    with plots.style():
        fig = Figure()
        hm = heatmaps.convergence_heatmap(table, ax=fig.add_subplot())
    assert [t.get_text() for t in hm.annotations] == ["0,25"]
    assert hm.ax.get_yticklabels()[0].get_text() == "Cadenas productivas de valor"
    assert hm.ax.get_title() == "Índice de convergencia por eje y criterio"
    assert hm.colorbar.ax.get_ylabel() == "Índice de convergencia"
    fig.canvas.draw()  # tick labels are formatted at draw time
    ticks = [t.get_text() for t in hm.colorbar.ax.get_yticklabels()]
    assert ticks == ["0,0", "0,2", "0,4", "0,6", "0,8", "1,0"]


def test_colorbar_ticks_use_a_decimal_point_in_english():
    table = pd.DataFrame({"round": ["2024"], "axis": ["cadenas_valor"], "criterion": ["normas"],
                          "convergence_index": [0.25]})
    with plots.style():
        fig = Figure()
        hm = heatmaps.convergence_heatmap(table, ax=fig.add_subplot(), lang="en")
        fig.canvas.draw()
    assert [t.get_text() for t in hm.annotations] == ["0.25"]
    assert [t.get_text() for t in hm.colorbar.ax.get_yticklabels()][-1] == "1.0"


def test_convergence_heatmap_picks_latest_round_and_checks_columns():
    table = pd.DataFrame({"round": ["2024", "2025"], "axis": ["cadenas_valor"] * 2,
                          "criterion": ["normas"] * 2, "convergence_index": [0.25, 0.75]})
    with plots.style():
        hm = heatmaps.convergence_heatmap(table, ax=Figure().add_subplot())
        old = heatmaps.convergence_heatmap(table, round="2024", ax=Figure().add_subplot())
    assert hm.values.loc["cadenas_valor", "normas"] == 0.75
    assert old.values.loc["cadenas_valor", "normas"] == 0.25
    with pytest.raises(ValueError, match=r"convergence scores lack columns \['convergence_index'\]"):
        heatmaps.convergence_heatmap(table.drop(columns="convergence_index"))

def test_jaccard_heatmap_symmetric_with_unit_diagonal(tidy_small):
    pairwise = scores.pairwise_table(tidy_small)
    with plots.style():
        hm = heatmaps.jaccard_heatmap(pairwise, axis="transfronteriza", criterion="proyectos",
                                   ax=Figure().add_subplot(), lang="en")
    orgs = ["CAN", "SELA", "SICA"]
    assert list(hm.values.index) == orgs == list(hm.values.columns)
    m = hm.values.to_numpy()
    assert np.allclose(np.diag(m), 1.0) and np.allclose(m, m.T)
    # CAN {a, b} vs SICA {a, c}: 1 shared of 3; CAN vs SELA {a}: 1 of 2.
    assert hm.values.loc["CAN", "SICA"] == pytest.approx(1 / 3)
    assert hm.values.loc["SELA", "CAN"] == pytest.approx(1 / 2)
    assert sorted(t.get_text() for t in hm.annotations).count("1.00") == 3
    assert hm.ax.get_title().endswith("Cross-border integration and physical infrastructure — Projects")

def test_jaccard_heatmap_pooled_axis_and_missing_rows(tidy_small):
    pairwise = scores.pairwise_table(tidy_small)
    with plots.style():
        hm = heatmaps.jaccard_heatmap(pairwise, axis="transfronteriza", ax=Figure().add_subplot())
    # Pooled: CAN {a, b, x} vs SICA {a, c}: 1 shared of 4.
    assert hm.values.loc["CAN", "SICA"] == pytest.approx(1 / 4)
    with pytest.raises(ValueError, match="no pairwise scores for axis 'energia_sostenible', criterion '\\*'"):
        heatmaps.jaccard_heatmap(pairwise, axis="energia_sostenible")

# ----------------------------------------------------------------------------- saving


# ----------------------------------------------------------------------------- counts, caption, source
def test_convergence_cells_show_active_over_expected_organisms(tidy_small):
    # transfronteriza: CAN, SICA, SELA have rows; the participation table lists AEC, ALADI, CAN,
    # MERCOSUR, SELA, SICA, so E = 6 organisms (issue 11); proyectos: 3 active of 6,
    # normas: CAN only (index undefined, still counted "1/6").
    table = scores.convergence_table(tidy_small)
    with plots.style():
        fig = Figure(layout="constrained")
        hm = heatmaps.convergence_heatmap(table, ax=fig.add_subplot())
    texts = {(round(t.get_position()[0]), round(t.get_position()[1])): t.get_text() for t in hm.details}
    i = taxonomy.axes().ids.index("transfronteriza")
    crit = taxonomy.criteria().ids
    assert texts == {(crit.index("proyectos"), i): "3/6", (crit.index("normas"), i): "1/6"}
    assert all(t.get_fontsize() >= 6 for t in hm.details + hm.annotations)


def test_heatmaps_define_their_index_and_carry_the_source_line(tidy_small):
    table = scores.convergence_table(tidy_small)
    pairwise = scores.pairwise_table(tidy_small)
    with plots.style():
        conv = heatmaps.convergence_heatmap(table, ax=Figure(layout="constrained").add_subplot())
        jac = heatmaps.jaccard_heatmap(pairwise, axis="transfronteriza", lang="en",
                                       ax=Figure(layout="constrained").add_subplot())
        own = heatmaps.jaccard_heatmap(pairwise, axis="transfronteriza", criterion="proyectos",
                                       source_line="Fuente: SELA.", ax=Figure(layout="constrained").add_subplot())
        bare = heatmaps.convergence_heatmap(table, caption=False, ax=Figure().add_subplot())
    flat = " ".join(conv.caption.get_text().split())
    assert flat.startswith("Índice de convergencia: proporción media de los otros organismos activos")
    assert "organismos con temas / organismos con filas en el eje" in flat
    assert flat.endswith(" ".join(plots.default_source_line("es").split()))
    assert conv.caption.get_text() == conv.ax.figure.get_supxlabel()
    jflat = " ".join(jac.caption.get_text().split())
    assert "with the themes of all criteria of the axis pooled" in jflat
    assert " ".join(jac.ax.get_title().split()).endswith("(all criteria pooled)")
    assert "illustrative reconstruction" in jflat
    oflat = " ".join(own.caption.get_text().split())
    assert oflat.endswith("temas de uno u otro, en este criterio. Fuente: SELA.")
    assert bare.caption is None and bare.ax.figure.get_supxlabel() == ""


def test_caption_stays_inside_the_figure(tidy_small):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    table = scores.convergence_table(tidy_small)
    with plots.style():
        fig = Figure(figsize=(16 / 2.54, 12 / 2.54), layout="constrained")  # the appendix's page
        heatmaps.convergence_heatmap(table, ax=fig.add_subplot())
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        box = fig.get_tightbbox(canvas.get_renderer())
    assert box.x0 >= -0.01 and box.x1 <= 16 / 2.54 + 0.01 and box.y0 >= -0.01 and box.y1 <= 12 / 2.54 + 0.01


def test_spanish_heatmaps_of_the_sample_have_no_english_word():
    """Every text of the convergence map and of each axis' Jaccard map, drawn in Spanish on the sample."""
    from matplotlib.text import Text
    from test_plots import english_words

    from mcr_analysis import config, ingest

    tidy = ingest.load_submissions(config.RAW_DIR).tidy
    table, pairwise = scores.convergence_table(tidy), scores.pairwise_table(tidy)
    texts = []
    with plots.style():
        figures = [heatmaps.convergence_heatmap(table, ax=Figure(layout="constrained").add_subplot()).ax.figure]
        for axis in taxonomy.axes().ids:
            figures.append(heatmaps.jaccard_heatmap(pairwise, axis=axis,
                                                    ax=Figure(layout="constrained").add_subplot()).ax.figure)
    for fig in figures:
        texts += [t.get_text() for t in fig.findobj(Text) if t.get_text().strip()]
    assert len(figures) == 7 and len(texts) > 100
    assert english_words(texts) == set()
