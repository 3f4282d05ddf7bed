"""The back matter as laid out: the sources in columns balanced where they end, one
partnership's addresses together, addresses broken before a slash."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from catalogue.layout import pdf, render
from catalogue.read.load import load_project
from catalogue.paths import readable_roots

ROOT = Path(__file__).resolve().parent.parent
INVISIBLE = str.maketrans("", "", render.ZWSP + render.WORD_JOINER)


@pytest.mark.parametrize("url, printed", [
    ("https://www.kl.dk/klima-og-erhverv/klima/inspirationskatalog",
     "kl.dk|/klima-og-erhverv|/klima|/inspirationskatalog"),
    ("https://gate21.dk/project/carbon-20/", "gate21.dk|/project|/carbon-20"),
    ("https://localeyes.dk/r49556-9999-prm-sammen-for-klimaet-mandag-formiddag",
     "localeyes.dk|/r49556-9999-prm-sammen-for-klimaet-mandag-formiddag")])
def test_an_address_may_break_before_a_slash_and_in_a_short_part_nowhere_else(url, printed):
    """| marks where a line may end (a zero-width space); a word joiner after every slash,
    and after the hyphens of a part that fits a line, keeps a line from ending there."""
    text = render.url_lines(url)
    assert text.translate(INVISIBLE) == render.short_url(url)
    assert text.replace(render.ZWSP, "|").replace(render.WORD_JOINER, "") == printed
    for part in text.split(render.ZWSP):
        if len(part.translate(INVISIBLE)) <= 40:
            assert part.count("-") == part.count("-" + render.WORD_JOINER)
        assert part.count("/") == part.count("/" + render.WORD_JOINER)


def _groups(document) -> list[tuple[int, float, str]]:
    """(page, x, title) of every box of a partnership's sources; a list split over two
    pages or columns has boxes in both."""
    found = []

    def walk(box, page, parent):
        element = getattr(box, "element", None)
        if element is not None and element is not parent and \
                "source-group" in (element.get("class") or ""):
            found.append((page, round(box.position_x), element[0].text))
        for child in getattr(box, "children", ()):
            walk(child, page, element)

    for number, page in enumerate(document.pages, start=1):
        walk(page._page_box, number, None)
    return found


@pytest.fixture(scope="module")
def sources():
    """The sources of a catalogue of 44 partnerships (the sample's four times), laid out."""
    project = load_project(ROOT)
    project.entries = [dataclasses.replace(doc, slug=f"{doc.slug}-{n}")
                       for n in range(4) for doc in project.entries]
    html = render.render_html(project, parts=("back",), sections=["kilder"])
    return project, pdf.render(html, ROOT, readable_roots(ROOT))


def test_no_partnerships_sources_are_split_and_the_last_page_is_balanced(sources):
    project, document = sources
    groups = _groups(document)
    titles = [title for _, _, title in groups]
    assert len(document.pages) >= 3
    assert titles == [doc.entry.title for doc in project.entries if doc.entry.sources]
    last = [x for page, x, _ in groups if page == len(document.pages)]
    assert len(set(last)) == 2  # both columns hold something on the last page too


def _text(box) -> str:
    return getattr(box, "text", "") + "".join(_text(c) for c in getattr(box, "children", ()))


def test_no_line_of_an_address_ends_with_a_slash(sources):
    """Each address breaks before a slash, never after one (the slash begins the next
    line: the reader sees the address goes on)."""
    _, document = sources
    lines = []

    def walk(box):
        if type(box).__name__ == "LineBox" and box.element is not None and \
                box.element.tag == "li" and not box.element.get("class"):
            lines.append(_text(box).translate(INVISIBLE))
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    assert len(lines) > 200
    assert sum(line.startswith("/") for line in lines) > 20  # addresses were broken
    for line in lines:
        assert not line.rstrip().endswith("/"), line
