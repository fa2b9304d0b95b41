"""The loader's reasons in the reader's language: the one place that knows the loader's English wording.

The loader (:mod:`mcr_analysis.ingest`) writes every reject, warning, unread
column, skipped sheet and skipped file reason in English with internal ids;
the machine CSVs keep that text, stable for programs.  :func:`localise` maps
each reason onto a message of the catalogue (``messages_reasons.tsv``, read
through :mod:`mcr_analysis.messages`), filling in the values it quotes, with
internal ids and technical detail (an exception's text, a limit that was
exceeded) in parentheses.  Composite reasons (a file whose sheets were all
skipped, a sheet skipped row by row, a file that names no organism because
of several findings) are localised part by part.

:data:`PATTERNS` is checked by ``tests/test_reasons.py`` against one sample of
every reason the loader can write: a reason added to the loader without a
pattern here fails that test.

Examples
--------
>>> localise("header 'Fuente' names no field the loader reads", "en")
"Header 'Fuente' names no field the loader reads"
>>> reason_id("hidden column 'X': not a known header")
'u_hidden'
>>> localise("loaded", "es"), status_label("loaded", "es"), source_label("filename", "pt")
('Problema (texto original del cargador, sin traducir): loaded', 'cargado', 'nome do arquivo')
"""

from __future__ import annotations

import re

from mcr_analysis.messages import allowed_labels, msg, vocabulary_lang

__all__ = ["PATTERNS", "localise", "reason_id", "status_label", "source_label", "kind"]


def _q(name: str) -> str:
    """A Python repr of a string (the loader writes values with ``!r``), captured as ``name``."""
    return rf"(?P<q_{name}>['\"])(?P<{name}>.*?)(?P=q_{name})"


_N = r"(?P<{}>\d+(?:\.\d+)?)"

