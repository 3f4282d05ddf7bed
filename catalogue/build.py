"""The recipe: load -> render -> lay out -> check -> write. Read it top to bottom."""

from __future__ import annotations

import calendar
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import check, pdf, render
from .danish import slug
from .errors import BuildFailed, Problem, ValidationFailed, relative
from .load import Project, load_project

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
    seconds: float = 0.0


def output_name(project: Project) -> str:
    """The download edition's file name: title and year, e.g. groenne-klimapartnerskaber-2026."""
    return f"{slug(project.edition.title)}-{project.edition.year}"


def check_only(root: Path, strict: bool = False, say: Say = print) -> Project:
    """Validate catalogue.yaml and every entry; raise ValidationFailed on any problem."""
    project = load_project(root)
    say(f"Validated catalogue.yaml and {len(project.entries)} entries")
    if strict and project.warnings:
        raise ValidationFailed.from_problems(project.warnings)
    return project


def build(root: Path, strict: bool = False, say: Say = print,
          output: Path | None = None) -> Result:
    """Build the catalogue PDF into output/; nothing in output/ changes unless all succeeds."""
    started = time.perf_counter()
    # 1. Read and validate everything before anything is written.
    project = check_only(root, strict, say)
    result = Result(project, warnings=list(project.warnings))
    output = output or project.root / "output"

    # 2. Render the HTML and lay it out into pages (the slow part).
    say(f"Laying out {len(project.entries)} spreads")
    html = render.render_html(project)
    layouts = render.layouts_dir(project.root)
    roots = [project.root, layouts, layouts.parent / "fonts"]
    with pdf.collect_warnings() as messages:
        document = pdf.render(html, project.root, roots)
        # 3. Check the laid-out pages: every spread whole, on the right pages.
        problems = check.check_spreads(document, project)
        if problems:
            raise BuildFailed(f"{len(problems)} spread(s) do not fit; nothing was written.",
                              problems)
        # 4. Write the PDF atomically.
        target = output / f"{output_name(project)}.pdf"
        say(f"Writing {relative(target, project.root)}")
        size = _write(document, target, project, strict, messages)
    result.warnings += [Problem("(layout)", None, None, m, "warning") for m in messages]
    result.written.append(Written(target, len(document.pages), size))
    result.seconds = time.perf_counter() - started
    return result


def _write(document, target: Path, project: Project, strict: bool,
           messages: list[str]) -> int:
    """Write one PDF atomically; in strict mode any WeasyPrint warning keeps the old file."""
    epoch = project.edition.publication_date
    # Font subsets and PDF dates come from the edition, never from the clock.
    os.environ.setdefault("SOURCE_DATE_EPOCH",
                          str(calendar.timegm(epoch.timetuple())))
    try:
        with pdf.atomic_target(target) as temp:
            document.write_pdf(temp, pdf_identifier=True)
            if strict and messages:
                raise BuildFailed(
                    "WeasyPrint reported problems while laying out the catalogue (strict "
                    "mode); the previous PDF was kept.",
                    [Problem("(layout)", None, None, m) for m in messages])
        return target.stat().st_size
    except OSError as exc:
        raise BuildFailed(f"could not write {relative(target, project.root)}: "
                          f"{exc.strerror or exc}; the previous PDF was kept.") from None
