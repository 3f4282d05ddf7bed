"""The recipe: load -> render -> lay out the parts -> check -> join -> write. Read it top to
bottom."""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import datetime
import functools
import multiprocessing
import os
import time
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NoReturn
from urllib.parse import unquote, urlsplit

from . import cache, check, layout, parts, preflight, render, workers
from .danish import slug
from .editions import PdfEdition, for_project
from .errors import BuildFailed, Problem, relative
from .files import atomic_target
from .load import Project
from .paths import layouts_dir
from .review import check_only

Say = Callable[[str], None]


@dataclass
class Written:
    """One PDF the build wrote."""

    path: Path
    pages: int
    size: int


@dataclass
class Result:
    """What a build did, for the summary line."""

    project: Project
    written: list[Written] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    report: list[dict] = field(default_factory=list)  # preflight facts per edition
    booklet_hint: str = ""
    seconds: float = 0.0


def output_name(project: Project) -> str:
    """The download edition's file name: title and year, e.g. groenne-klimapartnerskaber-2026."""
    return f"{slug(project.edition.title)}-{project.edition.year}"


BOOKLETS = {"a3": "haefte-a4-paa-a3", "a4": "haefte-a5-paa-a4"}


def build(root: Path, strict: bool = False, say: Say = print,
          output: Path | None = None, only: set[str] | None = None,
          booklet: bool = False) -> Result:
    """Build every edition (or those named in only) into output/, all or nothing.

    With booklet, the print edition is also imposed as saddle-stitch booklets: A4 pages on
    A3 sheets (print shop) and A5 pages on A4 sheets (office printer).
    """
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        # The processes that do the work start first and get ready (WeasyPrint, pikepdf)
        # while this one validates: each edition's joiner, which adds the parts to its PDF
        # while the others are laid out, and the workers, one per core (workers.py; the
        # command may have started them before it imported this module). A build that
        # lays out nothing stops them.
        joiners = {key: stack.enter_context(_Joiner()) for key in ("download", "print")
                   if (only is None or key in only) and layout.cores() > 1}
        runner = stack.enter_context(_Runner(root.resolve()))
        runner.start()

        # 1. Read and validate everything before anything is written.
        project = check_only(root, strict, say)
        result = Result(project, warnings=list(project.warnings))
        output = output or project.root / "output"

        # 2. Lay out every part of every edition: the slow part, in parallel processes,
        #    and only for parts that changed since the last build (parts.py, cached by
        #    content).
        editions = [e for e in for_project(project.edition, project.root)
                    if only is None or e.key in only]
        say(f"Laying out {' and '.join(e.label.lower() for e in editions)}: "
            f"{len(project.entries)} spread(s)")
        photos = {e.key: _photos(project, e) for e in editions}
        runner.meanwhile(_missing_photos(project, editions))
        laid, measured = lay_out_all(project, editions, photos, joiners, runner)
        runner.stop()

        # 3. Check the pages and join each edition's parts beside its target, the editions
        #    side by side, then the booklets side by side. The files move into place only
        #    when all are written, so a failure anywhere leaves output/ as it was.
        facts = {e.key: _check(project, e, laid[e.key], strict, result) for e in editions}
        targets = {e.key: _target(output, project, e) for e in editions}
        temps = {key: stack.enter_context(_atomic(target, project))
                 for key, target in targets.items()}
        joined = _join_all(project, editions, laid, temps, targets, joiners)
        for edition, (pages, dangling, facts_pdf) in zip(editions, joined):
            target = targets[edition.key]
            result.warnings += [Problem("(layout)", None, None, f"a link points to #{name}, "
                                        "which is nowhere in the catalogue", "warning")
                                for name in dangling]
            result.report.append(facts_pdf | facts[edition.key] | {"file": target.name})
            result.written.append(Written(target, pages, 0))
        if booklet and "print" in temps:
            sheets = {sheet: output / f"{output_name(project)}-{suffix}.pdf"
                      for sheet, suffix in BOOKLETS.items()}
            for path in sheets.values():
                say(f"Imposing {relative(path, project.root)}")
            imposing = {sheet: stack.enter_context(_atomic(path, project))
                        for sheet, path in sheets.items()}
            imposed = _side_by_side([functools.partial(_impose, project, temps["print"],
                                                       imposing[sheet], sheet)
                                     for sheet in sheets])
            for path, done in zip(sheets.values(), imposed):
                result.written.append(Written(path, done.sides, 0))
                result.booklet_hint = done.hint
        say(f"Writing {len(result.written)} file(s) to {relative(output, project.root)}/")
    for edition in editions:  # what this build no longer needs goes from the cache
        used = {Path(p.pdf).stem for p in laid[edition.key] + measured if p is not None}
        parts.prune(project.root, edition.key, used)
        if edition.photo_size:  # and the photos downsampled for it, the same way
            cache.prune(project.root / cache.FOLDER / "images",
                        {Path(unquote(urlsplit(uri).path)).stem
                         for uri in photos[edition.key].values()})
    for item in result.written:
        item.size = item.path.stat().st_size
    preflight.save(result.report, output)
    result.seconds = time.perf_counter() - started
    return result


