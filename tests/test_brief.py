"""Tests of mcr_analysis.brief: the seminar-brief tables, display labels and the HTML brief."""

from __future__ import annotations

import re
from html import escape as html_escape

import matplotlib
import pandas as pd
import pytest
from conftest import make_tidy

from mcr_analysis import appendix, brief, config, ingest, plots, scores, taxonomy
from mcr_analysis.taxonomy import MCRDataError

AXIS = "seguridad_alimentaria"


@pytest.fixture
def tidy_axis() -> pd.DataFrame:
    """seguridad_alimentaria: CAN and SICA share 'Alerta temprana' in proyectos, SELA acts alone
    in normas (one initiative, no theme), CAN has a theme in politicas; AEC (not expected on
    the axis) shares 'Alerta temprana' too; MERCOSUR, expected, sent nothing."""
    return make_tidy([
        ("CAN", AXIS, "proyectos", "Alerta temprana", "Observatorio andino"),
        ("CAN", AXIS, "proyectos", "Sanidad", "CRIFCAN"),
        ("SICA", AXIS, "proyectos", "alerta temprana", "Observatorio regional"),
        ("SICA", AXIS, "proyectos", "Alerta  Temprana", "Observatorio regional"),
        ("SICA", AXIS, "proyectos", "Alerta temprana", ""),
        ("AEC", AXIS, "proyectos", "Alerta temprana", "Red caribeña"),
        ("SELA", AXIS, "normas", "", "Guía regional"),
        ("CAN", AXIS, "politicas", "Disponibilidad", "Plan andino"),
        ("SICA", AXIS, "politicas", "Inocuidad", "Plan SICA"),
        ("CAN", "transfronteriza", "proyectos", "Alerta temprana", "Otro eje"),
    ])


def _expected(axis: str) -> set[str]:
    part = taxonomy.participation()
    return set(part.loc[part["axis"] == axis, "organism"])


def test_tables_keys_and_input_not_modified(tidy_axis):
    before = tidy_axis.copy()
    tables = brief.brief_tables(tidy_axis, AXIS)
    assert tuple(tables) == brief.BRIEF_TABLES
    pd.testing.assert_frame_equal(tidy_axis, before)


def test_participation_counts_and_expected_flags(tidy_axis):
    part = brief.brief_tables(tidy_axis, AXIS)["participation"].set_index("organism")
    expected = _expected(AXIS)
    present = {"AEC", "CAN", "SELA", "SICA"}
    assert list(part.index) == sorted(expected | present)
    assert part["expected"].to_dict() == {o: o in expected for o in sorted(expected | present)}
    # CAN: 3 rows on the axis (2 proyectos + 1 politicas), 3 distinct themes, 2 criteria.
    assert part.loc["CAN", ["n_initiatives", "n_themes", "n_criteria", "criteria"]].tolist() == \
        [2 + 1, 3, 2, "proyectos; politicas"]
    # SICA: 3 proyectos rows with one theme key + 1 politicas row.
    assert part.loc["SICA", ["n_initiatives", "n_themes", "n_criteria"]].tolist() == [3 + 1, 1 + 1, 2]
    # SELA: one row without theme: an initiative, no theme.
    assert part.loc["SELA", ["n_initiatives", "n_themes", "criteria"]].tolist() == [1, 0, "normas"]
    assert part.loc["MERCOSUR", ["n_initiatives", "n_themes", "n_criteria", "criteria"]].tolist() == [0, 0, 0, ""]


def test_scores_are_the_axis_rows_of_convergence_table(tidy_axis):
    got = brief.brief_tables(tidy_axis, AXIS)["scores"]
    table = scores.convergence_table(tidy_axis)
    want = table.loc[table["axis"] == AXIS, brief.SCORE_COLUMNS].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)
    assert got["criterion"].tolist() == ["proyectos", "normas", "politicas", "*"]  # book order, "*" last


def test_shared_themes_side_by_side(tidy_axis):
    shared = brief.brief_tables(tidy_axis, AXIS)["shared"]
    assert list(shared.columns) == ["criterion", "theme", "k", "AEC", "CAN", "SELA", "SICA"]
    # Only 'Alerta temprana' in proyectos is held by 2+ organisms (AEC, CAN, SICA); the
    # transfronteriza row is another axis; politicas themes differ.
    assert len(shared) == 1
    row = shared.iloc[0].to_dict()
    assert (row["criterion"], row["theme"], row["k"]) == ("proyectos", "Alerta temprana", 3)
    unnamed = taxonomy.text("brief_unnamed")
    assert row["AEC"] == "Red caribeña"
    assert row["CAN"] == "Observatorio andino"
    assert row["SELA"] == ""
    # SICA's two rows named alike count once; the unnamed row shows the placeholder.
    assert row["SICA"] == "; ".join(sorted({"Observatorio regional", unnamed}))


