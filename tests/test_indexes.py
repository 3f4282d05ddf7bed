"""The register and overview: Danish order, every line's page equal to where the spread starts."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pypdf
import pytest
import yaml

from synthetic import make_project
from catalogue.build import build

ROOT = Path(__file__).resolve().parent.parent
# (title, municipalities, themes): Ærø sorts before the aa-names, which sort as å, last.
ENTRIES = [
    ("Havnens energi", ["Aarhus"], ["energi"]),
    ("Fælles varme", ["Aabenraa", "Vejle"], ["energi", "erhverv"]),
    ("Øens klimaklub", ["Ærø"], ["erhverv"]),
    ("Cirkulært byggeri", ["Aalborg"], ["cirkulaer"]),
    ("Grøn transport i Tårnby", ["Tårnby"], ["transport"]),
    ("Tønder tænker grønt", ["Tønder"], ["transport", "energi"]),
]

TITLES = {title for title, _, _ in ENTRIES}


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    folder = tmp_path_factory.mktemp("register")
    shutil.copy(ROOT / "catalogue.yaml", folder)
    (folder / "entries").mkdir()
    base = yaml.safe_load((ROOT / "entries" / "greenlab-skive.yaml").read_text("utf-8"))
    for n, (title, municipalities, themes) in enumerate(ENTRIES):
        entry = dict(base, title=title, municipalities=municipalities, themes=themes)
        (folder / "entries" / f"entry-{n}.yaml").write_text(
            yaml.safe_dump(entry, allow_unicode=True), "utf-8")
    (written, *_) = build(folder, say=lambda m: None, only={"download"}).written
    reader = pypdf.PdfReader(written.path)
    starts = {title: reader.get_destination_page_number(reader.named_destinations[f"entry-{n}"]) + 1
              for n, (title, _, _) in enumerate(ENTRIES)}
    page = reader.get_destination_page_number(reader.named_destinations["register"])
    lines = [line.strip() for line in reader.pages[page].extract_text().splitlines()]
    return starts, lines


def entries_under(lines: list[str], heading: str, headings: list[str]) -> list[tuple[str, int]]:
    """The (title, page) lines that follow a heading up to the next heading."""
    start = lines.index(heading) + 1
    found = []
    for line in lines[start:]:
        if line in headings:
            break
        match = re.fullmatch(r"(.+?) (\d+)", line)
        if match and match.group(1) in TITLES:  # not the running foot "Register 27"
            found.append((match.group(1), int(match.group(2))))
    return found


def test_municipalities_in_danish_order_with_aa_last(register):
    _, lines = register
    order = [line for line in lines if line in
             ("Tårnby", "Tønder", "Vejle", "Ærø", "Aabenraa", "Aalborg", "Aarhus")]
    assert order == ["Tønder", "Tårnby", "Vejle", "Ærø", "Aabenraa", "Aalborg", "Aarhus"]


def test_every_index_line_gives_the_page_where_the_spread_starts(register):
    starts, lines = register
    municipalities = sorted({m for _, ms, _ in ENTRIES for m in ms})
    regions = ["Region Hovedstaden", "Region Midtjylland", "Region Nordjylland",
               "Region Sjælland", "Region Syddanmark"]
    themes = ["Cirkulær økonomi", "Energi", "Grøn transport", "Grønt erhvervsliv"]
    headings = municipalities + regions + themes + ["Kommuner", "Regioner", "Temaer"]
    checked = 0
    for heading in headings:
        if heading in lines and heading not in ("Kommuner", "Regioner", "Temaer"):
            for title, page in entries_under(lines, heading, headings):
                assert page == starts[title], (heading, title)
                checked += 1
    # every entry under each of its municipalities and themes, and its region
    assert checked >= sum(len(ms) + len(ts) for _, ms, ts in ENTRIES) + len(ENTRIES)


def test_an_entry_with_two_municipalities_is_under_both(register):
    starts, lines = register
    headings = ["Aabenraa", "Vejle", "Ærø", "Aalborg", "Aarhus", "Tønder", "Tårnby",
                "Regioner"]
    assert ("Fælles varme", starts["Fælles varme"]) in entries_under(lines, "Aabenraa", headings)
    assert ("Fælles varme", starts["Fælles varme"]) in entries_under(lines, "Vejle", headings)


@pytest.mark.slow
def test_a_register_of_several_pages_lists_every_entry_under_every_heading(tmp_path):
    """The register's three columns are floats, carried over onto as many pages as they
    need: sixty entries, each under its municipality, its region and its two themes."""
    project = make_project(tmp_path, 60, photos=False)
    (written,) = build(project, say=lambda m: None, only={"download"}).written
    reader = pypdf.PdfReader(written.path)

    def page_of(name: str) -> int:
        return reader.get_destination_page_number(reader.named_destinations[name])

    pages = range(page_of("register"), page_of("kontakt"))  # the next section
    text = " ".join(reader.pages[number].extract_text() for number in pages)
    listed = Counter(re.findall(r"Klimapartnerskab nr\. (\d+)\b", text))
    assert len(pages) >= 2
    assert listed == {str(n): 4 for n in range(1, 61)}


def _titled(folder: Path, titles: dict[str, str | None]) -> Path:
    """A project in title order whose entries have these titles (and sort_as)."""
    text = (ROOT / "catalogue.yaml").read_text("utf-8")
    (folder / "catalogue.yaml").write_text(text.replace("order: municipality", "order: title"),
                                           "utf-8")
    (folder / "entries").mkdir()
    base = yaml.safe_load((ROOT / "entries" / "greenlab-skive.yaml").read_text("utf-8"))
    for n, (title, sort_as) in enumerate(titles.items()):
        entry = dict(base, title=title, **({"sort_as": sort_as} if sort_as else {}))
        (folder / "entries" / f"entry-{n}.yaml").write_text(
            yaml.safe_dump(entry, allow_unicode=True), "utf-8")
    return folder


def test_titles_read_aa_as_aa_ring_only_in_names_and_obey_sort_as(tmp_path):
    """The catalogue's order and the register's: Klimaalliancen under K (klima + alliancen),
    Haarby as Hårby, Aabenraa and Aarhus after Å; sort_as files a title where it says."""
    from catalogue.layout import render
    from catalogue.read.load import load_project

    titles = {"Øster Hurup Havn": None, "Klimapartnerskab Vejle Nord": None,
              "Å-projektet": None, "Ærø Energi": None, "Klimaalliancen Aarhus": None,
              "Haarby Varme": None, "Aabenraa Havn": None, "Aarhus Rådhus": None,
              "Hasle Klimaråd": None, "Det Grønne Kraftværk": "Grønne Kraftværk, Det"}
    project = load_project(_titled(tmp_path, titles))
    expected = ["Det Grønne Kraftværk", "Hasle Klimaråd", "Haarby Varme", "Klimaalliancen Aarhus",
                "Klimapartnerskab Vejle Nord", "Ærø Energi", "Øster Hurup Havn",
                "Å-projektet", "Aabenraa Havn", "Aarhus Rådhus"]
    assert [doc.entry.title for doc in project.entries] == expected
    (skive,) = render.indexes(project)["municipality"]
    assert [doc.entry.title for doc in skive.entries] == expected
