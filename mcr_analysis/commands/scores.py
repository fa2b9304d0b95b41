"""``mcr scores``: convergence, pairwise and shared-theme tables from the tidy table."""

from __future__ import annotations

import argparse
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.commands._common import missing_tidy

NAME = "scores"
HELP = "convergence, pairwise and shared-theme tables"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr scores``."""
    p.add_argument("--tidy", type=Path, default=config.TIDY_CSV,
                   help="tidy table written by 'ingest'; default: data/processed/mcr_tidy.csv")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help="output folder; default: data/processed")
    p.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help="language of the analysts' workbook mcr_scores.xlsx; default: es")
    p.add_argument("--round", default=None,
                   help="round to score (a sub-folder of data/raw), or 'all' for every round; default: the latest")


def run(args: argparse.Namespace) -> int:
    """Run ``mcr scores``; return the exit status."""
    from mcr_analysis.export import write_score_outputs
    from mcr_analysis.ingest import read_tidy
    from mcr_analysis.scores import score_tables

    from mcr_analysis.commands._common import check_round
    from mcr_analysis.sets import latest_round

    if missing_tidy(args):
        return 2
    tidy = read_tidy(args.tidy)
    if args.round != "all":
        if not check_round(args, tidy):
            return 2
        chosen = latest_round(tidy["round"]) if args.round is None else str(args.round)
        tidy = tidy.loc[tidy["round"].astype(str) == chosen] if chosen is not None else tidy
    tables = score_tables(tidy)
    written = write_score_outputs(tables, args.out, lang=args.lang)
    for path in written:
        print(f"wrote {path}")
    return 0
