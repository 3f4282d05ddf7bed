"""The web edition without a browser: its files, addresses, links, text and data as they
are written (tests/test_web_browser.py looks at it in Chromium)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pypdf
import pytest

from catalogue import danish
from catalogue.build import build
from catalogue.errors import CatalogueError
from catalogue.read.load import load_project
from catalogue.paths import TOOL_ROOT
from catalogue.web import fonts, folder, search
from catalogue.web.palette import contrast, readable
from support import run, snapshot
from web_support import BASE_URL, ODD_SLUG, STATEMENT, photo_project

PDF = "groenne-klimapartnerskaber-2026.pdf"


def pages(site: Path) -> dict[str, lxml.html.HtmlElement]:
    """Every page of a site by its path in it."""
    return {str(p.relative_to(site)): lxml.html.fromstring(p.read_bytes())
            for p in sorted(site.rglob("*.html"))}


def project_of(site: Path):
    """The project a site was built from (the sample's output is a temporary folder)."""
    root = site.parent.parent
    return load_project(root if (root / "catalogue.yaml").is_file() else TOOL_ROOT)


def target(site: Path, page: str, href: str) -> Path | None:
    """The file a relative link on page leads to in the site; None for another site."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    return (site / page).parent.joinpath(unquote(parts.path)).resolve()


def test_one_page_per_partnership_at_its_slug(web_sample, web_photos):
    for site in (web_sample, web_photos):
        project = project_of(site)
        found = pages(site)
        for doc in project.entries:
            page = found[f"{doc.slug}/index.html"]
            assert page.xpath("string(//h1)").strip() == doc.entry.title
        assert {"index.html", "register/index.html", "kontakt/index.html",
                "kolofon/index.html"} <= set(found)
    assert (web_photos / ODD_SLUG / "index.html").is_file()


def test_every_page_is_danish_with_one_h1_landmarks_and_a_title(web_sample, web_photos):
    for site in (web_sample, web_photos):
        for name, page in pages(site).items():
            assert page.get("lang") == "da", name
            assert len(page.xpath("//h1")) == 1, name
            assert page.xpath("string(//title)").strip(), name
            for landmark in ("//header", "//nav", "//main", "//footer"):
                assert page.xpath(landmark), (name, landmark)
            assert page.xpath("//meta[@name='viewport']"), name
            # the first thing a keyboard reaches leads past the header
            assert page.xpath("(//a)[1]/@href") == ["#indhold"], name
            assert page.xpath("//main/@id") == ["indhold"], name


def test_links_are_relative_and_lead_to_files_of_the_site(web_sample, web_photos):
    for site in (web_sample, web_photos):
        found = pages(site)
        for name, page in found.items():
            for href in page.xpath("//@href | //@src"):
                scheme = urlsplit(href).scheme
                if scheme:
                    assert scheme in ("https", "http", "mailto", "tel"), (name, href)
                    continue
                assert not href.startswith("/"), (name, href)  # works from any sub-path
                path = target(site, name, href)
                if href.startswith("#"):
                    path = site / name
                assert path.is_relative_to(site.resolve()) and path.is_file(), (name, href)
                fragment = urlsplit(href).fragment
                if fragment and path.suffix == ".html":
                    assert found[str(path.relative_to(site.resolve()))].get_element_by_id(
                        unquote(fragment)) is not None, (name, href)


def test_resources_never_come_from_elsewhere(web_sample, web_photos):
    """Stylesheets, scripts, fonts and pictures are the site's own: nothing is requested
    from another site (no CDN, web font service or tracker)."""
    for site in (web_sample, web_photos):
        for name, page in pages(site).items():
            loaded = (page.xpath("//link[@rel!='canonical']/@href") + page.xpath("//script/@src")
                      + page.xpath("//img/@src")
                      + [part.split()[0] for s in page.xpath("//img/@srcset")
                         for part in s.split(",")])
            assert loaded and all(not urlsplit(u).scheme for u in loaded), name
        css = (site / "filer" / "site.css").read_text("utf-8")
        for url in re.findall(r"url\(([^)]+)\)", css):
            assert not urlsplit(url).scheme and (site / "filer" / url).is_file(), url


def test_a_partnership_page_holds_everything_its_spread_does(web_photos):
    project = project_of(web_photos)
    doc = next(d for d in project.entries if d.slug == ODD_SLUG)
    page = lxml.html.fromstring((web_photos / ODD_SLUG / "index.html").read_bytes())
    text = " ".join(page.text_content().split())
    e = doc.entry
    for expected in (e.title, "Aabenraa · Næstved", "Region Syddanmark, Region Sjælland",
                     "Fjernvarme Syd A/S", "(leverandør)", "Æblegården ApS",
                     "Om partnerskabet", "Sådan opstod idéen", "Resultater", "Gode råd",
                     "»Vi sparer 21,5\u00a0% af vores CO₂-udledning«", "direktør, Æblegården",
                     "Anne Åris", "klima@aabenraa.dk", "+45 73 76 76 76", "Fakta", "DK2020",
                     danish.number(e.key_figures[0].value), "Læs mere", "Kilder",
                     "Foto: Benchmark", "I kataloget"):
        assert " ".join(expected.split()) in text, expected
    for advice in e.advice:
        assert advice in text
    links = page.xpath("//main//a/@href")
    assert {"https://example.dk/fjernvarme", "https://example.dk/rapport",
            "mailto:klima@aabenraa.dk", "tel:+4573767676", "https://aabenraa.dk/klima",
            e.sources[0]} <= set(links)
    assert page.xpath("//main//em/text()") == ["overskudsvarme"]  # Markdown, as in print
    assert page.xpath("//link[@rel='canonical']/@href") == [
        f"{BASE_URL}/gr%C3%B8n%20energi/"]


def test_each_page_gives_the_page_where_its_spread_starts_in_the_pdf(web_sample):
    reader = pypdf.PdfReader(web_sample / PDF)
    for doc in project_of(web_sample).entries:
        start = reader.get_destination_page_number(reader.named_destinations[doc.slug]) + 1
        page = lxml.html.fromstring((web_sample / doc.slug / "index.html").read_bytes())
        (link,) = page.xpath("//a[contains(@href, '#page=')]")
        assert link.get("href") == f"../{PDF}#page={start}"
        assert link.text_content() == f"Side {start}–{start + 1} i kataloget som PDF"


def test_previous_and_next_follow_the_catalogue(web_sample):
    docs = project_of(web_sample).entries
    for i, doc in enumerate(docs):
        page = lxml.html.fromstring((web_sample / doc.slug / "index.html").read_bytes())
        previous = page.xpath("//a[@rel='prev']/@href")
        following = page.xpath("//a[@rel='next']/@href")
        assert previous == ([f"../{docs[i - 1].slug}/index.html"] if i else [])
        assert following == ([f"../{docs[i + 1].slug}/index.html"] if i + 1 < len(docs)
                             else [])


def test_the_front_page_lists_the_partnerships_in_the_catalogues_order(web_sample):
    project = project_of(web_sample)
    page = lxml.html.fromstring((web_sample / "index.html").read_bytes())
    assert page.xpath("//ol[@id='liste']/li//h3/a/@href") == [
        f"{doc.slug}/index.html" for doc in project.entries]
    assert page.xpath("string(//h1)") == project.edition.title
    text = " ".join(page.text_content().split())
    assert project.edition.foreword_heading in text
    assert "Hvad er klimapartnerskaber?" in text
    assert project.edition.contact_page.heading in text
    # the filters need the script: hidden until it runs, so the page reads without it
    assert page.get_element_by_id("filtre").get("hidden") is not None
    regions = page.xpath("//select[@id='region']/option/@value")[1:]
    assert regions == sorted(regions, key=danish.sort_key)


def test_the_map_links_each_municipality_with_a_partnership(web_sample):
    project = project_of(web_sample)
    page = lxml.html.fromstring((web_sample / "index.html").read_bytes())
    (svg,) = page.xpath("//svg")
    assert svg.get("role") == "group" and svg.get("aria-label")
    links = {a.xpath("string(title)").split(":")[0]: a.get("href") for a in svg.xpath(".//a")}
    municipalities = {m for doc in project.entries for m in doc.entry.municipalities}
    assert set(links) == municipalities
    aarhus = [d for d in project.entries if "Aarhus" in d.entry.municipalities]
    assert links["Aarhus"] == (f"{aarhus[0].slug}/index.html" if len(aarhus) == 1
                               else "register/index.html#kommune-aarhus")
    copenhagen = [d for d in project.entries if "København" in d.entry.municipalities]
    assert len(copenhagen) > 1 and links["København"] == "register/index.html#kommune-koebenhavn"


def test_the_pdfs_are_in_the_site_and_offered_with_their_sizes(web_sample):
    page = lxml.html.fromstring((web_sample / "index.html").read_bytes())
    offered = page.xpath("//ul[@class='download-list']//a/@href")
    assert offered == [PDF, "groenne-klimapartnerskaber-2026-tryk.pdf",
                       "groenne-klimapartnerskaber-2026-haefte-a4-paa-a3.pdf",
                       "groenne-klimapartnerskaber-2026-haefte-a5-paa-a4.pdf"]
    for name in offered:
        assert (web_sample / name).read_bytes() == (web_sample.parent / name).read_bytes()
    text = page.xpath("string(//ul[@class='download-list']/li[1])")
    pages_ = len(pypdf.PdfReader(web_sample / PDF).pages)
    size = round((web_sample / PDF).stat().st_size / 1024)
    assert f"PDF, {pages_} sider, {danish.number(size)}\u00a0KB" in text


def test_entries_json_holds_every_partnership_as_typed(web_sample):
    project = project_of(web_sample)
    data = json.loads((web_sample / "entries.json").read_text("utf-8"))
    assert data["title"] == project.edition.title and data["themes"] == project.edition.themes
    assert [e["slug"] for e in data["entries"]] == [doc.slug for doc in project.entries]
    reader = pypdf.PdfReader(web_sample / PDF)
    for record, doc in zip(data["entries"], project.entries):
        assert record["title"] == doc.entry.title and record["advice"] == doc.entry.advice
        assert record["regions"] == doc.regions
        assert record["pdf_page"] == reader.get_destination_page_number(
            reader.named_destinations[doc.slug]) + 1
        assert record["web_page"] == f"{doc.slug}/" and record["web_url"] is None


def test_entries_csv_has_one_row_per_partnership(web_sample):
    project = project_of(web_sample)
    rows = list(csv.DictReader(io.StringIO((web_sample / "entries.csv").read_text("utf-8"),
                                           newline="")))
    assert [row["slug"] for row in rows] == [doc.slug for doc in project.entries]
    for row, doc in zip(rows, project.entries):
        assert row["municipalities"].split(" | ") == doc.entry.municipalities
        assert row["about"] == doc.entry.about  # line breaks and all
        assert row["partners"].split(" | ") == [p.name for p in doc.entry.partners]


def test_open_data_gives_photos_and_addresses_of_the_web_edition(web_photos):
    data = json.loads((web_photos / "entries.json").read_text("utf-8"))
    record = next(e for e in data["entries"] if e["slug"] == ODD_SLUG)
    assert record["web_url"] == f"{BASE_URL}/gr%C3%B8n%20energi/"
    assert (web_photos / record["image"]["file"]).is_file()
    assert data["web_url"] == BASE_URL


def test_photos_come_in_two_sizes_with_alt_text(web_photos):
    from PIL import Image

    for doc in project_of(web_photos).entries:
        page = lxml.html.fromstring((web_photos / doc.slug / "index.html").read_bytes())
        (img,) = page.xpath("//figure[contains(@class, 'entry-picture')]/img")
        assert img.get("alt") == doc.entry.image.alt
        sizes = [part.split() for part in img.get("srcset").split(", ")]
        widths = [int(w[:-1]) for _, w in sizes]
        assert len(sizes) == 2 and widths[0] < widths[1]
        for (src, _), width in zip(sizes, widths):
            with Image.open(target(web_photos, f"{doc.slug}/index.html", src)) as photo:
                assert photo.width == width
        assert int(img.get("width")) == widths[1]


def test_a_partnership_without_a_photo_shows_its_drawing_as_decoration(web_sample):
    project = project_of(web_sample)
    for doc in project.entries:
        page = lxml.html.fromstring((web_sample / doc.slug / "index.html").read_bytes())
        (img,) = page.xpath("//div[contains(@class, 'entry-drawing')]/img")
        assert img.get("alt") == ""
        assert Path(img.get("src")).name.startswith(doc.main_theme)


def test_the_search_index_finds_inflected_danish_words(web_sample):
    project = project_of(web_sample)
    script = (web_sample / "filer" / "soegeindeks.js").read_text("utf-8")
    index = json.loads(script.removeprefix("window.soegeindeks=").rstrip(";\n"))
    assert search.stem(search.fold("virksomheder")) == search.stem(search.fold("virksomhed"))
    assert search.fold("Aabenraa") == search.fold("Åbenrå")
    kalundborg = [i for i, d in enumerate(project.entries) if "Kalundborg" in d.entry.title]
    assert set(kalundborg) <= set(index[search.stem("symbiose")])


def test_the_web_editions_fonts_are_the_catalogues_under_another_name():
    from fontTools.ttLib import TTFont

    made = json.loads((TOOL_ROOT / "fonts" / "web" / "sources.json").read_text("utf-8"))
    for face in fonts.FONTS:
        source = TOOL_ROOT / "fonts" / face.source
        assert made[face.source] == __import__("hashlib").sha256(
            source.read_bytes()).hexdigest(), "run `make webfonts`"
        font = TTFont(TOOL_ROOT / "fonts" / "web" / face.file)
        names = {r.nameID: r.toUnicode() for r in font["name"].names}
        assert names[1].startswith(face.family) and "Source" not in names[4] + names[6]
        assert "Open Font License" in names[13]  # the licence travels with the font
        assert {ord(c) for c in "æøåÆØÅ»«–₂"} <= set(font.getBestCmap())
        css = (TOOL_ROOT / "layouts" / "web" / "site.css").read_text("utf-8")
        assert f"font-weight: {face.weight}; font-style: {face.style};\n  font-display: " \
               f"swap; src: url(fonts/{face.file})" in css


@pytest.mark.slow
def test_a_web_font_is_made_again_from_a_changed_font(tmp_path):
    """A project's own font (or one that changed) is made by the build and kept."""
    (tmp_path / "fonts").mkdir()
    for face in fonts.FONTS:
        (tmp_path / "fonts" / face.source).write_bytes(
            (TOOL_ROOT / "fonts" / face.source).read_bytes())
    first = fonts.webfonts(tmp_path / "fonts", tmp_path)
    assert first["CatalogueSans-Regular.woff2"] == \
        (TOOL_ROOT / "fonts" / "web" / "CatalogueSans-Regular.woff2").read_bytes()
    assert len(list((tmp_path / ".cache" / "web" / "fonts").iterdir())) == len(fonts.FONTS)


def test_text_colours_read_on_their_backgrounds(web_sample):
    colours = (web_sample / "filer" / "farver.css").read_text("utf-8")
    for theme, colour, tint_, text in re.findall(
            r"\.theme-(\w+) \{ --theme: (#\w+); --theme-tint: (#\w+); --theme-text: (#\w+);",
            colours):
        assert contrast(text, "#FFFFFF") >= 4.5 and contrast(text, tint_) >= 4.5, theme
    assert readable("#1E4B3A") == "#1E4B3A"  # dark enough already: unchanged
    assert contrast(readable("#C8901E"), "#FFFFFF") >= 4.5


def test_two_builds_write_the_same_bytes(web_sample, tmp_path):
    again = build(TOOL_ROOT, strict=True, say=lambda m: None, output=tmp_path, booklet=True)
    assert again.written
    assert snapshot(tmp_path / "web") == snapshot(web_sample)


@pytest.mark.slow
def test_a_failed_build_leaves_the_web_edition_as_it_was(tmp_path):
    project = photo_project(tmp_path / "p")
    assert run("build", str(project)).exit_code == 0
    before = snapshot(project / "output")
    entry = project / "entries" / "partnerskab-002.yaml"
    entry.write_text(entry.read_text("utf-8").replace("started:", "started: x\nx:"), "utf-8")
    result = run("build", str(project))
    assert result.exit_code == 1
    assert snapshot(project / "output") == before


@pytest.mark.slow
def test_a_failure_while_writing_the_site_keeps_every_file(tmp_path, monkeypatch):
    from catalogue.web import site

    project = photo_project(tmp_path / "p")
    assert run("build", str(project)).exit_code == 0
    before = snapshot(project / "output")
    (project / "entries" / "partnerskab-003.yaml").unlink()  # a change to write

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(site.opendata, "as_csv", full_disk)
    result = run("build", str(project))
    assert result.exit_code == 1
    assert "kunne ikke skrive webudgaven til output/web/: No space left on device" \
        in result.output
    assert snapshot(project / "output") == before


@pytest.mark.slow
def test_only_the_print_edition_leaves_the_web_edition_alone(tmp_path):
    project = photo_project(tmp_path / "p")
    assert run("build", str(project)).exit_code == 0
    before = snapshot(project / "output" / "web")
    (project / "entries" / "partnerskab-003.yaml").unlink()
    assert run("build", "--edition", "print", str(project)).exit_code == 0
    assert snapshot(project / "output" / "web") == before


def test_a_staged_folder_replaces_the_old_one_whole(tmp_path):
    target = tmp_path / "web"
    target.mkdir()
    (target / "old.html").write_text("gammel")
    with pytest.raises(RuntimeError):
        with folder.staged(target) as temp:
            (temp / "new.html").write_text("ny")
            raise RuntimeError("interrupted")
    assert [p.name for p in tmp_path.iterdir()] == ["web"]
    assert [p.name for p in target.iterdir()] == ["old.html"]
    with folder.staged(target) as temp:
        (temp / "new.html").write_text("ny")
    assert [p.name for p in tmp_path.iterdir()] == ["web"]
    assert [p.name for p in target.iterdir()] == ["new.html"]
    assert target.stat().st_mode & 0o755 == 0o755  # readable by colleagues, as the PDFs


def test_the_qr_code_leads_to_the_partnerships_web_page(web_photos):
    import pypdfium2
    import zxingcpp

    output = web_photos.parent
    reader = pypdf.PdfReader(output / "groenne-klimapartnerskaber-2026-tryk.pdf")
    document = pypdfium2.PdfDocument(output / "groenne-klimapartnerskaber-2026-tryk.pdf")
    for doc in project_of(web_photos).entries:
        right = reader.get_destination_page_number(reader.named_destinations[doc.slug]) + 1
        image = document[right].render(scale=300 / 72).to_pil()
        address = [r.text for r in zxingcpp.read_barcodes(image)]
        assert address == [f"{BASE_URL}/{doc.slug.replace(' ', '%20').replace('ø', '%C3%B8')}/"]
        page = target(web_photos, "index.html", unquote(urlsplit(address[0]).path)
                      .removeprefix(urlsplit(BASE_URL).path + "/") + "index.html")
        assert page.is_file()
    colophon = pypdf.PdfReader(output / PDF).pages[-1]
    assert "kl.dk/klimapartnerskaber – hvert partnerskab på sin egen side" in \
        " ".join(colophon.extract_text().split())
    assert BASE_URL in [a.get_object()["/A"].get("/URI") for a in colophon["/Annots"]]


def test_the_accessibility_statement_is_linked_from_every_page(web_photos):
    for name, page in pages(web_photos).items():
        assert page.xpath(f"//footer//a[@href='{STATEMENT}']/text()") == [
            "Tilgængelighedserklæring"], name


def test_web_base_url_must_be_a_web_address(tmp_path):
    project = photo_project(tmp_path / "p")
    config = project / "catalogue.yaml"
    config.write_text(config.read_text("utf-8").replace(BASE_URL, "kl.dk/klima"), "utf-8")
    result = run("check", str(project))
    assert result.exit_code == 1
    line = config.read_text("utf-8").splitlines().index("  base_url: kl.dk/klima") + 1
    assert f"catalogue.yaml:{line}: web.base_url: 'kl.dk/klima' er ikke en webadresse" \
        in result.output


def test_an_entry_may_not_take_the_web_editions_folder_name(tmp_path):
    project = photo_project(tmp_path / "p")
    (project / "entries" / "partnerskab-003.yaml").rename(project / "entries" / "filer.yaml")
    result = run("check", str(project))
    assert result.exit_code == 1
    assert "entries/filer.yaml: filnavnet 'filer' er katalogets eget navn for webudgavens " \
           "filer" in result.output


@pytest.mark.slow
def test_serve_answers_on_this_machine_only_and_builds_again_on_a_change(tmp_path):
    import urllib.request

    from catalogue.web import serve

    project = photo_project(tmp_path / "p")
    said, seen = [], {}

    def look(httpd):
        host, port = httpd.server_address
        seen["host"] = host
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{ODD_SLUG.replace(' ', '%20')}"
                                    "/".replace("ø", "%C3%B8")) as answer:
            seen["page"] = answer.read().decode()
            seen["cache"] = answer.headers["Cache-Control"]
        (project / "entries" / "partnerskab-003.yaml").unlink()

    serve.serve(project, port=0, watch=True, say=said.append, changes=[{"a change"}],
                started=look)
    assert seen["host"] == "127.0.0.1" and seen["cache"] == "no-store"
    assert "<h1 class=\"entry-title\">Grøn energi i Aabenraa og Næstved</h1>" in seen["page"]
    assert not (project / "output" / "web" / "partnerskab-003").exists()  # built again
    assert said.count("Webudgaven er bygget; genindlæs siden i browseren.") == 2
    assert any(line.startswith("Webudgaven: http://127.0.0.1:") for line in said)


