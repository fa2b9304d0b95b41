"""Reading and validating submission files in worker processes, one file per task.

Internal to :mod:`mcr_analysis.ingest`.  python-calamine holds the
interpreter lock while it builds a sheet's cells, so threads cannot read one
file while another is validated; processes can.  :func:`run_ordered` runs a
job on each task in forked worker processes and yields the results in task
order, so the outputs are the same as when each file is loaded in turn.

The workers are forked, all at the start, from a process that runs no
other thread (forking beside other threads can deadlock the child; in a
Jupyter kernel, which runs several, :func:`process_count` answers 1 and the
loader reads in its own process).  Only Linux forks here.  A worker that
ends abruptly (killed, out of memory, a fault in a native reader) costs only
its file: the job's ``crashed`` result stands for it and a new worker takes
the remaining tasks.  Workers ignore Ctrl-C (the parent stops them) and the
kernel ends them when the parent dies.

Examples
--------
>>> list(run_ordered(abs, [-3, 2, -1], processes=1))
[3, 2, 1]
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import wait
from pathlib import Path

from mcr_analysis.ingest import readers

__all__ = ["READERS", "PROCESS_BYTES", "process_count", "run_ordered"]

READERS = 2
"""Most worker processes: each holds one file's cells, as many as the reading threads did before."""
PROCESS_BYTES = 256 * 1024
"""Bytes on disk of the workbooks from which worker processes pay for their start (measured: at
1,000 initiatives, 116 KB, two workers were no faster than one process; at 10,000, 420 KB, they
were 0.41 s against 0.49 s)."""
_PR_SET_PDEATHSIG = 1


def usable_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def process_count(paths: list[Path], jobs: int | None = None) -> int:
    """How many worker processes load ``paths``; 1 means in this process.

    Parameters
    ----------
    paths : list of Path
        The files to read (their ``.xlsx``/``.xlsm`` bytes decide, when ``jobs`` is None).
    jobs : int, optional
        Asked for: 1 reads in this process; None chooses (at most
        :data:`READERS`, one per usable CPU, when the files hold at least
        :data:`PROCESS_BYTES`).  Never more than one per file.

    Examples
    --------
    >>> process_count([Path("a.xlsx")], jobs=4)
    1
    >>> process_count([Path("a.xlsx"), Path("b.xlsx")], jobs=1)
    1
    """
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    if len(paths) < 2 or jobs == 1 or not can_fork():
        return 1
    if jobs is None:
        if readers.workbook_bytes(paths) < PROCESS_BYTES:
            return 1
        jobs = min(READERS, usable_cpus())
    return max(1, min(jobs, len(paths)))


def can_fork() -> bool:
    """True on Linux when this process runs no other thread (then forking is safe)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def run_ordered(job: Callable, tasks: Iterable, processes: int, crashed: Callable | None = None) -> Iterator:
    """Yield ``job(task)`` for each task, in task order, computed by ``processes`` forked workers.

    Parameters
    ----------
    job : callable
        A module-level function; its results must pickle.  An exception it
        raises is raised here, as when it runs in this process.
    tasks : iterable
        Its arguments, one call each; they must pickle.
    processes : int
        Worker processes; 1 (or a process that cannot fork) runs ``job`` here.
    crashed : callable, optional
        ``crashed(task, exitcode)`` gives the result for a task whose worker
        ended before answering (``exitcode`` negative: the signal); without
        it, that ends the run with :class:`ChildProcessError`.
    """
    tasks = list(tasks)
    if processes <= 1 or len(tasks) < 2 or not can_fork():
        yield from map(job, tasks)
        return
    pool = _Pool(job, min(processes, len(tasks)))
    try:
        yield from pool.results(tasks, crashed)
    finally:
        pool.close()


class _Worker:
    def __init__(self, ctx, job: Callable):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, job, os.getpid()), daemon=True,
                                name="mcr-ingest-worker")
        self.proc.start()
        child.close()
        self.task: int | None = None


class _Pool:
    """Workers forked up front; each is given its next task when it answers the previous one."""

    def __init__(self, job: Callable, processes: int):
        self.job = job
        self.ctx = multiprocessing.get_context("fork")
        self.workers = [_Worker(self.ctx, job) for _ in range(processes)]

    def results(self, tasks: list, crashed: Callable | None) -> Iterator:
        done: dict[int, object] = {}
        queue = iter(range(len(tasks)))
        left = len(tasks)
        for w in self.workers:
            self._give(w, queue, tasks)
        nxt = 0
        while left:
            busy = [w for w in self.workers if w.task is not None]
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy])
            for w in busy:
                if w.conn not in ready and w.proc.sentinel not in ready:
                    continue
                i = w.task
                try:
                    ok, value = w.conn.recv() if w.conn.poll() else (None, None)
                except (EOFError, OSError):
                    ok, value = None, None
                if ok is None:  # the worker ended before answering
                    w.proc.join()
                    if crashed is None:
                        raise ChildProcessError(f"a worker process ended abruptly (exit code {w.proc.exitcode})")
                    done[i] = crashed(tasks[i], w.proc.exitcode)
                    w.conn.close()
                    self.workers[self.workers.index(w)] = w = _Worker(self.ctx, self.job)
                elif not ok:
                    raise value
                else:
                    done[i] = value
                left -= 1
                w.task = None
                self._give(w, queue, tasks)
            while nxt in done:
                yield done.pop(nxt)
                nxt += 1

    @staticmethod
    def _give(w: _Worker, queue, tasks: list) -> None:
        i = next(queue, None)
        if i is not None:
            w.task = i
            try:
                w.conn.send((i, tasks[i]))
            except OSError:  # it has just ended: its sentinel says so
                pass

    def close(self) -> None:
        """End the workers: idle ones are told to stop, busy ones (the run was cut short) are killed."""
        for w in self.workers:
            if w.task is not None:
                w.proc.kill()
                continue
            try:
                w.conn.send(None)
            except OSError:
                pass
        for w in self.workers:
            w.proc.join(timeout=5)
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join()
            w.conn.close()


def _serve(conn, job: Callable, parent: int) -> None:
    """A worker's loop: run ``job`` on each task received, answer ``(ok, result or exception)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    gc.disable()  # as in the loader: millions of small acyclic objects
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        _i, task = message
        try:
            answer = (True, job(task))
        except Exception as exc:  # raised again in the parent
            answer = (False, exc)
        try:
            conn.send(answer)
        except Exception as exc:  # an answer that does not pickle
            conn.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to end this process when the parent dies (Linux), and end now if it has."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(0)
