"""Saddle-stitch booklets: the page order (pure) and the pypdf step that puts pages on sheets.

A booklet is a stack of sheets printed two-up on both sides, folded once and stapled in the
fold. `booklet_order` says which page goes where; `impose` writes the sheets as a PDF.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    RectangleObject,
)

from ..errors import BuildFailed
from ..files import atomic_target
from ..i18n import N_, _

MM = 72 / 25.4
DUPLEX_HINT = N_("Print double-sided, flip on short edge, then fold and staple")  # shown: _()

Side = tuple[int | None, int | None]


@dataclass(frozen=True)
class Sheet:
    """A sheet layout: the paper (landscape, in points) and the scale applied to each page."""

    width: float
    height: float
    scale: float


SHEETS = {
    # Print shop: A4 pages at full size, two-up on A3.
    "a3": Sheet(420 * MM, 297 * MM, 1.0),
    # Office printer: the A4 pages shrunk to A5 (1/sqrt 2 keeps the proportions), two-up on A4.
    "a4": Sheet(297 * MM, 210 * MM, 1 / math.sqrt(2)),
}


@dataclass(frozen=True)
class ImposeResult:
    """What `impose` wrote, and how to print it."""

    target: Path
    sheets: int
    sides: int
    padded_pages: int
    hint: str = DUPLEX_HINT


def padded_sequence(page_count: int, insert_blanks_before: int | None = None
                    ) -> list[int | None]:
    """The booklet's pages in reading order, padded to a multiple of 4 (None = blank page).

    The 0-3 blanks go just before page `insert_blanks_before` (pass the first page of the
    back matter, so no blank lands inside a two-page spread), or, when None, before the last
    page, so the back cover stays last. A single page stays the front cover: its blanks
    follow it. Raises ValueError for page_count < 1 or an insertion point outside
    2..page_count + 1 (blanks before page 1 would push the front cover inside).
    """
    if page_count < 1:
        raise ValueError(f"a booklet needs at least one page, not {page_count}")
    before = max(page_count, 2) if insert_blanks_before is None else insert_blanks_before
    if not 2 <= before <= page_count + 1:
        raise ValueError(f"insert_blanks_before must be 2..{page_count + 1}, not {before}")
    blanks = -page_count % 4
    pages: list[int | None] = list(range(1, page_count + 1))
    return pages[:before - 1] + [None] * blanks + pages[before - 1:]


def booklet_order(page_count: int, insert_blanks_before: int | None = None) -> list[Side]:
    """The (left, right) page numbers of every sheet side in printing order; None = blank.

    Sides come as front of sheet 1, back of sheet 1, front of sheet 2, ...; sheet 1 is the
    outermost. For n pages (a multiple of 4) sheet i (from 0) has front (n - 2i, 1 + 2i) and
    back (2 + 2i, n - 1 - 2i). Other page counts are padded first; see `padded_sequence`.
    """
    pages = padded_sequence(page_count, insert_blanks_before)
    n = len(pages)
    sides: list[Side] = []
    for i in range(n // 4):
        # pages[] is 0-based: pages[n - 1 - 2i] is padded page n - 2i.
        sides.append((pages[n - 1 - 2 * i], pages[2 * i]))
        sides.append((pages[1 + 2 * i], pages[n - 2 - 2 * i]))
    return sides


def impose(source: Path, target: Path, sheet: str = "a3",
           insert_blanks_before: int | None = None) -> ImposeResult:
    """Write source's pages as a booklet on two-up sheets; target is replaced only when whole.

    sheet "a3": A4 pages at full size on A3 (print shop); "a4": shrunk to A5 on A4 (office
    printer). Each page is clipped to its trim box, so bleed is dropped. The sheet sides come
    in printing order, one per PDF page: print double-sided, flip on short edge.
    """
    if sheet not in SHEETS:
        raise ValueError(f"unknown sheet {sheet!r}; choose one of {', '.join(SHEETS)}")
    layout = SHEETS[sheet]
    reader = PdfReader(source)
    order = booklet_order(len(reader.pages), insert_blanks_before)
    writer = PdfWriter()
    forms = [_form(writer, page, number) for number, page in enumerate(reader.pages, 1)]
    for left, right in order:
        _add_side(writer, layout, [(forms[left - 1] if left else None, False),
                                   (forms[right - 1] if right else None, True)])
    _keep_document_settings(reader, writer)
    with atomic_target(target) as temp:
        writer.write(temp)
    return ImposeResult(target, len(order) // 2, len(order), 2 * len(order))


def _keep_document_settings(reader: PdfReader, writer: PdfWriter) -> None:
    """Carry over the title (shown in the title bar and the print queue), the language and a
    PDF/X source's output intent. Not the XMP metadata: a PDF/X source's claims PDF/X, which
    sheets without trim boxes are not."""
    if reader.metadata:
        writer.add_metadata(reader.metadata)
        if reader.metadata.title:
            writer.root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
                {NameObject("/DisplayDocTitle"): BooleanObject(True)})
    if "/Lang" in reader.root_object:
        writer.root_object[NameObject("/Lang")] = reader.root_object["/Lang"].clone(writer)
    intents = reader.root_object.get("/OutputIntents")
    if intents is not None:
        # The press's colour profile: the sheets must be separated with the same one.
        writer.root_object[NameObject("/OutputIntents")] = intents.clone(writer)


@dataclass(frozen=True)
class _Form:
    name: str
    ref: IndirectObject
    box: RectangleObject


def _form(writer: PdfWriter, page: PageObject, number: int) -> _Form:
    """One source page as a Form XObject clipped to its trim box."""
    if page.rotation % 360:
        raise BuildFailed(_("page {number} is rotated; a booklet needs upright pages").format(
            number=number))
    # pypdf's trimbox falls back to CropBox, then MediaBox, as the PDF spec says.
    box = RectangleObject(page.trimbox)
    form = DecodedStreamObject()
    form.set_data(_content(page))
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in box),
        # WeasyPrint shares one /Resources object between all pages; clone() translates it
        # once per writer, so every form points at the same copy instead of 200 copies.
        NameObject("/Resources"): _resources(writer, page),
    })
    if "/Group" in page:
        form[NameObject("/Group")] = page["/Group"].clone(writer)
    return _Form(f"/P{number}", writer._add_object(form.flate_encode()), box)


def _resources(writer: PdfWriter, page: PageObject):
    raw = page.raw_get("/Resources") if "/Resources" in page else DictionaryObject()
    return raw.clone(writer)


def _content(page: PageObject) -> bytes:
    """The page's content streams, decoded and joined (a page may split them up)."""
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    return b"\n".join(stream.get_object().get_data() for stream in streams)


