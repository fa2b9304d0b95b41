"""Figures of a book: the style sheet, one diagram per cell, summary heat maps.

The diagrams themselves are drawn by :mod:`mcr_analysis.venn` (1 to 5
organisms) and :mod:`mcr_analysis.upset` (any number); this module chooses
the kind, lays out the page (title, diagram, companion table of themes that
could not be written in full, source line) and saves figures with the same
bytes every time.  Nothing here computes scores: heat maps take the tables of
:mod:`mcr_analysis.scores`.

Examples
--------
>>> cell_title("transfronteriza", "proyectos")
'Integración transfronteriza e infraestructura física — Proyectos'
>>> cell_title("transfronteriza", "proyectos", lang="en")
'Cross-border integration and physical infrastructure — Projects'
>>> choose_kind(3), choose_kind(6), choose_kind(6, "venn"), choose_kind(2, "upset")
('venn', 'upset', 'upset', 'upset')
"""

from __future__ import annotations

import contextlib
import os
import textwrap
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mcr_analysis import taxonomy

__all__ = [
    "STYLE",
    "MAX_VENN",
    "style",
    "use_style",
    "cell_title",
    "choose_kind",
    "CellFigure",
    "draw_cell",
    "Heatmap",
    "convergence_heatmap",
    "jaccard_heatmap",
    "save_figure",
    "save_metadata",
    "latest_round",
]

#: Path of the style sheet shipped in the package.
STYLE = str(resources.files("mcr_analysis.data").joinpath("mcr.mplstyle"))
#: Most organisms a Venn diagram is drawn for; above, an UpSet plot.
MAX_VENN = 5
KINDS = ("auto", "venn", "upset")
CREATOR = "mcr-analysis"

# Page layout of draw_cell, in inches and points (the style's page is 6.3 x 4.72 in).
_BASE_HEIGHT = 4.72
_MARGIN = 0.12
_TITLE_PT, _TITLE_WRAP = 11.0, 62
_TABLE_PT, _TABLE_WRAP = 7.0, 100
_SOURCE_PT, _SOURCE_WRAP = 7.5, 110
_LINE = 1.3  # line spacing, times the font size
_WIDTH, _SIDE = 6.3, 0.2


@contextlib.contextmanager
def style():
    """Context manager: draw with the package style sheet (:data:`STYLE`).

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with style():
    ...     mpl.rcParams["svg.hashsalt"], mpl.rcParams["font.sans-serif"][0]
    ('mcr-analysis', 'DejaVu Sans')
    """
    import matplotlib.pyplot as plt

    with plt.style.context(STYLE):
        yield


def use_style() -> None:
    """Make the package style sheet the default for this session (e.g. in a notebook)."""
    import matplotlib.pyplot as plt

    plt.style.use(STYLE)


def cell_title(axis: str, criterion: str, lang: str = "es") -> str:
    """Title of a cell's diagram: "Eje — Criterio" with the canonical labels.

    ``criterion="*"`` gives the label of all criteria pooled.
    """
    sep = taxonomy.text("title_separator", lang)
    return f"{taxonomy.axis_label(axis, lang)}{sep}{taxonomy.criterion_label(criterion, lang)}"


def choose_kind(n_organisms: int, kind: str = "auto") -> str:
    """Diagram kind drawn for ``n_organisms`` when ``kind`` is asked for.

    ``"auto"`` and ``"venn"`` give a Venn diagram for 1 to :data:`MAX_VENN`
    organisms and an UpSet plot above; ``"upset"`` always gives an UpSet plot.
    """
    if kind not in KINDS:
        raise ValueError(f"invalid kind {kind!r}: expected one of {', '.join(KINDS)}")
    if n_organisms < 1:
        raise ValueError(f"a diagram needs at least one organism with themes; got {n_organisms}")
    if kind == "upset" or n_organisms > MAX_VENN:
        return "upset"
    return "venn"


@dataclass
class CellFigure:
    """What :func:`draw_cell` drew.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
    kind : str
        Kind drawn, ``"venn"`` or ``"upset"``.
    drawing : object
        The ``VennDrawing`` or ``UpSetDrawing`` of :mod:`mcr_analysis.venn` / ``upset``.
    title, source : matplotlib.text.Text
    table : matplotlib.text.Text or None
        The companion table of themes not written in full in the diagram.
    overflow : pandas.DataFrame
        Those themes, one row each (columns ``region``, ``theme``).
    note : str
        Why the kind differs from the one asked for ("" when it does not).
    """

    fig: Any
    kind: str
    drawing: Any
    title: Any
    source: Any
    table: Any = None
    overflow: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["region", "theme"]))
    note: str = ""


