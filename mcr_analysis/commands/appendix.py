"""``mcr appendix``: one diagram per non-empty axis x criterion cell, the book's appendix."""

from __future__ import annotations

import argparse
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.commands._common import formats, jobs, missing_tidy
from mcr_analysis.commands._progress import Progress
from mcr_analysis.messages import msg

NAME = "appendix"
HELP = "draw one diagram per non-empty axis x criterion cell"
KINDS = ("auto", "venn", "upset")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr appendix``."""
    from mcr_analysis.cli import current_lang

    lang = current_lang()
    p.add_argument("--tidy", type=Path, default=config.TIDY_CSV,
                   help=msg("opt_tidy", lang))
    p.add_argument("--out", type=Path, default=config.APPENDIX_DIR,
                   help=msg("opt_out", lang, path="figures/appendix"))
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
    from mcr_analysis.ingest import read_tidy

    if missing_tidy(args):
        return 2
    report = Progress(args.quiet, args.lang)
    report.stage("stage_draw", path=args.out)
    manifest = build_appendix(
        read_tidy(args.tidy), args.out, formats=args.formats, lang=args.lang,
        kind=args.kind, jobs=args.jobs, source_line=args.source_line,
        progress=report.counter("stage_draw_cells"),
    )
    report.close()
    print(msg("appendix_summary", args.lang, n=len(manifest), path=args.out))
    return 0
