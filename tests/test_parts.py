"""Parts and their cache: a build that reuses parts gives the bytes of a clean build, every
input that goes into a part makes it again, and a damaged cache entry is never used."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from synthetic import synthetic_photo
from catalogue.build import build

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path) -> Path:
    """Two entries, one with a photo, with their own copy of the layouts and fonts (so
    that a test may change them)."""
    folder = tmp_path / "p"
    folder.mkdir()
    shutil.copy(ROOT / "catalogue.yaml", folder)
    shutil.copytree(ROOT / "layouts", folder / "layouts")
    shutil.copytree(ROOT / "fonts", folder / "fonts")
    (folder / "entries").mkdir()
    (folder / "images").mkdir()
    for name in ("greenlab-skive", "carbon-20"):
        shutil.copy(ROOT / "entries" / f"{name}.yaml", folder / "entries")
    synthetic_photo(folder / "images" / "foto.jpg", 3)
    entry = folder / "entries" / "greenlab-skive.yaml"
    entry.write_text(entry.read_text("utf-8") + (
        "image:\n  file: images/foto.jpg\n  alt: Foto\n  credit: Test\n"), "utf-8")
    return folder


def _pdf(project: Path, edition: str, out: Path) -> bytes:
    (written,) = build(project, say=lambda m: None, output=out, only={edition}).written
    return written.path.read_bytes()


def _edit_entry(project: Path) -> None:
    entry = project / "entries" / "carbon-20.yaml"
    entry.write_text(entry.read_text("utf-8").replace("title: ", "title: Nyt ", 1), "utf-8")


def _edit_stylesheet(project: Path) -> None:
    with (project / "layouts" / "catalogue.css").open("a", encoding="utf-8") as css:
        css.write("\n.lead { color: #7A1F1F; }\n")


def _edit_template(project: Path) -> None:
    """A changed layout template, seen as the next command (a new process) sees it: the
    template compiled in .cache/templates/ must not be used."""
    from catalogue.layout import render

    spread = project / "layouts" / "spread.html.j2"
    spread.write_text(spread.read_text("utf-8").replace(
        "</article>", "<p>Ny linje</p></article>", 1), "utf-8")
    render.environment.cache_clear()


def _swap_font(project: Path) -> None:
    fonts = project / "fonts"
    shutil.copy(fonts / "SourceSans3-Bold.otf", fonts / "SourceSans3-Regular.otf")


def _replace_photo(project: Path) -> None:
    synthetic_photo(project / "images" / "foto.jpg", 9)


def _new_web_address(project: Path) -> None:
    """Another address for the printed QR code (kept in .cache/qr/ by its content)."""
    entry = project / "entries" / "carbon-20.yaml"
    entry.write_text(entry.read_text("utf-8").replace("https://www.gate21.dk",
                                                      "https://www.gate21.dk/carbon"), "utf-8")


def _more_bleed(project: Path) -> None:
    config = project / "catalogue.yaml"
    data = yaml.safe_load(config.read_text("utf-8"))
    data.setdefault("print", {})["bleed_mm"] = 5
    config.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


# make test builds two changes; the others are slow (make test-all, CI).
@pytest.mark.parametrize("change, edition", [
    (_edit_entry, "download"), (_replace_photo, "print"),
    *(pytest.param(change, edition, marks=pytest.mark.slow) for change, edition in [
        (_edit_stylesheet, "download"), (_edit_template, "print"), (_swap_font, "download"),
        (_replace_photo, "download"), (_new_web_address, "print"), (_more_bleed, "print")])])
def test_a_change_gives_what_a_clean_build_gives(project, tmp_path, change, edition):
    before = _pdf(project, edition, tmp_path / "before")
    change(project)
    reused = _pdf(project, edition, tmp_path / "reused")  # the cache of the build before
    shutil.rmtree(project / ".cache")
    clean = _pdf(project, edition, tmp_path / "clean")
    assert reused == clean
    assert reused != before


def test_an_edited_entry_lays_out_only_its_spread(project, tmp_path):
    _pdf(project, "download", tmp_path / "a")
    parts = project / ".cache" / "parts"
    made = set(parts.iterdir())
    _pdf(project, "download", tmp_path / "b")
    assert set(parts.iterdir()) == made  # nothing changed: nothing laid out
    entry = project / "entries" / "carbon-20.yaml"
    text = entry.read_text("utf-8")
    entry.write_text(text.replace("about: |\n", "about: |\n  Et nyt afsnit.\n\n", 1), "utf-8")
    _pdf(project, "download", tmp_path / "c")
    new = set(parts.iterdir()) - made
    assert sorted(p.suffix for p in new) == [".json", ".pdf"]  # one part: the spread


@pytest.mark.parametrize("edition, folders", [
    ("download", ("parts", "fonts")),
    pytest.param("print", ("parts", "fonts", "qr"), marks=pytest.mark.slow)])
def test_damaged_cache_entries_are_made_again(project, tmp_path, edition, folders):
    clean = _pdf(project, edition, tmp_path / "a")
    cache = project / ".cache"
    damaged = [p for folder in folders for p in (cache / folder).iterdir()]
    assert any(p.suffix == ".pdf" for p in damaged) and any(p.suffix == "" for p in damaged)
    assert all(any((cache / folder) in p.parents for p in damaged) for folder in folders)
    for number, path in enumerate(damaged):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] if number % 2 else b"\0" * len(data))
    assert _pdf(project, edition, tmp_path / "b") == clean


def test_make_clean_removes_the_cache():
    dry = subprocess.run(["make", "-n", "clean"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    removed = next(line for line in dry.splitlines() if line.startswith("rm -rf")).split()
    assert ".cache" in removed


@pytest.mark.slow
def test_a_spread_that_runs_over_moves_the_ones_after_it(project, tmp_path):
    """A longer part is laid out, the plan numbered again from its true length, and every
    later spread, the contents and the register follow: no page number is a guess."""
    import re

    import pypdf

    long = ROOT / "tests" / "fixtures" / "hostile" / "long-about.yaml"
    shutil.copy(long, project / "entries" / "aaa-lang.yaml")
    result = build(project, say=lambda m: None, output=tmp_path / "out", only={"download"})
    assert any("ind på en tredje side" in str(w) for w in result.warnings)
    reader = pypdf.PdfReader(result.written[0].path)

    def page_of(name: str) -> int:
        return reader.get_destination_page_number(reader.named_destinations[name]) + 1

    starts = {doc.slug: page_of(doc.slug) for doc in result.project.entries}
    ends = {doc.slug: page_of(f"{doc.slug}-end") for doc in result.project.entries}
    assert all(page % 2 == 0 for page in starts.values())  # every spread on a left page
    order = [doc.slug for doc in result.project.entries]
    assert any(ends[s] > starts[s] + 1 for s in order)  # one did run over ...
    for before, after in zip(order, order[1:]):  # ... and the next starts after it
        assert starts[after] > ends[before]
    contents = " ".join(reader.pages[page_of("indhold") - 1].extract_text().split())
    for doc in result.project.entries:
        match = re.search(re.escape(doc.entry.title) + r" (\d+)", contents)
        assert match and int(match.group(1)) == starts[doc.slug]


def test_a_link_to_nowhere_is_reported(project, tmp_path):
    spread = project / "layouts" / "spread.html.j2"
    spread.write_text(spread.read_text("utf-8").replace(
        "</article>", '<a href="#ingen-steder">Se også</a></article>', 1), "utf-8")
    result = build(project, say=lambda m: None, output=tmp_path / "out", only={"download"})
    assert any("et link peger på #ingen-steder, som ikke findes i kataloget"
               in str(w) for w in result.warnings)


def test_a_build_removes_the_parts_it_no_longer_needs(project, tmp_path):
    _pdf(project, "download", tmp_path / "a")
    folder = project / ".cache" / "parts"
    first = {p.name for p in folder.glob("*.pdf")}
    assert len(first) == 14  # the front matter, two spreads, the back matter's five
    #   sections (overview, register, sources, contact, colophon), and the front matter and
    #   the five sections as counted before the page numbers were known
    for path in folder.iterdir():
        os.utime(path, (0, 0))  # made long ago (a build at the same time is safe)
    entry = project / "entries" / "carbon-20.yaml"
    text = entry.read_text("utf-8")
    entry.write_text(text.replace("about: |\n", "about: |\n  Et nyt afsnit.\n\n", 1), "utf-8")
    _pdf(project, "download", tmp_path / "b")
    second = {p.name for p in folder.glob("*.pdf")}
    # the old spread is gone, and the counts: the last build noted every length
    assert len(second) == 8 and len(first & second) == 7
    assert len(list(folder.glob("*.json"))) == 8


@pytest.mark.slow
def test_a_file_the_stylesheet_points_to_is_part_of_the_address(project, tmp_path):
    """A project's own layouts may take a picture from elsewhere in the project."""
    mark = project / "branding" / "mark.svg"
    mark.parent.mkdir()

    def draw(colour: str) -> None:
        mark.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                        f'<rect width="10" height="10" fill="{colour}"/></svg>', "utf-8")

    draw("#B03A2E")
    with (project / "layouts" / "catalogue.css").open("a", encoding="utf-8") as css:
        css.write("\n.kicker { background: url(../branding/mark.svg) no-repeat; }\n")
    before = _pdf(project, "download", tmp_path / "before")
    draw("#1F618D")
    reused = _pdf(project, "download", tmp_path / "reused")
    shutil.rmtree(project / ".cache")
    clean = _pdf(project, "download", tmp_path / "clean")
    assert reused == clean
    assert reused != before


