"""`make bench`: synthetic catalogues of 10, 50, 100 and 200 entries: build time and memory,
download size per spread, and the editor's commands (check, preview, booklet imposition).

A benchmark, not a test: it prints numbers and asserts nothing. Each build runs in its own
process so that its peak memory is its own.
"""

from __future__ import annotations

import json
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

SIZES = (10, 50, 100, 200)
RUNS = 3  # medians of this many runs
# Alternating runs for the comparison with Typst: the machine's speed moves from one
# minute to the next, and Typst's (2.0 to 2.9 s on one afternoon) more than the build's.
PEER_RUNS = 7
def _measure(project: Path, cold: bool = True) -> dict:
    """One full build in its own process: from nothing (cold: no .cache/) or again."""
    if cold:
        shutil.rmtree(project / ".cache", ignore_errors=True)
    code = ("import resource, sys, time, json; from pathlib import Path;"
            "from catalogue.build import build; t = time.perf_counter();"
            "r = build(Path(sys.argv[1]), say=lambda m: None, booklet=True);"
            "print(json.dumps({'seconds': time.perf_counter() - t,"
            "'pages': r.written[0].pages, 'download_kb': r.written[0].size / 1024,"
            "'peak_mb': max(resource.getrusage(w).ru_maxrss for w in"
            " (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024}))")
    done = subprocess.run([sys.executable, "-c", code, str(project)], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median_of(project: Path, cold: bool) -> dict:
    """RUNS builds (see _measure): the median time, the highest peak memory."""
    runs = [_measure(project, cold) for _ in range(RUNS)]
    middle = sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]
    return middle | {"peak_mb": max(run["peak_mb"] for run in runs)}


def _command_seconds(*args: str, runs: int = 3) -> float:
    """Median wall time of a `catalogue` command, as an editor runs it (a new process)."""
    command = [str(Path(sys.executable).with_name("catalogue")), *args]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _editor_commands(project: Path) -> dict:
    """The editor's commands on a built catalogue: check, preview, booklet imposition.

    preview three ways: of a spread as built (its part is cached), of a spread just edited
    (a new process lays it out), and per save under --watch (the process stays).
    """
    from catalogue.join.impose import impose
    from catalogue.preview import watch

    entry = sorted((project / "entries").glob("*.yaml"))[-1]
    slug = entry.stem
    printed = next((project / "output").glob("*-tryk.pdf"))
    started = time.perf_counter()
    impose(printed, project / "output" / "bench-booklet.pdf", "a3")
    imposed = time.perf_counter() - started
    result = {"check_s": _command_seconds("check", str(project)),
              "preview_s": _command_seconds("preview", slug, str(project)),
              "impose_s": imposed}
    edited, watched = [], []
    for run in range(RUNS):
        _edit(entry, f"Rettelse {run}.")
        edited.append(_command_seconds("preview", slug, str(project), runs=1))

    def saves():  # an editor saving the entry RUNS times under --watch
        for run in range(RUNS):
            _edit(entry, f"Rettelse {run}b.")
            started = time.perf_counter()
            yield {"modified"}
            watched.append(time.perf_counter() - started)

    watch(project, slug, say=lambda message: None, changes=saves())
    result["preview_edited_s"] = statistics.median(edited)
    result["preview_watch_s"] = statistics.median(watched)
    return result


def _edit(entry: Path, sentence: str) -> None:
    """An editor's change to the body text of an entry (about)."""
    entry.write_text(entry.read_text("utf-8").replace("about: ", f"about: {sentence} ", 1),
                     "utf-8")


def _peer_comparison(project: Path) -> dict:
    """Download edition against Typst, alternating; edited entry. Typst twice: with the
    photos as they are (the peer as first specified) and with the download edition's
    copies of them, made first by the same code (the same content: see typst_peer.py)."""
    catalogue = str(Path(sys.executable).with_name("catalogue"))
    peer = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            "from pathlib import Path; from typst_peer import "
            "compile_pdf; compile_pdf(Path(sys.argv[1]), Path(sys.argv[1]) / 'peer.pdf', "
            "same_photos=sys.argv[2] == 'same')")
    commands = {"download_s": [catalogue, "build", "--edition", "download", str(project)],
                "typst_s": [sys.executable, "-c", peer, str(project), "as-they-are"],
                "typst_same_photos_s": [sys.executable, "-c", peer, str(project), "same"]}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(PEER_RUNS):
        for name, command in commands.items():
            shutil.rmtree(project / ".cache", ignore_errors=True)  # all from nothing
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times[name].append(time.perf_counter() - started)
    result = {name: statistics.median(values) for name, values in times.items()}
    result["ratio"] = result["download_s"] / result["typst_s"]
    result["ratio_same_photos"] = result["download_s"] / result["typst_same_photos_s"]
    result["runs"] = times
    result["pair_ratios"] = [download / typst for download, typst
                             in zip(times["download_s"], times["typst_s"])]
    result["pair_ratios_same_photos"] = [
        download / typst for download, typst
        in zip(times["download_s"], times["typst_same_photos_s"])]
    result["download_warm_s"] = _command_seconds("build", "--edition", "download",
                                                 str(project))
    # An editor's change: a sentence of one entry, then its title (which the contents,
    # overview and register show too).
    entries = sorted((project / "entries").glob("*.yaml"))
    _edit(entries[0], "Ny sætning.")
    result["edited_entry_s"] = _command_seconds("build", "--edition", "download",
                                                str(project), runs=1)
    entries[1].write_text(entries[1].read_text("utf-8").replace("title: ", "title: Ny ", 1),
                          "utf-8")
    result["edited_title_s"] = _command_seconds("build", "--edition", "download",
                                                str(project), runs=1)
    return result


