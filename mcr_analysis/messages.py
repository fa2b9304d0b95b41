"""Every text a person reads from ``mcr``, in Spanish, English and Portuguese: one catalogue.

The catalogue is one set of ids kept in four package tables, one per
audience, all with the columns ``id``, ``es``, ``en``, ``pt``:

- ``messages.tsv``: the command line itself (help, usage errors, progress
  stages, summaries, "wrote ..." lines);
- ``messages_submission.tsv``: the organisms' side (the template and
  ``mcr check``);
- ``messages_reasons.tsv``: the loader's reject, skip and warning reasons,
  file and sheet statuses and where a file's organism came from, as
  :func:`localise_reason` writes them;
- ``messages_report.tsv``: the validation report and the analysts' workbook
  ``mcr_tidy.xlsx``.

Why four tables and not one: each is short enough for the person who
translates or reviews one audience's texts (a focal point's wording is
reviewed apart from the analysts'), and a change to one audience does not
touch the others' file.  Why one catalogue: they are read, checked and
looked up by this one module, so an id means one text everywhere.  Every
table is checked when the catalogue is first read: its header, non-empty ids
unique across **all** the tables, no empty text, and the same ``{name}``
placeholders in every language; every problem is named in one
:class:`~mcr_analysis.taxonomy.MCRDataError`.

The loader writes its reasons in English, with internal ids (the machine
CSVs keep them so); :func:`localise_reason` turns each into the catalogue
message in the reader's language, internal ids only in parentheses.

Examples
--------
>>> msg("wrote", "en", path="data/processed/mcr_scores.csv")
'wrote data/processed/mcr_scores.csv'
>>> msg("strict_rejects", "es", n=3)
'--strict: 3 filas rechazadas'
>>> msg("chk_round", "pt", round="2025")
'rodada 2025'
>>> localise_reason("invalid year: expected a whole number from 1900 to 2100", "es")
'Año no válido: se espera un número entero de 1900 a 2100'
>>> LANGS
('es', 'en', 'pt')
"""

from __future__ import annotations

import csv
import functools
import string
from importlib import resources

from mcr_analysis.taxonomy import MCRDataError

__all__ = ["LANGS", "DEFAULT_LANG", "TABLES", "msg", "catalogue", "placeholders", "localise_reason",
           "vocabulary_lang", "allowed_labels"]

LANGS = ("es", "en", "pt")
"""Languages of the catalogue, in the order of its columns."""
DEFAULT_LANG = "es"
COLUMNS = ("id", *LANGS)
TABLES = ("messages.tsv", "messages_submission.tsv", "messages_reasons.tsv", "messages_report.tsv")
"""The package tables of the catalogue (``mcr_analysis/data/``)."""


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of ``text``.

    Examples
    --------
    >>> sorted(placeholders("{n} diagrams in {path}"))
    ['n', 'path']
    """
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _check(tables: dict[str, list[list[str]]]) -> dict[str, dict[str, str]]:
    """The catalogue of ``{table name: TSV rows (header first)}``, or MCRDataError naming every bad row."""
    problems, out, where = [], {}, {}
    for name, rows in tables.items():
        if not rows or tuple(rows[0]) != COLUMNS:
            problems.append(f"{name}: header {rows[0] if rows else []!r}; expected {list(COLUMNS)!r}")
            continue
        for number, row in enumerate(rows[1:], start=2):
            if len(row) != len(COLUMNS):
                problems.append(f"{name} row {number}: {len(row)} columns, expected {len(COLUMNS)}")
                continue
            id_, *texts = row
            if not id_:
                problems.append(f"{name} row {number}: empty id")
                continue
            if id_ in out:
                problems.append(f"{name} row {number}: id {id_!r} repeats {where[id_]}")
                continue
            empty = [lang for lang, text in zip(LANGS, texts) if not text.strip()]
            if empty:
                problems.append(f"{name} row {number} ({id_}): no text in {', '.join(empty)}")
            try:
                fields = [placeholders(text) for text in texts]
            except ValueError as exc:
                problems.append(f"{name} row {number} ({id_}): bad placeholder ({exc})")
            else:
                if any(f != fields[0] for f in fields[1:]):
                    problems.append(f"{name} row {number} ({id_}): placeholders differ between languages: "
                                    + "; ".join(f"{lang} {sorted(f)}" for lang, f in zip(LANGS, fields)))
            out[id_], where[id_] = dict(zip(LANGS, texts)), f"{name} row {number}"
    if problems:
        raise MCRDataError("message catalogue: " + "; ".join(problems))
    return out


def _read(name: str) -> list[list[str]]:
    with resources.files("mcr_analysis.data").joinpath(name).open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """The checked catalogue, ``{id: {"es": ..., "en": ..., "pt": ...}}`` (read once).

    Raises
    ------
    MCRDataError
        When a table's header is not ``id, es, en, pt``, an id is empty or
        repeated (in any table), a text is empty, or the languages of a row
        use different placeholders.

    Examples
    --------
    >>> catalogue()["field_axis"]
    {'es': 'Eje', 'en': 'Axis', 'pt': 'Eixo'}
    """
    return _check({name: _read(name) for name in TABLES})


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
    >>> msg("nope")
    Traceback (most recent call last):
    ...
    mcr_analysis.taxonomy.MCRDataError: no message 'nope' in the catalogue (messages*.tsv)
    """
    lang = lang or DEFAULT_LANG
    if lang not in LANGS:
        raise MCRDataError(f"unknown language {lang!r}; expected one of: {', '.join(LANGS)}")
    entry = catalogue().get(id_)
    if entry is None:
        raise MCRDataError(f"no message {id_!r} in the catalogue (messages*.tsv)")
    missing = placeholders(entry[lang]) - set(fields)
    if missing:
        raise MCRDataError(f"message {id_!r} needs {', '.join(sorted(missing))}")
    return _FORMATTER.format(entry[lang], **fields)


