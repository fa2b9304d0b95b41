"""Command line: ``python -m mcr_analysis {ingest,scores,appendix}`` (also ``mcr``).

Exit status: 0 on success (even with rejected rows, unless ``--strict``),
1 when ``--strict`` finds rejects or a stage fails on its data, 2 on a usage
error, with a message that says what was wrong.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.taxonomy import MCRDataError

__all__ = ["main", "build_parser"]

KINDS = ("auto", "venn", "upset")


def _formats(value: str) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    bad = [v for v in items if v not in config.DEFAULT_FORMATS]
    if not items or bad:
        raise argparse.ArgumentTypeError(
            f"invalid formats {value!r}: expected a comma-separated list of "
            f"{', '.join(config.DEFAULT_FORMATS)}"
        )
    return items


def _jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"invalid --jobs {value!r}: expected a whole number >= 1")
    return n


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``mcr`` command."""
    parser = argparse.ArgumentParser(
        prog="mcr",
        description="Matriz de Convergencia Regional: ingest submissions, score convergence, "
        "draw the appendix diagrams.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="{ingest,scores,appendix}")

    p = sub.add_parser("ingest", help="load the Excel submissions into the tidy and rejects tables")
    p.add_argument("raw_dir", nargs="?", type=Path, default=config.RAW_DIR,
                   help="folder (or one .xlsx file) of submissions; default: data/raw")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help="output folder; default: data/processed")
    p.add_argument("--strict", action="store_true", help="exit 1 when any row is rejected")
    p.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help="language of the validation report; default: es")

    p = sub.add_parser("scores", help="convergence, pairwise and shared-theme tables")
    p.add_argument("--tidy", type=Path, default=config.TIDY_CSV,
                   help="tidy table written by 'ingest'; default: data/processed/mcr_tidy.csv")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help="output folder; default: data/processed")
    p.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help="language of the analysts' workbook mcr_scores.xlsx; default: es")

    p = sub.add_parser("appendix", help="draw one diagram per non-empty axis x criterion cell")
    p.add_argument("--tidy", type=Path, default=config.TIDY_CSV,
                   help="tidy table written by 'ingest'; default: data/processed/mcr_tidy.csv")
    p.add_argument("--out", type=Path, default=config.APPENDIX_DIR,
                   help="output folder; default: figures/appendix")
    p.add_argument("--formats", type=_formats, default=config.DEFAULT_FORMATS,
                   help="comma-separated among svg,pdf,png; default: all three")
    p.add_argument("--lang", choices=("es", "en"), default=config.DEFAULT_LANG,
                   help="language of titles and labels; default: es")
    p.add_argument("--kind", choices=KINDS, default="auto",
                   help="diagram kind: auto (Venn up to 5 organisms, UpSet above), venn or upset")
    p.add_argument("--jobs", type=_jobs, default=None,
                   help="parallel rendering processes; default: all cores")
    p.add_argument("--source-line", default=None,
                   help="text of the source line under each figure; default: the standard one")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "ingest":
            return _ingest(args)
        if args.command == "scores":
            return _scores(args)
        return _appendix(args)
    except (MCRDataError, FileNotFoundError) as exc:
        print(f"mcr {args.command}: error: {exc}", file=sys.stderr)
        return 1


def _ingest(args: argparse.Namespace) -> int:
    from mcr_analysis.ingest import load_submissions
    from mcr_analysis.report import summary_text, write_ingest_outputs

    if not args.raw_dir.exists():
        print(f"mcr ingest: error: {args.raw_dir} does not exist; expected a folder of "
              ".xlsx submissions or one .xlsx file", file=sys.stderr)
        return 2
    if args.out.exists() and not args.out.is_dir():
        print(f"mcr ingest: error: --out {args.out} is a file; expected a folder", file=sys.stderr)
        return 2
    result = load_submissions(args.raw_dir)
    write_ingest_outputs(result, args.out, lang=args.lang)
    print(summary_text(result, args.out))
    if args.strict and len(result.rejects):
        print(f"mcr ingest: --strict: {len(result.rejects)} rejected rows", file=sys.stderr)
        return 1
    return 0


def _missing_tidy(args: argparse.Namespace) -> bool:
    if args.tidy.is_file():
        return False
    print(f"mcr {args.command}: error: {args.tidy} does not exist; expected the tidy table "
          "written by 'mcr ingest' (run it first, or pass --tidy FILE)", file=sys.stderr)
    return True


def _scores(args: argparse.Namespace) -> int:
    from mcr_analysis.export import write_score_outputs
    from mcr_analysis.ingest import read_tidy
    from mcr_analysis.scores import score_tables

    if _missing_tidy(args):
        return 2
    tables = score_tables(read_tidy(args.tidy))
    written = write_score_outputs(tables, args.out, lang=args.lang)
    for path in written:
        print(f"wrote {path}")
    return 0


def _appendix(args: argparse.Namespace) -> int:
    from mcr_analysis.appendix import build_appendix
    from mcr_analysis.ingest import read_tidy

    if _missing_tidy(args):
        return 2
    manifest = build_appendix(
        read_tidy(args.tidy), args.out, formats=args.formats, lang=args.lang,
        kind=args.kind, jobs=args.jobs, source_line=args.source_line,
    )
    print(f"wrote {len(manifest)} diagrams, manifest.csv and appendix.pdf to {args.out}")
    return 0
