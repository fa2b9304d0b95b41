"""``docs/palette.md`` and ``docs/palette.png``: the organisms' colours under each simulated vision.

:func:`palette_summary` computes (no drawing) the smallest CIEDE2000 distance
of every pair of organisms that can meet in one figure, for outlines and for
fills as drawn (:data:`mcr_analysis.venn.FILL_ALPHA` on white), under normal
vision and the three dichromacies of :mod:`mcr_analysis.cvd`;
:func:`draw_palette` draws the swatches; :func:`write_palette_doc` writes
both files (``python -m mcr_analysis.palette_doc [DOCS_DIR]``).  The test
suite checks that the committed ``docs/palette.md`` is up to date.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd

from mcr_analysis import cvd, taxonomy
from mcr_analysis.numfmt import decimal_mark

__all__ = ["palette_summary", "palette_markdown", "draw_palette", "write_palette_doc"]


def _num(value: float, fmt: str = "g") -> str:
    """A number with a decimal comma (the document is in Spanish)."""
    return format(value, fmt).replace(".", decimal_mark("es"))


def _organisms(pairs) -> list[str]:
    return sorted({o for pair in pairs for o in pair})


def palette_summary(colors: dict[str, str] | None = None, pairs=None, alpha: float | None = None) -> pd.DataFrame:
    """The closest pair of organisms per vision, for outlines and for fills.

    Returns a new DataFrame with one row per vision of :data:`mcr_analysis.cvd.VISIONS`:
    ``vision``, ``outline_min``, ``outline_pair``, ``fill_min``, ``fill_pair``,
    ``fills_apart`` (pairs whose fills are at least
    :data:`mcr_analysis.cvd.MIN_FILL_DELTA_E` apart, "n/m").
    """
    from mcr_analysis.venn import FILL_ALPHA

    colors = taxonomy.palette() if colors is None else colors
    pairs = cvd.meeting_pairs() if pairs is None else pairs
    alpha = FILL_ALPHA if alpha is None else alpha
    dist = cvd.palette_distances(colors, pairs, alpha)
    rows = []
    for vision in cvd.VISIONS:
        sel = dist[dist["vision"] == vision]
        o, f = sel.loc[sel["outline"].idxmin()], sel.loc[sel["fill"].idxmin()]
        rows.append({"vision": vision,
                     "outline_min": round(float(o["outline"]), 1), "outline_pair": f"{o['organism_a']}–{o['organism_b']}",
                     "fill_min": round(float(f["fill"]), 1), "fill_pair": f"{f['organism_a']}–{f['organism_b']}",
                     "fills_apart": f"{int((sel['fill'] >= cvd.MIN_FILL_DELTA_E).sum())}/{len(sel)}"})
    return pd.DataFrame(rows)


def palette_markdown(colors: dict[str, str] | None = None, pairs=None) -> str:
    """The text of ``docs/palette.md`` (deterministic)."""
    from mcr_analysis.venn import FILL_ALPHA, OUTLINE_WIDTH

    colors = taxonomy.palette() if colors is None else colors
    pairs = cvd.meeting_pairs() if pairs is None else pairs
    summary = palette_summary(colors, pairs)
    names = {"normal": "visión normal", "deuteranopia": "deuteranopía", "protanopia": "protanopía",
             "tritanopia": "tritanopía"}
    lines = [
        "# Paleta de los organismos y visión del color",
        "",
        "<!-- Generado por `python -m mcr_analysis.palette_doc docs`; no editar a mano "
        "(una prueba comprueba que está al día). -->",
        "",
        "Cada organismo tiene un color fijo (`mcr_analysis/data/organisms.tsv`, columna `color`). En los",
        f"diagramas de Venn cada conjunto se dibuja con su contorno en ese color a plena intensidad "
        f"({_num(OUTLINE_WIDTH)} pt) y un relleno del mismo color con opacidad {_num(FILL_ALPHA)} sobre blanco; las",
        "intersecciones son donde los rellenos se superponen (más oscuras cuantos más organismos las comparten),",
        "la misma regla para 1 a 5 conjuntos.",
        "",
        "Se simulan deuteranopía, protanopía y tritanopía con las matrices de Machado, Oliveira y Fernandes",
        "(2009), severidad 1,0, y se mide la diferencia CIEDE2000 (Sharma, Wu y Dalal, 2005) entre cada par de",
        "organismos que pueden coincidir en una figura (los que la tabla de participación espera en un mismo eje):",
        f"{len(pairs)} pares entre {len(_organisms(pairs))} organismos.",
        "",
        f"* **Contornos**: la distancia mínima exigida es ΔE00 ≥ {_num(cvd.MIN_OUTLINE_DELTA_E)}, con cualquier visión.",
        f"* **Rellenos** (como se ven sobre blanco a opacidad {_num(FILL_ALPHA)}): algunos pares quedan por debajo de "
        f"ΔE00 {_num(cvd.MIN_FILL_DELTA_E)}, así que",
        "  ninguna figura distingue dos conjuntos sólo por el relleno: cada conjunto lleva su contorno de color",
        "  y su nombre junto al contorno.",
        "",
        "| Visión | Contornos: ΔE00 mínimo | Par más cercano | Rellenos: ΔE00 mínimo | Par más cercano "
        f"| Pares con rellenos ≥ {_num(cvd.MIN_FILL_DELTA_E)} |",
        "|---|---:|---|---:|---|---:|",
    ]
    for row in summary.itertuples(index=False):
        lines.append(f"| {names[row.vision]} | {_num(row.outline_min, '.1f')} | {row.outline_pair} "
                     f"| {_num(row.fill_min, '.1f')} "
                     f"| {row.fill_pair} | {row.fills_apart} |")
    lines += ["", "![Paleta bajo cada simulación](palette.png)", "",
              "| Organismo | Color | " + " | ".join(names[v] for v in cvd.VISIONS[1:]) + " |",
              "|---|---|" + "---|" * (len(cvd.VISIONS) - 1)]
    for org in _organisms(pairs):
        sims = []
        for vision in cvd.VISIONS[1:]:
            r, g, b = (int(round(255 * v)) for v in cvd.simulate(colors[org], vision))
            sims.append(f"`#{r:02X}{g:02X}{b:02X}`")
        lines.append(f"| {org} | `{colors[org]}` | " + " | ".join(sims) + " |")
    return "\n".join(lines) + "\n"


def draw_palette(colors: dict[str, str] | None = None, organisms: list[str] | None = None, fig=None):
    """Swatches: one row per organism, one column pair (outline, fill) per vision.

    Returns the figure (a new pyplot-free ``Figure`` unless ``fig`` is given).
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from mcr_analysis.venn import FILL_ALPHA

    colors = taxonomy.palette() if colors is None else colors
    organisms = _organisms(cvd.meeting_pairs()) if organisms is None else organisms
    n = len(organisms)
    fig = Figure(figsize=(6.3, 0.35 * n + 0.6)) if fig is None else fig
    ax = fig.add_axes((0.14, 0.02, 0.85, 0.9))
    names = {"normal": "normal", "deuteranopia": "deuteranopía", "protanopia": "protanopía",
             "tritanopia": "tritanopía"}
    for j, vision in enumerate(cvd.VISIONS):
        ax.text(j * 2 + 0.9, n + 0.15, names[vision], ha="center", va="bottom", fontsize=8)
        for i, org in enumerate(organisms):
            y = n - 1 - i
            line = tuple(cvd.simulate(colors[org], vision))
            fill = tuple(cvd.simulate(cvd.on_white(colors[org], FILL_ALPHA), vision))
            ax.add_patch(Rectangle((j * 2, y + 0.1), 0.85, 0.8, facecolor=line, edgecolor="none"))
            ax.add_patch(Rectangle((j * 2 + 0.95, y + 0.1), 0.85, 0.8, facecolor=fill, edgecolor=line,
                                   linewidth=1.2))
    for i, org in enumerate(organisms):
        ax.text(-0.15, n - 1 - i + 0.5, org, ha="right", va="center", fontsize=8, fontweight="bold")
    ax.set_xlim(0, 2 * len(cvd.VISIONS))
    ax.set_ylim(0, n + 0.8)
    ax.set_axis_off()
    return fig


def write_palette_doc(folder: str | os.PathLike) -> list[Path]:
    """Write ``palette.md`` and ``palette.png`` into ``folder``; return their paths."""
    from mcr_analysis import plots

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    md = folder / "palette.md"
    tmp = md.with_suffix(".md.tmp")
    tmp.write_text(palette_markdown(), encoding="utf-8")
    os.replace(tmp, md)
    with plots.style():
        fig = draw_palette()
        png = folder / "palette.png"
        tmp_png = folder / "palette.tmp.png"
        fig.savefig(tmp_png, format="png", dpi=150, metadata=plots.save_metadata("png"))
    os.replace(tmp_png, png)
    return [md, png]


if __name__ == "__main__":  # pragma: no cover
    for path in write_palette_doc(sys.argv[1] if len(sys.argv) > 1 else "docs"):
        print(f"wrote {path}")
