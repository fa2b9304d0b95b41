"""``mcr duplicates``: candidate duplicated or related initiatives across organisms, and their review."""

from __future__ import annotations

import argparse
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.commands._common import lang_of, missing_tidy, usage_error
from mcr_analysis.messages import msg

NAME = "duplicates"
HELP = "list initiatives of different organisms that may duplicate each other, and record reviews"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr duplicates [apply REVIEW.xlsx]``."""
    from mcr_analysis.cli import current_lang

    lang = current_lang()
    p.add_argument("action", nargs="?", choices=("suggest", "apply"), default="suggest",
                   help=msg("opt_action_duplicates", lang))
    p.add_argument("review", nargs="?", type=Path, default=None, help=msg("opt_review", lang))
    p.add_argument("--tidy", type=Path, default=config.TIDY_CSV,
                   help=msg("opt_tidy", lang))
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help=msg("opt_out", lang, path="data/processed"))
    p.add_argument("--reference", type=Path, default=None,
                   help=msg("opt_reference", lang))
    p.add_argument("--threshold", type=float, default=None, help=msg("opt_threshold", lang))
    p.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help=msg("opt_lang_review", lang))


def run(args: argparse.Namespace) -> int:
    """Run ``mcr duplicates``; return the exit status."""
    reference = args.reference or config.reference_dir()
    lang = lang_of(args)
    if args.action == "apply":
        from mcr_analysis.duplicates_review import apply_duplicate_review

        if args.review is None or not args.review.is_file():
            return usage_error(NAME, msg("dup_apply_missing", lang, path=args.review), lang)
        result = apply_duplicate_review(args.review, reference)
        print(msg("dup_applied", lang, decided=result.decided, undecided=result.undecided, path=result.path))
        return 0
    if args.review is not None:
        return usage_error(NAME, msg("dup_unexpected", lang, path=args.review), lang)
    from mcr_analysis import duplicates
    from mcr_analysis.duplicates_review import write_duplicate_review
    from mcr_analysis.ingest import read_tidy
    from mcr_analysis.outputs import atomic_write_text, csv_text

    if missing_tidy(args):
        return 2
    if args.out.exists() and not args.out.is_dir():
        return usage_error(NAME, msg("out_is_file", lang, path=args.out), lang)
    threshold = duplicates.DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if not 0 < threshold <= 1:
        return usage_error(NAME, msg("bad_threshold", lang, value=threshold), lang)
    table = duplicates.find_duplicates(read_tidy(args.tidy), reference_dir=reference, threshold=threshold)
    csv_path = args.out / "mcr_duplicate_candidates.csv"
    atomic_write_text(csv_path, csv_text(table))  # neutralised; a carriage return in a theme round-trips
    xlsx = write_duplicate_review(table, args.out / "mcr_duplicate_review.xlsx", lang=args.lang)
    print(msg("dup_written", lang, n=len(table), csv=csv_path, xlsx=xlsx))
    return 0
