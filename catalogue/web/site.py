"""The web edition as one step of the build (build.py): the same validated entries and
catalogue.yaml as the PDFs, written into a temporary folder once the PDFs are written, and
moved into output/web/ with them – all of it, or nothing when the build fails.

What the folder holds: index.html (the front page), <slug>/index.html for each
partnership, register/, kilder/, kontakt/, kolofon/ (each an index.html), the PDFs of this
build, entries.json and entries.csv, and filer/ (stylesheets, script, search index, fonts,
drawings and photos). Every byte follows from the sources: two builds of the same sources
write the same files.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..layout import render
from ..errors import BuildFailed, relative
from ..i18n import _, ngettext
from ..read.load import Project
from ..paths import TOOL_ROOT, layouts_dir
from . import folder, fonts, opendata, pages, photos, search
from .pages import Download, Shown

FOLDER = "web"
ASSETS = "filer"
# The PDFs a build may write, in the order the site offers them: what each is for.
DOWNLOADS = {
    "download": ("Kataloget som PDF", "Til skærm: en tilgængelig PDF (PDF/UA) med bogmærker "
                                      "og links"),
    "print": ("Trykudgave", "Til trykkeriet: A4 med beskæring"),
    "a3": ("Hæfte, A4 på A3", "Til at folde og hæfte"),
    "a4": ("Hæfte, A5 på A4", "Til kontorprinteren: udskriv dobbeltsidet, vend på den "
                              "korte kant, fold og hæft"),
}


class Site:
    """The web edition in output/web/: entered before the PDFs are written, written
    (write) when they are, moved into place when the build's block ends well."""

    def __init__(self, project: Project, output: Path):
        self.project, self.target = project, output / FOLDER
        self.folder: Path | None = None

    def __enter__(self) -> Site:
        self._stage = folder.staged(self.target)
        self.folder = self._stage.__enter__()
        return self

    def __exit__(self, kind, error, trace) -> bool | None:
        try:
            return self._stage.__exit__(kind, error, trace)
        except OSError as exc:
            raise self._failed(exc) from None

    def write(self, laid: dict, temps: dict[str, Path], targets: dict[str, Path],
              say=print) -> None:
        """The site, with the PDFs of this build; nothing unless the download edition was
        built (the site takes its page numbers from it)."""
        if "download" not in laid:
            return
        downloads = [Download(targets[key].name, *DOWNLOADS[key], temps[key].stat().st_size,
                              _pages(laid.get(key)))
                     for key in DOWNLOADS if key in temps]
        try:
            written = files(self.project, laid["download"], downloads)
            for name, data in written.items():
                path = self.folder / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            for key, temp in temps.items():
                _link(temp, self.folder / targets[key].name)
        except OSError as exc:
            raise self._failed(exc) from None
        photos.prune(self.project.root, self.project.entries)
        count = sum(name.endswith(".html") for name in written)
        say(ngettext("Web edition: {count} page in {folder}/",
                     "Web edition: {count} pages in {folder}/", count).format(
            count=count, folder=relative(self.target, self.project.root)))

    def _failed(self, exc: OSError) -> BuildFailed:
        return BuildFailed(_("could not write the web edition to {folder}/: {why}; the "
                             "previous files were kept.").format(
            folder=relative(self.target, self.project.root), why=exc.strerror or exc))


def files(project: Project, download: list, downloads: list[Download]) -> dict[str, bytes]:
    """Every file of the site but the PDFs, by its path in the site."""
    layouts = layouts_dir(project.root)
    env = pages.environment(web_layouts(project.root), project.root)
    numbers = {name: page for part in download if part for name, page in part.anchors.items()}
    shown, pictures = _shown(project, layouts)
    common = pages.shared(project, downloads)
    credits = [(doc, doc.entry.image) for doc in project.entries if doc.entry.image]
    html = {"index.html": pages.front(env, project, common),
            **pages.entry_pages(env, project, common, numbers, shown),
            **pages.section_pages(env, project, common, credits)}
    return ({name: text.encode() for name, text in html.items()} | pictures
            | _assets(project, env, common, layouts) | _data(project, numbers, shown))


def _data(project: Project, numbers: dict[str, int], shown: dict[str, Shown]) -> dict:
    """The open data and the search index."""
    records = [opendata.record(doc, project, numbers.get(doc.slug),
                               shown[doc.slug].photos and
                               f"{ASSETS}/fotos/{shown[doc.slug].photos[-1].name}")
               for doc in project.entries]
    return {"entries.json": opendata.as_json(project, records).encode(),
            "entries.csv": opendata.as_csv(records).encode(),
            f"{ASSETS}/soegeindeks.js": search.script(project).encode()}


def web_layouts(root: Path) -> Path:
    """The project's own layouts/web/, or the tool's."""
    own = layouts_dir(root) / "web"
    return own if (own / "base.html.j2").is_file() else TOOL_ROOT / "layouts" / "web"


def _shown(project: Project, layouts: Path) -> tuple[dict[str, Shown], dict[str, bytes]]:
    """What each partnership's page shows at its top (its photo in two sizes, or its
    theme's drawing, the same as on its spread), and those files by their path."""
    drawings = render.illustrations(project, layouts)
    shown, found = {}, {}
    for doc in project.entries:
        sizes = photos.sizes(project.root, doc) if doc.entry.image else []
        shown[doc.slug] = Shown(sizes, drawings.get(doc.slug))
        found |= {f"{ASSETS}/fotos/{photo.name}": photo.data for photo in sizes}
        if doc.slug in drawings:
            name = drawings[doc.slug]
            found[f"{ASSETS}/tegninger/{name}"] = (layouts / "illustrations" / name).read_bytes()
    return shown, found


def _assets(project: Project, env, common: dict, layouts: Path) -> dict[str, bytes]:
    """The stylesheets, the script, the icon, the palette and the fonts."""
    source = web_layouts(project.root)
    found = {f"{ASSETS}/{path.name}": path.read_bytes() for path in sorted(source.iterdir())
             if path.suffix in (".css", ".js", ".svg")}
    found[f"{ASSETS}/farver.css"] = env.get_template("colours.css.j2").render(
        **common).encode()
    typefaces = layouts.parent / "fonts"
    found |= {f"{ASSETS}/fonts/{name}": data
              for name, data in fonts.webfonts(typefaces, project.root).items()}
    found |= {f"{ASSETS}/fonts/{path.name}": path.read_bytes()
              for path in sorted(typefaces.glob("LICENSE*"))}
    return found


def _pages(laid: list | None) -> int | None:
    """An edition's pages: its parts' and its blank pages (None)."""
    return None if laid is None else sum(part.pages if part else 1 for part in laid)


def _link(source: Path, target: Path) -> None:
    """The PDF in the site too: a second name for the same file where the disk allows."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
