"""Matching the initiatives of two rounds (private to :mod:`mcr_analysis.compare`, which re-exports the names).

Within an organism: first the same initiative up to case, accents,
punctuation and spacing (:func:`mcr_analysis.taxonomy.normalize_label`),
preferring the row equal in every compared field, then the one with the same
axis and criterion; then, among the rows still unmatched on the same axis, a
reworded initiative whose :func:`similarity` is at least
:data:`FUZZY_THRESHOLD`, when each is the other's only candidate that close
(a second candidate within :data:`AMBIGUITY_MARGIN`, not already matched to a
closer partner, makes it ambiguous: never guessed).

Examples
--------
>>> round(similarity("Plan regional de puertos", "Plan Regional de Puertos 2025"), 3)
0.906
"""

from __future__ import annotations

import difflib

import pandas as pd

from mcr_analysis.taxonomy import normalize_label

__all__ = ["COMPARED_FIELDS", "FUZZY_THRESHOLD", "AMBIGUITY_MARGIN", "similarity", "match_rows"]

COMPARED_FIELDS = ["axis", "criterion", "matrix", "theme", "initiative", "description", "year", "status",
                   "partners"]
"""Fields compared between two matched rows (those the tidy table has); ``changed_fields`` names them."""
FUZZY_THRESHOLD = 0.85
"""Least :func:`similarity` for a reworded initiative to match (same organism and axis)."""
AMBIGUITY_MARGIN = 0.05
"""A second candidate this close to the best one makes a fuzzy match ambiguous (not made)."""


def similarity(a: object, b: object) -> float:
    """How alike two initiative names are, from 0 to 1.

    The larger of :class:`difflib.SequenceMatcher` ratios of the folded names
    (:func:`~mcr_analysis.taxonomy.normalize_label`) and of their words sorted
    (so a reordering costs nothing).

    Examples
    --------
    >>> similarity("Plan Andino", "plan andino")
    1.0
    >>> round(similarity("Observatorio de Inteligencia Económica", "Observatorio de inteligencia económica regional"), 3)
    0.894
    >>> similarity("Red de puertos", "Norma fitosanitaria") < 0.5
    True
    """
    x, y = normalize_label(a), normalize_label(b)
    if not x or not y:
        return 0.0
    plain = difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()
    xs, ys = " ".join(sorted(x.split())), " ".join(sorted(y.split()))
    return max(plain, difflib.SequenceMatcher(None, xs, ys, autojunk=False).ratio())


def _pair_exact(old: pd.DataFrame, new: pd.DataFrame) -> list[tuple[int, int]]:
    """Pairs (old index, new index) with the same organism and folded initiative.

    Within a group, rows equal in every compared field pair first, then rows
    with the same axis and criterion, then the rest in file order.
    """
    pairs = []
    fields = [c for c in COMPARED_FIELDS if c in old and c in new]
    new_groups = {k: list(g.index) for k, g in new.groupby(["organism", "_key"], sort=False)}
    for key, group in old.groupby(["organism", "_key"], sort=False):
        if not key[1] or key not in new_groups:
            continue
        left, right = list(group.index), new_groups[key]
        for same in (fields, ["axis", "criterion"], []):
            for i in list(left):
                for j in right:
                    if all(old.at[i, c] == new.at[j, c] for c in same):
                        pairs.append((i, j))
                        left.remove(i)
                        right.remove(j)
                        break
    return pairs


def _pair_fuzzy(old: pd.DataFrame, new: pd.DataFrame) -> tuple[list[tuple[int, int, float]], dict, dict]:
    """Reworded initiatives: unique mutual best candidates above the threshold.

    Returns the pairs with their score, and notes for the ambiguous rows on each side.
    """
    pairs, notes_old, notes_new = [], {}, {}
    for (org, axis), left in old.groupby(["organism", "axis"], sort=False):
        right = new[(new["organism"] == org) & (new["axis"] == axis)]
        if right.empty:
            continue
        names_l = (left["initiative"].where(left["initiative"] != "", left["theme"])).to_dict()
        names_r = (right["initiative"].where(right["initiative"] != "", right["theme"])).to_dict()
        score = {(i, j): similarity(names_l[i], names_r[j]) for i in names_l for j in names_r}
        close = {k: v for k, v in score.items() if v >= FUZZY_THRESHOLD}

        def rivals(best: float, others: list[float]) -> bool:
            return any(best - s <= AMBIGUITY_MARGIN for s in others)

        used_i, used_j = set(), set()
        for (i, j), s in sorted(close.items(), key=lambda kv: (-kv[1], kv[0])):
            if i in used_i or j in used_j:
                continue
            # rivals: other candidates of either row not already matched to a closer partner
            others_i = [v for (a, b), v in close.items() if a == i and b != j and b not in used_j]
            others_j = [v for (a, b), v in close.items() if b == j and a != i and a not in used_i]
            if any(v > s for v in others_i + others_j):
                continue  # not the best for one of them: its own best pair decides
            if rivals(s, others_i) or rivals(s, others_j):
                cands_i = [names_r[b] for (a, b), v in close.items() if a == i and s - v <= AMBIGUITY_MARGIN]
                cands_j = [names_l[a] for (a, b), v in close.items() if b == j and s - v <= AMBIGUITY_MARGIN]
                notes_old.setdefault(i, "ambiguous: could be " + " or ".join(repr(c) for c in sorted(set(cands_i))))
                notes_new.setdefault(j, "ambiguous: could be " + " or ".join(repr(c) for c in sorted(set(cands_j))))
                continue
            pairs.append((i, j, s))
            used_i.add(i)
            used_j.add(j)
    return pairs, notes_old, notes_new


def match_rows(old: pd.DataFrame, new: pd.DataFrame):
    """Pair the rows of two rounds (frames with ``organism``, ``axis``, the compared fields and ``_key``).

    Returns ``(exact, fuzzy, notes_old, notes_new)``: pairs of index labels
    matched by name, triples ``(old, new, score)`` matched as rewordings, and
    the notes of the ambiguous rows on each side.  The frames are not modified.
    """
    exact = _pair_exact(old, new)
    paired_old, paired_new = {i for i, _ in exact}, {j for _, j in exact}
    fuzzy, notes_old, notes_new = _pair_fuzzy(old.drop(index=list(paired_old)), new.drop(index=list(paired_new)))
    return exact, fuzzy, notes_old, notes_new