def main() -> None:
    """Run the benchmark and print one table."""
    rows = []
    print("Full build (download + print + booklets), one 2400 x 1600 photo per entry;")
    print(f"cold: no .cache/ (a first build); warm: built before, nothing changed (medians "
          f"of {RUNS}).")
    print("preview: of a spread as built / just edited (a new process) / per save (--watch)")
    print(f"{'entries':>7} {'pages':>5} {'cold s':>7} {'warm s':>7} {'pages/s':>7} "
          f"{'peak MB':>7} {'KB/spread':>9} {'check s':>7} {'impose s':>8} "
          f"{'preview s':>16}")
    for count in SIZES:
        with tempfile.TemporaryDirectory(prefix="catalogue-bench-") as tmp:
            project = make_project(Path(tmp), count)
            row = {"entries": count, **_median_of(project, cold=True)}
            row["warm_seconds"] = _median_of(project, cold=False)["seconds"]
            row |= _editor_commands(project)
            if count == 100:
                peer = _peer_comparison(project)
        row["pages_per_second"] = row["pages"] / row["seconds"]
        row["download_kb_per_spread"] = row["download_kb"] / count
        rows.append(row)
        previews = "/".join(f"{row[k]:.2f}" for k in
                            ("preview_s", "preview_edited_s", "preview_watch_s"))
        print(f"{count:>7} {row['pages']:>5} {row['seconds']:>7.1f} "
              f"{row['warm_seconds']:>7.1f} {row['pages_per_second']:>7.1f} "
              f"{row['peak_mb']:>7.0f} {row['download_kb_per_spread']:>9.0f} "
              f"{row['check_s']:>7.2f} {row['impose_s']:>8.2f} {previews:>16}", flush=True)
    scaling = rows[-1]["seconds"] / next(r["seconds"] for r in rows if r["entries"] == 100)
    runs = peer["runs"]
    # The yardstick is Typst given the same content: the download edition's photos (#18).
    print(f"\n100 entries, download edition alone against Typst on the same content (the "
          f"download edition's photos, made first), all from nothing (medians of "
          f"{PEER_RUNS}, alternating): {_spread(runs['download_s'])} against "
          f"{_spread(runs['typst_same_photos_s'])}, ratio {peer['ratio_same_photos']:.1f}x "
          f"(each run {_range(peer['pair_ratios_same_photos'])}); against Typst embedding "
          f"the photos as they are: {_spread(runs['typst_s'])}, ratio {peer['ratio']:.1f}x "
          f"(each run {_range(peer['pair_ratios'])})")
    print(f"Download edition built again, nothing changed: {peer['download_warm_s']:.1f} s "
          f"({peer['download_warm_s'] / peer['typst_same_photos_s']:.1f}x Typst)")
    print(f"One entry edited, download edition rebuilt: {peer['edited_entry_s']:.1f} s; "
          f"its title edited (contents, overview, register change too): "
          f"{peer['edited_title_s']:.1f} s")
    print(f"200 entries against 100: {scaling:.2f}x the time")
    out = TOOL_ROOT / "output" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"time": time.strftime("%Y-%m-%d %H:%M"), "rows": rows,
                               "typst": peer, "scaling_200_100": scaling}, indent=2))
    print(f"Wrote {out.relative_to(TOOL_ROOT)}")


def _spread(seconds: list[float]) -> str:
    """'7.8 s (7.7-8.2)': the median and the range."""
    return f"{statistics.median(seconds):.1f} s ({min(seconds):.1f}-{max(seconds):.1f})"


def _range(ratios: list[float]) -> str:
    return f"{min(ratios):.1f}x to {max(ratios):.1f}x"


if __name__ == "__main__":
    main()
