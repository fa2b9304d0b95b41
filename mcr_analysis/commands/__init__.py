"""The subcommands of ``mcr``, one module each.

Each module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; :data:`COMMANDS` lists them in the order ``mcr --help``
shows them.  A new subcommand is a new module and one line here.
"""

from __future__ import annotations

from mcr_analysis.commands import appendix, brief, ingest, init, scores

COMMANDS = [
    init,
    ingest,
    scores,
    appendix,
    brief,
]