def test_each_typeface_is_embedded_once_with_every_glyph_the_parts_use(project, tmp_path):
    import pikepdf

    _pdf(project, "download", tmp_path / "a")
    path = next((tmp_path / "a").glob("*.pdf"))
    with pikepdf.open(path) as pdf:
        fonts: dict[str, set] = {}
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                fonts.setdefault(str(font.BaseFont).split("+")[-1], set()).add(font.objgen)
        assert fonts and all(len(copies) == 1 for copies in fonts.values()), fonts
    import pypdf

    text = " ".join(p.extract_text() for p in pypdf.PdfReader(path).pages)
    for name in ("greenlab-skive", "carbon-20"):  # every part's words still read as text
        entry = yaml.safe_load((project / "entries" / f"{name}.yaml").read_text("utf-8"))
        assert " ".join(entry["title"].split()) in " ".join(text.split())


@pytest.mark.slow
def test_one_core_gives_the_same_bytes(project, tmp_path, monkeypatch):
    parallel = _pdf(project, "download", tmp_path / "a")
    shutil.rmtree(project / ".cache")
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0})  # a one-core machine
    assert _pdf(project, "download", tmp_path / "b") == parallel


@pytest.mark.slow
def test_a_longer_front_matter_than_last_time_renumbers_everything(project, tmp_path):
    """The plan starts from the last build's front matter; the count corrects it."""
    import re

    import pypdf

    def contents_agree(out: Path) -> int:
        result = build(project, say=lambda m: None, output=out, only={"download"})
        reader = pypdf.PdfReader(result.written[0].path)

        def page_of(name: str) -> int:
            return reader.get_destination_page_number(reader.named_destinations[name]) + 1

        text = " ".join(reader.pages[page_of("indhold") - 1].extract_text().split())
        for doc in result.project.entries:
            match = re.search(re.escape(doc.entry.title) + r" (\d+)", text)
            assert match and int(match.group(1)) == page_of(doc.slug) and \
                page_of(doc.slug) % 2 == 0
        return page_of(result.project.entries[0].slug)

    before = contents_agree(tmp_path / "a")
    config = project / "catalogue.yaml"
    data = yaml.safe_load(config.read_text("utf-8"))
    data["foreword"] += "\n\n" + "Mange ord om klimaet og kommunerne. " * 300
    config.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert contents_agree(tmp_path / "b") >= before + 2


