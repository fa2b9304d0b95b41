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
    assert " ".join(cell.source.get_text().split()) == taxonomy.text("source_line", lang)
    assert plots.default_source_line(lang) == taxonomy.text("source_line", lang)
    # The sample data are an illustrative reconstruction, and the default source line says so.
    assert {"es": "reconstrucción ilustrativa", "en": "illustrative reconstruction"}[lang] in cell.source.get_text()
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
    assert tuple(cell.fig.get_size_inches() * 2.54) == pytest.approx((16.0, 12.0))


def test_companion_table_lists_overflow_under_the_diagram():
    contents = {"CAN": frozenset(LONG), "SICA": frozenset(LONG[:2] + ["Aduanas"])}
    cell = draw(contents)
    assert not cell.overflow.empty and cell.table is not None
    table = squash(cell.table.get_text())
    continued = squash(" ".join(t.get_text() for f in cell.continued for t in f.findobj(Text)))
    for theme in cell.overflow["theme"]:
        assert squash(theme) in table + continued
    assert squash(taxonomy.text("themes_by_region", "es")) in table
    # The table sits between the diagram and the source line; the page did not grow.
    diagram_bottom = min(ax.get_position().y0 for ax in cell.fig.axes)
    assert cell.source.get_position()[1] < cell.table.get_position()[1] <= diagram_bottom
    assert tuple(cell.fig.get_size_inches() * 2.54) == pytest.approx((16.0, 12.0))
    # Every count says what it counts (hand count: LONG[2:] are in CAN only, 10 themes).
    assert cell.table.get_text().split("\n")[1].startswith("CAN (10 temas): Tema largo número 10")


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7])
def test_no_theme_is_dropped(n):
    contents = {o: frozenset(LONG[i: i + 4] + [f"Tema propio de {o}"])
                for i, o in enumerate(contents_of(n))}
    cell = draw(contents)
    shown = figure_text(cell.fig) + "".join(figure_text(f) for f in cell.continued)
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


# ----------------------------------------------------------------------------- fixed page
def _texts(fig):
    return [t for t in fig.findobj(Text) if t.get_text().strip()]


def test_a_long_table_continues_on_pages_of_the_same_size_and_nothing_is_lost():
    # 40 long themes in one region: far more than the 6 cm left under the diagram can hold.
    many = [f"{t} ({i})" for i, t in enumerate(LONG * 4)]
    contents = {"CAN": frozenset(many), "SICA": frozenset({"Aduanas"})}
    cell = draw(contents)
    assert cell.continued, "expected a continuation page"
    for page in (cell.fig, *cell.continued):
        assert tuple(page.get_size_inches() * 2.54) == pytest.approx((16.0, 12.0))
        assert min(t.get_fontsize() for t in _texts(page)) >= plots.MIN_TEXT_PT
    first = cell.continued[0]
    titles = [t.get_text() for t in _texts(first) if t.get_fontweight() == "bold"]
    assert titles and titles[0].endswith("(continuación)")
    # The table's lines, on the page then on the continuation (a theme may break across pages).
    tables = [cell.table] + [t for p in cell.continued for t in _texts(p)
                             if t.get_fontweight() != "bold" and t.get_fontstyle() != "italic"]
    everything = squash(" ".join(t.get_text() for t in tables))
    for theme in many:
        assert squash(theme) in everything
    shown = squash(cell.table.get_text()) if cell.table is not None else ""
    assert cell.continued_themes == {t for t in many if squash(t) not in shown}
    assert cell.continued_themes  # some themes are only on the continuation


def test_page_size_is_configurable_and_never_grows():
    contents = {"CAN": frozenset(LONG), "SICA": frozenset(LONG[:2] + ["Aduanas"])}
    cell = draw(contents, page_cm=(12.0, 9.0))
    assert tuple(cell.fig.get_size_inches() * 2.54) == pytest.approx((12.0, 9.0))
    for page in cell.continued:
        assert tuple(page.get_size_inches() * 2.54) == pytest.approx((12.0, 9.0))
    with pytest.raises(ValueError, match=r"page_cm must be \(width, height\) of at least 6 cm each; got \(3, 9\)"):
        draw(contents, page_cm=(3, 9))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_figure_number_opens_the_title(lang):
    cell = draw(contents_of(2), number=7, lang=lang)
    word = {"es": "Figura", "en": "Figure"}[lang]
    assert cell.title.get_text().startswith(f"{word} 7. ")


@pytest.fixture(scope="module")
def sample_figures():
    """The 30 cells of the sample data drawn in Spanish, as the appendix draws them: [(cell, CellFigure)]."""
    from mcr_analysis import appendix, config, ingest

    cells = appendix.plan_cells(ingest.load_submissions(config.RAW_DIR).tidy)
    return [(cell, draw(cell["contents"], axis=cell["axis"], criterion=cell["criterion"], number=cell["number"]))
            for cell in cells]


