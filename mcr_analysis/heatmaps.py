"""Summary heat maps: convergence index (axes x criteria) and Jaccard between organisms.

Nothing here computes scores: the functions take the tables of
:mod:`mcr_analysis.scores` and draw them on ``ax`` (a new figure when ``None``),
returning a :class:`Heatmap` with everything they drew.  Every map carries,
under it, a caption defining its index (the Jaccard maps say that they pool
all criteria of the axis) and the source line; under each convergence index
the map writes how many organisms are active out of those on the axis
("3/5"), also where the index is undefined.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mcr_analysis import taxonomy
from mcr_analysis.numfmt import format_number
from mcr_analysis.plots import _select_round, cell_title

__all__ = ["Heatmap", "convergence_heatmap", "jaccard_heatmap"]


@dataclass
class Heatmap:
    """What a heat map function drew.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
    image : matplotlib.image.AxesImage
    values : pandas.DataFrame
        The matrix shown (rows top to bottom, columns left to right); NaN is "no data".
    annotations : list of matplotlib.text.Text
        One per non-missing cell, row by row.
    missing : list of matplotlib.patches.Rectangle
        Hatched patches over the cells without data.
    colorbar : matplotlib.colorbar.Colorbar
    caption : matplotlib.text.Text or None
        The figure's caption: the index defined in words, then the source line.
    details : list of matplotlib.text.Text
        The "active / on the axis" organism counts under the convergence indices.
    """

    ax: Any
    image: Any
    values: pd.DataFrame
    annotations: list
    missing: list
    colorbar: Any
    caption: Any = None
    details: list = field(default_factory=list)


def _format_value(value: float, lang: str, decimals: int = 2) -> str:
    """Fixed decimals in the reader's language (always decimals: an index of 1 is ``1,00`` beside ``0,67``)."""
    return format_number(float(value), lang, decimals)


def _heatmap(values: pd.DataFrame, ax, *, lang: str, xlabels, ylabels, title: str, cbar_label: str,
             xrotation: float = 0, details: pd.DataFrame | None = None, caption: str | None = None) -> Heatmap:
    """Draw ``values`` as an annotated heat map on [0, 1]; NaN cells hatched."""
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch, Rectangle
    from matplotlib.ticker import FuncFormatter

    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.figure(layout="constrained").add_subplot()
    data = values.to_numpy(dtype=float)
    finite = data[np.isfinite(data)]
    vmax = max(1.0, float(finite.max())) if finite.size else 1.0
    vmin = min(0.0, float(finite.min())) if finite.size else 0.0
    norm = Normalize(vmin, vmax)
    import matplotlib as mpl

    cmap = mpl.colormaps["cividis"].with_extremes(bad="white")
    image = ax.imshow(np.ma.masked_invalid(data), cmap=cmap, norm=norm, aspect="auto",
                      interpolation="nearest")
    annotations, missing, detail_texts = [], [], []
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            v = data[i, j]
            extra = "" if details is None else str(details.iat[i, j])
            if np.isfinite(v):
                r, g, b, _ = cmap(norm(v))
                color = "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.5 else "black"
                annotations.append(ax.text(j, i - (0.13 if extra else 0), _format_value(v, lang), ha="center",
                                           va="center", fontsize=7.5, color=color))
                if extra:
                    detail_texts.append(ax.text(j, i + 0.22, extra, ha="center", va="center", fontsize=6,
                                                color=color))
            else:
                if extra:  # organisms counted even where the index is undefined
                    detail_texts.append(ax.text(j, i, extra, ha="center", va="center", fontsize=6, zorder=3,
                                                color="#222222", bbox={"facecolor": "white", "edgecolor": "none",
                                                                       "pad": 0.6}))
                missing.append(ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False,
                                                      hatch="////", edgecolor="#b0b0b0",
                                                      linewidth=0)))
    ax.set_xticks(range(data.shape[1]), xlabels, rotation=xrotation,
                  ha="right" if xrotation else "center", rotation_mode="anchor",
                  va="center" if xrotation == 90 else "top")
    ax.set_yticks(range(data.shape[0]), ylabels)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title)
    colorbar = ax.figure.colorbar(image, ax=ax, shrink=0.8, pad=0.03)
    colorbar.set_label(cbar_label)
    colorbar.formatter = FuncFormatter(lambda v, _pos: _format_value(v, lang, 1))
    colorbar.update_ticks()
    colorbar.outline.set_linewidth(0.4)
    if missing:
        ax.legend(handles=[Patch(facecolor="white", edgecolor="#b0b0b0", hatch="////",
                                 label=taxonomy.text("no_data", lang))],
                  loc="upper left", bbox_to_anchor=(1.0, -0.01), borderaxespad=0,
                  handlelength=1.6, handleheight=1.2, frameon=False, fontsize=7)
    caption_text = None
    if caption is not None:
        fig = ax.get_figure(root=True)
        width_pt = fig.get_figwidth() * 72 * 0.9
        from mcr_analysis._page import _wrap_pt

        lines = [line for para in caption.split("\n") for line in (_wrap_pt(para, 7, width_pt) or [""])]
        caption_text = ax.figure.supxlabel("\n".join(lines), x=0.02, ha="left", fontsize=7,
                                           multialignment="left", linespacing=1.3)
    return Heatmap(ax, image, values, annotations, missing, colorbar, caption_text, detail_texts)


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width, break_on_hyphens=False, break_long_words=False)) or label


def _caption(key: str, lang: str, source_line: str | None) -> str:
    from mcr_analysis.plots import default_source_line

    source = default_source_line(lang) if source_line is None else source_line
    return "\n".join(t for t in (taxonomy.text(key, lang), source) if t)


