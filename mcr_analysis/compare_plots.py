"""Figures of the comparison of two rounds, one per axis.

Nothing here computes: the functions take the tables of
:func:`mcr_analysis.compare.compare_rounds` and draw them.  Each takes
``ax=None`` (a new figure when ``None``) and returns what it drew.

* :func:`convergence_dumbbell`: each criterion's convergence index in the two
  rounds, joined by a line (a dumbbell chart), the axis as a whole last;
* :func:`shared_theme_lists`: the themes that became or stopped being shared;
* :func:`axis_comparison`: both on one page with the title and source line.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mcr_analysis import taxonomy
from mcr_analysis.compare_export import label
from mcr_analysis.heatmaps import _format_value

__all__ = ["COLOR_FROM", "COLOR_TO", "Dumbbell", "ThemeLists", "AxisComparison", "convergence_dumbbell",
           "shared_theme_lists", "axis_comparison", "figure_name"]

COLOR_FROM = "#999999"
"""Marker colour of the first round (grey)."""
COLOR_TO = "#0072B2"
"""Marker colour of the second round (the blue of the package palette)."""
MAX_THEME_LINES = 18


@dataclass
class Dumbbell:
    """What :func:`convergence_dumbbell` drew: one entry per criterion, top to bottom."""

    ax: Any
    criteria: list
    values: pd.DataFrame
    points_from: Any
    points_to: Any
    segments: list = field(default_factory=list)
    labels: list = field(default_factory=list)


@dataclass
class ThemeLists:
    """What :func:`shared_theme_lists` drew."""

    ax: Any
    text: Any
    became: list
    stopped: list


@dataclass
class AxisComparison:
    """The page of one axis: the figure, both panels, title and source line."""

    fig: Any
    dumbbell: Dumbbell
    themes: ThemeLists
    title: Any
    source: Any


def _new_ax(ax):
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    return Figure(figsize=(6.3, 4.72), layout="constrained").add_subplot()


def convergence_dumbbell(score_changes: pd.DataFrame, axis: str, *, lang: str = "es", ax=None) -> Dumbbell:
    """Each criterion's convergence index in the two rounds, as a dumbbell chart.

    Parameters
    ----------
    score_changes : pandas.DataFrame
        The ``scores`` table of :func:`mcr_analysis.compare.compare_rounds`.
    axis : str
    lang : {"es", "en"}
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    Dumbbell
        ``values`` has one row per criterion with data in either round
        (book order, ``"*"`` last) and columns ``from``, ``to``; a grey dot is
        the first round, a blue dot the second, a line joins them, and the
        value of the second round (or "sin índice") is written at the right.
    """
    ax = _new_ax(ax)
    rows = score_changes.loc[(score_changes["axis"] == axis) & (score_changes["metric"] == "convergence_index")]
    values = rows.set_index("criterion")[["from", "to"]]
    criteria = list(values.index)
    y = list(range(len(criteria)))[::-1]
    segments, labels = [], []
    for yi, crit in zip(y, criteria):
        a, b = values.at[crit, "from"], values.at[crit, "to"]
        if not (math.isnan(a) or math.isnan(b)):
            segments.append(ax.plot([a, b], [yi, yi], color="#BBBBBB", linewidth=2, zorder=1)[0])
        shown = label("fig:no_index", lang) if math.isnan(b) else _format_value(b, lang)
        labels.append(ax.text(1.04, yi, shown, va="center", ha="left", fontsize=8,
                              transform=ax.get_yaxis_transform()))
    rounds = (str(score_changes["round_from"].iloc[0]), str(score_changes["round_to"].iloc[0])) \
        if len(score_changes) else ("", "")
    points_from = ax.scatter(values["from"], y, color=COLOR_FROM, s=36, zorder=2, label=rounds[0])
    points_to = ax.scatter(values["to"], y, color=COLOR_TO, s=36, zorder=3, label=rounds[1])
    ax.set_yticks(y, [textwrap.fill(taxonomy.criterion_label(c, lang), 24) for c in criteria])
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.6, len(criteria) - 0.4)
    ax.set_xlabel(label("fig:ci", lang))
    ax.xaxis.set_major_formatter(lambda v, _pos: _format_value(v, lang, 1))
    ax.set_title(label("fig:dumbbell", lang), fontsize=9, loc="left")
    ax.grid(axis="x", color="#EEEEEE", zorder=0)
    ax.legend(loc="lower right", fontsize=7, frameon=False)
    return Dumbbell(ax, criteria, values, points_from, points_to, segments, labels)


def shared_theme_lists(theme_changes: pd.DataFrame, axis: str, *, lang: str = "es", ax=None) -> ThemeLists:
    """The themes of ``axis`` that became or stopped being shared, as two short lists.

    ``theme_changes`` is the ``themes`` table of
    :func:`mcr_analysis.compare.compare_rounds`; each line is "theme
    (criterion): k_from → k_to".  At most :data:`MAX_THEME_LINES` lines; the
    rest is counted and left to the CSV.
    """
    ax = _new_ax(ax)
    ax.set_axis_off()
    rows = theme_changes.loc[theme_changes["axis"] == axis]
    lists = {}
    lines = [label("fig:themes", lang), ""]
    for kind, key in (("became_shared", "fig:became"), ("stopped_shared", "fig:stopped")):
        sel = rows.loc[rows["change"] == kind]
        entries = [f"{t} ({taxonomy.criterion_label(c, lang)}): {a} → {b}"
                   for t, c, a, b in zip(sel["theme"], sel["criterion"], sel["k_from"], sel["k_to"])]
        lists[kind] = entries
        lines.append(label(key, lang) + ":")
        lines += [textwrap.fill("• " + e, 40, subsequent_indent="   ") for e in entries] or \
            ["   " + label("fig:none", lang)]
        lines.append("")
    flat = "\n".join(lines).strip().split("\n")
    if len(flat) > MAX_THEME_LINES:
        hidden = len(flat) - MAX_THEME_LINES + 1
        flat = flat[:MAX_THEME_LINES - 1] + [label("fig:more", lang).format(n=hidden)]
    text = ax.text(0, 1, "\n".join(flat), va="top", ha="left", fontsize=7.5, transform=ax.transAxes,
                   parse_math=False)
    return ThemeLists(ax, text, lists["became_shared"], lists["stopped_shared"])


def figure_name(axis: str, round_from: str, round_to: str) -> str:
    """File stem of an axis page: ``compare_<from>_<to>_<axis>`` (the rounds in the name, never overwritten).

    Examples
    --------
    >>> figure_name("transfronteriza", "2024", "2025")
    'compare_2024_2025_transfronteriza'
    """
    return f"compare_{round_from}_{round_to}_{axis}"


def axis_comparison(tables: dict[str, pd.DataFrame], axis: str, *, lang: str = "es", fig=None,
                    source_line: str | None = None) -> AxisComparison:
    """One page for ``axis``: the dumbbell chart and the shared-theme lists, titled with both rounds.

    ``tables`` is :func:`mcr_analysis.compare.compare_rounds` output; ``fig`` a
    new (pyplot-free) figure when ``None``.
    """
    if fig is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.3, 4.72), layout="constrained")
    scores = tables["scores"]
    rounds = (str(scores["round_from"].iloc[0]), str(scores["round_to"].iloc[0])) if len(scores) else ("", "")
    grid = fig.add_gridspec(1, 2, width_ratios=[1.25, 1])
    dumbbell = convergence_dumbbell(scores, axis, lang=lang, ax=fig.add_subplot(grid[0, 0]))
    themes = shared_theme_lists(tables["themes"], axis, lang=lang, ax=fig.add_subplot(grid[0, 1]))
    title = fig.suptitle(label("fig:title", lang).format(axis=taxonomy.axis_label(axis, lang),
                                                         **{"from": rounds[0], "to": rounds[1]}),
                         fontsize=10, fontweight="bold")
    source = fig.supxlabel(source_line or taxonomy.text("source_line", lang), fontsize=7, fontstyle="italic",
                           x=0.01, ha="left")
    return AxisComparison(fig, dumbbell, themes, title, source)