def test_serve_says_so_when_the_port_is_taken(tmp_path):
    from catalogue.web import serve

    with serve.server(tmp_path, 0) as taken:
        with pytest.raises(CatalogueError, match="er allerede i brug"):
            serve.server(tmp_path, taken.server_address[1])


def test_an_entry_file_name_with_a_leading_dot_is_refused(tmp_path):
    """'...yaml' would be the web edition's folder '..': refused before anything is built."""
    project = photo_project(tmp_path / "p")
    (project / "entries" / "partnerskab-003.yaml").rename(project / "entries" / "...yaml")
    result = run("check", str(project))
    assert result.exit_code == 1
    assert "entries/...yaml: filnavnet begynder med et punktum" in result.output


@pytest.mark.slow
def test_html_in_an_entry_is_shown_as_text_on_the_web(tmp_path):
    """A title or text copied from a web page with its markup: printed as the characters
    typed, never run as markup or script (as in the PDFs); the site made without a build."""
    from catalogue.web import site

    project = photo_project(tmp_path / "p")
    entry = project / "entries" / "partnerskab-002.yaml"
    entry.write_text(entry.read_text("utf-8").replace(
        "title: Klimapartnerskab nr. 2",
        "title: Grøn <script>alert(1)</script> energi\nsort_as: Grøn energi"), "utf-8")
    made = site.files(load_project(project), [], [])
    page = lxml.html.fromstring(made["partnerskab-002/index.html"])
    assert page.xpath("string(//h1)") == "Grøn <script>alert(1)</script> energi"
    assert page.xpath("//script") == []  # the partnership's page has no script at all
    front = made["index.html"].decode()
    assert "Grøn &lt;script&gt;alert(1)&lt;/script&gt; energi" in front
    assert front.count("<script") == 1  # site.js only
