"""Outputs of ``mcr ingest``: the tidy and rejects tables and a readable validation report.

:func:`write_ingest_outputs` writes, into one folder, ``mcr_tidy.csv``,
``mcr_tidy.parquet``, ``mcr_rejects.csv`` and ``mcr_validation_report.md``.
CSV text that a spreadsheet would run as a formula is neutralised
(:func:`mcr_analysis.safety.neutralise`; :func:`mcr_analysis.ingest.read_tidy`
undoes it); the Parquet file keeps the values as loaded.  The same result gives
the same bytes.  Report headings are Spanish by default, English with
``lang="en"`` (``labels.tsv``); reject reasons are in English.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from mcr_analysis.ingest import LoadResult
from mcr_analysis.safety import neutralise_frame
from mcr_analysis.taxonomy import axes, participation, text

__all__ = ["OUTPUT_NAMES", "write_ingest_outputs", "validation_report", "missing_organisms", "reason_kind",
           "summary_text"]

OUTPUT_NAMES = ("mcr_tidy.csv", "mcr_tidy.parquet", "mcr_rejects.csv", "mcr_validation_report.md", "mcr_tidy.xlsx")
_KIND = re.compile(r"[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+)*")
MAX_REJECTS_PER_FILE = 200
"""Rejects listed per file in the Markdown report (all of them are in mcr_rejects.csv)."""


def write_ingest_outputs(result: LoadResult, out_dir: str | Path, lang: str = "es") -> list[Path]:
    """Write the ingest outputs (:data:`OUTPUT_NAMES`) into ``out_dir`` (created if missing).

    Parameters
    ----------
    result : LoadResult
        What :func:`mcr_analysis.ingest.load_submissions` returned; not modified.
    out_dir : str or Path
        Output folder.
    lang : {"es", "en"}
        Language of the validation report's headings.

    Returns
    -------
    list of Path
        The paths written, in :data:`OUTPUT_NAMES` order.

    Raises
    ------
    NotADirectoryError
        When ``out_dir`` (or a folder above it) is an existing file.
    """
    out = Path(out_dir)
    blocker = next((p for p in (out, *out.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise NotADirectoryError(f"{out} cannot be the output folder: {blocker} is a file; expected a folder "
                                 "(it is created if missing)")
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / name for name in OUTPUT_NAMES]
    _write_csv(neutralise_frame(result.tidy), paths[0])
    result.tidy.to_parquet(paths[1], index=False)
    _write_csv(neutralise_frame(result.rejects), paths[2])
    paths[3].write_text(validation_report(result, lang), encoding="utf-8", newline="\n")
    __import__("mcr_analysis.workbooks").workbooks.write_tidy_workbook(result, paths[4], lang)  # issue 14
    return paths


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


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
        files read.
    """
    expected = participation()[["axis", "organism"]].drop_duplicates()
    rounds = sorted(set(result.files["round"]) | set(result.tidy["round"]))
    present = set(zip(result.tidy["round"], result.tidy["axis"], result.tidy["organism"]))
    order = {a: i for i, a in enumerate(axes().ids)}
    rows = [(r, a, o) for r in rounds for a, o in expected.itertuples(index=False) if (r, a, o) not in present]
    frame = pd.DataFrame(rows, columns=["round", "axis", "organism"])
    return frame.sort_values(["round", "axis", "organism"], key=lambda s: s.map(order) if s.name == "axis" else s,
                             kind="mergesort").reset_index(drop=True)


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")


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
    """The Markdown validation report of ``result``.

    Per file: rows read, loaded and rejected with reasons; sheets skipped with
    reasons; notes found below the data; organisms that the participation
    table expects on an axis but that sent nothing, per round.

    Parameters
    ----------
    result : LoadResult
        What :func:`mcr_analysis.ingest.load_submissions` returned; not modified.
    lang : {"es", "en"}
        Language of the headings (reject reasons are in English).

    Returns
    -------
    str
        Markdown text.
    """
    t = lambda key: text(key, lang)  # noqa: E731
    files, rejects = result.files, result.rejects
    lines = [f"# {t('report_title')}", ""]
    lines += [t("report_totals").format(
        files=len(files), loaded=int((files["status"] == "loaded").sum()),
        rejected=int((files["status"] == "rejected").sum()), unreadable=int((files["status"] == "unreadable").sum()), rows=len(result.tidy),
        rejects=len(rejects)), ""]
    lines += [f"## {t('report_files')}", ""]
    lines += _table(t("report_files_header").split("|"), files[
        ["source_file", "round", "organism", "organism_from", "status", "rows_read", "rows_loaded",
         "rows_rejected", "reason"]].values.tolist())
    lines += [f"## {t('report_rejects')}", ""]
    if rejects.empty:
        lines += [t("report_none"), ""]
    for name, group in rejects.groupby("source_file", sort=True):
        lines += [f"### {_cell(name)}", ""]
        if len(group) > 1:
            counts = group["reason"].map(reason_kind).value_counts().sort_index()
            lines += [f"- {_cell(k)}: {v}" for k, v in counts.items()] + [""]
        shown = group.head(MAX_REJECTS_PER_FILE)
        lines += _table(t("report_rejects_header").split("|"),
                        shown[["source_sheet", "source_row", "column", "value", "reason"]].values.tolist())
        if len(group) > len(shown):
            lines += [t("report_more").format(n=len(group) - len(shown)), ""]
    skipped = result.sheets[result.sheets["status"] == "skipped"]
    lines += [f"## {t('report_skipped')}", ""]
    lines += _table(t("report_skipped_header").split("|"),
                    skipped[["source_file", "source_sheet", "reason"]].values.tolist()) if len(skipped) else [
        t("report_none"), ""]
    notes = result.sheets[result.sheets["notes"] != ""]
    if len(notes):
        lines += [f"## {t('report_notes')}", ""]
        lines += _table(t("report_notes_header").split("|"),
                        notes[["source_file", "source_sheet", "notes"]].values.tolist())
    missing = missing_organisms(result)
    lines += [f"## {t('report_missing')}", ""]
    if missing.empty:
        lines += [t("report_none"), ""]
    else:
        grouped = missing.groupby(["round", "axis"], sort=False)["organism"].agg(", ".join).reset_index()
        lines += _table(t("report_missing_header").split("|"), [
            [r, f"{axes().label(a, lang)} ({a})", o] for r, a, o in grouped.itertuples(index=False)])
    return "\n".join(lines)


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is under it."""
    try:
        return Path(os.path.relpath(Path(path).resolve(), Path.cwd().resolve())).as_posix() if Path(
            path).resolve().is_relative_to(Path.cwd().resolve()) else Path(path).as_posix()
    except ValueError:
        return Path(path).as_posix()


def summary_text(result: LoadResult, out_dir: str | Path) -> str:
    """A short summary to print after ``mcr ingest``.

    Examples
    --------
    >>> from mcr_analysis.ingest import load_submissions
    >>> import tempfile
    >>> print(summary_text(load_submissions(tempfile.mkdtemp()), "data/processed"))
    ingest: 0 files (0 loaded, 0 rejected, 0 unreadable); 0 tidy rows, 0 rejected rows, 0 sheets skipped
    outputs in data/processed: mcr_tidy.csv, mcr_tidy.parquet, mcr_rejects.csv, mcr_validation_report.md, mcr_tidy.xlsx
    """
    status = result.files["status"]
    skipped = int((result.sheets["status"] == "skipped").sum())
    return (f"ingest: {len(result.files)} files ({int((status == 'loaded').sum())} loaded, "
            f"{int((status == 'rejected').sum())} rejected, {int((status == 'unreadable').sum())} unreadable); "
            f"{len(result.tidy)} tidy rows, {len(result.rejects)} rejected rows, {skipped} sheets skipped\n"
            f"outputs in {_shown(Path(out_dir))}: {', '.join(OUTPUT_NAMES)}")
