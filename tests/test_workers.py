"""The worker processes: one gets ready and forks the others, whichever is free takes the
next part, a build that lays out nothing does not wait for them, and one that dies is an
error, not a hang."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from catalogue import layout, workers
from catalogue.build import build

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "p"
    folder.mkdir()
    shutil.copy(ROOT / "catalogue.yaml", folder)
    shutil.copytree(ROOT / "entries", folder / "entries")
    return folder


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(layout, "cores", lambda: 2)  # two workers, on any machine


@pytest.fixture
def made(monkeypatch) -> list[tuple]:
    """The workers started from now on: (root, count) of each."""
    started = []
    real = workers.Workers.__init__

    def counted(self, *args, **kwargs):
        started.append(args)
        real(self, *args, **kwargs)

    monkeypatch.setattr(workers.Workers, "__init__", counted)
    return started


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


@pytest.mark.slow
def test_one_worker_gets_ready_and_forks_the_others(project, tmp_path, two_cores,
                                                    monkeypatch):
    """WeasyPrint is imported once for all workers: the first gets ready, the second is
    its child and starts ready; both lay out parts (the same PDF as on one core)."""
    said = tmp_path / "said"
    real_ready, real_lay_out = workers.ready, layout.lay_out

    def ready(root):
        with said.open("a") as out:
            out.write(f"ready {os.getpid()}\n")
        real_ready(root)

    def lay_out(root, job):
        time.sleep(0.2)  # long enough that the other worker takes the next part
        with said.open("a") as out:
            out.write(f"part {os.getpid()} {os.getppid()}\n")
        return real_lay_out(root, job)

    monkeypatch.setattr(workers, "ready", ready)  # the workers are forked after this
    monkeypatch.setattr(layout, "lay_out", lay_out)
    (made,) = build(project, say=lambda m: None, output=tmp_path / "a",
                    only={"download"}).written
    lines = _lines(said)
    (first,) = [int(line.split()[1]) for line in lines if line.startswith("ready")]
    laid = {tuple(map(int, line.split()[1:])) for line in lines if line.startswith("part")}
    assert {pid for pid, _ in laid} == {first, *(pid for pid, parent in laid
                                                  if parent == first)}
    assert len({pid for pid, _ in laid}) == 2  # both took parts

    shutil.rmtree(project / ".cache")
    monkeypatch.setattr(layout, "cores", lambda: 1)
    (alone,) = build(project, say=lambda m: None, output=tmp_path / "b",
                     only={"download"}).written
    assert made.path.read_bytes() == alone.path.read_bytes()


def test_a_build_that_lays_out_nothing_does_not_wait_for_the_workers(project, tmp_path,
                                                                    two_cores, monkeypatch):
    """An unchanged build needs no worker: one still getting ready is stopped, and none is
    left behind."""
    build(project, say=lambda m: None, output=tmp_path / "a", only={"download"})
    said = tmp_path / "said"
    real_ready = workers.ready

    def slow_ready(root):
        with said.open("a") as out:
            out.write(f"{os.getpid()}\n")
        time.sleep(30)  # a worker that is still getting ready when the build ends
        real_ready(root)

    monkeypatch.setattr(workers, "ready", slow_ready)
    started = time.monotonic()
    build(project, say=lambda m: None, output=tmp_path / "b", only={"download"})
    assert time.monotonic() - started < 20
    (pid,) = map(int, _lines(said))
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # ended and reaped, not left behind


def test_a_worker_that_dies_is_an_error_not_a_hang(project, tmp_path, two_cores,
                                                   monkeypatch):
    """A worker killed while it lays out (out of memory, a crash in C code) ends the build
    with an error (the command says it is a bug), and output/ is left as it was."""
    def dying(root, job):
        os._exit(9)

    monkeypatch.setattr(layout, "lay_out", dying)
    with pytest.raises(RuntimeError, match="ended"):
        build(project, say=lambda m: None, output=tmp_path / "out", only={"download"})
    assert not (tmp_path / "out").exists()


def test_the_build_takes_the_workers_the_command_started(project, tmp_path, two_cores, made):
    """`catalogue build` starts the workers before it imports what validates and renders;
    the build then uses those, it does not start others."""
    workers.start(project)
    build(project, say=lambda m: None, output=tmp_path / "out", only={"download"})
    assert made == [(project.resolve(), 2)]
    assert workers._STARTED is None


def test_workers_started_for_another_project_are_stopped_not_used(project, tmp_path,
                                                                   two_cores, made):
    """Workers know their project (they read its stylesheet and fonts): a build of another
    project stops them and starts its own."""
    other = tmp_path / "other"
    shutil.copytree(project, other)
    workers.start(other)
    started = workers._STARTED
    build(project, say=lambda m: None, output=tmp_path / "out", only={"download"})
    assert made == [(other.resolve(), 2), (project.resolve(), 2)]
    assert not started._first.is_alive()


def test_the_runner_does_not_wait_for_parts_it_already_took(tmp_path):
    """Feeding the workers takes the parts they finished; when that took the last part
    waited for, nothing more is coming, so the runner must not wait for the workers (it
    did, now and then: a build that never ended)."""
    import datetime

    from catalogue.build import _Runner
    from catalogue.layout import Job, LaidOut, Output, Part

    class Workers:  # finishes every part the moment it is sent; never waits
        def __init__(self):
            self.sent: list = []
            self.taken = 0

        def submit(self, function, *args) -> int:
            self.sent.append(args)
            return len(self.sent)

        def finished(self, wait=True):
            if wait:
                raise AssertionError("waited for the workers with nothing left to come")
            done = [(n, [LaidOut(str(tmp_path / f"{n}.pdf"), 2, {})])
                    for n in range(self.taken + 1, len(self.sent) + 1)]
            self.taken = len(self.sent)
            return done

        def stop(self, wait):
            pass

    runner = _Runner(tmp_path)
    runner.cores, runner.pool = 2, Workers()
    output = Output(None, "", "download-nowhere")
    part = Part("spread", 2, "x")
    runner.add(["x"], Job(part, datetime.datetime(2026, 1, 1), output, (output,), {}))
    (laid,) = runner.wait("x")
    assert laid.pages == 2
