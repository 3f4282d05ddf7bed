"""The recipe: load -> render -> lay out -> check -> write. Read it top to bottom."""

from __future__ import annotations

import calendar
import concurrent.futures
import contextlib
import datetime
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import weasyprint

from . import cache, check, impose, pdf, preflight, render
from .danish import slug
from .editions import PdfEdition, for_project
from .errors import BuildFailed, Problem, relative
from .load import Project
from .paths import layouts_dir, readable_roots
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
    # 1. Read and validate everything before anything is written.
    project = check_only(root, strict, say)
    result = Result(project, warnings=list(project.warnings))
    output = output or project.root / "output"

    # 2. Lay out every edition, check its pages and write it beside its target: the slow
    #    part, one process per edition on a machine with cores to spare. The files move
    #    into place only when all are written, so a failure anywhere leaves output/ as it was.
    editions = [e for e in for_project(project.edition, project.root)
                if only is None or e.key in only]
    say(f"Laying out {' and '.join(e.label.lower() for e in editions)}: "
        f"{len(project.entries)} spread(s)")
    with contextlib.ExitStack() as stack:
        temps = [stack.enter_context(_atomic(_target(output, project, e), project))
                 for e in editions]
        outcomes = _run_all([(project, e, strict, temp) for e, temp in zip(editions, temps)])
        for edition, temp, outcome in zip(editions, temps, outcomes):
            if outcome.error:
                raise BuildFailed(*outcome.error)
            result.warnings += [p for p in outcome.problems if p not in result.warnings]
            messages = outcome.messages
            result.warnings += [Problem("(layout)", None, None, m, "warning") for m in messages]
            _stop_on_warnings(strict, messages, f"laying out the {edition.label.lower()}")
            target = _target(output, project, edition)
            result.report.append(preflight.describe(temp, edition.label, outcome.facts)
                                 | {"file": target.name})
            result.written.append(Written(target, outcome.pages, 0))
            if booklet and edition.key == "print":
                for sheet, suffix in BOOKLETS.items():
                    sheets = output / f"{output_name(project)}-{suffix}.pdf"
                    say(f"Imposing {relative(sheets, project.root)}")
                    imposed = impose.impose(temp, stack.enter_context(
                        _atomic(sheets, project)), sheet)
                    result.written.append(Written(sheets, imposed.sides, 0))
                    result.booklet_hint = imposed.hint
        say(f"Writing {len(result.written)} file(s) to {relative(output, project.root)}/")
    for item in result.written:
        item.size = item.path.stat().st_size
    preflight.save(result.report, output)
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _Outcome:
    """What one edition's process sends back (a Document cannot cross processes)."""

    pages: int = 0
    problems: list[Problem] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    error: tuple[str, list[Problem]] | None = None


def _target(output: Path, project: Project, edition: PdfEdition) -> Path:
    return output / f"{output_name(project)}{edition.suffix}.pdf"


def _run_all(jobs: list[tuple]) -> list[_Outcome]:
    """Run the editions' jobs, in parallel processes when there are cores for it.

    fork, not spawn: a child starts at once with the modules loaded (and, in the tests,
    with whatever they replaced); nothing in it prints, so no terminal lock can hang it.
    """
    if len(jobs) < 2 or (os.cpu_count() or 1) < 2:
        return [_edition_job(*job) for job in jobs]
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(len(jobs), mp_context=context) as pool:
        futures = [pool.submit(_edition_job, *job) for job in jobs]
        return [future.result() for future in futures]


def _edition_job(project: Project, edition: PdfEdition, strict: bool, temp: Path) -> _Outcome:
    """Lay out, check and write one edition to temp; errors come back as data."""
    pages = _estimated_pages(project) if edition.key == "print" else None
    with pdf.collect_warnings() as messages:
        try:
            document, problems, facts = _lay_out(project, edition, strict, pages)
        except BuildFailed as failure:
            return _Outcome(error=(str(failure), failure.problems), messages=list(messages))
        if strict and messages:  # keep the old file: do not spend time writing this one
            return _Outcome(messages=list(messages))
        _write(document, temp, project, edition)
    return _Outcome(len(document.pages), problems, facts, list(messages))


