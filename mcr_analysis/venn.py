"""Venn diagrams of one MCR cell: organisms are sets, themes are elements.

The layout (:func:`venn_layout`) is computed apart from the drawing
(:func:`draw_venn`) and uses no pyplot:

* 1 organism: one labelled circle; 2 and 3: circles from matplotlib-venn's
  layout algorithm with all subset sizes fixed to 1, i.e. the unweighted
  diagram whatever the data (``venn2_unweighted``/``venn3_unweighted`` raise in
  matplotlib-venn 1.1.2); regions with the same number of organisms have the
  same area (for two sets all three are equal);
  4 and 5: congruent ellipses (the classic four-ellipse arrangement and
  Grünbaum's symmetric five-ellipse diagram) in which all 15 / 31 regions exist.
* A theme belongs to the region of exactly the organisms that have it.
* Each non-empty region writes its themes when they fit inside it: a lone
  theme as one to a few centred lines broken for the narrowest block, several
  themes as a bulleted list; font sizes go down from ``fontsize`` to
  ``min_fontsize`` (7 to 6 pt by default: no text under 6 pt), upright and
  then along the tilt of an ellipse (for a slanted crescent), before giving
  up.  Otherwise its themes go to :attr:`VennLayout.overflow`, the companion
  table printed under the diagram, and the region shows its count ("n temas")
  when it is smaller than its themes' text at the smallest size, or else (a
  region with room for the text but of a shape it cannot follow, or too small
  even for the count) a key, "(a)", that starts its paragraph in that table:
  no number is left unexplained.  No
  theme is ever dropped: every theme is either written in the figure or
  listed in ``overflow``.
* Empty regions show nothing, as in the book's diagrams.
* One visual rule for overlaps, whatever the number of sets: every set is
  filled with its organism's colour at the same opacity (:data:`FILL_ALPHA`)
  and outlined in that colour at full strength, so an overlap is where fills
  stack and is darker the more organisms share it.  The outline and the set
  label, never the fill alone, tell the sets apart (see ``docs/palette.md``).

Fitting is measured on a grid of sample points (see ``_venn_geometry``) with
the real font metrics, line by line, for a diagram drawn ``size_cm`` wide and
high; each text is centred where it has the most room around it (see
``_venn_text``).  The result is deterministic.

Examples
--------
>>> lay = venn_layout({"CAN": frozenset({"Pasos de frontera", "Aduanas"}),
...                    "SICA": frozenset({"Aduanas"})})
>>> lay.organisms, list(lay.regions)
(('CAN', 'SICA'), [('CAN',), ('SICA',), ('CAN', 'SICA')])
>>> lay.regions[("CAN", "SICA")].themes
('Aduanas',)
>>> lay.region_text(("CAN",), "es")
'Pasos de frontera'
>>> lay.region_text(("SICA",), "es")
''
>>> lay.overflow.empty
True
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import pandas as pd
from matplotlib.colors import to_rgba

from mcr_analysis import _venn_geometry as geo
from mcr_analysis._venn_text import (
    BULLET, LINE_SPACING, Region, count_text, fit_region, key_marks, key_text, width_pt,
)
from mcr_analysis.sets import active_contents
from mcr_analysis.taxonomy import normalize_label, palette, text

__all__ = [
    "Region", "VennLayout", "VennDrawing", "venn_layout", "draw_venn", "MAX_VENN_SETS", "OVERFLOW_COLUMNS",
    "FILL_ALPHA", "OUTLINE_WIDTH",
]

MAX_VENN_SETS = 5
OVERFLOW_COLUMNS = ["organisms", "theme", "key"]
REGION_JOIN = " ∩ "
DEFAULT_SIZE_CM = (15.0, 9.0)
DEFAULT_FONTSIZE = 7.0
DEFAULT_MIN_FONTSIZE = 6.0
#: Opacity of every set's fill, for 1 to 5 sets alike (overlaps stack, so they darken).
FILL_ALPHA = 0.25
#: Width in points of every set's outline, drawn in the organism's colour at full strength.
OUTLINE_WIDTH = 1.2
HALO = 2.0  # width in points of the white halo behind a region key drawn across an outline
SET_LABEL_SCALE = 1.3  # set labels are this much larger than region text


@dataclass(frozen=True, eq=False)
class VennLayout:
    """Everything needed to draw a Venn diagram, computed without pyplot.

    Attributes
    ----------
    organisms : tuple of str
        The sets, in drawing order.
    shapes : tuple
        One circle or ellipse per organism (``_venn_geometry.Shape``).
    regions : dict
        Region key -> :class:`Region`, for all ``2**n - 1`` regions, ordered by
        number of organisms, then by the organisms' order.
    set_labels : dict
        Organism -> ``(x, y, ha, va)`` of its label, outside the shapes.
    limits : tuple of float
        ``(xmin, xmax, ymin, ymax)`` of the drawing in data coordinates.
    fontsize : float
        Largest font size in points of the region texts (set labels are
        larger); a region whose text does not fit at that size tries smaller
        sizes down to ``min_fontsize``.
    min_fontsize : float
        Smallest font size of a region text.
    size_cm : tuple of float
        Width and height of the drawing the fit was computed for.
    """

    organisms: tuple[str, ...]
    shapes: tuple[geo.Shape, ...]
    regions: dict
    set_labels: dict
    limits: tuple[float, float, float, float]
    fontsize: float
    min_fontsize: float
    size_cm: tuple[float, float]
    backend_layout: object = field(default=None, repr=False)

    def region_text(self, key: tuple[str, ...], lang: str = "es") -> str:
        """The text written in region ``key``: its themes, its count or ``""`` when empty."""
        region = self.regions[key]
        if region.lines is not None:
            return "\n".join(region.lines)
        count_text(0, lang)  # validates lang
        if region.short_count:
            return key_text(region.mark)
        return count_text(len(region.themes), lang)

    @property
    def overflow(self) -> pd.DataFrame:
        """Themes not written in full in the figure, one row each: ``organisms``, ``theme``, ``key``.

        ``key`` is the region's key letter when the region shows it instead of
        its count, else "".  Returns a new DataFrame (empty, with those
        columns, when every theme is shown).
        """
        rows = [
            (REGION_JOIN.join(r.key), theme, r.mark)
            for r in self.regions.values()
            if r.lines is None
            for theme in r.themes
        ]
        return pd.DataFrame(rows, columns=OVERFLOW_COLUMNS, dtype=str)


@dataclass(eq=False)
class VennDrawing:
    """What :func:`draw_venn` drew.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
    patches : dict
        Organism -> the patch outlining its set (edge in the organism's colour).
    set_labels : dict
        Organism -> its label ``Text``.
    region_texts : dict
        Region key -> ``Text`` for every non-empty region.
    overflow : pandas.DataFrame
        The companion table (see :attr:`VennLayout.overflow`).
    layout : VennLayout
    fills : dict
        Organism -> the translucent patch filling its set (same shape as its outline).
    """

    ax: object
    patches: dict
    set_labels: dict
    region_texts: dict
    overflow: pd.DataFrame
    layout: VennLayout
    fills: dict = field(default_factory=dict)


def _active(contents: dict) -> dict[str, tuple[str, ...]]:
    """Organisms with at least one theme, themes sorted; checks the input."""
    out = active_contents(contents, "a Venn diagram")
    if len(out) > MAX_VENN_SETS:
        raise ValueError(
            f"a Venn diagram shows at most {MAX_VENN_SETS} organisms, this cell has {len(out)} "
            f"({', '.join(out)}); draw an UpSet plot instead (mcr_analysis.upset.draw_upset)"
        )
    return out


def _region_keys(organisms: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [k for r in range(1, len(organisms) + 1) for k in itertools.combinations(organisms, r)]


def venn_layout(
    contents: dict[str, frozenset[str]],
    *,
    max_lines: int = 14,
    wrap_width: int = 30,
    fontsize: float = DEFAULT_FONTSIZE,
    min_fontsize: float = DEFAULT_MIN_FONTSIZE,
    size_cm: tuple[float, float] = DEFAULT_SIZE_CM,
) -> VennLayout:
    """Lay out the Venn diagram of ``contents`` (pure: no drawing, no pyplot).

    Parameters
    ----------
    contents : dict
        Organism id -> set of theme display labels (``sets.cell_contents``).
        Organisms without themes are left out; the others keep their order.
    max_lines : int
        Most text lines a region may show; beyond that it shows its count or key.
    wrap_width : int
        Longest line of a bulleted list, in characters; narrower wrappings
        (down to 8) are tried when the widest does not fit the region.  A lone
        theme is broken between words into 1, 2, ... balanced lines instead.
    fontsize : float
        Font size in points of the region texts (set labels are 1.3 times larger).
    min_fontsize : float
        Smallest font size tried, in steps of 0.5 pt, before a region falls
        back to its count or key.
    size_cm : tuple of float
        Width and height in cm of the area the diagram will be drawn in.

    Returns
    -------
    VennLayout

    Raises
    ------
    ValueError
        When no organism has a theme, or more than five do.
    TypeError
        When ``contents`` is not a dict of sets of strings.

    Examples
    --------
    >>> lay = venn_layout({"CAN": {"a", "b"}, "SICA": {"a", "c"}, "SELA": {"a"}})
    >>> [(k, r.themes) for k, r in lay.regions.items() if r.themes]
    [(('CAN',), ('b',)), (('SICA',), ('c',)), (('CAN', 'SICA', 'SELA'), ('a',))]
    >>> venn_layout({"CAN": set()})
    Traceback (most recent call last):
    ...
    ValueError: cannot draw a Venn diagram: no organism has any theme in this cell (organisms given: ['CAN'])
    """
    if max_lines < 1 or wrap_width < 1 or not 0 < min_fontsize <= fontsize or min(size_cm) <= 0:
        raise ValueError(
            "max_lines, wrap_width, size_cm must be positive and 0 < min_fontsize <= fontsize; got "
            f"max_lines={max_lines}, wrap_width={wrap_width}, fontsize={fontsize}, "
            f"min_fontsize={min_fontsize}, size_cm={size_cm}"
        )
    active = _active(contents)
    organisms = tuple(active)
    n = len(organisms)
    shapes, backend = geo.shapes_for(n)
    grid = geo.sample(shapes)
    label_size = fontsize * SET_LABEL_SCALE

    # Limits: the shapes plus their labels (two passes: the scale depends on the limits).
    x0, x1, y0, y1 = geo.shapes_bounds(shapes)
    pad = 0.03 * max(x1 - x0, y1 - y0)
    limits = (x0 - pad, x1 + pad, y0 - pad, y1 + pad)
    label_h = LINE_SPACING * label_size
    for _ in range(2):
        scale = geo.scale_for(limits, size_cm)
        positions = geo.label_positions(shapes, grid, gap=0.5 * label_size / scale)
        boxes = [
            geo.label_box(p, width_pt(o, label_size, "bold") / scale, label_h / scale)
            for p, o in zip(positions, organisms)
        ]
        limits = (
            min([x0 - pad] + [b[0] for b in boxes]),
            max([x1 + pad] + [b[1] for b in boxes]),
            min([y0 - pad] + [b[2] for b in boxes]),
            max([y1 + pad] + [b[3] for b in boxes]),
        )
    scale = geo.scale_for(limits, size_cm)

    membership: dict[tuple[str, ...], list[str]] = {k: [] for k in _region_keys(organisms)}
    for theme in sorted({t for ts in active.values() for t in ts}, key=lambda t: (normalize_label(t), t)):
        membership[tuple(o for o in organisms if theme in active[o])].append(theme)

    sizes = [fontsize - 0.5 * i for i in range(int((fontsize - min_fontsize) / 0.5 + 1e-9) + 1)]
    # Slanted frames to write along a region that its themes do not fit upright: the shapes' own
    # tilts (ellipses only; circles have none), each sampled once, when first needed.
    angles = sorted({round((s.angle + 90.0) % 180.0 - 90.0, 6) for s in shapes if s.a != s.b} - {0.0},
                    key=lambda a: (abs(a), a))
    turned_grids: dict[float, geo.Grid] = {}

    def turned_fitters(code: int):
        def build():
            for angle in angles:
                if angle not in turned_grids:
                    turned_grids[angle] = geo.sample(geo.turned(shapes, angle))
                fitter = geo.RegionFitter(turned_grids[angle], code, scale, pad_pt=0.2 * fontsize)
                yield angle, fitter, lambda p, a=angle: geo.unturn(p, a)
        return build

    regions = {}
    for key, themes in membership.items():
        code = sum(1 << organisms.index(o) for o in key)
        fitter = geo.RegionFitter(grid, code, scale, pad_pt=0.2 * fontsize)
        regions[key] = fit_region(key, tuple(themes), fitter, sizes, wrap_width, max_lines,
                                  turned=turned_fitters(code))
    keyed = [k for k, r in regions.items() if r.short_count]
    for k, mark in zip(keyed, key_marks(len(keyed))):
        regions[k] = replace(regions[k], mark=mark)
    return VennLayout(
        organisms=organisms,
        shapes=shapes,
        regions=regions,
        set_labels=dict(zip(organisms, positions)),
        limits=tuple(float(v) for v in limits),
        fontsize=float(fontsize),
        min_fontsize=float(min_fontsize),
        size_cm=(float(size_cm[0]), float(size_cm[1])),
        backend_layout=backend,
    )


def _axes_size_cm(ax) -> tuple[float, float]:
    """Physical size of ``ax`` in cm (works for axes in sub-figures too)."""
    from matplotlib.transforms import TransformedBbox

    root = ax.get_figure(root=True)
    box = TransformedBbox(ax.get_position(original=True), ax.get_figure().transSubfigure)
    return (box.width / root.dpi * 2.54, box.height / root.dpi * 2.54)


def _colors_for(organisms, colors) -> list:
    table = palette() if colors is None else colors
    missing = [o for o in organisms if o not in table]
    if missing:
        raise ValueError(
            f"no colour for organism(s) {missing}; add them to organisms.tsv or pass colors={{organism: colour}}"
        )
    return [table[o] for o in organisms]


def draw_venn(
    contents_or_layout: dict | VennLayout,
    ax=None,
    *,
    colors: dict[str, str] | None = None,
    lang: str = "es",
    fontsize: float | None = None,
    alpha: float | None = None,
) -> VennDrawing:
    """Draw a Venn diagram of one cell.

    Parameters
    ----------
    contents_or_layout : dict or VennLayout
        Organism -> themes (laid out here to fit ``ax``'s size) or a layout
        from :func:`venn_layout`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure of the layout's ``size_cm``.
    colors : dict, optional
        Organism -> colour; defaults to :func:`mcr_analysis.taxonomy.palette`.
    lang : {"es", "en"}
        Language of the count labels ("n temas" / "n themes").
    fontsize : float, optional
        Region text size when the layout is computed here (default 7 pt).
        With a precomputed layout, the font size is the layout's.
    alpha : float, optional
        Opacity of the fills (default :data:`FILL_ALPHA`, the same for 1 to 5 sets).

    Returns
    -------
    VennDrawing
        The axes, one outline patch per organism, set labels, region texts
        and the overflow table.  The axes get equal aspect and no axis lines.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Ellipse

    count_text(0, lang)  # validates lang before drawing anything
    if isinstance(contents_or_layout, VennLayout):
        layout = contents_or_layout
        if fontsize is not None and fontsize != layout.fontsize:
            raise ValueError(
                f"fontsize={fontsize} differs from the layout's {layout.fontsize}; pass fontsize to venn_layout"
            )
    else:
        kwargs = {"fontsize": fontsize if fontsize is not None else DEFAULT_FONTSIZE}
        if ax is not None:
            kwargs["size_cm"] = _axes_size_cm(ax)
        layout = venn_layout(contents_or_layout, **kwargs)
    if ax is None:
        _, ax = plt.subplots(figsize=(layout.size_cm[0] / 2.54, layout.size_cm[1] / 2.54))
    organisms = layout.organisms
    n = len(organisms)
    cols = _colors_for(organisms, colors)
    if alpha is None:
        alpha = FILL_ALPHA
    from matplotlib import patheffects

    # One rule for 1 to 5 sets: translucent fills that stack in the overlaps, full outlines.
    fills, patches = {}, {}
    for organism, shape, color in zip(organisms, layout.shapes, cols):
        fill = Ellipse(
            (shape.x, shape.y), 2 * shape.a, 2 * shape.b, angle=shape.angle,
            facecolor=to_rgba(color, alpha), edgecolor="none", linewidth=0, zorder=1,
        )
        ax.add_patch(fill)
        fills[organism] = fill
    for organism, shape, color in zip(organisms, layout.shapes, cols):
        patch = Ellipse(
            (shape.x, shape.y), 2 * shape.a, 2 * shape.b, angle=shape.angle,
            facecolor="none", edgecolor=color, linewidth=OUTLINE_WIDTH, zorder=2,
        )
        ax.add_patch(patch)
        patches[organism] = patch
    region_texts = {}
    halo = [patheffects.withStroke(linewidth=HALO, foreground="white")]
    for key, region in layout.regions.items():
        if not region.themes:
            continue
        region_texts[key] = ax.text(
            *region.anchor, layout.region_text(key, lang), ha="center", va="center",
            multialignment=region.align, fontsize=region.fontsize, linespacing=LINE_SPACING,
            rotation=region.rotation, rotation_mode="anchor",
            parse_math=False, zorder=4, path_effects=halo if region.short_count else None,
        )
    set_labels = {}
    for organism, (x, y, ha, va) in layout.set_labels.items():
        set_labels[organism] = ax.text(
            x, y, organism, ha=ha, va=va, fontsize=layout.fontsize * SET_LABEL_SCALE,
            fontweight="bold", parse_math=False, zorder=4,
        )
    x0, x1, y0, y1 = layout.limits
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return VennDrawing(ax, patches, set_labels, region_texts, layout.overflow, layout, fills)
