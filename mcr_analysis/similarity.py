"""Pairwise similarity between organisms and the organism profile (issue 3), as pure table functions.

For every (round, axis, criterion) cell, and for each axis as a whole
(criterion ``"*"``), the organisms with at least one theme in the cell are
compared pairwise on their theme sets ``S_a`` and ``S_b`` (Jaccard,
Sørensen–Dice, overlap coefficient); :func:`organism_profile` summarises each
organism per axis.  Definitions as in ``docs/methods.md`` (sections 5 and 7)
and :mod:`mcr_analysis.scores`; every name here is also importable from
:mod:`mcr_analysis.scores`.  Functions return new DataFrames, never modify their
input and draw nothing.

Examples
--------
>>> import pandas as pd
>>> tidy = pd.DataFrame({
...     "round": ["2024"] * 5,
...     "organism": ["CAN", "CAN", "SICA", "SICA", "SELA"],
...     "axis": ["transfronteriza"] * 5,
...     "criterion": ["proyectos"] * 5,
...     "theme": ["a", "b", "A", "c", "á"],
... })
>>> pairwise_table(tidy)[["organism_a", "organism_b", "jaccard"]].head(2).to_dict("records")
[{'organism_a': 'CAN', 'organism_b': 'SELA', 'jaccard': 0.5}, {'organism_a': 'CAN', 'organism_b': 'SICA', 'jaccard': 0.3333333333333333}]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mcr_analysis import _score_base as base
from mcr_analysis.taxonomy import MCRDataError

__all__ = ["PAIRWISE_COLUMNS", "PROFILE_COLUMNS", "pairwise_table", "pairwise_matrix", "organism_profile"]

PAIRWISE_COLUMNS = [
    "round", "axis", "criterion", "organism_a", "organism_b", "jaccard", "dice", "overlap", "n_shared",
]
PROFILE_COLUMNS = [
    "round", "organism", "axis", "n_initiatives", "n_themes", "n_shared_themes", "share_shared",
    "closest_partner", "closest_jaccard",
]
_METRICS = ("jaccard", "dice", "overlap", "n_shared")


def pairwise_table(tidy: pd.DataFrame) -> pd.DataFrame:
    """Similarity of every pair of active organisms per (round, axis, criterion), and per axis.

    Both orders of each pair are listed (``CAN, SICA`` and ``SICA, CAN`` with the
    same values), so filtering on ``organism_a`` gives all of an organism's
    partners and the table pivots directly into a symmetric matrix
    (:func:`pairwise_matrix`).  Only organisms with at least one theme in the
    cell are paired; pairs that share nothing are listed with zeros.

    For sets ``S_a`` and ``S_b`` with ``n_shared = |S_a ∩ S_b|``:
    ``jaccard = n_shared / |S_a ∪ S_b|``, ``dice = 2 n_shared / (|S_a| + |S_b|)``,
    ``overlap = n_shared / min(|S_a|, |S_b|)``.

    Parameters
    ----------
    tidy : pandas.DataFrame
        The tidy table; not modified.

    Returns
    -------
    pandas.DataFrame
        A new frame with the columns :data:`PAIRWISE_COLUMNS`, sorted by round,
        axis and criterion (book order, ``"*"`` last), then ``organism_a``,
        ``organism_b``.

    Examples
    --------
    >>> import pandas as pd
    >>> tidy = pd.DataFrame({"round": ["2024"] * 3, "organism": ["CAN", "CAN", "SICA"],
    ...                      "axis": ["transfronteriza"] * 3, "criterion": ["normas"] * 3,
    ...                      "theme": ["a", "b", "b"]})
    >>> pairwise_table(tidy)[["organism_a", "organism_b", "jaccard", "dice", "overlap"]].head(2).to_dict("records")
    [{'organism_a': 'CAN', 'organism_b': 'SICA', 'jaccard': 0.5, 'dice': 0.6666666666666666, 'overlap': 1.0}, {'organism_a': 'SICA', 'organism_b': 'CAN', 'jaccard': 0.5, 'dice': 0.6666666666666666, 'overlap': 1.0}]
    """
    return _pairwise(base.prepare(tidy))


def _pairwise(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`pairwise_table` of rows already checked by :func:`mcr_analysis._score_base.prepare`."""
    pairs = base.ordered_pairs(base.memberships(base.with_pooled(rows)))
    if pairs.empty:
        return base.empty(PAIRWISE_COLUMNS, ints=["n_shared"])
    return base.sort_cells(pairs, ["organism_a", "organism_b"])[PAIRWISE_COLUMNS]


