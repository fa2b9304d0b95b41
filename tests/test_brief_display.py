"""Tests of mcr_analysis.brief_display: tables that print, the print style sheet, notebook settings."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from mcr_analysis import brief_display, config
from mcr_analysis.taxonomy import MCRDataError


def test_relative_paths():
    assert brief_display.relative(config.PROCESSED_DIR / "x.csv") == "data/processed/x.csv"
    assert brief_display.relative("/elsewhere/x.csv") == "/elsewhere/x.csv"


def test_setup_notebook_fixes_display_options():
    with pd.option_context("display.max_colwidth", 50, "display.precision", 6), matplotlib.rc_context():
        brief_display.setup_notebook(max_colwidth=None)
        assert pd.get_option("display.max_colwidth") is None
        assert pd.get_option("display.precision") == 3
        assert pd.get_option("display.max_rows") == 200


def test_table_has_no_index_and_numbers_follow_the_locale():
    frame = pd.DataFrame({"Criterio": ["Normas", "Todos"], "Índice": [0.375, float("nan")], "Temas": [4, 12]},
                         index=[10, 11])
    html = brief_display.table(frame, "es")._repr_html_()
    assert ">10<" not in html and ">11<" not in html  # no DataFrame index
    assert '<td class="text">Normas</td><td class="num">0,38</td><td class="num">4</td>' in html
    assert '<td class="num">—</td>' in html  # undefined index
    assert '<td class="num">0.38</td>' in brief_display.table(frame, "en")._repr_html_()
    assert "mcr-long" not in html  # three columns print as they are
    with pytest.raises(MCRDataError, match="unknown language 'fr'"):
        brief_display.table(frame, "fr")


def test_wide_table_also_prints_long():
    frame = pd.DataFrame({f"c{i}": [f"v{i}"] for i in range(brief_display.MAX_PRINT_COLUMNS + 1)})
    html = brief_display.table(frame, "es")._repr_html_()
    assert 'class="mcr-table mcr-wide"' in html and 'class="mcr-table mcr-long"' in html
    assert '<tr><th scope="row">c0</th><td class="text">v0</td></tr>' in html


def test_print_css_pages_and_headings():
    css = brief_display.print_css()
    assert "@page { size: A4;" in css and "@page { size: letter;" in brief_display.print_css("letter")
    assert "break-after: avoid" in css and "thead { display: table-header-group; }" in css
    with pytest.raises(ValueError, match="unknown paper 'a3'; expected one of: a4, letter"):
        brief_display.print_css("a3")
