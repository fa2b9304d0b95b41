"""Shapes and sampled regions of Venn diagrams (numpy only; no drawing).

One to three sets are circles; their centres and radii come from
matplotlib-venn's layout algorithm with all subset sizes fixed to 1 (the unweighted
diagram: same picture whatever the data).  Four and five sets are
congruent ellipses arranged so that every one of the 15 or 31 regions exists:

* four sets: the classic arrangement of two mirrored pairs of ellipses
  (Venn's own construction, as drawn by e.g. pyvenn), made exactly symmetric
  and flattened so that even the smallest regions hold a short label;
* five sets: Grünbaum's symmetric diagram, one ellipse rotated by 72° per set
  around the common centre.

Regions are studied on a regular grid of sample points: each point gets the
bit pattern of the shapes that contain it (bit ``i`` for shape ``i``) and its
clearance, the distance to the nearest shape outline (exact for circles, a
first-order estimate for ellipses).  Label anchors and text fitting use only
these arrays, so the whole layout is deterministic: :class:`RegionFitter`
finds where a text block of a given size (in points) fits inside a region,
:func:`label_positions` puts set labels just outside the shapes.  Text is
measured by the caller (``mcr_analysis.venn``).
"""

from __future__ import annotations

from dataclasses import dataclass

import math

import numpy as np

# Four congruent ellipses, semi-axes 1 and 0.5: (x, y, angle in degrees); the
# classic arrangement (two outer ellipses, two inner ones crossing), made exactly
# symmetric and flattened to suit the printed page (about 3:2).  Found by a
# search maximising the height of the largest 3:1 text box that fits in the
# smallest of the 15 regions: about twice that of the older 0.625-minor layout.
_FOUR = ((-0.31, -0.11, 148.0), (0.0, 0.14, 148.0), (0.0, 0.14, 32.0), (0.31, -0.11, 32.0))
_FOUR_MINOR = 0.5
# Grünbaum's five ellipses: centre offset, minor semi-axis (major is 1) and the
# tilt of the major axis against the radial direction; found by an exhaustive
# search maximising the smallest region on a grid (smallest ~0.8 % of the union).
_FIVE_OFFSET, _FIVE_MINOR, _FIVE_TILT = 0.22, 0.6, 20.0

GRID_CELLS = 320  # sample points along the longer side of the shapes' bounding box


