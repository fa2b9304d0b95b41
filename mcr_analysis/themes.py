"""Theme reconciliation: suggest which submitted wordings name the same theme (never merged automatically).

Each distinct theme (:func:`~mcr_analysis.taxonomy.theme_key`, which already
folds case, accents, punctuation and spacing and applies the accepted
synonyms) is read through the glossary (:mod:`mcr_analysis.glossary`) and
compared with the themes it shares a content word with (an inverted index,
never all pairs: prefix filtering).  Two themes are linked when their score reaches the
threshold; linked themes form a cluster (connected components), and a cluster
of two or more is a suggestion for the analyst to accept or refuse
(:mod:`mcr_analysis.themes_review`).  The methods, in the order a link is
credited to them (the ``method`` column):

``clave``
    Same words once folded, in any order (OpenRefine's fingerprint key collision).
``normalizacion``
    Same words after dropping stop words, making plurals singular, expanding
    acronyms (VUCE, INTERCOM, Mipymes) and joining multi-word forms.
``glosario``
    Same concepts once translated word by word to the glossary's pivots (Spanish,
    English, Portuguese), or similar enough only through that translation.
``similitud``
    Weighted overlap of the words (generic words like "sistema" weigh less),
    with misspelt words matched by edit distance (rapidfuzz).

The score of a pair is the weighted Jaccard index of their pivot sets:
shared weight over the weight of the union; a pivot the glossary does not know
matches a word of the other wording with a rapidfuzz ratio of at least
:data:`TYPO_RATIO`.

Examples
--------
>>> import pandas as pd
>>> tidy = pd.DataFrame({"organism": ["CAN", "SICA", "MERCOSUR", "AEC"],
...                      "theme": ["Pasos de frontera", "Pasos fronterizos", "Border crossings", "Turismo"]})
>>> s = suggest_themes(tidy)
>>> s[["cluster", "theme", "method", "suggested_canonical"]].to_dict("records")
[{'cluster': 1, 'theme': 'Pasos de frontera', 'method': 'glosario', 'suggested_canonical': 'Pasos de frontera'}, {'cluster': 1, 'theme': 'Border crossings', 'method': 'glosario', 'suggested_canonical': 'Pasos de frontera'}, {'cluster': 1, 'theme': 'Pasos fronterizos', 'method': 'glosario', 'suggested_canonical': 'Pasos de frontera'}]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from mcr_analysis import glossary as gl
from mcr_analysis.sets import theme_keys
from mcr_analysis.taxonomy import MCRDataError, normalize_label, theme_key

__all__ = ["SUGGESTION_COLUMNS", "DEFAULT_THRESHOLD", "TYPO_RATIO", "METHODS", "wordings", "pair_score",
           "candidate_pairs", "suggest_themes", "refused_pairs"]

SUGGESTION_COLUMNS = ["cluster", "theme", "organisms", "n_rows", "method", "score", "suggested_canonical",
                      "variants", "key"]
DEFAULT_THRESHOLD = 0.6
"""Weighted Jaccard index from which two themes are suggested together (chosen on the
training split of ``tests/data/theme_eval.tsv``; figures in ``docs/methods.md``)."""
TYPO_RATIO = 85.0
"""rapidfuzz ratio (0-100) from which two words the glossary does not know count as one."""
METHODS = ("clave", "normalizacion", "glosario", "similitud")
_CONTENT_WEIGHT = 0.5
"""Pivots of at least this weight are indexed for blocking; generic ones are not."""
_MAX_POSTING = 5000
"""A blocking key used by more distinct themes than this is dropped (degenerate data)."""


def wordings(tidy: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct theme (its key): display wording, submitted variants, organisms, rows.

    The display wording is the most submitted one (ties: alphabetical first), as
    :func:`mcr_analysis.sets.theme_labels`.

    Examples
    --------
    >>> t = pd.DataFrame({"organism": ["CAN", "SICA", "SICA"], "theme": ["Pasos", "pasos", "Ríos"]})
    >>> wordings(t).to_dict("records")
    [{'key': 'pasos', 'theme': 'Pasos', 'variants': 'Pasos | pasos', 'organisms': 'CAN;SICA', 'n_rows': 2}, {'key': 'rios', 'theme': 'Ríos', 'variants': 'Ríos', 'organisms': 'SICA', 'n_rows': 1}]
    """
    missing = [c for c in ("organism", "theme") if c not in tidy.columns]
    if missing:
        raise MCRDataError(f"tidy table lacks columns {missing}; expected the columns of mcr_tidy.csv")
    themes = tidy["theme"].fillna("").astype(str).str.strip()
    counts: dict[str, Counter] = defaultdict(Counter)
    orgs: dict[str, set] = defaultdict(set)
    for key, label, org in zip(theme_keys(themes).tolist(), themes.tolist(),
                               tidy["organism"].fillna("").astype(str).tolist()):
        if key:
            counts[key][label] += 1
            if org:
                orgs[key].add(org)
    cols = ["key", "theme", "variants", "organisms", "n_rows"]
    records = [{"key": key, "theme": min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0],
                "variants": " | ".join(sorted(c)), "organisms": ";".join(sorted(orgs[key])),
                "n_rows": sum(c.values())} for key, c in sorted(counts.items())]
    return pd.DataFrame(records, columns=cols).astype({"n_rows": "int64"})


