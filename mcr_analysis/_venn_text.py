"""Text of Venn regions: wrapping themes into lines and fitting them (no drawing).

A region with one theme writes it as 1 to ``max_lines`` centred lines, broken
so that the widest line is as narrow as possible (a balanced wrap: "Mesas de
trabajo / intersecretarías", not "Mesas de trabajo intersecretarías" cut at a
fixed width).  A region with several themes writes one bullet per theme, left
aligned, each wrapped at a common width.  Each candidate is tried as a stack
of line boxes (every line its own width, see
``_venn_geometry.RegionFitter.place_block``), so a short last line may sit in
the narrow tip of a region; font sizes go down in 0.5 pt steps to the
minimum, and the first candidate that fits wins.  A region whose themes fit
nowhere upright tries the same candidates written along the tilts of the
diagram's ellipses (a crescent of the 4- or 5-ellipse diagram is slanted
like its ellipse).  Otherwise its themes go to
the companion table and the region shows either its count ("n temas") or a
key letter, "(a)", which starts its paragraph in the companion table, so no
number in a diagram is left unexplained.  The count says "too many themes for
this region", so it is shown only when the region is smaller than its themes'
text at the smallest size (:func:`text_area_pt2`); a region with room for that
text but of a shape it does not follow (a thin crescent, say) shows the key,
as does a region where even the count does not fit.

The work is bounded whatever the length of a theme: a theme is written in a
figure as :func:`shorten` gives it (at most :data:`MAX_FIGURE_CHARS`
characters, cut between words with an ellipsis), so a region tries at most
``len(sizes) * (max(max_lines, wrap_width) + 1) * (1 + n_tilts)`` placements
(``n_tilts``: at most 5 ellipse tilts, none for circles), each of a text of
bounded length.  The full text stays in the tables (``themes.csv``, the
overflow table of the drawing).
"""

from __future__ import annotations

import functools
import textwrap
import warnings
from dataclasses import dataclass

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from mcr_analysis.taxonomy import text

BULLET = "• "
MAX_FIGURE_CHARS = 200
"""Longest theme written in a figure; longer ones are cut with :data:`ELLIPSIS` (tables keep them whole)."""
ELLIPSIS = "…"
LINE_SPACING = 1.2  # matplotlib's default ``linespacing``
_MIN_WRAP = 8
_TEXT_TO_PATH = TextToPath()


@dataclass(frozen=True)
class Region:
    """One region of the diagram: the organisms that share exactly ``themes``.

    Attributes
    ----------
    key : tuple of str
        Organism ids of the region, in the diagram's order.
    themes : tuple of str
        Themes of the region, sorted (accent- and case-insensitively).
    anchor : tuple of float
        Centre of the region's text, in data coordinates.
    lines : tuple of str or None
        The wrapped lines listing the themes when they fit; ``None`` when the
        region shows its count instead (its themes are then in the overflow).
    fontsize : float
        Font size in points of the region's text.
    short_count : bool
        True when the region shows its key (``mark``) instead of its themes or
        count, explained in the companion table.
    mark : str
        The region's key letter ("a", "b", ...) when ``short_count``, else "".
    rotation : float
        Angle in degrees of the text's baseline (0: horizontal).  The themes are
        written along a slanted region (a crescent of the 4- or 5-ellipse
        diagram) when they fit it that way and not upright.
    """

    key: tuple[str, ...]
    themes: tuple[str, ...]
    anchor: tuple[float, float]
    lines: tuple[str, ...] | None
    fontsize: float
    short_count: bool = False
    mark: str = ""
    rotation: float = 0.0

    @property
    def shows_themes(self) -> bool:
        """True when the region writes its themes in full (or is empty)."""
        return self.lines is not None

    @property
    def align(self) -> str:
        """Alignment of the lines: ``"center"`` for one theme, ``"left"`` for a bulleted list."""
        return "center" if len(self.themes) == 1 else "left"


def count_text(n: int, lang: str) -> str:
    """ "n temas" / "1 tema" in ``lang``."""
    if n == 1:
        return text("venn_one_theme", lang)
    return text("venn_n_themes", lang).format(n=n)


def key_text(mark: str) -> str:
    """The key written in a region too small for its count: ``"(a)"``.

    Examples
    --------
    >>> key_text("b")
    '(b)'
    """
    return f"({mark})"


