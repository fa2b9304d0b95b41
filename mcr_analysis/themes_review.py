"""The review loop of theme suggestions: the analyst's workbook and ``mcr themes apply``.

:func:`write_theme_review` writes ``mcr_theme_review.xlsx``: one row per
theme of a suggested cluster, an "aceptar" drop-down (sí / no) and an editable
canonical.  :func:`apply_theme_review` reads it back and records each decision
in the project's ``data/reference/``: an accepted theme becomes rows of
``theme_synonyms.tsv`` (every submitted variant -> the canonical), which
:func:`~mcr_analysis.taxonomy.theme_key` applies everywhere; a refused theme
becomes a row of ``theme_refusals.tsv``, and that pair is never suggested
again.  Undecided rows are left for a later round.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from mcr_analysis import review
from mcr_analysis.taxonomy import MCRDataError, normalize_label

__all__ = ["DECISION_COLUMNS", "REVIEW_HEADERS", "YES", "NO", "write_theme_review", "read_theme_review",
           "apply_theme_review", "ApplyResult"]

DECISION_COLUMNS = ["variant", "canonical", "date", "note"]
REVIEW_HEADERS = {
    "es": {"cluster": "grupo", "theme": "tema", "variants": "formas enviadas", "organisms": "organismos",
           "n_rows": "filas", "method": "método", "score": "puntuación",
           "suggested_canonical": "canónico sugerido", "accept": "aceptar", "canonical": "canónico",
           "note": "nota"},
    "en": {"cluster": "cluster", "theme": "theme", "variants": "submitted wordings", "organisms": "organisms",
           "n_rows": "rows", "method": "method", "score": "score",
           "suggested_canonical": "suggested canonical", "accept": "accept", "canonical": "canonical",
           "note": "note"},
}
YES = {"es": "sí", "en": "yes"}
NO = {"es": "no", "en": "no"}
METHOD_LABELS = {
    "es": {"clave": "misma clave", "normalizacion": "normalización", "glosario": "glosario (traducción)",
           "similitud": "similitud de palabras", "": ""},
    "en": {"clave": "same key", "normalizacion": "normalisation", "glosario": "glossary (translation)",
           "similitud": "word similarity", "": ""},
}


def write_theme_review(suggestions: pd.DataFrame, path: str | Path, lang: str = "es") -> Path:
    """Write the review workbook of :func:`mcr_analysis.themes.suggest_themes`' table (atomically).

    The "aceptar" cell starts empty (undecided) and the canonical starts as the
    suggested one; both are for the analyst to fill in.
    """
    if lang not in REVIEW_HEADERS:
        raise MCRDataError(f"unknown language {lang!r}; allowed: {', '.join(REVIEW_HEADERS)}")
    frame = suggestions.copy()
    frame["method"] = frame["method"].map(METHOD_LABELS[lang]).fillna(frame["method"])
    frame["accept"] = ""
    frame["canonical"] = frame["suggested_canonical"]
    frame["note"] = ""
    sheet = "Revisión de temas" if lang == "es" else "Theme review"
    return review.write_review_workbook(frame, path, REVIEW_HEADERS[lang], choice_column="accept",
                                        choices=(YES[lang], NO[lang]), sheet=sheet,
                                        editable=("canonical", "note"))


def read_theme_review(path: str | Path) -> pd.DataFrame:
    """The decisions of a reviewed workbook (Spanish or English headers), as text columns."""
    wanted = ["theme", "variants", "suggested_canonical", "accept", "canonical", "note"]
    headers = {c: tuple(REVIEW_HEADERS[lang][c] for lang in REVIEW_HEADERS) for c in wanted}
    frame = review.read_review_workbook(path, headers)
    answers = {v.casefold(): True for v in YES.values()} | {v.casefold(): False for v in NO.values()}
    answers |= {"si": True}
    bad = [f"row {i + 2}: {v!r}" for i, v in enumerate(frame["accept"])
           if v.strip() and v.strip().casefold() not in answers]
    if bad:
        raise MCRDataError(f"{Path(path).name}: aceptar must be {YES['es']!r}, {NO['es']!r} or empty; found "
                           + ", ".join(bad))
    frame["decision"] = [answers.get(v.strip().casefold()) for v in frame["accept"]]
    return frame


class ApplyResult(NamedTuple):
    """What :func:`apply_theme_review` recorded: counts and the files written."""

    accepted: int
    refused: int
    undecided: int
    synonyms: Path
    refusals: Path


def apply_theme_review(path: str | Path, reference_dir: str | Path, today: dt.date | None = None) -> ApplyResult:
    """Record the decisions of a reviewed workbook in ``reference_dir`` (see the module docstring).

    An accepted theme maps each of its submitted wordings (and the displayed
    one) to the canonical of its row, unless they already are the canonical.
    A refused theme records the pair (theme, suggested canonical); a refused
    canonical records a pair with each theme of its group not accepted.  A later
    decision on the same variant replaces an earlier one (a refusal is lifted
    when the pair is accepted, and the other way round).

    Raises
    ------
    MCRDataError
        The workbook is not a theme review, an "aceptar" value is not allowed, or
        an accepted row has an empty canonical (every such row named).
    """
    frame = read_theme_review(path)
    empty = [f"row {i + 2} ({t!r})" for i, (t, c, d) in
             enumerate(zip(frame["theme"], frame["canonical"], frame["decision"])) if d is True and not c.strip()]
    if empty:
        raise MCRDataError(f"{Path(path).name}: accepted rows with an empty canonical: {', '.join(empty)}")
    date = (today or dt.date.today()).isoformat()
    folder = Path(reference_dir)
    syn_path, ref_path = folder / "theme_synonyms.tsv", folder / "theme_refusals.tsv"
    synonyms = review.read_decisions(syn_path, DECISION_COLUMNS)
    refusals = review.read_decisions(ref_path, DECISION_COLUMNS)
    new_syn, new_ref = [], []
    counts = {True: 0, False: 0, None: 0}
    for row in frame.itertuples(index=False):
        counts[row.decision] += 1
        if row.decision is None:
            continue
        note = row.note.strip() or "mcr themes apply"
        if row.decision:
            canonical = row.canonical.strip()
            for variant in dict.fromkeys([row.theme] + [v.strip() for v in row.variants.split(" | ")]):
                if variant and normalize_label(variant) != normalize_label(canonical):
                    new_syn.append({"variant": variant, "canonical": canonical, "date": date, "note": note})
        elif normalize_label(row.theme) != normalize_label(row.suggested_canonical):
            new_ref.append({"variant": row.theme, "canonical": row.suggested_canonical, "date": date,
                            "note": note})
        else:  # the canonical row itself refused: it does not go with the group's other themes
            group = frame[(frame["suggested_canonical"] == row.suggested_canonical) & (frame["theme"] != row.theme)
                          & (frame["decision"] != True)]  # noqa: E712 (None, True or False)
            new_ref.extend({"variant": row.theme, "canonical": other, "date": date, "note": note}
                           for other in group["theme"])
    accepted_keys = {normalize_label(r["variant"]) for r in new_syn}
    refused_keys = {normalize_label(r["variant"]) for r in new_ref}
    synonyms = review.merge_decisions(synonyms, new_syn, DECISION_COLUMNS,
                                      key=lambda r: normalize_label(r["variant"]))
    synonyms = synonyms.loc[~synonyms["variant"].map(normalize_label).isin(refused_keys)]
    refusals = review.merge_decisions(refusals, new_ref, DECISION_COLUMNS,
                                      key=lambda r: (normalize_label(r["variant"]), normalize_label(r["canonical"])))
    refusals = refusals.loc[~refusals["variant"].map(normalize_label).isin(accepted_keys)]
    review.write_decisions(syn_path, synonyms, DECISION_COLUMNS)
    review.write_decisions(ref_path, refusals, DECISION_COLUMNS)
    return ApplyResult(counts[True], counts[False], counts[None], syn_path, ref_path)
