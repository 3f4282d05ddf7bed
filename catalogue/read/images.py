"""Pictures checked before anything is rendered: photos inside the project, real JPEGs or
PNGs, whole, still and printable; theme illustrations, SVGs that refer to nothing outside.

WeasyPrint only logs a photo it cannot read and prints the page without it, and Pillow
decodes whatever size a file claims. So every entry's photo is found here first (never
outside the project), opened with a pixel limit and decoded once in full; what cannot be
printed is reported with the entry's file, line and field like any other validation problem.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import warnings
from pathlib import Path
from xml.etree import ElementTree

from PIL import Image, ImageFile, UnidentifiedImageError

from .. import cache
from ..i18n import N_, _

IMAGE_TYPES = {".jpg", ".jpeg", ".png"}
MAX_PIXELS = 60_000_000  # 60 megapixels (e.g. 9500 × 6300): more than any A4 print needs
MAX_FILE_BYTES = 50 * 1024 * 1024
# What Pillow calls the formats we accept (MPO: a camera JPEG with a second, hidden frame).
FORMATS = {"JPEG", "MPO", "PNG"}
# Colour modes WeasyPrint can put in a PDF. A CMYK JPEG is kept as CMYK (Adobe's inverted
# convention is undone by WeasyPrint); a 16-bit RGB PNG is read as 8-bit RGB by Pillow.
MODES = {"1", "L", "LA", "P", "RGB", "RGBA", "CMYK"}
_MODE_NAMES = {"I;16": N_("a 16-bit grey-scale picture"),
               "I;16B": N_("a 16-bit grey-scale picture"),
               "I;16L": N_("a 16-bit grey-scale picture"),
               "I": N_("a 32-bit grey-scale picture"), "F": N_("a floating-point picture")}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")  # http:, file:, data: (not C: of Windows)
# A path on the editor's own computer: C:\Users\..., \\server\share\..., /Users/..., ~/...
_OWN_COMPUTER = re.compile(r"([A-Za-z]:[\\/]|\\\\|/|~)")
_WEB = re.compile(r"(https?|ftp)://", re.IGNORECASE)
_NOT_IN_PATHS = "#?%\\"  # they would change the file URL WeasyPrint reads the photo from
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


def check(root: Path, file: str) -> str | None:
    """What is wrong with an entry's photo (its path, then its content), or None.

    Nothing outside the project is ever read: not a web address, not an absolute path,
    not ../, not a link that leads out of the folder.
    """
    found = _path_problem(file)
    if found:
        return found
    lexical, target = Path(os.path.normpath(root / file)), (root / file).resolve()
    if not target.is_relative_to(root):
        if lexical.is_relative_to(root):
            return _("{file} is a link to a file outside the project folder; copy the photo "
                     "itself into images/").format(file=_as_typed(file))
        return _("{file} is outside the project folder; copy the photo into images/").format(
            file=_as_typed(file))
    if target.suffix.lower() not in IMAGE_TYPES:
        return _("{file} is not a JPEG or PNG photo; save it as .jpg or .png").format(
            file=_as_typed(file))
    if not target.exists():
        return _not_found(root, file)
    if not target.is_file():
        return _("{file} is not an ordinary file; save the photo itself in images/").format(
            file=_as_typed(file))
    return _remembered(root, target, file)


def _path_problem(file: str) -> str | None:
    """What is wrong with the path as written, before looking for the file."""
    if _OWN_COMPUTER.match(file):
        return _("{file} is a place on your own computer, which the build cannot use; copy "
                 "the photo into the folder images/ in the project and write {example}"
                 ).format(file=_as_typed(file), example=_example(file))
    if _SCHEME.match(file):
        if _WEB.match(file):
            return _("{file} is a web address; the build never downloads anything: save the "
                     "photo in images/ and write its path, e.g. images/photo.jpg").format(
                         file=_as_typed(file))
        return _("{file} is a link, not a file in the project; the build never reads "
                 "anything outside the project: save the photo in images/ and write its "
                 "path, e.g. images/photo.jpg").format(file=_as_typed(file))
    if "\\" in file:
        return _("{file} has \\ between folders, as Windows writes paths; write / instead: "
                 "{fixed}").format(file=_as_typed(file), fixed=file.replace("\\", "/"))
    odd = next((c for c in file if c in _NOT_IN_PATHS), None)
    if odd:
        return _("{file} contains {char}, which cannot be used in the path of a photo; rename "
                 "the file with letters, digits, - and _ (and / between folders)").format(
                     file=_as_typed(file), char=_as_typed(odd))
    return None


def _fix() -> str:
    return _("export the photo again as an ordinary JPEG or PNG")


def _as_typed(text: str) -> str:
    """A path or character quoted as the editor typed it (repr would double backslashes)."""
    return f"'{text}'"


def _example(file: str) -> str:
    """images/ and the photo's own name, from a path on the editor's computer."""
    name = re.split(r"[\\/]", file)[-1] or "photo.jpg"
    return f"images/{name}"


def _not_found(root: Path, file: str) -> str:
    """The photo is not there: the file that is, when only upper and lower case differ,
    else the closest name in the same folder."""
    folder = (root / file).parent
    wanted = Path(file).name
    try:
        there = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() \
            else []
        same = _same_but_case(root, file)
    except OSError:  # a folder we may not read: say only what we know
        there, same = [], None
    if same:
        return _("{file} was not found, but {other} is there: upper and lower case must be "
                 "written exactly as in the file's name").format(
                     file=_as_typed(file), other=_as_typed(same))
    close = difflib.get_close_matches(wanted, there, n=1, cutoff=0.75)
    if close:
        return _("{file} was not found; did you mean {other}?").format(
            file=_as_typed(file), other=_as_typed(str(Path(file).parent / close[0])))
    return _("{file} was not found; check the spelling and that the file is in the "
             "project").format(file=_as_typed(file))


def _same_but_case(root: Path, file: str) -> str | None:
    """The project's path that differs from file only in upper and lower case, if any."""
    current, found = root, []
    for part in Path(file).parts:
        match = next((p for p in current.iterdir() if p.name.casefold() == part.casefold()),
                     None) if current.is_dir() else None
        if match is None:
            return None
        current, found = match, found + [match.name]
    return "/".join(found) if current.is_file() else None