def key_marks(n: int) -> list[str]:
    """``n`` key letters: a, b, ..., z, aa, ab, ...

    Examples
    --------
    >>> key_marks(3), key_marks(28)[-2:]
    (['a', 'b', 'c'], ['aa', 'ab'])
    """
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = []
    for i in range(n):
        mark = ""
        while True:
            mark = letters[i % 26] + mark
            i = i // 26 - 1
            if i < 0:
                break
        out.append(mark)
    return out


@functools.lru_cache(maxsize=65536)
def width_pt(line: str, size: float, weight: str = "normal") -> float:
    """Width in points of ``line`` in the default sans-serif font at ``size`` points."""
    prop = FontProperties(size=size, weight=weight)
    with warnings.catch_warnings():  # glyphs the font lacks are measured as its placeholder box
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
        return _TEXT_TO_PATH.get_text_width_height_descent(line, prop, ismath=False)[0]


def shorten(theme: str, limit: int = MAX_FIGURE_CHARS) -> str:
    """``theme`` as written in a figure: spacing collapsed, cut to ``limit`` characters with an ellipsis.

    The cut falls after the last whole word that fits (inside a word only
    when the first word alone is too long).

    Examples
    --------
    >>> shorten("Pasos  de frontera")
    'Pasos de frontera'
    >>> shorten("Pasos de frontera integrados", 20)
    'Pasos de frontera…'
    >>> shorten("x" * 30, 10)
    'xxxxxxxxx…'
    """
    text_ = " ".join(str(theme).split())
    if len(text_) <= limit:
        return text_
    head = text_[: limit - len(ELLIPSIS) + 1]
    cut = head.rfind(" ")
    head = head[:cut] if cut > 0 else head[: limit - len(ELLIPSIS)]
    return head.rstrip() + ELLIPSIS


def balanced_lines(theme: str, n_lines: int) -> tuple[str, ...]:
    """``theme`` broken between words into at most ``n_lines`` lines, the widest as narrow as possible.

    Words are never split; ties go to the breaking with the shortest last line.

    Examples
    --------
    >>> balanced_lines("Mesas de trabajo intersecretarías", 2)
    ('Mesas de trabajo', 'intersecretarías')
    >>> balanced_lines("Políticas públicas para mipymes", 2)
    ('Políticas públicas', 'para mipymes')
    >>> balanced_lines("Ríos", 3)
    ('Ríos',)
    """
    words = theme.split()
    n_lines = max(1, min(n_lines, len(words)))
    unit = 10.0  # widths scale with the size: measure once, at 10 pt
    word_w = [width_pt(w, unit) for w in words]
    space = width_pt("a a", unit) - 2 * width_pt("a", unit)
    n = len(words)

    def span(i: int, j: int) -> float:  # words[i:j] on one line
        return sum(word_w[i:j]) + space * (j - i - 1)

    # best[k][j]: (widest line, breaks) for words[:j] in k lines (dynamic programming).
    best = [{0: (0.0, ())}]
    for k in range(1, n_lines + 1):
        row = {}
        for j in range(k, n + 1):
            # Ties: the latest break, so the last line is the shortest.
            widest, neg_i = min((max(best[k - 1][i][0], span(i, j)), -i) for i in range(k - 1, j) if i in best[k - 1])
            row[j] = (widest, best[k - 1][-neg_i][1] + (-neg_i,))
        best.append(row)
    breaks = best[n_lines][n][1][1:] + (n,)
    lines, start = [], 0
    for end in breaks:
        lines.append(" ".join(words[start:end]))
        start = end
    return tuple(lines)


def bullet_lines(themes: tuple[str, ...], width: int) -> tuple[str, ...]:
    """One bullet per theme, each wrapped at ``width`` characters (continuations indented).

    Examples
    --------
    >>> bullet_lines(("Aduanas", "Pasos de frontera"), 12)
    ('• Aduanas', '• Pasos de', '   frontera')
    """
    lines: list[str] = []
    for theme in themes:
        lines += textwrap.wrap(
            " ".join(theme.split()), width, initial_indent=BULLET, subsequent_indent="   ",
            break_long_words=False, break_on_hyphens=False,
        )
    return tuple(lines)


