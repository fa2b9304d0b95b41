"""``mcr ingest``: load the submissions into the tidy, rejects and report outputs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.messages import LANGS, msg
from mcr_analysis.commands._progress import Progress
from mcr_analysis.commands._common import UsageError, check_out, exists, in_path, jobs, make_out, out_path

NAME = "ingest"
HELP = "load the Excel submissions into the tidy and rejects tables"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr ingest``."""
    from mcr_analysis.cli import current_lang

    lang = current_lang()
    p.add_argument("raw_dir", nargs="?", type=in_path, default=config.RAW_DIR,
                   help=msg("opt_raw_dir", lang))
    p.add_argument("--out", type=out_path, default=config.PROCESSED_DIR,
                   help=msg("opt_out", lang, path="data/processed"))
    p.add_argument("--strict", action="store_true", help=msg("opt_strict", lang))
    p.add_argument("--force", action="store_true",
                   help=msg("opt_force", lang))
    p.add_argument("--jobs", type=jobs, default=None, help=msg("opt_jobs_ingest", lang))
    p.add_argument("--lang", choices=LANGS, default=config.DEFAULT_LANG,
                   help=msg("opt_lang_report", lang))


def run(args: argparse.Namespace) -> int:
    """Run ``mcr ingest``; return the exit status.

    An ingest that loads no row keeps a previous non-empty tidy table and exits
    1 (``--force`` replaces it).  The outputs are written as one set under the
    output folder's lock (:mod:`mcr_analysis.outputs`).
    """
    from mcr_analysis.ingest import load_submissions, readers
    from mcr_analysis.outputs import folder_lock
    from mcr_analysis.report import summary_text, write_ingest_outputs
    from mcr_analysis.taxonomy import MCRDataError

    from mcr_analysis.messages import localise_reason
    from mcr_analysis.report import OUTPUT_NAMES, previous_tidy_rows

    lang = args.lang
    raw = args.raw_dir
    if not exists(raw):
        raise UsageError(msg("missing_raw", lang, path=raw))
    if raw.is_file() and raw.suffix.lower() not in (*readers.WORKBOOK_SUFFIXES, ".xls"):
        raise UsageError(msg("raw_not_workbook", lang, path=raw))
    if not raw.is_file() and not raw.is_dir():
        raise UsageError(msg("raw_not_file_or_dir", lang, path=raw))
    check_out(args.out, raw if raw.is_dir() else None)
    check_out(args.out, config.RAW_DIR)  # also for one file or another folder: outputs never go into data/raw
    progress = Progress(args.quiet, lang)
    with folder_lock(make_out(args.out)):
        progress.stage("stage_read", path=_shown(raw))
        result = load_submissions(raw, progress=progress.counter("stage_read_files"), jobs=args.jobs)
        progress.stage("stage_write_ingest", path=_shown(args.out))
        try:
            write_ingest_outputs(result, args.out, lang=lang, force=args.force)
        except MCRDataError:
            progress.close()
            print(summary_text(result, args.out, lang).splitlines()[0], file=sys.stderr)
            files = result.files
            for row in files.loc[files["reason"] != "", ["source_file", "reason"]].itertuples(index=False):
                print(msg("ingest_file_reason", lang, file=row.source_file,
                          reason=localise_reason(row.reason, lang)), file=sys.stderr)
            tidy = args.out / OUTPUT_NAMES[0]
            print(msg("cli_error", lang, command=NAME,
                      message=msg("ingest_kept", lang, path=tidy, n=previous_tidy_rows(tidy))), file=sys.stderr)
            return 1
    progress.close()
    print(summary_text(result, args.out, lang))
    if args.strict and len(result.rejects):
        print(f"mcr ingest: {msg('strict_rejects', lang, n=len(result.rejects))}", file=sys.stderr)
        return 1
    return 0



def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is under it, with forward slashes."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return Path(path).as_posix()
