"""Page layout of a book figure, in inches and points (no drawing of diagrams).

A cell's page (:func:`mcr_analysis.plots.draw_cell`) is exactly its size: title
on top, source line at the bottom, the diagram between them and, under the
diagram, the companion table of the themes not written in it.  The table takes
room from the diagram down to :data:`_MIN_DIAGRAM_SHARE` of the page's height,
shrinks from 7 to 6 pt, and what still does not fit continues on pages of the
same size.  Text is wrapped by its measured width (``_venn_text.width_pt``).
"""

from __future__ import annotations

import pandas as pd

from mcr_analysis import taxonomy

_MARGIN = 0.12
_TITLE_PT = 11.0
_TABLE_SIZES = (7.0, 6.5, 6.0)  # the companion table shrinks to these sizes before continuing
_SOURCE_PT = 7.5
_LINE = 1.3  # line spacing, times the font size
_SIDE = 0.2
_GAP = 0.1
_MIN_DIAGRAM_SHARE = 0.5  # the diagram keeps at least this share of the page's height


def _squash(text: str) -> str:
    return "".join(text.split())


def _wrap_pt(text: str, size: float, width_pt: float, weight: str = "normal",
             indent: str = "") -> list[str]:
    """Greedy word wrap of ``text`` so that no line is wider than ``width_pt`` at ``size`` points.

    Continuation lines start with ``indent``; a word wider than a line (a theme of
    one 200-character "word", a URL) is cut where the line ends.
    """
    from mcr_analysis._venn_text import width_pt as measure

    lines: list[str] = []
    current = ""
    words = []
    for word in text.split():
        while len(word) > 1 and measure(indent + word, size, weight) > width_pt:
            cut = next((k for k in range(len(word) - 1, 0, -1)
                        if measure(indent + word[:k], size, weight) <= width_pt), 1)
            words.append(word[:cut])
            word = word[cut:]
        words.append(word)
    for word in words:
        trial = f"{current} {word}" if current else (indent if lines else "") + word
        if current and measure(trial, size, weight) > width_pt:
            lines.append(current)
            current = indent + word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def _title_lines(title: str, width_pt: float) -> list[str]:
    """The title on one line, or broken after the separator (axis, then criterion) when too long."""
    from mcr_analysis._venn_text import width_pt as measure

    if measure(title, _TITLE_PT, "bold") <= width_pt:
        return [title]
    sep = taxonomy.text("title_separator", "es").strip()
    head, _, tail = title.partition(f" {sep} ")
    if not tail:
        return _wrap_pt(title, _TITLE_PT, width_pt, "bold")
    return [*_wrap_pt(f"{head} {sep}", _TITLE_PT, width_pt, "bold"), *_wrap_pt(tail, _TITLE_PT, width_pt, "bold")]


def _table_lines(overflow: pd.DataFrame, lang: str, kind: str = "venn") -> list[list[str]]:
    """Paragraphs of the companion table, one per region (or intersection), as unwrapped texts.

    The first "paragraph" is the header.  A region keyed "(a)" in the diagram starts with its key;
    every count says what it counts ("CAN ∩ SICA (2 temas): ...").
    """
    from mcr_analysis._venn_text import count_text, key_text, shorten

    if overflow.empty:
        return []
    header = "themes_by_region" if kind == "venn" else "themes_by_intersection"
    out = [taxonomy.text(header, lang) + ":"]
    for region, group in overflow.groupby("region", sort=False):
        mark = str(group["key"].iloc[0]) if "key" in group else ""
        head = f"{key_text(mark)} " if mark else ""
        head += f"{region} ({count_text(len(group), lang)}): " if region else ""
        out.append(head + "; ".join(shorten(t) for t in group["theme"]))  # whole text in themes.csv
    return out


def _wrap_table(paragraphs: list[str], size: float, width_pt: float) -> list[str]:
    out = []
    for para in paragraphs:
        out += _wrap_pt(para, size, width_pt, indent="    ") or [""]
    return out