def test_every_sample_cell_fits_its_page_with_no_text_under_6_pt(sample_figures):
    """All 30 cells of the sample data: page <= 16 x 12 cm, smallest text artist >= 6 pt."""
    assert len(sample_figures) == 30
    for cell, drawn in sample_figures:
        for page in (drawn.fig, *drawn.continued):
            w, h = page.get_size_inches() * 2.54
            assert w <= 16.0 + 1e-9 and h <= 12.0 + 1e-9, (cell["stem"], w, h)
            sizes = [t.get_fontsize() for t in _texts(page)]
            assert min(sizes) >= 6.0, (cell["stem"], min(sizes))
        # Every text lies inside the page.
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(drawn.fig)
        canvas.draw()  # axis labels take their place when drawn
        renderer = canvas.get_renderer()
        tight = drawn.fig.get_tightbbox(renderer)  # inches, of what is drawn
        w_in, h_in = drawn.fig.get_size_inches()
        assert tight.x0 >= -0.01 and tight.y0 >= -0.01, (cell["stem"], tight)
        assert tight.x1 <= w_in + 0.01 and tight.y1 <= h_in + 0.01, (cell["stem"], tight)
        # No bare number in a Venn region: a count says "n temas", a key is "(a)" and explained.
        if drawn.kind == "venn":
            table = drawn.table.get_text() if drawn.table is not None else ""
            for text in (t.get_text() for t in drawn.drawing.region_texts.values()):
                assert not text.isdigit(), (cell["stem"], text)
                if text.startswith("(") and text.endswith(")"):
                    assert f"\n{text} " in "\n" + table, (cell["stem"], text)


def test_no_count_in_a_region_with_room_for_its_themes(sample_figures):
    """A region says "n temas" only when its area is less than its themes written at 6 pt.

    Measured apart from the layout's own fitting: the region's area from a finer
    sampling of the shapes (400 points on the long side), and the themes as one
    line each at 6 pt, 7.2 pt high, without bullets or padding.
    """
    import re

    import numpy as np

    from mcr_analysis import _venn_geometry as geo
    from mcr_analysis._venn_text import width_pt

    counted = keyed = 0
    for cell, drawn in sample_figures:
        if drawn.kind != "venn":
            continue
        layout = drawn.drawing.layout
        fine = geo.sample(layout.shapes, cells=400)
        scale = geo.scale_for(layout.limits, layout.size_cm)
        for key, artist in drawn.drawing.region_texts.items():
            text = artist.get_text()
            themes = layout.regions[key].themes
            if not re.fullmatch(r"\d+ temas?", text):
                keyed += bool(re.fullmatch(r"\([a-z]+\)", text))
                continue
            counted += 1
            assert text == (f"{len(themes)} temas" if len(themes) > 1 else "1 tema")
            code = sum(1 << layout.organisms.index(o) for o in key)
            area = float(np.count_nonzero(fine.code == code)) * (fine.step * scale) ** 2
            needed = sum(width_pt(t, 6.0) for t in themes) * 7.2
            assert area < needed, (cell["stem"], key, text, round(area), round(needed))
    # Figure 24 (interconexion_electrica / proyectos): SICA's crescent, about 5500 pt2, showed "2 temas";
    # its two themes (about 940 pt2) now run along it, at the 32 degrees of SICA's ellipse.
    cell, drawn = sample_figures[23]
    assert (cell["axis"], cell["criterion"]) == ("interconexion_electrica", "proyectos")
    sica = drawn.drawing.region_texts[("SICA",)]
    assert "".join(sica.get_text().split()) == "•Electromovilidad•Mercadoeléctricoregional"
    assert sica.get_rotation() == 32.0 and drawn.table is None
    # Figure 16: CAN's own region keeps a key; its two themes are in the list under the diagram.
    cell, drawn = sample_figures[15]
    assert drawn.drawing.region_texts[("CAN",)].get_text() == "(a)"
    assert "\n(a) CAN (2 temas): Interoperabilidad; Zonas de integración fronteriza" in "\n" + drawn.table.get_text()
    assert keyed >= 1


ENGLISH_WORDS = ["themes", "theme", "organisms", "organism", "organizations", "organisations", "initiatives",
                 "shared", "source", "axis", "criterion", "criteria", "total", "others", "and", "the", "of",
                 "nan", "none", "true", "false"]
"""English words (and pandas leftovers) that must not appear in a Spanish figure or brief, but in names."""


def english_words(texts, names=()) -> set[str]:
    """The words of :data:`ENGLISH_WORDS` in ``texts``, leaving out those inside ``names`` (proper names)."""
    import re

    pattern = re.compile(r"\b(" + "|".join(ENGLISH_WORDS) + r")\b", re.IGNORECASE)
    found = set()
    for text in texts:
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, " ")
        found |= {m.lower() for m in pattern.findall(text)}
    return found


def test_english_words_are_found_outside_names():
    assert english_words(["Shared themes of the axis", "Temas compartidos"]) == {"shared", "themes", "of", "the",
                                                                                  "axis"}
    assert english_words(["Association of Caribbean States: 3 temas"], ["Association of Caribbean States"]) == set()
    assert english_words(["Fuente: NaN"]) == {"nan"}


def test_spanish_figures_have_no_english_word(sample_figures):
    texts = [t.get_text() for _, drawn in sample_figures for page in (drawn.fig, *drawn.continued)
             for t in _texts(page)]
    assert len(texts) > 300
    assert english_words(texts) == set()

