"""Tests of mcr_analysis.brief_display: notebook display settings and project-relative paths."""

from __future__ import annotations

import matplotlib
import pandas as pd

from mcr_analysis import brief_display, config


def test_relative_paths():
    assert brief_display.relative(config.PROCESSED_DIR / "x.csv") == "data/processed/x.csv"
    assert brief_display.relative("/elsewhere/x.csv") == "/elsewhere/x.csv"


def test_setup_notebook_fixes_display_options():
    with pd.option_context("display.max_colwidth", 50, "display.precision", 6), matplotlib.rc_context():
        brief_display.setup_notebook(max_colwidth=None)
        assert pd.get_option("display.max_colwidth") is None
        assert pd.get_option("display.precision") == 3
        assert pd.get_option("display.max_rows") == 200
