"""The processes that lay out parts, one per core; build.py's _Runner decides what they do.

Getting a worker ready (WeasyPrint imported, the stylesheet read with its fonts) takes
0.45 s of processor time. So the first worker is forked as the command starts, before the
command imports what validates and renders (`catalogue build` starts it so; see start),
gets ready on the core the command leaves free, and then forks the others, which start
ready: one import for all workers instead of one each. They take their tasks from one
queue, so that whichever is free takes the next.

Everything here is fork-based and Linux-first, as the pool it replaces was (fork: a worker
starts with the modules loaded, and in the tests with whatever they replaced).
"""

from __future__ import annotations

import fcntl
import gc
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
from pathlib import Path
from typing import Callable

from . import layout

_ROOT: Path | None = None  # the project the workers of this process lay out


class Workers:
    """count worker processes for the project at root, forked now (see the module)."""

    def __init__(self, root: Path, count: int):
        context = multiprocessing.get_context("fork")
        self.root, self.count = root, count
        tasks_in, self._tasks = context.Pipe(duplex=False)
        self._results, results_out = context.Pipe(duplex=False)
        for pipe in (self._tasks, self._results):
            _roomy(pipe)
        self._stopping = context.Event()  # tasks sent but not begun are then skipped
        lives = [os.pipe() for _ in range(count)]  # readable here once a worker is gone
        self._lives = [read for read, _ in lives]
        self._first = context.Process(
            target=_first_worker, daemon=True,
            args=(root, tasks_in, results_out, context.Lock(), context.Lock(),
                  self._stopping, [write for _, write in lives]))
        self._first.start()
        for _, write in lives:
            os.close(write)
        tasks_in.close()
        results_out.close()
        self._sent = 0

    def submit(self, function: Callable, *args) -> int:
        """Have a worker run function(*args); returns the task's number (see finished)."""
        self._sent += 1
        self._tasks.send((self._sent, function, args))
        return self._sent

    def finished(self, wait: bool = True) -> list[tuple[int, object]]:
        """The tasks done since last asked, (number, what the function returned), waiting
        for one if none is (and wait). What a task raised is raised here; a worker that
        ended (killed, or crashed in C code) as RuntimeError."""
        done: list[tuple[int, object]] = []
        while True:
            if not self._results.poll():
                if done or not wait:
                    return done
                ready = multiprocessing.connection.wait([self._results, *self._lives])
                if self._results not in ready:
                    raise RuntimeError("a worker process that lays out parts ended")
            try:
                message = self._results.recv()
            except EOFError:
                raise RuntimeError("the worker processes that lay out parts ended") from None
            if message[0] == "ready":
                continue
            elif message[1]:
                done.append((message[0], message[2]))
            else:
                raise message[2]

    def stop(self, wait: bool) -> None:
        """Stop the workers. wait: tasks were sent; one a worker began is finished first
        (a worker killed while it writes would leave a temporary file behind), one not
        begun is skipped. Else they end at once, also one still getting ready (the first
        ends the others it forked, see _first_worker)."""
        self._stopping.set()
        try:
            for _ in range(self.count):
                self._tasks.send(None)  # a worker forked later reads one too, and ends
        except OSError:
            pass  # they have all ended
        if wait:
            while self._first.is_alive():  # what they still send is not wanted
                if self._results.poll(0.02):
                    try:
                        self._results.recv()
                    except EOFError:
                        break
        else:
            self._first.terminate()
        self._first.join()
        self._tasks.close()
        self._results.close()
        for life in self._lives:
            os.close(life)


def _roomy(pipe) -> None:
    """A pipe that holds 1 MB (Linux; 64 KB is the default): the command sends up to two
    parts per worker (a spread's job is 20 KB, the register's more) without waiting for
    a worker to take one."""
    try:
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (AttributeError, OSError):
        pass  # another system, or a lower limit: sending waits now and then


