"""The recipe: load -> plan and lay out what changed -> check -> join -> impose -> the web
edition -> move into place -> preflight. Read it top to bottom."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import web
from .errors import BuildFailed, Problem, relative
from .files import atomic_target
from .i18n import _, ngettext
from .join import preflight
from .layout import check, pages, parts
from .layout.editions import PdfEdition, for_project, output_name
from .layout.pool import Pool
from .paths import layouts_dir
from .read.load import Project
from .read.review import check_only

Say = Callable[[str], None]
BOOKLETS = {"a3": "haefte-a4-paa-a3", "a4": "haefte-a5-paa-a4"}


@dataclass
class Written:
    """One PDF the build wrote."""

    path: Path
    pages: int
    size: int = 0


@dataclass
class Result:
    """What a build did, for the summary line."""

    project: Project
    written: list[Written] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    report: list[dict] = field(default_factory=list)  # preflight facts per edition
    booklet_hint: str = ""
    seconds: float = 0.0


def build(root: Path, strict: bool = False, say: Say = print,
          output: Path | None = None, only: set[str] | None = None,
          booklet: bool = False) -> Result:
    """Build every edition (or those named in only) into output/, all or nothing; with
    booklet, also the print edition as saddle-stitch booklets (A4 on A3, A5 on A4)."""
    started = time.perf_counter()
    # The workers start first (each imports WeasyPrint when it first lays out a part).
    with Pool(root.resolve()) as pool:
        # 1. Read and validate everything before anything is written.
        project = check_only(root, strict, say)
        result = Result(project, warnings=list(project.warnings))
        output = output or project.root / "output"
        editions = [e for e in for_project(project.edition, project.root)
                    if only is None or e.key in only]
        # 2. Plan the pages and lay out, in parallel, every part the cache lacks.
        say(_("Laying out the {editions}: {count} spread(s)").format(
            editions=_(" and ").join(e.label.lower() for e in editions),
            count=len(project.entries)))
        laid, measured = pages.lay_out_editions(project, editions, pool)
        # 3. Check the pages: nothing is written when a spread runs over.
        facts = {e.key: _check(project, e, laid[e.key], strict, result) for e in editions}
        # 4. Join each edition's parts, side by side, impose the booklets, write the web
        #    edition (catalogue/web/); 5. move every file into place at once, so that a
        #    failure leaves output/ as it was.
        targets = _targets(project, editions, output, booklet)
        with _staged(targets, project) as temps, web.Site(project, output) as site:
            _join_all(pool, project, editions, laid, facts, temps, targets, result)
            _impose_all(pool, project, temps, targets, result, say)
            site.write(laid, temps, targets, say)  # the web edition, with the PDFs
            say(ngettext("Writing {count} file to {folder}/", "Writing {count} files to "
                         "{folder}/", len(result.written)).format(
                count=len(result.written), folder=relative(output, project.root)))

    # 6. What this build did not use leaves the cache; the preflight report.
    pages.forget_unused(project, editions, laid, measured)
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
    if strict and messages:
        raise BuildFailed(_("WeasyPrint reported problems while laying out the {edition} "
                            "(--strict); the previous PDF was kept.").format(
                              edition=edition.label.lower()),
                          [Problem("(layout)", None, None, m) for m in messages])
    fits, photos = parts.fits_of(found), parts.photos_of(found)
    problems = check.fit_problems(fits, project, strict)
    if edition.key == "print":
        problems += check.resolution_problems(photos, project, strict)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise BuildFailed(ngettext(
            "{count} problem with the layout of the spreads; nothing was written.",
            "{count} problems with the layout of the spreads; nothing was written.",
            len(errors)).format(count=len(errors)), problems)
    result.warnings += [p for p in problems if p not in result.warnings]
    return {"overflowing": [f.slug for f in fits if f.overflow_lines or f.left_spill_lines],
            "sparse": [f.slug for f in fits if f.fill < check.SPARSE],
            "photo_ppi": [round(p.ppi) for p in photos],
            "warnings": sum(p.severity == "warning" for p in problems)}


def _targets(project: Project, editions: list[PdfEdition], output: Path,
             booklet: bool) -> dict[str, Path]:
    """The files the build writes: each edition's PDF, and the booklets (by sheet)."""
    targets = {e.key: output / f"{output_name(project)}{e.suffix}.pdf" for e in editions}
    if booklet and "print" in targets:
        targets |= {sheet: output / f"{output_name(project)}-{suffix}.pdf"
                    for sheet, suffix in BOOKLETS.items()}
    return targets


