"""What the laid-out Document must satisfy before it is written: every spread whole."""

from __future__ import annotations

import weasyprint

from .errors import Problem, relative
from .load import Project


def anchor_pages(document: weasyprint.Document) -> dict[str, int]:
    """Page number (1-based) of every anchor in the laid-out document."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for name in page.anchors:
            pages.setdefault(name, number)
    return pages


def check_spreads(document: weasyprint.Document, project: Project) -> list[Problem]:
    """Each partnership starts on a left (even) page and ends on the right page beside it."""
    pages = anchor_pages(document)
    problems = []
    for doc in project.entries:
        name = relative(doc.path, project.root)
        start, end = pages.get(doc.slug), pages.get(f"{doc.slug}-end")
        if start is None or end is None:
            problems.append(Problem(name, None, None, "the spread is missing from the layout"))
        elif start % 2:
            problems.append(Problem(name, None, None, f"the spread starts on page {start}, a "
                                    "right-hand page; check the layouts"))
        elif end > start + 1:
            problems.append(Problem(
                name, None, None, f"the spread runs onto {end - start - 1} more page(s) after "
                f"page {start + 1}; shorten 'about', 'origin' or 'results', or the lead"))
    return problems
