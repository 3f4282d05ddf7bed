"""Join the parts' PDFs (parts.py) into one edition: pages, tags, links, bookmarks, boxes.

WeasyPrint writes every part as a complete PDF. Joining them is more than appending pages,
because the reader must not be able to tell: the result has one structure tree (PDF/UA
tags) in page order with one parent tree, the named destinations of every part so that
links between parts (contents -> spread, register -> spread) land, one outline built from
the parts' bookmarks with their true levels, the catalog's metadata (language, XMP,
output intent) of the first part, one font subset per typeface (subsets.py) and one copy of
the print shop's ICC profile; the PDF/UA edition is made PDF/A-2a as well (archival.py).
qpdf (pikepdf) does the copying: fast, and the same input gives the same bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import uuid
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf
from pikepdf import Array, Dictionary, Name

from . import archival, subsets, tags

if TYPE_CHECKING:
    from ..layout.worker import Piece

# What the first part's catalog carries for the whole document.
CATALOG_KEYS = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata", "/OutputIntents")
_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-fA-F-]{36}")


class Joiner:
    """One edition joined piece by piece in page order (the build adds each part as soon
    as it and the parts before it are laid out), then written."""

    def __init__(self):
        self.files = contextlib.ExitStack()  # qpdf reads the parts until the file is written
        self.out = pikepdf.Pdf.new()
        self.pieces: list[Piece | None] = []  # what was added, in order
        self.first = None  # the first part: its catalog is the document's
        self.kids: list = []  # the parts' top-level structure elements, in page order
        self.page_keys: list[tuple[int, object]] = []  # parent tree: page -> marked content
        self.annotation_keys: list[tuple[object, object]] = []  # (annotation, element)
        self.destinations: dict[str, object] = {}
        self.outline: list[tuple] = []

    def __enter__(self) -> Joiner:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Let go of the parts' files (after write, or instead of it)."""
        self.files.close()

    def add(self, piece: Piece | None) -> None:
        """The piece's pages after those added before; None: a blank page."""
        self.pieces.append(piece)
        out = self.out
        if piece is None:
            _blank_page(out)
            return
        pdf = self.files.enter_context(pikepdf.open(piece.pdf))
        if self.first is None:
            self.first = pdf
        tags.mend(pdf)
        offset = len(out.pages)
        with warnings.catch_warnings():  # named destinations: joined below, on purpose
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            out.pages.extend(pdf.pages)
        if "/StructTreeRoot" in self.first.Root:
            _join_structure(out, pdf, offset, self.kids, self.page_keys, self.annotation_keys)
        names = pdf.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
        for name, destination in zip(names[::2], names[1::2]):
            if str(name) in piece.anchors:
                self.destinations[str(name)] = _copy(out, destination)
        self.outline += [(level, label, offset + page, x, y, closed)
                         for level, label, page, x, y, closed in piece.bookmarks]

    def write(self, target: Path, bleed_mm: float | None = None, fonts: list[Path] = (),
              root: Path | None = None) -> int:
        """The pieces added, written to target; returns the number of pages.

        bleed_mm, when given, sets every page's BleedBox to the TrimBox plus that much on
        each side (WeasyPrint caps it; see editions.py). The parts' subsets of the given font
        files become one subset each (subsets.py; cached in root).
        """
        out, first = self.out, self.first
        if "/StructTreeRoot" in first.Root:
            _structure_root(out, self.kids, self.page_keys, self.annotation_keys,
                            len(out.pages))
        if self.destinations:
            flat = [item for name in sorted(self.destinations)
                    for item in (pikepdf.String(name), self.destinations[name])]
            out.Root.Names = Dictionary(Dests=Dictionary(Names=Array(flat)))
        _outline(out, self.outline)
        for key in CATALOG_KEYS:
            if key in first.Root:
                out.Root[key] = _copy(out, first.Root[key])
        out.docinfo = _copy(out, first.trailer.Info)
        if "/Title" in out.docinfo:  # the title bar shows the title, not the file's name
            out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        if "/Metadata" in out.Root:
            _stable_document_id(out.Root.Metadata, [p and p.pdf.name for p in self.pieces])
        if bleed_mm is not None:
            _set_bleed_box(out, bleed_mm)
        if fonts and root is not None:
            subsets.merge(out, list(fonts), root)
        _share_profiles(out)
        if archival.is_accessible(out):  # the download edition: PDF/A-2a too
            archival.conform(out)
        with open(target, "wb") as stream:  # a path would leave pikepdf's own partial
            out.save(stream, deterministic_id=True, compress_streams=True,  # file on a
                     object_stream_mode=pikepdf.ObjectStreamMode.generate,  # full disk
                     min_version=first.pdf_version)
        return len(out.pages)


def dangling_links(path: Path) -> list[str]:
    """Internal links in a joined PDF whose destination no part defines."""
    with pikepdf.open(path) as pdf:
        names = pdf.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
        known = {str(name) for name in names[::2]}
        return sorted({str(annotation.Dest) for page in pdf.pages
                       for annotation in page.get("/Annots", [])
                       if "/Dest" in annotation and str(annotation.Dest) not in known})


