"""One font subset per typeface in a joined PDF, instead of one per part.

Every part embeds its own subset of each typeface it uses. Joined, a 100-spread catalogue
would carry each font a hundred times over. WeasyPrint keeps glyph ids when it subsets
(HarfBuzz's retain-gids), so the parts' text all points into the same glyph numbering:
one subset of the original font with the union of the glyphs, one width table and one
Unicode map (for search and screen readers) can serve every page.

Fonts that are not among the project's font files (a system fallback), or that WeasyPrint
wrote with its own encoding for missing glyphs, keep their per-part subsets.
"""

from __future__ import annotations

import hashlib
import io
import re
import string
from pathlib import Path

import pikepdf
import uharfbuzz as harfbuzz
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name

from .. import cache

IDENTITY = Name("/Identity-H")
_TO_UNICODE = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
# Tables a PDF does not need (as WeasyPrint drops them).
_DROP = ["BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT",
         "SVG "]


def merge(out: pikepdf.Pdf, font_files: list[Path], root: Path) -> None:
    """Replace the parts' subsets of each known font by one subset (in place)."""
    originals = _by_postscript_name(font_files)
    groups: dict[str, list] = {}
    resources = []
    for page in out.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font")
        if fonts is None:
            continue
        resources.append(fonts)
        for font in fonts.values():
            name = _name(font)
            if font.get("/Encoding") == IDENTITY and "/CIDSet" not in _descriptor(font):
                group = groups.setdefault(name, [])
                if not any(font.objgen == f.objgen for f in group):
                    group.append(font)
    merged = {}
    for name, fonts in sorted(groups.items()):
        original = originals.get(_embedded_name(fonts[0]))
        if len(fonts) > 1 and original is not None and len({_metrics(f) for f in fonts}) == 1:
            merged[name] = _merged(out, fonts, original, root)
    for fonts in resources:
        for key in list(fonts.keys()):
            name = _name(fonts[key])
            if name in merged and fonts[key].get("/Encoding") == IDENTITY:
                fonts[key] = merged[name]


def _name(font) -> str:
    return str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1]


def _embedded_name(font) -> str | None:
    """The PostScript name inside the embedded font program (the PDF's BaseFont is the
    CSS family WeasyPrint knows it by)."""
    try:
        data = _descriptor(font).FontFile3.read_bytes()
        with TTFont(io.BytesIO(data), lazy=True) as program:
            return str(program["name"].getDebugName(6))
    except Exception:  # noqa: BLE001 - an unreadable program is left as it is
        return None


def _metrics(font) -> tuple:
    """What WeasyPrint reads from the font file itself: the same for every subset of one
    file, so a name shared by two different files is never merged."""
    descriptor = _descriptor(font)
    return tuple(str(descriptor.get(key)) for key in
                 ("/FontFamily", "/Flags", "/ItalicAngle", "/Ascent", "/Descent", "/StemV"))


def _descriptor(font):
    return font.DescendantFonts[0].FontDescriptor


def _by_postscript_name(files: list[Path]) -> dict[str, Path]:
    found = {}
    for path in files:
        try:
            with TTFont(path, lazy=True) as font:
                found[str(font["name"].getDebugName(6))] = path
        except Exception:  # noqa: BLE001 - not a font we can read: leave its subsets alone
            continue
    return found


def _merged(out: pikepdf.Pdf, fonts: list, original: Path, root: Path):
    """One Type0 font for all of fonts: their glyphs, widths and Unicode map together."""
    widths: dict[int, float] = {}
    to_unicode: dict[int, bytes] = {}
    for font in fonts:
        widths.update(_widths(font.DescendantFonts[0].W))
        for block in _BFCHAR.findall(font.ToUnicode.read_bytes()):
            for glyph, text in _TO_UNICODE.findall(block):
                to_unicode.setdefault(int(glyph, 16), text.lower())
    glyphs = sorted(set(widths) | set(to_unicode) | {0})
    data = _subset(original, glyphs, root)
    tag = "".join(string.ascii_uppercase[b % 26] for b in
                  hashlib.sha256(repr(glyphs).encode()).digest()[:6])
    base = Name(f"/{tag}+{_name(fonts[0])}")
    first = fonts[0]
    descriptor = Dictionary({k: v for k, v in _descriptor(first).items()})
    descriptor.FontName = base
    descriptor.FontFile3 = out.make_stream(data, Subtype=Name.OpenType)
    box = [float(v) for v in descriptor.FontBBox]
    box[2] = max([box[2], *widths.values()])
    descriptor.FontBBox = Array(box)
    cid_font = Dictionary({k: v for k, v in first.DescendantFonts[0].items()})
    cid_font.BaseFont = base
    cid_font.W = _width_array(widths)
    cid_font.FontDescriptor = out.make_indirect(descriptor)
    font = Dictionary({k: v for k, v in first.items()})
    font.BaseFont = base
    font.DescendantFonts = Array([out.make_indirect(cid_font)])
    font.ToUnicode = out.make_stream(_cmap(to_unicode))
    return out.make_indirect(font)


def _widths(array) -> dict[int, float]:
    """A /W array ([first [w ...]] or [first last w]) as glyph -> width."""
    found, items, index = {}, list(array), 0
    while index < len(items):
        first = int(items[index])
        if isinstance(items[index + 1], Array):
            for offset, width in enumerate(items[index + 1]):
                found[first + offset] = float(width)
            index += 2
        else:
            last, width = int(items[index + 1]), float(items[index + 2])
            for glyph in range(first, last + 1):
                found[glyph] = width
            index += 3
    return found


def _width_array(widths: dict[int, float]) -> Array:
    result, run, previous = [], None, None
    for glyph in sorted(widths):
        if previous is None or glyph != previous + 1:
            run = []
            result += [glyph, run]
        run.append(_number(widths[glyph]))
        previous = glyph
    return Array([Array(item) if isinstance(item, list) else item for item in result])


def _number(value: float):
    return int(value) if value == int(value) else round(value, 3)


def _cmap(to_unicode: dict[int, bytes]) -> bytes:
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)",
             b"/Supplement 0", b">> def", b"/CMapName /Adobe-Identity-UCS def",
             b"/CMapType 2 def", b"1 begincodespacerange", b"<0000> <ffff>",
             b"endcodespacerange"]
    items = sorted(to_unicode.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (glyph, text) for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _subset(original: Path, glyphs: list[int], root: Path) -> bytes:
    """The original font cut down to glyphs, keeping their ids (as WeasyPrint does, with
    HarfBuzz: a hundred times faster than fontTools here); cached by content."""
    source = original.read_bytes()
    target = root / cache.FOLDER / "fonts" / cache.key(source, repr(glyphs), harfbuzz.__version__)
    data = cache.kept(target)
    if data is not None:
        return data
    subset_input = harfbuzz.SubsetInput()
    subset_input.glyph_set.update(glyphs)
    subset_input.drop_table_tag_set.update(int.from_bytes(t.encode(), "big") for t in _DROP)
    subset_input.flags = (harfbuzz.SubsetFlags.RETAIN_GIDS | harfbuzz.SubsetFlags.NO_HINTING
                          | harfbuzz.SubsetFlags.DESUBROUTINIZE
                          | harfbuzz.SubsetFlags.NOTDEF_OUTLINE
                          | harfbuzz.SubsetFlags.PASSTHROUGH_UNRECOGNIZED)
    face = harfbuzz.subset(harfbuzz.Face(harfbuzz.Blob(source)), subset_input)
    if face is None:
        raise ValueError(f"HarfBuzz could not subset {original.name}")
    data = face.blob.data
    cache.keep(target, data)
    return data
