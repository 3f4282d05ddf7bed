"""The sample catalogue, built once, checked as a reader sees it: pages, contents, text, links."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from catalogue.build import build
from catalogue.read.load import load_project
from catalogue.layout.render import typeset

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the repository's own catalogue (strict) into a temporary output folder."""
    out = tmp_path_factory.mktemp("output")
    result = build(ROOT, strict=True, say=lambda message: None, output=out, only={"download"})
    (written,) = result.written
    return result.project, pypdf.PdfReader(written.path), written


def _page_of(reader: pypdf.PdfReader, name: str) -> int:
    return reader.get_destination_page_number(reader.named_destinations[name]) + 1


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _text(reader: pypdf.PdfReader, page: int) -> str:
    return _flat(reader.pages[page - 1].extract_text())


def test_every_spread_starts_on_a_left_page_and_fills_exactly_two(built):
    project, reader, _ = built
    for doc in project.entries:
        start = _page_of(reader, doc.slug)
        assert start % 2 == 0, f"{doc.slug} starts on right-hand page {start}"
        assert _page_of(reader, f"{doc.slug}-end") == start + 1, doc.slug
        assert doc.entry.title in _text(reader, start)
        assert "Om partnerskabet" in _text(reader, start + 1)


def test_spreads_follow_each_other_in_danish_municipality_order(built):
    project, reader, _ = built
    starts = [_page_of(reader, doc.slug) for doc in project.entries]
    assert starts == list(range(starts[0], starts[0] + 2 * len(starts), 2))
    first_municipalities = [doc.entry.municipalities[0] for doc in project.entries]
    assert first_municipalities[-1] == "Aarhus"  # "aa" sorts as å: last
    assert first_municipalities.index("Sønderborg") < first_municipalities.index("Vejle")


def test_contents_give_the_page_where_each_partnership_really_starts(built):
    project, reader, _ = built
    contents_page = _page_of(reader, "indhold")
    text = _text(reader, contents_page)
    for doc in project.entries:
        match = re.search(re.escape(doc.entry.title) + r" (\d+)", text)
        assert match, f"{doc.entry.title} is missing from the contents"
        assert int(match.group(1)) == _page_of(reader, doc.slug)


def test_contents_lines_are_links_to_the_spreads(built):
    project, reader, _ = built
    page = reader.pages[_page_of(reader, "indhold") - 1]
    targets = {str(a.get_object()["/Dest"]) for a in page.get("/Annots", [])
               if "/Dest" in a.get_object()}
    for doc in project.entries:
        assert doc.slug in targets, f"no link to {doc.slug}"


def test_every_title_and_lead_is_in_the_text(built):
    project, reader, _ = built
    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    for doc in project.entries:
        assert doc.entry.title in text
        assert _flat(typeset(doc.entry.lead)) in text, doc.slug


def test_bookmarks_one_per_partnership_under_their_section(built):
    project, reader, _ = built
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles[:3] == ["Forord", "Indhold", "Partnerskaberne"]
    place = {item.title: n for n, item in enumerate(outline) if not isinstance(item, list)}
    assert [c.title for c in outline[place["Forord"] + 1]] == [
        project.edition.introduction_heading]
    children = outline[place["Partnerskaberne"] + 1]
    assert [c.title for c in children] == [d.entry.title for d in project.entries]
    for child, doc in zip(children, project.entries):
        assert reader.get_destination_page_number(child) + 1 == _page_of(reader, doc.slug)
    assert "Kolofon" in titles


