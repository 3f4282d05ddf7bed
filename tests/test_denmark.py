"""The map of Denmark: the drawing (denmark.py), the overview's map and key (render.py),
and what a reader sees and a screen reader meets in the download edition."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pypdfium2
import pytest

from catalogue.layout import denmark, render
from catalogue.read import municipalities
from catalogue.build import build
from catalogue.read.load import load_project

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


def _paths(markup: str) -> dict[str, ET.Element]:
    return {path.get("data-municipality"): path
            for path in ET.fromstring(markup).iter(f"{SVG}path")}


def _points(d: str) -> list[tuple[float, float]]:
    """The absolute points of path data written as denmark.py writes it (M x y l dx dy ...)."""
    points = []
    for ring in re.findall(r"M([^z]+)z", d):
        start, _, steps = ring.partition("l")
        x, y = (float(v) for v in start.split())
        points.append((x, y))
        numbers = [float(v) for v in steps.split()]
        for dx, dy in zip(numbers[::2], numbers[1::2]):
            x, y = x + dx, y + dy
            points.append((x, y))
    return points


def test_every_municipality_is_drawn_once_inside_the_map():
    markup = denmark.svg({})
    paths = _paths(markup)
    assert set(paths) == set(municipalities.all_municipalities())
    _, _, width, height = (float(v) for v in ET.fromstring(markup).get("viewBox").split())
    for name, path in paths.items():
        points = _points(path.get("d"))
        assert len(points) >= 4, name
        assert all(0 < x < width and 0 < y < height for x, y in points), name
    assert ET.fromstring(markup).get("aria-hidden") == "true"


def test_bornholm_sits_in_its_frame_in_the_top_right_corner():
    markup = denmark.svg({})
    frame = ET.fromstring(markup).find(f"{SVG}rect")
    x, y, w, h = (float(frame.get(k)) for k in ("x", "y", "width", "height"))
    island = _points(_paths(markup)["Bornholm"].get("d"))
    assert all(x < px < x + w and y < py < y + h for px, py in island)
    copenhagen = _points(_paths(markup)["København"].get("d"))
    assert x > max(px for px, _ in copenhagen) - 40 and y + h < min(py for _, py in copenhagen)
    # true to scale, 1 unit = 1 km: Bornholm is some 30 km across and 36 km from north
    # to south, Skagen lies some 150 km north of Aarhus
    assert 27 < max(px for px, _ in island) - min(px for px, _ in island) < 33
    assert 33 < max(py for _, py in island) - min(py for _, py in island) < 39
    skagen = min(py for _, py in _points(_paths(markup)["Frederikshavn"].get("d")))
    aarhus = min(py for _, py in _points(_paths(markup)["Aarhus"].get("d")))
    assert 130 < aarhus - skagen < 170


def test_marked_municipalities_take_their_colour_and_a_web_page_its_links():
    marks = {"Vejle": denmark.Mark("#C8901E"),
             "Aarhus": denmark.Mark("#7B5E86", href="https://example.dk/klimaalliancen-aarhus",
                                    label="Klimaalliancen Aarhus")}
    markup = denmark.svg(marks, base="#EEEEEE", title="Partnerskaber i Danmark")
    root = ET.fromstring(markup)
    paths = _paths(markup)
    assert paths["Vejle"].get("fill") == "#C8901E"
    assert paths["Kolding"].get("fill") is None  # the base colour of the group
    assert root.find(f"{SVG}g").get("fill") == "#EEEEEE"
    (link,) = root.iter(f"{SVG}a")
    assert link.get("href") == "https://example.dk/klimaalliancen-aarhus"
    assert link.find(f"{SVG}title").text == "Klimaalliancen Aarhus"
    assert link.find(f"{SVG}path").get("fill") == "#7B5E86"
    # links inside role="img" would be hidden from a screen reader: a named group of links
    assert root.get("role") == "group" and root.find(f"{SVG}title").text == \
        "Partnerskaber i Danmark"
    still = ET.fromstring(denmark.svg({"Vejle": denmark.Mark("#C8901E")}, title="Kort"))
    assert still.get("role") == "img"  # without links, an image with its name


def test_names_are_escaped_and_unknown_municipalities_refused():
    markup = denmark.svg({"Vejle": denmark.Mark("#000000", href="https://x.dk/?a=1&b=<2>",
                                                label='»Vejle« & "Nord"')})
    (link,) = ET.fromstring(markup).iter(f"{SVG}a")  # well-formed XML despite & < > "
    assert link.get("href") == "https://x.dk/?a=1&b=<2>"
    with pytest.raises(ValueError, match="Århus"):
        denmark.svg({"Århus": denmark.Mark("#000000")})


def test_each_municipality_takes_the_colour_of_its_own_partnership():
    """København is in Carbon 20 (seven municipalities, Grønt erhvervsliv) and REEL (two,
    Energi): it is drawn in REEL's colour; Næstved in Ressource City Næstved's."""
    project = load_project(ROOT)
    marks = render.map_marks(project)
    assert marks["København"].slug == "ren-energi-lolland"
    assert marks["Næstved"].slug == "ressource-city-naestved"
    assert marks["Allerød"].slug == "carbon-20"
    named = {name for doc in project.entries for name in doc.entry.municipalities}
    assert set(marks) == named
    colours = {key: project.edition.colours.themes[key] for key in project.edition.themes}
    drawing, key = render.overview_map(project, colours)
    paths = _paths(str(drawing))
    assert paths["København"].get("fill") == colours["energi"]
    assert paths["Næstved"].get("fill") == colours["cirkulaer"]
    assert paths["Odense"].get("fill") is None
    listed = {name: line.label for line in key for name in line.municipalities}
    assert listed["København"] == "Energi" and listed["Næstved"] == "Cirkulær økonomi"
    assert set(listed) == named
    assert [line.label for line in key] == [label for label in project.edition.themes.values()
                                            if label in listed.values()]


@pytest.fixture(scope="module")
def overview(tmp_path_factory):
    """The overview page of the sample's download edition: the PDF and the page's image."""
    out = tmp_path_factory.mktemp("map")
    path = build(ROOT, strict=True, say=lambda m: None, output=out,
                 only={"download"}).written[0].path
    reader = pypdf.PdfReader(path)
    number = reader.get_destination_page_number(reader.named_destinations["oversigt"])
    image = pypdfium2.PdfDocument(str(path))[number].render(scale=1).to_pil().convert("RGB")
    return reader, number, image


def test_the_overview_page_shows_the_map_in_the_themes_colours(overview):
    _, _, image = overview
    colours = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))
               for c in ("#C8901E", "#7B5E86", "#3C7D6A", "#6E8B2F")}
    counts = {colour: count for count, colour in image.getcolors(1 << 24) if colour in colours}
    # each theme's municipalities fill a visible area (more than a swatch in the key)
    assert len(counts) == 4 and all(count > 150 for count in counts.values()), counts


def test_the_map_is_decoration_and_its_key_and_source_are_text(overview):
    reader, number, _ = overview
    text = " ".join(reader.pages[number].extract_text().split())
    assert "KOMMUNER MED PARTNERSKABER" in text
    assert "Energi Frederikshavn, København, Lolland, Sønderborg, Vejle" in text and "Geodatastyrelsen (DAGI)" in text
    figures = []

    def walk(element):
        element = element.get_object()
        if isinstance(element, dict):
            if element.get("/S") == "/Figure":
                figures.append(element)
            kids = element.get("/K", [])
            for kid in kids if isinstance(kids, list) else [kids]:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert figures == []  # the sample has no photo, and the map is an artifact
    colophon = reader.get_destination_page_number(reader.named_destinations["kolofon"])
    assert "Geodatastyrelsen" in reader.pages[colophon].extract_text()