def _agreeing_contents(project: Path, edition: str, out: Path) -> bytes:
    """Build the edition; check that the contents give every spread and every section of
    the back matter the page it is on; return the PDF."""
    import re

    import pypdf

    result = build(project, say=lambda m: None, output=out, only={edition})
    reader = pypdf.PdfReader(result.written[0].path)

    def page_of(name: str) -> int:
        return reader.get_destination_page_number(reader.named_destinations[name]) + 1

    text = " ".join(reader.pages[page_of("indhold") - 1].extract_text().split())
    shown = {doc.slug: doc.entry.title for doc in result.project.entries} | {
        "oversigt": "Oversigt over partnerskaberne", "kilder": "Kilder", "kolofon": "Kolofon",
        "kontakt": result.project.edition.contact_page.heading}
    for name, title in shown.items():
        if name in reader.named_destinations:
            match = re.search(re.escape(title) + r" (\d+)", text)
            assert match and int(match.group(1)) == page_of(name), (name, text)
    if edition == "print":
        assert len(reader.pages) % 4 == 0
    return result.written[0].path.read_bytes()


def _more_sources(project: Path) -> None:
    """The sources run a page or two longer than last time: the plan's guess is wrong."""
    entry = project / "entries" / "carbon-20.yaml"
    more = "".join(f"  - https://www.example.dk/kilde/{n}\n" for n in range(90))
    entry.write_text(entry.read_text("utf-8").replace("sources:\n", "sources:\n" + more),
                     "utf-8")


