"""Helpers shared by the subcommands of ``mcr``: argument types and usage-error checks."""

from __future__ import annotations

import argparse
import sys

from mcr_analysis import config

__all__ = ["formats", "jobs", "missing_tidy", "usage_error", "check_round"]


def usage_error(command: str, message: str) -> int:
    """Print ``mcr COMMAND: error: MESSAGE`` on stderr and return the usage exit status, 2."""
    print(f"mcr {command}: error: {message}", file=sys.stderr)
    return 2


def formats(value: str) -> tuple[str, ...]:
    """Argument type of ``--formats``: a comma-separated list among :data:`config.DEFAULT_FORMATS`."""
    items = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    bad = [v for v in items if v not in config.DEFAULT_FORMATS]
    if not items or bad:
        raise argparse.ArgumentTypeError(
            f"invalid formats {value!r}: expected a comma-separated list of "
            f"{', '.join(config.DEFAULT_FORMATS)}"
        )
    return items


def jobs(value: str) -> int:
    """Argument type of ``--jobs``: a whole number >= 1."""
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"invalid --jobs {value!r}: expected a whole number >= 1")
    return n


def missing_tidy(args: argparse.Namespace) -> bool:
    """Whether ``args.tidy`` is missing (then the usage error is printed)."""
    if args.tidy.is_file():
        return False
    usage_error(args.command, f"{args.tidy} does not exist; expected the tidy table "
                "written by 'mcr ingest' (run it first, or pass --tidy FILE)")
    return True


def check_round(args: argparse.Namespace, tidy) -> bool:
    """Whether ``args.round`` is ``None`` or a round of ``tidy`` (else the usage error is printed)."""
    from mcr_analysis.sets import sort_rounds

    rounds = sort_rounds(tidy["round"])
    if args.round is None or str(args.round) in rounds:
        return True
    usage_error(args.command, f"--round {args.round!r} is not in {args.tidy}; rounds found: "
                f"{', '.join(rounds) or 'none'}")
    return False
