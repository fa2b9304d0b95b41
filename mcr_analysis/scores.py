"""Convergence scores per round, axis and criterion (issue 3), as pure table functions.

Every function takes the tidy table and returns **new** DataFrames; the input is
never modified and nothing here draws (no matplotlib).  The definitions are
those of ``docs/methods.md``.  For one round, axis *a* and criterion *c*:

* ``E(a)``: the organisms expected on axis *a* in the round,
  :func:`mcr_analysis.sets.expected_organisms`: those the participation table
  lists for *a* in the round, and those with at least one tidy row on *a* (any
  criterion, with or without a theme), so an expected organism that sent
  nothing lowers ``coverage``;
* ``S_o``: the theme keys (:func:`mcr_analysis.taxonomy.theme_key`) of organism
  *o* in the cell; rows whose theme key is empty are initiatives, not elements;
* ``A``: organisms of ``E(a)`` with ``S_o`` not empty; ``T``: the union of the
  ``S_o``; ``k(t)``: how many organisms of ``A`` have theme *t*.

The criterion ``"*"`` is the axis as a whole: the themes of every criterion
pooled (a theme that an organism lists under two criteria counts once).  In
every table the ``"*"`` row of an axis comes **after** its six criteria.
Indices that need two active organisms are NaN (never 0) below that.

This module holds the convergence and shared-theme tables; the pairwise
similarity and the organism profile live in :mod:`mcr_analysis.similarity`
and are re-exported here, so ``from mcr_analysis.scores import pairwise_table``
keeps working.

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
>>> row = convergence_table(tidy).iloc[0]
>>> row["criterion"], int(row["n_active"]), int(row["n_themes"]), int(row["n_shared_themes"])
('proyectos', 3, 3, 1)
>>> float(row["convergence_index"]) == ((3 - 1) + (1 - 1) + (1 - 1)) / ((3 - 1) * 3)
True
>>> pairwise_table(tidy)[["organism_a", "organism_b", "jaccard"]].head(2).to_dict("records")
[{'organism_a': 'CAN', 'organism_b': 'SELA', 'jaccard': 0.5}, {'organism_a': 'CAN', 'organism_b': 'SICA', 'jaccard': 0.3333333333333333}]
"""


from __future__ import annotations

import numpy as np
import pandas as pd

from mcr_analysis import _score_base as base
from mcr_analysis import taxonomy
from mcr_analysis._score_base import ALL_CRITERIA
from mcr_analysis.similarity import (
    PAIRWISE_COLUMNS,
    PROFILE_COLUMNS,
    _pairwise,
    _profile,
    organism_profile,
    pairwise_matrix,
    pairwise_table,
)

__all__ = [
    "ALL_CRITERIA",
    "SCORE_COLUMNS",
    "PAIRWISE_COLUMNS",
    "SHARED_THEMES_COLUMNS",
    "PROFILE_COLUMNS",
    "convergence_table",
    "pairwise_table",
    "pairwise_matrix",
    "shared_themes_table",
    "organism_profile",
    "score_tables",
]

SCORE_COLUMNS = [
    "round", "axis", "criterion", "n_expected", "n_active", "coverage", "n_initiatives",
    "n_themes", "n_shared_themes", "n_full_themes", "convergence_index", "mean_jaccard",
    "sorensen_multi",
]
SHARED_THEMES_COLUMNS = ["round", "axis", "criterion", "theme", "k", "organisms", "initiatives"]


def convergence_table(tidy: pd.DataFrame, participation: pd.DataFrame | None = None) -> pd.DataFrame:
    """Convergence scores of every non-empty (round, axis, criterion) cell and every axis.

    Parameters
    ----------
    tidy : pandas.DataFrame
        The tidy table (at least ``round``, ``organism``, ``axis``, ``criterion``,
        ``theme``); it is not modified.
    participation : pandas.DataFrame, optional
        Who is expected where (``round``, ``axis``, ``organism``), as
        :func:`mcr_analysis.sets.expected_organisms` takes it; default the
        book's table with the project's ``data/reference/participation.tsv``.

    Returns
    -------
    pandas.DataFrame
        A new frame with the columns :data:`SCORE_COLUMNS`: one row per
        (round, axis, criterion) holding at least one tidy row, and per
        (round, axis) one row with criterion ``"*"`` (themes pooled over the
        criteria), after the axis's criteria.  Rounds sort as text; axes and
        criteria in the book's order.  ``convergence_index``, ``mean_jaccard`` and
        ``sorensen_multi`` are NaN when fewer than two organisms have a theme.

    Raises
    ------
    MCRDataError
        When columns are missing or axis/criterion ids are unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> tidy = pd.DataFrame({"round": ["2024"] * 3, "organism": ["CAN", "SICA", "SELA"],
    ...                      "axis": ["transfronteriza"] * 3, "criterion": ["normas"] * 3,
    ...                      "theme": ["Ríos", "rios", ""]})
    >>> t = convergence_table(tidy)  # the book's table also expects ALADI, MERCOSUR and AEC
    >>> t[["criterion", "n_expected", "n_active", "coverage", "convergence_index"]].to_dict("records")[0]
    {'criterion': 'normas', 'n_expected': 6, 'n_active': 2, 'coverage': 0.3333333333333333, 'convergence_index': 1.0}
    >>> list(t["criterion"])
    ['normas', '*']
    >>> no_table = pd.DataFrame(columns=["round", "axis", "organism"])  # only the organisms that sent rows
    >>> int(convergence_table(tidy, no_table)["n_expected"].iloc[0])
    3
    """
    rows = base.prepare(tidy)
    return _convergence(rows, base.expected_counts(rows, participation))


