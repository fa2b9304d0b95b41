"""Writing outputs safely: a set of files replaced at once, under a lock on their folder.

Every command writes its files as one *output set* (:func:`output_set`):

1. it takes the folder's lock (:func:`folder_lock`, ``fcntl.flock`` on
   ``.mcr.lock`` inside the folder), so a second run into the same folder waits
   up to :data:`LOCK_WAIT` seconds and then stops with :class:`OutputBusyError`;
2. every file is written to a temporary file in its final folder
   (``.mcr-tmp-<token>-<name>``), never to its final name;
3. when all of them are written, each is flushed to disk (``fsync``), a journal
   ``.mcr-pending`` listing the renames is written (and flushed), then each
   temporary file is renamed over its final name (``os.replace``, atomic per
   file), obsolete files of the previous set are removed and the journal is
   deleted.

An interrupted run (``kill -9``, a full disk, an exception) therefore leaves
the previous complete set untouched as long as it stops before the journal is
written, and only invisible temporary files behind.  If it stops during the
renames (a few milliseconds), the folder may briefly hold a mix; the journal
records which files are complete, and the next run that takes the folder's
lock finishes the renames first (:func:`recover`), so the set is complete again
before anything else happens.  Leftover temporary files are removed then too.

The lock is released (and its file removed) when the set is written, so a
finished folder holds only the outputs.  On systems without ``fcntl`` the lock
is a no-op.

CSV text is written by :func:`csv_text`: formula-like text neutralised
(:func:`mcr_analysis.safety.neutralise`), UTF-8, ``\\n`` line ends and every
field that holds a comma, a quote, a line feed *or a carriage return* quoted, so
that any text, control characters and NUL included, parses back exactly.

Examples
--------
>>> import tempfile, pandas as pd
>>> folder = tempfile.mkdtemp()
>>> with output_set(folder) as outs:
...     _ = outs.write_text("a.txt", "new")
>>> sorted(p.name for p in Path(folder).iterdir())
['a.txt']
>>> csv_text(pd.DataFrame({"theme": ["a\\rb", "=1"]})).split("\\n")
['theme', '"a\\rb"', "'=1", '']
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from mcr_analysis.safety import neutralise_frame

try:  # POSIX; elsewhere the lock is a no-op
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = ["LOCK_NAME", "JOURNAL_NAME", "TEMP_PREFIX", "LOCK_WAIT", "OutputBusyError", "OutputSet",
           "folder_lock", "output_set", "atomic_write_bytes", "atomic_write_text", "recover", "csv_text",
           "epoch_problem", "sanitized_epoch"]

LOCK_NAME = ".mcr.lock"
"""Lock file of an output folder (present only while a run writes there)."""
JOURNAL_NAME = ".mcr-pending"
"""Journal of the renames of a set being committed (see :func:`recover`)."""
TEMP_PREFIX = ".mcr-tmp-"
"""Prefix of temporary files; never a final output name."""
LOCK_WAIT = 5.0
"""Seconds a run waits for another run's lock on the same folder before it stops."""

_held: dict[str, list] = {}  # realpath -> [fd, depth]: the lock is re-entrant within a process


