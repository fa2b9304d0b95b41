"""mcr_analysis: the workbench of SELA's Matriz de Convergencia Regional (MCR).

Load the organisms' Excel submissions into a tidy table, score convergence per
axis and criterion, and draw the Venn and UpSet diagrams of the book's appendix.

The public functions below are imported on first use (PEP 562), so
``import mcr_analysis`` stays light; :data:`__all__` is the whole public API.

Examples
--------
>>> import mcr_analysis as mcr
>>> mcr.axes().ids[0]
'cadenas_valor'
>>> "load_submissions" in mcr.__all__
True
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    # ingest
    "load_submissions": "ingest",
    "read_tidy": "ingest",
    "LoadResult": "ingest",
    "write_ingest_outputs": "report",
    "write_submission": "writers",
    # vocabulary
    "MCRDataError": "taxonomy",
    "organisms": "taxonomy",
    "axes": "taxonomy",
    "criteria": "taxonomy",
    "participation": "taxonomy",
    "appendix_cells": "taxonomy",
    "palette": "taxonomy",
    "theme_key": "taxonomy",
    "normalize_label": "taxonomy",
    # sets and scores
    "cell_contents": "sets",
    "memberships": "sets",
    "convergence_table": "scores",
    "pairwise_table": "similarity",
    "pairwise_matrix": "similarity",
    "shared_themes_table": "scores",
    "organism_profile": "similarity",
    "score_tables": "scores",
    "write_score_outputs": "export",
    # drawing
    "venn_layout": "venn",
    "draw_venn": "venn",
    "upset_data": "upset",
    "draw_upset": "upset",
    "draw_cell": "plots",
    "convergence_heatmap": "heatmaps",
    "jaccard_heatmap": "heatmaps",
    "build_appendix": "appendix",
    # theme reconciliation and duplicates (reviewed by an analyst)
    "suggest_themes": "themes",
    "find_duplicates": "duplicates",
    # seminar brief
    "brief_tables": "brief",
    "make_brief": "brief_run",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mcr_analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"mcr_analysis.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