def draw_cell(
    contents: dict[str, frozenset[str]],
    *,
    axis: str,
    criterion: str,
    kind: str = "auto",
    lang: str = "es",
    source_line: str | None = None,
    fig=None,
) -> CellFigure:
    """Draw one cell's diagram as a book figure: title, diagram, companion table, source line.

    Parameters
    ----------
    contents : dict
        ``{organism: frozenset(themes)}`` from :func:`mcr_analysis.sets.cell_contents`.
    axis, criterion : str
        Ids of the cell (for the title).
    kind : {"auto", "venn", "upset"}
        See :func:`choose_kind`; a Venn diagram asked for more than
        :data:`MAX_VENN` organisms falls back to UpSet and says so in ``note``.
    lang : {"es", "en"}
    source_line : str, optional
        Text under the figure; default ``taxonomy.text("source_line", lang)``.
    fig : matplotlib.figure.Figure, optional
        An empty figure to draw in; default a new pyplot figure.  Its size is
        set to the page width and grown in height to fit the companion table.

    Returns
    -------
    CellFigure
    """
    active = {org: frozenset(themes) for org, themes in contents.items() if themes}
    if not active:
        raise ValueError(f"cell {axis}/{criterion} has no organism with themes; nothing to draw")
    used = choose_kind(len(active), kind)
    note = ""
    if kind == "venn" and used != "venn":
        note = f"Venn asked for {len(active)} organisms (at most {MAX_VENN}); drew an UpSet plot"
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure()
    title_lines = _title_lines(axis, criterion, lang)
    source = taxonomy.text("source_line", lang) if source_line is None else source_line
    source_lines = textwrap.wrap(source, _SOURCE_WRAP, break_on_hyphens=False) or [""]
    page = _Page(title_lines, source_lines)
    fig.set_size_inches(_WIDTH, page.height)
    colors = taxonomy.palette()
    before = set(fig.axes)
    if used == "venn":
        from mcr_analysis.venn import draw_venn

        ax = fig.add_axes(page.diagram_rect())
        drawing = draw_venn(active, ax, colors=colors, lang=lang)
        fig.set_layout_engine("none")
    else:
        from mcr_analysis.upset import draw_upset

        drawing = draw_upset(active, fig=fig, colors=colors, lang=lang)
        fig.set_layout_engine("none")
        fig.set_size_inches(_WIDTH, page.height)
        x0, y0, w, h = page.diagram_rect()
        for ax in (a for a in fig.axes if a not in before):
            pos = ax.get_position()
            ax.set_position((x0 + pos.x0 * w, y0 + pos.y0 * h, pos.width * w, pos.height * h))
    overflow = _overflow_frame(drawing)
    table_lines = _table_lines(overflow, lang, used)
    if table_lines:
        page.grow(fig, _height(len(table_lines), _TABLE_PT) + 0.2)
    texts = page.texts(fig, table_lines)
    return CellFigure(fig, used, drawing, *texts, overflow=overflow, note=note)


def _title_lines(axis: str, criterion: str, lang: str) -> list[str]:
    """The title on one line, or broken after the separator (axis, then criterion) when too long."""
    title = cell_title(axis, criterion, lang)
    if len(title) <= _TITLE_WRAP:
        return [title]
    head = taxonomy.axis_label(axis, lang) + taxonomy.text("title_separator", lang).rstrip()
    return [*textwrap.wrap(head, _TITLE_WRAP, break_on_hyphens=False),
            *textwrap.wrap(taxonomy.criterion_label(criterion, lang), _TITLE_WRAP, break_on_hyphens=False)]


def _overflow_frame(drawing) -> pd.DataFrame:
    """The drawing's themes not written in full, as columns ``region``, ``theme``."""
    frame = getattr(drawing, "overflow", None)
    if frame is None:
        frame = getattr(drawing, "themes", None)
    if frame is None or len(frame) == 0:
        return pd.DataFrame(columns=["region", "theme"])
    frame = pd.DataFrame(frame).reset_index(drop=True)
    if "theme" not in frame:
        raise ValueError(f"drawing overflow table has no 'theme' column; columns: {list(frame.columns)}")
    region_col = next((c for c in ("region", "organisms", "intersection", "sets") if c in frame), None)
    region = frame[region_col].map(_region_text) if region_col else pd.Series([""] * len(frame))
    return pd.DataFrame({"region": region.astype(str), "theme": frame["theme"].astype(str)})