@dataclass(frozen=True)
class Shape:
    """An ellipse (a circle when ``a == b``): centre, semi-axes, rotation in degrees."""

    x: float
    y: float
    a: float
    b: float
    angle: float = 0.0

    def _local(self, px: np.ndarray, py: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        t = np.deg2rad(self.angle)
        dx, dy = px - self.x, py - self.y
        return dx * np.cos(t) + dy * np.sin(t), -dx * np.sin(t) + dy * np.cos(t)

    def contains(self, px: np.ndarray, py: np.ndarray) -> np.ndarray:
        """Boolean mask of the points inside (or on) the shape."""
        u, v = self._local(px, py)
        return (u / self.a) ** 2 + (v / self.b) ** 2 <= 1.0

    def clearance(self, px: np.ndarray, py: np.ndarray) -> np.ndarray:
        """Distance of each point to the outline (exact for circles)."""
        u, v = self._local(px, py)
        if self.a == self.b:
            return np.abs(np.hypot(u, v) - self.a)
        f = (u / self.a) ** 2 + (v / self.b) ** 2
        grad = 2.0 * np.hypot(u / self.a**2, v / self.b**2)
        radial = np.abs(1.0 - 1.0 / np.sqrt(np.maximum(f, 1e-12))) * np.hypot(u, v)
        with np.errstate(divide="ignore", invalid="ignore"):
            sampson = np.where(grad > 0, np.abs(f - 1.0) / grad, np.inf)
        return np.minimum(sampson, radial)

    def outline(self, n: int = 360) -> np.ndarray:
        """``n`` points of the outline, shape (n, 2), counter-clockwise from angle 0."""
        s = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
        t = np.deg2rad(self.angle)
        u, v = self.a * np.cos(s), self.b * np.sin(s)
        return np.column_stack([self.x + u * np.cos(t) - v * np.sin(t), self.y + u * np.sin(t) + v * np.cos(t)])

    def bounds(self) -> tuple[float, float, float, float]:
        """Exact axis-aligned bounding box (xmin, xmax, ymin, ymax)."""
        t = np.deg2rad(self.angle)
        hw = float(np.hypot(self.a * np.cos(t), self.b * np.sin(t)))
        hh = float(np.hypot(self.a * np.sin(t), self.b * np.cos(t)))
        return self.x - hw, self.x + hw, self.y - hh, self.y + hh


def shapes_for(n: int) -> tuple[tuple[Shape, ...], object]:
    """The ``n`` shapes (1 <= n <= 5) and, for 2 and 3 sets, matplotlib-venn's layout object."""
    if n == 1:
        return (Shape(0.0, 0.0, 1.0, 1.0),), None
    if n in (2, 3):
        if n == 2:
            from matplotlib_venn.layout.venn2 import DefaultLayoutAlgorithm
        else:
            from matplotlib_venn.layout.venn3 import DefaultLayoutAlgorithm
        sizes = (1,) * (2**n - 1)
        mv_layout = DefaultLayoutAlgorithm(fixed_subset_sizes=sizes)(sizes)
        shapes = tuple(
            Shape(float(c.x), float(c.y), float(r), float(r)) for c, r in zip(mv_layout.centers, mv_layout.radii)
        )
        return shapes, mv_layout
    if n == 4:
        return tuple(Shape(x, y, 1.0, _FOUR_MINOR, ang) for x, y, ang in _FOUR), None
    if n == 5:
        out = []
        for i in range(5):
            phi = 90.0 + 72.0 * i
            r = np.deg2rad(phi)
            out.append(
                Shape(
                    round(float(_FIVE_OFFSET * np.cos(r)), 12),
                    round(float(_FIVE_OFFSET * np.sin(r)), 12),
                    1.0,
                    _FIVE_MINOR,
                    phi + _FIVE_TILT,
                )
            )
        return tuple(out), None
    raise ValueError(f"a Venn diagram needs 1 to 5 sets, got {n}")


def turned(shapes: tuple[Shape, ...], angle: float) -> tuple[Shape, ...]:
    """``shapes`` seen in a frame turned by ``angle`` degrees: a line at ``angle`` becomes horizontal.

    Examples
    --------
    >>> turned((Shape(1.0, 0.0, 1.0, 0.5, 30.0),), 90.0)[0]
    Shape(x=0.0, y=-1.0, a=1.0, b=0.5, angle=-60.0)
    """
    t = math.radians(-angle)
    c, s = math.cos(t), math.sin(t)
    return tuple(Shape(round(sh.x * c - sh.y * s, 12) + 0.0, round(sh.x * s + sh.y * c, 12) + 0.0, sh.a, sh.b,
                       sh.angle - angle) for sh in shapes)


def unturn(point: tuple[float, float], angle: float) -> tuple[float, float]:
    """A point of the frame of :func:`turned` back in the shapes' own coordinates.

    Examples
    --------
    >>> unturn((0.0, -1.0), 90.0)
    (1.0, 0.0)
    """
    t = math.radians(angle)
    x, y = point
    # + 0.0 turns a rounded -0.0 into 0.0
    return round(x * math.cos(t) - y * math.sin(t), 12) + 0.0, round(x * math.sin(t) + y * math.cos(t), 12) + 0.0


def shapes_bounds(shapes: tuple[Shape, ...]) -> tuple[float, float, float, float]:
    """Bounding box of all shapes."""
    b = np.array([s.bounds() for s in shapes])
    return float(b[:, 0].min()), float(b[:, 1].max()), float(b[:, 2].min()), float(b[:, 3].max())


@dataclass(frozen=True, eq=False)
class Grid:
    """Sample points over the shapes: coordinates, region codes and clearance."""

    xs: np.ndarray  # (nx,)
    ys: np.ndarray  # (ny,)
    code: np.ndarray  # (ny, nx) int: bit i set when shape i contains the point
    clearance: np.ndarray  # (ny, nx) distance to the nearest outline
    step: float


def sample(shapes: tuple[Shape, ...], cells: int = GRID_CELLS) -> Grid:
    """Sample the shapes on a regular grid with ``cells`` points along the longer side."""
    x0, x1, y0, y1 = shapes_bounds(shapes)
    step = max(x1 - x0, y1 - y0) / cells
    xs = np.arange(x0 + step / 2, x1, step)
    ys = np.arange(y0 + step / 2, y1, step)
    px, py = np.meshgrid(xs, ys)
    code = np.zeros(px.shape, dtype=np.int64)
    clearance = np.full(px.shape, np.inf)
    for i, shape in enumerate(shapes):
        code |= shape.contains(px, py).astype(np.int64) << i
        clearance = np.minimum(clearance, shape.clearance(px, py))
    return Grid(xs, ys, code, clearance, step)


def integral(mask: np.ndarray) -> np.ndarray:
    """Summed-area table of ``mask`` with a leading row and column of zeros."""
    s = np.zeros((mask.shape[0] + 1, mask.shape[1] + 1), dtype=np.int64)
    s[1:, 1:] = np.cumsum(np.cumsum(mask, axis=0), axis=1)
    return s


def window_fits(table: np.ndarray, half_w: int, half_h: int) -> np.ndarray:
    """Where a (2*half_w+1) x (2*half_h+1) window centred on a point lies wholly in the mask.

    ``table`` is the mask's :func:`integral`; the result has the mask's shape.
    """
    ny, nx = table.shape[0] - 1, table.shape[1] - 1
    out = np.zeros((ny, nx), dtype=bool)
    h, w = 2 * half_h + 1, 2 * half_w + 1
    if w > nx or h > ny:
        return out
    total = table[h:, w:] - table[:-h, w:] - table[h:, :-w] + table[:-h, :-w]
    out[half_h : ny - half_h, half_w : nx - half_w] = total == h * w
    return out


class RegionFitter:
    """Finds where a text block fits inside one region of the sampled grid.

    A block is a stack of line boxes, each with its own width, so lines of
    different lengths can follow a curved outline; every box, grown by
    ``pad_pt`` on each side, must cover only sample points of the region.
    """

    def __init__(self, grid: Grid, code: int, scale: float, pad_pt: float):
        self.grid, self.scale, self.pad_pt = grid, scale, pad_pt
        mask = grid.code == code
        self.table = integral(mask)
        self.clear = np.where(mask, grid.clearance, -np.inf)
        self.inradius_pt = float(self.clear.max()) * scale if mask.any() else 0.0
        self.area_pt2 = float(mask.sum()) * (grid.step * scale) ** 2
        """Area of the region in square points (sample points times the area of a grid cell)."""
        self._windows: dict[tuple[int, int], np.ndarray] = {}

    def pole(self) -> tuple[float, float]:
        """The sample point of the region farthest from any outline (its pole of inaccessibility)."""
        iy, ix = np.unravel_index(int(np.argmax(self.clear)), self.clear.shape)
        return float(self.grid.xs[ix]), float(self.grid.ys[iy])

    def _fits(self, half_w: int, half_h: int) -> np.ndarray:
        key = (half_w, half_h)
        if key not in self._windows:
            self._windows[key] = window_fits(self.table, half_w, half_h)
        return self._windows[key]

    def place_block(self, boxes) -> tuple[float, float] | None:
        """Anchor for a block of line boxes inside the region, or None when it does not fit.

        ``boxes`` are ``(dx, dy, w, h)`` in points: each line's centre offset
        from the anchor and its size.  Of the anchors where every box fits,
        the one farthest from the region's outline is returned.
        """
        if not boxes:
            raise ValueError("a text block needs at least one line box")
        if max(min(w, h) for _, _, w, h in boxes) / 2 + self.pad_pt > self.inradius_pt:
            return None  # some line's inscribed circle does not fit anywhere
        step_pt = self.grid.step * self.scale
        ok = None
        for dx, dy, w, h in boxes:
            # Offsets are rounded to whole cells: half a cell more room covers the rounding.
            off_x, off_y = round(dx / step_pt), round(dy / step_pt)
            slack = 0.5 if (off_x or off_y) else 0.0
            half_w = math.ceil((w / 2 + self.pad_pt) / step_pt + slack)
            half_h = math.ceil((h / 2 + self.pad_pt) / step_pt + slack)
            line_ok = _shift(self._fits(half_w, half_h), off_x, off_y)
            ok = line_ok if ok is None else ok & line_ok
            if not ok.any():
                return None
        score = np.where(ok, self.clear, -np.inf)
        iy, ix = np.unravel_index(int(np.argmax(score)), score.shape)
        return float(self.grid.xs[ix]), float(self.grid.ys[iy])


def _shift(ok: np.ndarray, off_x: int, off_y: int) -> np.ndarray:
    """``out[iy, ix] = ok[iy + off_y, ix + off_x]`` (False outside the grid)."""
    ny, nx = ok.shape
    out = np.zeros_like(ok)
    if abs(off_x) >= nx or abs(off_y) >= ny:
        return out
    src_y = slice(max(off_y, 0), ny + min(off_y, 0))
    src_x = slice(max(off_x, 0), nx + min(off_x, 0))
    dst_y = slice(max(-off_y, 0), ny + min(-off_y, 0))
    dst_x = slice(max(-off_x, 0), nx + min(-off_x, 0))
    out[dst_y, dst_x] = ok[src_y, src_x]
    return out


def label_positions(shapes, grid: Grid, gap: float) -> list[tuple[float, float, str, str]]:
    """Set label anchors ``(x, y, ha, va)`` just outside each shape, ``gap`` away from its outline."""
    inside = grid.code > 0
    px, py = np.meshgrid(grid.xs, grid.ys)
    cx, cy = float(px[inside].mean()), float(py[inside].mean())
    out = []
    for i, shape in enumerate(shapes):
        pts = shape.outline(720)
        other = np.zeros(len(pts), dtype=bool)
        for j, s in enumerate(shapes):
            if j != i:
                other |= s.contains(pts[:, 0], pts[:, 1])
        cand = pts[~other] if (~other).any() else pts
        dist = np.hypot(cand[:, 0] - cx, cand[:, 1] - cy)
        # Prefer the farthest outline point; among near ties, the highest one.
        best = cand[int(np.argmax(np.round(dist, 6) + 1e-9 * cand[:, 1]))]
        d = np.array([best[0] - cx, best[1] - cy])
        d = d / (np.hypot(*d) or 1.0) if len(shapes) > 1 else np.array([0.0, 1.0])
        if len(shapes) == 1:
            best = np.array([shape.x, shape.y + shape.b])
        x, y = best + d * gap
        ha = "left" if d[0] > 0.35 else "right" if d[0] < -0.35 else "center"
        va = "bottom" if d[1] > 0.35 else "top" if d[1] < -0.35 else "center"
        out.append((float(x), float(y), ha, va))
    return out


def label_box(pos, w: float, h: float) -> tuple[float, float, float, float]:
    """Box (xmin, xmax, ymin, ymax) of a ``w`` x ``h`` label anchored at ``pos`` = (x, y, ha, va)."""
    x, y, ha, va = pos
    left = {"left": x, "right": x - w, "center": x - w / 2}[ha]
    bottom = {"bottom": y, "top": y - h, "center": y - h / 2}[va]
    return left, left + w, bottom, bottom + h


def scale_for(limits, size_cm) -> float:
    """Points per data unit when ``limits`` are drawn with equal aspect in ``size_cm``."""
    w_pt, h_pt = (c / 2.54 * 72.0 for c in size_cm)
    return min(w_pt / (limits[1] - limits[0]), h_pt / (limits[3] - limits[2]))
