"""Controlled vocabulary of the MCR: organisms, axes, criteria and the book's tables.

Every lookup table lives as a TSV file under ``mcr_analysis/data/`` and is
read once, with its keys checked for uniqueness.  Matching ignores case,
accents, punctuation and spacing (:func:`normalize_label`); there is no fuzzy
acceptance: a label that matches nothing is rejected, with the closest known
label suggested in the reason.

Examples
--------
>>> normalize_label("  Fortalecimiento institucional/Cursos y CAPACITACIONES ")
'fortalecimiento institucional cursos y capacitaciones'
>>> organisms().lookup("Comunidad Andina")
'CAN'
>>> axes().match("Cadenas de valor específicas")
Match(id='cadenas_valor', matrix='Cadenas de valor específicas', reason='')
>>> criteria().match("Foros y reuniones").id
'reuniones'
>>> theme_key("Facilitación  del Comercio") == theme_key("facilitacion del comercio")
True
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import NamedTuple

import pandas as pd

__all__ = [
    "MCRDataError",
    "Match",
    "Vocabulary",
    "normalize_label",
    "theme_key",
    "organisms",
    "axes",
    "criteria",
    "participation",
    "appendix_cells",
    "palette",
    "text",
    "axis_label",
    "criterion_label",
    "organism_label",
]

LANGS = ("es", "en")


class MCRDataError(ValueError):
    """Invalid MCR input or lookup data; the message lists what was found and allowed."""


_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ARTICLES = re.compile(r"^(?:la|el|los|las|the)\s+")


def normalize_label(value: object) -> str:
    """Fold a label for matching: no accents, lower case, punctuation as spaces.

    Parameters
    ----------
    value : object
        Any cell value; ``None`` and NaN give ``""``.

    Returns
    -------
    str
        The folded label.

    Examples
    --------
    >>> normalize_label("ALBA-TCP")
    'alba tcp'
    >>> normalize_label("Integración  Transfronteriza")
    'integracion transfronteriza'
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text_ = unicodedata.normalize("NFKD", str(value))
    text_ = "".join(ch for ch in text_ if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", text_.casefold()).strip()


def _read_tsv(name: str, key: str | list[str] | None = None) -> pd.DataFrame:
    """Read one package data table as strings; check that ``key`` is unique."""
    with resources.files("mcr_analysis.data").joinpath(name).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    frame = pd.DataFrame(rows, dtype=str).fillna("")
    if key is not None:
        dup = frame[frame.duplicated(key, keep=False)]
        if not dup.empty:
            raise MCRDataError(
                f"package table {name}: key {key!r} is not unique; duplicated rows: "
                f"{dup.to_dict('records')}"
            )
    return frame


class Match(NamedTuple):
    """Result of matching one label against a vocabulary.

    ``id`` is ``None`` when nothing (or more than one entry) matches; ``reason``
    then says why, naming the closest known label or the candidates.
    """

    id: str | None
    matrix: str
    reason: str


@dataclass(frozen=True)
class Vocabulary:
    """One controlled vocabulary: canonical entries and their aliases.

    Parameters
    ----------
    name : str
        What the vocabulary names ("organism", "axis", "criterion").
    table : pandas.DataFrame
        Columns ``id``, ``label_es``, ``label_en`` (and any others).
    index : dict
        Folded alias -> tuple of (id, matrix) candidates.
    display : dict
        Folded alias -> the alias as written in the table (for suggestions).
    """

    name: str
    table: pd.DataFrame
    index: dict
    display: dict

    def match(self, value: object) -> Match:
        """Match ``value``; never guesses (see :class:`Match`)."""
        key = normalize_label(value)
        if not key:
            return Match(None, "", f"empty {self.name}")
        cands = self.index.get(key)
        if cands is None and self.name == "organism":
            cands = self.index.get(_ARTICLES.sub("", key))
        if cands is None:
            close = difflib.get_close_matches(key, list(self.index), n=1, cutoff=0.6)
            hint = ""
            if close:
                cid = self.index[close[0]][0][0]
                hint = f"; closest known: {self.display[close[0]]!r} ({cid})"
            allowed = ", ".join(self.table["id"])
            return Match(None, "", f"unknown {self.name} {str(value)!r}{hint}; allowed ids: {allowed}")
        ids = sorted({c[0] for c in cands})
        if len(ids) > 1:
            return Match(
                None,
                "",
                f"ambiguous {self.name} {str(value)!r}: could mean {' or '.join(ids)}; "
                "write one of them explicitly",
            )
        return Match(ids[0], cands[0][1], "")

    def lookup(self, value: object) -> str:
        """Return the id for ``value`` or raise :class:`MCRDataError` with the reason."""
        m = self.match(value)
        if m.id is None:
            raise MCRDataError(m.reason)
        return m.id

    def label(self, id_: str, lang: str = "es") -> str:
        """Canonical label of ``id_`` in ``lang`` (``"es"`` or ``"en"``)."""
        _check_lang(lang)
        row = self.table.loc[self.table["id"] == id_]
        if row.empty:
            raise MCRDataError(f"unknown {self.name} id {id_!r}; allowed: {', '.join(self.table['id'])}")
        return str(row.iloc[0][f"label_{lang}"])

    @property
    def ids(self) -> list[str]:
        """Ids in the table's order."""
        return list(self.table["id"])


def _build(name: str, table: pd.DataFrame, extra: list[tuple[str, str, str]]) -> Vocabulary:
    """Index ids, labels and ``extra`` (alias, id-or-ids, matrix) by folded text."""
    index: dict[str, list[tuple[str, str]]] = {}
    display: dict[str, str] = {}

    def add(alias: str, id_: str, matrix: str = "") -> None:
        key = normalize_label(alias)
        if not key:
            return
        display.setdefault(key, alias)
        bucket = index.setdefault(key, [])
        if (id_, matrix) not in bucket:
            bucket.append((id_, matrix))

    for _, row in table.iterrows():
        for col in ("id", "label_es", "label_en"):
            add(row[col], row["id"])
        for alias in filter(None, row.get("aliases", "").split("|")):
            add(alias, row["id"])
    for alias, ids, matrix in extra:
        for id_ in ids.split("|"):
            add(alias, id_, matrix)
    # An alias pointing at one id with and without a matrix keeps the matrix.
    for key, bucket in index.items():
        if len({c[0] for c in bucket}) == 1 and len(bucket) > 1:
            index[key] = sorted(bucket, key=lambda c: c[1] == "")[:1]
    return Vocabulary(name, table.reset_index(drop=True), {k: tuple(v) for k, v in index.items()}, display)


@functools.cache
def organisms() -> Vocabulary:
    """The organisms vocabulary (``organisms.tsv``): ids, Spanish and English names, acronyms.

    Returns
    -------
    Vocabulary
        Cached; match labels with ``organisms().match(label)``.

    Examples
    --------
    >>> organisms().match("Amazon Cooperation Treaty Organization").id
    'OTCA'
    """
    return _build("organism", _read_tsv("organisms.tsv", "id"), [])


@functools.cache
def axes() -> Vocabulary:
    """The six axes of the book's appendix, with pillar and matrix wordings as aliases.

    Returns
    -------
    Vocabulary
        Cached; ``match`` also gives the sub-matrix a label names.

    Examples
    --------
    >>> axes().match("Food and nutrition security")
    Match(id='seguridad_alimentaria', matrix='Seguridad alimentaria y nutricional', reason='')
    """
    table = _read_tsv("axes.tsv", "id").sort_values("order", key=lambda s: s.astype(int))
    aliases = _read_tsv("axis_aliases.tsv", "alias")
    extra = list(aliases[["alias", "axis", "matrix"]].itertuples(index=False, name=None))
    known = set(table["id"])
    bad = {a for ids in aliases["axis"] for a in ids.split("|")} - known
    if bad:
        raise MCRDataError(f"axis_aliases.tsv names unknown axes {sorted(bad)}; allowed: {sorted(known)}")
    return _build("axis", table, extra)


@functools.cache
def criteria() -> Vocabulary:
    """The six criteria of the book's appendix; labels naming two criteria are ambiguous.

    Returns
    -------
    Vocabulary
        Cached.

    Examples
    --------
    >>> criteria().match("Normas y políticas").reason
    "ambiguous criterion 'Normas y políticas': could mean normas or politicas; write one of them explicitly"
    """
    table = _read_tsv("criteria.tsv", "id").sort_values("order", key=lambda s: s.astype(int))
    amb = _read_tsv("criterion_ambiguous.tsv", "alias")
    extra = [(a, ids, "") for a, ids in zip(amb["alias"], amb["criteria"])]
    return _build("criterion", table, extra)


@functools.cache
def _participation() -> pd.DataFrame:
    frame = _read_tsv("participation.tsv", ["matrix", "organism"])
    _check_ids(frame, "participation.tsv")
    return frame


def participation() -> pd.DataFrame:
    """The book's table "Matrices y organismos participantes", one row per matrix and organism.

    Returns a new DataFrame with columns ``matrix``, ``axis``, ``organism``.

    Examples
    --------
    >>> p = participation()
    >>> sorted(p.loc[p["axis"] == "energia_sostenible", "organism"].unique())
    ['MERCOSUR', 'OTCA', 'SELA', 'SICA']
    """
    return _participation().copy()


@functools.cache
def _appendix() -> pd.DataFrame:
    frame = _read_tsv("appendix.tsv", ["axis", "criterion"])
    frame["number"] = frame["number"].astype(int)
    _check_ids(frame, "appendix.tsv")
    return frame.sort_values("number").reset_index(drop=True)


def appendix_cells() -> pd.DataFrame:
    """The 30 diagrams of the book's appendix, in the book's order.

    Returns a new DataFrame with columns ``number``, ``axis``, ``criterion``, ``book_title``.

    Examples
    --------
    >>> cells = appendix_cells()
    >>> len(cells), tuple(cells.iloc[0][["axis", "criterion"]])
    (30, ('cadenas_valor', 'fortalecimiento'))
    """
    return _appendix().copy()


def palette() -> dict[str, str]:
    """Fixed colour-blind-safe colour of every organism (Okabe–Ito and Tol muted).

    Examples
    --------
    >>> palette()["SELA"]
    '#0072B2'
    """
    table = organisms().table
    return dict(zip(table["id"], table["color"]))


@functools.cache
def _labels() -> pd.DataFrame:
    return _read_tsv("labels.tsv", "key").set_index("key")


def text(key: str, lang: str = "es") -> str:
    """User-facing text ``key`` in ``lang`` (from ``labels.tsv``).

    Examples
    --------
    >>> text("themes_by_region", "en")
    'Themes by diagram region'
    """
    _check_lang(lang)
    table = _labels()
    if key not in table.index:
        raise MCRDataError(f"unknown text key {key!r}; known: {', '.join(table.index)}")
    return str(table.at[key, lang])


def axis_label(id_: str, lang: str = "es") -> str:
    """Canonical label of an axis id."""
    return axes().label(id_, lang)


def criterion_label(id_: str, lang: str = "es") -> str:
    """Canonical label of a criterion id; ``"*"`` is all criteria pooled."""
    if id_ == "*":
        return text("all_criteria", lang)
    return criteria().label(id_, lang)


def organism_label(id_: str, lang: str = "es") -> str:
    """Full name of an organism id."""
    return organisms().label(id_, lang)


@functools.cache
def _synonyms() -> dict[str, str]:
    frame = _read_tsv("theme_synonyms.tsv")
    out: dict[str, str] = {}
    for variant, canonical in zip(frame["variant"], frame["canonical"]):
        key = normalize_label(variant)
        if key in out and out[key] != normalize_label(canonical):
            raise MCRDataError(f"theme_synonyms.tsv: variant {variant!r} maps to two canonicals")
        out[key] = normalize_label(canonical)
    return out


def theme_key(theme: object) -> str:
    """Identity of a theme for set analysis.

    Two themes are the same when they differ only in case, accents, punctuation
    or spacing, or when ``theme_synonyms.tsv`` maps one to the other.

    Examples
    --------
    >>> theme_key("VUCE") == theme_key("Ventanillas únicas de comercio exterior")
    True
    >>> theme_key(None)
    ''
    """
    key = normalize_label(theme)
    return _synonyms().get(key, key)


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise MCRDataError(f"unknown language {lang!r}; allowed: {', '.join(LANGS)}")


def _check_ids(frame: pd.DataFrame, name: str) -> None:
    problems = []
    for col, vocab in (("axis", axes), ("criterion", criteria), ("organism", organisms)):
        if col in frame:
            bad = sorted(set(frame[col]) - set(vocab().ids))
            if bad:
                problems.append(f"{col} {bad} (allowed: {', '.join(vocab().ids)})")
    if problems:
        raise MCRDataError(f"package table {name} has unknown ids: " + "; ".join(problems))
