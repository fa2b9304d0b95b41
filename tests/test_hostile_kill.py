"""Issue 10: ``kill -9`` of a real ``mcr ingest`` at several points never damages the previous outputs.

The ingest runs through the command line in a child process on a folder big
enough that writing its set takes a while (the tidy workbook of 1,500 rows), and
is killed with SIGKILL:

1. while it holds the output folder's lock, before any output is staged;
2. as soon as its first temporary file appears;
3. once four temporary files are staged (the tidy workbook still being written);
4. as soon as its rename journal appears (or, if the poll misses it, when it ends).

After kills 1-3 the folder's outputs are byte for byte the previous set.  The
journal (kill 4) is written only when every new file is complete: from then on
the next run into the folder finishes the renames first, so the folder then
holds exactly the previous set or exactly the new one, never a mix.  A last
ingest recovers and writes the same set as an uninterrupted run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_corpus import HEADER, ROWS, _big_sheet, _text_rows, sheet_xml, write_xlsx

from mcr_analysis import outputs
from mcr_analysis.report import OUTPUT_NAMES

ROOT = Path(__file__).resolve().parent.parent


def _start(raw: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.Popen([sys.executable, "-m", "mcr_analysis", "ingest", str(raw), "--out", str(out), "-q"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _ingest(raw: Path, out: Path) -> None:
    child = _start(raw, out)
    _, err = child.communicate(timeout=600)
    assert child.returncode == 0, err.decode()[-2000:]


def _set(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_NAMES}


def _lock_held(out: Path) -> bool:
    try:
        fd = os.open(out / outputs.LOCK_NAME, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _temps(out: Path, pid: int) -> list[str]:
    return [p.name for p in out.iterdir() if p.name.startswith(f"{outputs.TEMP_PREFIX}{pid}-")]


POINTS = {
    "lock held": lambda out, pid: _lock_held(out),
    "first temporary file": lambda out, pid: len(_temps(out, pid)) >= 1,
    "four temporary files": lambda out, pid: len(_temps(out, pid)) >= 4,
}


def _kill_when(child: subprocess.Popen, ready) -> bool:
    """SIGKILL ``child`` as soon as ``ready()``; False if it ended first (bounded polling, no timing assertion)."""
    try:
        while child.poll() is None:
            if ready():
                os.kill(child.pid, signal.SIGKILL)
                child.wait()
                return True
            time.sleep(0.001)
        return False
    finally:
        with contextlib.suppress(ProcessLookupError):
            child.kill()
        child.communicate()


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """The previous set (of a small raw folder), a big raw folder, and the big one's uninterrupted set."""
    tmp = tmp_path_factory.mktemp("kill")
    small = tmp / "small"
    write_xlsx(small / "2024" / "CAN_matriz_2024.xlsx", {"Matriz": sheet_xml(_text_rows([HEADER] + ROWS))})
    big = tmp / "big"
    write_xlsx(big / "2024" / "AEC_big.xlsx", {"Matriz": _big_sheet(1500, 40)})
    reference, previous = tmp / "reference", tmp / "previous"
    _ingest(big, reference)
    _ingest(small, previous)
    return previous, big, _set(reference)


@pytest.mark.parametrize("point", list(POINTS))
def test_kill_9_before_the_journal_leaves_the_previous_set_byte_identical(tmp_path, folders, point):
    previous, big, new = folders
    out = tmp_path / "processed"
    shutil.copytree(previous, out)
    old = _set(out)
    assert old["mcr_tidy.csv"] != new["mcr_tidy.csv"]
    child = _start(big, out)
    assert _kill_when(child, lambda: POINTS[point](out, child.pid)), "the ingest ended before the kill point"
    assert child.returncode == -signal.SIGKILL
    assert _set(out) == old
    assert not (out / outputs.JOURNAL_NAME).exists()
    leftovers = {p.name for p in out.iterdir()} - set(OUTPUT_NAMES)
    assert all(n.startswith(outputs.TEMP_PREFIX) or n == outputs.LOCK_NAME for n in leftovers), leftovers
    # A later run recovers (sweeps the temporary files) and writes the complete new set.
    _ingest(big, out)
    assert _set(out) == new
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_NAMES)


def test_kill_9_at_the_journal_leaves_the_previous_or_the_new_set_never_a_mix(tmp_path, folders):
    previous, big, new = folders
    out = tmp_path / "processed"
    shutil.copytree(previous, out)
    old = _set(out)
    child = _start(big, out)
    _kill_when(child, lambda: (out / outputs.JOURNAL_NAME).exists())
    with outputs.folder_lock(out):  # what the next run into the folder does first
        pass
    assert _set(out) in (old, new)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_NAMES)