def test_single_actor_criteria(tidy_axis):
    single = brief.brief_tables(tidy_axis, AXIS)["single_actor"]
    # proyectos has 3 organisms and politicas 2; normas has SELA only; the other three none.
    assert single["criterion"].tolist() == ["fortalecimiento", "reuniones", "normas", "otros"]
    assert single.set_index("criterion").loc["normas"].tolist() == [1, "SELA", 1]
    assert single.set_index("criterion").loc["otros"].tolist() == [0, "", 0]


def test_absent_is_expected_minus_present(tidy_axis):
    absent = brief.brief_tables(tidy_axis, AXIS)["absent"]
    missing = sorted(_expected(AXIS) - {"AEC", "CAN", "SELA", "SICA"})
    assert absent["organism"].tolist() == missing
    assert absent["name"].tolist() == [taxonomy.organism_label(o) for o in missing]


def test_round_defaults_to_latest_and_filters(tidy_axis):
    later = tidy_axis.iloc[[0]].assign(round="2025", organism="SELA")
    both = pd.concat([tidy_axis, later], ignore_index=True)
    tables = brief.brief_tables(both, AXIS)
    assert tables["participation"].loc[lambda p: p["n_initiatives"] > 0, "organism"].tolist() == ["SELA"]
    assert brief.brief_tables(both, AXIS, "2024")["participation"]["n_initiatives"].sum() == 10 - 1  # all rows but the other axis


def test_errors_name_the_allowed_values(tidy_axis):
    with pytest.raises(MCRDataError, match=r"unknown axis 'food'; expected one of: cadenas_valor, "):
        brief.brief_tables(tidy_axis, "food")
    with pytest.raises(MCRDataError, match=r"round '1999' is not in the tidy table; rounds found: 2024"):
        brief.brief_tables(tidy_axis, AXIS, "1999")
    with pytest.raises(MCRDataError, match=r"unknown language 'fr'; expected one of: es, en"):
        brief.labelled(pd.DataFrame({"criterion": ["normas"]}), "fr")
    with pytest.raises(MCRDataError, match=r"no display label for columns \['mystery'\]"):
        brief.labelled(pd.DataFrame({"mystery": [1]}))


def test_labelled_translates_headers_and_values(tidy_axis):
    part = brief.brief_tables(tidy_axis, AXIS)["participation"]
    before = part.copy()
    shown = brief.labelled(part, "en")
    pd.testing.assert_frame_equal(part, before)
    assert list(shown.columns) == ["Organisation", "Expected (participation table)", "Initiatives", "Themes",
                                   "Criteria with initiatives", "Criteria"]
    can = shown.loc[shown["Organisation"] == "CAN"].iloc[0]
    assert can["Criteria"] == f"{taxonomy.criterion_label('proyectos', 'en')}; {taxonomy.criterion_label('politicas', 'en')}"
    assert set(shown["Expected (participation table)"]) <= {"yes", "no"}
    assert brief.labelled(part)["Esperado (tabla de participación)"].tolist() == \
        ["sí" if e else "no" for e in part["expected"]]


def test_theme_shared_only_across_criteria_closes_the_table():
    tidy = make_tidy([
        ("CAN", AXIS, "proyectos", "Inocuidad", "Red andina"),
        ("SICA", AXIS, "normas", "inocuidad", "Norma SICA"),
        ("CAN", AXIS, "proyectos", "alerta", "Observatorio andino"),
        ("SICA", AXIS, "proyectos", "Alerta", "Observatorio regional"),
        ("SICA", AXIS, "normas", "Alerta", "Norma de alerta"),
    ])
    shared = brief.brief_tables(tidy, AXIS)["shared"]
    # 'Alerta' is shared within proyectos: listed there only, not again under "*".
    # 'Inocuidad' is CAN's in proyectos and SICA's in normas: shared on the axis as a whole.
    # Each theme's two wordings occur once each: ties go to the alphabetically first (capitalised).
    assert shared.values.tolist() == [
        ["proyectos", "Alerta", 2, "Observatorio andino", "Observatorio regional"],
        ["*", "Inocuidad", 2, "Red andina", "Norma SICA"],
    ]


