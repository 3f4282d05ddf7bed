"""The web edition's HTML pages from the layouts in layouts/web/: the front page, one page
per partnership at <slug>/, the register, the sources, the invitation and the colophon.

Links are relative (`up` leads from a page's folder to the site's root) and name the file
(…/index.html), so that the folder works opened from disk as well as from any folder of a
web server."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from .. import cache, danish
from ..layout import denmark, render
from ..read.load import Project
from .palette import readable, theme_colours
from .photos import Photo

MAP_TITLE = "Kort over Danmark med de kommuner, der har et partnerskab i kataloget"


@dataclass(frozen=True)
class Download:
    """One PDF offered on the site."""

    file: str
    label: str
    note: str
    size: int  # bytes
    pages: int | None = None


@dataclass(frozen=True)
class Shown:
    """What an entry's page shows at its top: the photo in its sizes, or a drawing."""

    photos: list[Photo]
    drawing: str | None


def environment(layouts: Path, root: Path) -> jinja2.Environment:
    """The print layouts' Jinja environment and filters, for the web layouts."""
    env = render.environment(layouts, root / cache.FOLDER / "templates")
    env.filters.update(address=address, anchor=anchor, kilobytes=kilobytes, tel=tel)
    return env


def address(slug: str) -> str:
    """A partnership's page, relative to the site's root."""
    return f"{quote(slug)}/index.html"


def anchor(text: str) -> str:
    """An id for a heading word in the register: 'Høje-Taastrup' -> 'hoeje-taastrup'."""
    return danish.slug(text)


def tel(phone: str) -> str:
    """A phone number as a tel: link dials it: '+45 33 70 33 70' -> '+4533703370'."""
    return re.sub(r"[^\d+]", "", phone)


def kilobytes(size: int) -> str:
    """A file size as Danes write it: 1.234 KB."""
    return f"{danish.number(round(size / 1024))}\u00a0KB"


def shared(project: Project, downloads: list[Download]) -> dict:
    """What every page knows: the edition, the entries, the palette and the PDFs."""
    edition = project.edition
    colours = {key: edition.colours.themes.get(key, edition.colours.primary)
               for key in edition.themes}
    return dict(edition=edition, entries=project.entries, downloads=downloads,
                themes={key: theme_colours(c) for key, c in colours.items()},
                primary_text=readable(edition.colours.primary),
                accent_text=readable(edition.colours.accent),
                sources=any(doc.entry.sources for doc in project.entries),
                indexes=render.indexes(project))


def front(env: jinja2.Environment, project: Project, common: dict) -> str:
    """The front page: foreword, map, the partnerships with filters and search, PDFs."""
    colours = {key: value["colour"] for key, value in common["themes"].items()}
    _, key = render.overview_map(project, colours)
    links = map_links(project)
    return env.get_template("index.html.j2").render(
        **common, up="", here="index", map=web_map(project, colours, links), map_key=key,
        map_links={name: href for name, (href, _) in links.items()},
        regions=common["indexes"]["region"],
        theme_counts={t: sum(t in d.entry.themes for d in project.entries)
                      for t in project.edition.themes})


def map_links(project: Project) -> dict[str, tuple[str, str]]:
    """Each municipality with partnerships: where its link leads (its partnership's page,
    or its line in the register when it has several) and what the link says."""
    links = {}
    for line in render.indexes(project)["municipality"]:
        name, docs = line.heading, line.entries
        links[name] = ((address(docs[0].slug), f"{name}: {docs[0].entry.title}")
                       if len(docs) == 1 else
                       (f"register/index.html#kommune-{anchor(name)}",
                        f"{name}: {len(docs)} partnerskaber"))
    return links


def web_map(project: Project, colours: dict[str, str],
            links: dict[str, tuple[str, str]]) -> Markup:
    """The print overview's map (the same colours), each municipality with partnerships a
    link."""
    marks = {name: denmark.Mark(colours[doc.main_theme], *links[name])
             for name, doc in render.map_marks(project).items()}
    return Markup(denmark.svg(marks, base=render.tint(project.edition.colours.primary, 0.11),
                              title=MAP_TITLE))


def entry_pages(env: jinja2.Environment, project: Project, common: dict,
                pages: dict[str, int], shown: dict[str, Shown]) -> dict[str, str]:
    """One page per partnership, in the catalogue's order, each with its neighbours."""
    template = env.get_template("entry.html.j2")
    docs = project.entries
    return {f"{doc.slug}/index.html":
            template.render(**common, up="../", here="entry", doc=doc,
                            previous=docs[i - 1] if i else None,
                            next=docs[i + 1] if i + 1 < len(docs) else None,
                            page=pages.get(doc.slug), shown=shown[doc.slug])
            for i, doc in enumerate(docs)}


SECTIONS = (("register", "register.html.j2"), ("kilder", "sources.html.j2"),
            ("kontakt", "contact.html.j2"), ("kolofon", "colophon.html.j2"))


def section_pages(env: jinja2.Environment, project: Project, common: dict,
                  credits: list) -> dict[str, str]:
    """The register, the sources (when there are any), the invitation and the colophon."""
    return {f"{name}/index.html": env.get_template(template).render(
                **common, up="../", here=name, credits=credits)
            for name, template in SECTIONS if name != "kilder" or common["sources"]}
