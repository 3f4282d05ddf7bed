"""The compiled peer for `make bench`: the same generated entries as a Typst document.

Benchmark only (the `typst` package is installed by `make bench`, not by the product). The
document has what the download edition has, so that the two take the same kind of work:
A4 with mirrored margins and running feet, tagged (PDF/UA-1, alt text on every photo); a
cover; the foreword and introduction; contents with the page of every spread; one spread
per entry starting on a left page (photo, facts, kicker, title, lead, key figure; then the
story in the main column beside the advice and the contact, with its links); the overview
table, the register (municipalities, regions, themes) and the invitation, all with page
numbers; and the colophon with the photo credits. Same fonts, hyphenated Danish text, the
entries in the catalogue's order (by municipality, Danish collation). Page numbers in
contents, overview and register come from Typst's own introspection (the spreads carry
labels). Typst does not downsample photos: by default they go in as they are, which
flatters it (its PDF is three times the download edition's); with `same_photos`, the peer
first makes the download edition's copies with the same code (cache.downsampled, one
thread per core, as the build's workers do) and Typst embeds those.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from catalogue.danish import number, sort_key
from catalogue.paths import TOOL_ROOT

PREAMBLE = """\
#set document(title: {title})
#set page(paper: "a4", margin: (top: 18mm, bottom: 24mm, inside: 22mm, outside: 16mm),
  footer: context {{
    set text(7.5pt, font: "Source Sans 3")
    let n = counter(page).get().first()
    if calc.even(n) [#n #h(4mm) {title_markup}] else [#h(1fr) {title_markup} #h(4mm) #n]
  }})
#set text(lang: "da", font: "Source Serif 4", size: 9.5pt, hyphenate: true)
#set par(leading: 0.42em, justify: false, first-line-indent: 1.2em)
#show heading: set text(font: "Source Sans 3", weight: "semibold", fill: rgb("#1E4B3A"))
#let pageof(name) = context counter(page).at(label(name)).first()
#let row(name, body) = [#link(label(name), body) #box(width: 1fr) #link(label(name), pageof(name))]
"""


def _string(value: str) -> str:
    """value as a Typst string literal (code mode)."""
    return json.dumps(" ".join(str(value).split()), ensure_ascii=False)


def _text(value: str) -> str:
    """value shown literally in markup (no Typst markup is interpreted)."""
    return "#" + _string(value)


def _blocks(value: str | None) -> str:
    """Paragraphs, and lines starting with '- ' as a list, shown literally."""
    out = []
    for block in (value or "").split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and lines[0].startswith("- "):
            items, current = [], []
            for line in lines:
                if line.startswith("- ") and current:
                    items.append(" ".join(current))
                    current = []
                current.append(line.removeprefix("- "))
            items.append(" ".join(current))
            out.append("\n".join(f"- {_text(item)}" for item in items))
        elif lines:
            out.append(_text(" ".join(lines)))
    return "\n\n".join(out)


def _front(edition: dict, entries: list[tuple[str, dict]]) -> str:
    themes = " ".join(f'#box[#circle(radius: 1.2mm, fill: rgb("{_colour(edition, key)}")) '
                      f'{_text(label)}] #h(6mm)' for key, label in edition["themes"].items())
    contents = "\n\n".join(
        f'#row("{slug}")[{_text(entry["title"])}] \\\n'
        f'#text(size: 7.5pt)[{_text(", ".join(entry["municipalities"]))}]'
        for slug, entry in entries)
    back = "\n\n".join(f'#row("{name}")[{_text(label)}]' for name, label in (
        ("oversigt", "Oversigt over partnerskaberne"), ("register", "Register"),
        ("invitation", edition["contact_page"]["heading"]), ("kolofon", "Kolofon")))
    return f"""
#page(fill: rgb("#1E4B3A"), margin: 22mm, footer: none)[
  #set text(fill: white, font: "Source Sans 3")
  #text(9pt, weight: "semibold")[{_text(edition["publisher"])}]
  #v(50mm)
  #text(36pt, weight: "semibold", hyphenate: false)[{_text(edition["title"])}]
  #v(4mm)
  #text(14pt)[{_text(edition.get("subtitle") or "")}]
  #v(1fr)
  {themes}
  #v(12mm)
  #text(30pt, weight: "light")[{edition["publication_date"].year}]
  #h(1fr) #text(9pt)[{_text(edition["edition"])}]
]
#pagebreak()
= {_text(edition.get("foreword_heading", "Forord"))} <forord>
{_blocks(edition["foreword"])}

