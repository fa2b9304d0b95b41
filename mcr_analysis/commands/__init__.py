"""The subcommands of ``mcr``, one module each.

Each module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; :data:`COMMANDS` lists them in the order ``mcr --help``
shows them.  A new subcommand is a new module and one line here.
"""

from __future__ import annotations

from mcr_analysis.commands import appendix, check, compare, duplicates, ingest, scores, template, themes

COMMANDS = [
    ingest,
    scores,
    appendix,
    compare,
    themes,
    duplicates,
    template,
    check,
]
