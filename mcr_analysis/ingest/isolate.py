"""Read a workbook that cannot be checked beforehand in a child process with resource limits.

Internal to :mod:`mcr_analysis.ingest`.  A legacy ``.xls`` is a binary file,
an ``.ods`` can repeat a cell 16,384 times across and a row a million times
down in a few bytes of ``content.xml``: neither can be bounded before
python-calamine reads it.  :func:`read_isolated` runs calamine in a fresh
interpreter (``python -I``, standard library and calamine only) limited to
the memory budget and a CPU time, so a file that would make it abort or run
forever is a file-level reject and the rest of the folder loads.
"""

from __future__ import annotations

import pickle
import signal
import subprocess
import sys
from pathlib import Path

from mcr_analysis.ingest.limits import Limits

CHILD = Path(__file__).with_name("_isolated_read.py")
"""The script the child runs."""
BASE_MEMORY = 256 * 1024**2
"""Address space the child interpreter and calamine need besides the file's grids."""


def read_isolated(path: Path, limits: Limits) -> tuple[list[tuple], str]:
    """``(name, grid, merges, visible)`` of each worksheet of ``path``, or ``[]`` and why not."""
    memory = BASE_MEMORY + limits.memory_budget
    cpu = max(1, int(limits.timeout_seconds))
    try:
        done = subprocess.run([sys.executable, "-I", str(CHILD), str(path), str(memory), str(cpu)],
                              capture_output=True, timeout=limits.timeout_seconds + 5, check=False)
    except subprocess.TimeoutExpired:
        return [], (f"refused: reading it took more than {limits.timeout_seconds:g} seconds (the time limit per "
                    "file); open it in Excel and save it as .xlsx")
    if done.returncode < 0 or done.returncode in (134, 137):
        sig = -done.returncode if done.returncode < 0 else done.returncode - 128
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        return [], (f"refused: the reader stopped ({name}) over the memory budget of {limits.memory_budget} "
                    f"bytes or the time limit of {limits.timeout_seconds:g} seconds; the file may hold cells "
                    "far from its data: open it in Excel, delete them and save it as .xlsx")
    if done.returncode:
        lines = [ln for ln in done.stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
        last = lines[-1] if lines else f"exit status {done.returncode}"
        if "MemoryError" in last:
            return [], (f"refused: reading it needs more than the memory budget of {limits.memory_budget} "
                        "bytes; open it in Excel, delete what is not the matrix and save it as .xlsx")
        return [], f"not a readable workbook: {last}; open it in Excel or LibreOffice and save it as .xlsx"
    return pickle.loads(done.stdout), ""  # noqa: S301 - written by our own child script