== {_text(edition.get("introduction_heading", "Hvad er klimapartnerskaber?"))}
{_blocks(edition.get("introduction"))}
#pagebreak()
= Indhold
#set par(first-line-indent: 0pt)
#row("forord")[{_text(edition.get("foreword_heading", "Forord"))}]

{contents}

{back}
#set par(first-line-indent: 1.2em)
"""


def _colour(edition: dict, theme: str) -> str:
    colours = edition.get("colours", {})
    return colours.get("themes", {}).get(theme, colours.get("primary", "#1E4B3A"))


def _spread(slug: str, entry: dict, edition: dict, photos: dict[str, str]) -> str:
    image = entry.get("image")
    figure = entry["key_figures"][0]
    file = photos.get(image["file"], image["file"]) if image else None
    picture = (f'#place(top + left, dx: -19mm, dy: -21mm, image("/{file}", '
               f'width: 213mm, height: 131mm, fit: "cover", alt: {_string(image["alt"])}))'
               if image else "")
    partners = ", ".join(p["name"] for p in entry["partners"])
    themes = ", ".join(edition["themes"][key] for key in entry["themes"])
    advice = "\n".join(f"+ {_text(a)}" for a in entry["advice"])
    contact = entry["contact"]
    link = (f'\\ #link({_string(contact["url"])})[{_text(contact["url"])}]'
            if contact.get("url") else "")
    return f"""
#pagebreak(to: "even", weak: true)
{picture}
#v(120mm)
#grid(columns: (52mm, 1fr), gutter: 9mm,
  [#set text(font: "Source Sans 3", size: 8.3pt)
   #set par(first-line-indent: 0pt)
   *Kommune* \\ {_text(", ".join(entry["municipalities"]))} \\
   *Partnere* \\ {_text(partners)} \\
   *Temaer* \\ {_text(themes)} \\
   *Startet* \\ {entry["started"]}],
  [#text(font: "Source Sans 3", size: 7.5pt, weight: "semibold")[{_text(themes.upper())}]
   #heading(level: 1, {_string(entry["title"])}) #label("{slug}")
   #text(font: "Source Sans 3", size: 12pt)[{_text(entry["lead"])}]
   #v(6mm)
   #text(font: "Source Sans 3", size: 21pt, weight: "semibold")[{number(figure["value"])}]
   {_text(figure["unit"] + " " + figure["label"])}])
#pagebreak()
#grid(columns: (1fr, 52mm), gutter: 9mm,
  [== Om partnerskabet
   {_blocks(entry["about"])}
   == Sådan opstod idéen
   {_blocks(entry["origin"])}
   == Resultater
   {_blocks(entry.get("results"))}],
  [#set text(font: "Source Sans 3", size: 8.6pt)
   #set par(first-line-indent: 0pt)
   #block(fill: rgb("#F3EEE0"), inset: 4.5mm)[*Gode råd*
   {advice}]
   *Kontakt* \\ {_text(contact["organisation"])} {link}])
"""


def _back(edition: dict, entries: list[tuple[str, dict]]) -> str:
    from catalogue.read import municipalities

    def row(slug: str, e: dict) -> str:
        themes = ", ".join(edition["themes"][t] for t in e["themes"])
        return (f'link(label("{slug}"))[{_text(e["title"])}], '
                f'[{_text(", ".join(e["municipalities"]))}], [{len(e["partners"])}], '
                f'[{_text(themes)}], [{e["started"]}], pageof("{slug}")')

    rows = ",\n  ".join(row(slug, e) for slug, e in entries)
    groups: dict[str, dict[str, list[str]]] = {"Kommuner": {}, "Regioner": {}, "Temaer": {}}
    for slug, entry in entries:
        for name in entry["municipalities"]:
            groups["Kommuner"].setdefault(name, []).append(slug)
            region = municipalities.get(name).region
            groups["Regioner"].setdefault(region, []).append(slug)
        for theme in entry["themes"]:
            groups["Temaer"].setdefault(edition["themes"][theme], []).append(slug)
    titles = dict((slug, entry["title"]) for slug, entry in entries)
    register = "\n\n".join(
        f"== {heading}\n" + "\n\n".join(
            f"*{_text(key)}* \\\n" + " \\\n".join(
                f'#row("{slug}")[{_text(titles[slug])}]' for slug in groups[heading][key])
            for key in sorted(groups[heading], key=sort_key))
        for heading in groups)
    credits = " \\\n".join(f'{_text(e["title"])}: {_text(e["image"]["credit"])}'
                           for _, e in entries if e.get("image"))
    page = edition["contact_page"]
    return f"""
