"""Booklet imposition: the page order as tables and properties, the sheets as a printer sees them."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pypdfium2
import pytest
import weasyprint
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pypdf.generic import (ArrayObject, DictionaryObject, NameObject, RectangleObject,
                           TextStringObject)

from catalogue.join import impose as impose_module
from catalogue.errors import BuildFailed
from catalogue.join.impose import booklet_order, impose, padded_sequence

MM = 72 / 25.4
SHEET_SIZES = {"a3": (420 * MM, 297 * MM), "a4": (297 * MM, 210 * MM)}  # landscape, points

# ---------- The page order ----------

ORDERS = {
    4: [(4, 1), (2, 3)],
    8: [(8, 1), (2, 7), (6, 3), (4, 5)],
    12: [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)],
}


@pytest.mark.parametrize("pages", sorted(ORDERS))
def test_whole_booklets_need_no_blanks(pages):
    assert booklet_order(pages) == ORDERS[pages]


@pytest.mark.parametrize("pages, before, expected", [
    # Two blanks go before the last page: the back cover stays last.
    (6, None, [(6, 1), (2, None), (None, 3), (4, 5)]),
    # Two blanks before page 5, the first page of the back matter.
    (6, 5, [(6, 1), (2, 5), (None, 3), (4, None)]),
    # A single page stays the front cover; the rest of the sheet is blank.
    (1, None, [(None, 1), (None, None)]),
    (30, 27, [(30, 1), (2, 29), (28, 3), (4, 27), (None, 5), (6, None), (26, 7), (8, 25),
              (24, 9), (10, 23), (22, 11), (12, 21), (20, 13), (14, 19), (18, 15), (16, 17)]),
])
def test_short_booklets_are_padded_with_blanks_where_asked(pages, before, expected):
    assert booklet_order(pages, before) == expected


@pytest.mark.parametrize("pages, before", [(0, None), (-4, None), (8, 1), (8, 10), (1, 1)])
def test_impossible_orders_are_refused(pages, before):
    with pytest.raises(ValueError):
        booklet_order(pages, before)


def fold(sides):
    """Stack the printed sheets (sheet 1 outermost), fold them and read the pages in order."""
    sheets = [sides[i:i + 2] for i in range(0, len(sides), 2)]
    # Each folded sheet holds front-right, back-left in the first half of the booklet and
    # back-right, front-left in the second half; outer sheets wrap the inner ones.
    first = [page for front, back in sheets for page in (front[1], back[0])]
    second = [page for front, back in reversed(sheets) for page in (back[1], front[0])]
    return first + second


@st.composite
def page_counts(draw):
    pages = draw(st.integers(1, 400))
    return pages, draw(st.none() | st.integers(2, pages + 1))


@given(page_counts())
def test_folded_booklet_reads_in_order_with_every_page_once(case):
    pages, before = case
    sides = booklet_order(pages, before)
    sheets = -(-pages // 4)
    assert len(sides) == 2 * sheets
    printed = [page for side in sides for page in side if page is not None]
    assert sorted(printed) == list(range(1, pages + 1))
    # Built independently of padded_sequence: the blanks sit right before `before`.
    at = (max(pages, 2) if before is None else before) - 1
    numbers = list(range(1, pages + 1))
    expected = numbers[:at] + [None] * (4 * sheets - pages) + numbers[at:]
    assert fold(sides) == expected == padded_sequence(pages, before)


# ---------- The imposed PDF ----------


def make_source(path: Path, pages: int, page_css: str = "", extra: str = "") -> Path:
    """A WeasyPrint A4 document with one big 'SIDE n' marker per page (extra HTML on page 1)."""
    body = "".join(f"<section><p>SIDE {n}</p>{extra if n == 1 else ''}</section>"
                   for n in range(1, pages + 1))
    css = ("@page { size: A4; margin: 20mm } section { break-after: page } "
           "p { font: bold 40pt sans-serif; text-align: center; margin-top: 100mm } " + page_css)
    weasyprint.HTML(string=f"<style>{css}</style>{body}").write_pdf(path)
    return path


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sources")
    # Even (left) pages red, odd (right) pages blue, so a missing clip shows at the spine.
    colours = "@page { bleed: 3mm } @page :left { background: #f00 } " \
              "@page :right { background: #00f }"
    # Noise does not compress: a copy of this photo per placed page would show in the size.
    photo = folder / "noise.png"
    Image.effect_noise((300, 300), 120).save(photo)
    return {"eight": make_source(folder / "eight.pdf", 8),
            "photo": make_source(folder / "photo.pdf", 8, extra=f'<img src="{photo.as_uri()}">'),
            "six": make_source(folder / "six.pdf", 6),
            "bleed": make_source(folder / "bleed.pdf", 8, colours)}


def halves(path: Path) -> list[tuple[str, str]]:
    """The text a reader sees on the left and right half of every sheet side."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        result = []
        for page in document:
            width, _ = page.get_size()
            text = page.get_textpage()
            result.append((" ".join(text.get_text_bounded(right=width / 2).split()),
                           " ".join(text.get_text_bounded(left=width / 2).split())))
        return result
    finally:
        document.close()


