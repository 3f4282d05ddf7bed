"""`make bench BASELINE=<commit>`: this code against another commit's, alternating
(`benchmarks/compare.py BASELINE [CURRENT]`: two commits).

Both build the same synthetic catalogue of 100 entries (tests/synthetic.py), each in a
folder of its own so that neither finds the other's cache, and each step runs for both
before the next, the order of the two swapped every round (the machine's speed drifts
from one minute to the next). Steps, as an editor meets them: a cold `make` (download,
print and both booklets, no .cache/), the same again with nothing changed (warm), a
paragraph edited and the download edition built again, a title edited (contents,
overview and register change too) and the download edition built again, and `preview`
of a spread just edited (a new process). Prints the medians and their ratio, and writes
output/bench-compare.json. The other commit's code runs from a git worktree with the
same virtual environment.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from catalogue.paths import TOOL_ROOT

sys.path.insert(0, str(TOOL_ROOT / "tests"))  # the synthetic catalogues the tests use too
from synthetic import make_project  # noqa: E402

ROUNDS = 3
STEPS = ("cold", "warm", "edited paragraph", "edited title", "preview just edited")


def _run(code: Path, project: Path, *args: str) -> float:
    """Seconds of one `catalogue` command run with the code in folder code."""
    command = [sys.executable, "-c", "from catalogue.cli import main; main()", *args]
    started = time.perf_counter()
    subprocess.run(command, cwd=code, env=os.environ | {"PYTHONPATH": str(code)},
                   check=True, capture_output=True)
    return time.perf_counter() - started


def _step(step: str, round_: int, code: Path, project: Path) -> float:
    """One step of one round for one code (see the module)."""
    entries = sorted((project / "entries").glob("*.yaml"))
    if step == "cold":
        shutil.rmtree(project / ".cache", ignore_errors=True)
    if step in ("cold", "warm"):
        return _run(code, project, "build", "--strict", "--booklet", str(project))
    if step == "edited paragraph":
        _edit(entries[0], "about: ", f"about: Ny sætning {round_}. ")
    if step == "edited title":
        _edit(entries[1], "title: ", f"title: Ny {round_} ")
    if step == "preview just edited":
        _edit(entries[-1], "about: ", f"about: Rettelse {round_}. ")
        return _run(code, project, "preview", entries[-1].stem, str(project))
    return _run(code, project, "build", "--edition", "download", str(project))


def _edit(entry: Path, old: str, new: str) -> None:
    entry.write_text(entry.read_text("utf-8").replace(old, new, 1), "utf-8")


def compare(baseline: str, current: str | None = None) -> dict:
    """Every step for both codes (the working copy, or the commit current), alternating,
    ROUNDS times: the seconds of each run."""
    times = {step: {"baseline": [], "current": []} for step in STEPS}
    with tempfile.TemporaryDirectory(prefix="catalogue-compare-") as tmp:
        folder = Path(tmp)
        codes = {"baseline": folder / "code-baseline",
                 "current": folder / "code-current" if current else TOOL_ROOT}
        for name, commit in (("baseline", baseline), ("current", current)):
            if commit:
                subprocess.run(["git", "-C", str(TOOL_ROOT), "worktree", "add", "--detach",
                                str(codes[name]), commit], check=True, capture_output=True)
        try:
            projects = {name: make_project(_folder(folder / name), 100) for name in codes}
            for round_ in range(ROUNDS):
                order = list(codes) if round_ % 2 == 0 else list(codes)[::-1]
                for step in STEPS:
                    for name in order:
                        seconds = _step(step, round_, codes[name], projects[name])
                        times[step][name].append(seconds)
                print(f"round {round_ + 1} of {ROUNDS} done", flush=True)
        finally:
            for code in codes.values():
                if code != TOOL_ROOT:
                    subprocess.run(["git", "-C", str(TOOL_ROOT), "worktree", "remove",
                                    "--force", str(code)], check=False, capture_output=True)
    return times


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def main(baseline: str, current: str | None = None) -> None:
    """Compare, print one table, write output/bench-compare.json."""
    print(f"100 entries, {ROUNDS} alternating rounds, medians (seconds): {baseline} against "
          f"{current or 'this working copy'}")
    times = compare(baseline, current)
    print(f"{'step':<22} {'baseline':>9} {'current':>9} {'ratio':>6}")
    for step, runs in times.items():
        old, new = (statistics.median(runs[name]) for name in ("baseline", "current"))
        print(f"{step:<22} {old:>9.2f} {new:>9.2f} {new / old:>6.2f}")
    out = TOOL_ROOT / "output" / "bench-compare.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"baseline": baseline, "time": time.strftime("%Y-%m-%d %H:%M"),
                               "runs": times}, indent=2))
    print(f"Wrote {out.relative_to(TOOL_ROOT)}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
