"""Messages for the organisms' side (template and ``mcr check``) in Spanish, English and Portuguese.

The texts live in the package table ``mcr_analysis/data/messages_submission.tsv``
(columns ``id``, ``es``, ``en``, ``pt``), checked when loaded: exact columns,
unique ids, no empty text, and the same ``{placeholders}`` in the three
languages.  :func:`localise_reason` turns the loader's reject and warning
reasons (English, with internal ids) into catalogue messages: this is the one
place that knows the loader's wording, until the loader itself uses a
catalogue.

Examples
--------
>>> msg("chk_round", "pt", round="2025")
'rodada 2025'
>>> localise_reason("invalid year: expected a whole number from 1900 to 2100", "es")
'Año no válido: se espera un número entero de 1900 a 2100'
"""

from __future__ import annotations

import csv
import functools
import re
import string
from importlib import resources

from mcr_analysis.taxonomy import MCRDataError, axes, criteria

__all__ = ["LANGS", "catalogue", "msg", "localise_reason", "vocabulary_lang", "allowed_labels"]

LANGS = ("es", "en", "pt")
"""Languages of the organisms' side; Portuguese for the Portuguese-speaking focal points."""
_TABLE = "messages_submission.tsv"
_COLUMNS = ["id", *LANGS]


def _placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """The message catalogue: ``{id: {lang: text}}``, checked once.

    Raises
    ------
    MCRDataError
        When the table's columns are not exactly ``id, es, en, pt``, an id is
        repeated or empty, a text is empty, or the languages of a row use
        different placeholders.

    Examples
    --------
    >>> catalogue()["field_axis"]
    {'es': 'Eje', 'en': 'Axis', 'pt': 'Eixo'}
    """
    with resources.files("mcr_analysis.data").joinpath(_TABLE).open(encoding="utf-8", newline="") as fh:
        return _check(list(csv.reader(fh, delimiter="\t")), _TABLE)


def _check(rows: list[list[str]], name: str) -> dict[str, dict[str, str]]:
    """The catalogue of the TSV ``rows`` (header first), or every problem in one error."""
    if not rows or rows[0] != _COLUMNS:
        raise MCRDataError(f"package table {name}: columns {rows[0] if rows else []}; expected exactly "
                           f"{', '.join(_COLUMNS)}")
    out: dict[str, dict[str, str]] = {}
    problems = []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(_COLUMNS):
            problems.append(f"line {n}: {len(row)} fields, expected {len(_COLUMNS)}")
            continue
        id_, texts = row[0], dict(zip(LANGS, row[1:]))
        if not id_:
            problems.append(f"line {n}: empty id")
        elif id_ in out:
            problems.append(f"line {n}: id {id_!r} repeated")
        empty = [lang for lang, t in texts.items() if not t.strip()]
        if empty:
            problems.append(f"line {n} ({id_}): empty text in {', '.join(empty)}")
        try:
            marks = {lang: _placeholders(t) for lang, t in texts.items()}
        except ValueError as exc:
            problems.append(f"line {n} ({id_}): bad placeholder ({exc})")
        else:
            if len({frozenset(v) for v in marks.values()}) > 1:
                problems.append(f"line {n} ({id_}): placeholders differ between languages "
                                + "; ".join(f"{lang}: {sorted(v)}" for lang, v in marks.items()))
        out.setdefault(id_, texts)
    if problems:
        raise MCRDataError(f"package table {name}: " + "; ".join(problems))
    return out


def msg(id_: str, lang: str = "es", **kw) -> str:
    """Message ``id_`` in ``lang`` with its placeholders filled from ``kw``.

    Raises
    ------
    MCRDataError
        For an unknown id or language, or a placeholder not given in ``kw``.

    Examples
    --------
    >>> msg("r_invalid_year", "en", lo=1900, hi=2100)
    'Invalid year: expected a whole number from 1900 to 2100'
    >>> msg("nope")
    Traceback (most recent call last):
    ...
    mcr_analysis.taxonomy.MCRDataError: unknown message id 'nope' (messages_submission.tsv)
    """
    if lang not in LANGS:
        raise MCRDataError(f"unknown language {lang!r}; allowed: {', '.join(LANGS)}")
    table = catalogue()
    if id_ not in table:
        raise MCRDataError(f"unknown message id {id_!r} ({_TABLE})")
    try:
        return table[id_][lang].format(**kw)
    except (KeyError, IndexError) as exc:
        raise MCRDataError(f"message {id_!r} needs the placeholder {exc}") from None


