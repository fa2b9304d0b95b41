"""Outputs of ``mcr ingest``: the tidy and rejects tables and a readable validation report.

:func:`write_ingest_outputs` writes, into one folder, ``mcr_tidy.csv``,
``mcr_tidy.parquet``, ``mcr_rejects.csv``, ``mcr_validation_report.md``,
``mcr_warnings.csv`` (loaded rows read with a remark) and
``mcr_unread_columns.csv`` (columns holding values that no field reads).
CSV text that a spreadsheet would run as a formula is neutralised
(:func:`mcr_analysis.safety.neutralise`; :func:`mcr_analysis.ingest.read_tidy`
undoes it); the Parquet file keeps the values as loaded.  The same result gives
the same bytes.  The report and the workbook are in the reader's language
(Spanish by default, English, Portuguese; :mod:`mcr_analysis.messages`): the
CSV files keep the loader's English reasons, stable for programs.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pandas as pd

from mcr_analysis.ingest import LoadResult
from mcr_analysis.outputs import output_set
from mcr_analysis.round_participation import participation_table
from mcr_analysis.safety import neutralise
from mcr_analysis.messages import catalogue, localise_reason, msg, vocabulary_lang
from mcr_analysis.reasons import kind, source_label, status_label
from mcr_analysis.taxonomy import MCRDataError, axes, criteria

__all__ = ["OUTPUT_NAMES", "write_ingest_outputs", "previous_tidy_rows", "validation_report", "missing_organisms",
           "reason_kind", "summary_text"]

OUTPUT_NAMES = ("mcr_tidy.csv", "mcr_tidy.parquet", "mcr_rejects.csv", "mcr_validation_report.md",
                "mcr_warnings.csv", "mcr_unread_columns.csv", "mcr_tidy.xlsx")
_KIND = re.compile(r"[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+)*")
MAX_REJECTS_PER_FILE = 200
"""Rejects (and warnings) listed per file in the Markdown report (all of them are in the CSV files)."""


def write_ingest_outputs(result: LoadResult, out_dir: str | Path, lang: str = "es", force: bool = True) -> list[Path]:
    """Write the ingest outputs (:data:`OUTPUT_NAMES`) into ``out_dir`` (created if missing), as one set.

    The four files are written to temporary files and replaced together under
    the folder's lock (:func:`mcr_analysis.outputs.output_set`): an interrupted
    run leaves the previous set as it was.

    Parameters
    ----------
    result : LoadResult
        What :func:`mcr_analysis.ingest.load_submissions` returned; not modified.
    out_dir : str or Path
        Output folder.
    lang : {"es", "en", "pt"}
        Language of the validation report and of the workbook's texts.
    force : bool
        When False, a result with no tidy row never replaces a previous
        non-empty ``mcr_tidy.csv`` (``mcr ingest`` passes False unless ``--force``).

    Returns
    -------
    list of Path
        The paths written, in :data:`OUTPUT_NAMES` order.

    Raises
    ------
    NotADirectoryError
        When ``out_dir`` (or a folder above it) is an existing file.
    MCRDataError
        When ``force`` is False, nothing was loaded and ``out_dir`` holds a
        non-empty tidy table (nothing is written then).
    mcr_analysis.outputs.OutputBusyError
        When another run is writing into ``out_dir``.
    """
    out = Path(out_dir)
    blocker = next((p for p in (out, *out.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise NotADirectoryError(f"{out} cannot be the output folder: {blocker} is a file; expected a folder "
                                 "(it is created if missing)")
    with output_set(out) as outs:
        previous = previous_tidy_rows(out / OUTPUT_NAMES[0])
        if not force and result.tidy.empty and previous:
            raise MCRDataError(
                f"no row was loaded, so {out / OUTPUT_NAMES[0]} (a previous table with {previous} rows) was "
                "kept and nothing was written; fix the files listed above, or pass --force to replace it "
                "with an empty table")
        outs.write_csv(OUTPUT_NAMES[0], result.tidy)
        result.tidy.to_parquet(outs.path(OUTPUT_NAMES[1]), index=False)
        outs.write_csv(OUTPUT_NAMES[2], result.rejects)
        outs.write_text(OUTPUT_NAMES[3], validation_report(result, lang))
        outs.write_csv(OUTPUT_NAMES[4], result.warnings)
        outs.write_csv(OUTPUT_NAMES[5], result.columns)
        __import__("mcr_analysis.workbooks").workbooks.write_tidy_workbook(result, outs.path(OUTPUT_NAMES[6]), lang)
    return [out / name for name in OUTPUT_NAMES]


def previous_tidy_rows(path: str | Path) -> int:
    """Data rows of an existing tidy CSV at ``path`` (0 when missing or unreadable).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "t.csv"
    >>> previous_tidy_rows(path)
    0
    >>> _ = path.write_text('theme\\n"a\\nb"\\nc\\n', encoding="utf-8")
    >>> previous_tidy_rows(path)
    2
    """
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return max(sum(1 for _ in csv.reader(fh)) - 1, 0)
    except (OSError, UnicodeDecodeError, csv.Error):
        return 0


def missing_organisms(result: LoadResult) -> pd.DataFrame:
    """Organisms the participation table expects on an axis that sent no row there, per round.

    Parameters
    ----------
    result : LoadResult
        What :func:`mcr_analysis.ingest.load_submissions` returned; not modified.

    Returns
    -------
    pandas.DataFrame
        A new frame with columns ``round``, ``axis``, ``organism``, in round,
        axis (book order) and organism order.  The rounds are those of the
        files read (files skipped on purpose, such as a README, name no round).
    """
    read = result.files.loc[result.files["status"] != "skipped", "round"]  # a README is no round's submission
    rounds = sorted(set(read) | set(result.tidy["round"]))
    listed = participation_table(rounds)  # the book's table, with the project's data/reference/ file
    present = set(zip(result.tidy["round"], result.tidy["axis"], result.tidy["organism"]))
    order = {a: i for i, a in enumerate(axes().ids)}
    rows = [(r, a, o) for r, a, o in listed.itertuples(index=False) if (r, a, o) not in present]
    frame = pd.DataFrame(rows, columns=["round", "axis", "organism"])
    return frame.sort_values(["round", "axis", "organism"], key=lambda s: s.map(order) if s.name == "axis" else s,
                             kind="mergesort").reset_index(drop=True)


_MD_ESCAPES = {"\\": "\\\\", "|": "\\|", "`": "\\`", "<": "&lt;", ">": "&gt;", "\n": " ", "\r": " ", "\t": " "}
_MD_ESCAPES.update({chr(c): chr(0x2400 + c) for c in range(32) if chr(c) not in _MD_ESCAPES})
_MD_ESCAPES["\x7f"] = "\u2421"
_MD_TABLE = str.maketrans(_MD_ESCAPES)


def _cell(value: object) -> str:
    r"""A value as Markdown text, safe in a table cell.

    Formula-like text gets a leading apostrophe, as in the CSV files
    (:func:`mcr_analysis.safety.neutralise`); ``\``, ``|`` and backticks are
    escaped, ``<``/``>`` written as entities (no HTML reaches the reader), line
    breaks and tabs become spaces and other control characters their visible
    symbols (U+2400 block).

    Examples
    --------
    >>> print(_cell('=HYPERLINK("http://x","a|b")'))
    '=HYPERLINK("http://x","a\|b")
    >>> print(_cell("=cmd|' /C calc'!A0"), _cell("<b>`x`</b>\x00"), _cell(None), _cell(3))
    '=cmd\|' /C calc'!A0 &lt;b&gt;\`x\`&lt;/b&gt;␀  3
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(neutralise(str(value))).translate(_MD_TABLE)


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def reason_kind(reason: str) -> str:
    """The kind of a reject reason: its leading words, without the value it quotes.

    Examples
    --------
    >>> reason_kind("unknown criterion 'Proyectoz'; closest known: 'Proyecto' (proyectos)")
    'unknown criterion'
    >>> reason_kind("duplicate of row 12: same organism, axis, ...")
    'duplicate of row'
    >>> reason_kind("Excel lock file (~$...), not a submission")
    'Excel lock file'
    """
    found = _KIND.match(reason)
    return found.group(0) if found else reason


