"""The download edition: small, byte-for-byte reproducible, dated by the edition."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdf
import pytest

from synthetic import synthetic_photo  # the benchmark's photos: 2400 x 1600
from catalogue.build import build

ROOT = Path(__file__).resolve().parent.parent
KB = 1024


SMALL = ("greenlab-skive", "carbon-20")


def project_copy(folder: Path, photos: bool = False, only: tuple[str, ...] = ()) -> Path:
    """A copy of the sample project (or of some of its entries) in folder."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "catalogue.yaml", folder)
    shutil.copytree(ROOT / "entries", folder / "entries")
    for entry in (folder / "entries").glob("*.yaml"):
        if only and entry.stem not in only:
            entry.unlink()
    if photos:
        (folder / "images").mkdir()
        for seed, entry in enumerate(sorted((folder / "entries").glob("*.yaml"))):
            synthetic_photo(folder / "images" / f"{entry.stem}.jpg", seed)
            entry.write_text(entry.read_text("utf-8") + (
                f"image:\n  file: images/{entry.stem}.jpg\n  alt: Testfoto {seed}\n"
                "  credit: Testfotograf\n"), "utf-8")
    return folder


def built_pdf(project: Path, output: Path) -> Path:
    (written,) = build(project, say=lambda m: None, output=output, only={"download"}).written
    return written.path


def test_two_builds_give_the_same_bytes(tmp_path):
    project = project_copy(tmp_path / "p", only=SMALL)
    first = built_pdf(project, tmp_path / "a").read_bytes()
    second = built_pdf(project, tmp_path / "b").read_bytes()
    assert first == second


@pytest.mark.slow
def test_a_changed_entry_changes_the_pdf(tmp_path):
    project = project_copy(tmp_path / "p", only=SMALL)
    before = built_pdf(project, tmp_path / "a").read_bytes()
    entry = project / "entries" / "greenlab-skive.yaml"
    entry.write_text(entry.read_text("utf-8").replace("title: GreenLab Skive",
                                                       "title: GreenLab Skive Energipark"),
                     "utf-8")
    after = built_pdf(project, tmp_path / "b").read_bytes()
    assert before != after
    assert "GreenLab Skive Energipark" in "".join(
        p.extract_text() for p in pypdf.PdfReader(tmp_path / "b" / "groenne-klimapartnerskaber-2026.pdf").pages)


@pytest.mark.slow
def test_dates_come_from_the_edition_or_source_date_epoch(tmp_path, monkeypatch):
    project = project_copy(tmp_path / "p", only=SMALL)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    meta = pypdf.PdfReader(built_pdf(project, tmp_path / "a")).metadata
    assert meta["/CreationDate"] == "D:20261126000000Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 14 November 2023, 22:13:20
    meta = pypdf.PdfReader(built_pdf(project, tmp_path / "b")).metadata
    assert meta["/CreationDate"] == "D:20231114221320Z"


@pytest.mark.slow
def test_sample_catalogue_is_small(tmp_path):
    path = built_pdf(project_copy(tmp_path / "p"), tmp_path / "out")
    assert path.stat().st_size < 2 * 1024 * KB


@pytest.fixture(scope="module")
def with_photos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("photos")
    project = project_copy(folder / "p", photos=True)
    path = built_pdf(project, folder / "out")
    return project, path


@pytest.mark.slow
def test_photos_are_downsampled_and_the_spread_budget_holds(with_photos):
    project, path = with_photos
    reader = pypdf.PdfReader(path)
    images = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/XObject", {}).values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                images[ref.idnum] = obj
    spreads = len(list((project / "entries").glob("*.yaml")))
    assert len(images) == spreads  # one stream per photo, no duplicates
    for image in images.values():
        # Placed at 213 mm wide (with bleed): about 170 ppi is about 1430 pixels.
        assert 1200 <= image["/Width"] <= 1500
    assert path.stat().st_size / spreads < 150 * KB


@pytest.mark.slow
def test_every_edition_and_booklet_is_reproducible(tmp_path):
    project = project_copy(tmp_path / "p", only=SMALL)
    outputs = []
    for name in ("a", "b"):
        result = build(project, say=lambda m: None, output=tmp_path / name, booklet=True)
        outputs.append({item.path.name: item.path.read_bytes() for item in result.written})
    assert len(outputs[0]) == 4
    assert outputs[0] == outputs[1]


def test_register_and_overview_references_are_links(tmp_path):
    path = built_pdf(project_copy(tmp_path / "p", only=SMALL), tmp_path / "out")
    reader = pypdf.PdfReader(path)
    for anchor in ("oversigt", "register"):
        page = reader.pages[reader.get_destination_page_number(
            reader.named_destinations[anchor])]
        targets = {str(a.get_object().get("/Dest")) for a in page["/Annots"]}
        assert {"greenlab-skive", "carbon-20"} <= targets, anchor


def test_external_links_are_clickable(tmp_path):
    path = built_pdf(project_copy(tmp_path / "p", only=SMALL), tmp_path / "out")
    uris = set()
    for page in pypdf.PdfReader(path).pages:
        for annotation in page.get("/Annots", []):
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                uris.add(str(action["/URI"]))
    assert "https://www.greenlab.dk/knowledge/this-is-how-to-turn-9-million-into-1-billion/" in uris \
        or any(u.startswith("https://www.greenlab.dk") for u in uris)
    assert any("gate21.dk" in u for u in uris)  # sources and contact addresses of Carbon 20
