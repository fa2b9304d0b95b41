"""Synthetic MCR submissions for the benchmarks: N organisms x M initiatives.

Every organism writes one workbook in ``<out>/<round>/``; the workbooks mix the
layouts the loader accepts (long, one sheet per axis, mark matrix, header
below title and metadata rows, merged cells, notes below the data, Spanish and
English headers, organism named by a column, a metadata cell or the file
name).  Initiatives are spread over the six axes and six criteria; each
organism works on a seeded subset of the axes and draws its themes from a
per-axis pool with Zipf-like weights, so organisms overlap on the popular
themes and differ on the rare ones.  The same ``size`` and ``seed`` give the
same rows (and workbooks with the same cell content).

``manifest.json`` next to the round folder records, per file, the layout,
header row, language and number of tidy rows, and the total ``n_initiatives``
(tidy rows the loader must produce).

Usage::

    python benchmarks/generate.py --size 10000 --out benchmarks/_data/10000
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from mcr_analysis import taxonomy
from mcr_analysis.writers import write_submission

SEED = 20250601
ROUND = "2024"
THEMES_PER_AXIS = 24
"""Size of each axis's theme pool (diagrams stay readable whatever the size)."""
DOUBLE_MARK_SHARE = 0.15
"""Share of a marks-layout organism's initiatives listed under a second criterion."""
EMPTY_THEME_SHARE = 0.03

# One entry per organism: layout and the writer options that make the mix.
LAYOUT_MIX = [
    ("AEC", dict(layout="long", lang="es", organism_in="column")),
    ("ALADI", dict(layout="sheet_per_axis", lang="es", organism_in="metadata", header_row=3)),
    ("CAN", dict(layout="marks", lang="es", organism_in="column")),
    ("MERCOSUR", dict(layout="long", lang="en", organism_in="metadata", header_row=4,
                      notes=("Source: synthetic benchmark data.",))),
    ("OTCA", dict(layout="long", lang="es", organism_in="column", merge=True)),
    ("SELA", dict(layout="sheet_per_axis", lang="en", organism_in="filename")),
    ("SICA", dict(layout="marks", lang="en", organism_in="metadata", header_row=3)),
    ("CARICOM", dict(layout="long", lang="es", organism_in="column", merge=True, header_row=2)),
]
STATUSES = ("En curso", "Concluida", "Planificada", "Permanente")


def _themes(axis: str) -> list[str]:
    label = taxonomy.axes().label(axis, "es")
    return [f"{label.split()[0]} {axis[:4]} tema {k:02d}" for k in range(1, THEMES_PER_AXIS + 1)]