def _copy(out, obj):
    """obj from another PDF into out: indirect objects once each (qpdf remembers what it
    copied, so a page and the tags pointing at it stay one object), direct ones by value."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return out.copy_foreign(obj)
    if isinstance(obj, Array):
        return Array([_copy(out, item) for item in obj])
    if isinstance(obj, Dictionary):
        return Dictionary({key: _copy(out, value) for key, value in obj.items()})
    return obj


def _join_structure(out, pdf, offset, kids, page_keys, annotation_keys) -> None:
    """Move a part's tagged content under the joined document's one Document element."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    own_document = root.K[0] if isinstance(root.K, Array) else root.K
    copied = _copy(out, own_document)
    kids.extend(copied.K)
    pages = len(pdf.pages)
    by_key: dict[int, object] = {}
    nums = root.ParentTree.Nums
    for key, value in zip(nums[::2], nums[1::2]):
        by_key[int(key)] = value
    for number in range(pages):
        page = out.pages[offset + number].obj
        old = page.get("/StructParents")
        if old is None:
            continue
        page.StructParents = offset + number
        page_keys.append((offset + number, _copy(out, by_key[int(old)])))
        for annotation in page.get("/Annots", []):
            if "/StructParent" in annotation:
                element = _copy(out, by_key[int(annotation.StructParent)])
                annotation_keys.append((annotation, element))


def _structure_root(out, kids, page_keys, annotation_keys, pages: int) -> None:
    """The joined structure tree: one Document element over the parts' elements; in the
    parent tree pages keep their index as key, annotations follow."""
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document,
                                            K=Array(kids)))
    for kid in kids:
        if isinstance(kid, Dictionary):
            kid.P = document
    nums = []  # built as a list: growing a pikepdf Array item by item is quadratic
    for key, value in page_keys:
        nums += [key, value]
    for key, (annotation, element) in enumerate(annotation_keys, start=pages):
        annotation.StructParent = key
        nums += [key, element]
    parent_tree = out.make_indirect(Dictionary(Nums=Array(nums)))
    root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document]),
                                        ParentTree=parent_tree,
                                        ParentTreeNextKey=pages + len(annotation_keys)))
    document.P = root
    out.Root.StructTreeRoot = root


def _stable_document_id(metadata: pikepdf.Stream, parts: list[str | None]) -> None:
    """WeasyPrint writes a random DocumentID into a PDF/X file's XMP metadata: one derived
    from the metadata and the parts (named by their content) instead, so that two builds
    of the same sources give the same bytes."""
    data = metadata.read_bytes()
    seed = _DOCUMENT_ID.sub(b"", data) + repr(parts).encode()
    if _DOCUMENT_ID.search(data):
        stable = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, hashlib.sha256(seed).hexdigest())}"
        metadata.write(_DOCUMENT_ID.sub(stable.encode(), data))


def _blank_page(out) -> None:
    """An empty page with the boxes of the page before it (trim, bleed, media)."""
    model = out.pages[-1].obj
    page = Dictionary(Type=Name.Page, Resources=Dictionary(),
                      Contents=out.make_stream(b""))
    for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
        if box in model:
            page[box] = Array(list(model[box]))
    out.pages.append(pikepdf.Page(page))


def _outline(out, bookmarks: list[tuple]) -> None:
    """The bookmarks as one outline: each under the last one of a lower level."""
    if not bookmarks:
        return
    with out.open_outline() as outline:
        stack: list[tuple[int, pikepdf.OutlineItem]] = []
        for level, label, page, x, y, closed in bookmarks:
            item = pikepdf.OutlineItem(label, page, "XYZ", left=x, top=y, zoom=0)
            item.is_closed = closed
            while stack and stack[-1][0] >= level:
                stack.pop()
            (stack[-1][1].children if stack else outline.root).append(item)
            stack.append((level, item))


def _share_profiles(out) -> None:
    """One copy of each ICC profile (the print shop's, in PDF/X) instead of one per part.

    Every part names the profile in its colour spaces, and its drawings (transparency
    groups) name it again; each such [/ICCBased profile] gets the first copy.
    """
    if "/OutputIntents" not in out.Root:
        return
    seen: dict[bytes, object] = {}

    def shared(space):
        digest = hashlib.sha256(space[1].read_raw_bytes()).digest()
        return Array([Name.ICCBased, seen.setdefault(digest, space[1])])

    def visit(container) -> None:  # direct containers only: indirect ones come by themselves
        keys = container.keys() if isinstance(container, Dictionary) else range(len(container))
        for key in list(keys):
            value = container[key]
            if not isinstance(value, (Array, Dictionary)) or value.is_indirect:
                continue
            if isinstance(value, Array) and len(value) == 2 and value[0] == Name.ICCBased:
                container[key] = shared(value)
            else:
                visit(value)

    for obj in out.objects:
        if isinstance(obj, pikepdf.Stream):
            visit(obj.stream_dict)
        elif isinstance(obj, (Array, Dictionary)):
            visit(obj)


def _set_bleed_box(out, bleed_mm: float) -> None:
    bleed = bleed_mm * 72 / 25.4
    for page in out.pages:
        left, bottom, right, top = (float(v) for v in page.obj.TrimBox)
        page.obj.BleedBox = Array([left - bleed, bottom - bleed, right + bleed, top + bleed])