def candidates(themes: tuple[str, ...], wrap_width: int, max_lines: int) -> list[tuple[str, ...]]:
    """The wrappings tried for a region, best first (fewest lines first); none is empty.

    One theme: balanced wraps into 1, 2, ... lines.  Several themes: bullet
    lists wrapped at ``wrap_width`` characters and narrower, down to 8 (none
    when there are more themes than ``max_lines``).  Themes are shortened
    first (:func:`shorten`), so there are at most ``max(max_lines, wrap_width)``
    candidates, each of bounded length.

    Examples
    --------
    >>> [len(c) for c in candidates(("palabra " * 5000,), 30, 3)]
    [1, 2, 3]
    >>> candidates(("palabra " * 5000,), 30, 1)[0][0][-3:]
    'ra…'
    """
    out: list[tuple[str, ...]] = []
    themes = tuple(shorten(t) for t in themes)
    if len(themes) == 1:
        words = len(themes[0].split())
        for n in range(1, min(words, max_lines) + 1):
            out.append(balanced_lines(themes[0], n))
    elif len(themes) <= max_lines:  # one line per theme at least
        for width in range(max(wrap_width, _MIN_WRAP), _MIN_WRAP - 1, -1):
            lines = bullet_lines(themes, width)
            if len(lines) <= max_lines:
                out.append(lines)
    return list(dict.fromkeys(c for c in out if c))


def boxes(lines: tuple[str, ...], size: float, align: str) -> list[tuple[float, float, float, float]]:
    """Line boxes ``(dx, dy, w, h)`` in points, centred on the text block's anchor."""
    widths = [width_pt(line, size) for line in lines]
    block_w, pitch = max(widths), LINE_SPACING * size
    top = (len(lines) - 1) * pitch / 2
    return [
        ((w - block_w) / 2 if align == "left" else 0.0, top - i * pitch, w, pitch)
        for i, w in enumerate(widths)
    ]


def text_area_pt2(themes, size: float) -> float:
    """Least area in square points that ``themes`` take written at ``size`` points.

    Each theme (as :func:`shorten` gives it) on one line of height
    ``LINE_SPACING * size``, without bullets or padding: a region smaller than
    this cannot hold the themes however they are wrapped.

    Examples
    --------
    >>> a = text_area_pt2(("Ríos",), 6.0)
    >>> round(a / (width_pt("Ríos", 6.0) * 7.2), 6)
    1.0
    >>> abs(text_area_pt2(("Ríos", "Aduanas"), 6.0) - a - width_pt("Aduanas", 6.0) * 7.2) < 1e-9
    True
    """
    return sum(width_pt(shorten(t), size) for t in themes) * LINE_SPACING * size


def fit_region(key, themes, fitter, sizes, wrap_width: int, max_lines: int, turned=None) -> Region:
    """The region's text: its themes at the largest size that fits, else its count or its key.

    ``fitter`` is a ``_venn_geometry.RegionFitter`` for the region, ``sizes``
    the font sizes to try, largest first.  When the themes fit nowhere upright,
    ``turned`` (a callable returning ``(angle, fitter, unturn)`` triples: the
    region seen in a frame turned by ``angle`` and the function mapping an
    anchor of that frame back) lets them be written along the region instead.
    The count is shown only in a region whose area is less than
    :func:`text_area_pt2` of its themes at the smallest size; a region with
    that room that still does not fit them shows its key.
    """
    if not themes:
        return Region(key, themes, fitter.pole(), (), sizes[0])
    align = "center" if len(themes) == 1 else "left"
    options = candidates(themes, wrap_width, max_lines)
    for size in sizes:
        for lines in options:
            anchor = fitter.place_block(boxes(lines, size, align))
            if anchor is not None:
                return Region(key, themes, anchor, lines, size)
    for angle, turned_fitter, back in (turned() if turned is not None else ()):
        for size in sizes:
            for lines in options:
                anchor = turned_fitter.place_block(boxes(lines, size, align))
                if anchor is not None:
                    return Region(key, themes, back(anchor), lines, size, rotation=angle)
    for size in sizes if fitter.area_pt2 < text_area_pt2(themes, sizes[-1]) else ():
        w_pt = max(width_pt(count_text(len(themes), lang), size) for lang in ("es", "en"))
        anchor = fitter.place_block([(0.0, 0.0, w_pt, LINE_SPACING * size)])
        if anchor is not None:
            return Region(key, themes, anchor, None, size)
    # The key "(a)" at the smallest size, where it fits best (at the pole when it fits nowhere:
    # it is drawn with a white halo so it stays legible across an outline).
    w_pt = width_pt(key_text("m"), sizes[-1])
    anchor = fitter.place_block([(0.0, 0.0, w_pt, LINE_SPACING * sizes[-1])])
    return Region(key, themes, anchor or fitter.pole(), None, sizes[-1], short_count=True)
