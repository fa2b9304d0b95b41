"""``mcr scores``: convergence, pairwise and shared-theme tables from the tidy table."""

from __future__ import annotations

import argparse
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.commands._common import missing_tidy
from mcr_analysis.commands._progress import Progress
from mcr_analysis.messages import msg

NAME = "scores"
HELP = "convergence, pairwise and shared-theme tables"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr scores``."""
    from mcr_analysis.cli import current_lang

    lang = current_lang()
    p.add_argument("--tidy", type=Path, default=config.TIDY_CSV,
                   help=msg("opt_tidy", lang))
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help=msg("opt_out", lang, path="data/processed"))
    p.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help=msg("opt_lang_scores", lang))


def run(args: argparse.Namespace) -> int:
    """Run ``mcr scores``; return the exit status."""
    from mcr_analysis.export import write_score_outputs
    from mcr_analysis.ingest import read_tidy
    from mcr_analysis.scores import score_tables

    if missing_tidy(args):
        return 2
    report = Progress(args.quiet, args.lang)
    report.stage("stage_scores")
    tables = score_tables(read_tidy(args.tidy))
    report.stage("stage_write_scores", path=args.out)
    written = write_score_outputs(tables, args.out, lang=args.lang)
    for path in written:
        print(msg("wrote", args.lang, path=path))
    return 0
