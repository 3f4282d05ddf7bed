"""The spread as laid out: the left page's foot (key figures, else the quote, else a taller
picture) on one line on every spread, and the theme drawings in turn."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import yaml

from catalogue.layout import check, pdf, render
from catalogue.build import build
from catalogue.read.load import load_project
from catalogue.paths import readable_roots

ROOT = Path(__file__).resolve().parent.parent
DRAWINGS = ROOT / "layouts" / "illustrations"
MM = 96 / 25.4  # WeasyPrint's CSS pixels per millimetre


def _boxes(document, cls: str) -> dict[int, object]:
    """The first box of each element with this class, by page number (1-based)."""
    found = {}

    def walk(box, page, parent):
        element = getattr(box, "element", None)
        if element is not None and element is not parent and \
                cls in (element.get("class") or "").split():
            found.setdefault(page, box)
        for child in getattr(box, "children", ()):
            walk(child, page, element)

    for number, page in enumerate(document.pages, start=1):
        walk(page._page_box, number, None)
    return found


def _laid_out(project_root: Path):
    project = load_project(project_root)
    html = render.render_html(project, parts=("spread",), first_page=2, first_side="left")
    return project, pdf.render(html, project_root, readable_roots(project_root))


def test_the_key_figures_stand_on_one_line_at_the_foot_of_every_left_page():
    project, document = _laid_out(ROOT)
    figures = _boxes(document, "key-figures")
    assert len(figures) == len(project.entries)  # every sample entry has figures
    tops = {round(box.position_y, 1) for box in figures.values()}
    assert len(tops) == 1, tops
    page = document.pages[0]._page_box
    bottom = page.content_box_y() + page.height
    (top,) = tops
    assert 25 * MM <= bottom - top <= 31 * MM  # on the foot line, 30 mm above the margin
    for box in figures.values():
        assert box.position_y + box.margin_height() <= bottom


def _variants(folder: Path) -> Path:
    """A project of four spreads: figures, a quote and no figures, neither, and a photo."""
    shutil.copy(ROOT / "catalogue.yaml", folder)
    (folder / "entries").mkdir()
    base = yaml.safe_load((ROOT / "entries" / "greenlab-skive.yaml").read_text("utf-8"))
    quote = {"text": "Vi kunne ikke have gjort det alene.", "by": "direktør, Skive Fjernvarme"}
    entries = {"a-figures": dict(base, quote=quote),
               "b-quote": {**{k: v for k, v in base.items() if k != "key_figures"},
                           "quote": quote},
               "c-neither": {k: v for k, v in base.items() if k != "key_figures"}}
    for n, (slug, entry) in enumerate(entries.items()):
        entry["title"] = f"{'ABC'[n]} {entry['title']}"
        (folder / "entries" / f"{slug}.yaml").write_text(
            yaml.safe_dump(entry, allow_unicode=True), "utf-8")
    return folder


def test_without_figures_the_quote_takes_the_foot_and_without_both_the_picture_grows(
        tmp_path):
    project, document = _laid_out(_variants(tmp_path))
    pages = {doc.slug: check.anchor_pages(document)[doc.slug] for doc in project.entries}
    quotes = _boxes(document, "quote")
    # With figures, the quote stays in the story on the right page; without, it is the
    # left page's foot, in the main column.
    assert pages["a-figures"] + 1 in quotes and pages["a-figures"] not in quotes
    assert pages["b-quote"] in quotes and pages["b-quote"] + 1 not in quotes
    assert "quote-foot" in quotes[pages["b-quote"]].element.get("class")
    heroes = {slug: _boxes(document, "hero")[page].height for slug, page in pages.items()}
    assert heroes["a-figures"] == heroes["b-quote"]
    assert heroes["c-neither"] == pytest.approx(heroes["a-figures"] + 30 * MM)
    fits = check.measure(document, list(pages))
    assert len(fits) == 3
    assert all(fit.left_spill_lines == fit.overflow_lines == 0 for fit in fits)
    assert [fit.end - fit.start for fit in fits] == [1, 1, 1]


def test_each_theme_has_two_or_three_drawings_in_one_line_style():
    edition = yaml.safe_load((ROOT / "catalogue.yaml").read_text("utf-8"))
    for theme, colour in edition["colours"]["themes"].items():
        drawings = sorted(DRAWINGS.glob(f"{theme}*.svg"))
        assert 2 <= len(drawings) <= 3, theme
        for path in drawings:
            svg = ET.parse(path).getroot()
            assert svg.get("viewBox") == "0 0 700 400", path.name
            (line,) = [g for g in svg.iter("{http://www.w3.org/2000/svg}g")
                       if g.get("stroke-width") == "4"]
            assert (line.get("stroke"), line.get("stroke-linecap"),
                    line.get("stroke-linejoin")) == ("#1E4B3A", "round", "round"), path.name
            fills = set(re.findall(r'fill="(#[0-9A-F]{6})"', path.read_text("utf-8")))
            background = {svg[0].get("fill"), svg[1].get("fill")}  # the tint and its disc
            assert fills <= {colour, "#FFFFFF", "#1E4B3A"} | background, (path.name, fills)
            assert colour in fills, path.name  # the theme's colour marks each drawing


def test_spreads_of_one_theme_in_a_row_show_different_drawings(tmp_path):
    project = load_project(ROOT)
    shown = render.illustrations(project, ROOT / "layouts")
    order = [doc for doc in project.entries if doc.entry.image is None]
    for before, after in zip(order, order[1:]):
        assert shown[before.slug] != shown[after.slug], (before.slug, after.slug)
    assert len(set(shown.values())) >= 8
    # A project's own layouts with one drawing a theme show that one everywhere.
    own = tmp_path / "layouts" / "illustrations"
    own.mkdir(parents=True)
    for theme in project.edition.themes:
        shutil.copy(DRAWINGS / f"{theme}.svg", own)
    (own / "energi-x.svg").write_text("not a numbered drawing", "utf-8")
    assert set(render.illustrations(project, tmp_path / "layouts").values()) == {
        f"{doc.main_theme}.svg" for doc in order}


def test_neighbouring_spreads_of_one_theme_look_different_in_the_pdf(tmp_path):
    """Guldborgsund and Hjørring follow each other, both Grønt erhvervsliv: their pictures
    differ, pixel for pixel, in the download edition."""
    path = build(ROOT, strict=True, say=lambda m: None, output=tmp_path,
                 only={"download"}).written[0].path
    reader = pypdf.PdfReader(path)
    document = pypdfium2.PdfDocument(str(path))

    def picture(slug: str):
        number = reader.get_destination_page_number(reader.named_destinations[slug])
        image = document[number].render(scale=0.5).to_pil().convert("L")
        return image.crop((0, 0, image.width, image.height * 2 // 5))

    first, second = picture("guldborgsund-di-lolland-falster"), picture(
        "det-store-klimapartnerskab-hjoerring")
    differing = sum(a != b for a, b in zip(first.tobytes(), second.tobytes()))
    assert differing > 0.05 * first.width * first.height