def convergence_heatmap(scores: pd.DataFrame, *, round: str | None = None, lang: str = "es",
                        ax=None, source_line: str | None = None, caption: bool = True) -> Heatmap:
    """Heat map of the convergence index, axes (rows) x criteria (columns), in the book's order.

    Parameters
    ----------
    scores : pandas.DataFrame
        :func:`mcr_analysis.scores.convergence_table`: columns ``round``, ``axis``,
        ``criterion``, ``convergence_index`` (rows with ``criterion == "*"`` are ignored);
        with ``n_active`` and ``n_expected``, each cell also shows "active/on the axis".
    round : str, optional
        Round shown; default the latest round in ``scores``.
    lang : {"es", "en"}
    ax : matplotlib.axes.Axes, optional
    source_line : str, optional
        Under the caption; default :func:`mcr_analysis.plots.default_source_line`.
    caption : bool
        Write the caption (the index defined, then the source line) as the
        figure's ``supxlabel``; False leaves the figure's texts alone.

    Returns
    -------
    Heatmap
        Cells without a score are NaN, shown hatched with a "no data" legend note.
    """
    missing_cols = {"axis", "criterion", "convergence_index"} - set(scores.columns)
    if missing_cols:
        raise ValueError(f"convergence scores lack columns {sorted(missing_cols)}; "
                         f"got {list(scores.columns)}")
    rows = _select_round(scores, round)
    rows = rows.loc[rows["criterion"] != "*"]
    axes_ids, crit_ids = taxonomy.axes().ids, taxonomy.criteria().ids
    dup = rows[rows.duplicated(["axis", "criterion"], keep=False)]
    if not dup.empty:
        raise ValueError("convergence scores have several rows for one axis and criterion: "
                         f"{sorted(set(zip(dup['axis'], dup['criterion'])))}; pass round=")
    values = (rows.pivot(index="axis", columns="criterion", values="convergence_index")
              .reindex(index=axes_ids, columns=crit_ids).astype(float))
    details = None
    if {"n_active", "n_expected"} <= set(rows.columns):
        counts = rows.assign(_d=[f"{int(a)}/{int(e)}" for a, e in zip(rows["n_active"], rows["n_expected"])])
        details = (counts.pivot(index="axis", columns="criterion", values="_d")
                   .reindex(index=axes_ids, columns=crit_ids).astype(object))
        details = details.where(details.notna(), "")
    return _heatmap(
        values, ax, lang=lang,
        xlabels=[_wrap(taxonomy.criterion_label(c, lang), 20) for c in crit_ids],
        ylabels=[_wrap(taxonomy.axis_label(a, lang), 28) for a in axes_ids],
        title=taxonomy.text("convergence_title", lang),
        cbar_label=taxonomy.text("convergence_index", lang), xrotation=90, details=details,
        caption=_caption("convergence_caption" if details is not None else "convergence_caption_short",
                         lang, source_line) if caption else None,
    )


def jaccard_heatmap(pairwise: pd.DataFrame, *, axis: str, round: str | None = None,
                    criterion: str = "*", lang: str = "es", ax=None, source_line: str | None = None,
                    caption: bool = True) -> Heatmap:
    """Pairwise Jaccard similarity between the organisms of one axis (and criterion).

    Parameters
    ----------
    pairwise : pandas.DataFrame
        :func:`mcr_analysis.scores.pairwise_table`: columns ``round``, ``axis``,
        ``criterion``, ``organism_a``, ``organism_b``, ``jaccard``.
    axis : str
    round : str, optional
        Default the latest round in ``pairwise``.
    criterion : str
        ``"*"`` (default) for all criteria of the axis pooled.
    lang : {"es", "en"}
    ax : matplotlib.axes.Axes, optional
    source_line : str, optional
        Under the caption; default :func:`mcr_analysis.plots.default_source_line`.
    caption : bool
        Write the caption (Jaccard defined, saying whether it pools all
        criteria, then the source line) as the figure's ``supxlabel``.

    Returns
    -------
    Heatmap
        Symmetric organisms x organisms matrix (sorted ids), diagonal 1.
    """
    need = {"axis", "criterion", "organism_a", "organism_b", "jaccard"} - set(pairwise.columns)
    if need:
        raise ValueError(f"pairwise scores lack columns {sorted(need)}; got {list(pairwise.columns)}")
    rows = pairwise.loc[(pairwise["axis"] == axis) & (pairwise["criterion"] == criterion)]
    rows = _select_round(rows, round)
    if rows.empty:
        raise ValueError(f"no pairwise scores for axis {axis!r}, criterion {criterion!r}"
                         f"{'' if round is None else f', round {round!r}'}")
    orgs = sorted(set(rows["organism_a"]) | set(rows["organism_b"]))
    values = pd.DataFrame(np.nan, index=orgs, columns=orgs)
    for a, b, j in zip(rows["organism_a"], rows["organism_b"], rows["jaccard"]):
        values.loc[a, b] = values.loc[b, a] = float(j)
    for org in orgs:
        values.loc[org, org] = 1.0
    scope = (f"{taxonomy.axis_label(axis, lang)} ({taxonomy.text('jaccard_pooled', lang)})" if criterion == "*"
             else cell_title(axis, criterion, lang))
    key = "jaccard_caption_pooled" if criterion == "*" else "jaccard_caption"
    return _heatmap(values, ax, lang=lang, xlabels=orgs, ylabels=orgs,
                    title=f"{taxonomy.text('jaccard_title', lang)}\n{_wrap(scope, 70)}",
                    cbar_label="Jaccard", xrotation=45 if len(orgs) > 5 else 0,
                    caption=_caption(key, lang, source_line) if caption else None)
