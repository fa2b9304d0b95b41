"""Duplicate and related initiatives across organisms, as candidates for an analyst to review.

Every initiative (one tidy row: its name and description) is read through the
glossary (:mod:`mcr_analysis.glossary`: Spanish, English and Portuguese words
to pivots, acronyms expanded, plurals singular, stop words out).  Pivots are
weighted by their rarity in the table (inverse document frequency) times their
glossary weight.  Initiatives of different organisms are compared within an
axis and across axes and criteria, but only when they share a rare pivot
(blocking on an inverted index of pivots used by at most
:data:`MAX_POSTING` initiatives; each initiative keeps its
:data:`PER_INITIATIVE` best candidates): the cost grows with the table, not with
its square.

The score of a pair is the mean of two weighted Jaccard indices: of the
pivots of the names, and of the pivots of name and description together;
halved when both names carry a title in quotes and the titles differ (two
differently named events or works).  A
pair scoring at least :data:`DEFAULT_THRESHOLD` is a candidate; its
``relation`` guess is

``coordinated``
    each side names the other's organism as a partner (``partner_ids`` when the
    tidy table has it, else organism names found in ``partners``): known joint
    work, kept apart from duplicated work;
``joint_event``
    both are the same named event (same title in quotes, or two meetings with
    one meeting's name contained in the other's, weighted overlap at least 0.8):
    one event several organisms reported;
``duplicate``
    score at least :data:`DUPLICATE_SCORE`: probably the same work done twice;
``related``
    otherwise: related work worth a look.

Decisions an analyst recorded (``data/reference/duplicate_decisions.tsv``,
written by :mod:`mcr_analysis.duplicates_review`) carry over: a pair marked
different is not suggested again; the others show the decision.

Examples
--------
>>> import pandas as pd
>>> tidy = pd.DataFrame({
...     "organism": ["CAN", "SICA", "AEC"], "axis": ["transfronteriza"] * 3,
...     "criterion": ["proyectos", "proyectos", "reuniones"],
...     "theme": ["Interoperabilidad", "Facilitación del comercio", "Transporte marítimo"],
...     "initiative": ["Interoperabilidad de las VUCE andinas", "Interoperabilidad de ventanillas únicas",
...                    "Foro de transporte marítimo"],
...     "description": ["", "", ""], "partners": ["", "", ""],
...     "source_file": ["can.xlsx", "sica.xlsx", "aec.xlsx"], "source_row": [4, 7, 2]})
>>> out = find_duplicates(tidy)
>>> out[["organism_a", "organism_b", "score", "relation", "shared_words"]].to_dict("records")
[{'organism_a': 'CAN', 'organism_b': 'SICA', 'score': 0.333, 'relation': 'related', 'shared_words': 'interoperabilidad, ventanilla, unica'}]
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from mcr_analysis import glossary as gl
from mcr_analysis import taxonomy
from mcr_analysis.taxonomy import MCRDataError, normalize_label

__all__ = ["DUPLICATE_COLUMNS", "RELATIONS", "DEFAULT_THRESHOLD", "DUPLICATE_SCORE", "MAX_POSTING",
           "PER_INITIATIVE", "find_duplicates", "partner_sets", "pair_key"]

DUPLICATE_COLUMNS = [
    "organism_a", "source_file_a", "source_row_a", "axis_a", "criterion_a", "theme_a", "initiative_a",
    "organism_b", "source_file_b", "source_row_b", "axis_b", "criterion_b", "theme_b", "initiative_b",
    "score", "shared_words", "relation", "decision",
]
RELATIONS = ("duplicate", "related", "joint_event", "coordinated")
DEFAULT_THRESHOLD = 0.2
"""Score from which a pair is a candidate (chosen on the training split of
``tests/data/duplicate_eval.tsv``; figures in ``docs/methods.md``)."""
DUPLICATE_SCORE = 0.5
"""Score from which a candidate is guessed to be the same work."""
MAX_POSTING = 100
"""Pivots used by more initiatives than this are too common to block on."""
PER_INITIATIVE = 8
"""Candidates kept per initiative before scoring (the best by shared rare weight)."""
TITLE_RATIO = 90
"""rapidfuzz token-set ratio from which two quoted titles name the same event or work."""
_NEEDED = ["organism", "axis", "criterion", "theme", "initiative", "source_file", "source_row"]
_QUOTED = re.compile(r"[“\"«]([^”\"»]{6,})[”\"»]")
_SPLIT = re.compile(r"\s*(?:[;,/]|\by\b|\band\b|\be\b)\s*")


def partner_sets(tidy: pd.DataFrame) -> list[frozenset[str]]:
    """Organism ids each row names as partners: ``partner_ids`` if present, else names in ``partners``.

    Examples
    --------
    >>> [sorted(s) for s in partner_sets(pd.DataFrame({"partners": ["CAN; SELA", "Comunidad Andina y SICA", ""]}))]
    [['CAN', 'SELA'], ['CAN', 'SICA'], []]
    >>> [sorted(s) for s in partner_sets(pd.DataFrame({"partners": ["x"], "partner_ids": ["AEC;SELA"]}))]
    [['AEC', 'SELA']]
    """
    if "partner_ids" in tidy.columns:
        return [frozenset(p for p in str(v).split(";") if p.strip()) for v in tidy["partner_ids"].fillna("")]
    if "partners" not in tidy.columns:
        return [frozenset()] * len(tidy)
    vocab = taxonomy.organisms()
    cache: dict[str, frozenset] = {}
    out = []
    for value in tidy["partners"].fillna("").astype(str):
        if value not in cache:
            ids = set()
            for part in _SPLIT.split(value):
                if part.strip():
                    m = vocab.match(part)
                    if m.id:
                        ids.add(m.id)
            cache[value] = frozenset(ids)
        out.append(cache[value])
    return out


def pair_key(organism_a: str, initiative_a: str, organism_b: str, initiative_b: str) -> tuple:
    """Order-free identity of a pair across rounds: organisms and folded initiative names."""
    a = (str(organism_a), normalize_label(initiative_a))
    b = (str(organism_b), normalize_label(initiative_b))
    return tuple(sorted((a, b)))


def _jaccard(a: frozenset, b: frozenset, w: dict) -> float:
    shared = sum(w.get(t, 0.0) for t in a & b)
    union = sum(w.get(t, 0.0) for t in a | b)
    return shared / union if union else 0.0


def _overlap(a: frozenset, b: frozenset, w: dict) -> float:
    """Weighted overlap coefficient: shared weight over the lighter side's weight."""
    small = min(sum(w.get(t, 0.0) for t in a), sum(w.get(t, 0.0) for t in b))
    return sum(w.get(t, 0.0) for t in a & b) / small if small else 0.0


