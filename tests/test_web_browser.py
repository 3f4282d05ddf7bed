"""The web edition in a real browser: Debian's Chromium, headless, driven by Playwright.

Every page of two sites (the repository's catalogue, and a small one with photos and every
optional field), each served from a sub-path of a local web server: no console error, no
request that fails or leaves the site, every link and image whole, axe-core with no
violation of WCAG 2.1 AA; the filters and the search used by clicking and typing; the
keyboard; 320 px wide; without JavaScript; opened from disk; and screenshots of the front
page and a partnership page at phone and desktop width (CATALOGUE_SCREENSHOTS=folder keeps
them to look at).

`make test` installs Chromium (the Debian package chromium) as root and says how otherwise;
CATALOGUE_CHROMIUM names another Chromium.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from catalogue.read.load import load_project
from catalogue.paths import TOOL_ROOT
from catalogue.web import search, serve
from web_support import ODD_SLUG

pytestmark = pytest.mark.slow  # Chromium on every page: make test-all and CI run them


CHROMIUM = Path(os.environ.get("CATALOGUE_CHROMIUM", "/usr/bin/chromium"))
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"The web edition's browser tests need Chromium at {CHROMIUM}: install "
                    "the Debian package chromium (as root: apt-get install chromium; "
                    "`make test` does it), or set CATALOGUE_CHROMIUM to another Chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox will not start.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def served(web_sample, web_photos, tmp_path_factory):
    """Both sites on one web server on 127.0.0.1 (catalogue.web.serve), each in a folder of
    its own, as a site published on a sub-path of KL's server: the addresses of their
    front pages."""
    root = tmp_path_factory.mktemp("server")
    (root / "kl").mkdir()
    (root / "kl" / "katalog").symlink_to(web_sample)
    (root / "foto").symlink_to(web_photos)
    httpd = serve.server(root, 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield {"sample": f"{origin}/kl/katalog/", "photos": f"{origin}/foto/"}
    httpd.shutdown()
    httpd.server_close()


class Visit:
    """One page opened in a tab, with everything the browser said about it."""

    def __init__(self, browser, url: str, viewport=DESKTOP, **options):
        self.tab = browser.new_page(viewport=viewport, **options)
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.tab.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console: {m.text}"))
        self.tab.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.tab.on("requestfailed", lambda r: self.problems.append(
            f"failed: {r.url} {r.failure}"))
        self.tab.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"{r.status}: {r.url}"))
        self.tab.on("request", lambda r: self.requests.append(r.url))
        self.tab.goto(url, wait_until="load")
        self.tab.evaluate("document.fonts.ready")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.tab.close()


def site_pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))


def axe_violations(tab) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(tab, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}: "
            f"{', '.join(n['target'][0] for n in v['nodes'][:3])})"
            for v in results.response["violations"]]


@pytest.mark.parametrize("which", ["sample",
                                   pytest.param("photos", marks=pytest.mark.slow)])
def test_every_page_loads_whole_from_the_site_alone_and_passes_axe(browser, served, which,
                                                                     web_sample, web_photos):
    site = {"sample": web_sample, "photos": web_photos}[which]
    base = served[which]
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(base))
    links: set[str] = set()
    for name in site_pages(site):
        with Visit(browser, urljoin(base, name.replace(" ", "%20"))) as visit:
            tab = visit.tab
            assert visit.problems == [], name
            assert all(url.startswith(origin) for url in visit.requests), name
            broken = tab.evaluate("[...document.images].filter(i => !i.complete || "
                                  "!i.naturalWidth).map(i => i.src)")
            assert broken == [], name
            # every face the stylesheet declares loads from the site (a page loads
            # those it uses; here all of them are asked for)
            faces = tab.evaluate("Promise.all([...document.fonts].map(f => f.load()))"
                                 ".then(fs => fs.map(f => f.family + ' ' + f.weight + ' '"
                                 " + f.style + ' ' + f.status))")
            assert len(faces) == 6 and all(f.endswith(" loaded") for f in faces), faces
            assert axe_violations(tab) == [], name
            links |= {href for href in tab.evaluate("[...document.links].map(a => a.href)")
                      if href.startswith(origin)}
            for href in tab.evaluate("[...document.links].map(a => a.href)"):
                assert urlsplit(href).scheme in ("http", "https", "mailto", "tel"), href
    _assert_links_arrive(browser, links)


def _assert_links_arrive(browser, links: set[str]) -> None:
    """Every link within the site answers 200, and its #fragment is on the page."""
    tab = browser.new_page()
    answers: dict[str, object] = {}
    for link in sorted(links):
        address, fragment = urldefrag(link)
        if address not in answers:
            answers[address] = tab.request.get(address)
            assert answers[address].status == 200, address
        if fragment and address.endswith(".html"):
            tab.goto(address)
            assert tab.evaluate("id => !!document.getElementById(id)",
                                fragment), link
    tab.close()