def _check(project: Project, edition: PdfEdition, laid: list, strict: bool,
           result: Result) -> dict:
    """The edition's layout checks (spreads that run over or look empty, photos too coarse
    for print, WeasyPrint's warnings) into result; raise on errors. Returns the facts for
    the preflight report."""
    found = [part for part in laid if part is not None]
    messages = list(dict.fromkeys(m for part in found for m in part.messages))
    result.warnings += [Problem("(layout)", None, None, m, "warning") for m in messages]
    _stop_on_warnings(strict, messages, f"laying out the {edition.label.lower()}")
    fits, photos = parts.fits_of(found), parts.photos_of(found)
    problems = check.fit_problems(fits, project, strict)
    if edition.key == "print":
        problems += check.resolution_problems(photos, project, strict)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise BuildFailed(f"{len(errors)} problem(s) with the layout of the spreads; "
                          "nothing was written.", problems)
    result.warnings += [p for p in problems if p not in result.warnings]
    return {"overflowing": [f.slug for f in fits if f.overflow_lines or f.left_spill_lines],
            "sparse": [f.slug for f in fits if f.fill < check.SPARSE],
            "photo_ppi": [round(p.ppi) for p in photos],
            "warnings": sum(p.severity == "warning" for p in problems)}


def _join(project: Project, edition: PdfEdition, laid: list, temp: Path, target: Path):
    """One edition's parts joined into temp (which becomes target) here (one core): see
    _joined."""
    from . import assemble  # pikepdf: only where PDFs are joined, not for a preview

    try:
        return _joined(assemble.Joiner(), [p and p.piece() for p in laid], temp,
                       edition.bleed_box_mm, _font_files(project), project.root, edition.label)
    except OSError as exc:
        _not_written(project, target, exc.strerror or str(exc))


def _joined(joiner, pieces: list, temp: Path, bleed_mm, fonts: list[Path], root: Path,
            label: str) -> tuple:
    """The pieces written to temp by joiner, which may have added some of them already (or
    others: then a new joiner adds them all): the pages, the links that lead nowhere, and
    the preflight facts of the PDF."""
    from . import assemble

    if joiner.pieces != pieces[:len(joiner.pieces)]:
        joiner.close()
        joiner = assemble.Joiner()
    with joiner:
        for piece in pieces[len(joiner.pieces):]:
            joiner.add(piece)
        pages = joiner.write(temp, bleed_mm, fonts, root)
    return pages, assemble.dangling_links(temp), preflight.describe(temp, label, {})


def _not_written(project: Project, target: Path, why: str) -> NoReturn:
    raise BuildFailed(f"could not write {relative(target, project.root)}: {why}; the previous "
                      "PDF was kept.") from None


def _join_all(project: Project, editions: list[PdfEdition], laid: dict, temps: dict,
              targets: dict, joiners: dict) -> list:
    """Each edition's parts joined into its temp: written by its joiner, which added most
    of them while they were laid out, the editions side by side; on one core, here."""
    if not joiners:
        return [_join(project, e, laid[e.key], temps[e.key], targets[e.key])
                for e in editions]
    for edition in editions:
        joiners[edition.key].write([p and p.piece() for p in laid[edition.key]],
                                   temps[edition.key], edition.bleed_box_mm,
                                   _font_files(project), project.root, edition.label)
    try:
        return [joiners[e.key].result(project, targets[e.key]) for e in editions]
    except BaseException:  # the others stop before the temporary files are removed
        for joiner in joiners.values():
            joiner.stop()
        raise