def _first_source(project: Path) -> None:
    """A section the last build did not have (sources, once an entry has them), and more
    than a page long."""
    entry = project / "entries" / "carbon-20.yaml"
    entry.write_text(entry.read_text("utf-8") + "sources:\n", "utf-8")
    _more_sources(project)


@pytest.mark.parametrize("change, edition", [(_first_source, "download"), *(
    pytest.param(change, edition, marks=pytest.mark.slow) for change, edition in [
        (_more_sources, "download"), (_more_sources, "print"), (_first_source, "print")])])
def test_a_changed_back_matter_is_numbered_as_it_comes_out(project, tmp_path, change,
                                                          edition):
    """The back matter's sections are laid out side by side, the contents beside them,
    all from the lengths of the last build: when those are wrong or missing, the pages
    still come out right, and as a clean build has them."""
    import re

    if change is _first_source:
        for entry in (project / "entries").glob("*.yaml"):
            text = entry.read_text("utf-8")
            entry.write_text(re.sub(r"sources:\n(  - .*\n)+", "", text), "utf-8")
    before = _agreeing_contents(project, edition, tmp_path / "before")
    made = set((project / ".cache" / "parts").glob("*.json"))
    change(project)
    reused = _agreeing_contents(project, edition, tmp_path / "reused")
    if change is _first_source and edition == "download":
        # A new section is counted first (laid out with blank page numbers), so that the
        # plan has its length: then nothing is laid out twice. (The print edition built
        # alone lays out its back matter again once it knows the fillers; built with the
        # download edition, it takes that one's lengths.)
        owners = [min(json.loads(record.read_text("utf-8"))["anchors"])
                  for record in set((project / ".cache" / "parts").glob("*.json")) - made]
        owners.remove("kilder")  # its count
        assert len(owners) == len(set(owners)), owners
    shutil.rmtree(project / ".cache")
    assert reused == _agreeing_contents(project, edition, tmp_path / "clean")
    assert reused != before


@pytest.mark.slow
def test_an_edited_title_lays_out_only_what_shows_it(project, tmp_path):
    """The title is on its spread, in the contents, the overview, the register and the
    sources; the other spread and the contact page are taken from the cache."""
    _pdf(project, "download", tmp_path / "a")
    folder = project / ".cache" / "parts"
    made = set(folder.glob("*.json"))
    _edit_entry(project)
    _pdf(project, "download", tmp_path / "b")
    owners = set()
    for record in set(folder.glob("*.json")) - made:
        anchors = json.loads(record.read_text("utf-8"))["anchors"]
        owners |= {name for name in anchors if not name.endswith("-end")}
    assert {"indhold", "carbon-20", "oversigt", "register", "kilder"} <= owners
    assert not owners & {"greenlab-skive", "kontakt"}


