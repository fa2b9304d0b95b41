"""UpSet plots of one MCR cell, for any number of organisms.

Why our own renderer: upsetplot 0.9.0's ``plot()`` fails on pandas 3 and
NumPy 2.4 (upstream issues jnothman/UpSetPlot#303 and #301; the fix, PR #302,
is unmerged), while its data functions (``from_contents``, ``query``) work.
The alternative, the maintained fork ``upsetplot-bombcell``, would add a second
distribution owning the same import name (the two cannot be installed side by
side, and which one a user gets would depend on the install order) and still
emits a ``Pandas4Warning`` we would have to filter.  The plot itself is simple
(three bar/dot panels), so we compute the intersections with
``upsetplot.from_contents`` and ``upsetplot.query`` and draw them here with
plain matplotlib, which keeps us on current pandas/NumPy with no warnings.

Intersections are *exclusive*, as in upsetplot: a theme counts in the
intersection of exactly the organisms that have it.  They are sorted by
degree (number of organisms, ascending), then size (descending), then by the
organisms' order in ``contents``; this order is deterministic.

Examples
--------
>>> data = upset_data({"CAN": {"a", "b"}, "SICA": {"a", "c"}, "SELA": {"a"}})
>>> data[["organisms", "size"]].to_records(index=False).tolist()
[(('CAN',), 1), (('SICA',), 1), (('CAN', 'SICA', 'SELA'), 1)]
>>> data.loc[2, "themes"]
('a',)
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pandas as pd
import upsetplot

from mcr_analysis import sets
from mcr_analysis.taxonomy import normalize_label, palette, text

__all__ = ["UpSetDrawing", "upset_data", "upset_themes", "draw_upset", "THEME_COLUMNS"]

THEME_COLUMNS = ["organisms", "theme"]
REGION_JOIN = " ∩ "
DEFAULT_SIZE_CM = (15.0, 9.0)
MEMBER_COLOR = "#333333"
NON_MEMBER_COLOR = "#D9D9D9"
STRIPE_COLOR = "#F2F2F2"


def _active(contents: dict) -> dict[str, frozenset[str]]:
    return {org: frozenset(themes) for org, themes in sets.active_contents(contents, "an UpSet plot").items()}


def upset_data(contents: dict[str, frozenset[str]]) -> pd.DataFrame:
    """One row per non-empty exclusive intersection of the organisms' themes.

    Parameters
    ----------
    contents : dict
        Organism id -> set of theme display labels (``sets.cell_contents``).
        Organisms without themes are left out; the others keep their order.

    Returns
    -------
    pandas.DataFrame
        A new frame with columns ``organisms`` (tuple of ids, in the order of
        ``contents``), ``degree``, ``size`` and ``themes`` (tuple, sorted
        accent- and case-insensitively), sorted by degree, then size
        descending, then the organisms' order.

    Raises
    ------
    ValueError
        When no organism has a theme.
    """
    active = _active(contents)
    organisms = list(active)
    members = sets.memberships(active)
    if len(organisms) == 1:  # upsetplot.query needs a MultiIndex (two or more sets)
        subset_sizes = pd.Series([len(members)], index=[True])
    else:
        subset_sizes = upsetplot.query(members, sort_by="input", sort_categories_by="input").subset_sizes
    by_flags: dict[tuple, list[str]] = {}
    for flags, theme in zip(members.index, members["id"]):
        by_flags.setdefault(flags if isinstance(flags, tuple) else (flags,), []).append(str(theme))
    rows = []
    for flags, size in subset_sizes.items():
        flags = flags if isinstance(flags, tuple) else (flags,)
        key = tuple(o for o, f in zip(organisms, flags) if f)
        themes = tuple(sorted(by_flags.get(flags, []), key=lambda t: (normalize_label(t), t)))
        if len(themes) != size:  # guard against upstream changes in query()
            raise RuntimeError(f"upsetplot.query gave size {size} for {key}, found {len(themes)} themes")
        if key and size:
            rows.append((key, len(key), int(size), themes, tuple(organisms.index(o) for o in key)))
    frame = pd.DataFrame(rows, columns=["organisms", "degree", "size", "themes", "_order"])
    frame["_neg"] = -frame["size"]
    frame = frame.sort_values(["degree", "_neg", "_order"], kind="mergesort")
    return frame.drop(columns=["_order", "_neg"]).reset_index(drop=True)


def upset_themes(data: pd.DataFrame) -> pd.DataFrame:
    """Every theme with its intersection, from :func:`upset_data`: columns ``organisms``, ``theme``.

    The organisms of an intersection are joined with " ∩ "; rows follow the
    intersections' order.  Returns a new DataFrame.

    Examples
    --------
    >>> upset_themes(upset_data({"CAN": {"b", "a"}, "SICA": {"a"}})).values.tolist()
    [['CAN', 'b'], ['CAN ∩ SICA', 'a']]
    """
    rows = [(REGION_JOIN.join(key), t) for key, themes in zip(data["organisms"], data["themes"]) for t in themes]
    return pd.DataFrame(rows, columns=THEME_COLUMNS, dtype=str)


def _text_width_pt(label: str, fontsize: float) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(size=fontsize, weight="bold")
    return TextToPath().get_text_width_height_descent(label, prop, ismath=False)[0]


@dataclass(eq=False)
class UpSetDrawing:
    """What :func:`draw_upset` drew.

    Attributes
    ----------
    fig : matplotlib.figure.Figure or SubFigure
    axes : dict
        ``"intersections"`` (bars on top), ``"matrix"`` (dots), ``"totals"``
        (set sizes, left), ``"labels"`` (organism ids, between totals and matrix).
    bars : list
        One ``Rectangle`` per intersection, in the order of ``data``.
    bar_labels : list
        The count ``Text`` above each intersection bar.
    dots : dict
        ``(organism, column)`` -> ``(x, y, is_member)`` for every cell of the matrix;
        ``member_dots`` and ``other_dots`` are the two ``PathCollection``.
    lines : list
        The ``Line2D`` joining the members of each intersection of degree >= 2.
    set_bars : dict
        Organism -> its set-size ``Rectangle`` (in the organism's colour).
    set_labels : dict
        Organism -> its label ``Text``.
    data : pandas.DataFrame
        :func:`upset_data` of the contents.
    themes : pandas.DataFrame
        :func:`upset_themes`: every theme with its intersection, the companion
        table (the plot itself shows counts only).
    """

    fig: object
    axes: dict
    bars: list
    bar_labels: list
    dots: dict
    member_dots: object
    other_dots: object
    lines: list
    set_bars: dict
    set_labels: dict
    data: pd.DataFrame
    themes: pd.DataFrame

    @property
    def overflow(self) -> pd.DataFrame:
        """Same as ``themes`` (named like :attr:`mcr_analysis.venn.VennDrawing.overflow`)."""
        return self.themes


def draw_upset(
    contents: dict[str, frozenset[str]],
    fig=None,
    *,
    colors: dict[str, str] | None = None,
    lang: str = "es",
    fontsize: float = 7.0,
) -> UpSetDrawing:
    """Draw the UpSet plot of one cell with matplotlib (see the module notes).

    Parameters
    ----------
    contents : dict
        Organism id -> set of theme display labels.
    fig : matplotlib.figure.Figure or SubFigure, optional
        Where to draw (the whole of it); by default a new 15 x 9 cm figure.
        Pass a ``SubFigure`` to keep room for a title or a table.
    colors : dict, optional
        Organism -> colour of its set-size bar; defaults to the taxonomy palette.
    lang : {"es", "en"}
        Language of the axis labels.
    fontsize : float
        Font size in points of labels and counts.

    Returns
    -------
    UpSetDrawing
    """
    import matplotlib.pyplot as plt

    axis_top, axis_left = text("upset_intersection_size", lang), text("upset_set_size", lang)
    data = upset_data(contents)
    active = _active(contents)
    organisms = list(active)
    table = palette() if colors is None else colors
    missing = [o for o in organisms if o not in table]
    if missing:
        raise ValueError(
            f"no colour for organism(s) {missing}; add them to organisms.tsv or pass colors={{organism: colour}}"
        )
    if fig is None:
        fig = plt.figure(figsize=(DEFAULT_SIZE_CM[0] / 2.54, DEFAULT_SIZE_CM[1] / 2.54))
    n_sets, n_cols = len(organisms), len(data)
    left, right = 0.03, 0.98
    # Column widths: set sizes | organism labels | matrix; the label column fits the longest id.
    width_cm = fig.bbox.width / fig.get_figure(root=True).dpi * 2.54 * (right - left)
    label_cm = (max(_text_width_pt(o, fontsize) for o in organisms) + 2 * fontsize) / 72 * 2.54
    totals_w, matrix_w = 3.0, min(max(0.45 * n_cols, 3.0), 12.0)
    label_w = (totals_w + matrix_w) * label_cm / max(width_cm - label_cm, 1e-6)
    grid = fig.add_gridspec(
        2, 3, width_ratios=(totals_w, label_w, matrix_w),
        height_ratios=(3.0, max(1.2, 0.45 * n_sets)), wspace=0.0, hspace=0.05,
        left=left, right=right, bottom=0.12, top=0.95,
    )
    ax_bars = fig.add_subplot(grid[0, 2])
    ax_matrix = fig.add_subplot(grid[1, 2], sharex=ax_bars)
    ax_totals = fig.add_subplot(grid[1, 0], sharey=ax_matrix)
    ax_labels = fig.add_subplot(grid[1, 1], sharey=ax_matrix)
    ax_labels.set_axis_off()
    xs = list(range(n_cols))
    ys = {o: n_sets - 1 - i for i, o in enumerate(organisms)}  # first organism on top

    # Intersection sizes, with counts above the bars.
    bars = list(ax_bars.bar(xs, data["size"], width=0.6, color=MEMBER_COLOR))
    top = int(data["size"].max())
    bar_labels = [
        ax_bars.text(x, s + 0.02 * top, str(s), ha="center", va="bottom", fontsize=fontsize)
        for x, s in zip(xs, data["size"])
    ]
    ax_bars.set_ylim(0, top * 1.15)
    # The label must fit beside the bars: on two lines when the panel is short (a fixed-size page).
    bars_h_pt = ax_bars.get_window_extent().height / fig.get_figure(root=True).dpi * 72
    if _text_width_pt(axis_top, fontsize) > 0.9 * bars_h_pt:
        axis_top = "\n".join(textwrap.wrap(axis_top, max(8, len(axis_top) // 2 + 1), break_on_hyphens=False))
    ax_bars.set_ylabel(axis_top, fontsize=fontsize)
    ax_bars.tick_params(axis="x", bottom=False, labelbottom=False)
    ax_bars.tick_params(axis="y", labelsize=fontsize)
    ax_bars.yaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax_bars.spines[side].set_visible(False)

    # Dot matrix: light stripes, grey dots for non-members, dark joined dots for members.
    for o in organisms[1::2]:
        ax_matrix.axhspan(ys[o] - 0.5, ys[o] + 0.5, color=STRIPE_COLOR, zorder=0, linewidth=0)
    dots, member_xy, other_xy, lines = {}, [], [], []
    for x, key in zip(xs, data["organisms"]):
        for o in organisms:
            is_member = o in key
            dots[(o, x)] = (x, ys[o], is_member)
            (member_xy if is_member else other_xy).append((x, ys[o]))
        if len(key) > 1:
            y_mem = [ys[o] for o in key]
            (line,) = ax_matrix.plot([x, x], [min(y_mem), max(y_mem)], color=MEMBER_COLOR, linewidth=1.5, zorder=1)
            lines.append(line)
    dot_size = 4.2 * fontsize
    other_dots = ax_matrix.scatter(
        [p[0] for p in other_xy], [p[1] for p in other_xy], s=dot_size, color=NON_MEMBER_COLOR, zorder=2
    )
    member_dots = ax_matrix.scatter(
        [p[0] for p in member_xy], [p[1] for p in member_xy], s=dot_size, color=MEMBER_COLOR, zorder=3
    )
    ax_matrix.set_xlim(-0.6, n_cols - 0.4)
    ax_matrix.set_ylim(-0.5, n_sets - 0.5)
    ax_matrix.set_axis_off()

    # Set sizes on the left, growing leftwards, organism labels between them and the matrix.
    totals = [len(active[o]) for o in organisms]
    set_bars = dict(zip(organisms, ax_totals.barh(
        [ys[o] for o in organisms], totals, height=0.6, color=[table[o] for o in organisms]
    )))
    ax_totals.invert_xaxis()
    ax_totals.set_xlim(max(totals) * 1.1, 0)
    ax_totals.set_xlabel(axis_left, fontsize=fontsize)
    ax_totals.tick_params(axis="x", labelsize=fontsize)
    ax_totals.xaxis.get_major_locator().set_params(integer=True)
    ax_totals.tick_params(axis="y", left=False, labelleft=False)
    for side in ("top", "left", "right"):
        ax_totals.spines[side].set_visible(False)
    set_labels = {
        o: ax_labels.text(
            0.5, ys[o], o, transform=ax_labels.get_yaxis_transform(), ha="center", va="center",
            fontsize=fontsize, fontweight="bold", parse_math=False,
        )
        for o in organisms
    }
    return UpSetDrawing(
        fig=fig,
        axes={"intersections": ax_bars, "matrix": ax_matrix, "totals": ax_totals, "labels": ax_labels},
        bars=bars,
        bar_labels=bar_labels,
        dots=dots,
        member_dots=member_dots,
        other_dots=other_dots,
        lines=lines,
        set_bars=set_bars,
        set_labels=set_labels,
        data=data,
        themes=upset_themes(data),
    )
