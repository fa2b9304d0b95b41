"""``mcr check``: check one submission before sending it; write an annotated copy."""

from __future__ import annotations

import argparse
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.commands._common import usage_error

NAME = "check"
HELP = "check one submission as its sender would; write <name>_revisado.xlsx with the problems marked"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr check``."""
    from mcr_analysis.cli import current_lang
    from mcr_analysis.messages import msg

    lang = current_lang()
    p.add_argument("file", type=Path, metavar=msg("metavar_file", lang), help=msg("opt_check_file", lang))
    p.add_argument("--lang", choices=("es", "en", "pt"), default=config.DEFAULT_LANG,
                   help=msg("opt_check_lang", lang))
    p.add_argument("--round", dest="round_", metavar="ROUND", default=None,
                   help=msg("opt_check_round", lang))
    p.add_argument("--out", type=Path, default=Path("."),
                   help=msg("opt_check_out", lang))


def run(args: argparse.Namespace) -> int:
    """Run ``mcr check``; return 0 when clean, 1 when there are problems, 2 on a usage error."""
    from mcr_analysis.check import check_file, summary_text, write_reviewed_copy
    from mcr_analysis.messages import msg

    lang = args.lang
    if not args.file.exists():
        return usage_error(NAME, msg("chk_usage_missing", lang, file=args.file), lang)
    if args.file.is_dir():
        return usage_error(NAME, msg("chk_usage_folder", lang, file=args.file), lang)
    if args.out.exists() and not args.out.is_dir():
        return usage_error(NAME, msg("chk_usage_out_file", lang, out=args.out), lang)
    if args.out.resolve().is_relative_to(config.RAW_DIR.resolve()):
        return usage_error(NAME, msg("chk_usage_raw", lang, out=args.out, raw=config.RAW_DIR), lang)
    checked = check_file(args.file, lang=lang, round_=args.round_)
    copy = write_reviewed_copy(checked, args.out)
    print(summary_text(checked, copy))
    return 0 if checked.clean else 1
