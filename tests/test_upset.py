"""UpSet data and our own renderer: bars, dot matrix, colours, themes table, no warnings."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb

from mcr_analysis import sets
from mcr_analysis.taxonomy import MCRDataError, palette, text
from mcr_analysis.upset import REGION_JOIN, draw_upset, upset_data, upset_themes

ORGS = ["CAN", "SICA", "SELA", "MERCOSUR", "OTCA", "ALADI", "ALBA-TCP", "CARICOM"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _contents(n: int) -> dict:
    """Organism i has themes t0..t{i}, plus "only-<org>" and, for even i, "even"."""
    out = {}
    for i, o in enumerate(ORGS[:n]):
        themes = {f"t{j}" for j in range(i + 1)} | {f"only-{o}"}
        if i % 2 == 0:
            themes.add("even")
        out[o] = frozenset(themes)
    return out


def _exclusive(contents: dict) -> dict:
    """Theme -> tuple of exactly the organisms having it (in contents order)."""
    every = set().union(*contents.values())
    return {t: tuple(o for o in contents if t in contents[o]) for t in every}


def test_upset_data_from_the_fixture(tidy_small):
    contents = sets.cell_contents(tidy_small, "transfronteriza", "proyectos")
    data = upset_data(contents)
    # CAN {A, b}, SELA {A}, SICA {A, c}: b and c alone, A shared by all three.
    assert data[["organisms", "degree", "size"]].values.tolist() == [
        [("CAN",), 1, 1], [("SICA",), 1, 1], [("CAN", "SELA", "SICA"), 3, 1],
    ]
    assert data["themes"].tolist() == [("b",), ("c",), ("A",)]


@pytest.mark.parametrize("n", [1, 2, 6, 8])
def test_sizes_equal_exclusive_intersections_and_order_is_documented(n):
    contents = _contents(n)
    data = upset_data(contents)
    expected = {}
    for theme, key in _exclusive(contents).items():
        expected.setdefault(key, set()).add(theme)
    assert {k: set(t) for k, t in zip(data["organisms"], data["themes"])} == expected
    assert data["size"].tolist() == [len(expected[k]) for k in data["organisms"]]
    assert data["degree"].tolist() == [len(k) for k in data["organisms"]]
    order = [(len(k), -len(expected[k]), [ORGS.index(o) for o in k]) for k in data["organisms"]]
    assert order == sorted(order)


@pytest.mark.parametrize("n", [1, 2, 6, 8])
def test_bars_dots_and_colours(n):
    contents = _contents(n)
    drawing = draw_upset(contents)
    data = drawing.data
    # Intersection bars: one per intersection, heights = sizes counted by hand, labelled.
    expected_sizes = {}
    for key in _exclusive(contents).values():
        expected_sizes[key] = expected_sizes.get(key, 0) + 1
    assert [b.get_height() for b in drawing.bars] == [expected_sizes[k] for k in data["organisms"]]
    assert [t.get_text() for t in drawing.bar_labels] == [str(expected_sizes[k]) for k in data["organisms"]]
    # Dot matrix: member pattern, members dark and joined, non-members light.
    for (organism, col), (_, _, is_member) in drawing.dots.items():
        assert is_member == (organism in data["organisms"][col])
    n_members = int(data["degree"].sum())
    assert len(drawing.member_dots.get_offsets()) == n_members
    assert len(drawing.other_dots.get_offsets()) == n * len(data) - n_members
    assert len(drawing.lines) == int((data["degree"] > 1).sum())
    # Set sizes in the organism's colour, labelled with its id, first organism on top.
    colours = palette()
    assert list(drawing.set_bars) == ORGS[:n]
    for o, bar in drawing.set_bars.items():
        assert bar.get_width() == len(contents[o])
        assert to_rgb(bar.get_facecolor()) == to_rgb(colours[o])
    assert [t.get_text() for t in drawing.set_labels.values()] == ORGS[:n]
    ys = [bar.get_y() for bar in drawing.set_bars.values()]
    assert ys == sorted(ys, reverse=True)
    # On two lines when the bar panel is too short for it on one.
    assert " ".join(drawing.axes["intersections"].get_ylabel().split()) == text("upset_intersection_size", "es")
    drawing.fig.canvas.draw()  # renders without error or warning


def test_member_dots_sit_on_their_rows():
    contents = {"CAN": {"a", "b"}, "SICA": {"b"}, "SELA": {"c"}}
    drawing = draw_upset(contents)
    rows = {o: bar.get_y() + bar.get_height() / 2 for o, bar in drawing.set_bars.items()}
    members = {tuple(p) for p in np.asarray(drawing.member_dots.get_offsets()).tolist()}
    expected = {
        (float(col), rows[o])
        for col, key in enumerate(drawing.data["organisms"])
        for o in key
    }
    assert members == expected


def test_every_theme_is_in_the_themes_table():
    contents = _contents(6)
    drawing = draw_upset(contents)
    every = set().union(*contents.values())
    assert sorted(drawing.themes["theme"]) == sorted(every)
    assert drawing.overflow is drawing.themes
    key_of = _exclusive(contents)
    for organisms, theme in drawing.themes.itertuples(index=False, name=None):
        assert organisms == REGION_JOIN.join(key_of[theme])


def test_upset_themes_columns():
    frame = upset_themes(upset_data({"CAN": {"b", "a"}, "SICA": {"a"}}))
    assert list(frame.columns) == ["organisms", "theme"]
    assert frame.values.tolist() == [["CAN", "b"], ["CAN ∩ SICA", "a"]]


def test_english_labels_and_subfigure():
    fig = plt.figure(figsize=(6, 5))
    top, _bottom = fig.subfigures(2, 1, height_ratios=(3, 1))
    drawing = draw_upset({"CAN": {"a"}, "SICA": {"a", "b"}}, fig=top, lang="en")
    assert drawing.fig is top
    assert drawing.axes["intersections"].get_ylabel() == "Themes per intersection"
    assert drawing.axes["totals"].get_xlabel() == "Themes per organisation"
    fig.canvas.draw()


def test_input_is_not_mutated():
    contents = {"CAN": {"a", "b"}, "SICA": {"b"}}
    before = {k: set(v) for k, v in contents.items()}
    draw_upset(contents)
    assert contents == before


def test_errors():
    with pytest.raises(ValueError, match=r"no organism has any theme in this cell \(organisms given: \['CAN'\]\)"):
        upset_data({"CAN": set()})
    with pytest.raises(TypeError, match=r"themes of 'CAN' must be a set of strings, got the string 'ab'"):
        upset_data({"CAN": "ab"})
    with pytest.raises(ValueError, match=r"no colour for organism\(s\) \['XYZ'\]"):
        draw_upset({"XYZ": {"a"}})
    with pytest.raises(MCRDataError, match=r"unknown language 'fr'"):
        draw_upset({"CAN": {"a"}}, lang="fr")
