"""The tidy table checked once and cut into cells and theme memberships (private).

Shared by :mod:`mcr_analysis.scores` and :mod:`mcr_analysis.similarity`; not a
public API.  :func:`prepare` validates the tidy table and returns a new frame
of plain ``str`` columns plus ``key`` (:func:`mcr_analysis.taxonomy.theme_key`)
and ``label`` (the submitted wording); the other helpers work on that frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mcr_analysis import taxonomy
from mcr_analysis.sets import expected_organisms, theme_keys
from mcr_analysis.taxonomy import MCRDataError

ALL_CRITERIA = "*"
"""Criterion of the axis as a whole (themes pooled over the criteria)."""
CELL = ["round", "axis", "criterion"]
_BASE_COLUMNS = ["round", "organism", "axis", "criterion", "theme"]
_SOURCE_COLUMNS = ["initiative", "source_file", "source_row"]
_TEXT_COLUMNS = {"round", "axis", "criterion", "organism", "organism_a", "organism_b", "theme",
                 "organisms", "initiatives", "closest_partner"}

def prepare(tidy: pd.DataFrame, sources: bool = False) -> pd.DataFrame:
    """Check ``tidy`` once and return a new frame of plain str columns plus ``key`` and ``label``.

    ``sources=True`` also keeps ``initiative``, ``source_file`` and ``source_row``
    (as text).  ``tidy`` is not modified.  Raises :class:`MCRDataError` listing
    every missing column, unknown axis or criterion id and empty organism.
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
    frame["key"] = theme_keys(themes).astype(str)
    frame["label"] = themes
    return frame


def expected_counts(rows: pd.DataFrame, participation: pd.DataFrame | None = None) -> pd.DataFrame:
    """``n_expected`` = |E(r, a)| per (round, axis) of ``rows`` (:func:`mcr_analysis.sets.expected_organisms`)."""
    expected = expected_organisms(rows, participation)
    counts = expected.groupby(["round", "axis"]).size().rename("n_expected").reset_index()
    return counts.astype({"n_expected": "int64"})


def with_pooled(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` followed by a copy with criterion ``"*"`` (the axis as a whole)."""
    return pd.concat([rows, rows.assign(criterion=ALL_CRITERIA)], ignore_index=True)


def memberships(both: pd.DataFrame) -> pd.DataFrame:
    """One row per (cell, organism, theme key) with a non-empty key."""
    mem = both.loc[both["key"] != "", CELL + ["organism", "key"]]
    return mem.drop_duplicates().reset_index(drop=True)


def sort_cells(frame: pd.DataFrame, then: list[str], ascending: list[bool] | None = None) -> pd.DataFrame:
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


def ordered_pairs(mem: pd.DataFrame) -> pd.DataFrame:
    """Every ordered pair (a != b) of active organisms per cell of :func:`memberships` ``mem``.

    Returns a new frame with ``size_a``, ``size_b`` (|S_a|, |S_b|), ``n_shared``
    (|S_a ∩ S_b|), ``jaccard``, ``dice`` and ``overlap``.
    """
    sizes = mem.groupby(CELL + ["organism"], sort=False).size().rename("size").reset_index()
    pairs = sizes.merge(sizes, on=CELL, suffixes=("_a", "_b"))
    pairs = pairs[pairs["organism_a"] != pairs["organism_b"]]
    both = mem.merge(mem, on=CELL + ["key"], suffixes=("_a", "_b"))
    both = both[both["organism_a"] != both["organism_b"]]
    inter = both.groupby(CELL + ["organism_a", "organism_b"], sort=False).size().rename("n_shared")
    pairs = pairs.merge(inter.reset_index(), on=CELL + ["organism_a", "organism_b"], how="left")
    pairs["n_shared"] = pairs["n_shared"].fillna(0).astype("int64")
    a, b, n = pairs["size_a"], pairs["size_b"], pairs["n_shared"]
    pairs["jaccard"] = n / (a + b - n)
    pairs["dice"] = 2 * n / (a + b)
    pairs["overlap"] = n / np.minimum(a, b)
    return pairs.reset_index(drop=True)


def join_groups(frame: pd.DataFrame, by: list[str], col: str, sep: str, name: str) -> pd.DataFrame:
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


def empty(columns: list[str], ints: list[str]) -> pd.DataFrame:
    """An empty frame with ``columns``: ``ints`` as int64, other numbers float64, text as str."""
    data = {}
    for col in columns:
        dtype = "int64" if col in ints else (str if col in _TEXT_COLUMNS else "float64")
        data[col] = pd.Series([], dtype=dtype)
    return pd.DataFrame(data)