@pytest.mark.slow
def test_pages_read_at_phone_width_and_pass_axe(browser, served, web_sample):
    """320 px wide (WCAG 1.4.10): nothing to scroll sideways on any page; axe at 390 px."""
    for name in site_pages(web_sample):
        with Visit(browser, served["sample"] + name, viewport={"width": 320, "height": 640}) \
                as visit:
            assert visit.tab.evaluate("document.documentElement.scrollWidth") <= 320, name
    for name in ("index.html", site_pages(web_sample)[0]):
        with Visit(browser, served["sample"] + name, viewport=PHONE) as visit:
            assert axe_violations(visit.tab) == [], name


def _shown(tab) -> list[str]:
    """The partnerships the list shows, by their addresses."""
    return tab.evaluate("[...document.querySelectorAll('#liste > li')]"
                        ".filter(li => li.offsetParent !== null)"
                        ".map(li => li.querySelector('a').getAttribute('href'))")


def _reset(tab, count: int) -> None:
    """Nulstil clicked; the list shows all again once the form has been reset."""
    tab.get_by_role("button", name="Nulstil").click()
    tab.wait_for_function("n => document.getElementById('antal').textContent === "
                          "n + ' partnerskaber'", arg=count)


def _addresses(docs) -> list[str]:
    return [f"{doc.slug}/index.html" for doc in docs]


def test_the_filters_show_what_they_say_by_clicking(browser, served):
    project = load_project(TOOL_ROOT)
    with Visit(browser, served["sample"] + "index.html") as visit:
        tab = visit.tab
        assert tab.get_by_role("search").is_visible()
        assert _shown(tab) == _addresses(project.entries)
        regions = tab.locator("#region option").evaluate_all("os => os.map(o => o.value)")[1:]
        tab.locator("#region").click()  # opens the list; the keyboard chooses from it
        tab.keyboard.press("Escape")
        for region in regions:
            tab.locator("#region").focus()
            tab.keyboard.press("ArrowDown")  # the next region, as a keyboard user does
            wanted = [d for d in project.entries if region in d.regions]
            assert tab.locator("#region").input_value() == region
            assert _shown(tab) == _addresses(wanted), region
            assert tab.locator("#antal").inner_text() == \
                f"Viser {len(wanted)} af {len(project.entries)} partnerskaber"
        _reset(tab, len(project.entries))
        assert _shown(tab) == _addresses(project.entries)
        for theme in project.edition.themes:
            wanted = [d for d in project.entries if theme in d.entry.themes]
            if wanted:
                tab.get_by_label("Tema").select_option(theme)
                assert _shown(tab) == _addresses(wanted), theme
        tab.get_by_label("Tema").select_option("energi")
        tab.get_by_label("DK2020").select_option("ja")
        wanted = [d for d in project.entries if "energi" in d.entry.themes and d.dk2020_count]
        assert _shown(tab) == _addresses(wanted)
        tab.get_by_label("DK2020").select_option("nej")
        wanted = [d for d in project.entries if "energi" in d.entry.themes
                  and not d.dk2020_count]
        assert _shown(tab) == _addresses(wanted)
        assert tab.locator("#ingen").is_visible() == (not wanted)
        assert axe_violations(tab) == []
        _reset(tab, len(project.entries))
        tab.locator("#liste > li").nth(2).click(position={"x": 30, "y": 120})  # the card
        tab.wait_for_load_state()
        assert tab.locator("h1").inner_text() == project.entries[2].entry.title
        assert visit.problems == []


def _matches(key: str, term: str) -> bool:
    """site.js's matches(): a stem of the index begins with the stem typed, holds it (four
    letters or more), or is most of it."""
    if term in key if len(term) >= 4 else key.startswith(term):
        return True
    return len(key) >= 5 and len(key) >= 0.7 * len(term) and term.startswith(key)


