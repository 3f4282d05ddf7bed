"""The catalogue in parts, each laid out and written on its own, and cached by content.

A catalogue is its front matter (cover, foreword, contents), one part per spread, and one
part per section of its back matter (overview, register, sources, contact page, colophon;
the print edition's blank fillers go before the colophon). Every part is numbered as in
the catalogue and told the page of every anchor outside it that it refers to, so it can be
laid out alone: in parallel with the others, and not at all when nothing that goes into it
has changed. worker.py lays a part out, join/assemble.py joins the parts' PDFs.

A part's cache address (cache.key) covers everything that decides its PDF: its HTML
(text, page numbers, the pages it links to, the edition's date), the edition's page CSS
and writer options, the bytes of every file it uses (stylesheet, fonts, illustrations,
photos, ICC profile), and the code that makes it (this package, WeasyPrint).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import cache
from . import check, render
from .editions import PdfEdition, for_project, output_name
from .worker import FOLDER, Job, LaidOut, Output
from ..read.load import Project
from .plan import Part
from ..paths import layouts_dir

_FILE_URL = re.compile(r"file://[^\"')\s]+")
# An element the print edition alone shows, with its line (see pdf.as_download).
_PRINT_ONLY = re.compile(r'[ \t]*<([a-z][a-z0-9]*)\b[^>]*\bdata-edition="print"[^>]*>.*?</\1>\n?',
                         re.S)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def html_of(project: Project, edition: PdfEdition, part: Part, numbers: dict[str, int],
            created: datetime.datetime, photos: dict[str, str]) -> str:
    """The part's HTML: the catalogue template with only this part's pages."""
    extra = {"photos": photos} if photos else {}
    if part.kind == "spread":
        first = project.entries[0].slug == part.slug
        extra |= {"entries": [d for d in project.entries if d.slug == part.slug],
                  "first_spread": first}
    elif part.kind == "back":
        extra["sections"] = [part.slug]
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
            files.append(f"{url}:{cache.digest(path)}")
        except OSError:
            files.append(f"{url}:missing")  # the render will say what is wrong
    digest = cache.key(html, edition.page_css, repr(sorted(edition.options.items())), seed,
                       base, *files)
    return f"{edition.key}-{digest}"  # the edition in the name: see prune


def twins(download: str, printed: str, photos: dict[str, str]) -> bool:
    """Whether a spread's download edition is its print edition without the print-only
    elements and with the download edition's photos (photos: the print edition's address
    -> the download edition's): then one layout serves both (worker.Job)."""
    for original, copy in photos.items():
        printed = printed.replace(original, copy)
    return _PRINT_ONLY.sub("", printed) == download


def twin_address(download: str, printed: str) -> str:
    """The address of a download edition's spread drawn from the print edition's layout:
    both parts' addresses, as both decide it."""
    return f"download-{cache.key('twin', download, printed)}"


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


def prune(root: Path, edition: str, used: set[str]) -> int:
    """Remove the edition's parts that this build did not use (an edited entry leaves its
    old spread behind; a print part holds a full-size photo): see cache.prune."""
    return cache.prune(root / cache.FOLDER / FOLDER, used, f"{edition}-*")


def fits_of(laid: list[LaidOut]) -> list[check.Fit]:
    return [check.Fit(**f) for part in laid for f in part.fits]


def photos_of(laid: list[LaidOut]) -> list[check.Resolution]:
    return [check.Resolution(**p) for part in laid for p in part.photos]


def photo_addresses(project: Project, edition: PdfEdition,
                    slugs: set[str] | None = None) -> dict[str, str]:
    """Photo addresses for the edition (of the entries in slugs, or all): downsampled
    copies in the cache (made by the part that shows them), or the originals."""
    if not edition.photo_size:
        return {}
    return {doc.slug: cache.downsampled_path(project.root, project.root / doc.entry.image.file,
                                             edition.photo_size, edition.photo_quality).as_uri()
            for doc in project.entries
            if doc.entry.image and (slugs is None or doc.slug in slugs)}


def job_for(project: Project, edition: PdfEdition, part: Part, numbers: dict[str, int],
            stamp: datetime.datetime, photos: dict[str, str], base: str) -> Job:
    """What a worker needs to lay out one part of one edition."""
    return Job.single(_output(project, edition, part, numbers, stamp, photos, base),
                      part, stamp, _shown(project, part))


def spread_jobs(project: Project, wanted: list[tuple[PdfEdition, Part]],
                numbers: dict[str, dict[str, int]], stamp: datetime.datetime,
                photos: dict[str, dict[str, str]], base: str) -> list[Job]:
    """The jobs for one spread in the editions wanted (numbers and photos by edition): one
    job for both editions, laid out as the print edition has it, when the download
    edition can be drawn from that (worker.Job), and so also when the print edition is not
    wanted (a spread of the download edition is the same PDF whatever else is built);
    else one job per edition."""
    outputs = {edition.key: (part, _output(project, edition, part, numbers[edition.key],
                                           stamp, photos[edition.key], base))
               for edition, part in wanted}
    if "download" in outputs:
        twin = _twin_job(project, outputs, stamp, photos["download"], base)
        if twin is not None:
            return [twin]
    return [Job.single(output, part, stamp, _shown(project, part))
            for part, output in outputs.values()]


def _twin_job(project: Project, outputs: dict[str, tuple[Part, Output]],
              stamp: datetime.datetime, photos: dict[str, str], base: str) -> Job | None:
    """The one job that writes the spread's download edition (and its print edition, if
    wanted) from the print edition's layout, or None where that cannot be."""
    part, download = outputs["download"]
    printer = for_project(project.edition, project.root)[1]
    printed_part, printed = outputs.get("print") or (
        part, _output(project, printer, part, {}, stamp, {}, base))
    doc = next(d for d in project.entries if d.slug == part.slug)
    photo = photos.get(doc.slug)
    originals = {(project.root / doc.entry.image.file).as_uri(): photo} if photo else {}
    if not (printer.serves_download and printed_part == part and
            twins(download.html, printed.html, originals)):
        return None
    twin = dataclasses.replace(download, key=twin_address(download.key, printed.key))
    written = (printed, twin) if "print" in outputs else (twin,)
    return Job(part, stamp, printed, written, _shown(project, part), originals)


def _output(project: Project, edition: PdfEdition, part: Part, numbers: dict[str, int],
            stamp: datetime.datetime, photos: dict[str, str], base: str) -> Output:
    """One edition's PDF of a part: its HTML and cache address (which names the edition
    and its date)."""
    seed = f"{output_name(project)}{edition.suffix}:{stamp.isoformat()}"
    html = html_of(project, edition, part, numbers, stamp, photos)
    return Output(edition, html, address(project.root, html, edition, seed, base))


def _shown(project: Project, part: Part) -> dict[str, str | None]:
    """The part's entries as its layout needs them: slug -> the file of its photo."""
    return {doc.slug: doc.entry.image.file if doc.entry.image else None
            for doc in project.entries if part.kind == "spread" and doc.slug == part.slug}