class OutputBusyError(RuntimeError):
    """Another run holds the lock of the output folder."""


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms that cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _acquire(folder: Path, wait: float) -> int:
    """Open and lock ``folder/.mcr.lock``; the file we lock is the one at that path."""
    path = folder / LOCK_NAME
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise OutputBusyError(
                    f"{folder} is being written by another mcr run (its lock {LOCK_NAME} is held); "
                    "wait for that run to finish and try again, or choose another output folder with --out"
                ) from None
            time.sleep(0.05)
            continue
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:  # else the holder removed the file as we opened it: lock the new one
            return fd
        os.close(fd)


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike, wait: float | None = None) -> Iterator[Path]:
    """Hold the lock of output ``folder`` (created if missing) for the ``with`` block.

    Re-entrant within a process.  On entry, a set left half-renamed by an
    interrupted run is completed (:func:`recover`).  ``wait`` defaults to
    :data:`LOCK_WAIT` seconds.

    Raises
    ------
    OutputBusyError
        When another process holds the lock for more than ``wait`` seconds.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = os.path.realpath(folder)
    if key in _held:
        _held[key][1] += 1
        try:
            yield folder
        finally:
            _held[key][1] -= 1
        return
    fd = _acquire(folder, LOCK_WAIT if wait is None else wait) if fcntl is not None else None
    _held[key] = [fd, 1]
    try:
        recover(folder)
        yield folder
    finally:
        del _held[key]
        if fd is not None:
            with contextlib.suppress(OSError):
                os.unlink(folder / LOCK_NAME)
            os.close(fd)


def recover(folder: str | os.PathLike) -> list[str]:
    """Finish a set an interrupted run left half-renamed in ``folder``; remove temporary files.

    Call it only while holding the folder's lock (:func:`folder_lock` does).

    Returns
    -------
    list of str
        The output names completed from the journal (usually none).
    """
    folder = Path(folder)
    journal = folder / JOURNAL_NAME
    done = []
    if journal.is_file():
        for line in journal.read_text(encoding="utf-8").splitlines():
            action, _, rest = line.partition("\t")
            if action == "rename":
                temp, _, final = rest.partition("\t")
                if (folder / temp).is_file():
                    os.replace(folder / temp, folder / final)
                    done.append(final)
            elif action == "remove":
                (folder / rest).unlink(missing_ok=True)
        _fsync_dir(folder)
        journal.unlink()
    for leftover in _temp_files(folder, TEMP_PREFIX):
        leftover.unlink()
    (folder / (JOURNAL_NAME + ".tmp")).unlink(missing_ok=True)
    return done


def _temp_files(folder: Path, prefix: str) -> list[Path]:
    """Temporary files named ``prefix*`` in ``folder`` and its direct sub-folders (outputs go no deeper)."""
    if not folder.is_dir():
        return []
    found = [*folder.glob(prefix + "*"), *folder.glob(f"*/{prefix}*")]
    return sorted(p for p in found if p.is_file())


class OutputSet:
    """Files of one output folder written to temporary names, replaced together by :meth:`commit`.

    Use :func:`output_set` rather than this class directly.
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._staged: dict[str, Path] = {}
        self._remove: list[str] = []

    @property
    def prefix(self) -> str:
        """Prefix of this set's temporary file names (a worker writes ``<prefix><name>`` in the folder)."""
        return f"{TEMP_PREFIX}{self.token}-"

    def path(self, name: str) -> Path:
        """The temporary path to write output ``name`` (relative to the folder, may hold ``/``)."""
        name = Path(name).as_posix()
        if name not in self._staged:
            final = self.folder / name
            final.parent.mkdir(parents=True, exist_ok=True)
            self._staged[name] = final.parent / f"{self.prefix}{final.name}"
        return self._staged[name]

    def final(self, name: str) -> Path:
        """The final path of output ``name``."""
        return self.folder / name

    def write_bytes(self, name: str, data: bytes) -> Path:
        """Stage ``data`` as output ``name``; return its final path."""
        self.path(name).write_bytes(data)
        return self.final(name)

    def write_text(self, name: str, text: str) -> Path:
        """Stage UTF-8 ``text`` (``\\n`` line ends kept as they are) as output ``name``."""
        return self.write_bytes(name, text.encode("utf-8"))

    def write_csv(self, name: str, frame: pd.DataFrame, float_format: str | None = None) -> Path:
        """Stage ``frame`` as CSV output ``name`` (see :func:`csv_text`)."""
        return self.write_text(name, csv_text(frame, float_format=float_format))

    def remove(self, name: str) -> None:
        """Delete output ``name`` (a file of the previous set) when the set is committed."""
        self._remove.append(Path(name).as_posix())

    def staged(self) -> list[str]:
        """Names staged so far, in order."""
        return list(self._staged)

    def commit(self) -> list[Path]:
        """Flush every staged file, then rename each over its final name; return the final paths."""
        missing = [name for name, temp in self._staged.items() if not temp.is_file()]
        if missing:
            raise RuntimeError(f"output set in {self.folder}: staged files never written: {missing}")
        for temp in self._staged.values():
            _fsync_file(temp)
        keep = set(self._staged)
        removals = [n for n in dict.fromkeys(self._remove) if n not in keep and (self.folder / n).exists()]
        lines = [f"rename\t{temp.relative_to(self.folder).as_posix()}\t{name}" for name, temp in self._staged.items()]
        lines += [f"remove\t{name}" for name in removals]
        journal = self.folder / JOURNAL_NAME
        pending = self.folder / (JOURNAL_NAME + ".tmp")
        pending.write_text("\n".join(lines) + "\n", encoding="utf-8")
        _fsync_file(pending)
        os.replace(pending, journal)
        folders = {self.folder} | {self.final(n).parent for n in self._staged}
        for folder in sorted(folders):
            _fsync_dir(folder)
        for name, temp in self._staged.items():
            os.replace(temp, self.final(name))
        for name in removals:
            (self.folder / name).unlink(missing_ok=True)
        for folder in sorted(folders):
            _fsync_dir(folder)
        journal.unlink()
        _fsync_dir(self.folder)
        return [self.final(n) for n in self._staged]

    def discard(self) -> None:
        """Remove every staged temporary file (the previous set stays as it was)."""
        for temp in self._staged.values():
            temp.unlink(missing_ok=True)
        for temp in _temp_files(self.folder, self.prefix):  # also files written by workers, not yet staged
            temp.unlink(missing_ok=True)


@contextlib.contextmanager
def output_set(folder: str | os.PathLike, wait: float | None = None) -> Iterator[OutputSet]:
    """Lock ``folder``, collect a set of outputs, and replace them together when the block ends.

    If the block raises (or the process is interrupted), the staged files are
    discarded and the folder keeps its previous set.

    Raises
    ------
    OutputBusyError
        When another run holds the folder's lock (see :func:`folder_lock`).
    """
    with folder_lock(folder, wait):
        outs = OutputSet(folder)
        try:
            yield outs
        except BaseException:
            outs.discard()
            raise
        outs.commit()