def _expected(project, index: dict[str, list[int]], query: str) -> list[str]:
    """What site.js should find: the partnerships that match every word typed."""
    places = None
    for word in search._WORD.findall(search.fold(query)):
        term = search.stem(word)
        here = {p for key, found in index.items() if _matches(key, term) for p in found}
        places = here if places is None else places & here
    return _addresses(d for i, d in enumerate(project.entries) if i in places)


def test_the_search_finds_danish_words_by_typing(browser, served, web_sample):
    project = load_project(TOOL_ROOT)
    script = (web_sample / "filer" / "soegeindeks.js").read_text("utf-8")
    index = json.loads(script.removeprefix("window.soegeindeks=").rstrip(";\n"))
    kalundborg = next(d for d in project.entries if "Kalundborg" in d.entry.title)
    aarhus = next(d for d in project.entries if d.entry.municipalities == ["Aarhus"])
    with Visit(browser, served["sample"] + "index.html") as visit:
        tab = visit.tab
        field = tab.get_by_label("Søg")
        for query, must in (("symbiose", kalundborg), ("Århus", aarhus), ("aarhus", aarhus),
                            ("virksomhederne", None), ("fjernvarmen", None),
                            ("energi affald", None)):
            field.click()
            field.fill("")
            field.press_sequentially(query, delay=15)
            wanted = _expected(project, index, query)
            tab.wait_for_function("n => document.querySelectorAll('#liste > li:not([hidden])')"
                                  ".length === n", arg=len(wanted))
            assert _shown(tab) == wanted, query
            assert wanted and (must is None or f"{must.slug}/index.html" in wanted), query
        # the stemmer takes "hed" off one form and "erne" off the other: both find the same
        assert search.stem("virksomhed") != search.stem("virksomhederne")
        assert _expected(project, index, "virksomhed") == _expected(
            project, index, "virksomhederne")
        field.fill("")
        field.press_sequentially("zzxq", delay=15)
        tab.wait_for_function("!document.getElementById('ingen').hidden")
        assert _shown(tab) == []
        assert tab.locator("#antal").inner_text() == \
            f"Viser 0 af {len(project.entries)} partnerskaber"
        assert axe_violations(tab) == []
        _reset(tab, len(project.entries))
        assert _shown(tab) == _addresses(project.entries)
        assert visit.problems == []
        assert [r for r in visit.requests if r.endswith("soegeindeks.js")]  # loaded once
        assert len([r for r in visit.requests if r.endswith("soegeindeks.js")]) == 1


def test_the_browsers_stemmer_is_snowballs(browser, served):
    """site.js stems what the reader types as search.py stemmed the index: word by word
    the same as the Snowball stemmer for Danish, over every word of the catalogue and some
    that take each of the algorithm's paths."""
    project = load_project(TOOL_ROOT)
    words = {w for doc in project.entries
             for w in search._WORD.findall(search.fold(" ".join(search.texts(
                 doc, project.edition.themes))))}
    words |= {"virksomhedernes", "hedens", "erendes", "løst", "kærligst", "heldigvis",
              "undertegnet", "opdragelsen", "indbygget", "nødvendig", "lykkeligt", "mindst",
              "bygd", "fremragende", "kommunerne", "sagsbehandlingstiderne", "sukkerroer",
              "pass", "grønnest", "smukkest", "stille", "effektiviseringerne", "a", "ab",
              "abs", "æbler", "øst", "åens", "cafes", "co₂", "2030", "trafikkens"}
    with Visit(browser, served["sample"] + "index.html") as visit:
        stems = visit.tab.evaluate("ws => ws.map(w => window.katalog.stem(w))",
                                   sorted(words))
    python = [search.stem(w) for w in sorted(words)]
    assert [(w, js) for w, js, py in zip(sorted(words), stems, python) if js != py] == []
    assert len(words) > 1000


def test_the_keyboard_reaches_everything_and_shows_where_it_is(browser, served):
    with Visit(browser, served["sample"] + "index.html") as visit:
        tab = visit.tab
        tab.keyboard.press("Tab")
        assert tab.evaluate("document.activeElement.textContent") == "Gå til indholdet"
        box = tab.locator(".skip-link").bounding_box()
        assert box["y"] >= 0 and box["height"] > 10  # shown when it has focus
        tab.keyboard.press("Enter")
        assert tab.evaluate("document.activeElement.id") == "indhold"
        for _ in range(12):
            tab.keyboard.press("Tab")
            style = tab.evaluate("getComputedStyle(document.activeElement)")
            assert style["outlineStyle"] != "none" and \
                float(style["outlineWidth"].removesuffix("px")) >= 2, \
                tab.evaluate("document.activeElement.outerHTML")
        # the search field and the filters are reached in order, after the map's links
        tab.get_by_label("Søg").focus()
        tab.keyboard.press("Tab")
        assert tab.evaluate("document.activeElement.id") == "region"


