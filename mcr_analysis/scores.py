"""Convergence scores per round, axis and criterion (issue 3), as pure table functions.

Every function takes the tidy table and returns **new** DataFrames; the input is
never modified and nothing here draws (no matplotlib).  The definitions are
those of ``docs/methods.md``.  For one round, axis *a* and criterion *c*:

* ``E(a)``: organisms with at least one tidy row on axis *a* in the round (any
  criterion, with or without a theme);
* ``S_o``: the theme keys (:func:`mcr_analysis.taxonomy.theme_key`) of organism
  *o* in the cell; rows whose theme key is empty are initiatives, not elements;
* ``A``: organisms of ``E(a)`` with ``S_o`` not empty; ``T``: the union of the
  ``S_o``; ``k(t)``: how many organisms of ``A`` have theme *t*.

The criterion ``"*"`` is the axis as a whole: the themes of every criterion
pooled (a theme that an organism lists under two criteria counts once).  In
every table the ``"*"`` row of an axis comes **after** its six criteria.
Indices that need two active organisms are NaN (never 0) below that.

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

from mcr_analysis import taxonomy
from mcr_analysis.taxonomy import MCRDataError, theme_key

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

ALL_CRITERIA = "*"
SCORE_COLUMNS = [
    "round", "axis", "criterion", "n_expected", "n_active", "coverage", "n_initiatives",
    "n_themes", "n_shared_themes", "n_full_themes", "convergence_index", "mean_jaccard",
    "sorensen_multi",
]
PAIRWISE_COLUMNS = [
    "round", "axis", "criterion", "organism_a", "organism_b", "jaccard", "dice", "overlap", "n_shared",
]
SHARED_THEMES_COLUMNS = ["round", "axis", "criterion", "theme", "k", "organisms", "initiatives"]
PROFILE_COLUMNS = [
    "round", "organism", "axis", "n_initiatives", "n_themes", "n_shared_themes", "share_shared",
    "closest_partner", "closest_jaccard",
]
_METRICS = ("jaccard", "dice", "overlap", "n_shared")
_CELL = ["round", "axis", "criterion"]
_BASE_COLUMNS = ["round", "organism", "axis", "criterion", "theme"]
_SOURCE_COLUMNS = ["initiative", "source_file", "source_row"]


# --------------------------------------------------------------------------- preparation

def _prepare(tidy: pd.DataFrame, sources: bool = False) -> pd.DataFrame:
    """Check ``tidy`` once and return a new frame of plain str columns plus ``key`` and ``label``.

    Raises :class:`MCRDataError` listing every missing column and unknown id.
    """
    needed = _BASE_COLUMNS + (_SOURCE_COLUMNS if sources else [])
    missing = [c for c in needed if c not in tidy.columns]
    if missing:
        raise MCRDataError(
            f"tidy table lacks columns {missing}; expected the columns of mcr_tidy.csv, "
            f"at least {needed}"
        )
    frame = pd.DataFrame(
        {c: tidy[c].fillna("").astype(str).str.strip().to_numpy() for c in needed if c != "source_row"},
        index=pd.RangeIndex(len(tidy)),
    )
    if sources:
        frame["source_row"] = tidy["source_row"].astype("string").fillna("").astype(str).to_numpy()
    problems = []
    for col, vocab in (("axis", taxonomy.axes), ("criterion", taxonomy.criteria)):
        bad = frame.loc[~frame[col].isin(vocab().ids), col]
        if not bad.empty:
            values = sorted(bad.unique())
            problems.append(
                f"unknown {col} ids {values} in {len(bad)} rows (first at position "
                f"{int(bad.index[0])}); allowed: {', '.join(vocab().ids)}"
            )
    empty_org = frame.index[frame["organism"] == ""]
    if len(empty_org):
        problems.append(f"empty organism in {len(empty_org)} rows (first at position {int(empty_org[0])})")
    if problems:
        raise MCRDataError("tidy table: " + "; ".join(problems))
    themes = frame["theme"]
    keys = {t: theme_key(t) for t in themes.unique()}
    frame["key"] = themes.map(keys).astype(str)
    frame["label"] = themes
    return frame


def _with_pooled(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` followed by a copy with criterion ``"*"`` (the axis as a whole)."""
    return pd.concat([rows, rows.assign(criterion=ALL_CRITERIA)], ignore_index=True)


