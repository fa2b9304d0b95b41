"""Command line: ``mcr <command>`` (also ``python -m mcr_analysis <command>``).

The subcommands live in :mod:`mcr_analysis.commands`, one module each.
``mcr`` alone prints the help; ``mcr --version`` the version.

Exit status, the same for every command: 0 on success (even with rejected
rows, unless ``mcr ingest --strict``), 1 when a stage fails on its data (or
``--strict`` finds rejects), 2 on a usage error, with a message that says what
was wrong and, for a value, which values are allowed.

Messages follow ``--lang`` (Spanish by default; :mod:`mcr_analysis.messages`),
including argparse's own usage errors and help headings.  Progress goes to
standard error (:mod:`mcr_analysis.commands._progress`); ``--quiet`` silences it.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

from mcr_analysis import __version__
from mcr_analysis.commands import COMMANDS
from mcr_analysis.commands._common import UsageError, check_environment, usage_error
from mcr_analysis.outputs import OutputBusyError
from mcr_analysis.messages import LANGS, msg
from mcr_analysis.taxonomy import MCRDataError

__all__ = ["main", "build_parser", "argv_lang", "current_lang"]

_LANG = ["es"]


def current_lang() -> str:
    """The language of the command line being run (for argument types, which see only their value)."""
    return _LANG[-1]


def argv_lang(argv: list[str]) -> str:
    """The language asked for with ``--lang`` in ``argv``, if valid, else Spanish.

    Read before parsing, so that the parser itself (help, usage errors) speaks it.

    Examples
    --------
    >>> argv_lang(["scores", "--lang", "en"]), argv_lang(["brief", "--lang=pt"]), argv_lang(["x", "--lang", "fr"])
    ('en', 'pt', 'es')
    """
    for i, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None)
        if value in LANGS:
            return value
    return "es"


_ARGPARSE_ERRORS = [
    (re.compile(r"argument (?P<argument>\S+?): invalid choice: (?P<value>'[^']*') \(choose from (?P<allowed>.*)\)$"),
     "cli_invalid_choice"),
    (re.compile(r"unrecognized arguments: (?P<arguments>.*)$"), "cli_unrecognized"),
    (re.compile(r"the following arguments are required: (?P<arguments>.*)$"), "cli_required"),
    (re.compile(r"argument (?P<argument>\S+?): expected one argument$"), "cli_expected_one"),
]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose headings and usage errors follow ``lang``; errors exit 2."""

    def __init__(self, *args, lang: str = "es", **kwargs):
        self.lang = lang
        super().__init__(*args, add_help=False, formatter_class=_formatter(lang), **kwargs)
        self._positionals.title = msg("cli_positionals", lang)
        self._optionals.title = msg("cli_options", lang)
        self.add_argument("-h", "--help", action="help", help=msg("cli_help", lang))

    def error(self, message: str):
        for pattern, id_ in _ARGPARSE_ERRORS:
            found = pattern.match(message)
            if found:
                fields = found.groupdict()
                if "allowed" in fields:
                    fields["allowed"] = ", ".join(v.strip(" '") for v in fields["allowed"].split(","))
                message = msg(id_, self.lang, **fields)
                break
        self.print_usage(sys.stderr)
        command = self.prog.removeprefix("mcr").strip()
        line = msg("cli_error", self.lang, command=command, message=message)
        self.exit(2, (line if command else line.replace("mcr :", "mcr:")) + "\n")


def _formatter(lang: str) -> type[argparse.HelpFormatter]:
    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage, actions, groups, prefix=None):
            return super().add_usage(usage, actions, groups, prefix=msg("cli_usage", lang))

    return Formatter


def build_parser(lang: str = "es") -> argparse.ArgumentParser:
    """The argument parser of the ``mcr`` command, its texts in ``lang``."""
    parser = _Parser(prog="mcr", description=msg("cli_description", lang), epilog=msg("cli_epilog", lang),
                     lang=lang)
    parser.add_argument("--version", action="version", version=f"mcr {__version__}",
                        help=msg("cli_version", lang))
    names = ",".join(c.NAME for c in COMMANDS)
    sub = parser.add_subparsers(dest="command", metavar="{" + names + "}", title=msg("cli_commands", lang),
                                parser_class=_Parser, required=True)
    for command in COMMANDS:
        help_ = _help(command, lang)
        p = sub.add_parser(command.NAME, prog=f"mcr {command.NAME}", help=help_, description=help_, lang=lang)
        command.add_arguments(p)
        p.add_argument("-q", "--quiet", action="store_true", help=msg("cli_quiet", lang))
    return parser


def _help(command, lang: str) -> str:
    try:
        return msg(f"help_{command.NAME}", lang)
    except MCRDataError:
        return command.HELP


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    lang = argv_lang(argv)
    _LANG.append(lang)
    try:
        return _run(argv, lang)
    except BrokenPipeError:
        # the reader of our output went away (``mcr check F | head -1``): stop quietly, as
        # Python's documentation recommends, so the interpreter's final flush does not fail
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    finally:
        _LANG.pop()


def _run(argv: list[str], lang: str) -> int:
    parser = build_parser(lang)
    if not argv:
        parser.print_help(sys.stdout)
        return 0
    args = parser.parse_args(argv)
    command = {c.NAME: c for c in COMMANDS}[args.command]
    try:
        check_environment(args.command)
        return command.run(args)
    except UsageError as exc:
        return usage_error(args.command, str(exc), lang)
    except OutputBusyError as exc:
        return usage_error(args.command, _busy(exc, lang), lang)
    except (MCRDataError, FileNotFoundError) as exc:
        print(msg("cli_error", lang, command=f"{args.command}", message=_data_error(exc, lang)), file=sys.stderr)
        return 1


def _busy(exc: OutputBusyError, lang: str) -> str:
    """The busy-folder message of :mod:`mcr_analysis.outputs` in ``lang``."""
    found = re.match(r"(?P<path>.*) is being written by another mcr run \(its lock (?P<lock>\S+) is held\)", str(exc))
    return msg("out_busy", lang, **found.groupdict()) if found else str(exc)


def _data_error(exc: Exception, lang: str) -> str:
    """A library's data error in ``lang`` when it is one of the loader's reasons (a file that cannot be read)."""
    from mcr_analysis.reasons import localise, reason_id

    text = str(exc)
    file, sep, rest = text.partition(": ")
    for candidate, prefix in ((rest, f"{file}: ") if sep else (text, ""), (text, "")):
        if reason_id(candidate) != "r_untranslated":
            return prefix + localise(candidate, lang)
    return text
