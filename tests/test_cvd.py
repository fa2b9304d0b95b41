"""Colour-blind safety as drawn: Machado (2009) simulation, CIEDE2000, the organisms' palette."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb, to_rgba

from mcr_analysis import config, cvd, ingest, palette_doc, taxonomy
from mcr_analysis.venn import FILL_ALPHA, draw_venn

# Sharma, Wu and Dalal (2005), Table 1: the 34 CIEDE2000 test pairs (L, a, b) x 2 -> ΔE00.
SHARMA_2005 = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
    ((50.0000, 3.1571, -77.2803), (50.0000, 0.0000, -82.7485), 2.8615),
    ((50.0000, 2.8361, -74.0200), (50.0000, 0.0000, -82.7485), 3.4412),
    ((50.0000, -1.3802, -84.2814), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -1.1848, -84.8006), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -0.9009, -85.5211), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
    ((50.0000, -1.0000, 2.0000), (50.0000, 0.0000, 0.0000), 2.3669),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0010), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0011), 7.2195),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0012), 7.2195),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0009, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0010, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0011, -2.4900), 4.7461),
    ((50.0000, 2.5000, 0.0000), (50.0000, 0.0000, -2.5000), 4.3065),
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
    ((50.0000, 2.5000, 0.0000), (61.0000, -5.0000, 29.0000), 22.8977),
    ((50.0000, 2.5000, 0.0000), (56.0000, -27.0000, -3.0000), 31.9030),
    ((50.0000, 2.5000, 0.0000), (58.0000, 24.0000, 15.0000), 19.4535),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.1736, 0.5854), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2972, 0.0000), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 1.8634, 0.5757), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2592, 0.3350), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((61.2901, 3.7196, -5.3901), (61.4292, 2.2480, -4.9620), 1.8731),
    ((35.0831, -44.1164, 3.7933), (35.0232, -40.0716, 1.5901), 1.8645),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((36.4612, 47.8580, 18.3852), (36.2715, 50.5065, 21.2231), 1.4146),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286), 0.6377),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA_2005)
def test_ciede2000_matches_the_published_test_pairs(lab1, lab2, expected):
    assert float(cvd.ciede2000(lab1, lab2)) == pytest.approx(expected, abs=5e-5)
    assert float(cvd.ciede2000(lab2, lab1)) == pytest.approx(expected, abs=5e-5)  # symmetric


def test_ciede2000_is_vectorised():
    lab1 = np.array([p[0] for p in SHARMA_2005])
    lab2 = np.array([p[1] for p in SHARMA_2005])
    assert cvd.ciede2000(lab1, lab2) == pytest.approx([p[2] for p in SHARMA_2005], abs=5e-5)


def test_srgb_to_lab_of_reference_colours():
    # White is L=100, a=b=0 under D65; sRGB red is about (53.24, 80.09, 67.20).
    assert cvd.srgb_to_lab([1.0, 1.0, 1.0]) == pytest.approx([100.0, 0.0, 0.0], abs=1e-3)
    assert cvd.srgb_to_lab([1.0, 0.0, 0.0]) == pytest.approx([53.24, 80.09, 67.20], abs=0.02)
    assert cvd.srgb_to_lab([0.0, 0.0, 0.0]) == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)


def test_machado_simulation_keeps_greys_and_moves_red_as_published():
    for vision in ("deuteranopia", "protanopia", "tritanopia"):
        matrix = cvd.MACHADO_2009[vision]
        assert matrix.sum(axis=1) == pytest.approx([1, 1, 1], abs=2e-6)  # greys stay grey
        assert cvd.simulate("#777777", vision) == pytest.approx(to_rgb("#777777"), abs=1e-5)
    # Pure red under protanopia: linear (0.152286, 0.114503, -0.003882) -> sRGB, by hand:
    # 1.055 * 0.152286 ** (1 / 2.4) - 0.055 = 0.4266; 1.055 * 0.114503 ** (1 / 2.4) - 0.055 = 0.3727; 0.
    assert cvd.simulate("#FF0000", "protanopia") == pytest.approx([0.4266, 0.3727, 0.0], abs=2e-4)
    assert cvd.simulate("#FF0000", "normal") == pytest.approx([1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="unknown vision 'achromatopsia'; expected one of normal, deuteranopia"):
        cvd.simulate("#FF0000", "achromatopsia")


def test_on_white_is_alpha_compositing():
    assert cvd.on_white("#FF0000", 0.25) == pytest.approx([1.0, 0.75, 0.75])


def _pairs():
    return cvd.meeting_pairs(ingest.load_submissions(config.RAW_DIR).tidy)


def test_meeting_pairs_come_from_the_participation_table_and_the_data():
    pairs = cvd.meeting_pairs()
    # energia_sostenible expects MERCOSUR, OTCA, SELA, SICA: their 6 pairs are all in.
    for pair in [("MERCOSUR", "OTCA"), ("MERCOSUR", "SELA"), ("MERCOSUR", "SICA"),
                 ("OTCA", "SELA"), ("OTCA", "SICA"), ("SELA", "SICA")]:
        assert pair in pairs
    assert pairs == sorted(set(pairs)) and all(a < b for a, b in pairs)
    assert set(pairs) <= set(_pairs())


def _as_drawn(organisms: tuple[str, str]):
    """The outline and fill colours of two organisms as draw_venn paints them (RGBA)."""
    drawing = draw_venn({organisms[0]: {"a", "x"}, organisms[1]: {"b", "x"}})
    return drawing, {o: (drawing.patches[o].get_edgecolor(), drawing.fills[o].get_facecolor()) for o in organisms}


def test_outlines_of_organisms_that_can_meet_stay_apart_under_every_simulation():
    colours = taxonomy.palette()
    worst = {}
    for a, b in _pairs():
        _, drawn = _as_drawn((a, b))
        (edge_a, _), (edge_b, _) = drawn[a], drawn[b]
        assert edge_a[3] == 1.0 and edge_b[3] == 1.0  # outlines at full strength
        assert to_rgb(edge_a) == pytest.approx(to_rgb(colours[a]))
        for vision in cvd.VISIONS:
            de = float(cvd.ciede2000(cvd.srgb_to_lab(cvd.simulate(to_rgb(edge_a), vision)),
                                     cvd.srgb_to_lab(cvd.simulate(to_rgb(edge_b), vision))))
            worst[vision] = min(worst.get(vision, np.inf), de)
            assert de >= cvd.MIN_OUTLINE_DELTA_E, (a, b, vision, de)
    assert set(worst) == set(cvd.VISIONS)


def test_where_fills_come_close_the_figure_does_not_rely_on_fill_alone():
    close = []
    for a, b in _pairs():
        drawing, drawn = _as_drawn((a, b))
        (_, fill_a), (_, fill_b) = drawn[a], drawn[b]
        assert fill_a[3] == fill_b[3] == FILL_ALPHA  # the opacity used, the same for every set
        for vision in cvd.VISIONS:
            # The fill as it appears on white at the opacity drawn, then simulated.
            seen = [cvd.srgb_to_lab(cvd.simulate(cvd.on_white(f[:3], f[3]), vision)) for f in (fill_a, fill_b)]
            if float(cvd.ciede2000(*seen)) < cvd.MIN_FILL_DELTA_E:
                close.append((a, b, vision))
                # Then each set keeps a full-strength outline in its colour and its own label.
                for o in (a, b):
                    edge = drawing.patches[o]
                    assert edge.get_edgecolor()[3] == 1.0 and edge.get_linewidth() >= 1.0
                    assert drawing.set_labels[o].get_text() == o
    # Hand check of the palette at opacity 0.25: MERCOSUR's green and OTCA's pink fills become
    # near-identical greys under deuteranopia (the case of issue 14), MERCOSUR-SELA under tritanopia.
    assert ("MERCOSUR", "OTCA", "deuteranopia") in close
    assert ("MERCOSUR", "SELA", "tritanopia") in close


def test_every_organism_colour_is_a_valid_colour_once():
    colours = taxonomy.palette()
    for org, colour in colours.items():
        assert to_rgba(colour)[3] == 1.0, org
    assert len(set(colours.values())) == len(colours)


def test_docs_palette_is_up_to_date():
    doc = Path(config.PROJECT_ROOT) / "docs" / "palette.md"
    assert doc.read_text(encoding="utf-8") == palette_doc.palette_markdown(), (
        "docs/palette.md is stale: run python -m mcr_analysis.palette_doc docs")
    assert (doc.parent / "palette.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_palette_summary_names_the_closest_pairs():
    summary = palette_doc.palette_summary().set_index("vision")
    assert list(summary.index) == list(cvd.VISIONS)
    assert summary.loc["deuteranopia", "fill_pair"] == "MERCOSUR–OTCA"
    assert summary.loc["deuteranopia", "fill_min"] < cvd.MIN_FILL_DELTA_E
    assert (summary["outline_min"] >= cvd.MIN_OUTLINE_DELTA_E).all()