def _memberships(both: pd.DataFrame) -> pd.DataFrame:
    """One row per (cell, organism, theme key) with a non-empty key."""
    mem = both.loc[both["key"] != "", _CELL + ["organism", "key"]]
    return mem.drop_duplicates().reset_index(drop=True)


def _sort(frame: pd.DataFrame, then: list[str], ascending: list[bool] | None = None) -> pd.DataFrame:
    """Sort by round, axis and criterion in the book's order ("*" last), then ``then``."""
    axis_rank = {a: i for i, a in enumerate(taxonomy.axes().ids)}
    crit_rank = {c: i for i, c in enumerate(taxonomy.criteria().ids)}
    crit_rank[ALL_CRITERIA] = len(crit_rank)
    keyed = frame.assign(_axis=frame["axis"].map(axis_rank))
    by = ["round", "_axis"]
    if "criterion" in frame:
        keyed["_crit"] = frame["criterion"].map(crit_rank)
        by.append("_crit")
    asc = [True] * len(by) + (ascending or [True] * len(then))
    keyed = keyed.sort_values(by + then, ascending=asc, kind="mergesort")
    return keyed.drop(columns=[c for c in ("_axis", "_crit") if c in keyed]).reset_index(drop=True)


def _pairs(mem: pd.DataFrame) -> pd.DataFrame:
    """Every ordered pair (a != b) of active organisms per cell, with set sizes and intersection."""
    sizes = mem.groupby(_CELL + ["organism"], sort=False).size().rename("size").reset_index()
    pairs = sizes.merge(sizes, on=_CELL, suffixes=("_a", "_b"))
    pairs = pairs[pairs["organism_a"] != pairs["organism_b"]]
    both = mem.merge(mem, on=_CELL + ["key"], suffixes=("_a", "_b"))
    both = both[both["organism_a"] != both["organism_b"]]
    inter = both.groupby(_CELL + ["organism_a", "organism_b"], sort=False).size().rename("n_shared")
    pairs = pairs.merge(inter.reset_index(), on=_CELL + ["organism_a", "organism_b"], how="left")
    pairs["n_shared"] = pairs["n_shared"].fillna(0).astype("int64")
    a, b, n = pairs["size_a"], pairs["size_b"], pairs["n_shared"]
    pairs["jaccard"] = n / (a + b - n)
    pairs["dice"] = 2 * n / (a + b)
    pairs["overlap"] = n / np.minimum(a, b)
    return pairs.reset_index(drop=True)


# --------------------------------------------------------------------------- public tables

def convergence_table(tidy: pd.DataFrame) -> pd.DataFrame:
    """Convergence scores of every non-empty (round, axis, criterion) cell and every axis.

    Parameters
    ----------
    tidy : pandas.DataFrame
        The tidy table (at least ``round``, ``organism``, ``axis``, ``criterion``,
        ``theme``); it is not modified.

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
    >>> t = convergence_table(tidy)
    >>> t[["criterion", "n_expected", "n_active", "coverage", "convergence_index"]].to_dict("records")[0]
    {'criterion': 'normas', 'n_expected': 3, 'n_active': 2, 'coverage': 0.6666666666666666, 'convergence_index': 1.0}
    >>> list(t["criterion"])
    ['normas', '*']
    """
    return _convergence(_prepare(tidy))