class _Joiner:
    """An edition joined while its parts are laid out: a forked process that adds each
    part to the edition's PDF (assemble.Joiner) as soon as it and every part before it in
    the plan are known, and writes the PDF when told to; what is left to do when the last
    part comes is its own pages and the writing. When the plan changes (a length was not
    what the plan assumed), what it added that the new plan does not have, it adds again.
    """

    def __init__(self):
        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_joining, args=(theirs,), daemon=True)
        self.process.start()
        theirs.close()
        self.planned = None

    def __enter__(self) -> _Joiner:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self.process.kill()
        self.process.join()

    def plan(self, attempt: int, order: list) -> None:
        """The parts in page order (None: a blank page) of the plan laid out now."""
        if (attempt, order) != self.planned:
            self._send("plan", attempt, order)
            self.planned = (attempt, list(order))

    def part(self, attempt: int, index: int, part: parts.Part, laid: parts.LaidOut) -> None:
        """A part laid out (or found in the cache) for the plan of attempt."""
        self._send("part", attempt, index, part, laid.piece())

    def write(self, pieces: list, temp: Path, bleed_mm, fonts: list[Path], root: Path,
              label: str) -> None:
        """Write the edition of these pieces to temp (see _joined and result)."""
        self._send("write", pieces, temp, bleed_mm, fonts, root, label)

    def result(self, project: Project, target: Path):
        """What write made: the pages, the links that lead nowhere, the preflight facts."""
        try:
            outcome = self.connection.recv()
        except EOFError:
            outcome = ("bug", "the process that joins the parts ended")
        if outcome[0] == "failed":
            _not_written(project, target, outcome[1])
        if outcome[0] == "interrupted":
            raise KeyboardInterrupt
        if outcome[0] == "bug":
            raise RuntimeError(outcome[1])
        return outcome[1:]

    def _send(self, *message) -> None:
        try:
            self.connection.send(message)
        except OSError:  # it has ended: result says why
            pass


def _joining(connection) -> None:
    """A joiner's life (see _Joiner): between messages, add the next part of the plan if
    it is there; at write, add what is missing, write, and say what came of it."""
    from . import assemble

    attempt, order, known, added = None, [], {}, []  # added: the plan's parts it added
    joiner = assemble.Joiner()
    try:
        while True:
            n = len(added)
            if n < len(order) and not connection.poll() and (
                    order[n] is None or (n, order[n]) in known):
                joiner.add(order[n] and known[(n, order[n])])
                added.append(order[n])
                continue
            kind, *message = connection.recv()
            if kind == "plan":
                # The next attempt (the plan before was wrong) starts again; a plan that
                # changed within an attempt, from the first part that is not the same.
                if message[0] != attempt or added != message[1][:len(added)]:
                    joiner.close()
                    joiner, added = assemble.Joiner(), []
                if message[0] != attempt:
                    known = {}
                attempt, order = message
            elif kind == "part":
                part_attempt, index, part, piece = message
                if part_attempt == attempt:
                    known[(index, part)] = piece
            else:
                try:
                    outcome = ("done", *_joined(joiner, *message))
                except OSError as exc:
                    outcome = ("failed", exc.strerror or str(exc))
                connection.send(outcome)
                return
    except EOFError:
        pass
    except KeyboardInterrupt:  # Ctrl-C reaches every process: the build says it once
        connection.send(("interrupted",))
    except Exception as exc:  # noqa: BLE001 - a bug, raised by the build
        connection.send(("bug", f"{type(exc).__name__}: {exc}"))
    finally:
        joiner.close()


def _impose(project: Project, source: Path, temp: Path, sheet: str):
    from . import impose  # pypdf: only where booklets are made

    try:
        return impose.impose(source, temp, sheet)
    except OSError as exc:
        raise BuildFailed(f"could not write a booklet: {exc.strerror or exc}; the previous "
                          "PDFs were kept.") from None


_TASKS: list = []  # what _side_by_side's processes run (inherited through fork)


def _side_by_side(tasks: list[Callable]) -> list:
    """The results of independent tasks (joining the editions, imposing the booklets), run
    in forked processes at the same time, one per core; in order here on one core.
    Joining a 100-entry catalogue takes about 0.5 s an edition, a booklet 0.35 s."""
    global _TASKS
    count = min(layout.cores(), len(tasks))
    if count < 2:
        return [task() for task in tasks]
    _TASKS = tasks
    try:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(count, mp_context=context) as pool:
            return list(pool.map(_task, range(len(tasks))))
    finally:
        _TASKS = []


