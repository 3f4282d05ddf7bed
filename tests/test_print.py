"""The print edition: page boxes, padding to a multiple of four, photo resolution, preflight."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pikepdf
import pypdf
import pytest
from click.testing import CliRunner
from PIL import Image

from catalogue.cli import main

ROOT = Path(__file__).resolve().parent.parent
MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)


def project(folder: Path, entries=("greenlab-skive", "carbon-20", "ren-energi-lolland"),
            catalogue_extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "catalogue.yaml").write_text(
        (ROOT / "catalogue.yaml").read_text("utf-8") + catalogue_extra, "utf-8")
    (folder / "entries").mkdir()
    for slug in entries:
        shutil.copy(ROOT / "entries" / f"{slug}.yaml", folder / "entries")
    return folder


def add_photo(folder: Path, slug: str, size: tuple[int, int]) -> None:
    (folder / "images").mkdir(exist_ok=True)
    Image.new("RGB", size, "#44664f").save(folder / "images" / f"{slug}.jpg")
    entry = folder / "entries" / f"{slug}.yaml"
    entry.write_text(entry.read_text("utf-8") + (
        f"image:\n  file: images/{slug}.jpg\n  alt: Testfoto\n  credit: Test\n"), "utf-8")


def file_line(folder: Path, slug: str) -> int:
    """The line of the photo's file in the entry (add_photo appends the image block)."""
    lines = (folder / "entries" / f"{slug}.yaml").read_text("utf-8").splitlines()
    return lines.index(f"  file: images/{slug}.jpg") + 1


def run(folder: Path, *args: str):
    return CliRunner().invoke(main, ["build", *args, str(folder)])


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = project(tmp_path_factory.mktemp("print") / "p")
    result = run(folder, "--strict")
    assert result.exit_code == 0, result.output
    return folder, pypdf.PdfReader(folder / "output" / "groenne-klimapartnerskaber-2026-tryk.pdf")


def test_trim_is_a4_and_bleed_is_3mm_larger(printed):
    _, reader = printed
    for page in reader.pages:
        trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
        assert float(trim.width) == pytest.approx(A4[0], abs=0.01)
        assert float(trim.height) == pytest.approx(A4[1], abs=0.01)
        assert float(bleed.left) == pytest.approx(float(trim.left) - 3 * MM, abs=0.01)
        assert float(bleed.top) == pytest.approx(float(trim.top) + 3 * MM, abs=0.01)
        assert float(bleed.width) == pytest.approx(A4[0] + 6 * MM, abs=0.01)
        assert media == bleed


def test_pages_padded_to_four_with_blanks_before_the_colophon(printed):
    folder, reader = printed
    pages = len(reader.pages)
    assert pages % 4 == 0 and reader.pages[-1].extract_text().strip()  # the colophon last
    dests = {name: reader.get_destination_page_number(d) + 1
             for name, d in reader.named_destinations.items()}
    before = [n for k, n in dests.items() if k != "kolofon" and not k.endswith("-end")]
    blanks = range(max(before) + 1, dests["kolofon"])
    assert blanks  # this catalogue needs padding: the test would not see it otherwise
    for number in blanks:
        assert reader.pages[number - 1].extract_text().strip() == "", f"page {number} not blank"
    # the back matter before the colophon has the download edition's page numbers
    download = pypdf.PdfReader(folder / "output" / "groenne-klimapartnerskaber-2026.pdf")
    numbered = {name: download.get_destination_page_number(d) + 1
                for name, d in download.named_destinations.items()}
    for section in ("oversigt", "register", "kontakt"):
        assert dests[section] == numbered[section], section
    assert dests["register"] == dests["oversigt"] + 1 and dests["oversigt"] % 2 == 0
    # spreads still start on left pages and are whole
    for name, page in dests.items():
        if name + "-end" in dests:
            assert page % 2 == 0 and dests[name + "-end"] == page + 1


def test_download_edition_has_no_bleed_and_no_fillers(printed):
    folder, _ = printed
    reader = pypdf.PdfReader(folder / "output" / "groenne-klimapartnerskaber-2026.pdf")
    page = reader.pages[0]
    assert page.mediabox == page.trimbox
    assert all(p.extract_text().strip() for p in reader.pages[1:])  # no blank page