def test_without_javascript_every_partnership_is_listed(browser, served):
    project = load_project(TOOL_ROOT)
    with Visit(browser, served["sample"] + "index.html", java_script_enabled=False) as visit:
        tab = visit.tab
        assert not tab.locator("#filtre").is_visible()
        assert _shown(tab) == _addresses(project.entries)
        assert tab.locator("#antal").inner_text() == f"{len(project.entries)} partnerskaber"
        assert visit.problems == []


def test_the_site_opened_from_disk_searches_and_links(browser, web_sample, tmp_path):
    """A copy of the folder opened as files (file://): no server, the search still works."""
    copy = shutil.copytree(web_sample, tmp_path / "kopi")
    project = load_project(TOOL_ROOT)
    with Visit(browser, (copy / "index.html").as_uri()) as visit:
        tab = visit.tab
        tab.get_by_label("Søg").click()
        tab.keyboard.type("symbiose", delay=15)
        tab.wait_for_function("document.getElementById('antal').textContent"
                              ".startsWith('Viser')")  # the index came, from disk
        shown = _shown(tab)
        assert shown and len(shown) < len(project.entries)
        tab.locator(f"#liste a[href='{shown[0]}']").click()
        tab.wait_for_load_state()
        assert tab.url == (copy / shown[0]).as_uri()
        tab.get_by_role("link", name="Register").first.click()
        tab.wait_for_load_state()
        assert tab.url == (copy / "register" / "index.html").as_uri()
        assert visit.problems == []


def test_the_map_leads_to_the_partnerships(browser, served):
    project = load_project(TOOL_ROOT)
    vejle = next(d for d in project.entries if d.entry.municipalities == ["Vejle"])
    with Visit(browser, served["sample"] + "index.html") as visit:
        tab = visit.tab
        tab.locator("svg a:has(title:text-is('Vejle: " + vejle.entry.title + "'))").click()
        tab.wait_for_load_state()
        assert tab.locator("h1").inner_text() == vejle.entry.title
        tab.go_back()
        # København lies around Frederiksberg: the keyboard reaches it where a click at its
        # middle would land on Frederiksberg
        tab.locator("svg a:has(title:text-matches('^København: '))").focus()
        with tab.expect_navigation():
            tab.keyboard.press("Enter")
        assert tab.url.endswith("register/index.html#kommune-koebenhavn")
        assert tab.evaluate("document.querySelector(':target').textContent") == "København"


def test_screenshots_at_phone_and_desktop_width(browser, served, tmp_path):
    """The front page and a partnership page with a photo, at 390 and 1280 px: kept in
    CATALOGUE_SCREENSHOTS (a folder) when set, to look at."""
    from PIL import Image

    keep = Path(os.environ.get("CATALOGUE_SCREENSHOTS", tmp_path))
    keep.mkdir(parents=True, exist_ok=True)
    for name, url in (("forside", served["sample"] + "index.html"),
                      ("partnerskab", served["photos"] + ODD_SLUG.replace(" ", "%20")
                       + "/index.html")):
        for label, viewport in (("mobil", PHONE), ("desktop", DESKTOP)):
            with Visit(browser, url, viewport=viewport) as visit:
                path = keep / f"web-{name}-{label}.png"
                visit.tab.screenshot(path=str(path), full_page=True)
                assert visit.problems == []
            with Image.open(path) as shot:
                assert shot.width == viewport["width"]
                assert shot.height > viewport["height"]
                assert len(shot.convert("RGB").getcolors(1 << 24)) > 200  # not blank


def test_a_partnership_page_shows_its_photo_in_the_size_that_fits(browser, served):
    """The phone takes the small photo, a wide screen the large one (srcset)."""
    address = served["photos"] + ODD_SLUG.replace(" ", "%20") + "/index.html"
    for viewport, size in ((PHONE, "lille"), ({"width": 1600, "height": 900}, "stor")):
        with Visit(browser, address, viewport=viewport) as visit:
            source = visit.tab.evaluate("document.querySelector('.entry-picture img')"
                                        ".currentSrc")
            assert re.search(rf"-{size}\.jpg$", source), (viewport, source)
