"""Figures of a book: the style sheet, one diagram per cell, saving.

The diagrams themselves are drawn by :mod:`mcr_analysis.venn` (1 to 5
organisms) and :mod:`mcr_analysis.upset` (any number); this module chooses
the kind, lays out the page (title, diagram, companion table of themes that
could not be written in full, source line) and saves figures with the same
bytes every time.  The summary heat maps are in :mod:`mcr_analysis.heatmaps`.

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
import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from mcr_analysis import taxonomy
from mcr_analysis.sets import latest_round

__all__ = [
    "STYLE",
    "MAX_VENN",
    "style",
    "use_style",
    "cell_title",
    "choose_kind",
    "CellFigure",
    "draw_cell",
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
_MISSING_GLYPH = r"Glyph \d+ .* missing from font"
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

    with plt.style.context(STYLE), warnings.catch_warnings():
        # A theme in a script the style's font lacks (CJK, emoji) is drawn with
        # placeholder boxes; its text is whole in themes.csv, so no warning.
        warnings.filterwarnings("ignore", message=_MISSING_GLYPH, category=UserWarning)
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
    title_suffix: str = "",
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
    title_suffix : str
        Text added to the title, e.g. the round (" (2025)") when several rounds are drawn.

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
    title_lines = _title_lines(axis, criterion, lang, title_suffix)
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


def _title_lines(axis: str, criterion: str, lang: str, suffix: str = "") -> list[str]:
    """The title on one line, or broken after the separator (axis, then criterion) when too long."""
    title = cell_title(axis, criterion, lang) + suffix
    if len(title) <= _TITLE_WRAP:
        return [title]
    head = taxonomy.axis_label(axis, lang) + taxonomy.text("title_separator", lang).rstrip()
    return [*textwrap.wrap(head, _TITLE_WRAP, break_on_hyphens=False),
            *textwrap.wrap(taxonomy.criterion_label(criterion, lang) + suffix, _TITLE_WRAP,
                           break_on_hyphens=False)]


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
    from mcr_analysis._venn_text import shorten

    header = "themes_by_region" if kind == "venn" else "themes_by_intersection"
    lines = [taxonomy.text(header, lang) + ":"]
    for region, group in overflow.groupby("region", sort=False):
        themes = "; ".join(shorten(t) for t in group["theme"])  # whole text in themes.csv
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


def _select_round(frame: pd.DataFrame, round: str | None) -> pd.DataFrame:
    """Rows of ``round`` (default: the latest round in ``frame``)."""
    if "round" not in frame or frame.empty:
        return frame
    chosen = latest_round(frame["round"]) if round is None else str(round)
    return frame.loc[frame["round"].astype(str) == chosen]


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
