"""Photos checked before anything is rendered: inside the project, a real JPEG or PNG,
whole, still and printable.

WeasyPrint only logs a photo it cannot read and prints the page without it, and Pillow
decodes whatever size a file claims. So every entry's photo is found here first (never
outside the project), opened with a pixel limit and decoded once in full; what cannot be
printed is reported with the entry's file, line and field like any other validation problem.
"""

from __future__ import annotations

import contextlib
import os
import re
import warnings
from pathlib import Path

from PIL import Image, ImageFile, UnidentifiedImageError

from . import cache

IMAGE_TYPES = {".jpg", ".jpeg", ".png"}
MAX_PIXELS = 60_000_000  # 60 megapixels (e.g. 9500 × 6300): more than any A4 print needs
MAX_FILE_BYTES = 50 * 1024 * 1024
# What Pillow calls the formats we accept (MPO: a camera JPEG with a second, hidden frame).
FORMATS = {"JPEG", "MPO", "PNG"}
# Colour modes WeasyPrint can put in a PDF. A CMYK JPEG is kept as CMYK (Adobe's inverted
# convention is undone by WeasyPrint); a 16-bit RGB PNG is read as 8-bit RGB by Pillow.
MODES = {"1", "L", "LA", "P", "RGB", "RGBA", "CMYK"}
_MODE_NAMES = {"I;16": "a 16-bit grey-scale picture", "I;16B": "a 16-bit grey-scale picture",
               "I;16L": "a 16-bit grey-scale picture", "I": "a 32-bit grey-scale picture",
               "F": "a floating-point picture"}
_FIX = "export the photo again as an ordinary JPEG or PNG"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")  # http:, file:, data: (not C: of Windows)
_WEB = re.compile(r"(https?|ftp)://", re.IGNORECASE)
_NOT_IN_PATHS = "#?%\\"  # they would change the file URL WeasyPrint reads the photo from


def check(root: Path, file: str) -> str | None:
    """What is wrong with an entry's photo (its path, then its content), or None.

    Nothing outside the project is ever read: not a web address, not an absolute path,
    not ../, not a link that leads out of the folder.
    """
    if _SCHEME.match(file):
        where = "a web address" if _WEB.match(file) else "a link, not a file in the project"
        return (f"{file!r} is {where}; the build never downloads or reads anything outside "
                "the project: save the photo in images/ and write its path, e.g. "
                "images/photo.jpg")
    odd = next((c for c in file if c in _NOT_IN_PATHS), None)
    if odd:
        return (f"{file!r} contains {odd!r}, which cannot be used in the path of a photo; "
                "rename the file with letters, digits, - and _ (and / between folders)")
    lexical, target = Path(os.path.normpath(root / file)), (root / file).resolve()
    if not target.is_relative_to(root):
        if lexical.is_relative_to(root):
            return (f"{file!r} is a link to a file outside the project folder; copy the "
                    "photo itself into images/")
        return f"{file!r} is outside the project folder; copy the photo into images/"
    if target.suffix.lower() not in IMAGE_TYPES:
        return f"{file!r} is not a JPEG or PNG photo; save it as .jpg or .png"
    if not target.exists():
        return f"{file!r} was not found; check the spelling and that the file is in the project"
    if not target.is_file():
        return f"{file!r} is not an ordinary file; save the photo itself in images/"
    return _remembered(root, target, file)


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
        return (f"{name!r} is {size // (1024 * 1024)} MB; a photo may be at most "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB: {_FIX}, at most 6000 pixels wide")
    try:
        with warnings.catch_warnings(), Image.open(path) as image:  # reads the header only
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # we say it
            found = _header_problem(image, name)
            if found:
                return found
            _decode(image)
    except Image.DecompressionBombError:
        return _too_large(name, "claims to have more than "
                          f"{2 * Image.MAX_IMAGE_PIXELS // 1_000_000} megapixels")
    except UnidentifiedImageError:
        return (f"{name!r} is not a picture, although its name ends in "
                f"{path.suffix.lower()} (a web page or text file saved under that name?); "
                "save the photo itself as JPEG or PNG")
    except Exception:  # Pillow's decoders raise anything from OSError to SyntaxError
        return (f"{name!r} is damaged or incomplete (the picture data stops early or cannot "
                "be read); copy the file again from where it came from")
    return None


def _header_problem(image: Image.Image, name: str) -> str | None:
    """Problems visible from the header: type, animation, pixel count, colour mode."""
    if image.format not in FORMATS:
        return f"{name!r} is a {image.format} picture, not JPEG or PNG; {_FIX}"
    width, height = image.size
    if width * height > MAX_PIXELS:
        return _too_large(name, f"has {width} × {height} pixels "
                          f"({width * height // 1_000_000} megapixels)")
    if image.format == "PNG" and getattr(image, "is_animated", False):
        return (f"{name!r} is an animated picture; a printed page shows one still photo: "
                "save one frame as JPEG or PNG")
    if image.mode not in MODES:
        kind = _MODE_NAMES.get(image.mode, f"a picture in colour mode {image.mode}")
        return f"{name!r} is {kind}, which cannot be printed; {_FIX} (8 bits per colour)"
    return None


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
    return (f"{name!r} {what}; at most {MAX_PIXELS // 1_000_000} megapixels can be used: "
            "scale it down (6000 pixels wide is plenty for a full A4 page)")
