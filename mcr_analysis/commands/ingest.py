"""``mcr ingest``: load the submissions into the tidy, rejects and report outputs."""

from __future__ import annotations

import argparse
import sys

from mcr_analysis import config
from mcr_analysis.messages import msg
from mcr_analysis.commands._common import UsageError, check_out, exists, in_path, make_out, out_path

NAME = "ingest"
HELP = "load the Excel submissions into the tidy and rejects tables"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr ingest``."""
    from mcr_analysis.cli import current_lang

    lang = current_lang()
    p.add_argument("raw_dir", nargs="?", type=in_path, default=config.RAW_DIR,
                   help="folder (or one .xlsx file) of submissions; default: data/raw")
    p.add_argument("--out", type=out_path, default=config.PROCESSED_DIR,
                   help="output folder; default: data/processed")
    p.add_argument("--strict", action="store_true", help="exit 1 when any row is rejected")
    p.add_argument("--force", action="store_true",
                   help="write the outputs even when no row was loaded, replacing a previous non-empty tidy table")
    p.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
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

    raw = args.raw_dir
    if not exists(raw):
        raise UsageError(f"{raw} does not exist; expected a folder of .xlsx submissions or one .xlsx file")
    if raw.is_file() and raw.suffix.lower() not in (*readers.WORKBOOK_SUFFIXES, ".xls"):
        raise UsageError(f"{raw} is not a workbook; expected a folder of .xlsx submissions or one .xlsx file")
    if not raw.is_file() and not raw.is_dir():
        raise UsageError(f"{raw} is neither a folder nor a file; expected a folder of .xlsx submissions "
                         "or one .xlsx file")
    check_out(args.out, raw if raw.is_dir() else None)
    check_out(args.out, config.RAW_DIR)  # also for one file or another folder: outputs never go into data/raw
    with folder_lock(make_out(args.out)):
        result = load_submissions(raw)
        try:
            write_ingest_outputs(result, args.out, lang=args.lang, force=args.force)
        except MCRDataError as exc:
            print(summary_text(result, args.out).splitlines()[0], file=sys.stderr)
            files = result.files
            for row in files.loc[files["reason"] != "", ["source_file", "reason"]].itertuples(index=False):
                print(f"  {row.source_file}: {row.reason}", file=sys.stderr)
            print(f"mcr ingest: error: {exc}", file=sys.stderr)
            return 1
    print(summary_text(result, args.out))
    if args.strict and len(result.rejects):
        print(f"mcr ingest: --strict: {len(result.rejects)} rejected rows", file=sys.stderr)
        return 1
    return 0


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is under it, with forward slashes."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return Path(path).as_posix()
