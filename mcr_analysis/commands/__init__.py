"""The subcommands of ``mcr``, one module each.

Each module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; :data:`COMMANDS` lists them in the order ``mcr --help``
shows them.  A new subcommand is a new module and one line here.
"""

from __future__ import annotations

from mcr_analysis.commands import appendix, brief, check, compare, duplicates, ingest, init, scores, template, themes

COMMANDS = [
    init,
    ingest,
    scores,
    appendix,
    compare,
    brief,
    themes,
    duplicates,
    template,
    check,
]
