"""`catalogue preview <slug>`: one spread, with the page numbers it will have, in seconds."""

from __future__ import annotations

import dataclasses
import difflib
import shutil
from pathlib import Path
from typing import Callable, Iterable

from PIL import Image

from .layout import check, render
from .layout.editions import for_project
from .errors import CatalogueError, relative
from .files import atomic_target
from .i18n import _
from .read.load import Project
from .layout.pages import front_length, part_of
from .layout.parts import fits_of
from .paths import layouts_dir
from .layout.plan import Part, plan
from .layout.pool import Pool
from .join.proof import page_images
from .read.review import check_only


def first_page_of(project: Project, slug: str, pool: Pool) -> int:
    """The page where a spread will start in the catalogue, as the build plans it."""
    sizes = {"front": front_length(project, pool)}
    slugs = [doc.slug for doc in project.entries]
    return plan(slugs, render.back_sections(project), sizes).numbers[slug]


def preview(root: Path, slug: str, say: Callable[[str], None] = print,
            pool: Pool | None = None) -> tuple[Path, Path]:
    """Render one spread to output/preview/<slug>.pdf and a PNG of both pages side by side,
    laid out in pool (the command starts it before its own imports, so that the worker
    gets WeasyPrint ready while the entries are read), or in a pool of its own."""
    if pool is not None:
        return _preview(root, slug, say, pool)
    with Pool(root.resolve(), workers=1, ready=True) as started:
        return _preview(root, slug, say, started)


def _preview(root: Path, slug: str, say: Callable[[str], None],
             pool: Pool) -> tuple[Path, Path]:
    project = check_only(root, say=lambda message: None)
    doc = _entry(project, slug)
    first = first_page_of(project, slug, pool)
    # The spread exactly as the download edition will have it (the same cached part: a
    # build after a preview does not lay it out again), with every page it fills.
    download = for_project(project.edition, project.root)[0]
    laid = part_of(project, download, Part("spread", first, slug), pool)
    subset = dataclasses.replace(project, entries=[doc])
    for problem in check.fit_problems(fits_of([laid]), subset, strict=False):
        say(str(problem))
    folder = project.root / "output" / "preview"
    target = folder / f"{slug}.pdf"
    with atomic_target(target) as temp:
        shutil.copyfile(laid.pdf, temp)
    png = folder / f"{slug}.png"
    # The fastest zlib level: 0.05 s instead of 0.09 s, for a file 7 % larger.
    _side_by_side(page_images(target, scale=100 / 72)).save(png, compress_level=1)
    last = first + laid.pages - 1
    say(_("Wrote {file} and {png}: pages {first}–{last}").format(
        file=relative(target, project.root), png=png.name, first=first, last=last))
    return target, png


def _entry(project: Project, slug: str):
    """The entry named slug, or an error that suggests the one meant."""
    slugs = [doc.slug for doc in project.entries]
    if slug in slugs:
        return project.entries[slugs.index(slug)]
    close = [s for s in slugs if slug in s] or difflib.get_close_matches(slug, slugs, n=1)
    if close:
        raise CatalogueError(_("there is no entry {slug} in entries/; did you mean "
                               "{other}?").format(slug=slug, other=close[0]))
    raise CatalogueError(_("there is no entry {slug} in entries/").format(slug=slug))


def watch(root: Path, slug: str, say: Callable[[str], None] = print,
          changes: Iterable | None = None) -> None:
    """Preview again on every save of the entry, the layouts or catalogue.yaml; never stop
    on an error, print it and wait for the next save."""
    if changes is None:
        import watchfiles

        paths = [root / "entries", root / "images", root / "catalogue.yaml", layouts_dir(root)]
        changes = watchfiles.watch(*[p for p in paths if p.exists()])
    with Pool(root.resolve(), workers=1, ready=True) as pool:  # one for the whole session
        _preview_reporting(root, slug, say, pool)
        for _change in changes:
            _preview_reporting(root, slug, say, pool)


def _preview_reporting(root: Path, slug: str, say: Callable[[str], None],
                       pool: Pool) -> None:
    try:
        _preview(root, slug, say, pool)
    except CatalogueError as error:
        say(error.report())
        say(_("Waiting for the next save ..."))


def _side_by_side(pages: list[Image.Image]) -> Image.Image:
    left, right = pages[0], pages[1]
    sheet = Image.new("RGB", (left.width + right.width + 12, left.height), "#9AA19D")
    sheet.paste(left.convert("RGB"), (0, 0))
    sheet.paste(right.convert("RGB"), (left.width + 12, 0))
    return sheet
