"""Helpers shared by the subcommands of ``mcr``: argument types and usage-error checks.

Every path mistake is found here, before any work starts, and reported as a
usage error (exit status 2) that says what to do: :class:`UsageError` raised by
a check is printed by :func:`mcr_analysis.cli.main` as ``mcr COMMAND: error: ...``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.messages import msg

__all__ = ["UsageError", "formats", "jobs", "out_path", "in_path", "missing_tidy", "usage_error", "check_environment",
           "exists", "check_out", "make_out", "read_tidy_arg",
           "check_round", "lang_of"]

TIDY_SUFFIXES = (".csv", ".parquet")


class UsageError(Exception):
    """A mistake in the command's arguments or environment; the message says what to do."""


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


def out_path(value: str) -> Path:
    """Argument type of ``--out``: a non-blank path (``Path("")`` would silently be the working directory)."""
    if not value.strip():
        raise argparse.ArgumentTypeError(msg("empty_path_out", _lang(), value=repr(value)))
    return Path(value)


def in_path(value: str) -> Path:
    """Argument type of the paths a command reads (``RAW_DIR``, ``--tidy``): a non-blank path."""
    if not value.strip():
        raise argparse.ArgumentTypeError(msg("empty_path_in", _lang(), value=repr(value)))
    return Path(value)


def check_environment(command: str) -> None:
    """Treat an unusable ``SOURCE_DATE_EPOCH`` (empty, blank, not a whole number) as unset, with a note.

    Done once, before any work, for every command; a padded value is stripped.
    Worker processes started later inherit the cleaned environment.
    """
    from mcr_analysis.outputs import epoch_problem

    problem = epoch_problem()
    if problem is not None:
        value = repr(os.environ.get("SOURCE_DATE_EPOCH", ""))
        print(msg("env_epoch_note", _lang(), command=command, value=value), file=sys.stderr)
        del os.environ["SOURCE_DATE_EPOCH"]
    elif "SOURCE_DATE_EPOCH" in os.environ:
        os.environ["SOURCE_DATE_EPOCH"] = os.environ["SOURCE_DATE_EPOCH"].strip()


def exists(path: Path) -> bool:
    """Whether ``path`` exists (a dangling symlink counts); a name the system cannot look up does not."""
    try:
        return path.exists() or path.is_symlink()
    except OSError:  # e.g. a name longer than the file system allows
        return False


def check_out(out: Path, raw: Path | None) -> None:
    """Check that ``out`` can be the output folder; raise :class:`UsageError` saying what to do.

    It must be a folder or creatable as one (no file in the way, an existing
    ancestor we can write to) and, when ``raw`` is given, not inside the raw
    folder (its files would be read back as submissions).  Nothing is created.
    """
    blocker = next((p for p in (out, *out.parents) if exists(p)), None)
    if blocker is not None and not blocker.is_dir():
        if blocker == out:
            raise UsageError(msg("out_file", _lang(), out=out))
        raise UsageError(msg("out_blocked", _lang(), out=out, blocker=blocker))
    if blocker is not None and not os.access(blocker, os.W_OK | os.X_OK):
        raise UsageError(msg("out_not_writable", _lang(), out=out, blocker=blocker))
    if raw is not None and Path(raw).is_dir():
        here, raw_dir = out.resolve(), Path(raw).resolve()
        if here == raw_dir or here.is_relative_to(raw_dir):
            raise UsageError(msg("out_in_raw", _lang(), out=out, raw=raw))


def make_out(out: Path) -> Path:
    """Create output folder ``out`` (after :func:`check_out`); an OS refusal is a :class:`UsageError`."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(msg("out_cannot_create", _lang(), out=out, detail=exc.strerror or exc)) from None
    return out


def _lang() -> str:
    """The ``--lang`` of the command line being parsed (argument types see only their value)."""
    from mcr_analysis import cli

    return cli.current_lang()


def missing_tidy(args: argparse.Namespace) -> bool:
    """Whether ``args.tidy`` is missing (then the usage error is printed)."""
    if exists(args.tidy):
        return False
    usage_error(args.command, msg("missing_tidy", lang_of(args), path=args.tidy), lang_of(args))
    return True


def read_tidy_arg(tidy: Path):
    """Read the ``--tidy`` table; a file that is not a tidy table is a :class:`UsageError`."""
    from mcr_analysis.ingest import read_tidy
    from mcr_analysis.taxonomy import MCRDataError

    if tidy.is_dir():
        raise UsageError(msg("tidy_is_folder", _lang(), path=tidy))
    if tidy.suffix.lower() not in TIDY_SUFFIXES:
        raise UsageError(msg("tidy_bad_suffix", _lang(), path=tidy))
    from mcr_analysis.outputs import JOURNAL_NAME, folder_lock

    if (tidy.parent / JOURNAL_NAME).is_file():  # an interrupted ingest: finish its set before reading
        with folder_lock(tidy.parent):
            pass
    try:
        return read_tidy(tidy)
    except MCRDataError as exc:
        detail = re.sub(r"^not a tidy MCR table[:;] ", "", str(exc).removeprefix(f"{tidy}: "))
        detail = re.sub(r"; (?:expected|run) .*'mcr ingest'.*$", "", detail)  # the message says what to pass
        raise UsageError(msg("tidy_unreadable", _lang(), path=tidy, detail=detail)) from None


def check_round(args: argparse.Namespace, tidy) -> bool:
    """Whether ``args.round`` is ``None`` or a round of ``tidy`` (else the usage error is printed)."""
    from mcr_analysis.sets import sort_rounds

    rounds = sort_rounds(tidy["round"])
    if args.round is None or str(args.round) in rounds:
        return True
    lang = lang_of(args)
    usage_error(args.command, msg("round_not_in_tidy", lang, value=repr(args.round), path=args.tidy,
                                  allowed=", ".join(rounds) or msg("no_rounds", lang)), lang)
    return False