def _fingerprint(text: str) -> tuple[str, ...]:
    return tuple(sorted(set(normalize_label(text).split())))


def _weighted_jaccard(a: gl.Analysis, b: gl.Analysis, g: gl.Glossary) -> float:
    """Shared weight over union weight of two pivot sets; unknown words match by typo ratio."""
    sa, sb = set(a.pivots), set(b.pivots)
    shared = sa & sb
    left = [t for t, k in zip(a.pivots, a.known) if t not in shared and not k]
    right = [t for t, k in zip(b.pivots, b.known) if t not in shared and not k]
    fuzzy = 0.0
    used: set[str] = set()
    for t in left:
        for u in right:
            if u not in used and fuzz.ratio(t, u) >= TYPO_RATIO:
                used.add(u)
                fuzzy += min(g.weight(t), g.weight(u))
                break
    w_shared = sum(g.weight(t) for t in shared) + fuzzy
    w_union = sum(g.weight(t) for t in sa | sb) - fuzzy
    return w_shared / w_union if w_union else 0.0


def pair_score(a: str, b: str, glossary: gl.Glossary | None = None) -> tuple[float, str]:
    """Score (0 to 1) and method of two theme wordings (see the module docstring).

    Examples
    --------
    >>> pair_score("Facilitación del comercio", "Trade facilitation")
    (1.0, 'glosario')
    >>> pair_score("Comercio, facilitación del", "Facilitación del comercio")
    (1.0, 'clave')
    >>> round(pair_score("Seguridad alimentaria", "Seguridad energética")[0], 3)
    0.333
    """
    g = glossary or gl.package_glossary()
    return _score(_fingerprint(a), _fingerprint(b), g.analyse(a), g.analyse(b), g)


def _score(fa: tuple, fb: tuple, ra: gl.Analysis, rb: gl.Analysis, g: gl.Glossary) -> tuple[float, str]:
    if fa == fb:
        return 1.0, "clave"
    score = _weighted_jaccard(ra, rb, g)
    if set(ra.forms) == set(rb.forms):
        return score, "normalizacion"
    if len(set(ra.pivots) & set(rb.pivots)) > len(set(ra.forms) & set(rb.forms)):
        return score, "glosario"
    return score, "similitud"


