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
    p.add_argument("--tidy", type=Path, default=config.TIDY_CSV,
                   help="tidy table written by 'ingest'; default: data/processed/mcr_tidy.csv")
    p.add_argument("--out", type=Path, default=config.APPENDIX_DIR,
                   help="output folder; default: figures/appendix")
    p.add_argument("--formats", type=formats, default=config.DEFAULT_FORMATS,
                   help="comma-separated among svg,pdf,png; default: all three")
    p.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help="language of titles and labels; default: es")
    p.add_argument("--kind", choices=KINDS, default="auto",
                   help="diagram kind: auto (Venn up to 5 organisms, UpSet above), venn or upset")
    p.add_argument("--jobs", type=jobs, default=None,
                   help="parallel rendering processes; default: all cores")
    p.add_argument("--source-line", default=None,
                   help="text of the source line under each figure; default: the standard one")


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
