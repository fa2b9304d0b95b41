"""Issue 14's "Done when" for the workbooks: every sheet of mcr_tidy.xlsx and mcr_scores.xlsx, written
from the sample data in Spanish and read back with openpyxl, prints A4 landscape fit to the page width
with its header row on every page, and its headers and labels have no English word."""

from __future__ import annotations

import openpyxl
import pytest
from test_plots import english_words

from mcr_analysis import config, export, ingest, scores, taxonomy, workbooks


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    out = tmp_path_factory.mktemp("books")
    result = ingest.load_submissions(config.RAW_DIR)
    tidy_path = workbooks.write_tidy_workbook(result, out / workbooks.TIDY_XLSX)
    export.write_score_outputs(scores.score_tables(result.tidy), out)
    return {"tidy": openpyxl.load_workbook(tidy_path), "scores": openpyxl.load_workbook(out / "mcr_scores.xlsx"),
            "result": result}


@pytest.mark.parametrize("name", ["tidy", "scores"])
def test_every_sheet_prints_fit_to_the_width_of_a_landscape_a4_page(books, name):
    book = books[name]
    assert len(book.worksheets) >= 2
    for ws in book.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert int(setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title  # one page wide, as many long
        assert ws.print_title_rows == "$1:$1", ws.title  # the header row repeated on every page


@pytest.mark.parametrize("name", ["tidy", "scores"])
def test_spanish_sheet_names_and_headers_have_no_english_word(books, name):
    tidy = books["result"].tidy
    names = {taxonomy.organism_label(o, code) for o in taxonomy.organisms().ids for code in ("es", "en")}
    names |= {str(v) for c in ("theme", "initiative", "description", "partners") for v in tidy[c] if str(v).strip()}
    texts = []
    for ws in books[name].worksheets:
        texts.append(ws.title)
        texts += [str(c.value) for c in ws[1] if c.value is not None]  # the header row
    assert len(texts) > 20
    assert english_words(texts, names) == set()