def _task(index: int):
    return _TASKS[index]()


def _target(output: Path, project: Project, edition: PdfEdition) -> Path:
    return output / f"{output_name(project)}{edition.suffix}.pdf"


def lay_out_all(project: Project, editions: list[PdfEdition], photos: dict[str, dict],
                joiners: dict[str, _Joiner] | None = None, runner: _Runner | None = None):
    """Every part of every edition, laid out (or taken from the cache), in page order.

    The plan numbers the parts from their lengths: the spreads at two pages, the front
    matter and each section of the back matter as long as they came out in the last build
    (the note "plan"), and then as they really came out, until the two agree. A right guess
    costs nothing, a wrong one a second layout of what it moved:
    - the front matter: when it is what the last build had (the address of its count, laid
      out with blank page numbers, is noted), its length is known; otherwise the last length
      is a guess, which the front matter, laid out first, confirms or corrects at once. The
      first build counts it before anything else.
    - the back matter: its sections are laid out side by side, and the contents, which show
      their pages, beside them. From a section whose length is not known (the first build,
      a section new since), they are laid out one after the other, the contents last. The
      print edition takes the download edition's lengths for its fillers when both are
      built, or waits for its own.
    photos: per edition, the addresses of its photos (see _photos). joiners: per edition,
    the process that joins its parts, told the plan and every part as it comes. runner:
    the workers, when the build started them before validating (else started here).
    Returns, per edition, its parts (LaidOut) in order, None where a blank page goes; and
    the parts laid out only to be measured (kept in the cache for the next build).
    """
    stamp = created(project)
    base = parts.fingerprint(project.root)
    count = _count_job(project, stamp, base)
    counted, noted = _noted_plan(project.root)
    sizes = _last_sizes(project, editions, noted)
    front_known = counted == count.laid.key
    done: dict[str, list] = {}
    measured = []
    joiners = joiners or {}
    with contextlib.ExitStack() as stack:
        if runner is None:
            runner = stack.enter_context(_Runner(project.root))

        def joinable(name, laid):  # a part of a plan: to its edition's joiner
            if len(name) == 4 and name[1] in joiners:
                joiners[name[1]].part(name[0], name[2], name[3], laid)

        runner.listener = joinable
        if any("front" not in sizes[e.key] for e in editions):  # the first build
            runner.add([("count",)], count, urgent=True)
            measured = runner.wait(("count",))
            for edition in editions:
                sizes[edition.key]["front"] = measured[0].pages
            front_known = True
        for attempt in range(4):
            todo = [e for e in editions if e.key not in done]
            if not todo:
                break
            keys = [e.key for e in todo]
            plans: dict[str, tuple] = {}  # edition -> order, numbers, the lengths assumed
            moved = 0  # the front matter's length, when the guess was wrong

            def add(edition, index, part, numbers, urgent=False, attempt=attempt):
                name = (attempt, edition.key, index, part)
                if not runner.knows(name):
                    runner.add([name], _job_for(project, edition, part, numbers, stamp,
                                                photos[edition.key], base), urgent)

            while True:  # lay out what is ready; learn the back matter's lengths one by one
                urgent, later, unknown = [], [], []
                for edition in todo:
                    assumed = _assumed(sizes, edition.key, keys)
                    order, numbers = plan(project, edition, assumed)
                    plans[edition.key] = (order, numbers, assumed)
                    if edition.key in joiners:
                        joiners[edition.key].plan(attempt, order)
                    back = [(i, part) for i, part in enumerate(order)
                            if part is not None and part.kind == "back"]
                    known = next((n for n, (_, part) in enumerate(back)
                                  if part.slug not in assumed), len(back))
                    if known < len(back):  # lay out up to the first section not known
                        if edition.key == "print" and "download" in keys:
                            known = -1  # the fillers wait for the download edition's lengths
                        else:
                            unknown.append((edition, *back[known]))
                    for i, part in back[:known + 1]:
                        if known < len(back) or part.slug == "register":
                            urgent.append((_RANK.get(part.slug, 0), edition, i, part, numbers))
                        else:
                            later.append((edition, i, part, numbers))
                    if known == len(back):  # the contents can show every page
                        urgent.append((-4, edition, 0, order[0], numbers))
                for _, edition, index, part, numbers in sorted(urgent, key=lambda u: u[0]):
                    add(edition, index, part, numbers, urgent=True)
                spreads: dict[str, list] = {}  # slug -> its part in each edition
                for edition in todo:
                    order, numbers, _ = plans[edition.key]
                    for index, part in enumerate(order):
                        name = (attempt, edition.key, index, part)
                        if part is not None and part.kind == "spread" and \
                                not runner.knows(name):
                            spreads.setdefault(part.slug, []).append((name, edition, part,
                                                                      numbers))
                for wanted in spreads.values():  # in page order, both editions together
                    for names, job in _spread_jobs(project, wanted, stamp, photos, base):
                        runner.add(names, job)
                many = runner.waiting() > 2 * runner.cores  # many spreads to lay out
                for edition, index, part, numbers in sorted(later, key=lambda u: u[2].slug
                                                             != "oversigt"):
                    add(edition, index, part, numbers, urgent=many)
                first = (attempt, todo[0].key, 0, plans[todo[0].key][0][0])
                if not front_known and runner.knows(first):  # a guess: the front matter
                    (front,) = runner.wait(first)           # comes first and says
                    front_known = True
                    if front.pages != plans[todo[0].key][2]["front"]:
                        moved = front.pages
                        break
                if not unknown:
                    break
                edition, index, part = unknown[0]
                (laid,) = runner.wait((attempt, edition.key, index, part))
                sizes[edition.key][part.slug] = laid.pages - part.fillers
            if moved:  # the front matter is not as long as last time: plan again at once
                runner.drop(attempt)
                for edition in todo:
                    sizes[edition.key]["front"] = moved
                continue
            if not joiners:
                from . import assemble  # noqa: F401 - pikepdf for the join, meanwhile
            for edition in todo:
                order, _, assumed = plans[edition.key]
                found = runner.wait(*[(attempt, edition.key, index, part)
                                      for index, part in enumerate(order) if part])
                found.reverse()
                laid = [part and found.pop() for part in order]
                true = _sizes(order, laid)
                if true == assumed:
                    done[edition.key] = laid
                sizes[edition.key] = true
    missing = [e.label for e in editions if e.key not in done]
    if missing:
        raise BuildFailed(f"the page numbers of the {missing[0].lower()} did not settle; "
                          "please report this with your entries")
    cache.note(project.root, "plan", {"count": count.laid.key, "sizes": noted | sizes})
    return done, measured


