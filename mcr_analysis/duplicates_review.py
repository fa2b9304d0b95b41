"""The review loop of duplicate candidates: the analyst's workbook and ``mcr duplicates apply``.

:func:`write_duplicate_review` writes ``mcr_duplicate_review.xlsx``: one row
per candidate pair, both initiatives side by side and a "decisión" drop-down
(misma acción / relacionada / distinta).  :func:`apply_duplicate_review`
records the decisions in the project's ``data/reference/duplicate_decisions.tsv``,
keyed by organisms and folded initiative names, so they carry over to later
rounds: a pair marked "distinta" is not suggested again.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from mcr_analysis import review
from mcr_analysis.duplicates import pair_key
from mcr_analysis.taxonomy import MCRDataError, axis_label, criterion_label

__all__ = ["DECISION_COLUMNS", "DECISIONS", "RELATION_LABELS", "REVIEW_HEADERS", "write_duplicate_review",
           "read_duplicate_decisions", "apply_duplicate_review", "ApplyResult"]

DECISION_COLUMNS = ["organism_a", "initiative_a", "organism_b", "initiative_b", "decision", "date", "note"]
DECISIONS = {
    "es": {"same": "misma acción", "related": "relacionada", "different": "distinta"},
    "en": {"same": "same action", "related": "related", "different": "different"},
}
RELATION_LABELS = {
    "es": {"duplicate": "posible duplicación", "related": "relacionada", "joint_event": "mismo evento conjunto",
           "coordinated": "ya coordinada (socios mutuos)"},
    "en": {"duplicate": "possible duplication", "related": "related", "joint_event": "one joint event",
           "coordinated": "already coordinated (mutual partners)"},
}
REVIEW_HEADERS = {
    "es": {"organism_a": "organismo A", "initiative_a": "iniciativa A", "axis_a": "eje A", "criterion_a": "criterio A",
           "theme_a": "tema A", "organism_b": "organismo B", "initiative_b": "iniciativa B", "axis_b": "eje B",
           "criterion_b": "criterio B", "theme_b": "tema B", "score": "puntuación",
           "shared_words": "palabras comunes", "relation": "relación sugerida", "decision": "decisión",
           "note": "nota", "source_a": "origen A", "source_b": "origen B"},
    "en": {"organism_a": "organism A", "initiative_a": "initiative A", "axis_a": "axis A", "criterion_a": "criterion A",
           "theme_a": "theme A", "organism_b": "organism B", "initiative_b": "initiative B", "axis_b": "axis B",
           "criterion_b": "criterion B", "theme_b": "theme B", "score": "score",
           "shared_words": "shared words", "relation": "suggested relation", "decision": "decision",
           "note": "note", "source_a": "source A", "source_b": "source B"},
}


def write_duplicate_review(candidates: pd.DataFrame, path: str | Path, lang: str = "es") -> Path:
    """Write the review workbook of :func:`mcr_analysis.duplicates.find_duplicates`' table (atomically)."""
    if lang not in REVIEW_HEADERS:
        raise MCRDataError(f"unknown language {lang!r}; allowed: {', '.join(REVIEW_HEADERS)}")
    frame = candidates.copy()
    for side in ("a", "b"):
        frame[f"axis_{side}"] = frame[f"axis_{side}"].map(lambda v: axis_label(v, lang) if v else "")
        frame[f"criterion_{side}"] = frame[f"criterion_{side}"].map(lambda v: criterion_label(v, lang) if v else "")
        frame[f"source_{side}"] = frame[f"source_file_{side}"] + ":" + frame[f"source_row_{side}"].astype(str)
    frame["relation"] = frame["relation"].map(RELATION_LABELS[lang])
    frame["decision"] = frame["decision"].map(lambda d: DECISIONS[lang].get(d, "") if d else "")
    frame["note"] = ""
    sheet = "Revisión de duplicaciones" if lang == "es" else "Duplicate review"
    return review.write_review_workbook(frame, path, REVIEW_HEADERS[lang], choice_column="decision",
                                        choices=tuple(DECISIONS[lang].values()), sheet=sheet,
                                        editable=("note",))


def read_duplicate_decisions(reference_dir: str | Path) -> dict[tuple, str]:
    """The recorded decisions, :func:`~mcr_analysis.duplicates.pair_key` -> ``same``/``related``/``different``."""
    frame = review.read_decisions(Path(reference_dir) / "duplicate_decisions.tsv", DECISION_COLUMNS)
    bad = sorted(set(frame["decision"]) - set(DECISIONS["en"]))
    if bad:
        raise MCRDataError(f"duplicate_decisions.tsv: decisions {bad}; expected {', '.join(DECISIONS['en'])}")
    return {pair_key(a, ia, b, ib): d for a, ia, b, ib, d in
            zip(frame["organism_a"], frame["initiative_a"], frame["organism_b"], frame["initiative_b"],
                frame["decision"])}


class ApplyResult(NamedTuple):
    """What :func:`apply_duplicate_review` recorded."""

    decided: int
    undecided: int
    path: Path


def apply_duplicate_review(path: str | Path, reference_dir: str | Path, today: dt.date | None = None) -> ApplyResult:
    """Record the decisions of a reviewed duplicate workbook; a later decision on a pair replaces an earlier one.

    Raises
    ------
    MCRDataError
        The workbook is not a duplicate review, or a decision is not one of the
        drop-down values (every such row named).
    """
    cols = ["organism_a", "initiative_a", "organism_b", "initiative_b", "decision", "note"]
    headers = {c: tuple(REVIEW_HEADERS[lang][c] for lang in REVIEW_HEADERS) for c in cols}
    frame = review.read_review_workbook(path, headers)
    answers = {v.casefold(): k for lang in DECISIONS for k, v in DECISIONS[lang].items()}
    bad = [f"row {i + 2}: {v!r}" for i, v in enumerate(frame["decision"]) if v and v.casefold() not in answers]
    if bad:
        raise MCRDataError(f"{Path(path).name}: decisión must be one of "
                           f"{', '.join(DECISIONS['es'].values())} or empty; found " + ", ".join(bad))
    target = Path(reference_dir) / "duplicate_decisions.tsv"
    old = review.read_decisions(target, DECISION_COLUMNS)
    date = (today or dt.date.today()).isoformat()
    new = [{"organism_a": r.organism_a, "initiative_a": r.initiative_a, "organism_b": r.organism_b,
            "initiative_b": r.initiative_b, "decision": answers[r.decision.casefold()], "date": date,
            "note": r.note or "mcr duplicates apply"}
           for r in frame.itertuples(index=False) if r.decision]
    merged = review.merge_decisions(old, new, DECISION_COLUMNS, key=lambda r: pair_key(
        r["organism_a"], r["initiative_a"], r["organism_b"], r["initiative_b"]))
    review.write_decisions(target, merged, DECISION_COLUMNS)
    return ApplyResult(len(new), len(frame) - len(new), target)
