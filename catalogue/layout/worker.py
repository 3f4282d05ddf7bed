"""Lay out one part with WeasyPrint in a worker, check it, write its PDF(s) into the cache
(parts.py makes its HTML and address)."""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import cache
from . import check
from ..errors import BuildFailed, relative
from ..files import atomic_target
from ..i18n import _
from ..paths import readable_roots

if TYPE_CHECKING:
    from .editions import PdfEdition
    from .plan import Part

FOLDER = "parts"  # in .cache/


@dataclass(frozen=True)
class Piece:
    """One part's PDF, and what the layout knows about it that the PDF does not say."""

    pdf: Path
    anchors: frozenset[str]  # the named destinations this part owns (others are stand-ins)
    bookmarks: tuple  # (level, label, page index in the part, x, y, closed)


@dataclass
class LaidOut:
    """A part's PDF and what its layout says (kept as JSON beside the PDF in the cache)."""

    pdf: str
    pages: int
    anchors: dict[str, int]  # anchors the part owns -> catalogue page
    bookmarks: list[list] = field(default_factory=list)  # level, label, page, x, y, closed
    fits: list[dict] = field(default_factory=list)  # check.Fit, catalogue pages
    photos: list[dict] = field(default_factory=list)  # check.Resolution
    messages: list[str] = field(default_factory=list)  # WeasyPrint's warnings

    def piece(self) -> Piece:
        return Piece(Path(self.pdf), frozenset(self.anchors),
                     tuple(tuple(b) for b in self.bookmarks))


@dataclass(frozen=True)
class Output:
    """One edition's PDF of a part: the edition, its HTML and its cache address."""

    edition: PdfEdition
    html: str
    key: str


@dataclass(frozen=True)
class Job:
    """One part, laid out once, and the PDFs written from that layout.

    laid: the edition whose HTML is laid out. written: the PDFs to write, in this order:
    laid's own, and a spread of the download edition drawn from the print edition's layout
    (see pdf.as_download; photos maps the print edition's photos to the download
    edition's). The download edition's spread differs from the print edition's only in
    what pdf.as_download changes, which moves nothing on the page (parts.twins checks the
    HTML), so one layout serves both: a spread costs the two editions one layout and two
    writes instead of two of each.
    """

    part: Part
    created: datetime.datetime
    laid: Output
    written: tuple[Output, ...]
    shown: dict[str, str | None]  # the part's entries: slug -> the file of its photo
    photos: dict[str, str] = field(default_factory=dict)

    @classmethod
    def single(cls, output: Output, part: Part, created: datetime.datetime,
               shown: dict[str, str | None]) -> Job:
        return cls(part, created, output, (output,), shown)


def lay_out(root: Path, job: Job) -> list[LaidOut]:
    """Lay out one part, check it, write its PDF(s) into the cache (one per output of
    job.written, in order)."""
    from . import pdf  # WeasyPrint only where there is something to lay out

    roots = readable_roots(root)
    for output in job.written:
        if output.edition.photo_size:  # the downsampled copy the HTML points to (cache.py)
            for photo in filter(None, job.shown.values()):
                cache.downsampled(root, root / photo, output.edition.photo_size,
                                  output.edition.photo_quality)
    laid = job.laid.edition
    with pdf.collect_warnings() as said:
        document = pdf.render(job.laid.html, root, roots, laid.page_css, **laid.options)
    results = []
    for output in job.written:
        if output.edition.key != laid.key:
            # The spread as the download edition has it, from the print edition's layout;
            # laid out on its own when that layout ran over its two pages (the print-only
            # part may be what ran over) or has something after a print-only element.
            with pdf.collect_warnings() as more:
                derived = len(document.pages) == 2 and pdf.as_download(document, job.photos,
                                                                        roots)
            said += more
            if not derived:
                with pdf.collect_warnings() as said:
                    document = pdf.render(output.html, root, roots, output.edition.page_css,
                                          **output.edition.options)
        results.append(_written(root, job.shown, document, output, job.part, job.created,
                                list(said)))
    return results


def _written(root: Path, shown: dict[str, str | None], document, output: Output, part: Part,
             created: datetime.datetime, messages: list[str]) -> LaidOut:
    """Check the laid-out part and write output's PDF into the cache."""
    from . import pdf

    edition = output.edition
    with pdf.collect_warnings() as said:
        shift = part.first_page - 1  # page in this document -> page in the catalogue
        fits = [dataclasses.replace(f, start=f.start + shift, end=f.end + shift)
                for f in check.measure(document, list(shown))]
        photos = check.resolutions(document, {s: p for s, p in shown.items() if p})
        anchors, bookmarks = _anchors(document, part), _bookmarks(document)
        folder = root / cache.FOLDER / FOLDER
        target = folder / f"{output.key}.pdf"
        try:
            with atomic_target(target) as temp:
                _write(document, temp, edition, created)
            data = target.read_bytes()
            facts = LaidOut(str(target), len(document.pages), anchors, bookmarks,
                            [dataclasses.asdict(f) for f in fits],
                            [dataclasses.asdict(p) for p in photos], messages + said)
            record = dataclasses.asdict(facts) | {"sha256": hashlib.sha256(data).hexdigest()}
            del record["pdf"]
            with atomic_target(folder / f"{output.key}.json") as temp:
                temp.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
        except OSError as exc:
            raise BuildFailed(_("could not write {file}: {why}; the previous PDF was "
                                "kept.").format(file=relative(target, root),
                                                why=exc.strerror or exc)) from None
    return facts


def _anchors(document, part: Part) -> dict[str, int]:
    """The anchors the part owns -> their catalogue pages. Links to other parts get a
    stand-in anchor, which keeps WeasyPrint from dropping the link; assemble.py keeps only
    the destinations a part owns."""
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, part.first_page + number)
    wanted = {target for page in document.pages for kind, target, *_ in page.links
              if kind == "internal"}
    for name in sorted(wanted - anchors.keys()):
        document.pages[0].anchors[name] = (0, 0, 0, 0)
    return anchors


def _bookmarks(document) -> list[list]:
    """The part's bookmarks: level, label, page in the part, x, y (points), closed."""
    return [[level, label, number, x * 0.75, (page.height - y) * 0.75, state == "closed"]
            for number, page in enumerate(document.pages)
            for level, label, (x, y), state in page.bookmarks]


def _write(document, temp: Path, edition: PdfEdition, created: datetime.datetime) -> None:
    """Write one PDF; font subsets are stamped with the edition's date, never the clock."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(created.timetuple()))
    document.fonts = {}  # the glyphs of this PDF only, not of one written before from it
    try:
        document.write_pdf(temp, **edition.options)
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
