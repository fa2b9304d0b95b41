"""Precision and recall of theme suggestions and duplicate candidates on the labelled sets in tests/data."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent / "data"


def theme_eval(split: str) -> pd.DataFrame:
    """Rows of tests/data/theme_eval.tsv of one split ("train" or "heldout")."""
    frame = pd.read_csv(DATA / "theme_eval.tsv", sep="\t", dtype=str, keep_default_na=False)
    return frame[frame["split"] == split].reset_index(drop=True)


def true_theme_pairs(rows: pd.DataFrame) -> set[frozenset]:
    """Pairs of wordings labelled as one theme."""
    out = set()
    for _, group in rows.groupby("group"):
        out.update(frozenset(p) for p in combinations(sorted(set(group["theme"])), 2))
    return out


def predicted_theme_pairs(suggestions: pd.DataFrame) -> set[frozenset]:
    """Pairs of wordings suggested in the same cluster (every submitted variant counts)."""
    out = set()
    for _, group in suggestions.groupby("cluster"):
        wordings = sorted({v for vs in group["variants"] for v in vs.split(" | ")})
        out.update(frozenset(p) for p in combinations(wordings, 2))
    return out


def precision_recall(predicted: set, truth: set) -> tuple[float, float]:
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall


def duplicate_eval(split: str) -> pd.DataFrame:
    """Rows of tests/data/duplicate_eval.tsv of one split, shaped like tidy rows (source_row = position)."""
    frame = pd.read_csv(DATA / "duplicate_eval.tsv", sep="\t", dtype=str, keep_default_na=False)
    frame = frame[frame["split"] == split].reset_index(drop=True)
    frame["source_file"] = "eval_" + split + ".xlsx"
    frame["source_row"] = (frame.index + 2).astype(str)
    return frame


def true_duplicate_pairs(rows: pd.DataFrame) -> set[frozenset]:
    """Pairs of rows (source_row) of different organisms labelled as the same work or event."""
    out = set()
    for _, group in rows.groupby("group"):
        for (_, x), (_, y) in combinations(group.iterrows(), 2):
            if x["organism"] != y["organism"]:
                out.add(frozenset((x["source_row"], y["source_row"])))
    return out


def top_k_pairs(candidates: pd.DataFrame, k: int) -> list[frozenset]:
    """The ``k`` best-scored candidate pairs (by score, whatever the relation guess)."""
    ranked = candidates.sort_values("score", ascending=False, kind="mergesort").head(k)
    return [frozenset((a, b)) for a, b in zip(ranked["source_row_a"], ranked["source_row_b"])]