def _add_side(writer: PdfWriter, layout: Sheet, slots: list[tuple[_Form | None, bool]]) -> None:
    """One sheet side: the left and right pages meet at the fold; blank slots draw nothing."""
    side = writer.add_blank_page(layout.width, layout.height)
    side.trimbox = side.mediabox  # the sheet is the finished size; PDF/X asks for a TrimBox
    placed = [(form, right) for form, right in slots if form is not None]
    side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject(form.name): form.ref for form, _ in placed})})
    stream = DecodedStreamObject()
    stream.set_data("".join(_placement(layout, form, right) for form, right in placed).encode())
    side[NameObject("/Contents")] = writer._add_object(stream)


def _placement(layout: Sheet, form: _Form, right: bool) -> str:
    """The operators that draw one page in its half: trim corner to slot origin, then scale."""
    s = layout.scale
    x0, y0, x1, y1 = (float(v) for v in form.box)
    width, height = (x1 - x0) * s, (y1 - y0) * s
    if width > layout.width / 2 + 1 or height > layout.height + 1:
        raise BuildFailed(_("page {number} ({width} x {height} mm) is too big for this sheet")
                          .format(number=form.name[2:], width=f"{(x1 - x0) / MM:.0f}",
                                  height=f"{(y1 - y0) / MM:.0f}"))
    # The spine is the sheet's middle: the left page ends there, the right page starts there.
    x = layout.width / 2 if right else layout.width / 2 - width
    y = (layout.height - height) / 2
    return f"q {s:.6f} 0 0 {s:.6f} {x - s * x0:.4f} {y - s * y0:.4f} cm {form.name} Do Q\n"