def pairwise_matrix(
    pairwise: pd.DataFrame, round: str, axis: str, criterion: str = base.ALL_CRITERIA, metric: str = "jaccard"
) -> pd.DataFrame:
    """Square organism x organism matrix of one cell of :func:`pairwise_table`, for heat maps.

    Parameters
    ----------
    pairwise : pandas.DataFrame
        The output of :func:`pairwise_table`; not modified.
    round, axis : str
        The cell's round and axis id.
    criterion : str, default ``"*"``
        A criterion id, or ``"*"`` for the axis as a whole.
    metric : {"jaccard", "dice", "overlap", "n_shared"}
        Which value to spread.

    Returns
    -------
    pandas.DataFrame
        A new float frame indexed and columned by the cell's active organisms
        (sorted).  The diagonal is 1.0 for the similarity indices and NaN for
        ``n_shared``.  Empty when the cell has fewer than two active organisms.

    Examples
    --------
    >>> import pandas as pd
    >>> tidy = pd.DataFrame({"round": ["2024"] * 3, "organism": ["CAN", "CAN", "SICA"],
    ...                      "axis": ["transfronteriza"] * 3, "criterion": ["normas"] * 3,
    ...                      "theme": ["a", "b", "b"]})
    >>> pairwise_matrix(pairwise_table(tidy), "2024", "transfronteriza").to_dict()
    {'CAN': {'CAN': 1.0, 'SICA': 0.5}, 'SICA': {'CAN': 0.5, 'SICA': 1.0}}
    """
    if metric not in _METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(_METRICS)}")
    missing = [c for c in PAIRWISE_COLUMNS if c not in pairwise.columns]
    if missing:
        raise MCRDataError(f"pairwise table lacks columns {missing}; expected the output of pairwise_table")
    sel = pairwise[
        (pairwise["round"].astype(str) == str(round))
        & (pairwise["axis"] == axis)
        & (pairwise["criterion"] == criterion)
    ]
    names = sorted(set(sel["organism_a"]) | set(sel["organism_b"]))
    matrix = sel.pivot(index="organism_a", columns="organism_b", values=metric)
    matrix = matrix.reindex(index=names, columns=names).astype("float64")
    diagonal = np.nan if metric == "n_shared" else 1.0
    for name in names:
        matrix.loc[name, name] = diagonal
    matrix.index.name = None
    matrix.columns.name = None
    return matrix


def organism_profile(tidy: pd.DataFrame) -> pd.DataFrame:
    """Per round, organism and axis: themes, how many are shared, and the closest partner.

    Computed on the axis as a whole (criterion ``"*"``).  ``share_shared`` is
    ``n_shared_themes / n_themes`` (NaN when the organism has rows on the axis
    but no theme).  ``closest_partner`` is the other organism with the highest
    Jaccard index (ties: alphabetically first), or ``""`` when no organism
    shares a theme with it; ``closest_jaccard`` is that highest index (0.0 when
    other organisms have themes but share none, NaN when no other organism has
    a theme on the axis).

    Parameters
    ----------
    tidy : pandas.DataFrame
        The tidy table; not modified.

    Returns
    -------
    pandas.DataFrame
        A new frame with the columns :data:`PROFILE_COLUMNS`, one row per
        organism of ``E(a)``, sorted by round, axis (book order), organism.

    Examples
    --------
    >>> import pandas as pd
    >>> tidy = pd.DataFrame({"round": ["2024"] * 4, "organism": ["CAN", "CAN", "SICA", "SELA"],
    ...                      "axis": ["transfronteriza"] * 4, "criterion": ["normas"] * 4,
    ...                      "theme": ["a", "b", "b", ""]})
    >>> organism_profile(tidy)[["organism", "n_themes", "share_shared", "closest_partner"]].to_dict("records")
    [{'organism': 'CAN', 'n_themes': 2, 'share_shared': 0.5, 'closest_partner': 'SICA'}, {'organism': 'SELA', 'n_themes': 0, 'share_shared': nan, 'closest_partner': ''}, {'organism': 'SICA', 'n_themes': 1, 'share_shared': 1.0, 'closest_partner': 'CAN'}]
    """
    return _profile(base.prepare(tidy))


def _profile(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`organism_profile` of rows already checked by :func:`mcr_analysis._score_base.prepare`."""
    if rows.empty:
        return base.empty(PROFILE_COLUMNS, ints=["n_initiatives", "n_themes", "n_shared_themes"])
    pooled = rows.assign(criterion=base.ALL_CRITERIA)
    group = ["round", "axis", "organism"]
    out = pooled.groupby(group).size().rename("n_initiatives").reset_index()
    mem = base.memberships(pooled)
    k = mem.groupby(base.CELL + ["key"]).size().rename("k")
    mem = mem.join(k, on=base.CELL + ["key"])
    mem["shared"] = (mem["k"] >= 2).astype("int64")
    themes = mem.groupby(group).agg(n_themes=("shared", "size"), n_shared_themes=("shared", "sum"))
    out = out.merge(themes.reset_index(), on=group, how="left")
    for col in ("n_themes", "n_shared_themes"):
        out[col] = out[col].fillna(0).astype("int64")
    out["share_shared"] = (out["n_shared_themes"] / out["n_themes"].where(out["n_themes"] > 0)).astype("float64")

    pairs = base.ordered_pairs(mem[base.CELL + ["organism", "key"]])
    best = pairs.sort_values(
        ["round", "axis", "organism_a", "jaccard", "organism_b"],
        ascending=[True, True, True, False, True], kind="mergesort",
    ).drop_duplicates(["round", "axis", "organism_a"])
    best = best.rename(columns={"organism_a": "organism", "jaccard": "closest_jaccard"})
    best["closest_partner"] = best["organism_b"].where(best["closest_jaccard"] > 0, "")
    out = out.merge(best[group + ["closest_partner", "closest_jaccard"]], on=group, how="left")
    out["closest_partner"] = out["closest_partner"].fillna("").astype(str)
    out["closest_jaccard"] = out["closest_jaccard"].astype("float64")
    return base.sort_cells(out, ["organism"])[PROFILE_COLUMNS]