#pagebreak()
#set par(first-line-indent: 0pt)
= Oversigt over partnerskaberne <oversigt>
#set text(font: "Source Sans 3", size: 7.5pt)
#table(columns: (54.7mm, 32mm, 15mm, 1fr, 11.5mm, 10.5mm), stroke: none,
  table.header([*Partnerskab*], [*Kommune*], [*Partnere*], [*Temaer*], [*Start*], [*Side*]),
  {rows})
#pagebreak()
= Register <register>
#columns(3, gutter: 5.5mm)[
{register}
]
#set text(font: "Source Serif 4", size: 9.5pt)
#pagebreak()
#v(1fr)
= {_text(page["heading"])} <invitation>
{_blocks(page["text"])}

#block(fill: rgb("#F3EEE0"), inset: 4.5mm)[*{_text(page["name"])}* \\ {_text(page["role"])} \\
  #link("mailto:{page["email"]}")[{_text(page["email"])}]]
#pagebreak()
= Kolofon <kolofon>
#set text(size: 8pt)
{_text(edition["title"])} \\ {_text(edition["publisher"])} \\ {_text(edition["edition"])},
{edition["publication_date"].isoformat()}

== Fotos
{credits}

{_blocks(edition.get("colophon"))}
"""


def _entries(project: Path) -> list[tuple[str, dict]]:
    return [(path.stem, yaml.safe_load(path.read_text("utf-8")))
            for path in (project / "entries").glob("*.yaml")]


def document(project: Path, photos: dict[str, str] | None = None,
             entries: list[tuple[str, dict]] | None = None) -> str:
    """The Typst source for a bench project (catalogue.yaml, entries/*.yaml, images/);
    photos: an entry's photo file -> the file to show instead (paths in the project)."""
    edition = yaml.safe_load((project / "catalogue.yaml").read_text("utf-8"))
    entries = list(entries if entries is not None else _entries(project))
    entries.sort(key=lambda item: (sort_key(item[1]["municipalities"][0]),
                                   sort_key(item[1]["title"])))
    title = _string(edition["title"])
    parts = [PREAMBLE.format(title=title, title_markup="#" + title),
             _front(edition, entries)]
    parts += [_spread(slug, entry, edition, photos or {}) for slug, entry in entries]
    parts.append(_back(edition, entries))
    return "\n".join(parts)


def compile_pdf(project: Path, target: Path, same_photos: bool = False) -> int:
    """Compile the peer document to target (tagged, PDF/UA-1); return its page count.
    same_photos: with the download edition's copies of the photos, made first."""
    import typst  # benchmark-only dependency

    entries = _entries(project)
    photos = _download_photos(project, entries) if same_photos else {}
    source = project / "peer.typ"
    source.write_text(document(project, photos, entries), "utf-8")
    typst.compile(str(source), output=str(target), root=str(project),
                  font_paths=[str(TOOL_ROOT / "fonts")], ignore_system_fonts=True,
                  pdf_standards="ua-1")
    from pypdf import PdfReader

    return len(PdfReader(target).pages)


def _download_photos(project: Path, entries: list[tuple[str, dict]]) -> dict[str, str]:
    """The download edition's copy of every entry's photo (made as the build makes it,
    one thread per core: Pillow and simplejpeg let go of the interpreter while they work)."""
    from concurrent.futures import ThreadPoolExecutor

    from catalogue.cache import downsampled
    from catalogue.layout.editions import DOWNLOAD
    from catalogue.layout.pool import cores

    files = sorted({entry["image"]["file"] for _, entry in entries if entry.get("image")})

    def copy(file: str) -> str:
        made = downsampled(project, project / file, DOWNLOAD.photo_size, DOWNLOAD.photo_quality)
        return made.relative_to(project).as_posix()

    with ThreadPoolExecutor(cores()) as pool:
        return dict(zip(files, pool.map(copy, files)))