def _first_worker(root, tasks, results, take, give, stopping, lives) -> None:
    """The first worker's life: get ready, fork the others, then serve like them. Told to
    end at once (SIGTERM, Workers.stop), it ends the others first, so that none is left
    without the parent that waits for it."""
    children: list[int] = []

    def end(signum, frame):
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass  # already gone
        os._exit(0)

    signal.signal(signal.SIGTERM, end)
    ready(root)
    open_lives = list(lives)
    for life in lives[1:]:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # until it is a child
        pid = os.fork()
        if pid == 0:  # a worker that starts ready
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
                for other in open_lives:
                    if other != life:
                        os.close(other)
                _serve(tasks, results, take, give, stopping)
            finally:
                os._exit(0)
        children.append(pid)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        open_lives.remove(life)
        os.close(life)
    with give:
        results.send(("ready",))
    _serve(tasks, results, take, give, stopping)
    for pid in children:  # they read None too
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass


def _serve(tasks, results, take, give, stopping) -> None:
    """Run the tasks that come, one at a time, until told to stop (None)."""
    try:
        while True:
            with take:
                message = tasks.recv()
            if message is None:
                return
            number, function, args = message
            if stopping.is_set():
                outcome = (number, True, None)
            else:
                try:
                    outcome = (number, True, function(*args))
                except Exception as exc:  # noqa: BLE001 - a bug, raised by the command
                    outcome = (number, False, exc)
            with give:
                try:
                    results.send(outcome)
                except (pickle.PicklingError, TypeError, AttributeError):  # exc would not go
                    exc = outcome[2]
                    results.send((number, False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    except (EOFError, OSError, KeyboardInterrupt):
        pass  # the command has ended; Ctrl-C reaches every process, the command says it


def ready(root: Path) -> None:
    """A worker gets ready to lay out: WeasyPrint imported, the stylesheet read with its
    fonts (0.45 s), at idle priority until its first task (_idle), so that the command,
    which validates and plans meanwhile, comes first.

    Fewer garbage collections in a worker: what it has now (the modules) is never
    garbage, so the collector stops scanning it, and it runs less often. WeasyPrint makes
    millions of short-lived objects; measured over 40 spreads, the collector's time went
    from 21 ms to 8 ms a spread."""
    global _ROOT
    _ROOT = root
    _idle(True)
    layout.keep_freed_memory()
    try:
        from . import pdf

        pdf.ready(root)
    except Exception:  # noqa: BLE001 - said again, as data, when a part is laid out
        pass
    gc.freeze()
    gc.set_threshold(20000, 50, 100)


def job(part: layout.Job):
    """One part in a worker; a refused resource comes back as data, not as an exception."""
    _idle(False)
    return layout.as_data(_ROOT, part)


def spare(task: Callable) -> list:
    """Spare work in a worker (see build._Runner.meanwhile): it is never needed, so
    whatever goes wrong is left to the part that needs it to say. At normal priority, as a
    part: it comes only once the command has validated, and at idle priority a photo
    waited a quarter of a second behind the command's planning, with the spreads queued
    behind it."""
    _idle(False)
    try:
        task()
    except Exception:  # noqa: BLE001 - said by the part that needs it
        pass
    return []


_IDLE = False


def _idle(idle: bool) -> None:
    """A worker starts as an idle-time process (Linux's SCHED_IDLE): it gets WeasyPrint
    ready on a core the command leaves free, and a build that lays out nothing (warm)
    loses no time to it. With its first part it runs as any process again (allowed
    without privileges since Linux 2.6.39). The workers the first forks inherit its
    policy and this flag."""
    global _IDLE
    if idle == _IDLE or not hasattr(os, "SCHED_IDLE"):
        return
    policy = os.SCHED_IDLE if idle else os.SCHED_OTHER
    try:
        os.sched_setscheduler(0, policy, os.sched_param(0))
        _IDLE = idle
    except OSError:
        pass  # a system that does not allow it: the worker just starts as it is


_STARTED: Workers | None = None  # started by start, for the build that comes next


def start(root: Path) -> None:
    """Start the workers for a build of the project at root now, before the command imports
    the rest (the build takes them: see taken); on one core there are none."""
    global _STARTED
    if layout.cores() > 1 and _STARTED is None:
        _STARTED = Workers(root.resolve(), layout.cores())


def taken(root: Path, count: int) -> Workers:
    """The workers that start started, if they are for root; else new ones."""
    global _STARTED
    started, _STARTED = _STARTED, None
    if started is not None and (started.root, started.count) == (root, count):
        return started
    if started is not None:
        started.stop(wait=False)
    return Workers(root, count)