def validation_report(result: LoadResult, lang: str = "es") -> str:
    """The Markdown validation report of ``result``, every word of it in ``lang``.

    Per file: rows read, loaded and rejected with reasons; rows loaded with a
    warning; every column not read (with its header, how many cells hold
    data, a sample value and why); sheets skipped with the number of rows
    they held and why (drop-down lists included); notes found below the
    data; section headings; sheets holding several tables; organisms that the
    participation table expects on an axis but that sent nothing, per round.
    Statuses, where each organism came from and every reason are written in
    ``lang`` (:func:`mcr_analysis.messages.localise_reason`), internal ids
    only in parentheses; the CSV files keep the loader's English reasons.

    Parameters
    ----------
    result : LoadResult
        What :func:`mcr_analysis.ingest.load_submissions` returned; not modified.
    lang : {"es", "en", "pt"}
        Language of the report.

    Returns
    -------
    str
        Markdown text.
    """
    t = lambda key, **kw: msg(key, lang, **kw)  # noqa: E731
    why = lambda reason: localise_reason(reason, lang)  # noqa: E731
    files, rejects = result.files, result.rejects
    status = files["status"]
    lines = [f"# {t('report_title')}", ""]
    lines += [t("report_totals", files=len(files), loaded=int((status == "loaded").sum()),
                rejected=int((status == "rejected").sum()), unreadable=int((status == "unreadable").sum()),
                skipped=int((status == "skipped").sum()), rows=len(result.tidy), rejects=len(rejects)), ""]
    lines += [f"## {t('report_files')}", ""]
    lines += _table(t("report_files_header").split("|"), [
        [f.source_file, f.round, f.organism, source_label(f.organism_from, lang), status_label(f.status, lang),
         f.rows_read, f.rows_loaded, f.rows_rejected, why(f.reason)]
        for f in files.itertuples(index=False)])
    lines += [f"## {t('report_rejects')}", ""]
    if rejects.empty:
        lines += [t("report_none"), ""]
    for name, group in rejects.groupby("source_file", sort=True):
        lines += [f"### {_cell(name)}", ""]
        if len(group) > 1:
            counts = group["reason"].map(lambda r: kind(r, lang)).value_counts().sort_index()
            lines += [f"- {_cell(k)}: {v}" for k, v in counts.items()] + [""]
        shown = group.head(MAX_REJECTS_PER_FILE)
        lines += _table(t("report_rejects_header").split("|"), [
            [r.source_sheet, r.source_row, _column(r.column, lang), r.value, why(r.reason)]
            for r in shown.itertuples(index=False)])
        if len(group) > len(shown):
            lines += [t("report_more", n=len(group) - len(shown)), ""]
    warnings = getattr(result, "warnings", None)
    if warnings is not None and len(warnings):
        lines += [f"## {t('report_warnings')}", ""]
        for name, group in warnings.groupby("source_file", sort=True):
            lines += [f"### {_cell(name)}", ""]
            shown = group.head(MAX_REJECTS_PER_FILE)
            lines += _table(t("report_warnings_header").split("|"), [
                [r.source_sheet, r.source_row, _column(r.column, lang), r.value, why(r.message)]
                for r in shown.itertuples(index=False)])
            if len(group) > len(shown):
                lines += [t("report_more_warnings", n=len(group) - len(shown)), ""]
    unread = getattr(result, "columns", None)
    if unread is not None:
        lines += [f"## {t('report_unread')}", ""]
        lines += _table(t("report_unread_header").split("|"), [
            [u.source_file, u.source_sheet, u.header_row, u.column, u.header, u.non_empty, u.sample, why(u.reason)]
            for u in unread.itertuples(index=False)]) if len(unread) else [t("report_none"), ""]
    sheets = result.sheets
    skipped = sheets[sheets["status"] == "skipped"]
    lines += [f"## {t('report_skipped')}", ""]
    if not len(skipped):
        lines += [t("report_none"), ""]
    elif "non_empty_rows" in sheets:
        lines += _table(t("report_skipped_rows_header").split("|"), [
            [s.source_file, s.source_sheet, s.non_empty_rows, why(s.reason)] for s in skipped.itertuples(index=False)])
    else:
        lines += _table(t("report_skipped_header").split("|"), [
            [s.source_file, s.source_sheet, why(s.reason)] for s in skipped.itertuples(index=False)])
    notes = sheets[sheets["notes"] != ""]
    if len(notes):
        lines += [f"## {t('report_notes')}", ""]
        lines += _table(t("report_notes_header").split("|"), [
            [s.source_file, s.source_sheet, _rows_text(s.notes, lang)] for s in notes.itertuples(index=False)])
    if "headings" in sheets and (sheets["headings"] != "").any():
        lines += [f"## {t('report_headings')}", ""]
        lines += _table(t("report_headings_header").split("|"), [
            [s.source_file, s.source_sheet, _rows_text(s.headings, lang)]
            for s in sheets[sheets["headings"] != ""].itertuples(index=False)])
    if "fields" in sheets and sheets["layout"].str.startswith("stacked:").any():
        stacked = sheets[sheets["layout"].str.startswith("stacked:")]
        lines += [f"## {t('report_tables')}", ""]
        lines += _table(t("report_tables_header").split("|"), [
            [s.source_file, s.source_sheet, _rows_text(s.fields, lang, fields=True)]
            for s in stacked.itertuples(index=False)])
    missing = missing_organisms(result)
    lines += [f"## {t('report_missing')}", ""]
    if missing.empty:
        lines += [t("report_none"), ""]
    else:
        grouped = missing.groupby(["round", "axis"], sort=False)["organism"].agg(", ".join).reset_index()
        lines += _table(t("report_missing_header").split("|"), [
            [r, f"{axes().label(a, vocabulary_lang(lang))} ({a})", o] for r, a, o in grouped.itertuples(index=False)])
    return "\n".join(lines)


