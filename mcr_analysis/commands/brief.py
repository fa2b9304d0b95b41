"""``mcr brief``: the HTML seminar brief of one axis (notebook 4.0 run with papermill).

The one command line of the brief (``python -m mcr_analysis.brief`` runs this
same command); the runner is :func:`mcr_analysis.brief_run.make_brief`.

Every value is checked before a kernel starts: an unknown axis, language or
round is a usage error (exit 2) naming the allowed values.  Needs the
``[notebooks]`` extra; without it the command says so and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mcr_analysis import config, taxonomy
from mcr_analysis.brief_display import PAPERS
from mcr_analysis.commands._common import lang_of, usage_error
from mcr_analysis.commands._progress import Progress
from mcr_analysis.messages import LANGS, msg

NAME = "brief"
HELP = "seminar brief of one axis as one HTML page"
EXTRA_MODULES = ("papermill", "nbconvert", "jinja2", "ipykernel")
"""What the brief imports from the ``[notebooks]`` extra."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr brief``."""
    from mcr_analysis.cli import current_lang

    lang = current_lang()
    p.add_argument("--axis", required=True, help=msg("brief_axis_help", lang, allowed=", ".join(taxonomy.axes().ids)))
    p.add_argument("--round", default=None, help=msg("brief_round_help", lang))
    p.add_argument("--lang", default=config.DEFAULT_LANG,
                   help=msg("brief_lang_help", lang, allowed=", ".join(taxonomy.LANGS)))
    p.add_argument("--out", type=Path, default=None, help=msg("brief_out_help", lang))
    p.add_argument("--paper", default="a4", choices=sorted(PAPERS),
                   help=msg("brief_paper_help", lang, allowed=", ".join(sorted(PAPERS))))


def rounds(raw_dir: Path) -> list[str]:
    """The rounds under ``raw_dir``: its sub-folders holding at least one file the loader reads, sorted.

    Any submission the loader reads counts (``.xlsx``, ``.ods``, ``.csv``...:
    :data:`mcr_analysis.ingest.readers.SUPPORTED_SUFFIXES`).
    """
    from mcr_analysis.ingest.readers import SUPPORTED_SUFFIXES

    if not raw_dir.is_dir():
        return []
    return sorted(d.name for d in raw_dir.iterdir()
                  if d.is_dir() and any(f.suffix.lower() in SUPPORTED_SUFFIXES for f in d.rglob("*") if f.is_file()))


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()


def run(args: argparse.Namespace) -> int:
    """Run ``mcr brief``; return the exit status."""
    from mcr_analysis.sets import latest_round

    lang = args.lang if args.lang in LANGS else config.DEFAULT_LANG
    if args.lang not in taxonomy.LANGS:
        return usage_error(NAME, msg("unknown_lang", lang, value=repr(args.lang),
                                     allowed=", ".join(taxonomy.LANGS)), lang)
    if args.axis not in taxonomy.axes().ids:
        return usage_error(NAME, msg("unknown_axis", lang, value=repr(args.axis),
                                     allowed=", ".join(taxonomy.axes().ids)), lang)
    found, raw = rounds(config.RAW_DIR), _shown(config.RAW_DIR)
    if args.round is not None and args.round not in found:
        return usage_error(NAME, msg("unknown_round", lang, value=repr(args.round), path=raw,
                                     allowed=", ".join(found) or msg("no_rounds", lang)), lang)
    for module in EXTRA_MODULES:
        try:
            __import__(module)
        except ImportError:
            print(msg("cli_error", lang, command=NAME, message=msg("brief_missing_extra", lang, module=module)),
                  file=sys.stderr)
            return 1
    from papermill.exceptions import PapermillExecutionError

    from mcr_analysis.brief_display import relative
    from mcr_analysis.brief_run import make_brief

    round_ = args.round or latest_round(found)
    if round_ is None:
        return usage_error(NAME, msg("no_round_data", lang, path=raw), lang)
    Progress(args.quiet, lang_of(args)).stage("stage_brief_run", axis=args.axis, round=round_)
    try:
        path = make_brief(args.axis, round_, args.lang, args.out, paper=args.paper)
    except PapermillExecutionError as exc:
        print(msg("cli_error", lang, command=NAME,
                  message=msg("brief_notebook_failed", lang, error=f"{exc.ename}: {exc.evalue}")),
              file=sys.stderr)
        return 1
    print(msg("wrote", lang, path=relative(path)))
    return 0
