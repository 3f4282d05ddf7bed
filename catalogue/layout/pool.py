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
    """A ProcessPoolExecutor, its workers started at once. A worker imports WeasyPrint and
    reads the stylesheet with its fonts (0.5 s or more) when it first lays out a part, so
    that a build that lays out nothing (warm) loses no time to it; with ready (preview,
    which lays out a spread), it does so at once, while the command validates the entries.
    A warm build of 100 entries took 3.4-4.3 s instead of 7.0 s with the workers getting
    ready as they started (alternating runs, 7 December 2026)."""

    def __init__(self, root: Path, workers: int | None = None, ready: bool = False):
        self.root, self.workers, self.ready = root, workers or cores(), ready
        self.executor: concurrent.futures.ProcessPoolExecutor | None = None
        self.handlers: dict = {}

    def __enter__(self) -> Pool:
        for signum in _STOPPING:
            self.handlers[signum] = signal.signal(signum, _interrupt)
        # fork: a worker starts with the modules already imported (and, in the tests,
        # with what they replaced).
        self.executor = concurrent.futures.ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context("fork"),
            initializer=_start)
        # Start the workers now, not at the first part (a forked worker starts with what
        # this process imported so far).
        self.executor.submit(_get_ready if self.ready else int, self.root)
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


def _start() -> None:
    """A worker's start: Ctrl-C is the command's to handle; SIGTERM and SIGHUP end the
    worker through Python, so that a file it was writing is removed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in _STOPPING:
        signal.signal(signum, lambda *_: sys.exit(1))


def _get_ready(root: Path) -> None:
    """WeasyPrint imported and the stylesheet read with its fonts, before the first part."""
    try:
        from . import pdf

        pdf.ready(root)
    except Exception:  # noqa: BLE001 - said again, as an error, when a part is laid out
        pass