PATTERNS: list[tuple[re.Pattern, str]] = [(re.compile(p, re.S), i) for p, i in [
    # vocabulary (taxonomy.Vocabulary.match; organism.resolve)
    (r"^unknown (?P<field>organism|axis|criterion|status) " + _q("value")
     + r"(?:; closest known: " + _q("label") + r" \((?P<id>[^)]*)\))?; allowed ids: (?P<ids>.*)$", "r_unknown"),
    (r"^ambiguous (?P<field>organism|axis|criterion|status) " + _q("value")
     + r": could mean (?P<options>.*); write one of them explicitly$", "r_ambiguous"),
    (r"^ambiguous organism " + _q("value") + r": names several organisms \((?P<ids>[^)]*)\); a row has one sender",
     "r_ambiguous_organism"),
    (r"^ambiguous body " + _q("value") + r": names several organisms \((?P<ids>[^)]*)\)", "r_ambiguous_body"),
    (r"^conflicting organisms: (?P<who1>.*?) says (?P<a>\S+) but (?P<who2>.*?) says (?P<b>\S+); a row belongs "
     r"to its sender: if (?P<c>\S+) is a partner", "r_conflict"),
    # the sender of a file (loader._declare, organism.py)
    (r"^missing organism: empty cell; expected an organism name, and (?P<sub>.*)$", "r_missing_organism"),
    (r"^missing organism: empty cell", "r_missing_organism_only"),
    (r"^no organism: no organism column, no 'Organismo: \.\.\.' cell above the header, and (?P<whys>.*)$",
     "r_no_organism"),
    (r"^no organism: ", "r_no_organism_plain"),
    (r"^the metadata cell says " + _q("value") + r" \((?P<sub>.*)\)$", "o_meta_says"),
    (r"^the (?P<where>title row|file name) " + _q("value") + r" names several organisms \((?P<ids>[^)]*)\)$",
     "o_several"),
    (r"^the file name " + _q("value") + r" names no known organism$", "o_file_none"),
    (r"^the (?P<where>metadata cell|title row|sheet name) " + _q("value") + r" names (?P<a>\S+) but the file name "
     + _q("file") + r" names (?P<b>\S+)$", "o_file_conflict"),
    (r"^column " + _q("column") + r" \(" + _q("value") + r"(?:, a body of (?P<org>[^)]+))?\)$", "o_who_column"),
    (r"^the (?P<where>metadata cell|title row|sheet name|file name) " + _q("value") + r"$", "o_who"),
    (r"^names several organisms$", "o_names_several"),
    # axis, criterion, theme, year, marks (fields.py, sheet.py)
    (r"^missing axis: empty cell and the sheet name " + _q("sheet") + " is not an axis", "r_missing_axis"),
    (r"^missing axis: no axis column, no axis heading above this row, and the sheet name " + _q("sheet"),
     "r_no_axis_heading"),
    (r"^missing axis: no axis column", "r_no_axis_column"),
    (r"^missing initiative and theme: the header on row (?P<row>\d+)", "r_no_theme_columns"),
    (r"^missing initiative and theme: expected at least one", "r_missing_theme"),
    (r"^invalid year: expected a whole number from (?P<lo>\d+) to (?P<hi>\d+)", "r_invalid_year"),
    (r"^missing criterion: empty cell", "r_missing_criterion"),
    (r"^missing criterion: no criterion column and no criterion heading above this row", "r_no_criterion_heading"),
    (r"^unrecognised mark in criterion column " + _q("column")
     + r": expected (?P<allowed>.*) \(or empty, No, 0\)$", "r_bad_mark"),
    (r"^no criterion marked: expected (?P<allowed>.*) in one of the columns (?P<columns>.*)$", "r_no_mark"),
    (r"^no initiative: values only in columns the loader does not read \((?P<columns>.*?)\); expected", "r_stray"),
    (r"^formula with no saved value: open the file in Excel and save it \(cells? (?P<cells>[^;]*);", "r_formula"),
    (r"^duplicate of row (?P<row>\d+)(?: of sheet " + _q("sheet") + ")?:", "r_duplicate"),
    # sheets (loader.py, sheet.py, template_marker.py)
    (r"^sheet skipped: (?P<sub>.*); this row looks like data$", "r_sheet_skipped_row"),
    (r"^(?:sheet skipped: )?(?:the )?header on row (?P<row>\d+) has no criterion column.*?\(found: (?P<found>[^)]*)\)",
     "r_no_criterion_column"),
    (r"^no sheet with a recognisable header: (?P<sheets>.*)$", "r_no_sheet"),
    (r"^no recognisable header in the first (?P<n>\d+) rows", "r_no_header"),
    (r"^(?P<hidden>hidden )?sheet of drop-down lists \((?P<n>\d+) values of the vocabulary\): not data$", "s_lists"),
    (r"^template list sheet", "r_template_lists"),
    (r"^template instructions sheet", "r_template_instructions"),
    (r"^review sheet written by .mcr check.", "r_review_sheet"),
    # warnings of loaded rows (fields.py, cells.py)
    (r"^unknown status " + _q("value") + r": status_id left empty"
     r"(?:; closest allowed value: (?P<id>\w+) \(" + _q("label") + r"\))?", "w_unknown_status"),
    (r"^date " + _q("value") + r": kept its year, (?P<year>\d+)", "w_date_year"),
    (r"^year range " + _q("value") + r": kept the first year, (?P<year>\d+)", "w_year_range"),
    (r"^year " + _q("value") + r": kept the one year it names, (?P<year>\d+)", "w_year_words"),
    (r"^" + _q("value") + r" is not a year \(it reads as a status\)", "w_status_as_year"),
    (r"^" + _q("value") + r" gives no year", "w_no_year"),
    (r"^unknown body " + _q("value") + r": not an organism nor a body", "w_unknown_body"),
    # columns not read (header.py, sheet.py, loader.py)
    (r"^header " + _q("header") + r" names two fields by its words \((?P<fields>[^)]*)\)", "u_two_fields"),
    (r"^header " + _q("header") + r" is mapped to 'ignore' in the column map$", "u_ignored"),
    (r"^hidden column " + _q("header") + r": not a known header$", "u_hidden"),
    (r"^header " + _q("header") + r" names no field the loader reads$", "u_no_field"),
    (r"^header " + _q("header") + r"(?P<hidden> \(hidden column\))? also names (?P<kind>field|criterion) "
     + _q("what") + r"; column (?P<column>[A-Z]+) " + _q("other") + r" is read instead "
     r"\((?P<why>visible|more specific|first)\)$", "u_also_names"),
    (r"^criterion column " + _q("header") + r" is not read as marks: the sheet has a criterion column \("
     + _q("other") + r"\)$", "u_marks_with_criterion"),
    (r"^values in a column with no header$", "u_no_header"),
    (r"^stray cell (?P<cell>[A-Z]+\d+) far outside the block", "u_stray_cell"),
    # files (discover.py, readers.py, isolate.py, csv_reader.py)
    (r"^workbook open in a spreadsheet program: skipped$", "f_locked"),
    (r"^temporary file of an interrupted mcr run: skipped$", "f_mcr_temp"),
    (r"^not a submission \(notes about the folder\): skipped$", "f_notes"),
    (r"^not a submission \(a file the operating system or a tool keeps\): skipped$", "f_system"),
    (r"^unsupported file type " + _q("suffix") + r"[,;]", "f_unsupported"),
    (r"^folder cannot be listed: (?P<detail>.*)$", "f_unlistable"),
    (r"^broken symbolic link \(to (?P<target>.*)\): skipped$", "f_broken_link"),
    (r"^symbolic link loop \(to (?P<target>.*)\): not followed$", "f_link_loop"),
    (r"^symbolic link to a folder already read \(to (?P<target>.*)\): not followed$", "f_link_seen"),
    (r"^hidden folder: not read$", "f_hidden_folder"),
    (r"^a folder named like a workbook: not a file", "f_folder_workbook"),
    (r"^not a regular file \(a device, socket or pipe\): skipped$", "f_not_regular"),
    (r"^empty file \(0 bytes\)", "f_empty"),
    (r"^an XML Spreadsheet 2003 saved with the (?P<suffix>\S+) extension", "f_xml2003"),
    (r"^a web page saved with the (?P<suffix>\S+) extension", "f_web_page"),
    (r"^cannot be opened: (?P<detail>.*)$", "f_cannot_open"),
    (r"^refused: reading it needs more memory than is available \(budget (?P<budget>\d+) bytes\)$", "f_memory"),
    (r"^refused: reading it took more than (?P<seconds>[\d.]+) seconds", "f_timeout"),
    (r"^refused: reading it needs more than the memory budget of (?P<budget>\d+) bytes", "f_memory_budget"),
    (r"^refused: the reader stopped \((?P<detail>[^)]*)\) over the memory budget of (?P<budget>\d+) bytes or the "
     r"time limit of (?P<seconds>[\d.]+) seconds", "f_reader_stopped"),
    (r"^refused: reading it ended the reading process abruptly \((?P<detail>[^)]*)\)", "f_worker_ended"),
    (r"^refused: sheet " + _q("sheet") + r" is not listed in xl/workbook\.xml", "f_unchecked_sheet"),
    (r"^refused: the file has (?P<size>\d+) bytes, more than the limit (?P<limit>\d+) for a \.csv", "f_csv_size"),
    (r"^refused: (?P<rows>\d+) rows x (?P<columns>\d+) columns is over the limits \((?P<max_rows>\d+) rows, "
     r"(?P<max_cells>\d+) cells per sheet\)$", "f_csv_cells"),
    (r"^refused: (?P<detail>.*?); the limits are far above any real matrix", "f_over_limits"),
    (r"^not a text file \(binary content\) although named \.csv", "f_csv_binary"),
    (r"^not a readable CSV file: (?P<detail>.*)$", "f_csv_unreadable"),
    (r"^not a readable workbook: (?P<detail>.*?)(?:; open it in Excel or LibreOffice and save it as \.xlsx)?$",
     "r_unreadable"),
    # the archive checks of mcr_analysis.safety ("<file>: ..."), before any reading
    (r"^(?:[^:]*: )?not a readable workbook \(not a zip archive: (?P<detail>.*?)\); expected", "r_unreadable"),
    (r"^(?:[^:]*: )?(?P<detail>zip archive without \S+), not an? ", "r_unreadable"),
    (r"^Excel lock file", "r_lock_file"),
    (r"^legacy \.xls workbook", "r_legacy_xls"),
    (r"^(?:.*?: )?encrypted workbook", "r_encrypted"),
    (r"possible zip bomb", "r_zip_bomb"),
]]

