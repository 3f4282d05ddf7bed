"""The worker processes: one standard process pool, one worker per core, for every command
that lays out, joins or imposes (build and preview alike).

An error comes back one way: the exception the task raised, raised again by
Future.result(). Every worker ends when the command ends, however it ends: the pool is
shut down when its `with` block is left, and while it runs, SIGTERM and SIGHUP (a closed
terminal, a CI time-out) stop the command as Ctrl-C does, by KeyboardInterrupt in the
main process. The workers ignore Ctrl-C (the terminal sends it to them too): the command
shuts them down after the task they are on, so that none is killed half-way through
writing a file.
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import multiprocessing
import os
import signal
import sys
from pathlib import Path

from ..errors import BuildFailed
from ..i18n import _

_STOPPING = (signal.SIGTERM, signal.SIGHUP)


def cores() -> int:
    """The cores this process may use (a container or taskset may allow fewer)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class Pool:
    """A ProcessPoolExecutor whose workers get WeasyPrint and the project's stylesheet
    ready as they start (0.5 s), while the command validates the entries."""

    def __init__(self, root: Path, workers: int | None = None):
        self.root, self.workers = root, workers or cores()
        self.executor: concurrent.futures.ProcessPoolExecutor | None = None
        self.handlers: dict = {}

    def __enter__(self) -> Pool:
        for signum in _STOPPING:
            self.handlers[signum] = signal.signal(signum, _interrupt)
        # fork: a worker starts with the modules already imported (and, in the tests,
        # with what they replaced).
        self.executor = concurrent.futures.ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context("fork"),
            initializer=_get_ready, initargs=(self.root,))
        self.executor.submit(int)  # start the workers now, not at the first part
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        for signum, handler in self.handlers.items():
            signal.signal(signum, handler)
        if isinstance(error, concurrent.futures.process.BrokenProcessPool):
            raise BuildFailed(_("a process that lays out the pages ended unexpectedly (was "
                                "the machine out of memory?); the previous PDFs were "
                                "kept.")) from None

    def submit(self, function, *args) -> concurrent.futures.Future:
        """Run function(*args) in a worker."""
        return self.executor.submit(function, *args)

    def map(self, function, *iterables) -> list:
        """function over the iterables' items in the workers, side by side; the results in
        order. Every task has ended before an error is raised (one of theirs, or Ctrl-C
        here): none is left writing a file that the error's clean-up removes."""
        futures = [self.executor.submit(function, *args) for args in zip(*iterables)]
        try:
            concurrent.futures.wait(futures)
        finally:
            for future in futures:
                future.cancel()
            concurrent.futures.wait(futures)
        return [future.result() for future in futures]


def _interrupt(signum, frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _get_ready(root: Path) -> None:
    """A worker's start: Ctrl-C is the command's to handle; SIGTERM and SIGHUP end the
    worker through Python, so that a file it was writing is removed; WeasyPrint imported
    and the stylesheet read with its fonts."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in _STOPPING:
        signal.signal(signum, lambda *_: sys.exit(1))
    try:
        from . import pdf

        pdf.ready(root)
    except Exception:  # noqa: BLE001 - said again, as an error, when a part is laid out
        pass