class _PluralFormatter(string.Formatter):
    """``str.format`` plus one format spec: ``{n:pl:archivo:archivos}`` is the word for the count ``n``.

    The singular is used when the count is exactly 1, the plural otherwise (the
    rule of Spanish, English and Portuguese).

    >>> _FORMATTER.format("{n} {n:pl:hoja omitida:hojas omitidas}", n=1)
    '1 hoja omitida'
    >>> _FORMATTER.format("{n} {n:pl:file:files}, {v:.1f}", n=0, v=0.25)
    '0 files, 0.2'
    """

    def format_field(self, value, format_spec: str):
        if format_spec.startswith("pl:"):
            singular, _, plural = format_spec[3:].partition(":")
            return singular if value == 1 else plural
        return super().format_field(value, format_spec)


_FORMATTER = _PluralFormatter()


def vocabulary_lang(lang: str) -> str:
    """Language of the vocabulary labels shown for ``lang``.

    The vocabulary tables (axes, criteria, statuses, organisms) carry Spanish,
    English and Portuguese labels, so each language shows its own.

    >>> vocabulary_lang("pt"), vocabulary_lang("en"), vocabulary_lang("fr")
    ('pt', 'en', 'es')
    """
    return lang if lang in LANGS else DEFAULT_LANG


def allowed_labels(field: str, lang: str) -> str:
    """The allowed values of ``axis`` or ``criterion`` as labels, internal ids in parentheses.

    >>> allowed_labels("criterion", "en").split(", ")[2]
    'Projects (proyectos)'
    """
    from mcr_analysis.taxonomy import axes, criteria

    vocab = {"axis": axes, "criterion": criteria}[field]()
    vlang = vocabulary_lang(lang)
    return ", ".join(f"{vocab.label(i, vlang)} ({i})" for i in vocab.ids)


def localise_reason(reason: str, lang: str = "es") -> str:
    """The loader's ``reason`` (English, with internal ids) as a message in ``lang``.

    Every reason the loader writes (rejects, warnings, unread columns,
    skipped sheets and files) has a message (:mod:`mcr_analysis.reasons`
    holds the patterns); internal ids and technical detail stay in
    parentheses.  ``""`` stays ``""``.  A reason no pattern knows is kept,
    marked as untranslated, so that nothing is hidden.

    Examples
    --------
    >>> localise_reason("header 'Fuente' names no field the loader reads", "es")
    'El encabezado «Fuente» no corresponde a ningún campo que lea el cargador'
    >>> localise_reason("", "pt")
    ''
    """
    from mcr_analysis.reasons import localise

    return localise(reason, lang)
