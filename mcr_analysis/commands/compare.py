"""``mcr compare``: what changed from one round to the next (initiatives, participation, scores)."""

from __future__ import annotations

import argparse
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.commands._common import formats, missing_tidy
from mcr_analysis.messages import msg

NAME = "compare"
HELP = "compare two rounds: initiatives added/removed/changed, silent organisms, score changes"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr compare``."""
    from mcr_analysis.cli import current_lang

    lang = current_lang()
    p.add_argument("--from", dest="round_from", default=None,
                   help=msg("opt_from", lang))
    p.add_argument("--to", dest="round_to", default=None, help=msg("opt_to", lang))
    p.add_argument("--tidy", type=Path, default=config.TIDY_CSV,
                   help=msg("opt_tidy", lang))
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help=msg("opt_out", lang, path="data/processed"))
    p.add_argument("--figures", type=Path, default=config.FIGURES_DIR / "compare",
                   help=msg("opt_figures", lang))
    p.add_argument("--formats", type=formats, default=("svg", "png"),
                   help=msg("opt_formats_compare", lang))
    p.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help=msg("opt_lang_compare", lang))


def run(args: argparse.Namespace) -> int:
    """Run ``mcr compare``; return the exit status (1 when a round is missing or has no previous one)."""
    import sys

    from mcr_analysis import compare, compare_plots, plots, taxonomy
    from mcr_analysis.compare_export import write_compare_outputs
    from mcr_analysis.ingest import read_tidy

    if missing_tidy(args):
        return 2
    tidy = read_tidy(args.tidy)
    try:
        tables = compare.compare_rounds(tidy, args.round_from, args.round_to)
    except taxonomy.MCRDataError as exc:
        print(msg("cli_error", args.lang, command=NAME, message=exc), file=sys.stderr)
        return 1
    for path in write_compare_outputs(tables, args.out, lang=args.lang):
        print(msg("wrote", args.lang, path=path))
    round_from, round_to = compare.resolve_rounds(tidy, args.round_from, args.round_to)
    args.figures.mkdir(parents=True, exist_ok=True)
    axes = [a for a in taxonomy.axes().ids if (tables["scores"]["axis"] == a).any()]
    from matplotlib.figure import Figure

    with plots.style():
        for axis in axes:
            page = compare_plots.axis_comparison(tables, axis, lang=args.lang,
                                                 fig=Figure(figsize=(6.3, 4.72), layout="constrained"))
            stem = compare_plots.figure_name(axis, round_from, round_to)
            for fmt in args.formats:
                plots.save_figure(page.fig, args.figures / f"{stem}.{fmt}", fmt)
    print(msg("compare_figures", args.lang, n=len(axes), path=args.figures))
    return 0