_STATUSES = {"loaded": "st_loaded", "rejected": "st_rejected", "unreadable": "st_unreadable",
             "skipped": "st_skipped", "read": "st_read", "unsupported": "st_unsupported"}
_SOURCES = {"metadata": "src_metadata", "title": "src_title", "sheet name": "src_sheet_name",
            "filename": "src_filename", "column": "src_column"}


def reason_id(reason: str) -> str:
    """The catalogue id of ``reason`` (``"r_untranslated"`` when no pattern knows it).

    >>> reason_id("invalid year: expected a whole number from 1900 to 2100"), reason_id("new")
    ('r_invalid_year', 'r_untranslated')
    """
    for pattern, id_ in PATTERNS:
        if pattern.search(reason):
            return id_
    return "r_untranslated"


def localise(reason: str, lang: str = "es") -> str:
    """``reason`` as a message in ``lang``; see :func:`mcr_analysis.messages.localise_reason`."""
    if not reason:
        return ""
    for pattern, id_ in PATTERNS:
        m = pattern.search(reason)
        if m:
            return msg(id_, lang, **_arguments(id_, m, lang))
    return msg("r_untranslated", lang, reason=reason)


def kind(reason: str, lang: str = "es") -> str:
    """The kind of a reason in ``lang``: its localised text up to the first colon, semicolon or parenthesis.

    >>> kind("unknown criterion 'X'; allowed ids: proyectos", "es")
    'Criterio desconocido'
    """
    return re.split(r"[:;(]", localise(reason, lang), maxsplit=1)[0].strip()


