"""Command line: ``python -m mcr_analysis <command>`` (also ``mcr``).

The subcommands live in :mod:`mcr_analysis.commands`, one module each.

Exit status: 0 on success (even with rejected rows, unless ``--strict``),
1 when ``--strict`` finds rejects or a stage fails on its data, 2 on a usage
error, with a message that says what was wrong.
"""

from __future__ import annotations

import argparse
import sys

from mcr_analysis.commands import COMMANDS
from mcr_analysis.commands._common import UsageError, check_environment, usage_error
from mcr_analysis.outputs import OutputBusyError
from mcr_analysis.taxonomy import MCRDataError

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``mcr`` command."""
    parser = argparse.ArgumentParser(
        prog="mcr",
        description="Matriz de Convergencia Regional: ingest submissions, score convergence, "
        "draw the appendix diagrams.",
    )
    names = ",".join(c.NAME for c in COMMANDS)
    sub = parser.add_subparsers(dest="command", required=True, metavar="{" + names + "}")
    for command in COMMANDS:
        command.add_arguments(sub.add_parser(command.NAME, help=command.HELP))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    command = {c.NAME: c for c in COMMANDS}[args.command]
    try:
        check_environment(args.command)
        return command.run(args)
    except (UsageError, OutputBusyError) as exc:
        return usage_error(args.command, str(exc))
    except (MCRDataError, FileNotFoundError) as exc:
        print(f"mcr {args.command}: error: {exc}", file=sys.stderr)
        return 1
