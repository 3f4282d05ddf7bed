"""The cache: content-addressed, never stale, self-healing, and invisible in the result."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from catalogue import cache
from synthetic import synthetic_photo
from catalogue.build import build

ROOT = Path(__file__).resolve().parent.parent


def test_the_same_photo_is_made_once_and_a_changed_one_again(tmp_path):
    source = tmp_path / "foto.jpg"
    synthetic_photo(source, 1)
    first = cache.downsampled(tmp_path, source, (1430, 880), 80)
    assert first.parent == tmp_path / ".cache" / "images"
    with Image.open(first) as image:
        # decoded at 5/8 of 2400 x 1600: the smallest of JPEG's n/8 scales that covers
        # 1430 x 880, proportions kept
        assert image.size == (1500, 1000)
    mtime = first.stat().st_mtime_ns
    assert cache.downsampled(tmp_path, source, (1430, 880), 80) == first
    assert first.stat().st_mtime_ns == mtime  # reused, not made again
    synthetic_photo(source, 2)  # the editor replaces the photo
    assert cache.downsampled(tmp_path, source, (1430, 880), 80) != first
    assert cache.downsampled(tmp_path, source, (1430, 880), 70) != first  # other options


def test_a_corrupt_entry_is_made_again(tmp_path):
    source = tmp_path / "foto.jpg"
    synthetic_photo(source, 1)
    made = cache.downsampled(tmp_path, source, (1430, 880), 80)
    made.write_bytes(made.read_bytes()[:200])  # truncated, e.g. by a full disk
    again = cache.downsampled(tmp_path, source, (1430, 880), 80)
    assert again == made
    with Image.open(again) as image:
        image.load()
        assert image.size == (1500, 1000)


def test_a_photo_decoded_at_a_smaller_scale_looks_like_one_resampled(tmp_path):
    """The fast path (libjpeg's scaled decoding) gives the picture Lanczos would: the same
    colours in the same places, not a channel swapped or a corner cut."""
    source = tmp_path / "foto.jpg"
    synthetic_photo(source, 3)
    fast = Image.open(cache.downsampled(tmp_path, source, (1430, 880), 95)).convert("RGB")
    with Image.open(source) as original:
        slow = original.convert("RGB").resize(fast.size, Image.Resampling.LANCZOS)
    difference = ImageChops.difference(fast, slow).convert("L")
    assert ImageStat.Stat(difference).mean[0] < 2  # of 255: JPEG noise, nothing more


@pytest.mark.parametrize("kind", ["png", "cmyk", "barely larger"])
def test_photos_the_fast_path_cannot_take_are_resampled_to_the_exact_size(tmp_path, kind):
    source = tmp_path / ("foto.png" if kind == "png" else "foto.jpg")
    size = (1500, 1000) if kind == "barely larger" else (3000, 2000)  # no n/8 scale below 1
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    if kind == "cmyk":
        image = image.convert("CMYK")
    image.save(source)
    with Image.open(cache.downsampled(tmp_path, source, (1430, 880), 80)) as copy:
        assert copy.size == (1430, 953)
        assert copy.mode == "RGB"


def test_a_rotated_photo_is_cached_upright(tmp_path):
    source = tmp_path / "foto.jpg"
    image = Image.new("RGB", (3000, 2000), "#335544")
    exif = image.getexif()
    exif[0x0112] = 6  # the camera was turned: show rotated 90 degrees
    image.save(source, exif=exif)
    with Image.open(cache.downsampled(tmp_path, source, (1430, 880), 80)) as upright:
        assert upright.height > upright.width


@pytest.mark.slow
def test_a_cached_build_gives_the_same_bytes_as_a_clean_one(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    shutil.copy(ROOT / "catalogue.yaml", project)
    (project / "entries").mkdir()
    (project / "images").mkdir()
    shutil.copy(ROOT / "entries" / "greenlab-skive.yaml", project / "entries")
    synthetic_photo(project / "images" / "foto.jpg", 3)
    entry = project / "entries" / "greenlab-skive.yaml"
    entry.write_text(entry.read_text("utf-8") + (
        "image:\n  file: images/foto.jpg\n  alt: Foto\n  credit: Test\n"), "utf-8")

    def download(out: str) -> bytes:
        (written,) = build(project, say=lambda m: None, output=tmp_path / out,
                           only={"download"}).written
        return written.path.read_bytes()

    clean = download("a")
    assert list((project / ".cache" / "images").iterdir())
    assert download("b") == clean  # from the cache
    shutil.rmtree(project / ".cache")
    assert download("c") == clean  # made afresh


@pytest.mark.slow
def test_what_a_replaced_photo_or_an_edited_entry_left_behind_goes(tmp_path):
    """The downsampled copy of a replaced photo, the spread of an edited entry and its
    validated file (and the first build's count of the front matter) leave the cache once
    unused and untouched for ten minutes."""
    import os
    import time

    project = tmp_path / "p"
    project.mkdir()
    shutil.copy(ROOT / "catalogue.yaml", project)
    (project / "entries").mkdir()
    (project / "images").mkdir()
    entry = project / "entries" / "greenlab-skive.yaml"
    shutil.copy(ROOT / "entries" / "greenlab-skive.yaml", entry)
    synthetic_photo(project / "images" / "foto.jpg", 3)
    entry.write_text(entry.read_text("utf-8") + (
        "image:\n  file: images/foto.jpg\n  alt: Foto\n  credit: Test\n"), "utf-8")
    kept = {name: project / ".cache" / name for name in ("images", "parts", "valid")}

    def build_and_count() -> dict[str, int]:
        build(project, say=lambda m: None, output=tmp_path / "out", only={"download"})
        return {name: len(list(folder.iterdir())) for name, folder in kept.items()}

    first = build_and_count()
    synthetic_photo(project / "images" / "foto.jpg", 4)  # the editor replaces the photo
    entry.write_text(entry.read_text("utf-8").replace("title: ", "title: Ny ", 1), "utf-8")
    second = build_and_count()
    assert second["images"] == first["images"] + 1  # the old copy is still young
    assert second["valid"] == first["valid"] + 1 and second["parts"] > first["parts"]
    for folder in kept.values():
        for path in folder.iterdir():
            os.utime(path, (time.time() - 3600,) * 2)  # nobody touched them for an hour
    # What a first build holds, but for the front matter and the back matter's five
    # sections it counted with blank page numbers (a PDF and its record each): later
    # builds know their lengths from the last.
    assert build_and_count() == first | {"parts": first["parts"] - 2 * 6}


def test_a_photo_checked_once_is_not_decoded_again_until_it_changes(tmp_path):
    from catalogue.read import images

    (tmp_path / "images").mkdir()
    photo = tmp_path / "images" / "foto.jpg"
    synthetic_photo(photo, 4)
    assert images.check(tmp_path, "images/foto.jpg") is None
    assert len(list((tmp_path / ".cache" / "checked").iterdir())) == 1
    photo.write_bytes(photo.read_bytes()[: photo.stat().st_size // 2])  # now truncated
    assert "er beskadiget eller ufuldstændigt" in images.check(tmp_path, "images/foto.jpg")
    synthetic_photo(photo, 5)
    shutil.rmtree(tmp_path / ".cache")
    (tmp_path / ".cache").write_text("not a folder")  # a cache that cannot be written
    assert images.check(tmp_path, "images/foto.jpg") is None


def test_preview_numbers_follow_a_longer_front_matter(tmp_path):
    """The cached page count of the front matter changes when the foreword does."""
    import yaml

    from catalogue.layout.pool import Pool
    from catalogue.preview import first_page_of
    from catalogue.read.review import check_only

    project = tmp_path / "p"
    project.mkdir()
    shutil.copy(ROOT / "catalogue.yaml", project)
    shutil.copytree(ROOT / "entries", project / "entries")
    with Pool(project, workers=1) as pool:
        before = first_page_of(check_only(project, say=lambda m: None), "carbon-20", pool)
        assert first_page_of(check_only(project, say=lambda m: None), "carbon-20",
                             pool) == before
        config = project / "catalogue.yaml"
        data = yaml.safe_load(config.read_text("utf-8"))
        data["foreword"] += "\n\n" + "Mange ord om klimaet og kommunerne. " * 300
        config.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
        after = first_page_of(check_only(project, say=lambda m: None), "carbon-20", pool)
    assert after >= before + 2 and after % 2 == 0