def _title(text: str) -> str:
    m = _QUOTED.search(text)
    return normalize_label(m.group(1)) if m else ""


def _shared_words(g: gl.Glossary, analysis: gl.Analysis, shared: set) -> str:
    words = []
    for form in analysis.forms:
        pivot = g.words.get(form) or g.phrases.get(tuple(form.split())) or form
        if pivot in shared and form not in words:
            words.append(form)
    return ", ".join(words[:8])


def find_duplicates(tidy: pd.DataFrame, reference_dir: str | Path | None = None,
                    threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Candidate pairs of initiatives of different organisms that may be the same or related work.

    Parameters
    ----------
    tidy : pandas.DataFrame
        The tidy table; not modified.  Needs ``organism, axis, criterion,
        theme, initiative, source_file, source_row``; uses ``description``,
        ``partners`` (or ``partner_ids``) when present.
    reference_dir : str or Path, optional
        The project's ``data/reference``: its glossary extensions and
        ``duplicate_decisions.tsv``.  ``None``: package glossary, no decisions.
    threshold : float
        Score from which a pair is listed.

    Returns
    -------
    pandas.DataFrame
        :data:`DUPLICATE_COLUMNS`, one row per pair (``a`` is the organism first
        in alphabetical order); duplicated and related work first, by score,
        then joint events and coordinated work.  ``decision`` is the analyst's
        earlier decision (``same``, ``related``) or ``""``.
    """
    missing = [c for c in _NEEDED if c not in tidy.columns]
    if missing:
        raise MCRDataError(f"tidy table lacks columns {missing}; expected the columns of mcr_tidy.csv, "
                           f"at least {_NEEDED}")
    if not 0 < threshold <= 1:
        raise MCRDataError(f"threshold {threshold!r}: expected a number in (0, 1]")
    g = gl.load_glossary(reference_dir)
    decisions: dict[tuple, str] = {}
    if reference_dir is not None:
        from mcr_analysis.duplicates_review import read_duplicate_decisions

        decisions = read_duplicate_decisions(Path(reference_dir))
    text = lambda c: (tidy[c].fillna("").astype(str).tolist() if c in tidy.columns  # noqa: E731
                      else [""] * len(tidy))
    orgs, names, descs = text("organism"), text("initiative"), text("description")
    crits = text("criterion")
    n = len(tidy)
    name_an = [g.analyse(x) for x in names]
    full_an = [g.analyse(f"{x} {d}") for x, d in zip(names, descs)]
    name_sets = [frozenset(a.pivots) for a in name_an]
    full_sets = [frozenset(a.pivots) | s for a, s in zip(full_an, name_sets)]
    df: dict[str, int] = defaultdict(int)
    for s in full_sets:
        for t in s:
            df[t] += 1
    weight = {t: math.log((n + 1) / c) * g.weight(t) for t, c in df.items()}
    pairs = _candidates(full_sets, orgs, weight)
    partners = partner_sets(tidy)
    titles = [_title(x) for x in names]
    folded = [normalize_label(x) for x in names] if decisions else [""] * n
    records = []
    # The score needs titles only when both have one: the untitled bound prunes most pairs in numpy.
    bound = _vector_scores(pairs, name_sets, full_sets, weight)
    for (i, j), upper in zip(pairs, bound.tolist()):
        if upper < threshold - 1e-9:
            continue
        score = 0.5 * _jaccard(name_sets[i], name_sets[j], weight) + 0.5 * _jaccard(full_sets[i], full_sets[j], weight)
        if titles[i] and titles[j] and fuzz.token_set_ratio(titles[i], titles[j]) < TITLE_RATIO:
            score *= 0.5  # two differently titled events or works ("Reunión … “Cadenas”" / "… “Energía”")
        if score < threshold:
            continue
        a, b = (i, j) if (orgs[i], i) <= (orgs[j], j) else (j, i)
        key = tuple(sorted(((orgs[a], folded[a]), (orgs[b], folded[b]))))  # pair_key, folded once per row
        decision = decisions.get(key, "")
        if decision == "different":
            continue
        if orgs[b] in partners[a] and orgs[a] in partners[b]:
            relation = "coordinated"
        elif (titles[a] and titles[b] and fuzz.token_set_ratio(titles[a], titles[b]) >= TITLE_RATIO) or (
                crits[a] == crits[b] == "reuniones" and _overlap(name_sets[a], name_sets[b], weight) >= 0.8):
            relation = "joint_event"
        elif score >= DUPLICATE_SCORE:
            relation = "duplicate"
        else:
            relation = "related"
        records.append((a, b, round(score, 3), _shared_words(g, full_an[a], set(full_sets[a] & full_sets[b])),
                        relation, decision))
    return _table(tidy, records)


def _vector_scores(pairs: list[tuple[int, int]], name_sets: list[frozenset], full_sets: list[frozenset],
                   weight: dict) -> np.ndarray:
    """Mean of the name and the name-and-description weighted Jaccard of every pair, with numpy."""
    if not pairs:
        return np.empty(0)
    vocab = {t: k for k, t in enumerate(weight)}
    wvec = np.array([weight[t] for t in vocab], dtype=float)
    pa = np.asarray(pairs, dtype=np.int64)
    out = np.zeros(len(pa))
    for sets in (name_sets, full_sets):
        out += 0.5 * gl.weighted_jaccard_pairs(sets, vocab, wvec, pa)
    return out


def _candidates(sets: list[frozenset], orgs: list[str], weight: dict) -> list[tuple[int, int]]:
    """Blocking: pairs of different organisms sharing a pivot of at most MAX_POSTING initiatives."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for t in s:
            postings[t].append(i)
    left, right, w = [], [], []
    for t, ids in postings.items():
        if len(ids) < 2 or len(ids) > MAX_POSTING:
            continue
        arr = np.asarray(ids, dtype=np.int64)
        x, y = np.triu_indices(len(arr), k=1)
        left.append(arr[x])
        right.append(arr[y])
        w.append(np.full(len(x), weight[t]))
    if not left:
        return []
    li, ri, wi = np.concatenate(left), np.concatenate(right), np.concatenate(w)
    org_codes = pd.factorize(pd.Series(orgs))[0]
    keep = org_codes[li] != org_codes[ri]
    li, ri, wi = li[keep], ri[keep], wi[keep]
    n = len(sets)
    code = li * n + ri
    uniq, inverse = np.unique(code, return_inverse=True)
    shared = np.bincount(inverse, weights=wi)
    a, b = uniq // n, uniq % n
    # Each initiative keeps its PER_INITIATIVE best partners by shared rare weight.
    both = pd.DataFrame({"i": np.concatenate([a, b]), "j": np.concatenate([b, a]),
                         "w": np.concatenate([shared, shared])})
    both = both.sort_values(["i", "w", "j"], ascending=[True, False, True], kind="mergesort")
    top = both.groupby("i", sort=False).head(PER_INITIATIVE)
    lo, hi = np.minimum(top["i"], top["j"]), np.maximum(top["i"], top["j"])
    return sorted(set(zip(lo.tolist(), hi.tolist())))


def _table(tidy: pd.DataFrame, records: list[tuple]) -> pd.DataFrame:
    if not records:
        return pd.DataFrame(columns=DUPLICATE_COLUMNS)
    cols = ["organism", "source_file", "source_row", "axis", "criterion", "theme", "initiative"]
    base = pd.DataFrame({c: tidy[c].fillna("").astype(str).to_numpy() for c in cols})
    a = base.iloc[[r[0] for r in records]].reset_index(drop=True).add_suffix("_a")
    b = base.iloc[[r[1] for r in records]].reset_index(drop=True).add_suffix("_b")
    out = pd.concat([a, b], axis=1)
    out["score"] = [r[2] for r in records]
    out["shared_words"] = [r[3] for r in records]
    out["relation"] = [r[4] for r in records]
    out["decision"] = [r[5] for r in records]
    out["_apart"] = out["relation"].isin(["joint_event", "coordinated"])
    out = out.sort_values(["_apart", "score", "organism_a", "organism_b", "source_file_a", "source_row_a",
                           "source_file_b", "source_row_b"],
                          ascending=[True, False, True, True, True, True, True, True], kind="mergesort")
    return out[DUPLICATE_COLUMNS].reset_index(drop=True)