def test_shared_matches_scores_table_on_sample_data():
    tidy = ingest.load_submissions(config.RAW_DIR).tidy
    reference = scores.shared_themes_table(tidy)
    for axis in taxonomy.axes().ids:
        mine = brief.brief_tables(tidy, axis)["shared"]
        ref = reference.loc[reference["axis"] == axis]
        per_criterion = ref["criterion"] != "*"
        keys = set(ref.loc[per_criterion, "theme"].map(taxonomy.theme_key))
        ref = ref.loc[per_criterion | ~ref["theme"].map(taxonomy.theme_key).isin(keys)]
        assert mine[["criterion", "theme", "k"]].values.tolist() == ref[["criterion", "theme", "k"]].values.tolist()


def test_heading_filename_relative():
    assert brief.heading("brief_scores", "en", 3) == "### " + taxonomy.text("brief_scores", "en")
    assert brief.brief_filename("riesgo_desastres", "2025") == "brief_riesgo_desastres_2025.html"
    assert brief.brief_filename("riesgo_desastres", "2025", "en") == "brief_riesgo_desastres_2025_en.html"
    assert brief.relative(config.PROCESSED_DIR / "x.csv") == "data/processed/x.csv"
    assert brief.relative("/elsewhere/x.csv") == "/elsewhere/x.csv"


def test_setup_notebook_fixes_display_options():
    with pd.option_context("display.max_colwidth", 50, "display.precision", 6), matplotlib.rc_context():
        brief.setup_notebook(max_colwidth=None)
        assert pd.get_option("display.max_colwidth") is None
        assert pd.get_option("display.precision") == 3
        assert pd.get_option("display.max_rows") == 200


def test_make_brief_checks_before_running(tmp_path):
    with pytest.raises(MCRDataError, match=r"unknown axis 'x'.*unknown language 'fr'"):
        brief.make_brief("x", "2024", "fr", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"the brief notebook .*missing\.ipynb does not exist"):
        brief.make_brief(AXIS, "2024", "es", tmp_path, notebook=tmp_path / "missing.ipynb")
    assert list(tmp_path.iterdir()) == []