def _region_text(value) -> str:
    """``("CAN", "SICA")`` -> ``"CAN ∩ SICA"``; strings pass through."""
    if isinstance(value, str):
        return value
    return " ∩ ".join(sorted(str(v) for v in value))


def _table_lines(overflow: pd.DataFrame, lang: str, kind: str = "venn") -> list[str]:
    """Wrapped lines of the companion table: one paragraph per region (or intersection)."""
    if overflow.empty:
        return []
    header = "themes_by_region" if kind == "venn" else "themes_by_intersection"
    lines = [taxonomy.text(header, lang) + ":"]
    for region, group in overflow.groupby("region", sort=False):
        themes = "; ".join(group["theme"])
        head = f"{region} ({len(group)}): " if region else ""
        lines += textwrap.wrap(head + themes, _TABLE_WRAP, subsequent_indent="    ",
                               break_on_hyphens=False) or [head]
    return lines


def _height(n_lines: int, points: float) -> float:
    return n_lines * points * _LINE / 72.0


class _Page:
    """Vertical layout of a cell's page, in inches: title, diagram, companion table, source."""

    def __init__(self, title_lines: list[str], source_lines: list[str]):
        self.title_lines, self.source_lines = title_lines, source_lines
        self.top = _MARGIN + _height(len(title_lines), _TITLE_PT) + 0.1
        self.bottom = _MARGIN + _height(len(source_lines), _SOURCE_PT) + 0.1
        self.diagram = max(_BASE_HEIGHT - self.top - self.bottom, 2.6)
        self.table = 0.0

    @property
    def height(self) -> float:
        return self.top + self.diagram + self.table + self.bottom

    def diagram_rect(self) -> tuple[float, float, float, float]:
        """The diagram's box in figure fractions (left, bottom, width, height)."""
        h = self.height
        return (_SIDE / _WIDTH, (self.bottom + self.table) / h, 1 - 2 * _SIDE / _WIDTH, self.diagram / h)

    def grow(self, fig, table: float) -> None:
        """Make room for a table of ``table`` inches under the diagram, keeping every axes' size."""
        old = self.height
        self.table = table
        new = self.height
        boxes = [(ax, ax.get_position()) for ax in fig.axes]
        fig.set_size_inches(_WIDTH, new)
        for ax, pos in boxes:
            y = pos.y0 * old + table
            ax.set_position((pos.x0, y / new, pos.width, pos.height * old / new))

    def texts(self, fig, table_lines: list[str]):
        """Write the title, the companion table (if any) and the source line; return the Texts."""
        h = self.height
        left = _SIDE / _WIDTH
        title = fig.text(0.5, 1 - _MARGIN / h, "\n".join(self.title_lines), ha="center", va="top",
                         fontsize=_TITLE_PT, fontweight="bold", linespacing=_LINE * 0.95,
                         parse_math=False)
        table = None
        if table_lines:
            table = fig.text(left, (self.bottom + self.table - 0.1) / h, "\n".join(table_lines),
                             ha="left", va="top", fontsize=_TABLE_PT, linespacing=_LINE,
                             parse_math=False)
        source = fig.text(left, _MARGIN / h, "\n".join(self.source_lines), ha="left", va="bottom",
                          fontsize=_SOURCE_PT, fontstyle="italic", linespacing=_LINE, parse_math=False)
        return title, source, table


def latest_round(rounds) -> str | None:
    """The latest of ``rounds`` (numeric rounds compare as numbers), or ``None`` if there are none.

    Examples
    --------
    >>> latest_round(["2024", "2025", "2024"]), latest_round(["9", "10"]), latest_round([])
    ('2025', '10', None)
    """
    values = sorted({str(r) for r in rounds}, key=lambda r: (not r.isdigit(), int(r) if r.isdigit() else 0, r))
    return values[-1] if values else None


