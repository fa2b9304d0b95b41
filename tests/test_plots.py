"""Tests of mcr_analysis.plots: artists, not pixels."""

from __future__ import annotations

import hashlib

import matplotlib as mpl
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text

from mcr_analysis import plots, scores, taxonomy

LONG = [f"Tema largo número {i} sobre corredores logísticos y pasos de frontera" for i in range(12)]


def squash(text: str) -> str:
    """Text without whitespace, so wrapped lines compare equal to the unwrapped theme."""
    return "".join(text.split())


def figure_text(fig) -> str:
    return squash(" ".join(t.get_text() for t in fig.findobj(Text)))


def draw(contents, **kwargs):
    kwargs.setdefault("axis", "transfronteriza")
    kwargs.setdefault("criterion", "proyectos")
    with plots.style():
        return plots.draw_cell(contents, fig=Figure(), **kwargs)


def contents_of(n: int, themes_each: int = 2) -> dict:
    orgs = ["ALADI", "CAN", "MERCOSUR", "OTCA", "SELA", "SICA", "AEC"][:n]
    return {o: frozenset(f"t{i}" for i in range(j, j + themes_each)) for j, o in enumerate(orgs)}


# ----------------------------------------------------------------------------- titles, style
def test_cell_title_uses_canonical_labels_in_both_languages():
    assert plots.cell_title("transfronteriza", "fortalecimiento") == (
        "Integración transfronteriza e infraestructura física — "
        "Fortalecimiento institucional / Cursos y capacitaciones")
    assert plots.cell_title("energia_sostenible", "normas", "en") == "Sustainable energy — Norms"
    assert plots.cell_title("energia_sostenible", "*", "en") == "Sustainable energy — All criteria"


def test_cell_title_rejects_unknown_ids():
    with pytest.raises(taxonomy.MCRDataError, match="unknown axis id 'nope'"):
        plots.cell_title("nope", "normas")


def test_style_sets_and_restores_rcparams():
    before = mpl.rcParams["svg.hashsalt"]
    with plots.style():
        assert mpl.rcParams["svg.hashsalt"] == "mcr-analysis"
        assert mpl.rcParams["pdf.fonttype"] == 42
        assert mpl.rcParams["svg.fonttype"] == "path"
        assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        w, h = mpl.rcParams["figure.figsize"]
        assert (round(w * 2.54), round(h * 2.54)) == (16, 12)
    assert mpl.rcParams["svg.hashsalt"] == before


# ----------------------------------------------------------------------------- kind
@pytest.mark.parametrize(("n", "kind", "expected"), [
    (1, "auto", "venn"), (3, "auto", "venn"), (5, "auto", "venn"), (6, "auto", "upset"),
    (2, "upset", "upset"), (5, "venn", "venn"), (6, "venn", "upset"), (9, "upset", "upset"),
])
def test_choose_kind(n, kind, expected):
    assert plots.choose_kind(n, kind) == expected


def test_choose_kind_errors():
    with pytest.raises(ValueError, match="invalid kind 'pie'"):
        plots.choose_kind(2, "pie")
    with pytest.raises(ValueError, match="at least one organism with themes; got 0"):
        plots.choose_kind(0)


@pytest.mark.parametrize("n", [1, 3, 5])
def test_draw_cell_draws_venn_up_to_five(n):
    cell = draw(contents_of(n))
    assert cell.kind == "venn" and cell.note == ""
    assert sorted(cell.drawing.patches) == sorted(contents_of(n))


def test_draw_cell_six_organisms_is_upset_and_forced_venn_says_so():
    auto = draw(contents_of(6))
    assert auto.kind == "upset" and auto.note == ""
    # The UpSet writes no theme in the plot: all of them are listed under it, by intersection.
    assert auto.table.get_text().startswith("Temas por intersección:")
    assert sorted(auto.overflow["theme"]) == sorted(set().union(*contents_of(6).values()))
    forced = draw(contents_of(6), kind="venn")
    assert forced.kind == "upset"
    assert forced.note == "Venn asked for 6 organisms (at most 5); drew an UpSet plot"


def test_draw_cell_forced_upset_for_two():
    assert draw(contents_of(2), kind="upset").kind == "upset"