def candidate_pairs(analyses: list[gl.Analysis], glossary: gl.Glossary,
                    threshold: float = DEFAULT_THRESHOLD) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, of analyses whose score may reach ``threshold``; never all pairs.

    Prefix filtering: each analysis's pivots are ordered rarest first (by how
    many analyses use them) and only the shortest prefix whose remaining
    weight is below ``threshold`` times the total weight is indexed.  Two
    analyses whose weighted Jaccard index reaches the threshold share at least
    ``threshold`` times either's weight, so their rarest shared pivot lies in
    both prefixes: the blocking loses no such pair.  Words the glossary does
    not know are also indexed by their first four letters, so typos in them
    meet; a key used by more than :data:`_MAX_POSTING` analyses is dropped (a
    guard against degenerate data).
    """
    return set(map(tuple, _pair_array(_prefix_index(analyses, glossary, threshold), len(analyses)).tolist()))


def _prefix_index(analyses: list[gl.Analysis], glossary: gl.Glossary, threshold: float) -> dict[str, list[int]]:
    """Blocking key -> analyses indexed under it (see :func:`candidate_pairs`)."""
    df: dict[str, int] = defaultdict(int)
    for a in analyses:
        for t in set(a.pivots):
            df[t] += 1
    index: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(analyses):
        tokens = sorted(set(a.pivots), key=lambda t: (df[t], t))
        weights = [glossary.weight(t) for t in tokens]
        rest = sum(weights)
        bound = threshold * rest
        for t, w in zip(tokens, weights):
            if rest < bound:
                break
            index[t].append(i)
            rest -= w
        for t, k in zip(a.pivots, a.known):
            if not k and len(t) >= 5:
                index["~" + t[:4]].append(i)
    return index


def _pair_array(index: dict, n: int) -> np.ndarray:
    """Distinct pairs (i < j) of the posting lists of ``index``, sorted, as an (m, 2) array."""
    codes = []
    for ids in index.values():
        if 2 <= len(ids) <= _MAX_POSTING:
            arr = np.unique(np.asarray(ids, dtype=np.int64))
            x, y = np.triu_indices(len(arr), k=1)
            codes.append(arr[x] * n + arr[y])
    if not codes:
        return np.empty((0, 2), dtype=np.int64)
    flat = np.concatenate(codes)
    flat.sort()
    flat = flat[np.concatenate([[True], flat[1:] != flat[:-1]])]
    return np.stack([flat // n, flat % n], axis=1)


def _promising(analyses: list[gl.Analysis], g: gl.Glossary, pa: np.ndarray, threshold: float) -> np.ndarray:
    """The candidate pairs (rows of ``pa``) whose exact-pivot weighted Jaccard reaches ``threshold``
    (computed with numpy), plus those where both sides have words the glossary does not know (their
    typo matches can only add)."""
    if not len(pa):
        return pa
    vocab = {t: k for k, t in enumerate(sorted({t for a in analyses for t in a.pivots}))}
    wvec = np.array([g.weight(t) for t in vocab], dtype=float)
    unknown = np.array([not all(a.known) for a in analyses])
    score = gl.weighted_jaccard_pairs([a.pivots for a in analyses], vocab, wvec, pa)
    keep = (score >= threshold - 1e-9) | (unknown[pa[:, 0]] & unknown[pa[:, 1]])
    return pa[keep]


def refused_pairs(refusals: pd.DataFrame) -> set[frozenset]:
    """Theme-key pairs an analyst refused (``theme_refusals.tsv``): never suggested together again."""
    out = set()
    for v, c in zip(refusals.get("variant", ()), refusals.get("canonical", ())):
        kv, kc = theme_key(v), theme_key(c)
        if kv and kc and kv != kc:
            out.add(frozenset((kv, kc)))
    return out


class _Components:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _canonical_rank(row: dict, analysis: gl.Analysis) -> tuple:
    langs = analysis.langs
    spanish = langs["es"] >= max(langs["en"], langs["pt"]) and langs["es"] > 0
    return (not spanish, -int(row["n_rows"]), -len(row["organisms"].split(";")), len(row["theme"]),
            normalize_label(row["theme"]), row["theme"])


def suggest_themes(tidy: pd.DataFrame, reference_dir: str | Path | None = None,
                   threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Clusters of themes that may be one theme, one row per theme of a cluster of two or more.

    Parameters
    ----------
    tidy : pandas.DataFrame
        The tidy table (``organism``, ``theme``); not modified.
    reference_dir : str or Path, optional
        The project's ``data/reference`` folder: its ``glossary.tsv`` and
        ``acronyms.tsv`` extend the package glossary, and the pairs of its
        ``theme_refusals.tsv`` are never suggested again.  ``None``: the
        package glossary alone, no refusals.
    threshold : float
        Score from which two themes are linked.

    Returns
    -------
    pandas.DataFrame
        :data:`SUGGESTION_COLUMNS`: ``cluster`` (1, 2, … by canonical), ``theme``
        (the displayed wording), ``organisms`` (";"-joined ids), ``n_rows``,
        ``method`` and ``score`` of its strongest link in the cluster,
        ``suggested_canonical`` (Spanish first, then the most rows and
        organisms, then the shortest), ``variants`` (every submitted wording of
        the theme, " | "-joined) and ``key``.  Canonical first in each cluster,
        then by score.
    """
    if not 0 < threshold <= 1:
        raise MCRDataError(f"threshold {threshold!r}: expected a number in (0, 1]")
    g = gl.load_glossary(reference_dir)
    table = wordings(tidy)
    refused: set[frozenset] = set()
    if reference_dir is not None:
        from mcr_analysis.review import read_decisions
        from mcr_analysis.themes_review import DECISION_COLUMNS

        refused = refused_pairs(read_decisions(Path(reference_dir) / "theme_refusals.tsv", DECISION_COLUMNS))
    if table.empty:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    labels = table["theme"].tolist()
    keys = table["key"].tolist()
    records_in = table.to_dict("records")
    analyses = [g.analyse(t) for t in labels]
    best: dict[int, tuple[float, str]] = {}
    edges = []
    prints = [_fingerprint(t) for t in labels]
    blocked = _pair_array(_prefix_index(analyses, g, threshold), len(analyses))
    for i, j in _promising(analyses, g, blocked, threshold).tolist():
        if refused and frozenset((keys[i], keys[j])) in refused:
            continue
        score, method = _score(prints[i], prints[j], analyses[i], analyses[j], g)
        if score >= threshold:
            edges.append((i, j, score, method))
    comp = _Components(len(labels))
    for i, j, score, method in edges:
        comp.union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(labels)):
        groups[comp.find(i)].append(i)
    # A refused pair still joined through a third theme: the variant leaves the cluster.
    member_of = {i: root for root, ids in groups.items() for i in ids}
    position = {k: i for i, k in enumerate(keys)}
    for pair in refused:
        a, b = sorted(pair)
        ia, ib = position.get(a, -1), position.get(b, -1)
        if ia >= 0 and ib >= 0 and member_of[ia] == member_of[ib]:
            groups[member_of[ia]].remove(max(ia, ib))
            member_of[max(ia, ib)] = -1 - max(ia, ib)
    for i, j, score, method in edges:
        if member_of[i] == member_of[j]:
            for k in (i, j):
                if score > best.get(k, (-1.0, ""))[0]:
                    best[k] = (score, method)
    records = []
    clusters = [ids for ids in groups.values() if len(ids) >= 2]
    ranked = []
    for ids in clusters:
        canon = min(ids, key=lambda i: _canonical_rank(records_in[i], analyses[i]))
        ranked.append((normalize_label(labels[canon]), labels[canon], canon, ids))
    for number, (_, _, canon, ids) in enumerate(sorted(ranked), start=1):
        order = [canon] + sorted((i for i in ids if i != canon),
                                 key=lambda i: (-best.get(i, (0.0, ""))[0], normalize_label(labels[i])))
        for i in order:
            row = records_in[i]
            score, method = best.get(i, (0.0, ""))
            records.append({"cluster": number, "theme": row["theme"], "organisms": row["organisms"],
                            "n_rows": int(row["n_rows"]), "method": method, "score": round(score, 3),
                            "suggested_canonical": labels[canon], "variants": row["variants"],
                            "key": row["key"]})
    return pd.DataFrame(records, columns=SUGGESTION_COLUMNS)