def _column(column: str, lang: str) -> str:
    """A reject's ``column`` for people: the loader's ``(sheet name)`` in ``lang``."""
    return msg("report_sheet_name", lang) if column == "(sheet name)" else column


_ROW = re.compile(r"(?:^|(?<=; ))row (\d+): ")
_FIELD = re.compile(r"\b([A-Z]+(?:\.\.[A-Z]+)?)=(marks:)?([a-z_]+)\b")
_HEADING = re.compile(r"\((axis|criterion) ([a-z_]+)\)")


def _rows_text(text: str, lang: str, fields: bool = False) -> str:
    """A sheet's notes, headings or tables (``"row 3: ..."``) in ``lang``, internal ids in parentheses.

    Examples
    --------
    >>> _rows_text("row 3: A=axis, B..C=marks:proyectos", "es", fields=True)
    'fila 3: A=Eje (axis), B..C=marcas de Proyectos (proyectos)'
    >>> _rows_text("row 9: PROYECTOS (criterion proyectos); row 20: IVA=impuesto", "pt")
    'linha 9: PROYECTOS (Critério: proyectos); linha 20: IVA=impuesto'
    """
    def field(m: re.Match) -> str:
        col, marks, id_ = m.groups()
        if marks:
            vocab = criteria()
            label = vocab.label(id_, vocabulary_lang(lang)) if id_ in vocab.ids else id_
            return f"{col}={msg('report_marks', lang, criterion=label)} ({id_})"
        return f"{col}={msg('field_' + id_, lang)} ({id_})" if "field_" + id_ in catalogue() else m.group(0)

    out = _ROW.sub(lambda m: msg("report_row", lang, row=m.group(1)) + ": ", text)
    out = _HEADING.sub(lambda m: f"({msg('field_' + m.group(1), lang)}: {m.group(2)})", out)
    return _FIELD.sub(field, out) if fields else out


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is under it."""
    try:
        return Path(os.path.relpath(Path(path).resolve(), Path.cwd().resolve())).as_posix() if Path(
            path).resolve().is_relative_to(Path.cwd().resolve()) else Path(path).as_posix()
    except ValueError:
        return Path(path).as_posix()


def summary_text(result: LoadResult, out_dir: str | Path, lang: str = "es") -> str:
    """A short summary in ``lang`` to print after ``mcr ingest``.

    Files skipped on purpose (a README, an Excel lock file) are counted
    apart from the loaded, rejected and unreadable ones.

    Examples
    --------
    >>> from mcr_analysis.ingest import load_submissions
    >>> import tempfile
    >>> print(summary_text(load_submissions(tempfile.mkdtemp()), "data/processed", "en"))
    ingest: 0 files (0 loaded, 0 rejected, 0 unreadable, 0 skipped); 0 tidy rows, 0 rejected rows, 0 sheets skipped
    outputs in data/processed: mcr_tidy.csv, mcr_tidy.parquet, mcr_rejects.csv, mcr_validation_report.md, mcr_warnings.csv, mcr_unread_columns.csv, mcr_tidy.xlsx
    """
    status = result.files["status"]
    count = lambda s: int((status == s).sum())  # noqa: E731
    return (msg("ingest_summary", lang, files=len(result.files), loaded=count("loaded"), rejected=count("rejected"),
                unreadable=count("unreadable"), skipped_files=count("skipped"), tidy=len(result.tidy),
                rejects=len(result.rejects), skipped=int((result.sheets["status"] == "skipped").sum()))
            + "\n" + msg("ingest_outputs", lang, path=_shown(Path(out_dir)), names=", ".join(OUTPUT_NAMES)))
