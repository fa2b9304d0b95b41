"""Tests of mcr_analysis.brief_run: the HTML brief (papermill + nbconvert) and its printing."""

from __future__ import annotations

import re
from html import escape as html_escape

import pytest

from mcr_analysis import appendix, brief, brief_run, config, ingest, plots, taxonomy
from mcr_analysis.taxonomy import MCRDataError

AXIS = "seguridad_alimentaria"


def test_python_m_brief_is_the_mcr_brief_command(tmp_path):
    import subprocess
    import sys

    env = {**__import__("os").environ, "PYTHONPATH": str(config.PROJECT_ROOT)}
    run = subprocess.run([sys.executable, "-m", "mcr_analysis.brief", "--axis", "food", "--out", str(tmp_path)],
                         capture_output=True, text=True, cwd=config.PROJECT_ROOT, env=env, timeout=120)
    assert run.returncode == 2  # a usage error, as from mcr brief, in Spanish by default
    assert "eje desconocido 'food'; se esperaba uno de: cadenas_valor" in run.stderr
    helped = subprocess.run([sys.executable, "-m", "mcr_analysis.brief", "--help"], capture_output=True, text=True,
                            cwd=config.PROJECT_ROOT, env=env, timeout=120)
    assert helped.returncode == 0 and "--paper" in helped.stdout and "--axis" in helped.stdout
    assert list(tmp_path.iterdir()) == []


def test_mcr_brief_passes_the_paper_size_to_the_runner(tmp_path, monkeypatch, capsys):
    from mcr_analysis import cli

    calls = []

    def fake(axis, round_, lang, out, *, paper):
        calls.append((axis, round_, lang, paper))
        return config.PROJECT_ROOT / "figures" / "briefs" / "x.html"

    monkeypatch.setattr(brief_run, "make_brief", fake)
    assert cli.main(["brief", "--axis", AXIS, "--paper", "letter", "--out", str(tmp_path), "-q"]) == 0
    assert cli.main(["brief", "--axis", AXIS, "--lang", "en", "--out", str(tmp_path), "-q"]) == 0
    assert calls == [(AXIS, "2024", "es", "letter"), (AXIS, "2024", "en", "a4")]
    assert capsys.readouterr().out == "escrito figures/briefs/x.html\nwrote figures/briefs/x.html\n"
    with pytest.raises(SystemExit) as exc:
        cli.main(["brief", "--axis", AXIS, "--paper", "a3", "--out", str(tmp_path)])
    assert exc.value.code == 2 and calls[2:] == []
    assert ("mcr brief: error: argumento --paper: valor no válido 'a3'; se esperaba uno de: a4, letter"
            in capsys.readouterr().err)


def test_a_round_is_any_folder_with_a_submission_the_loader_reads(tmp_path):
    from mcr_analysis.commands.brief import rounds

    for name, file in [("2023", "CAN.csv"), ("2024", "SICA.ods"), ("2025", "AEC.xlsx"), ("notas", "README.md")]:
        (tmp_path / name).mkdir()
        (tmp_path / name / file).write_text("x", encoding="utf-8")
    (tmp_path / "vacía").mkdir()
    assert rounds(tmp_path) == ["2023", "2024", "2025"]
    assert rounds(tmp_path / "missing") == []


def test_brief_filename():
    assert brief_run.brief_filename("riesgo_desastres", "2025") == "brief_riesgo_desastres_2025.html"
    assert brief_run.brief_filename("riesgo_desastres", "2025", "en") == "brief_riesgo_desastres_2025_en.html"


def test_make_brief_checks_before_running(tmp_path):
    with pytest.raises(MCRDataError, match=r"unknown axis 'x'.*unknown language 'fr'"):
        brief_run.make_brief("x", "2024", "fr", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"the brief notebook .*missing\.ipynb does not exist"):
        brief_run.make_brief(AXIS, "2024", "es", tmp_path, notebook=tmp_path / "missing.ipynb")
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
        brief_run.make_brief(AXIS, "2024", "es", out, notebook=path)
    assert not out.exists() or not list(out.glob("*.html"))


def test_the_notebook_ships_with_the_package_and_is_the_projects():
    # In a clone the package's copy is a link to notebooks/: one source of truth.
    from importlib import resources

    shipped = resources.files("mcr_analysis.data").joinpath(brief_run.NOTEBOOK)
    assert shipped.read_bytes() == (config.PROJECT_ROOT / "notebooks" / brief_run.NOTEBOOK).read_bytes()
    assert brief_run.notebook_path() == config.PROJECT_ROOT / "notebooks" / brief_run.NOTEBOOK


def test_make_brief_writes_html_with_sections_and_figures(tmp_path, capfd):
    axis, lang = "energia_sostenible", "en"
    path = brief_run.make_brief(axis, "2024", lang, tmp_path)
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


def test_make_brief_refuses_a_round_that_is_not_in_data_raw(tmp_path):
    with pytest.raises(MCRDataError, match=r"round '1999' is not a sub-folder of data/raw; rounds found: 2024"):
        brief_run.make_brief(AXIS, "1999", "es", tmp_path)
    assert list(tmp_path.iterdir()) == []


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
    html_path = brief_run.make_brief(axis, "2024", lang, tmp_path)
    pdf = tmp_path / f"brief_{lang}.pdf"
    text = _print_pdf(html_path, pdf, tmp_path)
    printed = _squash(text)
    # One language: no English word in the Spanish brief but in names (the organisms', the data's, files');
    # the English brief says organisations, never "organisms".
    from test_plots import english_words

    tidy_all = ingest.load_submissions(config.RAW_DIR).tidy
    names = {taxonomy.organism_label(o, code) for o in taxonomy.organisms().ids for code in ("es", "en")}
    names |= {str(v) for c in ("theme", "initiative", "description", "partners", "source_file")
              if c in tidy_all for v in tidy_all[c] if str(v).strip()}
    if lang == "es":
        assert english_words(text.split("\n"), names) == set()
    else:
        assert not re.search(r"\borganisms?\b", text, re.IGNORECASE)
        assert re.search(r"\borganisations\b", text)
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

    html_path = brief_run.make_brief("energia_sostenible", "2024", "es", tmp_path, paper="letter")
    pdf = tmp_path / "letter.pdf"
    _print_pdf(html_path, pdf, tmp_path)
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(pdf).pages}
    assert sizes == {(612, 792)}
    with pytest.raises(ValueError, match="unknown paper 'a3'; expected one of: a4, letter"):
        brief_run.make_brief("energia_sostenible", "2024", "es", tmp_path, paper="a3")