def atomic_write_bytes(path: str | os.PathLike, data: bytes, wait: float | None = None) -> Path:
    """Replace the one file ``path`` with ``data`` at once: an output set of one file.

    For a file written on its own (a decision file, a review workbook, the
    files of ``mcr init``); a command's several outputs go through one
    :func:`output_set`.  The folder is created if missing and locked while the
    file is written (see :func:`folder_lock`); an interrupted write leaves the
    previous file as it was.

    Raises
    ------
    OutputBusyError
        When another run holds the folder's lock for more than ``wait`` seconds.

    Examples
    --------
    >>> import tempfile
    >>> path = atomic_write_bytes(Path(tempfile.mkdtemp()) / "new" / "a.bin", b"\\x00\\x01")
    >>> path.read_bytes(), [p.name for p in path.parent.iterdir()]
    (b'\\x00\\x01', ['a.bin'])
    """
    path = Path(path)
    with output_set(path.parent, wait) as outs:
        outs.write_bytes(path.name, data)
    return path


def atomic_write_text(path: str | os.PathLike, text: str, wait: float | None = None) -> Path:
    """:func:`atomic_write_bytes` of ``text`` in UTF-8 (line ends kept as they are)."""
    return atomic_write_bytes(path, text.encode("utf-8"), wait)


def csv_text(frame: pd.DataFrame, float_format: str | None = None) -> str:
    """The CSV text of ``frame``: neutralised, ``\\n`` line ends, round-trip safe for any text.

    pandas (through :mod:`csv`) quotes a field holding the delimiter, the quote
    or the line terminator ``\\n``, but not a lone carriage return, which a
    reader then takes for a line break.  Fields holding ``\\r`` are quoted too
    here; every other character (NUL and other controls included) is written
    as it is, inside quotes when needed.  ``frame`` is not modified.

    Examples
    --------
    >>> print(csv_text(pd.DataFrame({"a": ["x,y", "ok"], "n": [1.5, float("nan")]}), "%.2f"), end="")
    a,n
    "x,y",1.50
    ok,
    """
    safe = neutralise_frame(frame)
    texts = [str(c) for c in safe.columns]
    text_cols = [c for c in safe.columns if safe[c].dtype == object or pd.api.types.is_string_dtype(safe[c])]
    for col in text_cols:
        texts.extend(v for v in safe[col] if isinstance(v, str))
    marker = None
    if any("\r" in t for t in texts):
        joined = "".join(texts)
        free = next((chr(c) for c in range(0xE000, 0xF900) if chr(c) not in joined), None)
        if free is None:  # pragma: no cover - 6400 private-use characters all in use
            raise ValueError("csv_text: no private-use character free to protect carriage returns")
        marker = f"\n{free}\n"  # holds a line feed, so the field is quoted
        for col in text_cols:
            safe[col] = safe[col].map(lambda v: v.replace("\r", marker) if isinstance(v, str) else v)
        safe = safe.rename(columns=lambda c: c.replace("\r", marker) if isinstance(c, str) else c)
    out = safe.to_csv(index=False, lineterminator="\n", float_format=float_format, na_rep="")
    return out.replace(marker, "\r") if marker else out


_EPOCH = re.compile(r"[0-9]{1,12}")


def epoch_problem(environ=None) -> str | None:
    """Why ``SOURCE_DATE_EPOCH`` in ``environ`` (default ``os.environ``) is unusable, or ``None``.

    Unset is fine; a value is usable when it is a whole number of seconds
    (0 to 12 digits, surrounding spaces allowed).  Empty, blank, negative,
    fractional or other text is not: the commands then treat it as unset.

    Examples
    --------
    >>> epoch_problem({}), epoch_problem({"SOURCE_DATE_EPOCH": " 1735689600 "})
    (None, None)
    >>> epoch_problem({"SOURCE_DATE_EPOCH": "abc"})
    "SOURCE_DATE_EPOCH='abc' is not a whole number of seconds"
    """
    env = os.environ if environ is None else environ
    if "SOURCE_DATE_EPOCH" not in env:
        return None
    raw = env["SOURCE_DATE_EPOCH"]
    if _EPOCH.fullmatch(raw.strip()):
        return None
    return f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds"


@contextlib.contextmanager
def sanitized_epoch() -> Iterator[None]:
    """Within the block, an unusable ``SOURCE_DATE_EPOCH`` is unset and a padded one stripped.

    Used around the appendix's worker processes, which inherit the
    environment: numpy's f2py (imported with scipy by matplotlib-venn) reads
    the variable as an integer and would crash on anything else.  The
    environment is restored afterwards.
    """
    old = os.environ.get("SOURCE_DATE_EPOCH")
    if old is not None:
        if epoch_problem() is None:
            os.environ["SOURCE_DATE_EPOCH"] = old.strip()
        else:
            del os.environ["SOURCE_DATE_EPOCH"]
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
