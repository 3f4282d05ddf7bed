"""A part's PDF/UA tags mended where WeasyPrint 70 leaves them short of PDF/UA-1, before
the part joins its edition (assemble.py). Checked by two checkers no one here wrote
(pdfua and outloud, tests/test_accessibility.py).

What WeasyPrint writes, and what becomes of it here:

- Running feet (page margin boxes) are marked as content whose structure elements are
  in no tree: they become pagination artifacts, and leave the parent tree.
- Every box inside a link gets a link annotation of its own, and its object reference
  (OBJR) sits in that box's element (a Span), not in the Link: all of a link's
  references go to its Link element, and a Link inside a Link (a link's pseudo-element)
  becomes a Span of the outer one.
- An element with nothing in it (an empty span such as a colour swatch) is kept: removed.
- An inline SVG without a title (the map of Denmark, a QR code) is a Figure without
  alternative text: it is decoration, said in text beside it, so it becomes an artifact.
- Header cells carry no scope: a cell in the table's head gets /Scope /Column, any other
  /Scope /Row.
- Annotations lack the Print flag: set, so screen and paper show the same links.

All through pikepdf's public API, on the part's objects in memory (its file in the cache
is not touched).
"""

from __future__ import annotations

import re
import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name

PRINT_FLAG = 4  # annotation flag bit 3
# WeasyPrint writes each marked-content sequence as "/Tag\n<</MCID n>>\nBDC".
_MARKED = re.compile(rb"/\w+\n<</MCID (\d+)>>\nBDC")
_ARTIFACT = b"/Artifact\n<</Type /Pagination>>\nBDC"
_LINK, _SPAN, _TABLE, _THEAD, _TH = Name.Link, Name.Span, Name.Table, Name.THead, Name.TH
_OBJR, _MCR, _FIGURE = Name.OBJR, Name.MCR, Name.Figure


def mend(pdf: pikepdf.Pdf) -> None:
    """Mend the tags of one part's PDF in place (see the module's docstring)."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
    walk = _Walk(pages)
    for kid in _kids(root):
        walk.element(kid, None, None)
    by_key = {int(page.StructParents): number for number, page in enumerate(pdf.pages)
              if "/StructParents" in page}
    nums = root.ParentTree.Nums
    for index in range(0, len(nums), 2):
        key, value = int(nums[index]), nums[index + 1]
        if isinstance(value, Array):  # a page's marked content, by MCID
            number = by_key[key]
            _unmark_orphans(pdf, pdf.pages[number], value, walk.marked.get(number, set()))
        elif value.objgen in walk.owners:  # an annotation: the element that owns it
            nums[index + 1] = walk.owners[value.objgen]
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            annotation.F = int(annotation.get("/F", 0)) | PRINT_FLAG


class _Walk:
    """One walk down the structure tree: what it marks, and who owns each annotation."""

    def __init__(self, pages: dict):
        self.pages = pages
        self.marked: dict[int, set[int]] = {}  # page -> MCIDs that are in the tree
        self.owners: dict[tuple, Dictionary] = {}  # annotation's element -> its Link
        self.moved: dict[tuple, list] = {}  # Link -> references found in its parts

    def element(self, element: Dictionary, link: Dictionary | None, head: bool | None) -> bool:
        """Mend element and what is in it; False: it holds nothing and is to be dropped.

        link: the Link it is in (its references go there); head: inside a table, whether
        in its head (None outside tables). Kids are written back only when they changed."""
        if element.get("/S") == _FIGURE and "/Alt" not in element and \
                "/ActualText" not in element:
            return False  # decoration: its marked content becomes an artifact
        link, head = _role(element, element.get("/S"), link, head)
        kept, references, changed = [], [], False
        for kid in _kids(element):
            if isinstance(kid, int):
                self.marked.setdefault(self._page(element), set()).add(kid)
                kept.append(kid)
                continue
            kind = kid.get("/Type")
            if kind == _OBJR:
                if link is None or link is element:
                    references.append(kid)
                else:  # to the Link it is part of
                    self.owners[element.objgen] = link
                    self.moved.setdefault(link.objgen, []).append(kid)
                    changed = True
            elif kind == _MCR:  # marked content on another page
                where = self._page(kid if "/Pg" in kid else element)
                self.marked.setdefault(where, set()).add(int(kid.MCID))
                kept.append(kid)
            elif self.element(kid, link, head):
                kept.append(kid)
            else:
                changed = True
        if element is link and self.moved:
            gathered = self.moved.pop(element.objgen, [])
            references += gathered
            changed = changed or bool(gathered)
        if not (kept or references or "/Alt" in element or "/ActualText" in element):
            return False
        if changed:
            element.K = Array(references + kept)
        return True

    def _page(self, element: Dictionary) -> int | None:
        """The number of the page an element's marked content is on (its /Pg)."""
        return self.pages.get(element.Pg.objgen) if "/Pg" in element else None


def _role(element: Dictionary, role, link: Dictionary | None, head: bool | None) -> tuple:
    """The element mended for its role: a Link inside a Link becomes a Span, a table's
    header cell gets its scope. Returns the link and head its kids are in."""
    if role == _LINK:
        if link is None:
            return element, head
        element.S = _SPAN  # a link's part, not a link of its own
    elif role == _TABLE:
        return link, False
    elif role == _THEAD:
        return link, True
    elif role == _TH and head is not None:
        element.A = Dictionary(O=_TABLE, Scope=Name.Column if head else Name.Row)
    return link, head


def _kids(element) -> list:
    """An element's /K as a list (it may be one kid or none)."""
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _unmark_orphans(pdf: pikepdf.Pdf, page: pikepdf.Page, elements: Array,
                    marked: set[int]) -> None:
    """Marked content whose element is in no tree (a running foot) becomes a pagination
    artifact, and its slot in the parent tree is emptied."""
    orphans = {mcid for mcid in range(len(elements)) if mcid not in marked}
    if not orphans:
        return
    for mcid in orphans:
        elements[mcid] = pikepdf.Object.parse(b"null")
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, Array) else [contents]
    data = b"\n".join(stream.read_bytes() for stream in streams)
    data = _MARKED.sub(lambda m: _ARTIFACT if int(m.group(1)) in orphans else m.group(0), data)
    # Deflated here, as the part arrives, not all at once when the edition is saved.
    page.obj.Contents = pdf.make_stream(zlib.compress(data, 6), Filter=Name.FlateDecode)