def forms(reader: pypdf.PdfReader) -> list:
    """Every Form XObject placed on any sheet side."""
    return [page["/Resources"]["/XObject"][name].get_object()
            for page in reader.pages for name in page["/Resources"]["/XObject"]]


@pytest.mark.parametrize("sheet", ["a3", "a4"])
def test_eight_pages_make_two_sheets_with_the_pages_where_the_fold_needs_them(
        sources, tmp_path, sheet):
    result = impose(sources["eight"], tmp_path / "booklet.pdf", sheet)
    assert (result.sheets, result.sides, result.padded_pages) == (2, 4, 8)
    assert result.target == tmp_path / "booklet.pdf"
    assert "flip on short edge" in result.hint
    reader = pypdf.PdfReader(result.target)
    assert len(reader.pages) == 4
    for page in reader.pages:
        assert [float(v) for v in page.mediabox] == pytest.approx(
            [0, 0, *SHEET_SIZES[sheet]], abs=0.01)
    assert halves(result.target) == [("SIDE 8", "SIDE 1"), ("SIDE 2", "SIDE 7"),
                                     ("SIDE 6", "SIDE 3"), ("SIDE 4", "SIDE 5")]


def test_pypdf_text_extraction_follows_the_placed_forms(sources, tmp_path):
    # pypdf reads text inside Form XObjects, but hands visitor_text the form's own matrix,
    # not the placement on the sheet; positions are therefore checked with pdfium above.
    result = impose(sources["eight"], tmp_path / "booklet.pdf", "a3")
    first = pypdf.PdfReader(result.target).pages[0].extract_text()
    assert "SIDE 8" in first and "SIDE 1" in first and "SIDE 2" not in first


def test_every_form_shares_one_copy_of_the_source_resources(sources, tmp_path):
    result = impose(sources["photo"], tmp_path / "booklet.pdf", "a3")
    placed = forms(pypdf.PdfReader(result.target))
    assert len(placed) == 8
    assert len({form.raw_get("/Resources").idnum for form in placed}) == 1
    # WeasyPrint lists the photo in the resources of every page; copied per page, the
    # booklet would be about 8 times the source.
    assert result.target.stat().st_size < 1.5 * sources["photo"].stat().st_size


@pytest.mark.parametrize("sheet", ["a3", "a4"])
def test_bleed_is_clipped_at_the_trim_and_the_sheet_keeps_its_size(sources, tmp_path, sheet):
    source = pypdf.PdfReader(sources["bleed"])
    trim = [float(v) for v in source.pages[0].trimbox]
    assert [float(v) for v in source.pages[0].mediabox] != trim  # the fixture has bleed
    result = impose(sources["bleed"], tmp_path / "booklet.pdf", sheet)
    reader = pypdf.PdfReader(result.target)
    assert [float(v) for v in reader.pages[0].mediabox] == pytest.approx(
        [0, 0, *SHEET_SIZES[sheet]], abs=0.01)
    for form in forms(reader):
        assert [float(v) for v in form["/BBox"]] == pytest.approx(trim)
    assert halves(result.target)[0] == ("SIDE 8", "SIDE 1")
    assert edge_colours(result.target) == EDGES


# Side 1 is page 8 (red) | page 1 (blue): each page's 3 mm bleed must stop at the spine, and
# the pages must reach the sheet's outer corners.
EDGES = {"left of spine": (255, 0, 0), "right of spine": (0, 0, 255),
         "top left": (255, 0, 0), "bottom right": (0, 0, 255)}