def synthetic_rows(size: int, n_organisms: int = len(LAYOUT_MIX), seed: int = SEED) -> pd.DataFrame:
    """Tidy-like rows of ``n_organisms`` organisms with ``size // n_organisms`` initiatives each.

    Marks-layout organisms list :data:`DOUBLE_MARK_SHARE` of their initiatives
    under a second criterion (one marked row, two tidy rows); that second
    listing is counted within the organism's quota, so the table has exactly
    ``n_organisms * (size // n_organisms)`` rows.

    Examples
    --------
    >>> rows = synthetic_rows(400)
    >>> len(rows), rows["organism"].nunique(), rows["criterion"].nunique()
    (400, 8, 6)
    >>> synthetic_rows(400).equals(rows)
    True
    """
    if not 2 <= n_organisms <= len(LAYOUT_MIX):
        raise ValueError(f"n_organisms {n_organisms}: expected 2 to {len(LAYOUT_MIX)}")
    per_org = size // n_organisms
    if per_org < 1:
        raise ValueError(f"size {size} gives no initiative per organism ({n_organisms} organisms)")
    rng = np.random.default_rng(seed)
    axes, crits = list(taxonomy.axes().ids), list(taxonomy.criteria().ids)
    frames = []
    orgs = [o for o, _ in LAYOUT_MIX[:n_organisms]]
    # Axes each organism works on: 2 to 5, and every axis has at least two organisms.
    on_axis = {o: set(rng.choice(axes, size=int(rng.integers(2, 6)), replace=False)) for o in orgs}
    for i, axis in enumerate(axes):
        while sum(axis in s for s in on_axis.values()) < 2:
            on_axis[orgs[(i + len(on_axis[orgs[0]])) % len(orgs)]].add(axis)
            on_axis[orgs[i % len(orgs)]].add(axis)
    pools = {a: _themes(a) for a in axes}
    for org, opts in LAYOUT_MIX[:n_organisms]:
        my_axes = [a for a in axes if a in on_axis[org]]
        subset = {a: sorted(rng.choice(THEMES_PER_AXIS, size=THEMES_PER_AXIS * 2 // 3, replace=False))
                  for a in my_axes}
        doubles = int(per_org * DOUBLE_MARK_SHARE) if opts["layout"] == "marks" else 0
        n = per_org - doubles
        axis = rng.choice(my_axes, size=n)
        crit = rng.choice(crits, size=n, p=np.array([3, 2, 4, 2, 3, 1]) / 15)
        themes = []
        for a in axis:
            ranks = np.array(subset[a])
            w = 1.0 / (ranks + 1.0)
            themes.append(pools[a][int(rng.choice(ranks, p=w / w.sum()))])
        themes = np.where(rng.random(n) < EMPTY_THEME_SHARE, "", np.array(themes, dtype=object))
        partners = [", ".join(sorted(rng.choice([o for o in orgs if o != org], size=int(k), replace=False)))
                    for k in rng.integers(0, 3, size=n)]
        frame = pd.DataFrame({
            "organism": org, "axis": axis, "criterion": crit, "theme": themes,
            "initiative": [f"{org} iniciativa {j:06d}" for j in range(1, n + 1)],
            "description": [f"Actividad regional número {j} de {org} sobre {t or 'temas varios'}"
                            for j, t in enumerate(themes, start=1)],
            "year": rng.integers(2015, 2026, size=n),
            "status": rng.choice(STATUSES, size=n),
            "partners": partners,
        })
        if doubles:
            extra = frame.iloc[rng.choice(n, size=doubles, replace=False)].copy()
            extra["criterion"] = [crits[(crits.index(c) + 1) % len(crits)] for c in extra["criterion"]]
            frame = pd.concat([frame, extra], ignore_index=True)
        frames.append(frame.sort_values(["axis", "criterion", "initiative"], kind="mergesort"))
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype("Int64")
    return out


def write_round(size: int, out: str | Path, n_organisms: int = len(LAYOUT_MIX), seed: int = SEED) -> dict:
    """Write the synthetic round under ``out/<ROUND>/`` and ``out/manifest.json``; return the manifest."""
    out = Path(out)
    folder = out / ROUND
    folder.mkdir(parents=True, exist_ok=True)
    rows = synthetic_rows(size, n_organisms, seed)
    files = []
    for org, opts in LAYOUT_MIX[:n_organisms]:
        mine = rows[rows["organism"] == org]
        name = f"{org}_MCR_{ROUND}.xlsx"
        write_submission(mine, folder / name, **opts)
        files.append({"file": f"{ROUND}/{name}", "organism": org, "layout": opts["layout"],
                      "lang": opts["lang"], "header_row": opts.get("header_row", 1),
                      "organism_in": opts["organism_in"], "merge": bool(opts.get("merge")),
                      "rows": int(len(mine))})
    manifest = {"size": size, "seed": seed, "round": ROUND, "n_organisms": n_organisms,
                "n_initiatives": int(len(rows)), "files": files}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, required=True, help="number of initiatives (tidy rows)")
    parser.add_argument("--out", required=True, help="folder to write (round sub-folder + manifest.json)")
    parser.add_argument("--organisms", type=int, default=len(LAYOUT_MIX))
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    m = write_round(args.size, args.out, args.organisms, args.seed)
    print(f"wrote {len(m['files'])} workbooks, {m['n_initiatives']} initiatives, into {args.out}")


if __name__ == "__main__":
    main()
