"""The catalogue in parts, each laid out and written on its own, and cached by content.

A catalogue is its front matter (cover, foreword, contents), one part per spread, and its
back matter (the booklet's blank fillers, overview, register, sources, contact page,
colophon). Every part is numbered as in the catalogue and told the page of every anchor
outside it that it refers to, so it can be laid out alone: in parallel with the others, and
not at all when nothing that goes into it has changed. assemble.py joins the parts' PDFs.

A part's cache address (cache.key) covers everything that decides its PDF: its HTML
(text, page numbers, the pages it links to, the edition's date), the edition's page CSS
and writer options, the bytes of every file it uses (stylesheet, fonts, illustrations,
photos, ICC profile), and the code that makes it (this package, WeasyPrint).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import cache, check, render
from .editions import PdfEdition
from .errors import BuildFailed, relative
from .files import atomic_target
from .load import Project
from .paths import layouts_dir, readable_roots

FOLDER = "parts"
_FILE_URL = re.compile(r"file://[^\"')\s]+")
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


@dataclass(frozen=True)
class Piece:
    """One part's PDF, and what the layout knows about it that the PDF does not say."""

    pdf: Path
    anchors: frozenset[str]  # the named destinations this part owns (others are stand-ins)
    bookmarks: tuple  # (level, label, page index in the part, x, y, closed)


@dataclass(frozen=True)
class Part:
    """One part of one edition: what it shows and the catalogue page it starts on."""

    kind: str  # "front", "spread" or "back"
    first_page: int
    slug: str | None = None  # the spread's entry
    fillers: int = 0  # blank pages before the back matter (print edition)

    @property
    def first_side(self) -> str:
        """Even pages are left-hand pages (the first page of the catalogue is a right)."""
        return "left" if self.first_page % 2 == 0 else "right"


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


def html_of(project: Project, edition: PdfEdition, part: Part, numbers: dict[str, int],
            created: datetime.datetime, photos: dict[str, str]) -> str:
    """The part's HTML: the catalogue template with only this part's pages."""
    extra = {"photos": photos} if photos else {}
    if part.kind == "spread":
        first = project.entries[0].slug == part.slug
        extra |= {"entries": [d for d in project.entries if d.slug == part.slug],
                  "first_spread": first}
    return render.render_html(
        project, edition.key, created, part.fillers, parts=(part.kind,),
        first_page=part.first_page, first_side=part.first_side, numbers=numbers, **extra)


