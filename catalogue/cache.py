"""A content-addressed cache in <project>/.cache: work that an unchanged input never repeats.

Every entry is named by the SHA-256 of everything that determines it (the input's bytes,
the parameters, and CACHE_VERSION for the code that makes it), so a changed input can never
hit a stale entry. An entry that cannot be read back is made again. The one exception is
note/noted: a few facts kept for a guess, which whoever reads them checks. `make clean`
removes the folder.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageOps

CACHE_VERSION = "2"
FOLDER = ".cache"
ORIENTATION = 0x0112  # the EXIF tag of a photo the camera turned


def key(*parts: bytes | str) -> str:
    """The content address of some inputs."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


_DIGESTS: dict[tuple, str] = {}


def digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, read once per process while the file stays as it
    is (a build asks for a photo's twice: for its downsampled copy, and for the print
    edition's address)."""
    status = path.stat()
    known = (str(path), status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
    if known not in _DIGESTS:
        _DIGESTS[known] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _DIGESTS[known]


@functools.lru_cache(maxsize=None)
def code(*distributions: str) -> str:
    """This package's code and data, and the versions of the named distributions, as one
    hash: part of the address of whatever that code makes. Once per process: the code that
    runs is the code that was imported."""
    from importlib.metadata import version

    digest = hashlib.sha256(":".join(f"{d} {version(d)}" for d in distributions).encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(f"{path.relative_to(package)}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def downsampled_path(root: Path, source: Path, max_size: tuple[int, int],
                     quality: int) -> Path:
    """Where downsampled() keeps its copy of source: named by the photo's bytes and the
    options, so the name alone says what it holds (a part's cache address uses it)."""
    suffix = ".png" if source.suffix.lower() == ".png" else ".jpg"
    name = key(digest(source), repr(max_size), str(quality))
    return root / FOLDER / "images" / f"{name}{suffix}"


def downsampled(root: Path, source: Path, max_size: tuple[int, int], quality: int) -> Path:
    """The photo at least max_size (covering, not fitting, so object-fit: cover stays sharp),
    upright, in sRGB; JPEG stays JPEG (at quality), PNG stays lossless PNG."""
    target = downsampled_path(root, source, max_size, quality)
    suffix = target.suffix
    if _readable(target):
        return target
    with Image.open(source) as image:
        smaller = _dct_scaled(source, image, max_size)
        if smaller is not None:
            image = smaller
        else:
            image = ImageOps.exif_transpose(image)  # upright; the copy carries no orientation
            scale = max(max_size[0] / image.width, max_size[1] / image.height)
            if scale < 1:
                image = image.resize((round(image.width * scale),
                                      round(image.height * scale)), Image.Resampling.LANCZOS)
        if suffix == ".jpg" and image.mode not in ("RGB", "RGBX"):  # RGBX: see _dct_scaled
            image = image.convert("RGB")
        _save(image, target, quality)
    return target


def _dct_scaled(source: Path, image: Image.Image, max_size: tuple[int, int]):
    """A JPEG decoded straight at the smallest of libjpeg's n/8 scales that still covers
    max_size (simplejpeg): no resampling pass, a fifth of the time of decoding in full and
    resampling with Lanczos. The copy is larger than max_size by less than an eighth of the
    original. None where this does not apply: another format, CMYK, a photo the camera
    turned (EXIF orientation), or no n/8 scale below the full size.

    A colour photo is decoded as RGBX, the layout Pillow keeps RGB pixels in, so the image
    is the decoded pixels themselves and Pillow's JPEG encoder reads them as RGB: no copy
    (packed RGB pixels were copied twice, into an image and by convert: a third of the
    time of making the copy, for the same bytes)."""
    if image.format != "JPEG" or image.mode not in ("RGB", "L") \
            or image.getexif().get(ORIENTATION, 1) != 1:
        return None
    need = max(max_size[0] / image.width, max_size[1] / image.height)
    if math.ceil(need * 8) >= 8:
        return None
    import simplejpeg  # only where a photo is made smaller (workers)

    mode = "RGBX" if image.mode == "RGB" else "L"
    try:
        pixels = simplejpeg.decode_jpeg(source.read_bytes(),
                                        colorspace="GRAY" if mode == "L" else mode,
                                        min_width=max_size[0], min_height=max_size[1])
    except ValueError:  # something libjpeg-turbo alone would refuse: let Pillow decide
        return None
    height, width = pixels.shape[:2]
    return Image.frombuffer(mode, (width, height), pixels, "raw", mode, 0, 1)


def _readable(path: Path) -> bool:
    try:
        with Image.open(path) as image:
            image.load()
        return True
    except (OSError, ValueError, Image.DecompressionBombError):
        return False


def _save(image: Image.Image, target: Path, quality: int) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".part-", suffix=target.suffix, dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            if target.suffix == ".png":
                image.save(stream, format="PNG", optimize=True)
            else:
                image.save(stream, format="JPEG", quality=quality, optimize=True)
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)


def store(target: Path, data: bytes) -> None:
    """Write a cache entry whole or not at all (a reader never sees half a file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".part-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)


def keep(target: Path, data: bytes) -> None:
    """Store data with its checksum, so that a damaged copy is never used (see kept)."""
    store(target, hashlib.sha256(data).digest() + data)


def kept(target: Path) -> bytes | None:
    """What keep stored, or None when it is missing or damaged."""
    try:
        raw = target.read_bytes()
    except OSError:
        return None
    data = raw[32:]
    return data if hashlib.sha256(data).digest() == raw[:32] else None


def prune(folder: Path, used: set[str], pattern: str = "*", age: float = 600) -> int:
    """Remove the files in folder (matching pattern) whose stem is not in used and that
    nobody touched for age seconds: what an edited entry or a replaced photo left behind.
    The age keeps a command that runs at the same time on other versions safe. Returns
    how many went; a folder that is missing or cannot be changed is left as it is."""
    removed = 0
    try:
        for path in folder.glob(pattern):
            if path.stem not in used and time.time() - path.stat().st_mtime > age:
                path.unlink(missing_ok=True)
                removed += 1
    except OSError:
        pass  # it only takes room
    return removed


def note(root: Path, name: str, value) -> None:
    """Remember a few facts of this build (JSON) for a guess in the next (see noted)."""
    store(root / FOLDER / "notes" / f"{name}.json", json.dumps(value, sort_keys=True).encode())


def noted(root: Path, name: str):
    """What note remembered, or None. Only ever a guess: whoever uses it checks it."""
    try:
        return json.loads((root / FOLDER / "notes" / f"{name}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
