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

Statuses, bodies and :func:`mentions` are defined in
:mod:`mcr_analysis.initiative_vocab`, theme identity (:func:`theme_key`,
:func:`project_synonyms`) in :mod:`mcr_analysis.theme_identity`; this module
is their public path (``taxonomy.statuses()``, ``taxonomy.theme_key(t)``), the
same objects, imported on first use.
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
    "project_synonyms",
    "organisms",
    "axes",
    "criteria",
    "statuses",
    "bodies",
    "mentions",
    "participation",
    "ALL_ROUNDS",
    "PARTICIPATION_COLUMNS",
    "appendix_cells",
    "palette",
    "text",
    "axis_label",
    "criterion_label",
    "organism_label",
]

LANGS = ("es", "en")
"""Languages of everything a user reads (figures, reports, notebooks)."""
LABEL_LANGS = ("es", "en", "pt")
"""Languages of the vocabulary labels (``label_es``, ``label_en``, ``label_pt``): Portuguese for matching
MERCOSUR's submissions and for :meth:`Vocabulary.label`."""


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


def _read_tsv(name: str, key: str | list[str] | None = None, columns: list[str] | None = None) -> pd.DataFrame:
    """Read one package data table as strings; check its ``columns`` and that ``key`` is unique."""
    with resources.files("mcr_analysis.data").joinpath(name).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        rows = list(reader)
        found = list(reader.fieldnames or [])
    if columns is not None and found != columns:
        raise MCRDataError(f"package table {name}: columns {found}; expected exactly {columns}")
    frame = pd.DataFrame(rows, columns=found, dtype=str).fillna("")
    if columns is not None:
        empty = [i + 2 for i, row in enumerate(rows) if not (row.get("id") or row.get(columns[0]) or "").strip()]
        if empty:
            raise MCRDataError(f"package table {name}: line {empty[0]} has an empty {columns[0]!r}")
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

    def find(self, value: object) -> str | None:
        """The id ``value`` names, or ``None`` (unknown or ambiguous); like :meth:`match` without the reason.

        Cheap: one dictionary lookup, no search for the closest label.
        """
        key = normalize_label(value)
        cands = self.index.get(key)
        if cands is None and self.name == "organism":
            cands = self.index.get(_ARTICLES.sub("", key))
        if not cands or len({c[0] for c in cands}) > 1:
            return None
        return cands[0][0]

    def lookup(self, value: object) -> str:
        """Return the id for ``value`` or raise :class:`MCRDataError` with the reason."""
        m = self.match(value)
        if m.id is None:
            raise MCRDataError(m.reason)
        return m.id

    def label(self, id_: str, lang: str = "es") -> str:
        """Canonical label of ``id_`` in ``lang`` (``"es"``, ``"en"`` or, where the table has one, ``"pt"``)."""
        if lang not in LABEL_LANGS or f"label_{lang}" not in self.table:
            raise MCRDataError(f"unknown language {lang!r} for {self.name} labels; allowed: "
                               f"{', '.join(lg for lg in LABEL_LANGS if f'label_{lg}' in self.table)}")
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

    for row in table.to_dict("records"):
        for col in ("id", "label_es", "label_en", "label_pt"):
            if col in row:
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
    return _build("organism", _read_tsv("organisms.tsv", "id", ORGANISM_COLUMNS), [])


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
    table = _read_tsv("axes.tsv", "id", ["id", "order", "label_es", "label_en", "label_pt"])
    table = table.sort_values("order", key=lambda s: s.astype(int))
    aliases = _read_tsv("axis_aliases.tsv", "alias", ["alias", "axis", "matrix", "note"])
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
    table = _read_tsv("criteria.tsv", "id", ["id", "order", "label_es", "label_en", "label_pt", "aliases"])
    table = table.sort_values("order", key=lambda s: s.astype(int))
    amb = _read_tsv("criterion_ambiguous.tsv", "alias", ["alias", "criteria", "note"])
    extra = [(a, ids, "") for a, ids in zip(amb["alias"], amb["criteria"])]
    return _build("criterion", table, extra)


ALL_ROUNDS = "*"
"""Round of a participation row that holds for every round (the book's table)."""
PARTICIPATION_COLUMNS = ["round", "matrix", "axis", "organism"]
"""Columns of ``participation.tsv``, in the package and in a project's ``data/reference/``."""


ORGANISM_COLUMNS = ["id", "label_es", "label_en", "label_pt", "aliases", "color"]


@functools.cache
def _participation() -> pd.DataFrame:
    frame = _read_tsv("participation.tsv", ["round", "matrix", "organism"])
    _check_ids(frame, "participation.tsv")
    if list(frame.columns) != PARTICIPATION_COLUMNS or set(frame["round"]) != {ALL_ROUNDS}:
        raise MCRDataError("package table participation.tsv: expected the columns "
                           f"{PARTICIPATION_COLUMNS} and round {ALL_ROUNDS!r} on every row")
    return frame


def participation() -> pd.DataFrame:
    """The book's table "Matrices y organismos participantes", one row per matrix and organism.

    The package ships it as the participation of every round; see
    :func:`mcr_analysis.round_participation.participation_table` for the table of
    given rounds, with a project's own ``data/reference/participation.tsv`` applied.

    Returns a new DataFrame with columns ``matrix``, ``axis``, ``organism``.

    Examples
    --------
    >>> p = participation()
    >>> sorted(p.loc[p["axis"] == "energia_sostenible", "organism"].unique())
    ['MERCOSUR', 'OTCA', 'SELA', 'SICA']
    """
    return _participation().drop(columns="round")


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
    """Full name of an organism id (``lang`` es, en or pt)."""
    return organisms().label(id_, lang)


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


_MOVED = {"statuses": "initiative_vocab", "bodies": "initiative_vocab", "mentions": "initiative_vocab",
          "STATUS_IDS": "initiative_vocab", "BODY_COLUMNS": "initiative_vocab",
          "theme_key": "theme_identity", "project_synonyms": "theme_identity"}


def __getattr__(name: str):
    """``taxonomy.statuses``, ``taxonomy.theme_key``...: the public path of what :data:`_MOVED` names.

    Imported on first use (the modules that define them import this one).
    """
    if name not in _MOVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"mcr_analysis.{_MOVED[name]}"), name)
    globals()[name] = value
    return value