@pytest.mark.slow
def test_the_print_edition_alone_is_the_print_edition_of_a_full_build(project, tmp_path):
    """Built alone, the print edition measures its own back matter for the fillers."""
    alone = _pdf(project, "print", tmp_path / "alone")
    shutil.rmtree(project / ".cache")
    result = build(project, say=lambda m: None, output=tmp_path / "full")
    (printed,) = [w for w in result.written if w.path.name.endswith("-tryk.pdf")]
    assert printed.path.read_bytes() == alone
    assert printed.pages % 4 == 0


@pytest.mark.slow
def test_a_process_that_lays_out_twice_sees_a_changed_font(project, tmp_path, monkeypatch):
    """preview --watch and a one-core build lay out in one long-lived process, which keeps
    the parsed stylesheet and its fonts; a changed font file must still show."""
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0})
    _pdf(project, "download", tmp_path / "before")
    _swap_font(project)
    reused = _pdf(project, "download", tmp_path / "reused")
    shutil.rmtree(project / ".cache")
    monkeypatch.setattr("catalogue.layout.pdf._STYLESHEETS", {})
    assert reused == _pdf(project, "download", tmp_path / "clean")


def test_a_joiner_that_fails_is_an_error_and_writes_nothing(project, tmp_path, monkeypatch):
    """The editions are joined in processes of their own while the parts are laid out; a
    bug there must still stop the build (cli.py says it plainly), not leave a PDF."""
    def broken(self, piece):
        raise ValueError("a bug")

    monkeypatch.setattr("catalogue.join.assemble.Joiner.add", broken)
    with pytest.raises((RuntimeError, ValueError), match="a bug"):  # ValueError: one core
        build(project, say=lambda m: None, output=tmp_path / "out")
    assert not list((tmp_path / "out").glob("*.pdf"))


@pytest.mark.slow
def test_the_plans_note_keeps_the_lengths_of_an_edition_not_built(project, tmp_path):
    """A build of one edition keeps what the last build of the other found (where that
    one's next plan starts) and notes its own."""
    build(project, say=lambda m: None, output=tmp_path / "a")
    note = project / ".cache" / "notes" / "plan.json"
    both = json.loads(note.read_text("utf-8"))["sizes"]
    _edit_entry(project)
    _pdf(project, "download", tmp_path / "b")
    after = json.loads(note.read_text("utf-8"))["sizes"]
    assert set(both) == set(after) == {"download", "print"}
    assert after["print"] == both["print"] and after["download"]["front"] >= 1


@pytest.mark.parametrize("note", ['not json', *(
    pytest.param(note, marks=pytest.mark.slow) for note in [
        '[1, 2]', '{"sizes": [1, 2]}',
        '{"sizes": {"download": {"front": 99, "oversigt": 0, "register": "x"}, "print": 3}}'])])
def test_a_damaged_plan_note_is_only_a_wrong_guess(project, tmp_path, note):
    """The note the plan starts from is a guess: damaged or wrong, the build comes out as a
    clean one (a front matter of 99 pages is laid out, found shorter, and planned again)."""
    clean = _pdf(project, "download", tmp_path / "clean")
    (project / ".cache" / "notes" / "plan.json").write_text(note, "utf-8")
    shutil.rmtree(project / ".cache" / "parts")
    assert _pdf(project, "download", tmp_path / "again") == clean


# One layout for both editions' spreads (layout.Job, pdf.as_download).

def _without_twins(monkeypatch) -> None:
    """Every spread of the download edition laid out from its own HTML, as before."""
    import dataclasses

    from catalogue.layout import editions

    real = editions.print_edition
    monkeypatch.setattr(editions, "print_edition", lambda *a: dataclasses.replace(
        real(*a), serves_download=False))


class _Answers:
    """What pdf.as_download answered, per spread, in the workers: kept in a file."""

    def __init__(self, path: Path):
        self.path = path

    def __eq__(self, other) -> bool:
        return self.read() == other

    def __bool__(self) -> bool:
        return bool(self.read())

    def values(self):
        return self.read().values()

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def read(self) -> dict[str, bool]:
        lines = self.path.read_text().split() if self.path.exists() else []
        return {line.split("=")[0]: line.endswith("=True") for line in lines}


