"""``mcr duplicates``: candidate duplicated or related initiatives across organisms, and their review."""

from __future__ import annotations

import argparse
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.commands._common import missing_tidy, usage_error

NAME = "duplicates"
HELP = "list initiatives of different organisms that may duplicate each other, and record reviews"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr duplicates [apply REVIEW.xlsx]``."""
    p.add_argument("action", nargs="?", choices=("suggest", "apply"), default="suggest",
                   help="suggest (default) or apply a reviewed workbook")
    p.add_argument("review", nargs="?", type=Path, default=None, help="with apply: the reviewed workbook")
    p.add_argument("--tidy", type=Path, default=config.TIDY_CSV,
                   help="tidy table written by 'ingest'; default: data/processed/mcr_tidy.csv")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help="output folder; default: data/processed")
    p.add_argument("--reference", type=Path, default=None,
                   help="the project's decisions folder; default: data/reference")
    p.add_argument("--threshold", type=float, default=None, help="candidate score (0-1); default: the documented one")
    p.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help="language of the review workbook; default: es")


def run(args: argparse.Namespace) -> int:
    """Run ``mcr duplicates``; return the exit status."""
    reference = args.reference or config.reference_dir()
    if args.action == "apply":
        from mcr_analysis.duplicates_review import apply_duplicate_review

        if args.review is None or not args.review.is_file():
            return usage_error("duplicates", f"apply needs the reviewed mcr_duplicate_review.xlsx; "
                               f"{args.review} does not exist")
        result = apply_duplicate_review(args.review, reference)
        print(f"{result.decided} decided, {result.undecided} undecided; wrote {result.path}")
        return 0
    if args.review is not None:
        return usage_error("duplicates", f"unexpected argument {args.review}; a workbook goes with 'apply'")
    from mcr_analysis import duplicates
    from mcr_analysis.duplicates_review import write_duplicate_review
    from mcr_analysis.ingest import read_tidy
    from mcr_analysis.outputs import atomic_write_text, csv_text

    if missing_tidy(args):
        return 2
    if args.out.exists() and not args.out.is_dir():
        return usage_error("duplicates", f"--out {args.out} is a file; expected a folder")
    threshold = duplicates.DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if not 0 < threshold <= 1:
        return usage_error("duplicates", f"--threshold {threshold}: expected a number in (0, 1]")
    table = duplicates.find_duplicates(read_tidy(args.tidy), reference_dir=reference, threshold=threshold)
    csv_path = args.out / "mcr_duplicate_candidates.csv"
    atomic_write_text(csv_path, csv_text(table))  # neutralised; a carriage return in a theme round-trips
    xlsx = write_duplicate_review(table, args.out / "mcr_duplicate_review.xlsx", lang=args.lang)
    print(f"{len(table)} candidate pairs; wrote {csv_path} and {xlsx}")
    return 0
