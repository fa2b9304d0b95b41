"""The messages of the ``mcr`` command line, in Spanish, English and Portuguese.

One catalogue, ``mcr_analysis/data/messages.tsv`` (columns ``id``, ``es``,
``en``, ``pt``), holds every text the command line itself prints: help,
usage errors, progress stages and summaries.  Placeholders are written
``{name}`` and every language of a message uses the same ones.  The table is
checked when first read: the header, unique non-empty ids, no empty text, the
same placeholders in every language.  (The loader's reject reasons and the
figures' texts have their own tables.)

Examples
--------
>>> msg("wrote", "en", path="data/processed/mcr_scores.csv")
'wrote data/processed/mcr_scores.csv'
>>> msg("strict_rejects", "es", n=3)
'--strict: 3 filas rechazadas'
>>> LANGS
('es', 'en', 'pt')
"""

from __future__ import annotations

import csv
import functools
import string
from importlib import resources

from mcr_analysis.taxonomy import MCRDataError

__all__ = ["LANGS", "DEFAULT_LANG", "msg", "catalogue", "placeholders"]

LANGS = ("es", "en", "pt")
"""Languages of the catalogue, in the order of its columns."""
DEFAULT_LANG = "es"
COLUMNS = ("id", *LANGS)
TABLE = "messages.tsv"


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of ``text``.

    Examples
    --------
    >>> sorted(placeholders("{n} diagrams in {path}"))
    ['n', 'path']
    """
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _check(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    """The catalogue as ``{id: {lang: text}}``, or MCRDataError naming every bad row."""
    if not rows or tuple(rows[0]) != COLUMNS:
        raise MCRDataError(f"package table {TABLE}: header {rows[0] if rows else []!r}; "
                           f"expected {list(COLUMNS)!r}")
    problems, table = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(COLUMNS):
            problems.append(f"row {number}: {len(row)} columns, expected {len(COLUMNS)}")
            continue
        id_, *texts = row
        if not id_ or id_ in table:
            problems.append(f"row {number}: id {id_!r} is empty or repeated")
            continue
        empty = [lang for lang, text in zip(LANGS, texts) if not text.strip()]
        if empty:
            problems.append(f"row {number} ({id_}): no text in {', '.join(empty)}")
        fields = [placeholders(text) for text in texts]
        if any(f != fields[0] for f in fields[1:]):
            problems.append(f"row {number} ({id_}): placeholders differ between languages: "
                            + "; ".join(f"{lang} {sorted(f)}" for lang, f in zip(LANGS, fields)))
        table[id_] = dict(zip(LANGS, texts))
    if problems:
        raise MCRDataError(f"package table {TABLE}: " + "; ".join(problems))
    return table


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """The checked catalogue, ``{id: {"es": ..., "en": ..., "pt": ...}}`` (read once)."""
    with resources.files("mcr_analysis.data").joinpath(TABLE).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return _check(rows)


def msg(id_: str, lang: str | None = None, /, **fields: object) -> str:
    """Message ``id_`` in ``lang`` (default Spanish), formatted with ``fields``.

    Raises
    ------
    MCRDataError
        When the id or the language is unknown, or a placeholder has no value.

    Examples
    --------
    >>> msg("unknown_lang", "pt", value="'fr'", allowed="es, en")
    "idioma não suportado 'fr'; esperava-se um de: es, en"
    """
    lang = lang or DEFAULT_LANG
    if lang not in LANGS:
        raise MCRDataError(f"unknown language {lang!r}; expected one of: {', '.join(LANGS)}")
    entry = catalogue().get(id_)
    if entry is None:
        raise MCRDataError(f"no message {id_!r} in {TABLE}")
    missing = placeholders(entry[lang]) - set(fields)
    if missing:
        raise MCRDataError(f"message {id_!r} needs {', '.join(sorted(missing))}")
    return entry[lang].format(**fields)