def _convergence(rows: pd.DataFrame, expected: pd.DataFrame) -> pd.DataFrame:
    """:func:`convergence_table` of rows checked by :func:`mcr_analysis._score_base.prepare`.

    ``expected`` is :func:`mcr_analysis._score_base.expected_counts` of the rows.
    """
    if rows.empty:
        return base.empty(SCORE_COLUMNS, ints=SCORE_COLUMNS[3:5] + SCORE_COLUMNS[6:10])
    both = base.with_pooled(rows)
    out = both.groupby(base.CELL).size().rename("n_initiatives").reset_index()
    out = out.merge(expected, on=["round", "axis"], how="left")

    mem = base.memberships(both)
    k = mem.groupby(base.CELL + ["key"]).size().rename("k").reset_index()
    sizes = mem.groupby(base.CELL + ["organism"]).size().rename("size").reset_index()
    per_cell = sizes.groupby(base.CELL).agg(n_active=("size", "size"), sum_sizes=("size", "sum"))
    per_cell["n_themes"] = k.groupby(base.CELL).size()
    k = k.merge(per_cell["n_active"].reset_index(), on=base.CELL)
    per_cell["n_shared_themes"] = (k["k"] >= 2).groupby([k[c] for c in base.CELL]).sum()
    full = (k["k"] == k["n_active"]) & (k["n_active"] >= 2)
    per_cell["n_full_themes"] = full.groupby([k[c] for c in base.CELL]).sum()

    pairs = base.ordered_pairs(mem)
    upper = pairs[pairs["organism_a"] < pairs["organism_b"]]
    b_ab = upper["size_a"] - upper["n_shared"]
    b_ba = upper["size_b"] - upper["n_shared"]
    pair_stats = pd.DataFrame({
        "mean_jaccard": upper["jaccard"],
        "b_min": np.minimum(b_ab, b_ba),
        "b_max": np.maximum(b_ab, b_ba),
    }).groupby([upper[c] for c in base.CELL]).agg(
        mean_jaccard=("mean_jaccard", "mean"), b_min=("b_min", "sum"), b_max=("b_max", "sum")
    )
    per_cell = per_cell.join(pair_stats)

    out = out.merge(per_cell.reset_index(), on=base.CELL, how="left")
    for col in ("n_active", "sum_sizes", "n_themes", "n_shared_themes", "n_full_themes"):
        out[col] = out[col].fillna(0).astype("int64")
    out["n_expected"] = out["n_expected"].astype("int64")
    out["coverage"] = out["n_active"] / out["n_expected"]
    defined = out["n_active"] >= 2
    a_prime = out["sum_sizes"] - out["n_themes"]
    denom = (out["n_active"] - 1) * out["n_themes"]
    out["convergence_index"] = (a_prime / denom.where(defined)).astype("float64")
    sor = 2 * a_prime / (2 * a_prime + out["b_min"] + out["b_max"])
    out["sorensen_multi"] = sor.where(defined).astype("float64")
    out["mean_jaccard"] = out["mean_jaccard"].where(defined).astype("float64")
    return base.sort_cells(out, [])[SCORE_COLUMNS]


