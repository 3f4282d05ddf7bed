"""Jinja2 environment and the HTML of the catalogue: one place for every filter."""

from __future__ import annotations

import datetime
import functools
import re
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from .. import cache, danish
from . import denmark
from ..read import municipalities
from ..read.load import EntryDoc, Project
from ..paths import layouts_dir

_UNITS = r"(%|tons?\b|t\b|kr\.|mio\.|mia\.|km\b|m²|m³|m2\b|m3\b|MW\b|GWh\b|kWh\b|ha\b|år\b|" \
         r"virksomheder\b|procent\b|pct\.|jobs?\b|arbejdspladser\b|medarbejdere\b)"
_TYPOGRAPHY = [
    (re.compile(r"(?<![/\w.-])CO2(?!\w)"), "CO₂"),           # a real subscript 2
    (re.compile(r"(\d) " + _UNITS), "\\1\u00a0\\2"),           # 125.000 tons, 21,5 %
    (re.compile(r"\b(mio\.|mia\.) (kr\.|kroner)"), "\\1\u00a0\\2"),
    (re.compile(r"(\d)-(\d)"), "\\1–\\2"),                    # ranges take an en dash
    (re.compile(r" --? "), " – "),                            # a spaced hyphen is a dash
]


def typeset(text: str) -> str:
    """Danish typographic fixes on source text: CO₂, non-breaking units, en dashes."""
    for pattern, replacement in _TYPOGRAPHY:
        text = pattern.sub(replacement, text)
    return text


def _markdown() -> MarkdownIt:
    md = MarkdownIt("zero", {"typographer": True, "quotes": "»«›‹", "html": False,
                             "linkify": False})
    md.enable(["paragraph", "emphasis", "list", "link", "newline", "escape",
               "smartquotes", "text_join"])
    md.validateLink = lambda url: url.startswith(("http://", "https://", "mailto:"))
    md.core.ruler.push("danish_typography", _typeset_text_tokens)
    return md


def _typeset_text_tokens(state) -> None:
    """Apply typeset() to the words only, never to link addresses."""
    for token in state.tokens:
        for child in token.children or []:
            if child.type == "text":
                child.content = typeset(child.content)


_MD = _markdown()


@functools.lru_cache(maxsize=4096)  # each edition renders the same texts
def markdown(text: str | None) -> Markup:
    """Body text in the Markdown subset -> HTML; raw HTML is shown as text."""
    return Markup(_MD.render(text or ""))


@functools.lru_cache(maxsize=4096)
def inline(text: str | None) -> Markup:
    """One line of text (lead, advice, labels) with typography but no paragraphs."""
    return Markup(_MD.renderInline(" ".join((text or "").split())))


def qr_code(root: Path, url: str, colour: str = "#000000") -> Markup:
    """A QR code for url as inline vector SVG (scaled by CSS), for the printed page; kept in
    the project's cache (encoding one takes about 6 ms, most of it choosing the mask, and
    every build renders the print edition's hundred spreads to know their addresses)."""
    kept = root / cache.FOLDER / "qr" / cache.key("qr", url, colour, _version("segno"))
    svg = cache.kept(kept)
    if svg is None:
        import segno  # the print edition's spreads only

        code = segno.make(url, error="m")
        svg = code.svg_inline(border=0, omitsize=True, dark=colour, svgclass="qr-code",
                              lineclass=None).encode()
        cache.keep(kept, svg)
    return Markup(svg.decode())


_version = functools.lru_cache(maxsize=None)(version)  # it reads the installed metadata