def _estimated_pages(project: Project) -> int:
    """The catalogue's page count without fillers: front matter, two pages a spread, back
    matter, each laid out on its own (fast). _lay_out checks the result and lays out again
    in the rare case that the estimate was wrong."""
    front = part_pages(project, "front-matter.html.j2")
    return front + (front + 1) % 2 + 2 * len(project.entries) + \
        part_pages(project, "back-matter.html.j2")


def part_pages(project: Project, template: str) -> int:
    """How many pages a part of the catalogue (front or back matter) fills on its own.

    Remembered by content (cache.py): the part's HTML, the stylesheet, the fonts and the
    WeasyPrint version decide the count, so any change to them lays the part out again.
    """
    layouts = layouts_dir(project.root)
    roots = readable_roots(project.root)
    html = render.render_html(project, "print", created(project), template=template)
    fonts = sorted((layouts.parent / "fonts").glob("*.[ot]tf"))
    parts = [html, (layouts / "catalogue.css").read_bytes(), weasyprint.__version__,
             *[f"{font.name}:{font.stat().st_size}:{font.stat().st_mtime_ns}" for font in fonts]]

    def count() -> int:
        with pdf.collect_warnings():  # links to spreads not in this part: expected, ignored
            return len(pdf.render(html, project.root, roots).pages)

    return cache.remembered(project.root, "pages", parts, count)


def _lay_out(project: Project, edition: PdfEdition, strict: bool, pages: int | None):
    """Render one edition and check that every spread fits its two pages.

    The print edition is padded with blank pages to a multiple of four (for saddle
    stitching); the padding comes from pages, the estimate of _estimated_pages, and is
    laid out again in the rare case the estimate was wrong.
    """
    roots = readable_roots(project.root)
    photos = {}
    if edition.photo_size:
        photos = {doc.slug: cache.downsampled(project.root, project.root / doc.entry.image.file,
                                              edition.photo_size, edition.photo_quality).as_uri()
                  for doc in project.entries if doc.entry.image}

    def lay_out(fillers: int):
        html = render.render_html(project, edition.key, created(project), fillers,
                                  **({"photos": photos} if photos else {}))
        return pdf.render(html, project.root, roots, edition.page_css, **edition.options)

    document = lay_out(0 if edition.key != "print" else (-(pages or 0)) % 4)
    if edition.key == "print" and len(document.pages) % 4:
        document = lay_out((-len(document.pages)) % 4)
    fits = check.measure(document, project)
    photos = check.resolutions(document, project)
    problems = check.fit_problems(fits, project, strict)
    if edition.key == "print":
        problems += check.resolution_problems(photos, project, strict)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise BuildFailed(f"{len(errors)} problem(s) with the layout of the spreads; nothing "
                          "was written.", problems)
    facts = {"overflowing": [f.slug for f in fits if f.overflow_lines or f.left_spill_lines],
             "sparse": [f.slug for f in fits if f.fill < check.SPARSE],
             "photo_ppi": [round(p.ppi) for p in photos],
             "warnings": sum(p.severity == "warning" for p in problems)}
    return document, problems, facts


def _stop_on_warnings(strict: bool, messages: list[str], stage: str) -> None:
    if strict and messages:
        raise BuildFailed(f"WeasyPrint reported problems while {stage} (strict mode); the "
                          "previous PDF was kept.",
                          [Problem("(layout)", None, None, m) for m in messages])


@contextlib.contextmanager
def _atomic(target: Path, project: Project):
    try:
        with pdf.atomic_target(target) as temp:
            yield temp
    except OSError as exc:
        raise BuildFailed(f"could not write {relative(target, project.root)}: "
                          f"{exc.strerror or exc}; the previous PDF was kept.") from None


def _write(document, temp: Path, project: Project, edition: PdfEdition) -> None:
    """Write one PDF; font subsets are stamped with the edition's date, never the clock."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(created(project).timetuple()))
    try:
        with pdf.stable_document_id(f"{output_name(project)}{edition.suffix}:"
                                    f"{created(project).isoformat()}"):
            document.write_pdf(temp, **edition.options)
        if edition.bleed_box_mm is not None:
            pdf.set_bleed_box(temp, edition.bleed_box_mm)
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def created(project: Project) -> datetime.datetime:
    """The PDF's date: SOURCE_DATE_EPOCH when set, else the edition's publication date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    day = project.edition.publication_date
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