def _drawn(monkeypatch, tmp_path: Path) -> _Answers:
    """What pdf.as_download answers, per spread (the workers are forked after this)."""
    from catalogue.layout import pdf

    answers = _Answers(tmp_path / "drawn")
    real = pdf.as_download

    def spy(document, photos, roots):
        answer = real(document, photos, roots)
        slugs = {box.element.get("id") for page in document.pages
                 for box in pdf._boxes(page._page_box)
                 if getattr(box, "element", None) is not None
                 and box.element.get("class") == "spread-end"}
        with answers.path.open("a") as said:
            said.writelines(f"{name.removesuffix('-end')}={bool(answer)}\n" for name in slugs)
        return answer

    monkeypatch.setattr(pdf, "as_download", spy)
    return answers


def _shape(path: Path) -> dict:
    """What a reader of the PDF gets, object numbers aside: every page's drawing, boxes,
    resources and links, the structure tree, the bookmarks, and the named destinations
    (of a spread's invisible end marker only the page: it sits below the lowest column, and
    in the print edition's layout that may be the column with the QR code)."""
    import pikepdf

    def plain(obj, seen):
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            if obj.is_indirect:
                if obj.objgen in seen:
                    return "(seen)"
                seen = seen | {obj.objgen}
            shape = {str(k): plain(v, seen) for k, v in obj.items()
                     if k not in ("/Parent", "/P", "/Pg", "/Length")}
            if isinstance(obj, pikepdf.Stream):
                shape["data"] = obj.read_raw_bytes()
            return shape
        if isinstance(obj, pikepdf.Array):
            return [plain(v, seen) for v in obj]
        return repr(obj)

    with pikepdf.open(path) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
        dests = {}
        for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items():
            page = pages[dest[0].objgen]
            dests[name] = page if name.endswith("-end") else (page, repr(list(dest)[1:]))
        return {"pages": [plain(page.obj, set()) for page in pdf.pages], "dests": dests,
                **{key: plain(pdf.Root[key], set())
                   for key in ("/StructTreeRoot", "/Outlines") if key in pdf.Root}}


@pytest.mark.slow
def test_a_download_spread_drawn_from_the_print_layout_is_its_own(project, tmp_path,
                                                                  monkeypatch):
    """The download edition's spreads come from the print edition's layout, without the
    QR code, with their own photos and without bleed: the same PDF as laid out on their
    own. A spread that runs over its two pages is laid out on its own (the QR code may be
    what ran over)."""
    long = ROOT / "tests" / "fixtures" / "hostile" / "long-about.yaml"
    shutil.copy(long, project / "entries" / "aaa-lang.yaml")
    drawn = _drawn(monkeypatch, tmp_path)
    twins = build(project, say=lambda m: None, output=tmp_path / "twins", only={"download"})
    assert drawn == {"greenlab-skive": True, "carbon-20": True}  # not the long one
    shutil.rmtree(project / ".cache")  # the same folder: photos are named by address
    _without_twins(monkeypatch)
    drawn.clear()
    alone = build(project, say=lambda m: None, output=tmp_path / "own", only={"download"})
    assert not drawn
    paths = [result.written[0].path for result in (twins, alone)]
    assert _shape(paths[0]) == _shape(paths[1])
    import pypdf

    text = " ".join(page.extract_text() for page in pypdf.PdfReader(paths[0]).pages)
    assert "Scan koden" not in text and "GreenLab" in text


@pytest.mark.slow
def test_after_a_print_only_element_the_download_spread_is_laid_out_on_its_own(
        project, tmp_path, monkeypatch):
    """Drawn without it, what follows a print-only element would keep its place below a
    gap: such a spread is laid out from the download edition's own HTML."""
    spread = project / "layouts" / "spread.html.j2"
    text = spread.read_text("utf-8")
    end = text.index("{% endif %}", text.index('data-edition="print"')) + len("{% endif %}")
    spread.write_text(text[:end] + '\n      <p class="after">Efter koden</p>' + text[end:],
                      "utf-8")
    drawn = _drawn(monkeypatch, tmp_path)
    result = build(project, say=lambda m: None, output=tmp_path / "a", only={"download"})
    assert drawn and not any(drawn.values())
    import pypdf

    text = " ".join(page.extract_text() for page in
                    pypdf.PdfReader(result.written[0].path).pages)
    assert "Efter koden" in text and "Scan koden" not in text
    shutil.rmtree(project / ".cache")
    _without_twins(monkeypatch)
    alone = build(project, say=lambda m: None, output=tmp_path / "own", only={"download"})
    assert _shape(result.written[0].path) == _shape(alone.written[0].path)


