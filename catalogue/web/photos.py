"""The web edition's photos in two sizes, for the browser to choose (srcset): the download
edition's copy (about 1430 pixels wide, made by the build already) and one half as wide for
a phone, made from that copy and kept in the cache."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .. import cache
from ..layout.editions import DOWNLOAD
from ..read.load import EntryDoc

SMALL = 720  # pixels wide at least: a phone's width at 2x
QUALITY = 78
FOLDER = "web/photos"  # in the cache


@dataclass(frozen=True)
class Photo:
    """One size of a photo: its file name in the site, its bytes and its pixels."""

    name: str
    data: bytes
    width: int
    height: int


def sizes(root: Path, doc: EntryDoc) -> list[Photo]:
    """The entry's photo, small then large, named after the entry."""
    large = _large(root, doc)
    if not large.is_file():  # the spread came from the cache without it
        source = root / doc.entry.image.file
        large = cache.downsampled(root, source, DOWNLOAD.photo_size, DOWNLOAD.photo_quality)
    data = large.read_bytes()
    kept = _kept(root, large)
    small = cache.kept(kept)
    if small is None:
        small = _smaller(data, large.suffix)
        cache.keep(kept, small)
    return [_photo(f"{doc.slug}-{size}{large.suffix}", image)
            for size, image in (("lille", small), ("stor", data))]


def prune(root: Path, docs: list[EntryDoc]) -> None:
    """Remove the small copies no entry uses any more from the cache."""
    used = {_kept(root, _large(root, doc)).name for doc in docs if doc.entry.image}
    cache.prune(root / cache.FOLDER / FOLDER, used)


def _large(root: Path, doc: EntryDoc) -> Path:
    """The download edition's copy of the entry's photo (named by its content)."""
    return cache.downsampled_path(root, root / doc.entry.image.file, DOWNLOAD.photo_size,
                                  DOWNLOAD.photo_quality)


def _kept(root: Path, large: Path) -> Path:
    """Where the small copy made from large is kept."""
    return root / cache.FOLDER / FOLDER / cache.key("web-photo", large.name, str(SMALL),
                                                    str(QUALITY))


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
