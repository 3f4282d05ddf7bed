"""What the laid-out Document must satisfy: spreads whole, not nearly empty, photos sharp.

Everything here reads WeasyPrint's laid-out pages (boxes and anchors), never guesses from
character counts. Layout units are CSS pixels (1/96 inch).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import Problem, relative

if TYPE_CHECKING:  # the checks run on laid-out pages; the editor's commands need not load
    import weasyprint  # WeasyPrint, nor the layout's helper the models

    from .load import Project

PX_PER_MM = 96 / 25.4
SPARSE = 0.33  # a right page whose story fills less than a third looks nearly empty
STORY = ("about", "origin", "results", "quote")
PRINT_PPI, MIN_PPI = 300, 150


@dataclass
class Placed:
    """One laid-out box of a spread: where it is and which entry field it shows."""

    page: int
    part: str | None
    field: str | None
    box: object


@dataclass
class Fit:
    """How one partnership's content sits on its two pages."""

    slug: str
    start: int
    end: int
    overflow_lines: int = 0
    overflow_fields: list[str] = field(default_factory=list)
    left_spill_lines: int = 0
    fill: float = 1.0


def anchor_pages(document: weasyprint.Document) -> dict[str, int]:
    """Page number (1-based) of every anchor in the laid-out document."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for name in page.anchors:
            pages.setdefault(name, number)
    return pages


def measure(document: weasyprint.Document, slugs: list[str]) -> list[Fit]:
    """Measure the spreads of these entries (slugs): lines that run over, and how full the
    right page is."""
    anchors = anchor_pages(document)
    placed = _placed_boxes(document)
    fits = []
    for slug in slugs:
        start, end = anchors.get(slug), anchors.get(f"{slug}-end")
        if start is None or end is None:
            continue
        fit = Fit(slug, start, end)
        own = placed.get(slug, [])
        _measure_overflow(fit, own)
        fit.fill = _fill(own, start + 1, document)
        fits.append(fit)
    return fits


def fit_problems(fits: list[Fit], project: Project, strict: bool) -> list[Problem]:
    """Editor-facing messages for spreads that do not fit (errors under strict) or look sparse."""
    by_slug = {doc.slug: doc for doc in project.entries}
    problems = []
    severity = "error" if strict else "warning"
    for fit in fits:
        name = relative(by_slug[fit.slug].path, project.root)
        if fit.start % 2:
            problems.append(Problem(name, None, None, f"the spread starts on page {fit.start}, "
                                    "a right-hand page; check the layouts", "error"))
        if fit.left_spill_lines:
            problems.append(Problem(
                name, None, None, f"the left page runs {_lines(fit.left_spill_lines)} over; "
                "shorten the lead or the title", severity))
        if fit.overflow_lines:
            problems.append(Problem(
                name, None, None, f"the spread runs {_lines(fit.overflow_lines)} onto a "
                f"third page; shorten {_either(fit.overflow_fields)}", severity))
        if fit.fill < SPARSE and not fit.overflow_lines:
            problems.append(Problem(
                name, None, None, f"the right page is only {round(fit.fill * 100)}\u00a0% full; consider "
                "adding 'results' or more of 'about'", "warning"))
    return problems


def _lines(count: int) -> str:
    return f"{count} line{'s' if count != 1 else ''}"


def _either(fields: list[str]) -> str:
    quoted = [f'"{f}"' for f in fields] or ['"about"', '"results"']
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _placed_boxes(document: weasyprint.Document) -> dict[str, list[Placed]]:
    """Every box inside a spread, by the spread's slug."""
    found: dict[str, list[Placed]] = {}

    def walk(box, page, slug, part, field_name):
        element = getattr(box, "element", None)
        if element is not None and getattr(box, "element_tag", "").find("::") < 0:
            slug = element.get("data-slug", slug)
            part = element.get("data-part", part)
            field_name = element.get("data-field", field_name)
        if slug:
            found.setdefault(slug, []).append(Placed(page, part, field_name, box))
        for child in getattr(box, "children", ()):
            walk(child, page, slug, part, field_name)

    for number, page in enumerate(document.pages, start=1):
        walk(page._page_box, number, None, None, None)
    return found


def _measure_overflow(fit: Fit, own: list[Placed]) -> None:
    from weasyprint.formatting_structure import boxes

    for item in own:
        if not isinstance(item.box, boxes.LineBox) or item.field is None:
            continue
        if item.part == "left" and item.page > fit.start:
            fit.left_spill_lines += 1
        elif item.part == "right" and item.page > fit.start + 1:
            fit.overflow_lines += 1
            if item.field not in fit.overflow_fields:
                fit.overflow_fields.append(item.field)


def _bottom(box) -> float:
    return box.position_y + box.margin_height()


def _fill(own: list[Placed], page: int, document) -> float:
    """How far down the right page the story (the main column) reaches, 0 to 1."""
    from weasyprint.formatting_structure import boxes

    bottoms = [_bottom(p.box) for p in own if p.page == page and p.part == "right"
               and p.field in STORY and isinstance(p.box, boxes.LineBox)]
    if not bottoms:
        return 0.0
    page_box = document.pages[page - 1]._page_box
    return (max(bottoms) - page_box.content_box_y()) / page_box.height


@dataclass
class Resolution:
    """A photo's effective resolution where it is placed."""

    slug: str
    file: str
    ppi: float


def resolutions(document: weasyprint.Document, images: dict[str, str]) -> list[Resolution]:
    """Each photo's effective pixels per inch at its placed size (object-fit: cover);
    images: slug -> the photo's file."""
    found = []
    for slug, placed in _placed_boxes(document).items():
        for item in placed:
            box = item.box
            if getattr(box, "element_tag", None) != "img" or slug not in images:
                continue
            width, height = box.replacement.width, box.replacement.height
            scale = max(box.width / width, box.height / height)  # CSS px per image pixel
            found.append(Resolution(slug, images[slug], 96 / scale))
    return found


def resolution_problems(found: list[Resolution], project: Project, strict: bool) -> list[Problem]:
    """Photos too coarse for print: under 300 ppi a warning, under 150 an error when strict."""
    by_slug = {doc.slug: doc for doc in project.entries}
    problems = []
    for item in found:
        if item.ppi >= PRINT_PPI:
            continue
        low = item.ppi < MIN_PPI
        problems.append(Problem(
            relative(by_slug[item.slug].path, project.root), None, "image.file",
            f"{item.file!r} prints at {item.ppi:.0f} ppi; print needs {PRINT_PPI} ppi"
            f"{' (under ' + str(MIN_PPI) + ' it looks blurred)' if low else ''}: use a "
            "larger original", "error" if low and strict else "warning"))
    return problems
