"""``mcr themes``: suggest theme merges for review (``suggest``) and record the reviewed decisions (``apply``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.commands._common import missing_tidy, usage_error

NAME = "themes"
HELP = "suggest theme merges for an analyst to review, and record the reviewed decisions"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr themes suggest`` and ``mcr themes apply``."""
    sub = p.add_subparsers(dest="action", required=True, metavar="{suggest,apply}")
    s = sub.add_parser("suggest", help="write mcr_theme_suggestions.csv and the review workbook")
    s.add_argument("--tidy", type=Path, default=config.TIDY_CSV,
                   help="tidy table written by 'ingest'; default: data/processed/mcr_tidy.csv")
    s.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help="output folder; default: data/processed")
    s.add_argument("--reference", type=Path, default=None,
                   help="the project's decisions folder; default: data/reference")
    s.add_argument("--threshold", type=float, default=None, help="link score (0-1); default: the documented one")
    s.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help="language of the review workbook; default: es")
    a = sub.add_parser("apply", help="record a reviewed mcr_theme_review.xlsx in data/reference")
    a.add_argument("review", type=Path, help="the reviewed workbook")
    a.add_argument("--reference", type=Path, default=None,
                   help="the project's decisions folder; default: data/reference")


def run(args: argparse.Namespace) -> int:
    """Run ``mcr themes``; return the exit status."""
    reference = args.reference or config.reference_dir()
    if args.action == "apply":
        from mcr_analysis.themes_review import apply_theme_review

        if not args.review.is_file():
            return usage_error("themes", f"{args.review} does not exist; expected the reviewed "
                               "mcr_theme_review.xlsx")
        result = apply_theme_review(args.review, reference)
        print(f"{result.accepted} accepted, {result.refused} refused, {result.undecided} undecided; "
              f"wrote {result.synonyms} and {result.refusals}")
        return 0
    from mcr_analysis import themes
    from mcr_analysis.ingest import read_tidy
    from mcr_analysis.outputs import atomic_write_text, csv_text
    from mcr_analysis.themes_review import write_theme_review

    if missing_tidy(args):
        return 2
    if args.out.exists() and not args.out.is_dir():
        return usage_error("themes", f"--out {args.out} is a file; expected a folder")
    threshold = themes.DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if not 0 < threshold <= 1:
        return usage_error("themes", f"--threshold {threshold}: expected a number in (0, 1]")
    table = themes.suggest_themes(read_tidy(args.tidy), reference_dir=reference, threshold=threshold)
    csv_path = args.out / "mcr_theme_suggestions.csv"
    atomic_write_text(csv_path, csv_text(table))  # neutralised; a carriage return in a theme round-trips
    xlsx = write_theme_review(table, args.out / "mcr_theme_review.xlsx", lang=args.lang)
    print(f"{table['cluster'].nunique() if len(table) else 0} clusters of {len(table)} themes; "
          f"wrote {csv_path} and {xlsx}")
    return 0