def _convergence(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`convergence_table` of rows already checked by :func:`_prepare`."""
    if rows.empty:
        return _empty(SCORE_COLUMNS, ints=SCORE_COLUMNS[3:5] + SCORE_COLUMNS[6:10])
    both = _with_pooled(rows)
    out = both.groupby(_CELL).size().rename("n_initiatives").reset_index()
    expected = rows.groupby(["round", "axis"])["organism"].nunique().rename("n_expected")
    out = out.merge(expected.reset_index(), on=["round", "axis"], how="left")

    mem = _memberships(both)
    k = mem.groupby(_CELL + ["key"]).size().rename("k").reset_index()
    sizes = mem.groupby(_CELL + ["organism"]).size().rename("size").reset_index()
    per_cell = sizes.groupby(_CELL).agg(n_active=("size", "size"), sum_sizes=("size", "sum"))
    per_cell["n_themes"] = k.groupby(_CELL).size()
    k = k.merge(per_cell["n_active"].reset_index(), on=_CELL)
    per_cell["n_shared_themes"] = (k["k"] >= 2).groupby([k[c] for c in _CELL]).sum()
    full = (k["k"] == k["n_active"]) & (k["n_active"] >= 2)
    per_cell["n_full_themes"] = full.groupby([k[c] for c in _CELL]).sum()

    pairs = _pairs(mem)
    upper = pairs[pairs["organism_a"] < pairs["organism_b"]]
    b_ab = upper["size_a"] - upper["n_shared"]
    b_ba = upper["size_b"] - upper["n_shared"]
    pair_stats = pd.DataFrame({
        "mean_jaccard": upper["jaccard"],
        "b_min": np.minimum(b_ab, b_ba),
        "b_max": np.maximum(b_ab, b_ba),
    }).groupby([upper[c] for c in _CELL]).agg(
        mean_jaccard=("mean_jaccard", "mean"), b_min=("b_min", "sum"), b_max=("b_max", "sum")
    )
    per_cell = per_cell.join(pair_stats)

    out = out.merge(per_cell.reset_index(), on=_CELL, how="left")
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
    return _sort(out, [])[SCORE_COLUMNS]


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
    return _pairwise(_prepare(tidy))


def _pairwise(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`pairwise_table` of rows already checked by :func:`_prepare`."""
    pairs = _pairs(_memberships(_with_pooled(rows)))
    if pairs.empty:
        return _empty(PAIRWISE_COLUMNS, ints=["n_shared"])
    return _sort(pairs, ["organism_a", "organism_b"])[PAIRWISE_COLUMNS]


def pairwise_matrix(
    pairwise: pd.DataFrame, round: str, axis: str, criterion: str = ALL_CRITERIA, metric: str = "jaccard"
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
    return _shared_themes(_prepare(tidy, sources=True))


def _shared_themes(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`shared_themes_table` of rows already checked by :func:`_prepare`."""
    both = _with_pooled(rows)
    both = both[both["key"] != ""]
    mem = _memberships(both)
    k = mem.groupby(_CELL + ["key"]).size().rename("k").reset_index()
    k = k[k["k"] >= 2]
    if k.empty:
        return _empty(SHARED_THEMES_COLUMNS, ints=["k"])
    mem = mem.merge(k[_CELL + ["key"]], on=_CELL + ["key"]).sort_values("organism", kind="mergesort")
    k = k.merge(_join_groups(mem, _CELL + ["key"], "organism", "; ", "organisms"), on=_CELL + ["key"])
    both = both.merge(k[_CELL + ["key"]], on=_CELL + ["key"])
    counts = both.groupby(_CELL + ["key", "label"]).size().rename("n").reset_index()
    counts = counts.sort_values(
        _CELL + ["key", "n", "label"], ascending=[True] * 4 + [False, True], kind="mergesort"
    ).drop_duplicates(_CELL + ["key"])
    k = k.merge(counts[_CELL + ["key", "label"]], on=_CELL + ["key"]).rename(columns={"label": "theme"})

    name = both["initiative"].where(both["initiative"] != "", both["label"])
    both = both.assign(
        _entry=both["organism"] + ": " + name + " (" + both["source_file"] + ":" + both["source_row"] + ")",
        _row=pd.to_numeric(both["source_row"], errors="coerce"),
    ).sort_values(["organism", "source_file", "_row", "source_row"], kind="mergesort")
    k = k.merge(_join_groups(both, _CELL + ["key"], "_entry", " | ", "initiatives"), on=_CELL + ["key"])
    k["k"] = k["k"].astype("int64")
    return _sort(k, ["k", "key"], ascending=[False, True])[SHARED_THEMES_COLUMNS]


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
    return _profile(_prepare(tidy))


def _profile(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`organism_profile` of rows already checked by :func:`_prepare`."""
    if rows.empty:
        return _empty(PROFILE_COLUMNS, ints=["n_initiatives", "n_themes", "n_shared_themes"])
    pooled = rows.assign(criterion=ALL_CRITERIA)
    group = ["round", "axis", "organism"]
    out = pooled.groupby(group).size().rename("n_initiatives").reset_index()
    mem = _memberships(pooled)
    k = mem.groupby(_CELL + ["key"]).size().rename("k")
    mem = mem.join(k, on=_CELL + ["key"])
    mem["shared"] = (mem["k"] >= 2).astype("int64")
    themes = mem.groupby(group).agg(n_themes=("shared", "size"), n_shared_themes=("shared", "sum"))
    out = out.merge(themes.reset_index(), on=group, how="left")
    for col in ("n_themes", "n_shared_themes"):
        out[col] = out[col].fillna(0).astype("int64")
    out["share_shared"] = (out["n_shared_themes"] / out["n_themes"].where(out["n_themes"] > 0)).astype("float64")

    pairs = _pairs(mem[_CELL + ["organism", "key"]])
    best = pairs.sort_values(
        ["round", "axis", "organism_a", "jaccard", "organism_b"],
        ascending=[True, True, True, False, True], kind="mergesort",
    ).drop_duplicates(["round", "axis", "organism_a"])
    best = best.rename(columns={"organism_a": "organism", "jaccard": "closest_jaccard"})
    best["closest_partner"] = best["organism_b"].where(best["closest_jaccard"] > 0, "")
    out = out.merge(best[group + ["closest_partner", "closest_jaccard"]], on=group, how="left")
    out["closest_partner"] = out["closest_partner"].fillna("").astype(str)
    out["closest_jaccard"] = out["closest_jaccard"].astype("float64")
    return _sort(out, ["organism"])[PROFILE_COLUMNS]


def score_tables(tidy: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """All the score tables of ``tidy``, keyed ``scores``, ``pairwise``, ``shared_themes``, ``profile``.

    Returns new DataFrames; ``tidy`` is not modified.

    Examples
    --------
    >>> import pandas as pd
    >>> tidy = pd.DataFrame({"round": ["2024"], "organism": ["CAN"], "axis": ["transfronteriza"],
    ...     "criterion": ["normas"], "theme": ["a"], "initiative": ["x"], "source_file": ["f"],
    ...     "source_row": [2]})
    >>> {name: len(table) for name, table in score_tables(tidy).items()}
    {'scores': 2, 'pairwise': 0, 'shared_themes': 0, 'profile': 1}
    """
    rows = _prepare(tidy, sources=True)
    return {
        "scores": _convergence(rows),
        "pairwise": _pairwise(rows),
        "shared_themes": _shared_themes(rows),
        "profile": _profile(rows),
    }


# --------------------------------------------------------------------------- helpers

def _join_groups(frame: pd.DataFrame, by: list[str], col: str, sep: str, name: str) -> pd.DataFrame:
    """``col`` joined with ``sep`` per group of ``by``, keeping the rows' order within each group.

    Returns a new frame with the ``by`` columns and ``name`` (one row per group);
    a plain-Python join over contiguous slices, much faster than a per-group
    ``groupby().agg(sep.join)``.
    """
    codes = frame.groupby(by, sort=False).ngroup().to_numpy()
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    starts = np.r_[0, bounds]
    ends = np.r_[bounds, len(order)]
    values = frame[col].to_numpy(dtype=object)[order]
    out = frame.iloc[order[starts]][by].reset_index(drop=True)
    out[name] = [sep.join(values[a:b]) for a, b in zip(starts, ends)]
    return out


def _empty(columns: list[str], ints: list[str]) -> pd.DataFrame:
    """An empty frame with ``columns``: ``ints`` as int64, other numbers float64, text as str."""
    text = {"round", "axis", "criterion", "organism", "organism_a", "organism_b", "theme",
            "organisms", "initiatives", "closest_partner"}
    data = {}
    for col in columns:
        dtype = "int64" if col in ints else (str if col in text else "float64")
        data[col] = pd.Series([], dtype=dtype)
    return pd.DataFrame(data)