def shared_themes_table(tidy: pd.DataFrame) -> pd.DataFrame:
    """Themes held by two or more organisms in a cell, with their initiatives side by side.

    The list an analyst reads for possible duplications or joint work.  Cells
    include the axis as a whole (criterion ``"*"``), where a theme listed by one
    organism under *proyectos* and by another under *normas* is shared.

    Parameters
    ----------
    tidy : pandas.DataFrame
        The tidy table (also needs ``initiative``, ``source_file``,
        ``source_row``); not modified.

    Returns
    -------
    pandas.DataFrame
        A new frame with the columns :data:`SHARED_THEMES_COLUMNS`.  ``theme``
        is the wording most often submitted in the cell (as
        :func:`mcr_analysis.sets.cell_contents` shows it); ``organisms`` are
        joined sorted (``"CAN; SICA"``); ``initiatives`` lists every row of the
        theme as ``"ORG: initiative (source_file:source_row)"`` joined by
        ``" | "``, sorted by organism, file and row (the theme's wording stands
        in for an empty initiative).  Sorted by cell, ``k`` descending, then
        theme identity.

    Examples
    --------
    >>> import pandas as pd
    >>> tidy = pd.DataFrame({"round": ["2024"] * 2, "organism": ["CAN", "SICA"],
    ...     "axis": ["transfronteriza"] * 2, "criterion": ["normas"] * 2, "theme": ["Ríos", "rios"],
    ...     "initiative": ["INTERCOM", "Plan"], "source_file": ["2024/CAN.xlsx", "2024/SICA.xlsx"],
    ...     "source_row": [12, 3]})
    >>> shared_themes_table(tidy).iloc[0].to_dict()["initiatives"]
    'CAN: INTERCOM (2024/CAN.xlsx:12) | SICA: Plan (2024/SICA.xlsx:3)'
    """
    return _shared_themes(base.prepare(tidy, sources=True))


def _shared_themes(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`shared_themes_table` of rows already checked by :func:`mcr_analysis._score_base.prepare`."""
    both = base.with_pooled(rows)
    both = both[both["key"] != ""]
    mem = base.memberships(both)
    k = mem.groupby(base.CELL + ["key"]).size().rename("k").reset_index()
    k = k[k["k"] >= 2]
    if k.empty:
        return base.empty(SHARED_THEMES_COLUMNS, ints=["k"])
    mem = mem.merge(k[base.CELL + ["key"]], on=base.CELL + ["key"]).sort_values("organism", kind="mergesort")
    k = k.merge(base.join_groups(mem, base.CELL + ["key"], "organism", "; ", "organisms"), on=base.CELL + ["key"])
    both = both.merge(k[base.CELL + ["key"]], on=base.CELL + ["key"])
    counts = both.groupby(base.CELL + ["key", "label"]).size().rename("n").reset_index()
    counts = counts.sort_values(
        base.CELL + ["key", "n", "label"], ascending=[True] * 4 + [False, True], kind="mergesort"
    ).drop_duplicates(base.CELL + ["key"])
    k = k.merge(counts[base.CELL + ["key", "label"]], on=base.CELL + ["key"]).rename(columns={"label": "theme"})

    name = both["initiative"].where(both["initiative"] != "", both["label"])
    # A row whose submitted wording is another (reconciled) wording of the theme keeps it beside its name.
    shown = both[base.CELL + ["key"]].merge(k[base.CELL + ["key", "theme"]].rename(columns={"theme": "_shown"}),
                                            on=base.CELL + ["key"], how="left")["_shown"].to_numpy()
    fold = {v: taxonomy.normalize_label(v) for v in set(both["label"]) | set(shown)}
    other = [fold[a] != fold[b] and n != a for a, b, n in zip(both["label"], shown, name)]
    name = name.where(~pd.Series(other, index=name.index), name + " «" + both["label"] + "»")
    both = both.assign(
        _entry=both["organism"] + ": " + name + " (" + both["source_file"] + ":" + both["source_row"] + ")",
        _row=pd.to_numeric(both["source_row"], errors="coerce"),
    ).sort_values(["organism", "source_file", "_row", "source_row"], kind="mergesort")
    entries = base.join_groups(both, base.CELL + ["key"], "_entry", " | ", "initiatives")
    k = k.merge(entries, on=base.CELL + ["key"])
    k["k"] = k["k"].astype("int64")
    return base.sort_cells(k, ["k", "key"], ascending=[False, True])[SHARED_THEMES_COLUMNS]


def score_tables(tidy: pd.DataFrame, participation: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """All the score tables of ``tidy``, keyed ``scores``, ``pairwise``, ``shared_themes``, ``profile``.

    Returns new DataFrames; ``tidy`` is not modified.  ``participation`` is
    that of :func:`convergence_table`.

    Examples
    --------
    >>> import pandas as pd
    >>> tidy = pd.DataFrame({"round": ["2024"], "organism": ["CAN"], "axis": ["transfronteriza"],
    ...     "criterion": ["normas"], "theme": ["a"], "initiative": ["x"], "source_file": ["f"],
    ...     "source_row": [2]})
    >>> {name: len(table) for name, table in score_tables(tidy).items()}
    {'scores': 2, 'pairwise': 0, 'shared_themes': 0, 'profile': 1}
    """
    rows = base.prepare(tidy, sources=True)
    return {
        "scores": _convergence(rows, base.expected_counts(rows, participation)),
        "pairwise": _pairwise(rows),
        "shared_themes": _shared_themes(rows),
        "profile": _profile(rows),
    }
