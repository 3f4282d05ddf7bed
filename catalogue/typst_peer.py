"""The compiled peer for `make bench`: the same generated entries as a Typst document.

Benchmark only (the `typst` package is installed by `make bench`, not by the product). The
document mirrors the download edition's pages: A4, mirrored margins, one spread per entry
starting on a left page (photo, kicker, title, lead, facts, key figure; then the story in
the main column beside the advice and contact), in the same fonts, with hyphenated Danish
body text. It has no tags, register or contents, so the ratio flatters Typst a little.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from .danish import number
from .paths import TOOL_ROOT

PREAMBLE = """\
#set document(title: "Grønne klimapartnerskaber")
#set page(paper: "a4", margin: (top: 18mm, bottom: 24mm, inside: 22mm, outside: 16mm),
  footer: context [#set text(7.5pt, font: "Source Sans 3"); #counter(page).display()])
#set text(lang: "da", font: "Source Serif 4", size: 9.5pt, hyphenate: true)
#set par(leading: 0.42em, justify: false, first-line-indent: 1.2em)
#show heading: set text(font: "Source Sans 3", weight: "semibold", fill: rgb("#1E4B3A"))
"""


def _string(value: str) -> str:
    """value as a Typst string literal (code mode)."""
    return json.dumps(" ".join(value.split()), ensure_ascii=False)


def _text(value: str) -> str:
    """value shown literally in markup (no Typst markup is interpreted)."""
    return "#" + _string(value)


def _spread(entry: dict, image: str | None) -> str:
    paragraphs = lambda field: "\n\n".join(  # noqa: E731
        _text(p) for p in (entry.get(field) or "").split("\n\n") if p.strip())
    figure = entry["key_figures"][0]
    picture = (f'#place(top + left, dx: -19mm, dy: -21mm, image("{image}", width: 213mm, '
               f'height: 131mm, fit: "cover"))\n#v(120mm)' if image else "#v(120mm)")
    facts = ", ".join(p["name"] for p in entry["partners"])
    advice = "\n".join(f"+ {_text(a)}" for a in entry["advice"])
    return f"""
#pagebreak(to: "even", weak: true)
{picture}
#grid(columns: (52mm, 1fr), gutter: 9mm,
  [#set text(font: "Source Sans 3", size: 8.3pt)
   *Fakta* \\ {_text(", ".join(entry["municipalities"]))} \\ {_text(facts)} \\
   {entry["started"]}],
  [#text(font: "Source Sans 3", size: 7.5pt, weight: "semibold")[{_text(entry["municipalities"][0])}]
   #heading(level: 1, {_string(entry["title"])})
   #text(font: "Source Sans 3", size: 12pt)[{_text(entry["lead"])}]
   #text(font: "Source Sans 3", size: 21pt, weight: "semibold")[{number(figure["value"])}]
   {_text(figure["unit"] + " " + figure["label"])}])
#pagebreak()
#grid(columns: (1fr, 52mm), gutter: 9mm,
  [== Om partnerskabet
   {paragraphs("about")}
   == Sådan opstod idéen
   {paragraphs("origin")}
   == Resultater
   {paragraphs("results")}],
  [#set text(font: "Source Sans 3", size: 8.6pt)
   #block(fill: rgb("#F3EEE0"), inset: 4.5mm)[*Gode råd*
   {advice}]
   *Kontakt* \\ {_text(entry["contact"]["organisation"])}])
"""


def document(project: Path) -> str:
    """The Typst source for a bench project (entries/*.yaml with images/)."""
    parts = [PREAMBLE]
    for path in sorted((project / "entries").glob("*.yaml")):
        entry = yaml.safe_load(path.read_text("utf-8"))
        image = entry.get("image", {}).get("file") if entry.get("image") else None
        parts.append(_spread(entry, f"/{image}" if image else None))
    return "\n".join(parts)


def compile_pdf(project: Path, target: Path) -> int:
    """Compile the peer document to target; return its page count."""
    import typst  # benchmark-only dependency

    source = project / "peer.typ"
    source.write_text(document(project), "utf-8")
    typst.compile(str(source), output=str(target), root=str(project),
                  font_paths=[str(TOOL_ROOT / "fonts")], ignore_system_fonts=True)
    from pypdf import PdfReader

    return len(PdfReader(target).pages)