def test_draw_cell_ignores_organisms_without_themes_and_rejects_empty():
    cell = draw({"CAN": frozenset({"a"}), "SICA": frozenset()})
    assert list(cell.drawing.patches) == ["CAN"]
    with pytest.raises(ValueError, match="cell transfronteriza/proyectos has no organism with themes"):
        draw({"CAN": frozenset()})


# ----------------------------------------------------------------------------- page texts
@pytest.mark.parametrize("lang", ["es", "en"])
def test_title_and_source_line(lang):
    cell = draw(contents_of(2), axis="seguridad_alimentaria", criterion="politicas", lang=lang)
    expected = f"{taxonomy.axis_label('seguridad_alimentaria', lang)} — {taxonomy.criterion_label('politicas', lang)}"
    assert cell.title.get_text().replace("\n", " ") == expected
    assert cell.source.get_text() == taxonomy.text("source_line", lang)
    assert cell.title.get_position()[1] > cell.source.get_position()[1]


def test_long_title_breaks_after_the_separator():
    cell = draw(contents_of(2), axis="energia_sostenible", criterion="fortalecimiento")
    assert cell.title.get_text().split("\n") == [
        "Energía sostenible —", "Fortalecimiento institucional / Cursos y capacitaciones"]


def test_source_line_is_configurable_and_wrapped():
    custom = "Fuente: SELA, matrices 2024 " + "x" * 10 + " y notas de los talleres regionales " * 3
    cell = draw(contents_of(2), source_line=custom)
    assert " ".join(cell.source.get_text().split()) == " ".join(custom.split())
    assert "\n" in cell.source.get_text()


def test_colours_per_organism_come_from_the_palette():
    cell = draw(contents_of(3))
    pal = taxonomy.palette()
    for org, patch in cell.drawing.patches.items():
        assert patch.get_edgecolor()[:3] == pytest.approx(to_rgba(pal[org])[:3])


def test_no_companion_table_without_overflow():
    cell = draw({"CAN": frozenset({"Aduanas"}), "SICA": frozenset({"Aduanas", "Ríos"})})
    assert cell.overflow.empty and cell.table is None
    assert cell.fig.get_figheight() == pytest.approx(4.72)


def test_companion_table_lists_overflow_under_the_diagram():
    contents = {"CAN": frozenset(LONG), "SICA": frozenset(LONG[:2] + ["Aduanas"])}
    cell = draw(contents)
    assert not cell.overflow.empty and cell.table is not None
    table = squash(cell.table.get_text())
    for theme in cell.overflow["theme"]:
        assert squash(theme) in table
    assert squash(taxonomy.text("themes_by_region", "es")) in table
    # The table sits between the diagram and the source line; the page grew to hold it.
    diagram_bottom = min(ax.get_position().y0 for ax in cell.fig.axes)
    assert cell.source.get_position()[1] < cell.table.get_position()[1] <= diagram_bottom
    assert cell.fig.get_figheight() > 4.72


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7])
def test_no_theme_is_dropped(n):
    contents = {o: frozenset(LONG[i: i + 4] + [f"Tema propio de {o}"])
                for i, o in enumerate(contents_of(n))}
    cell = draw(contents)
    shown = figure_text(cell.fig)
    for theme in set().union(*contents.values()):
        assert squash(theme) in shown, theme


# ----------------------------------------------------------------------------- heat maps
def test_save_metadata():
    assert plots.save_metadata("png") == {"Software": None}
    with pytest.raises(ValueError, match="unsupported format 'gif'"):
        plots.save_metadata("gif")


def test_saved_svg_is_identical_and_undated(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    digests = []
    for name in ("a.svg", "b.svg"):
        cell = draw(contents_of(3))
        path = plots.save_figure(cell.fig, tmp_path / name)
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]
    assert b"<dc:date>" not in (tmp_path / "a.svg").read_bytes()


def test_source_date_epoch_is_honoured_in_pdf(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01T00:00:00Z
    cell = draw(contents_of(2))
    data = plots.save_figure(cell.fig, tmp_path / "a.pdf").read_bytes()
    assert b"D:20250101000000Z" in data
    assert b"/Creator (mcr-analysis)" in data
