"""Word-level glossary of the MCR domain: a wording in Spanish, English or Portuguese to pivot words.

Themes and initiatives are written in three languages; no string similarity
bridges "Facilitación del comercio" and "Trade facilitation".  The glossary
(``mcr_analysis/data/glossary.tsv``: one row per concept, its ``pivot`` id and
its forms in each language) translates a wording word by word into pivot ids,
so that the two become ``{'facilitation', 'trade'}``.  On the way
(:meth:`Glossary.analyse`) the text is folded (:func:`~mcr_analysis.taxonomy.normalize_label`),
acronyms are expanded (``acronyms.tsv``: VUCE, INTERCOM, Mipymes…), plurals are
made singular, multi-word forms ("sin papel", "medio ambiente") are joined,
stop words (``stopwords.tsv``) are dropped and a misspelt word one or two edits
away from a known form is read as that form (rapidfuzz).  Words the glossary
does not know are kept as they are (singular), so two wordings in one language
still compare.

A project adds its own words in ``data/reference/glossary.tsv`` and
``data/reference/acronyms.tsv`` (same columns as the package tables; a new
form of an existing pivot joins it).

Examples
--------
>>> g = package_glossary()
>>> sorted(g.analyse("Facilitación del comercio").pivots)
['facilitation', 'trade']
>>> sorted(g.analyse("Trade facilitation").pivots) == sorted(g.analyse("Facilitação do comércio").pivots)
True
>>> g.analyse("Pasos fronterizos").pivots == g.analyse("Pasos de frontera").pivots
True
>>> g.analyse("Interoperabilidad de las VUCE").pivots
('interoperability', 'window', 'single', 'trade', 'foreign')
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from mcr_analysis.taxonomy import MCRDataError, normalize_label

__all__ = ["GLOSSARY_COLUMNS", "ACRONYM_COLUMNS", "STOPWORD_COLUMNS", "LANGS", "Analysis", "Glossary",
           "package_glossary", "load_glossary", "singular_candidates", "weighted_jaccard_pairs"]

GLOSSARY_COLUMNS = ["pivot", "es", "en", "pt", "weight", "domain"]
ACRONYM_COLUMNS = ["acronym", "expansion", "note"]
STOPWORD_COLUMNS = ["word", "lang", "note"]
LANGS = ("es", "en", "pt")
_PIVOT = re.compile(r"^[a-z0-9_]+$")
_FUZZY_MIN_LEN = 5
"""Words shorter than this are never read as a misspelling of a glossary form."""


class Analysis(NamedTuple):
    """A wording read through the glossary.

    ``pivots`` are the pivot ids (or the singular word when the glossary does
    not know it), in the wording's order, without repeats; ``known`` tells, for
    each, whether the glossary knew it; ``langs`` counts the languages of the
    known forms (``{"es": 2, "en": 0, "pt": 1}``); ``forms`` are the words
    before translation (singular, acronyms expanded, no stop words).
    """

    pivots: tuple[str, ...]
    known: tuple[bool, ...]
    langs: dict
    forms: tuple[str, ...] = ()


def singular_candidates(word: str) -> list[str]:
    """Singular forms a Spanish, Portuguese or English plural may come from, most specific first.

    Examples
    --------
    >>> singular_candidates("capacidades")
    ['capacidad', 'capacidade']
    >>> singular_candidates("regionais")[:1], singular_candidates("acciones")[-1]
    (['regional'], 'accione')
    >>> singular_candidates("paz")
    []
    """
    out = []
    if len(word) <= 3 or not word.endswith("s"):
        return out
    if word.endswith("ces"):
        out.append(word[:-3] + "z")
    if word.endswith("oes"):
        out.append(word[:-3] + "ao")
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    if word.endswith(("ais", "eis", "ois")):
        out.append(word[:-2] + "l")
    if word.endswith("ns"):
        out.append(word[:-2] + "m")
    out.append(word[:-1])
    if word.endswith("es"):
        out.insert(len(out) - 1, word[:-2])
    return list(dict.fromkeys(c for c in out if len(c) >= 2))


def _default_singular(word: str) -> str:
    """Singular of a word the glossary does not know (the plain Spanish and English rules)."""
    if len(word) <= 4 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("es") and word[-3] in "dlnrzj":
        return word[:-2]
    return word[:-1]


@dataclass(frozen=True)
class Glossary:
    """The glossary, acronyms and stop words, indexed for :meth:`analyse`.

    Build it with :func:`package_glossary` or :func:`load_glossary`.
    """

    words: dict
    phrases: dict
    weights: dict
    form_langs: dict
    acronyms: dict
    stopwords: frozenset
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def lemma(self, word: str) -> str:
        """The glossary form ``word`` stands for: itself, a singular, a near spelling, or its plain singular.

        Examples
        --------
        >>> g = package_glossary()
        >>> g.lemma("fronterizos"), g.lemma("comecio"), g.lemma("corredores"), g.lemma("cuencas")
        ('fronterizo', 'comercio', 'corredor', 'cuenca')
        """
        if word in self.stopwords:
            return word
        if word in self.words:
            # A plural listed in the glossary reads as its singular when that is listed too.
            for cand in singular_candidates(word):
                if self.words.get(cand) == self.words[word]:
                    return cand
            return word
        for cand in singular_candidates(word):
            if cand in self.words:
                return cand
        plain = _default_singular(word)
        if len(plain) >= _FUZZY_MIN_LEN and not plain.isdigit():
            cutoff = 1 if len(plain) < 9 else 2
            for cand in (word, plain):
                hit = process.extractOne(cand, self._forms(), scorer=Levenshtein.distance, score_cutoff=cutoff)
                if hit is not None:
                    return hit[0]
        return plain

    def _word(self, raw: str) -> tuple[str, ...]:
        """Lemmas of one whitespace-separated piece of text (folded, acronyms expanded); cached."""
        hit = self._cache.get("\x00" + raw)
        if hit is None:
            out = []
            for w in normalize_label(raw).split():
                out.extend(self.lemma(x) for x in self.acronyms.get(w, (w,)))
            hit = self._cache["\x00" + raw] = tuple(out)
        return hit

    def _phrase_starts(self) -> frozenset:
        starts = self._cache.get("\x01phrases")
        if starts is None:
            starts = self._cache["\x01phrases"] = frozenset(p[0] for p in self.phrases)
        return starts

    def _forms(self) -> list[str]:
        forms = self._cache.get("__forms__")
        if forms is None:
            forms = self._cache["__forms__"] = sorted(w for w in self.words if len(w) >= _FUZZY_MIN_LEN - 1)
        return forms

    def analyse(self, text: object) -> Analysis:
        """Read ``text`` through the glossary (see the module docstring); cached per text.

        Examples
        --------
        >>> package_glossary().analyse("Comercio sin papel").pivots
        ('trade', 'paperless')
        >>> package_glossary().analyse("Paperless trade").langs
        {'es': 0, 'en': 2, 'pt': 0}
        """
        key = str(text) if text is not None else ""
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        lemmas = []
        for raw in key.split():
            lemmas.extend(self._word(raw))
        pivots: list[str] = []
        known: list[bool] = []
        forms: list[str] = []
        langs = dict.fromkeys(LANGS, 0)
        i = 0
        starts = self._phrase_starts()
        while i < len(lemmas):
            for n in ((4, 3, 2) if lemmas[i] in starts else ()):
                pivot = self.phrases.get(tuple(lemmas[i:i + n])) if i + n <= len(lemmas) else None
                if pivot is not None:
                    form, i = " ".join(lemmas[i:i + n]), i + n
                    break
            else:
                form, i = lemmas[i], i + 1
                if form in self.stopwords:
                    continue
                pivot = self.words.get(form)
            for lang in self.form_langs.get(form, ()):
                langs[lang] += 1
            if form not in forms:
                forms.append(form)
            token = pivot or form
            if token not in pivots:
                pivots.append(token)
                known.append(pivot is not None)
        out = Analysis(tuple(pivots), tuple(known), langs, tuple(forms))
        if len(self._cache) < 500_000:
            self._cache[key] = out
        return out

    def weight(self, token: str) -> float:
        """Weight of a pivot in similarity (generic words like "sistema" weigh less); 1.0 if unknown."""
        return self.weights.get(token, 1.0)


def _read(source, name: str, columns: list[str]) -> list[dict]:
    """Rows of one TSV (package resource or project file), with its columns checked."""
    with source.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        if reader.fieldnames is None or [c.strip() for c in reader.fieldnames] != columns:
            raise MCRDataError(f"{name}: columns {reader.fieldnames}; expected exactly {columns}")
        return [{k: (v or "").strip() for k, v in row.items()} for row in reader]


def _forms(cell: str) -> list[str]:
    return [f.strip() for f in cell.split("|") if f.strip()]


def _build(glossary_rows, acronym_rows, stop_rows) -> Glossary:
    """Index the three tables, collecting every problem into one :class:`MCRDataError`."""
    problems: list[str] = []
    words: dict[str, str] = {}
    phrase_forms: dict[str, str] = {}
    weights: dict[str, float] = {}
    form_langs: dict[str, set] = {}
    seen_pivots: dict[str, str] = {}
    for name, line, row in glossary_rows:
        where = f"{name} row {line}"
        pivot = row["pivot"]
        if not _PIVOT.match(pivot):
            problems.append(f"{where}: pivot {pivot!r} is not lower-case letters, digits and _")
            continue
        if pivot in seen_pivots and seen_pivots[pivot] == name:
            problems.append(f"{where}: pivot {pivot!r} repeated (first in {name} row {line})")
            continue
        seen_pivots.setdefault(pivot, name)
        if row["weight"]:
            try:
                weight = float(row["weight"])
            except ValueError:
                weight = -1.0
            if not 0 < weight <= 1:
                problems.append(f"{where}: weight {row['weight']!r} of {pivot!r}; expected a number in (0, 1]")
                continue
            weights[pivot] = weight
        elif pivot not in weights:
            if name.startswith("package"):
                problems.append(f"{where}: empty weight of {pivot!r}; expected a number in (0, 1]")
            weights[pivot] = 1.0
        n_forms = 0
        for lang in LANGS:
            forms = _forms(row[lang])
            if not forms and name.startswith("package"):
                problems.append(f"{where}: pivot {pivot!r} has no {lang} form")
            for form in forms:
                key = normalize_label(form)
                if not key:
                    problems.append(f"{where}: {lang} form {form!r} of {pivot!r} has no letters")
                    continue
                n_forms += 1
                target = phrase_forms if " " in key else words
                if target.get(key, pivot) != pivot:
                    problems.append(f"{where}: form {form!r} ({lang}) of {pivot!r} already means "
                                    f"{target[key]!r}; a form must mean one pivot")
                    continue
                target[key] = pivot
                form_langs.setdefault(key, set()).add(lang)
        if not n_forms:
            problems.append(f"{where}: pivot {pivot!r} has no form in any of {', '.join(LANGS)}")
    stopwords = set()
    for name, line, row in stop_rows:
        word = normalize_label(row["word"])
        langs = set(_forms(row["lang"]))
        if not word or " " in word or not langs or not langs <= set(LANGS):
            problems.append(f"{name} row {line}: stop word {row['word']!r} with lang {row['lang']!r}; "
                            f"expected one word and languages among {', '.join(LANGS)}")
        elif word in stopwords:
            problems.append(f"{name} row {line}: stop word {row['word']!r} repeated")
        elif word in words:
            problems.append(f"{name} row {line}: stop word {row['word']!r} is also a glossary form of "
                            f"{words[word]!r}")
        stopwords.add(word)
    acronyms: dict[str, tuple[str, ...]] = {}
    for name, line, row in acronym_rows:
        acro, expansion = normalize_label(row["acronym"]), normalize_label(row["expansion"])
        if not acro or " " in acro or not expansion:
            problems.append(f"{name} row {line}: acronym {row['acronym']!r} -> {row['expansion']!r}; "
                            "expected one word and a non-empty expansion")
            continue
        if acro in acronyms and name.startswith("package"):
            problems.append(f"{name} row {line}: acronym {row['acronym']!r} repeated")
        acronyms[acro] = tuple(expansion.split())
    if problems:
        raise MCRDataError("glossary tables: " + "; ".join(problems))
    known = set(words)
    lemma_of = Glossary(words, {}, weights, {}, {}, frozenset(stopwords)).lemma
    phrases = {}
    for key, pivot in phrase_forms.items():
        parts = [w if w in known else lemma_of(w) for w in key.split()]
        phrases[tuple(parts)] = pivot
        form_langs[" ".join(parts)] = form_langs.get(key, set())
    return Glossary(words, phrases, weights, {k: tuple(sorted(v)) for k, v in form_langs.items()},
                    acronyms, frozenset(stopwords))


def _rows(name: str, source, columns: list[str]) -> list[tuple[str, int, dict]]:
    return [(name, i, row) for i, row in enumerate(_read(source, name, columns), start=2)]


def _package_rows(table: str, columns: list[str]):
    return _rows(f"package {table}", resources.files("mcr_analysis.data").joinpath(table), columns)


@functools.cache
def package_glossary() -> Glossary:
    """The glossary of the package tables alone (cached).

    Examples
    --------
    >>> package_glossary().weight("system") < package_glossary().weight("trade")
    True
    """
    return _build(_package_rows("glossary.tsv", GLOSSARY_COLUMNS), _package_rows("acronyms.tsv", ACRONYM_COLUMNS),
                  _package_rows("stopwords.tsv", STOPWORD_COLUMNS))


def load_glossary(reference_dir: str | Path | None = None) -> Glossary:
    """The package glossary extended with a project's ``glossary.tsv`` and ``acronyms.tsv``.

    Parameters
    ----------
    reference_dir : str or Path, optional
        The project's ``data/reference`` folder; ``None`` or a folder without
        those files gives :func:`package_glossary`.

    Raises
    ------
    MCRDataError
        A project table has other columns, or a form that already means
        another pivot (every problem listed, with file and row).
    """
    if reference_dir is None:
        return package_glossary()
    folder = Path(reference_dir)
    gl, ac = folder / "glossary.tsv", folder / "acronyms.tsv"
    if not gl.is_file() and not ac.is_file():
        return package_glossary()
    return _cached(str(gl), _stamp(gl), str(ac), _stamp(ac))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=8)
def _cached(gl: str, gl_stamp, ac: str, ac_stamp) -> Glossary:
    g_rows = _package_rows("glossary.tsv", GLOSSARY_COLUMNS)
    if gl_stamp is not None:
        g_rows += _rows(gl, Path(gl), GLOSSARY_COLUMNS)
    a_rows = _package_rows("acronyms.tsv", ACRONYM_COLUMNS)
    if ac_stamp is not None:
        a_rows += _rows(ac, Path(ac), ACRONYM_COLUMNS)
    return _build(g_rows, a_rows, _package_rows("stopwords.tsv", STOPWORD_COLUMNS))


def weighted_jaccard_pairs(sets: list, vocab: dict, weights, pairs):
    """Weighted Jaccard of the token sets of each pair, with numpy.

    Parameters
    ----------
    sets : list of collections of str
        The tokens (pivots) of each item; an item's tokens are distinct.
    vocab : dict
        Token -> its index in ``weights``; every token of ``sets`` is in it.
    weights : array-like of float
        Weight of each token.
    pairs : numpy.ndarray
        Integer array of shape (n, 2): the items compared.

    Returns
    -------
    numpy.ndarray
        For each pair, the weight of the shared tokens over the weight of their
        union (0 when the union weighs nothing).

    Examples
    --------
    >>> import numpy as np
    >>> sets = [["agua", "riego"], ["riego", "suelo"], []]
    >>> vocab = {"agua": 0, "riego": 1, "suelo": 2}
    >>> weighted_jaccard_pairs(sets, vocab, [1.0, 2.0, 1.0], np.array([[0, 1], [0, 2]])).tolist()
    [0.5, 0.0]
    """
    import numpy as np

    weights = np.asarray(weights, dtype=float)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    lens = np.array([len(x) for x in sets], dtype=np.int64)
    flat = np.array([vocab[t] for x in sets for t in x], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lens)])
    total = np.bincount(np.repeat(np.arange(len(sets)), lens), weights=weights[flat], minlength=len(sets))
    v = len(vocab)

    def side(col: np.ndarray) -> np.ndarray:
        n_tok = lens[col]
        starts = np.repeat(offsets[col], n_tok)
        within = np.arange(n_tok.sum()) - np.repeat(np.cumsum(n_tok) - n_tok, n_tok)
        return np.repeat(np.arange(len(col)), n_tok) * v + flat[starts + within]

    # A token of a pair is shared when its code (pair, token) occurs on both sides.
    codes = np.concatenate([side(pairs[:, 0]), side(pairs[:, 1])])
    codes.sort()
    dup = codes[1:][codes[1:] == codes[:-1]]
    shared = np.bincount(dup // v, weights=weights[dup % v], minlength=len(pairs))
    union = total[pairs[:, 0]] + total[pairs[:, 1]] - shared
    return np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