def _join_all(pool: Pool, project: Project, editions: list[PdfEdition], laid: dict,
              facts: dict, temps: dict, targets: dict, result: Result) -> None:
    """Each edition's parts joined into its temporary file, the editions side by side."""
    fonts = sorted((layouts_dir(project.root).parent / "fonts").glob("*.[ot]tf"))
    joined = pool.map(_join, [[p and p.piece() for p in laid[e.key]] for e in editions],
                      [(temps[e.key], targets[e.key]) for e in editions], editions,
                      [fonts] * len(editions), [project.root] * len(editions))
    for edition, (count, dangling, described) in zip(editions, joined):
        result.warnings += [Problem("(layout)", None, None, _(
            "a link points to #{name}, which is nowhere in the catalogue").format(name=name),
            "warning") for name in dangling]
        result.report.append(described | facts[edition.key]
                             | {"file": targets[edition.key].name})
        result.written.append(Written(targets[edition.key], count))


def _impose_all(pool: Pool, project: Project, temps: dict, targets: dict, result: Result,
                say: Say) -> None:
    """The print edition imposed as the booklets asked for, side by side."""
    sheets = [sheet for sheet in BOOKLETS if sheet in targets]
    imposed = pool.map(_impose, [temps.get("print")] * len(sheets),
                       [temps[sheet] for sheet in sheets], sheets)
    for sheet, done in zip(sheets, imposed):
        say(_("Imposed {file}").format(file=relative(targets[sheet], project.root)))
        result.written.append(Written(targets[sheet], done.sides))
        result.booklet_hint = done.hint


def _join(pieces: list, files: tuple[Path, Path], edition: PdfEdition, fonts: list[Path],
          root: Path) -> tuple:
    """In a worker: one edition's parts joined into its temporary file (files: that and its
    target; assemble.py). Returns its pages, the links that lead nowhere and its
    preflight facts."""
    from .join import assemble  # pikepdf: only where PDFs are joined

    temp, target = files
    try:
        with assemble.Joiner() as joiner:
            for piece in pieces:
                joiner.add(piece)
            count = joiner.write(temp, edition.bleed_box_mm, fonts, root)
    except OSError as exc:
        raise BuildFailed(_("could not write {file}: {why}; the previous PDF was kept.").format(
            file=relative(target, root), why=exc.strerror or exc)) from None
    return count, assemble.dangling_links(temp), preflight.describe(temp, edition.label, {})


def _impose(source: Path, temp: Path, sheet: str):
    """In a worker: the print edition imposed as a booklet on sheets (impose.py)."""
    from .join import impose  # pypdf: only where booklets are made

    try:
        return impose.impose(source, temp, sheet)
    except OSError as exc:
        raise BuildFailed(_("could not write a booklet: {why}; the previous PDFs were "
                            "kept.").format(why=exc.strerror or exc)) from None


@contextlib.contextmanager
def _staged(targets: dict[str, Path], project: Project):
    """A temporary file beside each target; all move into place when the block succeeds,
    none when it fails (a full disk among the reasons)."""
    try:
        with contextlib.ExitStack() as stack:
            yield {key: stack.enter_context(atomic_target(path))
                   for key, path in targets.items()}
    except OSError as exc:
        folder = relative(next(iter(targets.values())).parent, project.root)
        raise BuildFailed(_("could not write to {folder}/: {why}; the previous PDFs were "
                            "kept.").format(folder=folder, why=exc.strerror or exc)) from None
