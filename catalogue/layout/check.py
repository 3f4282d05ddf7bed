"""What the laid-out Document must satisfy: spreads whole, not nearly empty, photos sharp.

Everything here reads WeasyPrint's laid-out pages (boxes and anchors), never guesses from
character counts. Layout units are CSS pixels (1/96 inch).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import Problem, relative
from ..i18n import _, ngettext

if TYPE_CHECKING:  # the checks run on laid-out pages; the editor's commands need not load
    import weasyprint  # WeasyPrint, nor the layout's helper the models

    from ..read.load import Project

PX_PER_MM = 96 / 25.4
SPARSE = 0.33  # a right page whose story fills less than a third looks nearly empty
STORY = ("about", "origin", "results", "quote")
PRINT_PPI, MIN_PPI = 300, 150
# The photo's frame at the top of the left page (layouts/catalogue.css, .hero): the page's
# width and --hero, each with the bleed. `check` works out a photo's resolution from it
# without a layout; tests/test_check.py compares that with the laid-out page.
HERO_MM = (210.0, 128.0)


@dataclass
class Placed:
    """One laid-out box of a spread: where it is and which entry field it shows."""

    page: int
    part: str | None
    field: str | None
    box: object
    region: str | None = None  # the column: the class of the element that names the part


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
    left_spill_fields: list[str] = field(default_factory=list)
    field_lines: dict[str, int] = field(default_factory=dict)  # every field's lines, in order
    field_regions: dict[str, str] = field(default_factory=dict)  # field -> its column


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
        doc = by_slug[fit.slug]
        name = relative(doc.path, project.root)
        if fit.start % 2:
            problems.append(Problem(name, None, None, _(
                "the spread starts on page {page}, a right-hand page; check the layouts")
                .format(page=fit.start), "error"))
        for count, fields, words in (
                (fit.left_spill_lines, fit.left_spill_fields or ["lead", "title"],
                 _("the left page runs {lines} over")),
                (fit.overflow_lines, fit.overflow_fields or ["about", "results"],
                 _("the spread runs {lines} onto a third page"))):
            if count:
                first = fields[0]
                problems.append(Problem(name, doc.line(first), first, _(
                    "{what}; shorten {fields}").format(
                        what=words.format(lines=_lines(count)),
                        fields=_shorten(fit, fields, doc)), severity))
        if fit.fill < SPARSE and not fit.overflow_lines:
            problems.append(Problem(name, None, None, _(
                "the right page is only {percent}\u00a0% full; consider adding 'results' or more "
                "of 'about'").format(percent=round(fit.fill * 100)), "warning"))
    return problems


def _lines(count: int) -> str:
    return ngettext("{count} line", "{count} lines", count).format(count=count)


def _shorten(fit: Fit, fields: list[str], doc) -> str:
    """The texts that share a column with the lines that ran over, each with its lines on
    the spread and its line in the entry; then the spread's other texts."""
    regions = {fit.field_regions.get(f) for f in fields}
    mine = [f for f in fit.field_lines if fit.field_regions.get(f) in regions] or fields
    others = [f for f in fit.field_lines if f not in mine]

    def listed(names: list[str]) -> str:
        return ", ".join(_("{field} ({lines}, line {line})").format(
            field=f, lines=_lines(fit.field_lines.get(f, 0)), line=doc.line(f))
            for f in names)

    text = _("one of {fields}").format(fields=listed(mine)) if len(mine) > 1 else listed(mine)
    if others:
        text += "; " + _("the spread's other texts: {fields}").format(fields=listed(others))
    return text


def _placed_boxes(document: weasyprint.Document) -> dict[str, list[Placed]]:
    """Every box inside a spread, by the spread's slug."""
    found: dict[str, list[Placed]] = {}

    def walk(box, page, slug, part, field_name, region):
        element = getattr(box, "element", None)
        if element is not None and getattr(box, "element_tag", "").find("::") < 0:
            slug = element.get("data-slug", slug)
            if element.get("data-part"):
                part = element.get("data-part")
                region = (element.get("class") or part).split()[0]
            field_name = element.get("data-field", field_name)
        if slug:
            found.setdefault(slug, []).append(Placed(page, part, field_name, box, region))
        for child in getattr(box, "children", ()):
            walk(child, page, slug, part, field_name, region)

    for number, page in enumerate(document.pages, start=1):
        walk(page._page_box, number, None, None, None, None)
    return found


def _measure_overflow(fit: Fit, own: list[Placed]) -> None:
    from weasyprint.formatting_structure import boxes

    for item in own:
        if not isinstance(item.box, boxes.LineBox) or item.field is None:
            continue
        fit.field_lines[item.field] = fit.field_lines.get(item.field, 0) + 1
        fit.field_regions.setdefault(item.field, item.region or item.part or "")
        if item.part == "left" and item.page > fit.start:
            fit.left_spill_lines += 1
            if item.field not in fit.left_spill_fields:
                fit.left_spill_fields.append(item.field)
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
        doc = by_slug[item.slug]
        words = (_("{file} prints at {ppi} ppi; print needs {needed} ppi (under {low} it looks "
                   "blurred): use a larger original") if low else
                 _("{file} prints at {ppi} ppi; print needs {needed} ppi: use a larger "
                   "original"))
        problems.append(Problem(
            relative(doc.path, project.root), doc.line("image", "file"), "image.file",
            words.format(file=repr(item.file), ppi=f"{item.ppi:.0f}", needed=PRINT_PPI,
                         low=MIN_PPI), "error" if low and strict else "warning"))
    return problems


def expected_resolutions(project: Project) -> list[Resolution]:
    """Each photo's resolution in the print edition, from its pixels and the frame it fills
    (HERO_MM and the bleed): what the layout will find, without a layout, for `check`."""
    from ..read import images

    bleed = project.edition.print.bleed_mm
    frame = [(mm + bleed) / 25.4 for mm in HERO_MM]  # inches
    found = []
    for doc in project.entries:
        if doc.entry.image:
            size = images.pixel_size(project.root / doc.entry.image.file)
            if size:
                found.append(Resolution(doc.slug, doc.entry.image.file,
                                        min(size[0] / frame[0], size[1] / frame[1])))
    return found


def illustration_problems(project: Project) -> list[Problem]:
    """The theme illustrations spreads without a photo show that the build would refuse to
    draw, in the build's words (pdf.SandboxFetcher), for `check`."""
    from ..read import images
    from ..paths import layouts_dir

    folder = layouts_dir(project.root) / "illustrations"
    shown = {doc.main_theme for doc in project.entries if doc.entry.image is None}
    problems = []
    for theme in sorted(shown):
        path = folder / f"{theme}.svg"
        try:
            why = images.svg_problem(path.read_bytes())
        except OSError:
            continue  # load.py said that it is missing
        if why:
            name = str(path.relative_to(folder.parent.parent))  # layouts/illustrations/...
            refused = _("refused to load {file}: {reason}").format(file=name, reason=why)
            problems.append(Problem(name, None, None, _(
                "the layout could not be rendered: {reason}").format(reason=refused)))
    return problems
