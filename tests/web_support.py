"""The web edition's test projects, built once per test session (conftest.py): the
repository's own catalogue, and a small one with photos (JPEG and PNG), a quote, links,
sources, a file name with a space and æ, several regions, and web.base_url set."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from PIL import Image

from catalogue.build import build
from catalogue.paths import TOOL_ROOT
from synthetic import make_project

BASE_URL = "https://www.kl.dk/klimapartnerskaber"
STATEMENT = "https://www.was.digst.dk/kl-dk"
ODD_SLUG = "grøn energi"  # a file name with a space and æ/ø: quoted in every address


def sample_site(out: Path) -> Path:
    """The repository's catalogue built (strict, with the booklets) into out; its site."""
    build(TOOL_ROOT, strict=True, say=lambda message: None, output=out, booklet=True)
    return out / "web"


def photo_project(folder: Path) -> Path:
    """Three synthetic partnerships with photos and every optional field, web.base_url."""
    folder.mkdir(parents=True, exist_ok=True)
    make_project(folder, 3)
    config = (folder / "catalogue.yaml").read_text("utf-8")
    (folder / "catalogue.yaml").write_text(
        config + f"\nweb:\n  base_url: {BASE_URL}\n  accessibility_statement: {STATEMENT}\n",
        "utf-8")
    entries = folder / "entries"
    first = yaml.safe_load((entries / "partnerskab-001.yaml").read_text("utf-8"))
    first.update(
        title="Grøn energi i Aabenraa og Næstved", municipalities=["Aabenraa", "Næstved"],
        partners=[{"name": "Fjernvarme Syd A/S", "url": "https://example.dk/fjernvarme",
                   "role": "leverandør"}, {"name": "Æblegården ApS"}],
        about="Fjernvarmen fra *overskudsvarme* dækker 4.000 husstande. Læs [rapporten]"
              "(https://example.dk/rapport).\n\n- første punkt\n- andet punkt",
        quote={"text": "Vi sparer 21,5 % af vores CO2-udledning", "by": "direktør, Æblegården"},
        contact={"name": "Anne Åris", "organisation": "Aabenraa Kommune",
                 "email": "klima@aabenraa.dk", "phone": "+45 73 76 76 76",
                 "url": "https://aabenraa.dk/klima"},
        links=[{"label": "aabenraa.dk/klima", "url": "https://aabenraa.dk/klima"}],
        sources=["https://example.dk/kilde/en-meget-lang-adresse-til-en-rapport-om-fjernvarme"])
    (entries / "partnerskab-001.yaml").unlink()
    (entries / f"{ODD_SLUG}.yaml").write_text(yaml.safe_dump(first, allow_unicode=True), "utf-8")
    second = yaml.safe_load((entries / "partnerskab-002.yaml").read_text("utf-8"))
    Image.open(folder / "images" / "foto-002.jpg").save(folder / "images" / "foto-002.png")
    second["image"] = {"file": "images/foto-002.png", "alt": "Et foto i PNG",
                       "credit": "Test", "caption": "Billedtekst"}
    (entries / "partnerskab-002.yaml").write_text(yaml.safe_dump(second, allow_unicode=True),
                                                  "utf-8")
    return folder


def photo_site(folder: Path) -> Path:
    """The photo project built (every edition, the booklets); its site."""
    build(photo_project(folder), strict=True, say=lambda message: None, booklet=True)
    return folder / "output" / "web"


def copy_site(site: Path, target: Path) -> Path:
    """A copy of a site (the PDFs too), to change without harming the session's."""
    shutil.copytree(site, target)
    return target
