"""Page numbers from the parts' lengths: pure functions, no layout and no files.

A catalogue is its front matter (cover, foreword, contents), one two-page spread per
entry, and one part per section of the back matter. Page 1 is a right-hand page, so even
pages are left-hand pages, and every spread starts on one: a blank page goes before a
spread where the part before it ended on a left-hand page. The print edition is
saddle-stitched, so its page count is padded to a multiple of four with blank pages
where a book has them: just before the colophon, the last page. So both editions number
everything else the same.
"""

from __future__ import annotations

from dataclasses import dataclass

SPREAD_PAGES = 2  # what a spread is assumed to take until it is laid out


@dataclass(frozen=True)
class Part:
    """One part of one edition: what it shows and the catalogue page it starts on."""

    kind: str  # "front", "spread" or "back"
    first_page: int
    slug: str | None = None  # the spread's entry, or the back matter's section (its anchor)
    fillers: int = 0  # blank pages that open it (the print edition's padding)

    @property
    def first_side(self) -> str:
        """Even pages are left-hand pages (the first page of the catalogue is a right)."""
        return "left" if starts_left(self.first_page) else "right"


@dataclass(frozen=True)
class Plan:
    """The parts in page order (None: a blank page), and the first page of every spread
    and every section of the back matter (by slug), for the parts that refer to them."""

    order: tuple[Part | None, ...]
    numbers: dict[str, int]


def starts_left(page: int) -> bool:
    """Whether a page is a left-hand page."""
    return page % 2 == 0


def plan(spreads: list[str], sections: list[str], sizes: dict[str, int],
         padded: bool = False) -> Plan:
    """Number the parts from their lengths (sizes: "front", a spread's slug, a section's
    name; a spread not named takes two pages, a section one). padded: blank fillers before
    the last section (the colophon) make the page count a multiple of four, once every
    section's length is known (until then there are none)."""
    order: list[Part | None] = [Part("front", 1)]
    numbers: dict[str, int] = {}
    page = sizes["front"] + 1
    for slug in spreads:
        if not starts_left(page):
            order.append(None)
            page += 1
        numbers[slug] = page
        order.append(Part("spread", page, slug))
        page += sizes.get(slug, SPREAD_PAGES)
    fillers = padding(page - 1, sections, sizes) if padded else 0
    for section in sections:
        blank = fillers if section == sections[-1] else 0
        order.append(Part("back", page, section, blank))
        numbers[section] = page + blank
        page += blank + sizes.get(section, 1)
    return Plan(tuple(order), numbers)


def padding(pages_before: int, sections: list[str], sizes: dict[str, int]) -> int:
    """The blank pages that make the whole a multiple of four (0 while a section's length
    is unknown)."""
    if not all(section in sizes for section in sections):
        return 0
    return -(pages_before + sum(sizes[section] for section in sections)) % 4


def sizes_found(plan_: Plan, pages: list[int | None]) -> dict[str, int]:
    """The lengths the parts of a plan really came out (pages: each part's page count, in
    the plan's order, None for a blank page), as plan() takes them: a spread only when it
    is not two pages, a section without the fillers before it."""
    sizes = {}
    for part, count in zip(plan_.order, pages):
        if part is None:
            continue
        if part.kind == "spread":
            if count != SPREAD_PAGES:
                sizes[part.slug] = count
        elif part.kind == "back":
            sizes[part.slug] = count - part.fillers
        else:
            sizes[part.kind] = count
    return sizes
