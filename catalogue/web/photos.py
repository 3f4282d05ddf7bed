"""The web edition's photos in two sizes, for the browser to choose (srcset): the download
edition's copy (about 1430 pixels wide, made by the build already) and one half as wide for
a phone, made from that copy and kept in the cache."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .. import cache
from ..editions import DOWNLOAD
from ..load import EntryDoc

SMALL = 720  # pixels wide at least: a phone's width at 2x
QUALITY = 78


@dataclass(frozen=True)
class Photo:
    """One size of a photo: its file name in the site, its bytes and its pixels."""

    name: str
    data: bytes
    width: int
    height: int


def sizes(root: Path, doc: EntryDoc) -> list[Photo]:
    """The entry's photo, small then large, named after the entry."""
    source = root / doc.entry.image.file
    large = cache.downsampled_path(root, source, DOWNLOAD.photo_size, DOWNLOAD.photo_quality)
    if not large.is_file():  # the spread came from the cache without it
        large = cache.downsampled(root, source, DOWNLOAD.photo_size, DOWNLOAD.photo_quality)
    data = large.read_bytes()
    kept = root / cache.FOLDER / "web" / "photos" / cache.key(
        "web-photo", data, str(SMALL), str(QUALITY))
    small = cache.kept(kept)
    if small is None:
        small = _smaller(data, large.suffix)
        cache.keep(kept, small)
    suffix = large.suffix
    return [_photo(f"{doc.slug}-{size}{suffix}", image)
            for size, image in (("lille", small), ("stor", data))]


def _smaller(data: bytes, suffix: str) -> bytes:
    """A JPEG decoded straight at the smallest of libjpeg's n/8 scales at least SMALL wide
    (no resampling) and compressed again; a PNG made smaller by Pillow."""
    if suffix == ".jpg":
        import simplejpeg

        try:
            pixels = simplejpeg.decode_jpeg(data, min_width=SMALL)
            return simplejpeg.encode_jpeg(pixels, quality=QUALITY, colorsubsampling="420")
        except ValueError:  # what libjpeg-turbo alone refuses (CMYK made RGB): Pillow
            pass
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((SMALL, SMALL * 4), Image.Resampling.LANCZOS)
        stream = io.BytesIO()
        image.save(stream, format="PNG" if suffix == ".png" else "JPEG", quality=QUALITY)
        return stream.getvalue()


def _photo(name: str, data: bytes) -> Photo:
    with Image.open(io.BytesIO(data)) as image:  # reads the header only
        return Photo(name, data, image.width, image.height)
