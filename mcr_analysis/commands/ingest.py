"""``mcr ingest``: load the submissions into the tidy, rejects and report outputs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.commands._common import usage_error

NAME = "ingest"
HELP = "load the Excel submissions into the tidy and rejects tables"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr ingest``."""
    p.add_argument("raw_dir", nargs="?", type=Path, default=config.RAW_DIR,
                   help="folder (or one .xlsx file) of submissions; default: data/raw")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help="output folder; default: data/processed")
    p.add_argument("--strict", action="store_true", help="exit 1 when any row is rejected")
    p.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help="language of the validation report; default: es")


def run(args: argparse.Namespace) -> int:
    """Run ``mcr ingest``; return the exit status."""
    from mcr_analysis.ingest import load_submissions
    from mcr_analysis.report import summary_text, write_ingest_outputs

    if not args.raw_dir.exists():
        return usage_error("ingest", f"{args.raw_dir} does not exist; expected a folder of "
                           ".xlsx submissions or one .xlsx file")
    if args.out.exists() and not args.out.is_dir():
        return usage_error("ingest", f"--out {args.out} is a file; expected a folder")
    result = load_submissions(args.raw_dir)
    write_ingest_outputs(result, args.out, lang=args.lang)
    print(summary_text(result, args.out))
    if args.strict and len(result.rejects):
        print(f"mcr ingest: --strict: {len(result.rejects)} rejected rows", file=sys.stderr)
        return 1
    return 0