# The order in which the parts go to the workers: the front matter first (the joiner adds
# the parts in page order, and when its length is a guess, it says at once whether the plan
# holds), the register next (the longest part), then the spreads in page order and the rest
# of the back matter, in the order the joiner needs them. But the rest of the back matter
# (the overview first) overtakes a long queue of spreads, so that short parts fill the end
# (a long part last would keep one core busy while the others wait), and when the contents
# wait for the back matter's lengths (one is not known), it all comes before the spreads,
# the longest first.
_RANK = {"register": -3, "oversigt": -2}


def _noted_plan(root: Path) -> tuple[str | None, dict[str, dict[str, int]]]:
    """What the last build noted for the plan: the address of its front matter's count,
    and per edition the lengths of its parts (whatever of it is sound: it is a guess)."""
    note = cache.noted(root, "plan")
    note = note if isinstance(note, dict) else {}
    sizes = note.get("sizes") if isinstance(note.get("sizes"), dict) else {}
    return note.get("count"), {
        key: {name: length for name, length in lengths.items()
              if isinstance(length, int) and length > 0}
        for key, lengths in sizes.items() if isinstance(lengths, dict)}


def _last_sizes(project: Project, editions: list[PdfEdition],
                noted: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Per edition, the lengths the last build found for the parts this build still has
    (an edition built for the first time starts from another's)."""
    wanted = {"front", *(doc.slug for doc in project.entries),
              *render.back_sections(project)}
    sizes = {}
    for edition in editions:
        source = noted.get(edition.key) or next(iter(noted.values()), {})
        sizes[edition.key] = {k: v for k, v in source.items() if k in wanted}
    return sizes


def _assumed(sizes: dict[str, dict], key: str, keys: list[str]) -> dict[str, int]:
    """The lengths the plan of edition key goes by: its own, and for the print edition,
    built with the download edition, the back matter's lengths the download edition
    found when it has not found its own yet."""
    if key == "print" and "download" in keys:
        return sizes["download"] | sizes["print"]
    return sizes[key]


def part_of(project: Project, edition: PdfEdition, part: parts.Part,
            helper: layout.Helper | None = None) -> parts.LaidOut:
    """One part, from the cache or laid out now, by helper if there is one (preview)."""
    stamp, base = created(project), parts.fingerprint(project.root)
    photos = {edition.key: _photos(project, edition, {part.slug}) if part.slug else {}}
    if part.kind == "spread":  # as the build lays it out (see _spread_jobs)
        ((_, job),) = _spread_jobs(project, [(None, edition, part, {})], stamp, photos, base)
    else:
        job = _job_for(project, edition, part, {}, stamp, photos[edition.key], base)
    return _cached_or_laid_out(project, job, helper)


def _cached_or_laid_out(project: Project, job: layout.Job,
                        helper: layout.Helper | None) -> parts.LaidOut:
    """The one PDF job writes, from the cache or laid out now."""
    (output,) = job.written
    hit = parts.cached(project.root, output.key)
    if hit is not None:
        return hit
    if helper:
        (laid,) = helper.lay_out(project.root, job)
    else:
        (laid,) = layout.lay_out(project.root, job)
    return laid


def front_length(project: Project, helper: layout.Helper | None = None) -> int:
    """The front matter's length as the build plans it: as the last build found it, if
    the front matter is what it was then; else as counted (laid out with blank page
    numbers: the same cached part the first build counts with)."""
    job = _count_job(project, created(project), parts.fingerprint(project.root))
    counted, noted = _noted_plan(project.root)
    lengths = [sizes["front"] for sizes in noted.values() if "front" in sizes]
    if counted == job.laid.key and lengths:
        return lengths[0]
    return _cached_or_laid_out(project, job, helper).pages


def _count_job(project: Project, stamp: datetime.datetime, base: str) -> layout.Job:
    """The front matter with blank page numbers in the download edition: its length
    before anything is numbered, and its address says whether the front matter changed."""
    edition = for_project(project.edition, project.root)[0]
    return _job_for(project, edition, parts.Part("front", 1), {}, stamp, {}, base)


def _job_for(project, edition, part, numbers, stamp, photos, base) -> layout.Job:
    """What a worker needs to lay out one part of one edition."""
    return layout.Job.single(_output(project, edition, part, numbers, stamp, photos, base),
                             part, stamp, _shown(project, part))


def _output(project, edition, part, numbers, stamp, photos, base) -> layout.Output:
    """One edition's PDF of a part: its HTML and cache address (which names the edition
    and its date)."""
    seed = f"{output_name(project)}{edition.suffix}:{stamp.isoformat()}"
    html = parts.html_of(project, edition, part, numbers, stamp, photos)
    return layout.Output(edition, html, parts.address(project.root, html, edition, seed, base))


def _spread_jobs(project: Project, wanted: list[tuple], stamp: datetime.datetime,
                 photos: dict[str, dict], base: str) -> list[tuple[list, layout.Job]]:
    """The jobs for one spread in the editions wanted (name, edition, part, numbers), each
    with the names of the PDFs it writes: one job for both editions, laid out as the print
    edition has it, when the download edition can be drawn from that (layout.Job), and so
    also when the print edition is not wanted (a spread of the download edition is the same
    PDF whatever else is built); else one job per edition."""
    outputs = {edition.key: (name, _output(project, edition, part, numbers, stamp,
                                           photos[edition.key], base), part)
               for name, edition, part, numbers in wanted}
    if "download" in outputs:
        name, download, part = outputs["download"]
        printer = for_project(project.edition, project.root)[1]
        named = [outputs["print"][0]] if "print" in outputs else []
        printed, printed_part = (outputs["print"][1:] if named else
                                 (_output(project, printer, part, {}, stamp, {}, base), part))
        doc = next(d for d in project.entries if d.slug == part.slug)
        photo = photos["download"].get(doc.slug)
        originals = {(project.root / doc.entry.image.file).as_uri(): photo} if photo else {}
        if printer.serves_download and printed_part == part and \
                parts.twins(download.html, printed.html, originals):
            twin = dataclasses.replace(
                download, key=parts.twin_address(download.key, printed.key))
            written = (printed, twin) if named else (twin,)
            return [(named + [name], layout.Job(part, stamp, printed, written,
                                                 _shown(project, part), originals))]
    return [([name], layout.Job.single(output, part, stamp, _shown(project, part)))
            for name, output, part in outputs.values()]


def plan(project: Project, edition: PdfEdition, sizes: dict[str, int]):
    """The parts in page order (None: a blank page) and the first page of each spread and
    of each section of the back matter.

    Spreads start on left-hand (even) pages; a blank page follows a part of odd length
    before a spread. The back matter follows the last spread, a part per section (a
    section of unknown length counts one page). The print edition gets blank fillers
    before the back matter so that the page count is a multiple of four (saddle
    stitching), once the length of every section is known.
    """
    order: list = [parts.Part("front", 1)]
    page = sizes["front"] + 1
    numbers = {}
    for doc in project.entries:
        if page % 2:
            order.append(None)
            page += 1
        numbers[doc.slug] = page
        order.append(parts.Part("spread", page, doc.slug))
        page += sizes.get(doc.slug, 2)
    sections = render.back_sections(project)
    fillers = 0
    if edition.key == "print" and all(s in sizes for s in sections):
        fillers = (-(page - 1 + sum(sizes[s] for s in sections))) % 4
    for section in sections:
        order.append(parts.Part("back", page, section, fillers))
        numbers[section] = page + fillers
        page += fillers + sizes.get(section, 1)
        fillers = 0
    return order, numbers


def _sizes(order: list, laid: list) -> dict[str, int]:
    """The lengths the plan assumed, as the parts really came out."""
    sizes = {}
    for part, result in zip(order, laid):
        if part is None:
            continue
        if part.kind == "spread":
            if result.pages != 2:
                sizes[part.slug] = result.pages
        elif part.kind == "back":
            sizes[part.slug] = result.pages - part.fillers
        else:
            sizes[part.kind] = result.pages
    return sizes


def _font_files(project: Project) -> list[Path]:
    return sorted((layouts_dir(project.root).parent / "fonts").glob("*.[ot]tf"))


def _photos(project: Project, edition: PdfEdition,
            slugs: set[str] | None = None) -> dict[str, str]:
    """Photo addresses for the edition (of the entries in slugs, or all): downsampled
    copies in the cache (made by the part that shows them), or the originals."""
    if not edition.photo_size:
        return {}
    return {doc.slug: cache.downsampled_path(project.root, project.root / doc.entry.image.file,
                                             edition.photo_size, edition.photo_quality).as_uri()
            for doc in project.entries
            if doc.entry.image and (slugs is None or doc.slug in slugs)}


def _missing_photos(project: Project, editions: list[PdfEdition]) -> list[Callable]:
    """The downsampled photos the cache lacks, in page order, as work for a worker that has
    nothing else to do (see _Runner.meanwhile): on a first build, while one worker counts
    the front matter, the other makes the first spreads' photos, which their parts then
    find made (a part makes its photo itself when it is still missing)."""
    return [functools.partial(cache.downsampled, project.root, source, edition.photo_size,
                              edition.photo_quality)
            for edition in editions if edition.photo_size
            for source in (project.root / doc.entry.image.file for doc in project.entries
                           if doc.entry.image)
            if not cache.downsampled_path(project.root, source, edition.photo_size,
                                          edition.photo_quality).exists()]


def _shown(project: Project, part: parts.Part) -> dict[str, str | None]:
    """The part's entries as its layout needs them: slug -> the file of its photo."""
    return {doc.slug: doc.entry.image.file if doc.entry.image else None
            for doc in project.entries if part.kind == "spread" and doc.slug == part.slug}


class _Runner:
    """Lays out parts in the worker processes (workers.py), one per core, the most urgent
    first; takes a part from the cache when it is there.

    At most two parts per worker are sent to the workers at a time, so that an urgent part
    (the back matter, which the contents wait for) overtakes the queue of spreads.
    """

    def __init__(self, root: Path):
        self.root = root
        self.cores = layout.cores()
        self.pool: workers.Workers | None = None
        self.urgent: collections.deque = collections.deque()  # first come, first laid out
        self.queue: collections.deque = collections.deque()
        self.running: dict[int, list] = {}  # task number -> the names it writes
        self.done: dict[object, parts.LaidOut] = {}
        self.listener: Callable[[object, parts.LaidOut], None] = lambda name, laid: None
        self.names: set = set()  # every part added, done or not
        self.spare: collections.deque = collections.deque()  # see meanwhile

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self) -> None:
        """Start the workers now (or take the ones the command started): they get ready
        before the first part comes."""
        if self.cores > 1 and self.pool is None:
            self.pool = workers.taken(self.root, self.cores)

    def stop(self) -> None:
        """Stop the workers; one still getting ready is not waited for."""
        self.spare.clear()
        if self.pool is not None:
            self.pool.stop(wait=bool(self.running))
            self.pool = None
            self.running.clear()

    def meanwhile(self, tasks: list[Callable]) -> None:
        """Work a worker does when no part waits for one (see workers.spare), until the
        first part that is not urgent comes: each task is short and may be left undone, so
        a part never waits for it long."""
        self.spare.extend(tasks)

    def knows(self, name) -> bool:
        """Whether a part was added as name (done, being laid out or waiting)."""
        return name in self.names

    def add(self, names: list, job: layout.Job, urgent: bool = False) -> None:
        """Lay out job, whose PDFs are named names (one per job.written), unless the cache
        has them; the workers start on it at once if they have room, the urgent before
        the others."""
        self.names.update(names)
        if not urgent:  # the spreads: they make their photos themselves, in page order
            self.spare.clear()
        left = []
        for name, output in zip(names, job.written):
            hit = parts.cached(self.root, output.key)
            if hit is None:
                left.append((name, output))
            else:
                self._done(name, hit)
        if not left:
            return
        if len(left) < len(names):  # write only what the cache does not have
            job = dataclasses.replace(job, written=tuple(output for _, output in left))
        (self.urgent if urgent else self.queue).append(([name for name, _ in left], job))
        self._feed()

    def wait(self, *names) -> list[parts.LaidOut]:
        """The results of the named parts, feeding the workers while waiting."""
        while not all(name in self.done for name in names):
            if self.cores < 2:  # no workers: lay out here, in order
                named, job = (self.urgent or self.queue).popleft()
                for name, laid in zip(named, layout.from_data(layout.as_data(self.root, job))):
                    self._done(name, laid)
                continue
            self._feed()  # which may take the last of them from the workers
            if all(name in self.done for name in names):
                break
            if not self.running:  # nothing is coming: a part waited for was never added
                raise RuntimeError(f"waiting for parts that were never added: {names}")
            self._collect(self.pool.finished())
        return [self.done[name] for name in names]

    def waiting(self) -> int:
        """How many parts wait for a worker."""
        return len(self.urgent) + len(self.queue)

    def drop(self, attempt: int) -> None:
        """Forget the waiting parts of a plan that turned out wrong."""
        self.names -= {name for names, _ in (*self.urgent, *self.queue) for name in names
                       if name[0] == attempt}
        self.urgent, self.queue = (collections.deque(item for item in queue
                                                     if item[0][0][0] != attempt)
                                   for queue in (self.urgent, self.queue))

    def _feed(self) -> None:
        """Keep two parts per worker sent, the most urgent first; when no part waits, a
        spare task for each worker without a part."""
        if self.cores < 2:
            return
        self.start()
        self._collect(self.pool.finished(wait=False))  # what is done makes room
        while (self.urgent or self.queue) and len(self.running) < 2 * self.cores:
            names, job = (self.urgent or self.queue).popleft()
            self.running[self.pool.submit(workers.job, job)] = names
        while self.spare and not (self.urgent or self.queue) and \
                len(self.running) < self.cores:
            self.running[self.pool.submit(workers.spare, self.spare.popleft())] = []

    def _collect(self, finished: list[tuple[int, object]]) -> None:
        for number, outcome in finished:
            for name, laid in zip(self.running.pop(number), layout.from_data(outcome)):
                self._done(name, laid)

    def _done(self, name, laid: parts.LaidOut) -> None:
        self.done[name] = laid
        self.listener(name, laid)


def _stop_on_warnings(strict: bool, messages: list[str], stage: str) -> None:
    if strict and messages:
        raise BuildFailed(f"WeasyPrint reported problems while {stage} (strict mode); the "
                          "previous PDF was kept.",
                          [Problem("(layout)", None, None, m) for m in messages])


@contextlib.contextmanager
def _atomic(target: Path, project: Project):
    try:
        with atomic_target(target) as temp:
            yield temp
    except OSError as exc:
        raise BuildFailed(f"could not write {relative(target, project.root)}: "
                          f"{exc.strerror or exc}; the previous PDF was kept.") from None


def created(project: Project) -> datetime.datetime:
    """The PDF's date: SOURCE_DATE_EPOCH when set, else the edition's publication date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    day = project.edition.publication_date
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
