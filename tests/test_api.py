"""The public API is small and explicit: __all__ lists it, and each name is documented."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import mcr_analysis

EXPECTED = {
    "LoadResult", "MCRDataError", "appendix_cells", "axes", "brief_tables", "build_appendix",
    "cell_contents", "make_brief",
    "convergence_heatmap", "convergence_table", "criteria", "draw_cell", "draw_upset", "draw_venn",
    "jaccard_heatmap", "load_submissions", "memberships", "normalize_label", "organism_profile",
    "organisms", "pairwise_matrix", "pairwise_table", "palette", "participation", "read_tidy",
    "score_tables", "shared_themes_table", "theme_key", "upset_data", "venn_layout",
    "write_ingest_outputs", "write_score_outputs", "write_submission",
    "suggest_themes", "find_duplicates",
}


def test_all_is_exactly_the_documented_public_api():
    assert set(mcr_analysis.__all__) == EXPECTED
    assert mcr_analysis.__all__ == sorted(mcr_analysis.__all__)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_public_name_resolves_is_public_and_documented(name):
    obj = getattr(mcr_analysis, name)
    assert not name.startswith("_")
    assert obj.__doc__ and obj.__doc__.strip(), f"{name} has no docstring"
    # It is the object of its home module, and that module lists it in its own __all__.
    home = importlib.import_module(obj.__module__)
    assert name in home.__all__


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        mcr_analysis.nope  # noqa: B018


def test_import_is_light_and_does_not_load_pyplot():
    code = "import sys, mcr_analysis; print('matplotlib.pyplot' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_scores_never_import_pyplot():
    code = ("import sys, mcr_analysis.scores, mcr_analysis.sets, mcr_analysis.ingest, mcr_analysis.export; "
            "print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