def _split_table(paragraphs: list[str], page: "_Page", width_pt: float,
                 room: float | None = None) -> tuple[list[str], list[str], float]:
    """Wrapped table lines that fit under the diagram, the rest, and the font size used.

    ``room`` is the height available in inches (default: all the page allows
    below the diagram's minimum height).  The table tries 7, 6.5 and 6 pt;
    at 6 pt what does not fit is returned as the rest (a continuation).
    """
    if not paragraphs:
        return [], [], _TABLE_SIZES[0]
    room = page.table_room() if room is None else room
    for size in _TABLE_SIZES:
        lines = _wrap_table(paragraphs, size, width_pt)
        if _height(len(lines), size) + _GAP <= room + 1e-9:
            return lines, [], size
    size = _TABLE_SIZES[-1]
    lines = _wrap_table(paragraphs, size, width_pt)
    n_fit = max(0, int((room - _GAP) * 72.0 / (size * _LINE) + 1e-9))
    if n_fit <= 1:  # a lone header line says nothing: everything goes to the continuation
        return [], lines, size
    return lines[:n_fit], lines[n_fit:], size


def _continuation_pages(page: "_Page", lines: list[str], title: str, lang: str,
                        width_pt: float) -> list:
    """Pages of the same size holding ``lines`` under "<title> (continuación)"."""
    from matplotlib.figure import Figure

    cont_title = _title_lines(f"{title} {taxonomy.text('continued', lang)}", width_pt)
    pages = []
    size = _TABLE_SIZES[-1]
    while lines:
        cont = _Page(page.width, page.height, cont_title, page.source_lines)
        room = cont.height - cont.top - cont.bottom
        n_fit = max(1, int((room - _GAP) * 72.0 / (size * _LINE) + 1e-9))
        chunk, lines = lines[:n_fit], lines[n_fit:]
        fig = Figure(figsize=(page.width, page.height))
        fig.set_layout_engine("none")
        cont.texts(fig, chunk, size, room, table_top=cont.height - cont.top)
        pages.append(fig)
    return pages


def _height(n_lines: int, points: float) -> float:
    return n_lines * points * _LINE / 72.0


class _Page:
    """Vertical layout of a cell's page, in inches: title, diagram, companion table, source."""

    def __init__(self, width: float, height: float, title_lines: list[str], source_lines: list[str]):
        self.width, self.height = width, height
        self.title_lines, self.source_lines = title_lines, source_lines
        self.top = _MARGIN + _height(len(title_lines), _TITLE_PT) + _GAP
        self.bottom = _MARGIN + _height(len(source_lines), _SOURCE_PT) + _GAP

    def table_room(self) -> float:
        """Most inches the companion table may take (the diagram keeps its minimum share)."""
        return max(0.0, self.height - self.top - self.bottom - _MIN_DIAGRAM_SHARE * self.height)

    def diagram_box(self, table: float) -> tuple[float, float, float, float]:
        """The diagram's box in inches (left, bottom, width, height) above a ``table`` inches high."""
        table = min(table, self.table_room())
        return (_SIDE, self.bottom + table, self.width - 2 * _SIDE,
                self.height - self.top - self.bottom - table)

    def rect(self, box) -> tuple[float, float, float, float]:
        """A box in inches as figure fractions."""
        x, y, w, h = box
        return (x / self.width, y / self.height, w / self.width, h / self.height)

    def texts(self, fig, table_lines: list[str], table_pt: float, table_h: float,
              table_top: float | None = None):
        """Write the title, the companion table (if any) and the source line; return the Texts."""
        h = self.height
        left = _SIDE / self.width
        title = fig.text(0.5, 1 - _MARGIN / h, "\n".join(self.title_lines), ha="center", va="top",
                         fontsize=_TITLE_PT, fontweight="bold", linespacing=_LINE * 0.95,
                         parse_math=False)
        table = None
        if table_lines:
            top = self.bottom + table_h - _GAP if table_top is None else table_top
            table = fig.text(left, top / h, "\n".join(table_lines),
                             ha="left", va="top", fontsize=table_pt, linespacing=_LINE,
                             parse_math=False)
        source = fig.text(left, _MARGIN / h, "\n".join(self.source_lines), ha="left", va="bottom",
                          fontsize=_SOURCE_PT, fontstyle="italic", linespacing=_LINE, parse_math=False)
        return title, source, table