def test_an_error_in_the_notebook_still_stops_the_brief(tmp_path):
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('axis = "x"\nround = "2024"\nlang = "es"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("raise ValueError('broken brief cell')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "out"
    with pytest.raises(PapermillExecutionError, match="broken brief cell"):
        brief.make_brief(AXIS, "2024", "es", out, notebook=path)
    assert not out.exists() or not list(out.glob("*.html"))


def test_the_notebook_ships_with_the_package_and_is_the_projects():
    # In a clone the package's copy is a link to notebooks/: one source of truth.
    from importlib import resources

    shipped = resources.files("mcr_analysis.data").joinpath(brief.NOTEBOOK)
    assert shipped.read_bytes() == (config.PROJECT_ROOT / "notebooks" / brief.NOTEBOOK).read_bytes()
    assert brief.notebook_path() == config.PROJECT_ROOT / "notebooks" / brief.NOTEBOOK


def test_make_brief_writes_html_with_sections_and_figures(tmp_path, capfd):
    axis, lang = "energia_sostenible", "en"
    path = brief.make_brief(axis, "2024", lang, tmp_path)
    # Nothing reaches the terminal: no kernel start-up notice (ipykernel warns about TCP), no errors.
    assert capfd.readouterr().err == ""
    assert path == tmp_path / "brief_energia_sostenible_2024_en.html"
    html = path.read_text(encoding="utf-8")
    title = taxonomy.text("brief_title", lang).format(axis=taxonomy.axis_label(axis, lang))
    keys = ["brief_summary", "brief_participation", "brief_scores", "brief_similarity", "brief_diagrams",
            "brief_shared", "brief_single", "brief_duplicates", "brief_absent"]
    headings = re.findall(r"<h([12])[^>]*>([^<]*)", html)
    assert headings == [("1", title)] + [("2", taxonomy.text(k, lang)) for k in keys]
    assert taxonomy.text("sample_data_note", lang) in html
    # One image per non-empty criterion of the axis plus the Jaccard heat map, all embedded.
    tidy = ingest.load_submissions(config.RAW_DIR).tidy
    n_cells = sum(cell["axis"] == axis for cell in appendix.plan_cells(tidy, "2024"))
    tags = re.findall(r"<img ([^>]*)>", html)
    images = [(re.search(r'src="([^"]{0,22})', tag)[1], re.search(r'alt="([^"]*)"', tag)[1]) for tag in tags]
    assert len(images) == n_cells + 1
    assert all(src == "data:image/png;base64," for src, _ in images)
    # Figures are 200 dpi PNGs shown at their paper size (96 CSS px per inch).
    import base64
    import struct

    for tag in tags:
        data = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', tag)[1])
        pixels = struct.unpack(">I", data[16:20])[0]
        shown = int(re.search(r'width="(\d+)"', tag)[1])
        assert pixels / (shown / 96) >= 199.5, (pixels, shown)
    assert '<html lang="en"' in html
    # No DataFrame index, no pandas table: the brief's own tables, numbers right-aligned.
    assert 'class="dataframe' not in html and '<td class="num">' in html
    titles = [plots.cell_title(axis, c["criterion"], lang) for c in appendix.plan_cells(tidy, "2024")
              if c["axis"] == axis]
    # The figure title may be wrapped over two lines; the alternative text is that title.
    assert [" ".join(alt.split()) for _, alt in images[1:]] == [html_escape(t, quote=True) for t in titles]
    assert images[0][1].startswith(html_escape(taxonomy.text("jaccard_title", lang), quote=True))
    # Each organism acting on the axis heads a column of the shared-themes table.
    for org in sorted(set(tidy.loc[tidy["axis"] == axis, "organism"])):
        assert f'<th scope="col">{org}</th>' in html
    # No code, no prompts, nothing fetched from the web, no notes for the notebook's user.
    assert 'class="jp-InputArea' not in html and 'class="jp-InputPrompt' not in html
    assert "brief_tables" not in html and "import " not in html
    assert not re.search(r"<script[^>]+src=", html)
    assert "make brief" not in html


# ----------------------------------------------------------------------------- the previous round

def test_make_brief_refuses_a_round_that_is_not_in_data_raw(tmp_path):
    with pytest.raises(MCRDataError, match=r"round '1999' is not a sub-folder of data/raw; rounds found: 2024"):
        brief.make_brief(AXIS, "1999", "es", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_previous_round_section_only_when_a_previous_round_exists(tidy_axis):
    assert brief.previous_round_tables(tidy_axis, AXIS) is None
    assert brief.previous_round_section(tidy_axis, AXIS, "2024") == []
    # 2025: SELA goes silent, CAN's "Sanidad" row is removed, SICA sends the same rows in another order
    later = tidy_axis.loc[(tidy_axis["organism"] != "SELA") & (tidy_axis["initiative"] != "CRIFCAN")]
    both = pd.concat([tidy_axis, later.iloc[::-1].assign(round="2025")], ignore_index=True)
    tables = brief.previous_round_tables(both, AXIS)
    part = tables["participation"].set_index("organism")
    assert part["change"].to_dict() == {"AEC": "continuing", "CAN": "continuing", "MERCOSUR": "silent",
                                        "SELA": "silent", "SICA": "continuing"}
    assert part["identical_submission"].to_dict() == {"AEC": True, "CAN": False, "MERCOSUR": False,
                                                      "SELA": False, "SICA": True}
    counts = tables["initiatives"].set_index("organism")
    assert counts.loc["CAN", ["n_removed", "n_unchanged"]].tolist() == [1, 2]
    scores = tables["scores"].set_index("criterion")
    # normas: SELA's only row had no theme; E = {AEC, CAN, MERCOSUR, SELA, SICA} both years (table + senders)
    # proyectos 2024: CAN, SICA, AEC active of 5 -> 3/5; 2025 the same three -> 3/5
    assert scores.loc["proyectos", ["coverage_from", "coverage_to"]].tolist() == pytest.approx([3 / 5, 3 / 5])
    assert list(scores.index)[-1] == "*"
    parts = brief.previous_round_section(both, AXIS, "2025", "es")
    assert parts[0] == "## Cambios respecto de la ronda 2024"
    assert "Cambio" in parts[2].columns and "sin envío" in set(parts[2]["Cambio"])


# ----------------------------------------------------------------------------- printing
CHROMIUM = next((p for p in map(__import__("shutil").which, ("chromium", "chromium-browser", "google-chrome"))
                 if p), None)
PDFTOTEXT = __import__("shutil").which("pdftotext")


def _print_pdf(html_path, pdf_path, tmp_path):
    import subprocess

    profile = tmp_path / f"profile-{pdf_path.stem}"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}",
                    html_path.as_uri()], check=True, capture_output=True, timeout=180)
    return subprocess.run([PDFTOTEXT, str(pdf_path), "-"], check=True, capture_output=True, text=True).stdout