def test_preflight_report_is_written_and_printed(printed):
    folder, _ = printed
    report = {r["edition"]: r for r in
              json.loads((folder / "output" / "preflight.json").read_text("utf-8"))}
    assert report["Trykudgave"]["bleed_mm"] == 3
    assert report["Trykudgave"]["trim_mm"] == [210, 297]
    assert report["Downloadudgave"]["tagged"] is True
    assert all(f["embedded"] and f["subset"] for f in report["Trykudgave"]["fonts"])
    result = CliRunner().invoke(main, ["preflight", str(folder)])
    assert result.exit_code == 0
    assert "210 × 297 mm" in result.output and "3 mm" in result.output


def test_crop_marks_are_an_option(tmp_path):
    folder = project(tmp_path / "p", entries=("greenlab-skive",),
                     catalogue_extra="print:\n  crop_marks: true\n  bleed_mm: 5\n")
    assert run(folder, "--edition", "print").exit_code == 0
    reader = pypdf.PdfReader(folder / "output" / "groenne-klimapartnerskaber-2026-tryk.pdf")
    page = reader.pages[1]
    assert float(page.trimbox.width) == pytest.approx(A4[0], abs=0.01)
    assert float(page.bleedbox.width) == pytest.approx(A4[0] + 10 * MM, abs=0.01)
    assert float(page.mediabox.width) == pytest.approx(A4[0] + 22 * MM, abs=0.01)  # + marks
    # The picture on a left page runs exactly into the 5 mm bleed at the top, not further.
    import pypdfium2

    scale = 4  # 288 dpi
    document = pypdfium2.PdfDocument(folder / "output" / "groenne-klimapartnerskaber-2026-tryk.pdf")
    left = reader.get_destination_page_number(reader.named_destinations["greenlab-skive"])
    image = document[left].render(scale=scale).to_pil().convert("RGB")
    x = round((11 + 100) * MM * scale)  # in from the left edge of the media box

    def colour_at(mm_above_trim: float):
        return image.getpixel((x, round((11 - mm_above_trim) * MM * scale)))

    assert colour_at(4) != (255, 255, 255)   # inside the bleed: picture
    assert colour_at(6) == (255, 255, 255)   # beyond it: paper, where the marks go


def test_a_sharp_photo_passes(tmp_path):
    folder = project(tmp_path / "p", entries=("greenlab-skive",))
    add_photo(folder, "greenlab-skive", (3600, 2400))
    result = run(folder, "--strict", "--edition", "print")
    assert result.exit_code == 0, result.output
    assert "ppi" not in result.output.split("Preflight")[0]


def test_a_photo_under_300_ppi_is_a_warning(tmp_path):
    folder = project(tmp_path / "p", entries=("greenlab-skive",))
    add_photo(folder, "greenlab-skive", (2400, 1600))
    result = run(folder, "--strict", "--edition", "print")
    assert result.exit_code == 0, result.output
    line = file_line(folder, "greenlab-skive")
    assert (f"entries/greenlab-skive.yaml:{line}: advarsel: image.file: "
            "'images/greenlab-skive.jpg' trykkes med 286 ppi; tryk kræver 300 ppi: brug en "
            "større original") in result.output


def test_a_photo_under_150_ppi_fails_strict(tmp_path):
    folder = project(tmp_path / "p", entries=("greenlab-skive",))
    add_photo(folder, "greenlab-skive", (1000, 700))
    result = run(folder, "--strict", "--edition", "print")
    assert result.exit_code == 1
    assert (f"entries/greenlab-skive.yaml:{file_line(folder, 'greenlab-skive')}: image.file: "
            "'images/greenlab-skive.jpg' trykkes med 119 ppi; tryk kræver 300 ppi (under 150 "
            "ser det sløret ud): brug en større original") in result.output
    assert not (folder / "output" / "groenne-klimapartnerskaber-2026-tryk.pdf").exists()