def _select_round(frame: pd.DataFrame, round: str | None) -> pd.DataFrame:
    """Rows of ``round`` (default: the latest round in ``frame``)."""
    if "round" not in frame or frame.empty:
        return frame
    chosen = latest_round(frame["round"]) if round is None else str(round)
    return frame.loc[frame["round"].astype(str) == chosen]


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
    """

    ax: Any
    image: Any
    values: pd.DataFrame
    annotations: list
    missing: list
    colorbar: Any


def _format_value(value: float, lang: str) -> str:
    """Two decimals, with a decimal comma in Spanish."""
    out = f"{value:.2f}"
    return out.replace(".", ",") if lang == "es" else out


def _heatmap(values: pd.DataFrame, ax, *, lang: str, xlabels, ylabels, title: str, cbar_label: str,
             xrotation: float = 0) -> Heatmap:
    """Draw ``values`` as an annotated heat map on [0, 1]; NaN cells hatched."""
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch, Rectangle

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
    annotations, missing = [], []
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            v = data[i, j]
            if np.isfinite(v):
                r, g, b, _ = cmap(norm(v))
                color = "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.5 else "black"
                annotations.append(ax.text(j, i, _format_value(v, lang), ha="center", va="center",
                                           fontsize=7.5, color=color))
            else:
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
    colorbar.outline.set_linewidth(0.4)
    if missing:
        ax.legend(handles=[Patch(facecolor="white", edgecolor="#b0b0b0", hatch="////",
                                 label=taxonomy.text("no_data", lang))],
                  loc="upper left", bbox_to_anchor=(1.0, -0.01), borderaxespad=0,
                  handlelength=1.6, handleheight=1.2, frameon=False, fontsize=7)
    return Heatmap(ax, image, values, annotations, missing, colorbar)


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width, break_on_hyphens=False)) or label


def convergence_heatmap(scores: pd.DataFrame, *, round: str | None = None, lang: str = "es",
                        ax=None) -> Heatmap:
    """Heat map of the convergence index, axes (rows) x criteria (columns), in the book's order.

    Parameters
    ----------
    scores : pandas.DataFrame
        :func:`mcr_analysis.scores.convergence_table`: columns ``round``, ``axis``,
        ``criterion``, ``convergence_index`` (rows with ``criterion == "*"`` are ignored).
    round : str, optional
        Round shown; default the latest round in ``scores``.
    lang : {"es", "en"}
    ax : matplotlib.axes.Axes, optional

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
    return _heatmap(
        values, ax, lang=lang,
        xlabels=[_wrap(taxonomy.criterion_label(c, lang), 20) for c in crit_ids],
        ylabels=[_wrap(taxonomy.axis_label(a, lang), 28) for a in axes_ids],
        title=taxonomy.text("convergence_title", lang),
        cbar_label=taxonomy.text("convergence_index", lang), xrotation=90,
    )


def jaccard_heatmap(pairwise: pd.DataFrame, *, axis: str, round: str | None = None,
                    criterion: str = "*", lang: str = "es", ax=None) -> Heatmap:
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
    scope = (taxonomy.axis_label(axis, lang) if criterion == "*"
             else cell_title(axis, criterion, lang))
    return _heatmap(values, ax, lang=lang, xlabels=orgs, ylabels=orgs,
                    title=f"{taxonomy.text('jaccard_title', lang)}\n{_wrap(scope, 70)}",
                    cbar_label="Jaccard", xrotation=45 if len(orgs) > 5 else 0)


def save_metadata(fmt: str) -> dict:
    """Metadata that keeps saved files identical from run to run.

    No creation date unless ``SOURCE_DATE_EPOCH`` is set (then matplotlib writes
    that date); a fixed creator; no software version in PNG files.

    Examples
    --------
    >>> save_metadata("png")
    {'Software': None}
    """
    dated = bool(os.environ.get("SOURCE_DATE_EPOCH"))
    if fmt == "svg":
        return {"Creator": CREATOR} if dated else {"Creator": CREATOR, "Date": None}
    if fmt == "pdf":
        return {"Creator": CREATOR} if dated else {"Creator": CREATOR, "CreationDate": None}
    if fmt == "png":
        return {"Software": None}
    raise ValueError(f"unsupported format {fmt!r}: expected svg, pdf or png")


def save_figure(fig, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Save ``fig`` with the package style's output settings and :func:`save_metadata`.

    ``fmt`` defaults to the file's extension.  Returns the path written.
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    metadata = save_metadata(fmt)
    with style():
        fig.savefig(path, format=fmt, metadata=metadata)
    return path
