"""``mcr ingest``: load the submissions into the tidy, rejects and report outputs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.commands._common import usage_error
from mcr_analysis.commands._progress import Progress
from mcr_analysis.messages import msg

NAME = "ingest"
HELP = "load the Excel submissions into the tidy and rejects tables"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr ingest``."""
    from mcr_analysis.cli import current_lang

    lang = current_lang()
    p.add_argument("raw_dir", nargs="?", type=Path, default=config.RAW_DIR,
                   help=msg("opt_raw_dir", lang))
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help=msg("opt_out", lang, path="data/processed"))
    p.add_argument("--strict", action="store_true", help=msg("opt_strict", lang))
    p.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help=msg("opt_lang_report", lang))


def run(args: argparse.Namespace) -> int:
    """Run ``mcr ingest``; return the exit status."""
    from mcr_analysis.ingest import load_submissions
    from mcr_analysis.report import OUTPUT_NAMES, write_ingest_outputs

    lang = args.lang
    if not args.raw_dir.exists():
        return usage_error(NAME, msg("missing_raw", lang, path=args.raw_dir), lang)
    if args.out.exists() and not args.out.is_dir():
        return usage_error(NAME, msg("out_is_file", lang, path=args.out), lang)
    report = Progress(args.quiet, lang)
    report.stage("stage_read", path=_shown(args.raw_dir))
    result = load_submissions(args.raw_dir, progress=report.counter("stage_read_files"))
    report.stage("stage_write_ingest", path=_shown(args.out))
    write_ingest_outputs(result, args.out, lang=lang)
    status = result.files["status"]
    print(msg("ingest_summary", lang, files=len(result.files), loaded=int((status == "loaded").sum()),
              rejected=int((status == "rejected").sum()), unreadable=int((status == "unreadable").sum()),
              tidy=len(result.tidy), rejects=len(result.rejects),
              skipped=int((result.sheets["status"] == "skipped").sum())))
    print(msg("ingest_outputs", lang, path=_shown(args.out), names=", ".join(OUTPUT_NAMES)))
    if args.strict and len(result.rejects):
        print(msg("cli_error", lang, command=NAME, message=msg("strict_rejects", lang, n=len(result.rejects))),
              file=sys.stderr)
        return 1
    return 0


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is under it, with forward slashes."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return Path(path).as_posix()