def edge_colours(path: Path) -> dict[str, tuple[int, int, int]]:
    """The colours a printer lays down on side 1 just beside the spine and in two corners."""
    document = pypdfium2.PdfDocument(str(path))
    image = document[0].render(scale=1).to_pil().convert("RGB")
    document.close()
    spine, middle = image.width // 2, image.height // 2
    points = {"left of spine": (spine - 3, middle), "right of spine": (spine + 3, middle),
              "top left": (2, 2), "bottom right": (image.width - 3, image.height - 3)}
    return {name: image.getpixel(point) for name, point in points.items()}


def test_pages_whose_trim_box_is_not_at_the_origin_land_in_the_same_place(sources, tmp_path):
    # WeasyPrint puts the trim box at 0,0; other tools do not. Move everything by (100, 50).
    writer = pypdf.PdfWriter(clone_from=sources["bleed"])
    for page in writer.pages:
        page.add_transformation(pypdf.Transformation().translate(100, 50))
        for box in ("mediabox", "bleedbox", "trimbox"):
            x0, y0, x1, y1 = (float(v) for v in getattr(page, box))
            setattr(page, box, RectangleObject([x0 + 100, y0 + 50, x1 + 100, y1 + 50]))
    shifted = tmp_path / "shifted.pdf"
    writer.write(shifted)
    result = impose(shifted, tmp_path / "booklet.pdf", "a3")
    assert halves(result.target)[:2] == [("SIDE 8", "SIDE 1"), ("SIDE 2", "SIDE 7")]
    assert edge_colours(result.target) == EDGES


def test_six_pages_get_blanks_before_the_back_matter(sources, tmp_path):
    result = impose(sources["six"], tmp_path / "booklet.pdf", "a4", insert_blanks_before=5)
    assert (result.sheets, result.sides, result.padded_pages) == (2, 4, 8)
    # Pages 5 and 6 take the places of pages 7 and 8; the padded pages 5 and 6 stay empty.
    assert halves(result.target) == [("SIDE 6", "SIDE 1"), ("SIDE 2", "SIDE 5"),
                                     ("", "SIDE 3"), ("SIDE 4", "")]
    document = pypdfium2.PdfDocument(str(result.target))
    third, fourth = (document[i].render(scale=0.5).to_pil().convert("L") for i in (2, 3))
    document.close()
    assert third.crop((0, 0, third.width // 2 - 2, third.height)).getextrema() == (255, 255)
    assert fourth.crop((fourth.width // 2 + 2, 0, fourth.width, fourth.height)
                       ).getextrema() == (255, 255)


def test_the_title_and_a_pdfx_output_intent_are_kept(sources, tmp_path):
    writer = pypdf.PdfWriter(clone_from=sources["eight"])
    writer.add_metadata({"/Title": "Grønne klimapartnerskaber"})
    intent = DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"),
        NameObject("/S"): NameObject("/GTS_PDFX"),
        NameObject("/OutputConditionIdentifier"): TextStringObject("FOGRA39")})
    writer.root_object[NameObject("/OutputIntents")] = ArrayObject([intent])
    pdfx = tmp_path / "pdfx.pdf"
    writer.write(pdfx)
    reader = pypdf.PdfReader(impose(pdfx, tmp_path / "booklet.pdf", "a3").target)
    assert reader.metadata.title == "Grønne klimapartnerskaber"
    (kept,) = reader.root_object["/OutputIntents"]
    assert kept.get_object()["/OutputConditionIdentifier"] == "FOGRA39"


def test_a_failed_write_keeps_the_previous_booklet_and_leaves_no_temporary_file(
        sources, tmp_path, monkeypatch):
    target = tmp_path / "booklet.pdf"
    target.write_bytes(b"previous booklet")

    def broken_write(self, stream):
        Path(stream).write_bytes(b"half a PDF")
        raise OSError("disk full")

    monkeypatch.setattr(impose_module.PdfWriter, "write", broken_write)
    with pytest.raises(OSError):
        impose(sources["eight"], target, "a3")
    assert target.read_bytes() == b"previous booklet"
    assert [p.name for p in tmp_path.iterdir()] == ["booklet.pdf"]


def test_unknown_sheets_and_pages_too_big_for_the_sheet_are_refused(tmp_path):
    a3_pages = make_source(tmp_path / "a3.pdf", 2, "@page { size: A3 }")
    with pytest.raises(ValueError, match="a3, a4"):
        impose(a3_pages, tmp_path / "booklet.pdf", "letter")
    with pytest.raises(BuildFailed, match="er for stor til dette ark"):
        impose(a3_pages, tmp_path / "booklet.pdf", "a4")
    assert not (tmp_path / "booklet.pdf").exists()
