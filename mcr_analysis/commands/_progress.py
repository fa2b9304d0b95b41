"""What a long command is doing, on standard error: only the command line reports progress.

Library functions stay silent (nothing of this reaches a notebook's outputs);
they accept an optional ``progress(done, total)`` callback, and the commands
pass :meth:`Progress.counter`.  On a terminal a stage with a count shows a tqdm
bar; otherwise (a pipe, a log file, ``make`` under CI) each stage is one line.
``--quiet`` silences both.

Examples
--------
>>> import io
>>> stream = io.StringIO()
>>> report = Progress(lang="en", stream=stream)
>>> report.stage("stage_scores")
>>> tick = report.counter("stage_draw_cells", 3)
>>> for i in range(3):
...     tick(i + 1, 3)
>>> report.close()
>>> print(stream.getvalue(), end="")
mcr: computing the convergence scores…
mcr: drawing diagrams (3)…
>>> Progress(quiet=True, stream=stream).stage("stage_scores") is None
True
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from mcr_analysis.messages import msg

__all__ = ["Progress"]


class Progress:
    """Stage lines and progress bars of one command run.

    Parameters
    ----------
    quiet : bool
        Print nothing.
    lang : str
        Language of the messages (:mod:`mcr_analysis.messages`).
    stream : file, optional
        Default ``sys.stderr``.
    bar : bool, optional
        Draw tqdm bars; default: when ``stream`` is a terminal.
    """

    def __init__(self, quiet: bool = False, lang: str = "es", stream: TextIO | None = None,
                 bar: bool | None = None):
        self.quiet, self.lang = quiet, lang
        self.stream = stream if stream is not None else sys.stderr
        self.bar = self._isatty() if bar is None else bar
        self._bar = None

    def _isatty(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False

    def stage(self, id_: str, **fields: object) -> None:
        """One line: message ``id_`` (closes a bar still open)."""
        self.close()
        if not self.quiet:
            print(f"mcr: {msg(id_, self.lang, **fields)}", file=self.stream, flush=True)

    def counter(self, id_: str, total: int | None = None) -> Callable[[int, int], None]:
        """A ``progress(done, total)`` callback for a stage of ``total`` steps.

        On a terminal it moves a bar labelled with message ``id_``; otherwise the
        stage is announced once when ``total`` is known (else the stage line before
        it said enough), and the calls print nothing.
        """
        self.close()
        if self.quiet:
            return _ignore
        if not self.bar:
            if total:
                print(f"mcr: {msg(id_, self.lang)} ({total})…", file=self.stream, flush=True)
            return _ignore
        from tqdm import tqdm

        class _Bar(tqdm):
            monitor_interval = 0  # no monitor thread: the ingest forks its workers only beside no thread

        self._bar = _Bar(total=total, desc=f"mcr: {msg(id_, self.lang)}", file=self.stream,
                         leave=False, dynamic_ncols=True, mininterval=0, miniters=1)
        bar = self._bar

        def tick(done: int, total_: int) -> None:
            if bar.total != total_:
                bar.total = total_
            bar.update(done - bar.n)

        return tick

    def close(self) -> None:
        """Close the open bar, if any."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _ignore(done: int, total: int) -> None:
    return None
