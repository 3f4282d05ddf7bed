"""The worker processes (pool.py): however a command ends, none of its processes is left."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from catalogue.build import build
from catalogue.errors import BuildFailed

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = str(Path(sys.executable).with_name("catalogue"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "p"
    folder.mkdir()
    shutil.copy(ROOT / "catalogue.yaml", folder)
    shutil.copytree(ROOT / "entries", folder / "entries")
    return folder


def _descendants(pid: int) -> set[int]:
    """The processes below pid, read from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition, seconds: float = 60) -> None:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, "waited in vain"
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGTERM,
                                    pytest.param(signal.SIGHUP, marks=pytest.mark.slow)])
def test_a_stopped_build_leaves_no_process_and_no_file(project, signum):
    command = subprocess.Popen([CATALOGUE, "build", "--booklet", str(project)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # Stopped while the workers lay out the spreads: two workers, and a part in the cache.
    _wait_for(lambda: len(_descendants(command.pid)) >= 2
              and any((project / ".cache" / "parts").glob("*.pdf")))
    workers = _descendants(command.pid)
    command.send_signal(signum)
    output, _ = command.communicate(timeout=60)
    assert command.returncode not in (0, None), output
    assert "Traceback" not in output
    _wait_for(lambda: not any(_alive(pid) for pid in workers), 10)
    assert not list((project / "output").glob("*"))  # nothing written
    assert not [p for p in project.rglob(".*") if p.is_file()]  # no temporary file


def test_a_stopped_preview_watch_leaves_no_process(project):
    command = subprocess.Popen([CATALOGUE, "preview", "carbon-20", "--watch", str(project)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert command.stdout.readline()  # that it watches
    line = command.stdout.readline()
    assert line.startswith("Skrev output/preview/carbon-20.pdf"), line
    workers = _descendants(command.pid)
    assert workers  # the worker that laid the spread out waits for the next save
    command.send_signal(signal.SIGTERM)
    output, _ = command.communicate(timeout=60)
    assert command.returncode != 0 and "Traceback" not in output, output
    _wait_for(lambda: not any(_alive(pid) for pid in workers), 10)


def test_a_worker_that_dies_is_an_error_not_a_hang(project, monkeypatch):
    # The workers are forked after this: the first part they lay out ends them.
    monkeypatch.setattr("catalogue.layout.pdf.render", lambda *args, **options: os._exit(9))
    with pytest.raises(BuildFailed, match="stoppede uventet"):
        build(project, say=lambda message: None)
    assert not (project / "output").exists()


def test_an_error_in_a_worker_comes_back_as_itself(project, monkeypatch):
    def refused(*args, **options):
        raise BuildFailed("the layout could not be rendered: test")

    monkeypatch.setattr("catalogue.layout.pdf.render", refused)
    with pytest.raises(BuildFailed, match="could not be rendered: test"):
        build(project, say=lambda message: None)
