"""Synthetic catalogues for the tests and the benchmark: plausible entries of typical length
and photo-like JPEGs, deterministic for a given number."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFilter

from catalogue.read import municipalities
from catalogue.paths import TOOL_ROOT

WORDS = ("kommunen virksomhederne partnerskabet energi varme affald ressourcer samarbejde "
         "klimaplan omstilling udledning reduktion netværk lokale erhvervsområde forsyning "
         "transport indkøb strategi projekt borgere investering løsning").split()


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraphs(rng: random.Random, count: int, words: int = 45) -> str:
    return "\n\n".join(" ".join(_sentence(rng, rng.randint(8, 14))
                                for _ in range(words // 11)) for _ in range(count))


def synthetic_entry(n: int, themes: list[str]) -> dict:
    """A plausible entry of typical length; deterministic for a given n."""
    rng = random.Random(n)
    names = list(municipalities.all_municipalities())
    return {
        "title": f"Klimapartnerskab nr. {n}",
        "municipalities": [rng.choice(names)],
        "partners": [{"name": f"Virksomhed {n}-{i} A/S"} for i in range(rng.randint(2, 6))],
        "themes": rng.sample(themes, 2),
        "started": rng.randint(2008, 2024),
        "lead": _sentence(rng, 30),
        "about": _paragraphs(rng, 2),
        "origin": _paragraphs(rng, 2, 35),
        "results": _paragraphs(rng, 1),
        "key_figures": [{"value": rng.randint(10, 250000), "unit": "tons",
                         "label": "CO₂ om året"}],
        "advice": [_sentence(rng, 12) for _ in range(3)],
        "contact": {"organisation": "Kommunens klimasekretariat", "url": "https://www.kl.dk"},
    }


def synthetic_photo(path: Path, n: int, size=(2400, 1600)) -> None:
    """A photo-like JPEG: soft shapes over a gradient with grain (compresses like a photo)."""
    rng = random.Random(n)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(30, 300)
        draw.ellipse([x - r, y - r, x + r, y + r],
                     fill=tuple(rng.randrange(256) for _ in range(3)))
    grain = Image.effect_noise(size, 10).convert("RGB")
    Image.blend(image.filter(ImageFilter.BoxBlur(4)), grain, 0.06).save(path, quality=90)


def make_project(folder: Path, count: int, photos: bool = True) -> Path:
    """A project folder with the repository's catalogue.yaml and count synthetic entries,
    each with one 2400 x 1600 photo."""
    shutil.copy(TOOL_ROOT / "catalogue.yaml", folder / "catalogue.yaml")
    themes = list(yaml.safe_load((folder / "catalogue.yaml").read_text("utf-8"))["themes"])
    (folder / "entries").mkdir()
    (folder / "images").mkdir()
    for n in range(1, count + 1):
        entry = synthetic_entry(n, themes)
        if photos:
            synthetic_photo(folder / "images" / f"foto-{n:03d}.jpg", n)
            entry["image"] = {"file": f"images/foto-{n:03d}.jpg", "alt": f"Foto {n}",
                              "credit": "Benchmark"}
        (folder / "entries" / f"partnerskab-{n:03d}.yaml").write_text(
            yaml.safe_dump(entry, allow_unicode=True), "utf-8")
    return folder