def tint(colour: str, amount: float = 0.14) -> str:
    """A light tint of a #RRGGBB colour (amount of colour over white)."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * amount):02X}" for c in rgb)


def short_url(url: str) -> str:
    """A web address as printed: without scheme, www., %-escapes and trailing slash."""
    return unquote(re.sub(r"^(https?://)?(www\.)?", "", url).rstrip("/"))


ZWSP, WORD_JOINER = "\u200b", "\u2060"


def url_lines(url: str) -> str:
    """A web address as printed (short_url), to be broken at a slash: a line may end before
    any "/" and not after it (the slash begins the next line, so the address does not look
    finished), and a part between two slashes that fits a line (40 characters) is not
    broken at its hyphens. Invisible characters, not elements: one text box is quick."""
    parts = re.split(r"(?=/)", short_url(url))
    return ZWSP.join((part if len(part) > 40 else part.replace("-", "-" + WORD_JOINER))
                     .replace("/", "/" + WORD_JOINER) for part in parts)


@dataclass(frozen=True)
class IndexLine:
    """One line of an index: a heading word and the partnerships under it."""

    heading: str
    entries: list[EntryDoc]


def indexes(project: Project) -> dict[str, list[IndexLine]]:
    """Partnerships by municipality, region and theme, each in Danish alphabetical order."""
    by_muni: dict[str, list[EntryDoc]] = {}
    by_region: dict[str, list[EntryDoc]] = {}
    by_theme: dict[str, list[EntryDoc]] = {}
    for doc in project.entries:
        for m in doc.municipalities:
            by_muni.setdefault(m.name, []).append(doc)
            if doc not in by_region.setdefault(m.region, []):
                by_region[m.region].append(doc)
        for theme in doc.entry.themes:
            by_theme.setdefault(project.edition.themes[theme], []).append(doc)

    def lines(groups: dict[str, list[EntryDoc]]) -> list[IndexLine]:
        return [IndexLine(k, sorted(v, key=lambda d: d.title_key))
                for k, v in sorted(groups.items(), key=lambda kv: danish.sort_key(kv[0]))]

    return {"municipality": lines(by_muni), "region": lines(by_region), "theme": lines(by_theme)}


def illustrations(project: Project, layouts: Path) -> dict[str, str]:
    """The theme drawing (a file in layouts/illustrations/) each spread without a photo
    shows: its first theme's drawings (<theme>.svg, <theme>-2.svg, ...) in turn, in the
    catalogue's order, so that spreads of one theme that follow each other differ."""
    folder = layouts / "illustrations"
    stamp = folder.stat().st_mtime_ns if folder.is_dir() else 0
    shown, used = {}, Counter()
    for doc in project.entries:
        if doc.entry.image is None:
            drawings = _drawings(folder, doc.main_theme, stamp)
            shown[doc.slug] = drawings[used[doc.main_theme] % len(drawings)]
            used[doc.main_theme] += 1
    return shown


@functools.lru_cache(maxsize=64)
def _drawings(folder: Path, theme: str, stamp: int) -> tuple[str, ...]:
    """A theme's drawings in order; stamp, the folder's time, says when to look again."""
    pattern = re.compile(re.escape(theme) + r"-(\d+)\.svg")
    numbered = sorted((int(m.group(1)), m.group(0)) for path in folder.glob("*.svg")
                      if (m := pattern.fullmatch(path.name)))
    return (f"{theme}.svg", *(name for _, name in numbered))


@dataclass(frozen=True)
class MapKey:
    """One line of the map's key: a theme's colour and the municipalities drawn in it."""

    theme: str
    label: str
    municipalities: list[str]


def map_marks(project: Project) -> dict[str, EntryDoc]:
    """The partnership whose first theme colours each municipality on the map: of those a
    municipality takes part in, the one with the fewest municipalities (its own rather
    than a national network), then the first in the catalogue."""
    chosen: dict[str, EntryDoc] = {}
    for doc in sorted(project.entries, key=lambda d: len(d.entry.municipalities)):
        for name in doc.entry.municipalities:
            chosen.setdefault(name, doc)
    return chosen


