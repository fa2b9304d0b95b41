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
import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from mcr_analysis import taxonomy
from mcr_analysis._page import (
    _GAP, _LINE, _SIDE, _SOURCE_PT, _TITLE_PT, _Page, _continuation_pages, _height, _split_table,
    _squash, _table_lines, _title_lines, _wrap_pt,
)
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
    "default_source_line",
    "draw_title_page",
    "DEFAULT_PAGE_CM",
    "MIN_TEXT_PT",
]

#: Path of the style sheet shipped in the package.
STYLE = str(resources.files("mcr_analysis.data").joinpath("mcr.mplstyle"))
#: Most organisms a Venn diagram is drawn for; above, an UpSet plot.
MAX_VENN = 5
KINDS = ("auto", "venn", "upset")
CREATOR = "mcr-analysis"

# Pages of draw_cell (the layout itself is in mcr_analysis._page).
DEFAULT_PAGE_CM = (16.0, 12.0)
"""Width and height in cm of every figure page (the book's slot); ``draw_cell(page_cm=...)`` changes it."""
MIN_TEXT_PT = 6.0
"""No text of a figure is smaller than this (region texts, tables, keys)."""
_FIT_ROUNDS = 4  # re-layouts of a Venn diagram while its companion table settles
_MISSING_GLYPH = r"Glyph \d+ .* missing from font"

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
        Those themes, one row each (columns ``region``, ``theme``, ``key``:
        the region's key letter when the diagram shows "(a)" for it, else "").
    note : str
        Why the kind differs from the one asked for ("" when it does not).
    continued : list of matplotlib.figure.Figure
        Continuation pages (same size) with the rest of the companion table
        when it does not fit under the diagram; usually empty.
    continued_themes : set of str
        The themes whose table entries are on a continuation page.
    """

    fig: Any
    kind: str
    drawing: Any
    title: Any
    source: Any
    table: Any = None
    overflow: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["region", "theme", "key"]))
    note: str = ""
    continued: list = field(default_factory=list)
    continued_themes: set = field(default_factory=set)


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
    number: int | None = None,
    page_cm: tuple[float, float] = DEFAULT_PAGE_CM,
) -> CellFigure:
    """Draw one cell's diagram as a book figure: title, diagram, companion table, source line.

    The page is exactly ``page_cm`` and never grows: the companion table takes
    room from the diagram (which keeps at least half the page's height and is
    laid out again for the room left), shrinks from 7 to 6 pt, and what still
    does not fit goes to continuation pages of the same size
    (:attr:`CellFigure.continued`).  No text is smaller than :data:`MIN_TEXT_PT`.

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
        Text under the figure; default :func:`default_source_line`.
    fig : matplotlib.figure.Figure, optional
        An empty figure to draw in; default a new pyplot figure.  Its size is
        set to ``page_cm``.
    number : int, optional
        Figure number, written before the title ("Figura 3. ...").
    page_cm : tuple of float
        Width and height of the page in cm (default 16 x 12).
    title_suffix : str
        Text added to the title, e.g. the round (" (2025)") when several rounds are drawn.

    Returns
    -------
    CellFigure
    """
    active = {org: frozenset(themes) for org, themes in contents.items() if themes}
    if not active:
        raise ValueError(f"cell {axis}/{criterion} has no organism with themes; nothing to draw")
    if len(page_cm) != 2 or min(page_cm) < 6:
        raise ValueError(f"page_cm must be (width, height) of at least 6 cm each; got {page_cm!r}")
    used = choose_kind(len(active), kind)
    note = ""
    if kind == "venn" and used != "venn":
        note = f"Venn asked for {len(active)} organisms (at most {MAX_VENN}); drew an UpSet plot"
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure()
    width, height = page_cm[0] / 2.54, page_cm[1] / 2.54
    text_w = (width - 2 * _SIDE) * 72.0
    title = cell_title(axis, criterion, lang) + title_suffix
    if number is not None:
        title = f"{taxonomy.text('figure_number', lang).format(n=number)} {title}"
    page = _Page(width, height, _title_lines(title, text_w),
                 _wrap_pt(default_source_line(lang) if source_line is None else source_line,
                          _SOURCE_PT, text_w) or [""])
    fig.set_size_inches(width, height)
    fig.set_layout_engine("none")
    colors = taxonomy.palette()
    if used == "venn":
        from mcr_analysis.venn import draw_venn, venn_layout

        table_h = 0.0
        for _ in range(_FIT_ROUNDS):
            box = page.diagram_box(table_h)
            layout = venn_layout(active, size_cm=(box[2] * 2.54, box[3] * 2.54))
            overflow = _overflow_frame(layout)
            shown, rest, size = _split_table(_table_lines(overflow, lang, used), page, text_w)
            new_h = _height(len(shown), size) + _GAP if shown else 0.0
            if abs(new_h - table_h) < 1e-9:
                break
            table_h = new_h
        else:  # unsettled: lay out once more for the last table height; what overflows continues
            box = page.diagram_box(table_h)
            layout = venn_layout(active, size_cm=(box[2] * 2.54, box[3] * 2.54))
            overflow = _overflow_frame(layout)
        ax = fig.add_axes(page.rect(box))
        drawing = draw_venn(layout, ax, colors=colors, lang=lang)
        lines = _table_lines(overflow, lang, used)
        shown, rest, size = _split_table(lines, page, text_w, room=table_h)
    else:
        from mcr_analysis.upset import draw_upset, upset_data, upset_themes

        # An UpSet plot shows counts only: its table holds every theme, whatever the plot's size.
        overflow = _overflow_frame(upset_themes(upset_data(active)))
        shown, rest, size = _split_table(_table_lines(overflow, lang, used), page, text_w)
        table_h = _height(len(shown), size) + _GAP if shown else 0.0
        x0, y0, w, h = page.rect(page.diagram_box(table_h))
        # Sub-figures follow the grid's ratios, not its margins: carve the box out of a 3 x 3 grid.
        grid = fig.add_gridspec(3, 3, width_ratios=(x0, w, max(1e-6, 1 - x0 - w)),
                                height_ratios=(max(1e-6, 1 - y0 - h), h, max(1e-6, y0)),
                                left=0, right=1, bottom=0, top=1, wspace=0, hspace=0)
        sub = fig.add_subfigure(grid[1, 1], facecolor="none")
        drawing = draw_upset(active, fig=sub, colors=colors, lang=lang)
    texts = page.texts(fig, shown, size, table_h)
    continued, continued_themes = [], set()
    if rest:
        continued = _continuation_pages(page, rest, title, lang, text_w)
        on_page = _squash(" ".join(shown))
        continued_themes = {t for t in overflow["theme"] if _squash(t) not in on_page}
    return CellFigure(fig, used, drawing, *texts, overflow=overflow, note=note,
                      continued=continued, continued_themes=continued_themes)


def draw_title_page(title: str, lines: list[str], *, page_cm: tuple[float, float] = DEFAULT_PAGE_CM,
                    fig=None):
    """A title page of the same size as the figures: ``title`` (bold), then paragraphs ``lines``.

    Returns the figure (a new pyplot-free ``Figure`` unless ``fig`` is given).
    """
    from matplotlib.figure import Figure

    fig = Figure() if fig is None else fig
    width, height = page_cm[0] / 2.54, page_cm[1] / 2.54
    fig.set_size_inches(width, height)
    fig.set_layout_engine("none")
    text_w = (width - 4 * _SIDE) * 72.0
    head = _wrap_pt(title, _TITLE_PT + 3, text_w, "bold")
    fig.text(0.5, 0.62, "\n".join(head), ha="center", va="bottom", fontsize=_TITLE_PT + 3,
             fontweight="bold", linespacing=_LINE, parse_math=False)
    body: list[str] = []
    for para in lines:
        body += [*_wrap_pt(para, _SOURCE_PT + 1, text_w), ""]
    fig.text(0.5, 0.58, "\n".join(body).rstrip(), ha="center", va="top", fontsize=_SOURCE_PT + 1,
             linespacing=_LINE, multialignment="center", parse_math=False)
    return fig


def default_source_line(lang: str = "es") -> str:
    """The source line under every figure when none is given: ``source_line`` of ``labels.tsv``.

    It says that the data are an illustrative reconstruction, as the sample
    data in ``data/raw`` are; pass ``source_line=`` (``mcr appendix --source-line``)
    for the organisms' real submissions.

    Examples
    --------
    >>> "reconstrucción ilustrativa" in default_source_line("es")
    True
    """
    return taxonomy.text("source_line", lang)


def _overflow_frame(drawing) -> pd.DataFrame:
    """The drawing's themes not written in full, as columns ``region``, ``theme``, ``key``."""
    frame = drawing if isinstance(drawing, pd.DataFrame) else getattr(drawing, "overflow", None)
    if frame is None:
        frame = getattr(drawing, "themes", None)
    if frame is None or len(frame) == 0:
        return pd.DataFrame(columns=["region", "theme", "key"])
    frame = pd.DataFrame(frame).reset_index(drop=True)
    if "theme" not in frame:
        raise ValueError(f"drawing overflow table has no 'theme' column; columns: {list(frame.columns)}")
    region_col = next((c for c in ("region", "organisms", "intersection", "sets") if c in frame), None)
    region = frame[region_col].map(_region_text) if region_col else pd.Series([""] * len(frame))
    key = frame["key"].astype(str) if "key" in frame else pd.Series([""] * len(frame))
    return pd.DataFrame({"region": region.astype(str), "theme": frame["theme"].astype(str),
                         "key": key.to_numpy()})


def _region_text(value) -> str:
    """``("CAN", "SICA")`` -> ``"CAN ∩ SICA"``; strings pass through."""
    if isinstance(value, str):
        return value
    return " ∩ ".join(sorted(str(v) for v in value))


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