def fingerprint(root: Path) -> str:
    """The files and code every part depends on: layouts, fonts, this package, WeasyPrint,
    and whatever else a stylesheet of the layouts points to (a project's own layouts may
    take a font or picture from elsewhere in the project)."""
    layouts = layouts_dir(root)
    digest = hashlib.sha256(cache.code("weasyprint", "pydyf").encode())
    files = {path for folder in (layouts, layouts.parent / "fonts")
             for path in folder.rglob("*") if path.is_file()}
    for sheet in layouts.rglob("*.css"):
        for target in _CSS_URL.findall(sheet.read_text("utf-8", errors="replace")):
            path = (sheet.parent / unquote(target)).resolve()
            if "://" not in target and path.is_file():
                files.add(path)
    for path in sorted(files):
        digest.update(f"{path}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def address(root: Path, html: str, edition: PdfEdition, seed: str, base: str) -> str:
    """The part's cache address: its HTML, the edition, and every file the HTML uses."""
    made = root / cache.FOLDER
    files = []
    for url in sorted(set(_FILE_URL.findall(html + edition.page_css))):
        path = Path(unquote(urlsplit(url).path))
        if path.is_relative_to(made):
            continue  # a cached copy (a downsampled photo): its name says what it holds
        try:
            files.append(f"{url}:{hashlib.sha256(path.read_bytes()).hexdigest()}")
        except OSError:
            files.append(f"{url}:missing")  # the render will say what is wrong
    digest = cache.key(html, edition.page_css, repr(sorted(edition.options.items())), seed,
                       base, *files)
    return f"{edition.key}-{digest}"  # the edition in the name: see prune


def cached(root: Path, key: str) -> LaidOut | None:
    """The part made earlier under this address, or None (also when it is damaged)."""
    folder = root / cache.FOLDER / FOLDER
    try:
        facts = json.loads((folder / f"{key}.json").read_text("utf-8"))
        data = (folder / f"{key}.pdf").read_bytes()
        if hashlib.sha256(data).hexdigest() != facts.pop("sha256"):
            return None
        return LaidOut(**facts, pdf=str(folder / f"{key}.pdf"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def lay_out(project: Project, edition: PdfEdition, part: Part, html: str, key: str,
            created: datetime.datetime, seed: str) -> LaidOut:
    """Lay out one part, check it, write its PDF into the cache under key."""
    from . import pdf  # WeasyPrint only when there is something to lay out

    roots = readable_roots(project.root)
    entries = [d for d in project.entries if d.slug == part.slug] if part.slug else []
    subset = dataclasses.replace(project, entries=entries)
    if edition.photo_size:  # the downsampled copy the HTML points to (cache.py)
        for doc in entries:
            if doc.entry.image:
                cache.downsampled(project.root, project.root / doc.entry.image.file,
                                  edition.photo_size, edition.photo_quality)
    with pdf.collect_warnings() as messages:
        document = pdf.render(html, project.root, roots, edition.page_css, **edition.options)
        shift = part.first_page - 1  # page in this document -> page in the catalogue
        fits = [dataclasses.replace(f, start=f.start + shift, end=f.end + shift)
                for f in check.measure(document, subset)]
        photos = check.resolutions(document, subset)
        anchors: dict[str, int] = {}
        for number, page in enumerate(document.pages):
            for name in page.anchors:
                anchors.setdefault(name, part.first_page + number)
        # Links to other parts: a stand-in anchor keeps WeasyPrint from dropping the link;
        # assemble.py keeps only the destinations a part owns.
        wanted = {target for page in document.pages for kind, target, *_ in page.links
                  if kind == "internal"}
        for name in sorted(wanted - anchors.keys()):
            document.pages[0].anchors[name] = (0, 0, 0, 0)
        bookmarks = [[level, label, number, x * 0.75, (page.height - y) * 0.75,
                      state == "closed"]
                     for number, page in enumerate(document.pages)
                     for level, label, (x, y), state in page.bookmarks]
        folder = project.root / cache.FOLDER / FOLDER
        target = folder / f"{key}.pdf"
        try:
            with atomic_target(target) as temp:
                _write(document, temp, edition, created, seed)
            data = target.read_bytes()
            facts = LaidOut(str(target), len(document.pages), anchors, bookmarks,
                            [dataclasses.asdict(f) for f in fits],
                            [dataclasses.asdict(p) for p in photos], list(messages))
            record = dataclasses.asdict(facts) | {"sha256": hashlib.sha256(data).hexdigest()}
            del record["pdf"]
            with atomic_target(folder / f"{key}.json") as temp:
                temp.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
        except OSError as exc:
            raise BuildFailed(f"could not write {relative(target, project.root)}: "
                              f"{exc.strerror or exc}; the previous PDF was kept.") from None
    return facts


def prune(root: Path, edition: str, used: set[str]) -> int:
    """Remove the edition's parts that this build did not use (an edited entry leaves its
    old spread behind; a print part holds a full-size photo): see cache.prune."""
    return cache.prune(root / cache.FOLDER / FOLDER, used, f"{edition}-*")


def _write(document, temp: Path, edition: PdfEdition, created: datetime.datetime,
           seed: str) -> None:
    """Write one PDF; font subsets are stamped with the edition's date, never the clock."""
    from . import pdf

    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(created.timetuple()))
    try:
        with pdf.stable_document_id(seed):
            document.write_pdf(temp, **edition.options)
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def fits_of(laid: list[LaidOut]) -> list[check.Fit]:
    return [check.Fit(**f) for part in laid for f in part.fits]


def photos_of(laid: list[LaidOut]) -> list[check.Resolution]:
    return [check.Resolution(**p) for part in laid for p in part.photos]