def overview_map(project: Project, colours: dict[str, str]) -> tuple[Markup, list[MapKey]]:
    """The map of Denmark with the partnerships' municipalities in their themes' colours
    (decoration for screen readers, who get the key as text), and its key in the order of
    the themes in catalogue.yaml."""
    marks = map_marks(project)
    drawing = denmark.svg({name: denmark.Mark(colours[doc.main_theme])
                           for name, doc in marks.items()},
                          base=tint(project.edition.colours.primary, 0.11))
    key = [MapKey(theme, label, sorted((n for n, d in marks.items() if d.main_theme == theme),
                                       key=danish.sort_key))
           for theme, label in project.edition.themes.items()]
    return Markup(drawing), [line for line in key if line.municipalities]


# The environment's options: compiled templates depend on them (and on Jinja's version).
_OPTIONS = dict(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                lstrip_blocks=True)


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled once and kept in .cache/templates/: compiling the layouts took
    0.1 s of every command that renders them. Jinja compiles a template again when its
    source changed; the options and Jinja's version are part of that check here. A damaged
    file is compiled again, a cache that cannot be written only costs time."""

    def get_source_checksum(self, source: str) -> str:
        return super().get_source_checksum(f"{version('jinja2')}:{_OPTIONS}\0{source}")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - unpickling damaged bytes can raise anything
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


@functools.lru_cache(maxsize=4)
def environment(layouts: Path, compiled: Path | None = None) -> jinja2.Environment:
    """The Jinja environment: strict about undefined names, escaping everything. One per
    layouts folder, so that each template is compiled once (Jinja checks the file's time
    and compiles it again when it changed), and kept compiled in the folder compiled."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(layouts), **_OPTIONS,
                             bytecode_cache=compiled and _CompiledTemplates(str(compiled)))
    env.filters.update(markdown=markdown, inline=inline, number=danish.number,
                       figure=danish.figure, quantity=danish.quantity, date=danish.date,
                       tint=tint, month_year=danish.month_year, short_url=short_url,
                       url_lines=url_lines)
    return env


def back_sections(project: Project) -> list[str]:
    """The back matter's sections in order, named by their anchors; each starts a page."""
    sources = any(doc.entry.sources for doc in project.entries)
    return ["oversigt", "register", *(["kilder"] if sources else []), "kontakt", "kolofon"]


def render_html(project: Project, edition_kind: str = "download",
                created: datetime.datetime | None = None, fillers: int = 0,
                template: str = "catalogue.html.j2", **extra) -> str:
    """The catalogue (or a part of it, see catalogue.html.j2) as HTML for WeasyPrint.

    extra overrides template variables: parts, first_page, first_side and numbers for one
    part (parts.py), entries=[one] for a spread, sections=[one] for a section of the back
    matter, photos (slug -> address) for downsampled copies.
    """
    layouts = layouts_dir(project.root)
    edition = project.edition
    entries = extra.get("entries", project.entries)
    colours = {key: edition.colours.themes.get(key, edition.colours.primary)
               for key in edition.themes}
    variables = dict(
        edition=edition, entries=project.entries, kind=edition_kind, fillers=fillers,
        colours=colours, municipalities=municipalities, layouts=layouts.as_uri(),
        created=(created or datetime.datetime.combine(
            edition.publication_date, datetime.time(), datetime.timezone.utc)),
        root=project.root.as_uri(), parts=("front", "spread", "back"),
        first_page=1, first_side="right", first_spread=True, numbers={},
        sections=back_sections(project),
        qr=functools.partial(qr_code, project.root))
    variables.update(extra)
    # Work only the parts that show them need (a build renders a hundred spreads).
    if "spread" in variables["parts"]:
        variables["illustrations"] = illustrations(project, layouts)
    if "photos" not in extra:
        variables["photos"] = {doc.slug: (project.root / doc.entry.image.file).as_uri()
                               for doc in entries if doc.entry.image}
    if "back" in variables["parts"]:
        variables["indexes"] = indexes(project)
        if "oversigt" in variables["sections"]:
            variables["denmark_map"], variables["map_key"] = overview_map(project, colours)
        variables["credits"] = [(doc, doc.entry.image) for doc in project.entries
                                if doc.entry.image]
    compiled = project.root / cache.FOLDER / "templates"
    return environment(layouts, compiled).get_template(template).render(**variables)
