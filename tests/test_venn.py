"""Venn layout and drawing: artists, region texts, geometry and the no-theme-dropped rule."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_rgb

from mcr_analysis import _venn_geometry as geo
from mcr_analysis import _venn_text as vtext
from mcr_analysis import sets
from mcr_analysis.taxonomy import MCRDataError, palette
from mcr_analysis.venn import BULLET, REGION_JOIN, draw_venn, venn_layout

ORGS = ["CAN", "SICA", "SELA", "MERCOSUR", "OTCA", "ALADI"]
BIG = (40.0, 30.0)  # cm: room enough for short themes to be written in full


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _exact_regions(contents: dict) -> dict:
    """Expected themes of every region by set arithmetic: in all members, in no other set."""
    orgs = list(contents)
    out = {}
    for r in range(1, len(orgs) + 1):
        for key in itertools.combinations(orgs, r):
            inside = set.intersection(*(set(contents[o]) for o in key))
            others = set().union(*(set(contents[o]) for o in orgs if o not in key))
            out[key] = inside - others
    return out


def _flat(s: str) -> str:
    return " ".join(s.split())


def test_regions_get_exactly_the_themes_of_their_organisms(tidy_small):
    contents = sets.cell_contents(tidy_small, "transfronteriza", "proyectos")
    lay = venn_layout(contents, size_cm=BIG)
    assert lay.organisms == ("CAN", "SELA", "SICA")  # cell_contents sorts by id
    expected = _exact_regions(contents)
    assert {k: set(r.themes) for k, r in lay.regions.items()} == expected
    # Hand check of the fixture: a is everywhere (written "a", "A", "á": the tie goes to
    # the alphabetically first wording, "A"), b only CAN, c only SICA.
    assert lay.regions[("CAN", "SELA", "SICA")].themes == ("A",)
    assert lay.regions[("CAN",)].themes == ("b",)
    assert lay.regions[("SICA",)].themes == ("c",)
    assert len(lay.regions) == 2**3 - 1


def test_region_texts_list_the_themes_and_empty_regions_show_nothing():
    contents = {
        "CAN": frozenset({"Aduanas", "Pasos de frontera", "Ríos"}),
        "SICA": frozenset({"Aduanas", "Energía"}),
    }
    fig = plt.figure(figsize=(BIG[0] / 2.54, BIG[1] / 2.54))
    drawing = draw_venn(contents, ax=fig.add_axes((0, 0, 1, 1)))
    texts = {k: t.get_text() for k, t in drawing.region_texts.items()}
    assert texts == {
        ("CAN",): BULLET + "Pasos de frontera\n" + BULLET + "Ríos",
        ("SICA",): "Energía",
        ("CAN", "SICA"): "Aduanas",
    }
    assert drawing.overflow.empty
    assert list(drawing.overflow.columns) == ["organisms", "theme", "key"]


def test_region_with_no_theme_has_no_text():
    drawing = draw_venn({"CAN": {"a"}, "SICA": {"b"}})
    assert set(drawing.region_texts) == {("CAN",), ("SICA",)}
    assert drawing.layout.region_text(("CAN", "SICA")) == ""


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_one_patch_per_organism_in_its_palette_colour(n):
    contents = {o: frozenset({f"t{i}", "shared"}) for i, o in enumerate(ORGS[:n])}
    drawing = draw_venn(contents)
    colours = palette()
    assert list(drawing.patches) == ORGS[:n]
    for organism, patch in drawing.patches.items():
        assert patch.axes is drawing.ax
        assert to_rgb(patch.get_edgecolor()) == to_rgb(colours[organism])
    assert {o: t.get_text() for o, t in drawing.set_labels.items()} == {o: o for o in ORGS[:n]}
    assert drawing.ax.get_aspect() == 1.0
    assert not drawing.ax.axison


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_one_overlap_rule_for_every_number_of_sets(n):
    # Every set: a fill in its colour at the same opacity (stacking in the overlaps) under a
    # full-strength outline with no fill; no region is painted a colour of its own.
    contents = {o: frozenset({f"t{i}", "shared"}) for i, o in enumerate(ORGS[:n])}
    drawing = draw_venn(contents)
    colours = palette()
    assert list(drawing.fills) == ORGS[:n]
    for organism in ORGS[:n]:
        fill, outline = drawing.fills[organism], drawing.patches[organism]
        assert fill.get_facecolor() == pytest.approx((*to_rgb(colours[organism]), 0.25))
        assert fill.get_linewidth() == 0
        assert outline.get_facecolor()[3] == 0 and outline.get_linewidth() == 1.2
        assert (fill.center, fill.width, fill.height, fill.angle) == (
            outline.center, outline.width, outline.height, outline.angle)
        assert fill.get_zorder() < outline.get_zorder()
    assert len(drawing.ax.patches) == 2 * n  # nothing else is filled


def test_custom_colours_are_used():
    drawing = draw_venn({"X": {"a"}, "Y": {"a", "b"}}, colors={"X": "#000000", "Y": "#ff0000"})
    assert to_rgb(drawing.patches["Y"].get_edgecolor()) == (1.0, 0.0, 0.0)
    assert to_rgb(drawing.fills["Y"].get_facecolor()) == (1.0, 0.0, 0.0)


def test_two_and_three_sets_use_matplotlib_venn_unweighted_circles():
    from matplotlib_venn.layout.venn2 import DefaultLayoutAlgorithm as Layout2
    from matplotlib_venn.layout.venn3 import DefaultLayoutAlgorithm as Layout3

    for n, algo in ((2, Layout2), (3, Layout3)):
        lay = venn_layout({o: {"a"} for o in ORGS[:n]})
        ones = (1,) * (2**n - 1)
        ref = algo(fixed_subset_sizes=ones)(ones)
        assert [(s.x, s.y, s.a, s.b) for s in lay.shapes] == [
            (float(c.x), float(c.y), float(r), float(r)) for c, r in zip(ref.centers, ref.radii)
        ]
        counts = np.bincount(geo.sample(lay.shapes, cells=400).code.ravel(), minlength=2**n)[1:]
        by_degree = {}
        for code, count in enumerate(counts, start=1):
            by_degree.setdefault(bin(code).count("1"), []).append(count)
        # Same data-independent picture: regions of the same degree have the same area.
        for areas in by_degree.values():
            assert max(areas) / min(areas) < 1.01
        if n == 2:  # and for two sets all three regions are equal
            assert counts.max() / counts.min() < 1.01


@pytest.mark.parametrize("n", [4, 5])
def test_ellipses_have_all_regions(n):
    shapes, _ = geo.shapes_for(n)
    x0, x1, y0, y1 = geo.shapes_bounds(shapes)
    px, py = np.meshgrid(np.linspace(x0, x1, 700), np.linspace(y0, y1, 700))
    code = np.zeros(px.shape, dtype=int)
    for i, s in enumerate(shapes):
        code |= s.contains(px, py).astype(int) << i
    counts = np.bincount(code.ravel(), minlength=2**n)
    assert (counts[1:] > 0).all(), [f"{c:0{n}b}" for c in range(1, 2**n) if counts[c] == 0]
    # Every region is more than a sliver: at least 0.3 % of the union.
    assert counts[1:].min() > 0.003 * counts[1:].sum()


def test_every_region_of_four_ellipses_holds_a_label():
    # The smallest of the 15 regions holds a circle of radius 0.15 (the major semi-axis is 1;
    # about 24 pt on the printed page), nearly twice the 0.085 of the first, rounder layout.
    grid = geo.sample(geo.shapes_for(4)[0], cells=400)
    inradius = [grid.clearance[grid.code == code].max() for code in range(1, 16)]
    assert min(inradius) > 0.15


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_region_anchors_lie_inside_their_region(n):
    contents = {o: frozenset({f"t{i}"}) for i, o in enumerate(ORGS[:n])}
    lay = venn_layout(contents)
    for key, region in lay.regions.items():
        x, y = np.array([region.anchor[0]]), np.array([region.anchor[1]])
        inside = tuple(o for o, s in zip(lay.organisms, lay.shapes) if s.contains(x, y)[0])
        assert inside == key


def test_crowded_region_shows_count_and_lists_themes_in_overflow():
    themes = frozenset(f"Tema número {i} con un nombre largo" for i in range(12))
    contents = {"CAN": themes, "SICA": frozenset({"x"})}
    lay = venn_layout(contents, size_cm=(8.0, 5.0))
    assert lay.region_text(("CAN",), "es") == f"{len(themes)} temas"
    assert lay.region_text(("CAN",), "en") == f"{len(themes)} themes"
    assert lay.region_text(("SICA",), "es") == "x"
    assert list(lay.overflow["organisms"]) == ["CAN"] * len(themes)
    assert set(lay.overflow["theme"]) == themes


def test_single_theme_that_does_not_fit_says_one_theme():
    # 121 characters on one line (max_lines=1): about 2665 pt2 at 6 pt, more than the CAN-only
    # region's 2196 pt2 at 5.5 x 3.7 cm, so the count says "too many words for this region".
    theme = ("Una línea de acción con un nombre larguísimo que no cabe en una sola línea de la región "
             "del diagrama ni en dos ni en tres")
    contents = {"CAN": {theme}, "SICA": {"x"}}
    lay = venn_layout(contents, size_cm=(5.5, 3.7), max_lines=1)
    assert lay.region_text(("CAN",), "es") == "1 tema"
    assert lay.region_text(("CAN",), "en") == "1 theme"
    assert list(lay.overflow.itertuples(index=False, name=None)) == [("CAN", next(iter(contents["CAN"])), "")]


def test_themes_that_fit_a_slanted_region_only_along_it_are_written_along_it():
    # Figure 24 of the sample (interconexion_electrica / proyectos): SICA's own crescent of the
    # four-ellipse diagram is tilted at 32 degrees like SICA's ellipse; upright, neither wrapping of its
    # two themes fits, along it they do, as in the book's diagrams.
    contents = {"CAN": {"Financiamiento e infraestructura", "Interconexión de redes"},
                "MERCOSUR": {"Grupo de trabajo regulatorio", "Interconexión de redes"},
                "SELA": {"Financiamiento e infraestructura", "Grupo de trabajo regulatorio", "Interconexión de redes"},
                "SICA": {"Electromovilidad", "Financiamiento e infraestructura", "Mercado eléctrico regional"}}
    lay = venn_layout(contents, size_cm=(15.0, 8.8))
    sica = lay.regions[("SICA",)]
    assert sica.rotation == 32.0 and sica.shows_themes and not sica.short_count
    assert "".join(sica.lines).replace(BULLET, "").replace(" ", "") == "ElectromovilidadMercadoeléctricoregional"
    assert lay.overflow.empty
    assert {k: r.rotation for k, r in lay.regions.items() if r.themes and k != ("SICA",)} == {
        ("MERCOSUR", "SELA"): 0.0, ("CAN", "MERCOSUR", "SELA"): 0.0, ("CAN", "SELA", "SICA"): 0.0}
    fig = plt.figure(figsize=(15 / 2.54, 8.8 / 2.54))
    drawing = draw_venn(lay, ax=fig.add_axes((0, 0, 1, 1)))
    text = drawing.region_texts[("SICA",)]
    assert text.get_rotation() == 32.0 and text.get_rotation_mode() == "anchor"
    renderer = fig.canvas.get_renderer()
    for px, py in _line_boxes(text, renderer):  # every line, as rendered and turned, inside SICA alone
        for shape, organism in zip(lay.shapes, lay.organisms):
            assert (shape.contains(px, py) == (organism == "SICA")).all()
    plt.close(fig)


def test_circles_are_never_written_along():
    lay = venn_layout({"CAN": {f"Tema número {i} con un nombre largo" for i in range(12)}, "SICA": {"x"}},
                      size_cm=(8.0, 5.0))
    assert {r.rotation for r in lay.regions.values()} == {0.0}


def test_region_with_room_for_its_themes_but_not_their_shape_shows_a_key_not_a_count():
    # 56 characters on one line take about 1285 pt2 at 6 pt; the CAN-only crescent of a 6 x 4 cm
    # diagram has about 2800 pt2 but is too narrow for the line: it is keyed "(a)", never "1 tema".
    theme = "Una línea de acción con un nombre larguísimo que no cabe"
    lay = venn_layout({"CAN": {theme}, "SICA": {"x"}}, size_cm=(6.0, 4.0), max_lines=1)
    grid = geo.sample(lay.shapes)
    fitter = geo.RegionFitter(grid, 1, geo.scale_for(lay.limits, lay.size_cm), pad_pt=1.4)
    assert 2700 < fitter.area_pt2 < 2900
    assert 1200 < vtext.text_area_pt2((theme,), 6.0) < 1400
    assert lay.region_text(("CAN",), "es") == "(a)"
    assert lay.region_text(("CAN",), "en") == "(a)"
    assert lay.overflow.values.tolist() == [["CAN", theme, "a"]]


def test_region_too_small_for_its_count_shows_a_key_explained_in_the_overflow():
    # 2.2 x 1.5 cm: not even "1 tema" fits at 6 pt, so the regions show keys (a), (b) in region
    # order, never a bare number, and never a text under 6 pt.
    contents = {"CAN": {"Una línea de acción larguísima", "Otra"}, "SICA": {"Otra", "Tercera línea"}}
    lay = venn_layout(contents, size_cm=(2.2, 1.5), max_lines=1)
    assert [lay.region_text(k) for k in lay.regions] == ["(a)", "(b)", "(c)"]
    assert [r.mark for r in lay.regions.values()] == ["a", "b", "c"]
    assert all(r.fontsize >= 6.0 for r in lay.regions.values())
    assert lay.overflow.values.tolist() == [
        ["CAN", "Una línea de acción larguísima", "a"], ["SICA", "Tercera línea", "b"],
        ["CAN ∩ SICA", "Otra", "c"]]
    drawing = draw_venn(lay)
    halo = drawing.region_texts[("CAN",)].get_path_effects()
    assert len(halo) == 1  # a white halo keeps the key legible across an outline


def test_overflow_region_names_join_the_organisms():
    many = {f"theme {i:02d} with words" for i in range(15)}
    lay = venn_layout({"CAN": set(many), "SICA": set(many)}, size_cm=(4.0, 3.0))
    assert set(lay.overflow["organisms"]) == {"CAN" + REGION_JOIN + "SICA"}
    assert sorted(lay.overflow["theme"]) == sorted(many)


def test_organisms_without_themes_are_left_out():
    lay = venn_layout({"CAN": {"a"}, "SICA": set(), "SELA": {"a"}})
    assert lay.organisms == ("CAN", "SELA")


def test_input_is_not_mutated():
    contents = {"CAN": {"a", "b"}, "SICA": {"b"}}
    before = {k: set(v) for k, v in contents.items()}
    draw_venn(contents)
    assert contents == before


def test_layout_is_deterministic():
    contents = {o: frozenset({f"t{i}", f"u{i % 2}", "all"}) for i, o in enumerate(ORGS[:5])}
    a, b = venn_layout(contents), venn_layout(contents)
    assert a.limits == b.limits and a.set_labels == b.set_labels
    assert a.regions == b.regions


def test_no_organism_with_themes_is_an_error():
    with pytest.raises(ValueError, match=r"no organism has any theme in this cell \(organisms given: none\)"):
        venn_layout({})
    with pytest.raises(ValueError, match=r"organisms given: \['CAN'\]"):
        venn_layout({"CAN": frozenset()})


def test_more_than_five_organisms_is_an_error():
    with pytest.raises(ValueError, match=r"at most 5 organisms, this cell has 6 .*UpSet"):
        venn_layout({o: {"a"} for o in ORGS})


def test_bad_inputs_are_errors():
    with pytest.raises(TypeError, match=r"themes of 'CAN' must be a set of strings, got the string 'abc'"):
        venn_layout({"CAN": "abc"})
    with pytest.raises(TypeError, match=r"contents must be a dict .* got list"):
        venn_layout([("CAN", {"a"})])
    with pytest.raises(ValueError, match=r"0 < min_fontsize <= fontsize; got .*min_fontsize=8"):
        venn_layout({"CAN": {"a"}}, fontsize=7, min_fontsize=8)
    with pytest.raises(ValueError, match=r"no colour for organism\(s\) \['XYZ'\]"):
        draw_venn({"XYZ": {"a"}})
    with pytest.raises(MCRDataError, match=r"unknown language 'fr'"):
        draw_venn({"CAN": {"a"}}, lang="fr")
    lay = venn_layout({"CAN": {"a"}})
    with pytest.raises(ValueError, match=r"fontsize=9 differs from the layout's 7.0"):
        draw_venn(lay, fontsize=9)


def test_theme_with_dollar_signs_is_not_mathtext():
    drawing = draw_venn({"CAN": {"Fondo de US$ 5 y $ 3"}}, ax=plt.figure(figsize=(6, 4)).add_axes((0, 0, 1, 1)))
    text = drawing.region_texts[("CAN",)]
    assert text.get_text() == "Fondo de US$ 5 y $ 3"
    assert text.get_parse_math() is False
    drawing.ax.figure.canvas.draw()  # would raise on a mathtext parse error


_THEMES = st.sampled_from(
    ["a", "Pasos de frontera", "Facilitación del comercio", "Ventanillas únicas de comercio exterior",
     "Gestión integrada del riesgo de desastres en zonas transfronterizas", "Ríos", "Energía", "x y z"]
)


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(1, 5),
    themes=st.lists(st.frozensets(_THEMES, min_size=1, max_size=6), min_size=5, max_size=5),
    size=st.sampled_from([(6.0, 4.0), (15.0, 9.0)]),
)
def test_no_theme_is_ever_dropped(n, themes, size):
    contents = dict(zip(ORGS[:n], themes))
    fig = plt.figure(figsize=(size[0] / 2.54, size[1] / 2.54))
    try:
        drawing = draw_venn(contents, ax=fig.add_axes((0, 0, 1, 1)))
        every = set().union(*contents.values())
        listed = set(drawing.overflow["theme"])
        written = {t for t in every if any(_flat(t) in _flat(x.get_text()) for x in drawing.region_texts.values())}
        assert written | listed == every
        # A region either writes all its themes or none (then all are in the overflow).
        for key, region in drawing.layout.regions.items():
            shown = drawing.layout.region_text(key)
            if region.themes and region.lines is None:
                assert not any(_flat(t) in _flat(shown) for t in region.themes if len(t) > 2)
                rows = drawing.overflow[drawing.overflow["organisms"] == REGION_JOIN.join(key)]
                assert sorted(rows["theme"]) == sorted(region.themes)
        assert sum(len(r.themes) for r in drawing.layout.regions.values()) == len(every)
    finally:
        plt.close(fig)


# ----------------------------------------------------------------------------- text fitting
def _line_boxes(text, renderer):
    """Sample points (xs, ys), in data coordinates, covering each rendered line of ``text``.

    From matplotlib's own layout: each line's width, height, descent and the
    start of its baseline relative to the anchor (already turned by the text's
    rotation); the box is turned the same way.
    """
    _, info, _ = text._get_layout(renderer)
    px, py = text.get_transform().transform(text.get_unitless_position())
    inv = text.axes.transData.inverted()
    t = np.deg2rad(text.get_rotation())
    c, s = np.cos(t), np.sin(t)
    out = []
    for _line, (w, h, d), (x, y) in info:
        u, v = np.meshgrid(np.linspace(0, w, 12), np.linspace(-d, h - d, 4))
        points = inv.transform(np.column_stack([px + x + (u * c - v * s).ravel(), py + y + (u * s + v * c).ravel()]))
        out.append((points[:, 0], points[:, 1]))
    return out


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_rendered_region_texts_stay_inside_their_region(n):
    themes = ["Mesas de trabajo intersecretarías", "Pasos de frontera", "Energía", "Alerta temprana",
              "Facilitación del comercio", "Ríos"]
    contents = {o: frozenset(themes[i: i + 2] + [f"Tema de {o}"]) for i, o in enumerate(ORGS[:n])}
    fig = plt.figure(figsize=(15 / 2.54, 10 / 2.54))
    drawing = draw_venn(contents, ax=fig.add_axes((0, 0, 1, 1)))
    renderer = fig.canvas.get_renderer()
    checked = 0
    for key, text in drawing.region_texts.items():
        for px, py in _line_boxes(text, renderer):
            for shape, organism in zip(drawing.layout.shapes, drawing.layout.organisms):
                assert (shape.contains(px, py) == (organism in key)).all(), (key, text.get_text())
            checked += 1
    assert checked >= len(drawing.region_texts)


def test_lone_long_theme_is_written_in_balanced_lines_not_counted():
    # The weak spot of the first layout: a lone theme in a large single-organism region of a
    # five-set diagram drawn at the book's page size showed "1 tema".
    lone = "Mesas de trabajo intersecretarías"
    contents = {"ALADI": {"x", "y"}, "CAN": {"x", "z"}, "MERCOSUR": {"y", "x"}, "SELA": {lone, "x"},
                "SICA": {"y", "x"}}
    lay = venn_layout(contents, size_cm=(15.0, 10.0))
    region = lay.regions[("SELA",)]
    assert region.lines is not None
    assert " ".join(region.lines) == lone
    assert region.align == "center"
    assert lay.overflow[lay.overflow["theme"] == lone].empty


def test_balanced_lines_minimise_the_widest_line():
    theme = "Sistema de intercambio de información regional"
    words = theme.split()
    for k in (1, 2, 3, 4):
        lines = vtext.balanced_lines(theme, k)
        assert " ".join(lines) == theme and len(lines) == k
        widest = max(vtext.width_pt(x, 10.0) for x in lines)
        # Every other way to break the words into k lines has a line at least as wide (brute force).
        for cut in itertools.combinations(range(1, len(words)), k - 1):
            bounds = (0, *cut, len(words))
            other = [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds)]
            assert widest <= max(vtext.width_pt(x, 10.0) for x in other) + 0.2


def test_candidates_for_one_and_several_themes():
    one = vtext.candidates(("Mesas de trabajo intersecretarías",), 30, 14)
    assert [len(c) for c in one] == [1, 2, 3, 4]
    assert vtext.candidates(("Mesas de trabajo intersecretarías",), 30, 2) == one[:2]
    several = vtext.candidates(("Aduanas", "Pasos de frontera"), 30, 14)
    assert several[0] == (BULLET + "Aduanas", BULLET + "Pasos de frontera")
    assert all(line.startswith((BULLET, "   ")) for c in several for line in c)
    assert len(set(several)) == len(several)  # no wrapping tried twice


def _circle_fitter(radius_pt: float, pad_pt: float = 1.0):
    shapes = (geo.Shape(0.0, 0.0, 1.0, 1.0),)
    return geo.RegionFitter(geo.sample(shapes, cells=400), 1, scale=radius_pt, pad_pt=pad_pt)


def test_place_block_fits_stacks_of_lines_in_a_circle():
    r = 100.0  # pt: a circle of radius 1 drawn at 100 pt per unit
    fitter = _circle_fitter(r)
    # One wide line fits across the middle, its centre at the circle's centre.
    x, y = fitter.place_block([(0.0, 0.0, 1.8 * r, 0.45 * r)])
    assert abs(x) < 0.02 and abs(y) < 0.02
    # Two such lines stacked do not: a 0.9 r high block reaches 0.45 r from the centre, where the
    # chord is 2 * sqrt(1 - 0.45**2) r = 1.79 r, narrower than the lines.
    assert 2 * (1 - 0.45**2) ** 0.5 < 1.8
    wide_over_wide = [(0.0, 0.225 * r, 1.8 * r, 0.45 * r), (0.0, -0.225 * r, 1.8 * r, 0.45 * r)]
    assert fitter.place_block(wide_over_wide) is None
    assert fitter.place_block([(0.0, 0.0, 1.8 * r, 0.9 * r)]) is None  # nor does one box that size
    # A wide line over a short one fits: the stack follows the outline, the wide line across the
    # middle and the short one below it (its chord at most 0.675 r away: 2 * sqrt(1 - 0.675**2) r = 1.48 r).
    wide_over_short = [(0.0, 0.225 * r, 1.8 * r, 0.45 * r), (0.0, -0.225 * r, 1.0 * r, 0.45 * r)]
    x, y = fitter.place_block(wide_over_short)
    for dx, dy, w, h in wide_over_short:  # every corner of every line inside the circle
        for sx, sy in itertools.product((-0.5, 0.5), repeat=2):
            assert np.hypot(x + (dx + sx * w) / r, y + (dy + sy * h) / r) < 1.0
    # Too big for the inscribed circle: rejected at once.
    assert fitter.place_block([(0.0, 0.0, 2.5 * r, 2.5 * r)]) is None
    with pytest.raises(ValueError, match="a text block needs at least one line box"):
        fitter.place_block([])


def test_shift_moves_a_mask_by_whole_cells():
    ok = np.zeros((5, 6), dtype=bool)
    ok[2, 3] = True
    moved = geo._shift(ok, 1, -2)  # out[iy, ix] = ok[iy - 2, ix + 1]
    assert np.argwhere(moved).tolist() == [[4, 2]]
    assert not geo._shift(ok, 10, 0).any()


# ----------------------------------------------------------------------------- long themes (issue 10)
LONG = ("Integración fronteriza " * 1500)[:32_767]


def test_shorten_cuts_between_words_with_an_ellipsis():
    assert vtext.shorten("Pasos   de\nfrontera") == "Pasos de frontera"
    assert vtext.shorten("Pasos de frontera integrados", 20) == "Pasos de frontera…"
    assert vtext.shorten("Pasos de frontera", 17) == "Pasos de frontera"  # exactly the limit: whole
    assert vtext.shorten("Supercalifragilístico", 8) == "Superca…"  # one word too long: cut inside it
    cut = vtext.shorten(LONG)
    # 8 x "Integración fronteriza " is 184 characters; the 9th "Integración" ends at 195.
    assert len(cut) == 196 and cut.endswith("fronteriza Integración…") and LONG.startswith(cut[:-1])


def test_a_32767_character_theme_is_fitted_with_bounded_work(monkeypatch):
    calls = []
    real = geo.RegionFitter.place_block

    def counting(self, boxes):
        calls.append(len(boxes))
        return real(self, boxes)

    monkeypatch.setattr(geo.RegionFitter, "place_block", counting)
    lay = venn_layout({"CAN": {LONG}, "SICA": {LONG, "Aduanas"}})
    # 3 regions; 4 font sizes (7 to 5.5 pt); the long theme has at most 14 candidate wrappings
    # (max_lines) plus one count label per size: at most 3 * 4 * (14 + 1) placements, each of
    # at most 14 lines.
    assert 0 < len(calls) <= 3 * 4 * 15 and max(calls) <= 14
    region = lay.regions[("CAN", "SICA")]
    assert region.themes == (LONG,)  # the full text stays with the region (and in the overflow)
    if region.lines is not None:
        assert " ".join(region.lines).endswith("…") and len(" ".join(region.lines)) <= vtext.MAX_FIGURE_CHARS
    else:
        assert list(lay.overflow["theme"]) == [LONG]


def test_candidates_of_a_long_theme_are_shortened_and_many_themes_give_no_list():
    options = vtext.candidates((LONG,), 30, 14)
    assert len(options) == 14 and all(len(" ".join(o)) <= vtext.MAX_FIGURE_CHARS for o in options)
    assert vtext.candidates(tuple(f"t{i}" for i in range(15)), 30, 14) == []  # 15 bullets > 14 lines
    assert vtext.candidates(("a", "b"), 30, 14)[0] == ("• a", "• b")


def test_companion_table_shortens_long_themes_and_keeps_the_rest():
    from mcr_analysis import plots

    overflow = pd.DataFrame({"region": ["CAN ∩ SICA", "CAN ∩ SICA"], "theme": [LONG, "Aduanas"]})
    lines = plots._table_lines(overflow, "es")
    # one paragraph per region (wrapped later to the page width): the header, then CAN ∩ SICA's
    assert lines[0] == "Temas por región del diagrama:" and len(lines) == 2
    head = "CAN ∩ SICA (2 temas): "
    assert lines[1].startswith(head) and lines[1].endswith("Integración…; Aduanas")
    # the long theme is cut between words to at most 200 characters, ellipsis included
    cut = lines[1][len(head):-len("; Aduanas")]
    assert len(cut) <= 200 and cut.endswith("…") and LONG.startswith(cut[:-1])
