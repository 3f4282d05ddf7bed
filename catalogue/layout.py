"""Lay out one part with WeasyPrint, check it, write its PDF into the cache (parts.py makes
its HTML and address); and the helper process that does it for preview.

This module imports nothing that validates entries or renders templates, so a process
forked before those are imported (preview's helper) is ready as soon as WeasyPrint is.
"""

from __future__ import annotations

import calendar
import contextlib
import dataclasses
import datetime
import hashlib
import json
import multiprocessing
import os
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache, check
from .errors import BuildFailed, relative
from .files import atomic_target
from .paths import readable_roots

if TYPE_CHECKING:
    from .editions import PdfEdition

FOLDER = "parts"  # in .cache/


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
    slug: str | None = None  # the spread's entry, or the back matter's section (its anchor)
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
    return _in_one_stack_chunk(_lay_out, root, job)


def _call(function, *args):
    return function(*args)


# _call with a frame of 128 KB (16,000 local names it never uses), which opens a chunk of
# 256 KB on Python's frame stack that also holds every call WeasyPrint makes under it.
# CPython 3.11 and 3.12 keep the frames in chunks of 16 KB and free a chunk as soon as the
# call that opened it returns (python/cpython#142183; 3.13 and 3.14 keep one chunk): a
# layout, whose calls go down and up across a chunk's edge hundreds of times a spread, had
# a chunk mapped, zeroed and unmapped each time, 750 page faults and about 5 ms of system
# time a spread (40 spreads in one process, alternating: faults 754 -> 159 a spread).
_in_one_stack_chunk = types.FunctionType(
    _call.__code__.replace(
        co_varnames=_call.__code__.co_varnames + tuple(f"_{n}" for n in range(16_000)),
        co_nlocals=_call.__code__.co_nlocals + 16_000),
    globals(), "_in_one_stack_chunk")


def _lay_out(root: Path, job: Job) -> list[LaidOut]:
    from . import pdf  # WeasyPrint only when there is something to lay out

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
            raise BuildFailed(f"could not write {relative(target, root)}: "
                              f"{exc.strerror or exc}; the previous PDF was kept.") from None
    return facts


def _write(document, temp: Path, edition: PdfEdition, created: datetime.datetime) -> None:
    """Write one PDF; font subsets are stamped with the edition's date, never the clock."""
    from . import pdf

    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(created.timetuple()))
    document.fonts = {}  # the glyphs of this PDF only, not of one written before from it
    try:
        with pdf.fonts_uncompressed():
            document.write_pdf(temp, **edition.options)
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def as_data(root: Path, job: Job) -> list[LaidOut] | tuple:
    """lay_out, with a refused resource or a failed write as data (message, problems): what
    a worker process sends back."""
    try:
        return lay_out(root, job)
    except BuildFailed as failure:
        return (str(failure), failure.problems)


def from_data(outcome: list[LaidOut] | tuple) -> list[LaidOut]:
    """What as_data made of a part, raised again as BuildFailed where it failed."""
    if isinstance(outcome, tuple):
        raise BuildFailed(*outcome)
    return outcome


def cores() -> int:
    """The cores this process may use (a container or taskset may allow fewer)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class Helper:
    """One worker forked as a command starts, for a command that lays out a part now and
    then (preview, and preview --watch for hours): while the command validates and plans,
    it imports WeasyPrint and reads the stylesheet with its fonts (0.4 s), then lays out
    what it is sent. It imports only this module's few neighbours, not the ones that
    validate or render. Stopped when the command ends, used or not. If it is gone, the
    part is laid out in the command's own process instead."""

    def __init__(self, root: Path):
        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_help, args=(theirs, root), daemon=True)
        self.process.start()
        theirs.close()

    @classmethod
    def started(cls, root: Path) -> contextlib.AbstractContextManager:
        """A helper, or nothing on one core (where it would only take turns with us)."""
        return cls(root) if cores() > 1 else contextlib.nullcontext()

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc) -> None:
        self.process.kill()
        self.process.join()

    def lay_out(self, root: Path, job: Job) -> list[LaidOut]:
        """lay_out(root, job) in the helper."""
        try:
            self.connection.send(job)  # the helper knows its root
            outcome = self.connection.recv()
        except (EOFError, OSError):
            outcome = as_data(root, job)
        if isinstance(outcome, str):  # a bug in the helper, said in this process
            raise RuntimeError(outcome)
        return from_data(outcome)


def keep_freed_memory() -> None:
    """In a process that lays out parts (a worker, the helper), glibc's malloc takes blocks
    up to 32 MB from the heap and keeps what is freed there (up to 64 MB at its top),
    instead of mapping each large block from the system and giving it back when freed:
    a photo's pixels (6 MB at the download edition's size) were mapped and faulted in
    afresh for every photo, 1,660 page faults and 5 ms of system time a photo (107 faults
    with this). Elsewhere (another C library) nothing changes."""
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)
        libc.mallopt(_M_TRIM_THRESHOLD, 64 << 20)
    except (OSError, AttributeError):
        pass


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h


def _help(connection, root: Path) -> None:
    """The helper's life: get ready, then lay out each part it is sent until told to stop."""
    keep_freed_memory()
    try:
        try:
            from . import pdf

            pdf.ready(root)
        except Exception:  # noqa: BLE001 - said again, as data, when a part is laid out
            pass
        while True:
            job = connection.recv()
            try:
                outcome = as_data(root, job)
            except Exception as exc:  # noqa: BLE001 - a bug, reported by the caller
                outcome = f"{type(exc).__name__}: {exc}"
            connection.send(outcome)
    except (EOFError, KeyboardInterrupt):
        pass
