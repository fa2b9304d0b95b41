"""Helpers shared by the subcommands of ``mcr``: argument types and usage-error checks."""

from __future__ import annotations

import argparse
import sys

from mcr_analysis import config
from mcr_analysis.messages import msg

__all__ = ["formats", "jobs", "missing_tidy", "usage_error", "lang_of"]


def lang_of(args: argparse.Namespace) -> str:
    """The language of a command's messages: its ``--lang``, else Spanish."""
    return getattr(args, "lang", None) or config.DEFAULT_LANG


def usage_error(command: str, message: str, lang: str = "es") -> int:
    """Print ``mcr COMMAND: error: MESSAGE`` on stderr and return the usage exit status, 2."""
    print(msg("cli_error", lang, command=command, message=message), file=sys.stderr)
    return 2


def formats(value: str) -> tuple[str, ...]:
    """Argument type of ``--formats``: a comma-separated list among :data:`config.DEFAULT_FORMATS`."""
    items = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    bad = [v for v in items if v not in config.DEFAULT_FORMATS]
    if not items or bad:
        raise argparse.ArgumentTypeError(
            msg("bad_formats", _lang(), value=repr(value), allowed=", ".join(config.DEFAULT_FORMATS)))
    return items


def jobs(value: str) -> int:
    """Argument type of ``--jobs``: a whole number >= 1."""
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(msg("bad_jobs", _lang(), value=repr(value)))
    return n


def _lang() -> str:
    """The ``--lang`` of the command line being parsed (argument types see only their value)."""
    from mcr_analysis import cli

    return cli.current_lang()


def missing_tidy(args: argparse.Namespace) -> bool:
    """Whether ``args.tidy`` is missing (then the usage error is printed)."""
    if args.tidy.is_file():
        return False
    usage_error(args.command, msg("missing_tidy", lang_of(args), path=args.tidy), lang_of(args))
    return True