def status_label(status: str, lang: str = "es") -> str:
    """A file or sheet status (``loaded``, ``skipped``…) in ``lang``; ``""`` stays ``""``."""
    return msg(_STATUSES[status], lang) if status in _STATUSES else status


def source_label(source: str, lang: str = "es") -> str:
    """Where a file's organism came from (``filename``, ``metadata``…) in ``lang``."""
    return msg(_SOURCES[source], lang) if source in _SOURCES else source


def _quote(text: str) -> str:
    return f"«{text}»"


def _parts(text: str) -> list[str]:
    """``"'a': r1; 'b': r2"`` split into its quoted-name parts."""
    starts = [m.start() for m in re.finditer(r"(?:^|(?<=; ))(['\"]).*?\1: ", text)]
    return [text[a:b].removesuffix("; ") for a, b in zip(starts, [*starts[1:], len(text)])] if starts else [text]


def _arguments(id_: str, m: re.Match, lang: str) -> dict:
    g = {k: v for k, v in m.groupdict().items() if v is not None and not k.startswith("q_")}
    if id_ in ("r_unknown", "r_ambiguous"):
        field = g["field"]
        name = msg(f"field_{field}", lang)
        g["field"] = name.lower() if lang == "en" else name  # "Unknown axis" vs "Eje desconocido"
        if id_ == "r_ambiguous":
            g["options"] = msg("r_or", lang).join(_label(field, o.strip(), lang) for o in g["options"].split(" or "))
            return g
        if "label" in g:  # the canonical label of the closest id, not the alias that came closest
            close, typed = g.pop("id"), g.pop("label")
            shown = _label(field, close, lang)
            label = shown[: -len(f" ({close})")] if shown != close else typed
            g["hint"] = msg("r_closest", lang, label=label, id=close)
        else:
            g["hint"] = ""
        ids = [i.strip() for i in g.pop("ids").split(",")]
        g["allowed"] = allowed_labels(field, lang) if field in ("axis", "criterion") else ", ".join(ids)
    elif id_ in ("r_missing_axis", "r_no_axis_column", "r_no_axis_heading"):
        g["allowed"] = allowed_labels("axis", lang)
    elif id_ in ("r_missing_criterion", "r_no_criterion_heading"):
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
    elif id_ in ("r_missing_organism", "o_meta_says", "r_sheet_skipped_row"):
        g["sub"] = localise(g["sub"], lang)
    elif id_ == "r_no_organism":
        g["whys"] = "; ".join(localise(w, lang) for w in re.split(r"; (?=the )", g["whys"]) if w)
    elif id_ == "r_conflict":
        g["who1"], g["who2"] = localise(g["who1"], lang), localise(g["who2"], lang)
    elif id_ in ("o_several", "o_file_conflict", "o_who"):
        g["where"] = msg("o_where_" + g["where"].replace(" ", "_"), lang)
    elif id_ == "o_who_column":
        org = g.pop("org", None)
        g["body"] = msg("o_body_of", lang, organism=org) if org else ""
    elif id_ == "r_no_sheet":
        parts = []
        for part in _parts(g["sheets"]):
            name, sep, why = part.partition(": ")
            parts.append(f"{_quote(name.strip(chr(39) + chr(34)))}: {localise(why, lang)}" if sep else part)
        g["sheets"] = "; ".join(parts)
    elif id_ == "u_also_names":
        g["hidden"] = msg("u_hidden_column", lang) if "hidden" in g else ""
        g["what"] = msg(f"u_{g.pop('kind')}", lang, id=g["what"])
        g["why"] = msg("u_why_" + g["why"].replace(" ", "_"), lang)
    elif id_ == "s_lists":
        g["hidden"] = msg("s_hidden", lang) if "hidden" in g else ""
    elif id_ == "r_zip_bomb":
        g["detail"] = m.string
    return g


def _label(field: str, id_: str, lang: str) -> str:
    """``Label (id)`` for an axis or criterion id, else the id."""
    from mcr_analysis.taxonomy import axes, criteria

    vocab = {"axis": axes, "criterion": criteria}.get(field)
    if vocab is None or id_ not in vocab().ids:
        return id_
    return f"{vocab().label(id_, vocabulary_lang(lang))} ({id_})"