def _remembered(root: Path, target: Path, file: str) -> str | None:
    """problem(), skipped for a photo whose exact bytes passed before (cache.py): decoding
    every photo in full made `check` slow on a large catalogue."""
    if target.stat().st_size > MAX_FILE_BYTES:
        return problem(target, file)
    marker = root / cache.FOLDER / "checked" / cache.key(cache.digest(target), "photo-ok")
    if marker.is_file():
        return None
    found = problem(target, file)
    if found is None:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a project folder we may not write to is checked all the same
    return found


def problem(path: Path, name: str) -> str | None:
    """What is wrong with the picture at path (named name in the entry), or None."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return _("{file} is {size} MB; a photo may be at most {limit} MB: {fix}, at most "
                 "6000 pixels wide").format(file=_as_typed(name), size=size // (1024 * 1024),
                                            limit=MAX_FILE_BYTES // (1024 * 1024), fix=_fix())
    try:
        with warnings.catch_warnings(), Image.open(path) as image:  # reads the header only
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # we say it
            found = _header_problem(image, name)
            if found:
                return found
            _decode(image)
    except Image.DecompressionBombError:
        return _too_large(name, _("claims to have more than {count} megapixels").format(
            count=2 * Image.MAX_IMAGE_PIXELS // 1_000_000))
    except UnidentifiedImageError:
        return _("{file} is not a picture, although its name ends in {suffix} (a web page "
                 "or text file saved under that name?); save the photo itself as JPEG or "
                 "PNG").format(file=_as_typed(name), suffix=path.suffix.lower())
    except Exception:  # Pillow's decoders raise anything from OSError to SyntaxError
        return _("{file} is damaged or incomplete (the picture data stops early or cannot "
                 "be read); copy the file again from where it came from").format(
                     file=_as_typed(name))
    return None


def _header_problem(image: Image.Image, name: str) -> str | None:
    """Problems visible from the header: type, animation, pixel count, colour mode."""
    if image.format not in FORMATS:
        return _("{file} is a {kind} picture, not JPEG or PNG; {fix}").format(
            file=_as_typed(name), kind=image.format, fix=_fix())
    width, height = image.size
    if width * height > MAX_PIXELS:
        return _too_large(name, _("has {width} × {height} pixels ({count} megapixels)")
                          .format(width=width, height=height,
                                  count=width * height // 1_000_000))
    if image.format == "PNG" and getattr(image, "is_animated", False):
        return _("{file} is an animated picture; a printed page shows one still photo: save "
                 "one frame as JPEG or PNG").format(file=_as_typed(name))
    if image.mode not in MODES:
        kind = (_(_MODE_NAMES[image.mode]) if image.mode in _MODE_NAMES else
                _("a picture in colour mode {mode}").format(mode=image.mode))
        return _("{file} is {kind}, which cannot be printed; {fix} (8 bits per colour)").format(
            file=_as_typed(name), kind=kind, fix=_fix())
    return None


def pixel_size(path: Path) -> tuple[int, int] | None:
    """A photo's width and height in pixels as printed (upright: EXIF rotation applied),
    from its header; None when it cannot be read (check() says why)."""
    try:
        with warnings.catch_warnings(), Image.open(path) as image:
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            width, height = image.size
            turned = image.getexif().get(0x0112) in (5, 6, 7, 8)  # Orientation: 90° or 270°
    except Exception:  # noqa: BLE001 - Pillow raises anything on a damaged file
        return None
    return (height, width) if turned else (width, height)


def _decode(image: Image.Image) -> None:
    """Decode every byte, so that a truncated or damaged file fails now, not in the PDF."""
    if image.format in ("JPEG", "MPO"):
        image.draft(image.mode, (image.width // 8, image.height // 8))  # 1/8 scale: quick
    with truncated_images_refused():
        image.load()


@contextlib.contextmanager
def truncated_images_refused():
    """Importing WeasyPrint tells Pillow to pad a truncated file silently; not here. The
    setting is one for the whole process: photos checked in threads (load.py) are checked
    inside one such block, so that no thread puts it back while another decodes."""
    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _too_large(name: str, what: str) -> str:
    return _("{file} {what}; at most {limit} megapixels can be used: scale it down (6000 "
             "pixels wide is plenty for a full A4 page)").format(
                 file=_as_typed(name), what=what, limit=MAX_PIXELS // 1_000_000)


def svg_problem(data: bytes) -> str | None:
    """Why an SVG may not be drawn, or None: it may only refer to its own parts (#id).

    WeasyPrint fetches an SVG's <image>, <use>, @import and url() references itself,
    and only logs a failure while drawing; so they are refused here, before any fetch.
    """
    if b"<!ENTITY" in data or b"<?xml-stylesheet" in data:
        return _("the SVG declares entities or a stylesheet; remove the <!ENTITY or "
                 "<?xml-stylesheet lines")
    try:
        tree = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return _("the SVG is not well-formed XML ({error})").format(error=exc)
    for element in tree.iter():
        texts = list(element.attrib.items())
        if str(element.tag).rsplit("}", 1)[-1] == "style":
            texts.append(("style", element.text or ""))
        for name, value in texts:
            local = str(name).rsplit("}", 1)[-1]
            targets = _CSS_URL.findall(value)
            if local in ("href", "src") and value.strip():
                targets.append(value.strip())
            if "@import" in value.lower():
                targets.append("@import")
            for target in targets:
                if not target.startswith("#"):
                    return _("the SVG refers to {target}; an SVG may only refer to its own "
                             "parts (#id), so embed or draw the picture in the SVG itself"
                             ).format(target=target)
    return None
