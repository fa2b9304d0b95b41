"""``mcr appendix``: one diagram per non-empty axis x criterion cell, the book's appendix."""

from __future__ import annotations

import argparse

from mcr_analysis import config
from mcr_analysis.commands._progress import Progress
from mcr_analysis.messages import msg
from mcr_analysis.commands._common import (
    check_out, formats, in_path, jobs, make_out, missing_tidy, out_path, read_tidy_arg,
)

NAME = "appendix"
HELP = "draw one diagram per non-empty axis x criterion cell"
KINDS = ("auto", "venn", "upset")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr appendix``."""
    from mcr_analysis.cli import current_lang

    lang = current_lang()
    p.add_argument("--tidy", type=in_path, default=config.TIDY_CSV,
                   help=msg("opt_tidy", lang))
    p.add_argument("--out", type=out_path, default=config.APPENDIX_DIR,
                   help=msg("opt_out_appendix", lang))
    p.add_argument("--round", default=None, help=msg("opt_round", lang))
    p.add_argument("--formats", type=formats, default=config.DEFAULT_FORMATS,
                   help=msg("opt_formats", lang))
    p.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help=msg("opt_lang_figures", lang))
    p.add_argument("--kind", choices=KINDS, default="auto",
                   help=msg("opt_kind", lang))
    p.add_argument("--jobs", type=jobs, default=None,
                   help=msg("opt_jobs", lang))
    p.add_argument("--source-line", default=None,
                   help=msg("opt_source_line", lang))


def run(args: argparse.Namespace) -> int:
    """Run ``mcr appendix``; return the exit status."""
    from mcr_analysis.appendix import build_appendix
    from mcr_analysis.outputs import folder_lock

    if missing_tidy(args):
        return 2
    from mcr_analysis.appendix import round_folder
    from mcr_analysis.commands._common import check_round

    check_out(args.out, config.RAW_DIR)
    tidy = read_tidy_arg(args.tidy)
    if not check_round(args, tidy):
        return 2
    folder = round_folder(tidy, args.out, args.round)
    progress = Progress(args.quiet, args.lang)
    with folder_lock(make_out(args.out)):
        progress.stage("stage_draw", path=folder.as_posix())
        manifest = build_appendix(
            tidy, args.out, formats=args.formats, lang=args.lang,
            kind=args.kind, jobs=args.jobs, source_line=args.source_line, round=args.round,
            progress=progress.counter("stage_draw_cells"),
        )
    progress.close()
    print(msg("appendix_summary", args.lang, n=len(manifest), path=folder.as_posix()))
    return 0