def test_metadata_and_language(built):
    project, reader, _ = built
    meta = reader.metadata
    assert meta.title.startswith(project.edition.title)
    assert meta.author == project.edition.publisher
    assert meta["/Subject"] == project.edition.subtitle
    assert "DK2020" in meta["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "da"
    assert meta["/CreationDate"].startswith("D:" + project.edition.publication_date.strftime("%Y%m%d"))


def test_only_the_bundled_fonts_are_embedded(built):
    _, reader, _ = built
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        family = name.split("+", 1)[1]
        assert family.startswith(("Catalogue-Serif", "Catalogue-Sans")), name
        descriptor = (font.get("/FontDescriptor") or
                      font["/DescendantFonts"][0].get_object()["/FontDescriptor"]).get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name


def test_contact_page_and_colophon(built):
    project, reader, _ = built
    contact = _text(reader, _page_of(reader, "kontakt"))
    assert "Har din kommune et spændende klimapartnerskab?" in contact
    assert "Asta Frandsen" in contact and "ASFR@kl.dk" in contact
    colophon = _text(reader, _page_of(reader, "kolofon"))
    assert "26. november 2026" in colophon
    assert project.edition.publisher in colophon


def test_danish_typography_in_the_text(built):
    _, reader, _ = built
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "CO₂" in text and "CO2" not in text
    assert "»" in text and '"' not in text
    assert "125.000" in text  # Ressource City's key figure, Danish thousands separator


def test_key_figures_as_editors_write_them(built):
    """A figure without a unit prints its label under it; a target year as 2050."""
    project, reader, _ = built
    doc = next(d for d in project.entries if d.slug == "guldborgsund-di-lolland-falster")
    year = next(f for f in doc.entry.key_figures if f.value == 2050)
    assert year.unit is None
    spread = _text(reader, _page_of(reader, doc.slug))
    # The figure's value, then its label right under it (no unit between them).
    assert re.search(r"2050 ?hele kommunen CO₂-neutral senest", spread)
    assert "2.050" not in spread


def test_overview_and_indexes_give_true_pages(built):
    project, reader, _ = built
    # A title wrapped at its own hyphen ("Lolland-|Falster") comes back as "Lolland- Falster".
    overview = re.sub(r"(\w)- (\w)", r"\1-\2", _text(reader, _page_of(reader, "oversigt")))
    for doc in project.entries:
        match = re.search(re.escape(doc.entry.title) + r".*? (\d{4}) (\d+)", overview)
        assert match and int(match.group(2)) == _page_of(reader, doc.slug), doc.slug
    register = _text(reader, _page_of(reader, "register"))
    aarhus = register.index("Aarhus Klimaalliancen Aarhus")
    assert register.index("Vejle") < aarhus  # Aarhus last among municipalities


def test_build_reports_pages_and_size(built):
    _, reader, written = built
    assert written.pages == len(reader.pages)
    assert written.size == written.path.stat().st_size
    assert load_project(ROOT).entries  # the sample project stays valid


def test_curly_quotation_marks_print_as_danish_ones(tmp_path):
    """Word's “…” in a title is printed »…« on the spread and in its running foot."""
    import shutil

    shutil.copy(ROOT / "catalogue.yaml", tmp_path)
    (tmp_path / "entries").mkdir()
    entry = (ROOT / "entries" / "carbon-20.yaml").read_text("utf-8")
    title = next(line for line in entry.splitlines() if line.startswith("title:"))
    (tmp_path / "entries" / "carbon-20.yaml").write_text(
        entry.replace(title, "title: Projektet “Grøn varme” i Nordby"), "utf-8")

    result = build(tmp_path, strict=True, say=lambda message: None, only={"download"})

    reader = pypdf.PdfReader(result.written[0].path)
    start = _page_of(reader, "carbon-20")
    left, right = _text(reader, start), _text(reader, start + 1)
    assert "Projektet »Grøn varme« i Nordby" in left
    assert "Projektet »Grøn varme« i Nordby" in right  # the running foot
    assert not {"“", "”", "„"} & set(left + right)


def test_contents_list_the_front_matter_with_true_pages(built):
    """The foreword and the introduction (»Hvad er klimapartnerskaber?«) are in the contents,
    each with the page its heading is on, and a link there."""
    project, reader, _ = built
    contents = _page_of(reader, "indhold")
    text = _text(reader, contents)
    for anchor, heading in (("forord", project.edition.foreword_heading),
                            ("introduktion", project.edition.introduction_heading)):
        match = re.search(re.escape(heading) + r" (\d+)", text)
        assert match, f"{heading} is missing from the contents"
        assert int(match.group(1)) == _page_of(reader, anchor)
        assert heading in _text(reader, _page_of(reader, anchor))
    page = reader.pages[contents - 1]
    targets = {str(a.get_object()["/Dest"]) for a in page.get("/Annots", [])
               if "/Dest" in a.get_object()}
    assert {"forord", "introduktion"} <= targets