def vocabulary_lang(lang: str) -> str:
    """Language of the headers and list values the loader recognises: ``es`` for Portuguese.

    The vocabulary tables (headers, axes, criteria) have Spanish and English
    labels; a Portuguese template writes the Spanish ones and translates them
    in its instructions.

    >>> vocabulary_lang("pt"), vocabulary_lang("en")
    ('es', 'en')
    """
    return "en" if lang == "en" else "es"


def allowed_labels(field: str, lang: str) -> str:
    """The allowed values of ``axis`` or ``criterion`` as labels, internal ids in parentheses.

    >>> allowed_labels("criterion", "en").split(", ")[2]
    'Projects (proyectos)'
    """
    vocab = {"axis": axes, "criterion": criteria}[field]()
    vlang = vocabulary_lang(lang)
    return ", ".join(f"{vocab.label(i, vlang)} ({i})" for i in vocab.ids)


def _quoted(name: str, n: int) -> str:
    """A Python repr of a string (the loader writes values with ``!r``), captured as ``name``."""
    return rf"(?P<q{n}>['\"])(?P<{name}>.*?)(?P=q{n})"


_PATTERNS: list[tuple[re.Pattern, str]] = [(re.compile(p), i) for p, i in [
    (r"^unknown (?P<field>organism|axis|criterion|status) " + _quoted("value", 1)
     + r"(?:; closest known: " + _quoted("label", 2) + r" \((?P<id>[^)]*)\))?; allowed ids: (?P<ids>.*)$",
     "r_unknown"),
    (r"^ambiguous (?P<field>organism|axis|criterion|status) " + _quoted("value", 1)
     + r": could mean (?P<options>.*); write one of them explicitly$", "r_ambiguous"),
    (r"^missing organism: empty cell", "r_missing_organism"),
    (r"^no organism: ", "r_no_organism"),
    (r"^missing axis: empty cell and the sheet name " + _quoted("sheet", 1) + " is not an axis", "r_missing_axis"),
    (r"^missing axis: no axis column", "r_no_axis_column"),
    (r"^missing initiative and theme: the header on row (?P<row>\d+)", "r_no_theme_columns"),
    (r"^missing initiative and theme: expected at least one", "r_missing_theme"),
    (r"^invalid year: expected a whole number from (?P<lo>\d+) to (?P<hi>\d+)", "r_invalid_year"),
    (r"^missing criterion: empty cell", "r_missing_criterion"),
    (r"^unrecognised mark in criterion column " + _quoted("column", 1)
     + r": expected (?P<allowed>.*) \(or empty, No, 0\)$", "r_bad_mark"),
    (r"^no criterion marked: expected (?P<allowed>.*) in one of the columns (?P<columns>.*)$", "r_no_mark"),
    (r"^no initiative: values only in columns the loader does not read \((?P<columns>.*?)\); expected", "r_stray"),
    (r"^duplicate of row (?P<row>\d+)(?: of sheet " + _quoted("sheet", 1) + ")?:", "r_duplicate"),
    (r"^Excel lock file", "r_lock_file"),
    (r"^legacy \.xls workbook", "r_legacy_xls"),
    (r"^(?:.*?: )?encrypted workbook or legacy \.xls", "r_encrypted"),
    (r"possible zip bomb", "r_zip_bomb"),
    (r"^(?:.*?: )?(?:not a readable workbook|zip archive without xl/workbook\.xml)", "r_unreadable"),
    (r"^no sheet with a recognisable header", "r_no_sheet"),
    (r"^no recognisable header in the first (?P<n>\d+) rows", "r_no_header"),
    (r"^(?:sheet skipped: the )?header on row (?P<row>\d+) has no criterion column", "r_no_criterion_column"),
    # warnings of the ingest work (issue 9), localised here ahead of its merge
    (r"^unknown status " + _quoted("value", 1) + r": status_id left empty"
     r"(?:; closest allowed value: (?P<id>\w+) \(" + _quoted("label", 2) + r"\))?", "w_unknown_status"),
    (r"^date " + _quoted("value", 1) + r": kept its year, (?P<year>\d+)", "w_date_year"),
    (r"^year range " + _quoted("value", 1) + r": kept the first year, (?P<year>\d+)", "w_year_range"),
    (r"^" + _quoted("value", 1) + r" is not a year \(it reads as a status\)", "w_status_as_year"),
    (r"^" + _quoted("value", 1) + r" gives no year", "w_no_year"),
    (r"^unknown body " + _quoted("value", 1) + r": not an organism nor a body", "w_unknown_body"),
    (r"^template list sheet", "r_template_lists"),
    (r"^template instructions sheet", "r_template_instructions"),
    (r"^review sheet written by .mcr check.", "r_review_sheet"),
]]


