"""``mcr scores``: convergence, pairwise and shared-theme tables from the tidy table."""

from __future__ import annotations

import argparse

from mcr_analysis import config
from mcr_analysis.commands._progress import Progress
from mcr_analysis.messages import msg
from mcr_analysis.commands._common import check_out, in_path, make_out, missing_tidy, out_path, read_tidy_arg

NAME = "scores"
HELP = "convergence, pairwise and shared-theme tables"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr scores``."""
    from mcr_analysis.cli import current_lang

    lang = current_lang()
    p.add_argument("--tidy", type=in_path, default=config.TIDY_CSV,
                   help=msg("opt_tidy", lang))
    p.add_argument("--out", type=out_path, default=config.PROCESSED_DIR,
                   help=msg("opt_out", lang, path="data/processed"))
    p.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help=msg("opt_lang_scores", lang))
    p.add_argument("--round", default=None,
                   help=msg("opt_round_scores", lang))


def run(args: argparse.Namespace) -> int:
    """Run ``mcr scores``; return the exit status."""
    from mcr_analysis.export import write_score_outputs
    from mcr_analysis.outputs import folder_lock
    from mcr_analysis.scores import score_tables

    from mcr_analysis.commands._common import check_round
    from mcr_analysis.sets import latest_round

    if missing_tidy(args):
        return 2
    from mcr_analysis.duplicates import find_duplicates

    check_out(args.out, config.RAW_DIR)
    tidy = read_tidy_arg(args.tidy)
    if args.round != "all":
        if not check_round(args, tidy):
            return 2
        chosen = latest_round(tidy["round"]) if args.round is None else str(args.round)
        tidy = tidy.loc[tidy["round"].astype(str) == chosen] if chosen is not None else tidy
    progress = Progress(args.quiet, args.lang)
    with folder_lock(make_out(args.out)):
        progress.stage("stage_scores")
        tables = score_tables(tidy)
        progress.stage("stage_duplicates")
        tables["duplicates"] = find_duplicates(tidy, reference_dir=config.reference_dir())  # a workbook sheet
        progress.stage("stage_write_scores", path=args.out.as_posix())
        written = write_score_outputs(tables, args.out, lang=args.lang)
    for path in written:
        print(msg("wrote", args.lang, path=path))
    return 0