def _squash(text: str) -> str:
    return "".join(str(text).split())


@pytest.mark.skipif(CHROMIUM is None or PDFTOTEXT is None,
                    reason="printing the brief needs headless Chromium and pdftotext "
                           "(apt-get install -y chromium poppler-utils)")
@pytest.mark.parametrize("lang", ["es", "en"])
def test_printed_brief_shows_every_column_and_row_of_every_table(tmp_path, lang):
    from pypdf import PdfReader

    from mcr_analysis import brief_display, brief_summary

    axis = "transfronteriza"  # six organisms: the widest shared-themes table of the sample
    html_path = brief.make_brief(axis, "2024", lang, tmp_path)
    pdf = tmp_path / f"brief_{lang}.pdf"
    printed = _squash(_print_pdf(html_path, pdf, tmp_path))
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(pdf).pages}
    assert sizes == {(595, 842)}  # A4 portrait, every page
    tidy = ingest.load_submissions(config.RAW_DIR).tidy
    tables = brief.brief_tables(tidy, axis, "2024")
    organisms = sorted(set(tidy.loc[tidy["axis"] == axis, "organism"]))
    assert len(organisms) == 6
    checked = 0
    for key, frame in tables.items():
        if frame.empty:
            continue
        shown = brief_display.table(brief.labelled(frame, lang), lang)
        for column in shown.columns:  # every column, including each organism's
            assert _squash(column) in printed, (key, column)
        for row in shown.rows:  # every row: each of its cells
            for text, _ in row:
                assert _squash(text) in printed, (key, text)
                checked += 1
    assert all(org in printed for org in organisms)
    assert checked > 100
    for sentence in brief_summary.executive_summary(tables, lang):
        assert _squash(sentence) in printed
    # No heading is stranded at the bottom of a page.
    headings = {taxonomy.text(k, lang) for k in ("brief_summary", "brief_participation", "brief_scores",
                                                 "brief_similarity", "brief_diagrams", "brief_shared",
                                                 "brief_single", "brief_absent")}
    # (stranded: nothing, neither text nor image, below the heading on its page).
    import html as html_module
    import shutil
    import subprocess

    if shutil.which("pdftohtml") is None:
        pytest.skip("pdftohtml (poppler-utils) is needed to find stranded headings")
    xml = subprocess.run(["pdftohtml", "-xml", "-stdout", "-q", str(pdf)], check=True, capture_output=True,
                         text=True, cwd=tmp_path).stdout
    pages = re.findall(r'<page number="(\d+)"[^>]*>(.*?)</page>', xml, re.S)
    assert len(pages) == len(PdfReader(pdf).pages)
    for number, body in pages:
        items = [(int(top), int(h), html_module.unescape(re.sub(r"<[^>]+>", "", text)).strip())
                 for top, h, text in re.findall(r'<text top="(\d+)" left="\d+" width="\d+" height="(\d+)"[^>]*>'
                                                r"(.*?)</text>", body)]
        images = [int(top) for top in re.findall(r'<image top="(\d+)"', body)]
        for top, h, text in items:
            if text in headings:
                below = [t for t, _, _ in items if t > top + h] + [t for t in images if t > top]
                assert below, (f"page {number}: heading {text!r} is stranded at the bottom")


@pytest.mark.skipif(CHROMIUM is None, reason="needs headless Chromium (apt-get install -y chromium)")
def test_letter_paper_option(tmp_path):
    from pypdf import PdfReader

    html_path = brief.make_brief("energia_sostenible", "2024", "es", tmp_path, paper="letter")
    pdf = tmp_path / "letter.pdf"
    _print_pdf(html_path, pdf, tmp_path)
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(pdf).pages}
    assert sizes == {(612, 792)}
    with pytest.raises(ValueError, match="unknown paper 'a3'; expected one of: a4, letter"):
        brief.make_brief("energia_sostenible", "2024", "es", tmp_path, paper="a3")
