"""Colour-vision deficiency: simulation and colour differences, in plain numpy (no drawing).

Used to prove that the organisms' colours (``organisms.tsv``, column ``color``)
stay apart *as drawn* for readers with a colour-vision deficiency:

* :func:`simulate` applies the matrices of Machado, Oliveira and Fernandes
  (2009), "A physiologically-based model for simulation of color vision
  deficiency", IEEE TVCG 15(6), severity 1.0 (dichromacy), to linear sRGB;
* :func:`ciede2000` is the CIEDE2000 colour difference, implemented as in
  Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula:
  implementation notes, supplementary test data, and mathematical
  observations", Color Res. Appl. 30(1) (checked against their test pairs
  in the tests);
* :func:`on_white` is a fill as it appears on white paper at an opacity;
* :func:`palette_distances` gives, for every pair of organisms that can
  meet in one figure (:func:`meeting_pairs`), the distance between their
  outlines and between their fills under normal vision and each simulation.

Examples
--------
>>> round(float(ciede2000([50, 2.6772, -79.7751], [50, 0, -82.7485])), 4)
2.0425
>>> simulate("#FFFFFF", "deuteranopia").round(3).tolist()
[1.0, 1.0, 1.0]
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb

__all__ = [
    "MACHADO_2009",
    "VISIONS",
    "MIN_OUTLINE_DELTA_E",
    "MIN_FILL_DELTA_E",
    "simulate",
    "srgb_to_lab",
    "ciede2000",
    "on_white",
    "meeting_pairs",
    "palette_distances",
]

#: Machado et al. (2009) simulation matrices at severity 1.0, for linear RGB.
MACHADO_2009 = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
#: Visions compared: normal, then the three dichromacies.
VISIONS = ("normal", "deuteranopia", "protanopia", "tritanopia")
MIN_OUTLINE_DELTA_E = 10.0
"""Smallest CIEDE2000 distance between the outlines of two organisms that can meet in one
figure, under normal vision and each simulation (10 is a clearly visible difference
between two thin lines side by side)."""
MIN_FILL_DELTA_E = 3.0
"""Fills closer than this (CIEDE2000, on white at the opacity drawn) are not relied on:
figures tell such sets apart by their outlines and labels (see ``docs/palette.md``)."""

_D65 = np.array([0.95047, 1.0, 1.08883])
_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])


def _rgb(colour) -> np.ndarray:
    if isinstance(colour, str):
        return np.array(to_rgb(colour), dtype=float)
    return np.asarray(colour, dtype=float)


def _to_linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _to_srgb(lin: np.ndarray) -> np.ndarray:
    lin = np.clip(lin, 0.0, 1.0)
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)


def simulate(colour, vision: str) -> np.ndarray:
    """sRGB colour(s) in [0, 1] as seen with ``vision`` (one of :data:`VISIONS`).

    ``colour`` is a matplotlib colour string or an array of sRGB triples (..., 3).
    """
    rgb = _rgb(colour)
    if vision == "normal":
        return rgb.copy()
    if vision not in MACHADO_2009:
        raise ValueError(f"unknown vision {vision!r}; expected one of {', '.join(VISIONS)}")
    return _to_srgb(_to_linear(rgb) @ MACHADO_2009[vision].T)


def on_white(colour, alpha: float) -> np.ndarray:
    """sRGB of ``colour`` painted at opacity ``alpha`` on white (as matplotlib composites it).

    Examples
    --------
    >>> on_white("#000000", 0.25).tolist()
    [0.75, 0.75, 0.75]
    """
    return alpha * _rgb(colour) + (1.0 - alpha)


def srgb_to_lab(rgb) -> np.ndarray:
    """CIELAB (D65) of sRGB triple(s) in [0, 1]."""
    xyz = _to_linear(_rgb(rgb)) @ _SRGB_TO_XYZ.T / _D65
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def ciede2000(lab1, lab2) -> np.ndarray:
    """CIEDE2000 colour difference between CIELAB colours (kL = kC = kH = 1), vectorised."""
    lab1, lab2 = np.asarray(lab1, dtype=float), np.asarray(lab2, dtype=float)
    L1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    L2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.where((a1p == 0) & (b1 == 0), 0.0, np.degrees(np.arctan2(b1, a1p)) % 360)
    h2p = np.where((a2p == 0) & (b2 == 0), 0.0, np.degrees(np.arctan2(b2, a2p)) % 360)
    dLp = L2 - L1
    dCp = c2p - c1p
    dh = h2p - h1p
    dh = np.where(c1p * c2p == 0, 0.0, np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh)))
    dHp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    Lp = (L1 + L2) / 2
    Cp = (c1p + c2p) / 2
    hsum = h1p + h2p
    hp = np.where(
        c1p * c2p == 0, hsum,
        np.where(np.abs(h1p - h2p) <= 180, hsum / 2, np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2)),
    )
    t = (1 - 0.17 * np.cos(np.radians(hp - 30)) + 0.24 * np.cos(np.radians(2 * hp))
         + 0.32 * np.cos(np.radians(3 * hp + 6)) - 0.20 * np.cos(np.radians(4 * hp - 63)))
    d_theta = 30 * np.exp(-(((hp - 275) / 25) ** 2))
    rc = 2 * np.sqrt(Cp**7 / (Cp**7 + 25.0**7))
    sl = 1 + 0.015 * (Lp - 50) ** 2 / np.sqrt(20 + (Lp - 50) ** 2)
    sc = 1 + 0.045 * Cp
    sh = 1 + 0.015 * Cp * t
    rt = -np.sin(np.radians(2 * d_theta)) * rc
    return np.sqrt((dLp / sl) ** 2 + (dCp / sc) ** 2 + (dHp / sh) ** 2 + rt * (dCp / sc) * (dHp / sh))


def meeting_pairs(tidy: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """Pairs of organisms that can meet in one figure, sorted.

    Two organisms meet when the participation table expects both on one axis,
    or (with ``tidy``) when both have rows on one axis of one round: every
    figure of the appendix and of a brief shows one axis.
    """
    from mcr_analysis import taxonomy

    groups = [sorted(set(g["organism"])) for _, g in taxonomy.participation().groupby("axis")]
    if tidy is not None and len(tidy):
        groups += [sorted(set(g["organism"])) for _, g in tidy.groupby(["round", "axis"])]
    return sorted({pair for g in groups for pair in itertools.combinations(g, 2)})


def palette_distances(colors: dict[str, str], pairs, alpha: float) -> pd.DataFrame:
    """CIEDE2000 distance of every pair's outlines and fills, per vision.

    Parameters
    ----------
    colors : dict
        Organism -> colour (``taxonomy.palette()``).
    pairs : iterable of (str, str)
        The organisms that can meet (:func:`meeting_pairs`).
    alpha : float
        Opacity of the fills, on white (``venn.FILL_ALPHA``).

    Returns
    -------
    pandas.DataFrame
        Columns ``organism_a``, ``organism_b``, ``vision``, ``outline``,
        ``fill`` (one row per pair and vision of :data:`VISIONS`).
    """
    rows = []
    for a, b in pairs:
        for vision in VISIONS:
            out_a, out_b = (srgb_to_lab(simulate(colors[o], vision)) for o in (a, b))
            fill_a, fill_b = (srgb_to_lab(simulate(on_white(colors[o], alpha), vision)) for o in (a, b))
            rows.append({"organism_a": a, "organism_b": b, "vision": vision,
                         "outline": float(ciede2000(out_a, out_b)), "fill": float(ciede2000(fill_a, fill_b))})
    return pd.DataFrame(rows, columns=["organism_a", "organism_b", "vision", "outline", "fill"])