@pytest.mark.slow
def test_make_booklets_from_the_print_edition(tmp_path):
    from test_impose import SHEET_SIZES, halves

    folder = project(tmp_path / "p")
    result = run(folder, "--strict", "--edition", "print", "--booklet")
    assert result.exit_code == 0, result.output
    assert "vend på den korte kant" in result.output
    printed = pypdf.PdfReader(folder / "output" / "groenne-klimapartnerskaber-2026-tryk.pdf")
    for sheet, name in (("a3", "haefte-a4-paa-a3"), ("a4", "haefte-a5-paa-a4")):
        path = folder / "output" / f"groenne-klimapartnerskaber-2026-{name}.pdf"
        booklet = pypdf.PdfReader(path)
        assert len(booklet.pages) == len(printed.pages) // 2  # two pages per side
        width, height = SHEET_SIZES[sheet]
        assert float(booklet.pages[0].mediabox.width) == pytest.approx(width, abs=0.1)
        assert float(booklet.pages[0].mediabox.height) == pytest.approx(height, abs=0.1)
        left, right = halves(path)[0]  # the outside of the cover sheet
        assert "Kolofon" in left and "Grønne" in right
        # A reader who opens the booklet sees its title, and hears it in Danish.
        assert booklet.metadata.title == printed.metadata.title
        assert booklet.metadata.title.startswith("Grønne klimapartnerskaber")
        assert booklet.trailer["/Root"]["/Lang"] == "da"
        assert booklet.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712


CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")  # make installs it


def pdfx_project(folder: Path) -> Path:
    folder = project(folder, entries=("greenlab-skive",),
                     catalogue_extra="print:\n  icc_profile: profiles/trykkeri.icc\n")
    (folder / "profiles").mkdir()
    shutil.copy(CMYK_PROFILE, folder / "profiles" / "trykkeri.icc")
    return folder


@pytest.mark.slow
def test_pdfx4_with_the_print_shops_profile(tmp_path):
    folder = pdfx_project(tmp_path / "p")
    result = run(folder, "--strict", "--edition", "print")
    assert result.exit_code == 0, result.output
    path = folder / "output" / "groenne-klimapartnerskaber-2026-tryk.pdf"
    reader = pypdf.PdfReader(path)
    (intent,) = reader.trailer["/Root"]["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFX"
    assert intent["/DestOutputProfile"].get_object().get_data() == CMYK_PROFILE.read_bytes()
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "PDF/X-4" in xmp
    # Body text is pure K: the content stream paints text in DeviceCMYK 0 0 0 1.
    spread = reader.pages[reader.get_destination_page_number(
        reader.named_destinations["greenlab-skive"]) + 1]
    assert b"0 0 0 1 scn" in spread.get_contents().get_data()
    assert "PDF/X-4" in result.output  # the preflight says so
    # The profile is in the file once, although every part of the catalogue names it.
    with pikepdf.open(path) as pdf:
        copies = [o for o in pdf.objects if isinstance(o, pikepdf.Stream)
                  and o.read_bytes() == CMYK_PROFILE.read_bytes()]
    assert len(copies) == 1
    # and it is still reproducible from nothing (WeasyPrint's random XMP DocumentID is
    # made stable)
    first = path.read_bytes()
    shutil.rmtree(folder / ".cache")
    assert run(folder, "--strict", "--edition", "print").exit_code == 0
    assert path.read_bytes() == first


def test_without_a_profile_nothing_claims_pdfx(printed):
    _, reader = printed
    assert "/OutputIntents" not in reader.trailer["/Root"]
    assert "/Metadata" not in reader.trailer["/Root"] or "PDF/X" not in \
        reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def test_a_missing_profile_is_a_validation_error(tmp_path):
    folder = pdfx_project(tmp_path / "p")
    (folder / "profiles" / "trykkeri.icc").unlink()
    result = run(folder, "--strict")
    assert result.exit_code == 1
    line = len((ROOT / "catalogue.yaml").read_text("utf-8").splitlines()) + 2
    assert (f"catalogue.yaml:{line}: print.icc_profile: 'profiles/trykkeri.icc' er ikke en "
            "ICC-profil i projektmappen") in result.output


def test_each_printed_spread_has_a_qr_code_that_decodes_to_its_address(printed):
    import pypdfium2
    import zxingcpp

    from catalogue.read.load import load_project

    folder, reader = printed
    document = pypdfium2.PdfDocument(folder / "output" / "groenne-klimapartnerskaber-2026-tryk.pdf")
    for doc in load_project(folder).entries:
        right = reader.get_destination_page_number(reader.named_destinations[doc.slug]) + 1
        image = document[right].render(scale=300 / 72).to_pil()
        decoded = [r.text for r in zxingcpp.read_barcodes(image)]
        assert decoded == [doc.web_address], doc.slug
        assert "Scan koden, eller gå til" in reader.pages[right].extract_text()


def test_the_download_edition_has_links_instead_of_qr_codes(printed):
    folder, _ = printed
    download = pypdf.PdfReader(folder / "output" / "groenne-klimapartnerskaber-2026.pdf")
    assert not any("Scan koden" in page.extract_text() for page in download.pages)
