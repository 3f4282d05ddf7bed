"""The web edition's fonts: the catalogue's own typefaces as small WOFF2 files, served by
the site itself (no font from anywhere else).

Each is the OpenType font subset to the characters a Danish text uses (Latin, Latin-1,
Latin Extended-A, punctuation, sub- and superscripts such as the 2 of CO₂) and renamed
Catalogue Sans / Catalogue Serif: under the SIL Open Font License a modified font may not
carry the Reserved Font Name ('Source'); the copyright and licence stay in it. Making one
takes about a second, so the tool's are made once (`make webfonts`) and kept in
fonts/web/ with the digest of the font each was made from (sources.json); a project's own
fonts, or a changed one, are made by the build and kept in the cache.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from .. import cache

SUBSET_VERSION = "1"
UNICODES = [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2000, 0x2070),
            *range(0x2070, 0x20A0), 0x20AC, 0x2122, *range(0x2190, 0x2194), 0x2212]
NAME_IDS = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # names, copyright, version, licence
RENAMES = (("Source Serif 4 SmText", "Catalogue Serif"), ("SourceSerif4SmText", "CatalogueSerif"),
           ("Source Sans 3", "Catalogue Sans"), ("SourceSans3", "CatalogueSans"))


@dataclass(frozen=True)
class WebFont:
    """One face of the site: the CSS family, weight and style, and the font it is made of."""

    family: str
    weight: int
    style: str
    source: str

    @property
    def file(self) -> str:
        """The WOFF2 file's name, e.g. CatalogueSans-Semibold.woff2."""
        stem = Path(self.source).stem
        for old, new in RENAMES:
            stem = stem.replace(old, new)
        return f"{stem}.woff2"


# The faces layouts/web/site.css names (its @font-face rules say the same).
FONTS = (WebFont("Catalogue Sans", 300, "normal", "SourceSans3-Light.otf"),
         WebFont("Catalogue Sans", 400, "normal", "SourceSans3-Regular.otf"),
         WebFont("Catalogue Sans", 600, "normal", "SourceSans3-Semibold.otf"),
         WebFont("Catalogue Serif", 400, "normal", "SourceSerif4SmText-Regular.otf"),
         WebFont("Catalogue Serif", 400, "italic", "SourceSerif4SmText-It.otf"),
         WebFont("Catalogue Serif", 600, "normal", "SourceSerif4SmText-Semibold.otf"))


def webfonts(fonts: Path, root: Path) -> dict[str, bytes]:
    """Each face's WOFF2 file, by its name in the site: the one made in advance in
    fonts/web/ when it was made from the font as it is now, else one made and kept in the
    project's cache."""
    made = _made_in_advance(fonts)
    found = {}
    for face in FONTS:
        source = fonts / face.source
        ready = fonts / "web" / face.file
        if made.get(face.source) == cache.digest(source) and ready.is_file():
            found[face.file] = ready.read_bytes()
        else:
            found[face.file] = _cached(source, root)
    return found


def _made_in_advance(fonts: Path) -> dict[str, str]:
    try:
        return json.loads((fonts / "web" / "sources.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _cached(source: Path, root: Path) -> bytes:
    from importlib.metadata import version

    kept = root / cache.FOLDER / "web" / "fonts" / cache.key(
        "webfont", cache.digest(source), SUBSET_VERSION, version("fonttools"))
    data = cache.kept(kept)
    if data is None:
        data = make(source)
        cache.keep(kept, data)
    return data


def make(source: Path) -> bytes:
    """The font at source subset, renamed and compressed as WOFF2 (the same bytes every
    time: no timestamp is changed)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source, recalcTimestamp=False)
    options = subset.Options(layout_features=[*subset.Options().layout_features, "tnum"],
                             name_IDs=NAME_IDS, notdef_outline=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    _rename(font)
    font.flavor = "woff2"
    stream = io.BytesIO()
    font.save(stream)
    return stream.getvalue()


def _rename(font) -> None:
    """The Reserved Font Name out of every name a user is shown (the name table and CFF)."""
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6, 16, 17, 18, 21):
            text = record.toUnicode()
            for old, new in RENAMES:
                text = text.replace(old, new)
            record.string = text
    if "CFF " in font:
        cff = font["CFF "].cff
        top = cff[cff.fontNames[0]]
        name = cff.fontNames[0]
        for old, new in RENAMES:
            name = name.replace(old, new)
            for key in ("FullName", "FamilyName"):
                if hasattr(top, key):
                    setattr(top, key, getattr(top, key).replace(old, new))
        cff.fontNames = [name]


def make_all(fonts: Path) -> list[Path]:
    """Make the tool's web fonts in fonts/web/ with their sources' digests (make webfonts)."""
    folder = fonts / "web"
    folder.mkdir(exist_ok=True)
    written, digests = [], {}
    for face in FONTS:
        source = fonts / face.source
        (folder / face.file).write_bytes(make(source))
        digests[face.source] = hashlib.sha256(source.read_bytes()).hexdigest()
        written.append(folder / face.file)
    (folder / "sources.json").write_text(json.dumps(digests, indent=2) + "\n", "utf-8")
    return written


if __name__ == "__main__":
    from ..paths import TOOL_ROOT

    for path in make_all(TOOL_ROOT / "fonts"):
        print(f"{path.relative_to(TOOL_ROOT)}: {path.stat().st_size // 1024} KB")