@pytest.mark.slow
def test_the_download_edition_alone_is_the_download_edition_of_a_full_build(project,
                                                                            tmp_path):
    """Built alone, the download edition still lays out its spreads as the print edition
    has them (and writes only its own PDFs): the same bytes either way."""
    alone = _pdf(project, "download", tmp_path / "alone")
    print_parts = list((project / ".cache" / "parts").glob("print-*.pdf"))
    assert not print_parts
    shutil.rmtree(project / ".cache")
    result = build(project, say=lambda m: None, output=tmp_path / "full")
    (download,) = [w for w in result.written if w.path.name.endswith("2026.pdf")]
    assert download.path.read_bytes() == alone


@pytest.mark.parametrize("setting", [{"crop_marks": True}, {"bleed_mm": 5}])
def test_only_a_print_edition_that_changes_nothing_but_its_bleed_serves_both(project,
                                                                           setting):
    """Crop marks are drawn on the page (and an ICC profile changes the ink): then each
    edition lays out its own spreads. A wider bleed reaches as far in both editions."""
    from catalogue.layout import parts
    from catalogue.layout.editions import created, for_project
    from catalogue.read.load import load_project
    from catalogue.layout.plan import plan

    config = project / "catalogue.yaml"
    data = yaml.safe_load(config.read_text("utf-8"))
    data.setdefault("print", {}).update(setting)
    config.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    loaded = load_project(project)
    editions = for_project(loaded.edition, loaded.root)
    photos = {e.key: parts.photo_addresses(loaded, e) for e in editions}
    planned = plan([doc.slug for doc in loaded.entries], [], {"front": 7})
    part = next(p for p in planned.order if p is not None and p.kind == "spread")
    jobs = parts.spread_jobs(loaded, [(e, part) for e in editions],
                             {e.key: planned.numbers for e in editions}, created(loaded),
                             photos, parts.fingerprint(loaded.root))
    assert len(jobs) == (2 if "crop_marks" in setting else 1)


def test_the_weasyprint_our_patch_was_read_from():
    """pdf.as_download reaches into WeasyPrint's internals: it was read from WeasyPrint 70.0
    and kept because it saves a whole layout per spread (docs/performance.md). Another
    version: read it again, measure again, then change pdf.WEASYPRINT. Until then the
    build leaves WeasyPrint alone, and this fails."""
    import inspect

    import weasyprint
    from weasyprint.anchors import gather_anchors
    from weasyprint.images import get_image_from_uri

    from catalogue.layout import pdf

    assert weasyprint.__version__ == pdf.WEASYPRINT, (
        f"WeasyPrint {weasyprint.__version__}: pdf.as_download was read from "
        f"{pdf.WEASYPRINT}; read and measure it again (docs/performance.md)")
    assert pdf.READ_FROM_THIS_WEASYPRINT
    assert list(inspect.signature(gather_anchors).parameters)[:5] == [
        "box", "anchors", "links", "bookmarks", "forms"]
    assert {"cache", "url_fetcher", "options", "url", "orientation"} <= set(
        inspect.signature(get_image_from_uri).parameters)


@pytest.mark.slow
def test_with_another_weasyprint_nothing_of_it_is_replaced(project, tmp_path, monkeypatch):
    """The build is right with a WeasyPrint the patch was not read from: each edition
    lays out its own spreads."""
    from catalogue.layout import pdf

    monkeypatch.setattr(pdf, "READ_FROM_THIS_WEASYPRINT", False)
    drawn = _drawn(monkeypatch, tmp_path)
    made = build(project, say=lambda m: None, output=tmp_path / "other", only={"download"})
    assert drawn == {"greenlab-skive": False, "carbon-20": False}
    assert made.written[0].pages > 4