def localise_reason(reason: str, lang: str = "es") -> str:
    """The loader's ``reason`` as a message in ``lang``, with internal ids only in parentheses.

    Parameters
    ----------
    reason : str
        A ``reason`` of the rejects table (or of a sheet or file record).
    lang : {"es", "en", "pt"}
        Language of the message.

    Returns
    -------
    str
        The catalogue message; a reason no pattern knows is kept, marked as
        untranslated (``r_untranslated``), so that nothing is hidden.

    Examples
    --------
    >>> localise_reason("unknown axis 'Cadenaz'; closest known: 'Cadenas de valor' (cadenas_valor); "
    ...                 "allowed ids: cadenas_valor, riesgo_desastres", "pt")[:74]
    'Eixo desconhecido: «Cadenaz»; o mais parecido: «Cadenas de valor» (cadenas'
    >>> localise_reason("duplicate of row 7: same organism, axis, ...", "en")[:28]
    'Repeated: same as row 7 (sam'
    """
    for pattern, id_ in _PATTERNS:
        m = pattern.search(reason)
        if m:
            return msg(id_, lang, **_arguments(id_, m, reason, lang))
    return msg("r_untranslated", lang, reason=reason)


def _field_name(field: str, lang: str) -> str:
    name = msg(f"field_{field}", lang)
    return name.lower() if lang == "en" else name  # "Unknown axis" vs "Eje desconocido"


def _arguments(id_: str, m: re.Match, reason: str, lang: str) -> dict:
    g = {k: v for k, v in m.groupdict().items() if v is not None and not k.startswith("q")}
    if id_ in ("r_unknown", "r_ambiguous"):
        field = g["field"]
        g["field"] = _field_name(field, lang)
        if id_ == "r_ambiguous":
            g["options"] = msg("r_or", lang).join(
                _label(field, o.strip(), lang) for o in g["options"].split(" or "))
            return g
        g["hint"] = msg("r_closest", lang, label=g.pop("label"), id=g.pop("id")) if "label" in g else ""
        ids = [i.strip() for i in g.pop("ids").split(",")]
        g["allowed"] = allowed_labels(field, lang) if field in ("axis", "criterion") else ", ".join(ids)
    elif id_ == "r_missing_axis" or id_ == "r_no_axis_column":
        g["allowed"] = allowed_labels("axis", lang)
    elif id_ == "r_missing_criterion":
        g["allowed"] = allowed_labels("criterion", lang)
    elif id_ == "r_duplicate":
        sheet = g.pop("sheet", None)
        g["sheet"] = msg("r_of_sheet", lang, sheet=sheet) if sheet is not None else ""
    elif id_ == "w_unknown_status":
        from mcr_analysis.template import STATUS_IDS

        labels = {s: msg(f"status_{s}", vocabulary_lang(lang)) for s in STATUS_IDS}
        close = g.pop("id", None)
        g.pop("label", None)
        g["hint"] = msg("w_closest_status", lang, label=labels[close], id=close) if close in labels else ""
        g["allowed"] = ", ".join(f"{label} ({s})" for s, label in labels.items())
    elif id_ == "r_unreadable":
        m2 = re.search(r"not a zip archive: ([^)]*)\)|not a readable workbook: (.*)$|(xl/workbook\.xml)", reason)
        g["detail"] = next((d for d in m2.groups() if d), "") if m2 else ""
    elif id_ == "r_zip_bomb":
        numbers = re.findall(r"\d+", reason.split(": ", 1)[-1])
        g["detail"] = f"{numbers[0]} > {numbers[-1]}" if numbers else ""
    return g


def _label(field: str, id_: str, lang: str) -> str:
    """``Label (id)`` for an axis or criterion id, else the id."""
    vocab = {"axis": axes, "criterion": criteria}.get(field)
    if vocab is None or id_ not in vocab().ids:
        return id_
    return f"{vocab().label(id_, vocabulary_lang(lang))} ({id_})"
