"""``mcr themes``: suggest theme merges for review (``suggest``) and record the reviewed decisions (``apply``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.commands._common import lang_of, missing_tidy, usage_error
from mcr_analysis.messages import msg

NAME = "themes"
HELP = "suggest theme merges for an analyst to review, and record the reviewed decisions"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr themes suggest`` and ``mcr themes apply``."""
    from mcr_analysis.cli import _Parser, current_lang

    lang = current_lang()
    sub = p.add_subparsers(dest="action", required=True, metavar="{suggest,apply}", parser_class=_Parser)
    s = sub.add_parser("suggest", help=msg("help_themes_suggest", lang), lang=lang)
    s.add_argument("--tidy", type=Path, default=config.TIDY_CSV,
                   help=msg("opt_tidy", lang))
    s.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help=msg("opt_out", lang, path="data/processed"))
    s.add_argument("--reference", type=Path, default=None,
                   help=msg("opt_reference", lang))
    s.add_argument("--threshold", type=float, default=None, help=msg("opt_threshold", lang))
    s.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help=msg("opt_lang_review", lang))
    a = sub.add_parser("apply", help=msg("help_themes_apply", lang), lang=lang)
    a.add_argument("review", type=Path, help=msg("opt_review_themes", lang))
    a.add_argument("--reference", type=Path, default=None,
                   help=msg("opt_reference", lang))
    a.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help=msg("init_lang_help", lang, allowed="es, en"))


def run(args: argparse.Namespace) -> int:
    """Run ``mcr themes``; return the exit status."""
    reference = args.reference or config.reference_dir()
    lang = lang_of(args)
    if args.action == "apply":
        from mcr_analysis.themes_review import apply_theme_review

        if not args.review.is_file():
            return usage_error(NAME, msg("themes_apply_missing", lang, path=args.review), lang)
        result = apply_theme_review(args.review, reference)
        print(msg("themes_applied", lang, accepted=result.accepted, refused=result.refused,
                  undecided=result.undecided, synonyms=result.synonyms, refusals=result.refusals))
        return 0
    from mcr_analysis import themes
    from mcr_analysis.ingest import read_tidy
    from mcr_analysis.outputs import atomic_write_text, csv_text
    from mcr_analysis.themes_review import write_theme_review

    if missing_tidy(args):
        return 2
    if args.out.exists() and not args.out.is_dir():
        return usage_error(NAME, msg("out_is_file", lang, path=args.out), lang)
    threshold = themes.DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if not 0 < threshold <= 1:
        return usage_error(NAME, msg("bad_threshold", lang, value=threshold), lang)
    table = themes.suggest_themes(read_tidy(args.tidy), reference_dir=reference, threshold=threshold)
    csv_path = args.out / "mcr_theme_suggestions.csv"
    atomic_write_text(csv_path, csv_text(table))  # neutralised; a carriage return in a theme round-trips
    xlsx = write_theme_review(table, args.out / "mcr_theme_review.xlsx", lang=args.lang)
    print(msg("themes_written", lang, clusters=table["cluster"].nunique() if len(table) else 0, n=len(table),
              csv=csv_path, xlsx=xlsx))
    return 0
