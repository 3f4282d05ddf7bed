"""Hostile and broken input: the build never reaches outside the project, never shows a
traceback, and never loses the last good PDF.

Each file in tests/fixtures/hostile/ is tests/fixtures/valid/minimal.yaml with one hostile
thing in it, and is named for it. The pictures the image fixtures point at are made here,
by the tests. A local HTTP server records every request: whatever an entry or a layout
points at, nothing may arrive.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import urllib.request
import zlib
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from PIL import Image
from weasyprint.formatting_structure import boxes
from weasyprint.urls import FatalURLFetchingError

from catalogue import load, pdf, render
from support import run, snapshot

REPO = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
OLD = {"groenne-klimapartnerskaber-2026.pdf": b"%PDF-1.7\n% the last good download edition\n",
       "groenne-klimapartnerskaber-2026-tryk.pdf": b"%PDF-1.7\n% the last good print edition\n"}
DOWNLOAD = "groenne-klimapartnerskaber-2026.pdf"
PRINT = "groenne-klimapartnerskaber-2026-tryk.pdf"


# ---------- helpers ----------

def make_project(tmp_path: Path, fixture: str | None = None, port: int | None = None,
                 layouts: bool = False) -> Path:
    """A project with catalogue.yaml, one hostile entry, images/ and a last good output/."""
    project = tmp_path / "project"
    for folder in ("entries", "images", "output"):
        (project / folder).mkdir(parents=True)
    shutil.copy(REPO / "catalogue.yaml", project / "catalogue.yaml")
    if fixture:
        raw = (HOSTILE / fixture).read_bytes()
        if port is not None:
            raw = raw.replace(b"PORT", str(port).encode())
        (project / "entries" / fixture).write_bytes(raw)
    if layouts:
        shutil.copytree(REPO / "layouts", project / "layouts")
        shutil.copytree(REPO / "fonts", project / "fonts")
    for name, data in OLD.items():
        (project / "output" / name).write_bytes(data)
    return project




def summary(errors: int = 1) -> str:
    return f"{errors} error{'s' * (errors != 1)} in 1 file; nothing was written to output/."


def assert_refused(result, expected: str, project: Path, before: dict[str, bytes]):
    """Exit 1, the exact line, one error, no traceback, output/ byte for byte as it was."""
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert expected in lines, result.output
    assert lines[-1] == summary(), result.output
    assert "Traceback" not in result.output and "Internal error" not in result.output
    assert snapshot(project / "output") == before


@pytest.fixture
def server():
    """A local HTTP server on 127.0.0.1 that records every request: (port, requests)."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(png_bytes(Image.new("RGB", (8, 8), "red")))

        do_HEAD = do_POST = do_GET

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    port = httpd.server_address[1]
    urllib.request.urlopen(f"http://127.0.0.1:{port}/self-test").read()
    assert requests == ["/self-test"]  # the recorder works: a request would be seen
    requests.clear()
    try:
        yield port, requests
    finally:
        httpd.shutdown()
        httpd.server_close()


# ---------- pictures, made here ----------

def png_bytes(image: Image.Image, **options) -> bytes:
    stream = io.BytesIO()
    image.save(stream, "PNG", **options)
    return stream.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_by_hand(width: int, height: int, depth: int, colour_type: int, row: bytes) -> bytes:
    """A PNG written chunk by chunk: what Pillow will not write (16-bit RGB, lying sizes)."""
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress((b"\x00" + row) * height if row else b""))
            + _png_chunk(b"IEND", b""))


def photo(width: int = 1200, height: int = 800, colour: str = "#5a7d63") -> Image.Image:
    return Image.new("RGB", (width, height), colour)


def jpeg_bytes(image: Image.Image, **options) -> bytes:
    stream = io.BytesIO()
    image.save(stream, "JPEG", **options)
    return stream.getvalue()


def rotated_photo() -> bytes:
    """Stored 400 wide and 640 tall, top half red, bottom half blue, EXIF orientation 6.

    Shown upright (turned 90° clockwise) it is 640 × 400: blue on the left, red on the right.
    """
    image = Image.new("RGB", (400, 640), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 400, 320))
    exif = Image.Exif()
    exif[0x0112] = 6
    return jpeg_bytes(image, exif=exif.tobytes(), quality=95)


def animated(kind: str) -> bytes:
    frames = [photo(64, 48, colour) for colour in ("red", "blue", "green")]
    stream = io.BytesIO()
    frames[0].save(stream, kind, save_all=True, append_images=frames[1:], duration=100)
    return stream.getvalue()


PICTURES = {
    "truncated.jpg": lambda: jpeg_bytes(photo())[:2000],
    "not-a-photo.jpg": lambda: b"<!DOCTYPE html><html><body>404 Not Found</body></html>\n",
    "bomb.png": lambda: png_by_hand(50_000, 50_000, 8, 2, b""),  # 65 bytes, 7.5 GB of pixels
    "grey-16-bit.png": lambda: png_by_hand(120, 80, 16, 0, b"\x80\x00" * 120),
    "animated.gif": lambda: animated("GIF"),
    "animated.png": lambda: animated("PNG"),
    "photo.webp": lambda: _webp(),
    "webp-photo.jpg": lambda: _webp(),
    "cmyk.jpg": lambda: jpeg_bytes(Image.new("CMYK", (640, 400), (0, 255, 255, 0))),
    "rgb-16-bit.png": lambda: png_by_hand(640, 400, 16, 2, b"\x12\x34\xab\xcd\x56\x78" * 640),
    "rotated.jpg": rotated_photo,
}


def _webp() -> bytes:
    stream = io.BytesIO()
    photo().save(stream, "WEBP")
    return stream.getvalue()


def add_picture(project: Path, name: str) -> None:
    (project / "images" / name).write_bytes(PICTURES[name]())


def outside_photo(project: Path) -> Path:
    """A real photo beside the project folder, where no build may read it."""
    target = project.parent / "outside.jpg"
    target.write_bytes(jpeg_bytes(photo()))
    return target


# ---------- entries that are refused before anything is rendered ----------

LINK_OUT = "the build never downloads or reads anything outside the project: save the " \
           "photo in images/ and write its path, e.g. images/photo.jpg"
MEGAPIXELS = "at most 60 megapixels can be used: scale it down (6000 pixels wide is plenty " \
             "for a full A4 page)"
FIX = "export the photo again as an ordinary JPEG or PNG"

# (fixture, the exact line the editor sees ({port}: the recording server), what to prepare)
REFUSED = [
    # YAML that could expand, recurse, hide a second entry or be misread
    ("billion-laughs.yaml", "entries/billion-laughs.yaml:1: anchors and aliases (& and *) are "
     "not allowed; write the value out", None),
    ("deep-nesting.yaml", "entries/deep-nesting.yaml:16: lists and blocks are nested more "
     "than 20 levels deep; an entry needs three at most", None),
    ("too-large.yaml", "entries/too-large.yaml: the file is 306 KB; an entry may be at most "
     "256 KB. Is this the right file?", None),
    ("huge-number.yaml", "entries/huge-number.yaml:8: a number with 5000 digits; no figure "
     "here needs more than 15 (if it is text, put it in quotes)", None),
    ("second-document.yaml", "entries/second-document.yaml:22: a second document starts here "
     "('---'); one file holds one entry, so remove the line or split the file", None),
    ("merge-key.yaml", "entries/merge-key.yaml:20: merge keys (<<) are not allowed; write the "
     "fields out", None),
    ("binary-tag.yaml", "entries/binary-tag.yaml:14: the tag '!!binary' is not allowed; "
     "remove it", None),
    ("complex-key.yaml", "entries/complex-key.yaml:7: a key must be a plain word", None),
    # YAML 1.1 would read `on` as true; it stays the text the editor typed
    ("yaml11-boolean.yaml", "entries/yaml11-boolean.yaml:9: status: 'on' is not allowed; "
     "write one of 'aktiv' or 'afsluttet'", None),
    ("top-level-list.yaml", "entries/top-level-list.yaml:1: the file must be a block of "
     "fields (title: ..., municipalities: ..., and so on)", None),
    ("empty-file.yaml", "entries/empty-file.yaml:1: the file must be a block of fields "
     "(title: ..., municipalities: ..., and so on)", None),
    # characters that print as nothing, reorder a line or are no characters at all
    ("control-character.yaml", "entries/control-character.yaml:1: invisible control "
     "character U+0007; delete it (it often comes from copying out of Word or a web page) "
     "(column 12)", None),
    ("escaped-control-character.yaml", "entries/escaped-control-character.yaml:1: the quoted "
     "text has an escape (a backslash code) that makes an invisible control character "
     "(U+0007); remove the escape", None),
    ("escaped-null-in-image-path.yaml", "entries/escaped-null-in-image-path.yaml:23: the "
     "quoted text has an escape (a backslash code) that makes an invisible control "
     "character (U+0000); remove the escape", None),
    ("escaped-lone-surrogate.yaml", "entries/escaped-lone-surrogate.yaml:1: the quoted text "
     "has an escape (a backslash code) that makes no printable character; remove the "
     "escape", None),
    ("bidi-override.yaml", "entries/bidi-override.yaml:10: invisible text-direction character "
     "U+202E; delete it (it can make the text print in reverse order) (column 29)", None),
    ("noncharacter.yaml", "entries/noncharacter.yaml:13: U+FFFF is not a character that can "
     "be printed; delete it (column 78)", None),
    ("stray-byte-order-mark.yaml", "entries/stray-byte-order-mark.yaml:15: a byte-order mark "
     "(U+FEFF) inside the text; delete it (it comes from pasting one file into another) "
     "(column 3)", None),
    # photos that lead out of the project
    ("image-web-address.yaml", "entries/image-web-address.yaml:23: image.file: "
     f"'http://127.0.0.1:{{port}}/nordby.jpg' is a web address; {LINK_OUT}", None),
    ("image-file-uri.yaml", "entries/image-file-uri.yaml:23: image.file: 'file:///etc/passwd' "
     f"is a link, not a file in the project; {LINK_OUT}", None),
    ("image-absolute-path.yaml", "entries/image-absolute-path.yaml:23: image.file: "
     "'/etc/passwd' is outside the project folder; copy the photo into images/", None),
    ("image-outside-project.yaml", "entries/image-outside-project.yaml:23: image.file: "
     "'../outside.jpg' is outside the project folder; copy the photo into images/",
     outside_photo),
    ("image-symlink-outside.yaml", "entries/image-symlink-outside.yaml:23: image.file: "
     "'images/link.jpg' is a link to a file outside the project folder; copy the photo "
     "itself into images/",
     lambda project: (project / "images" / "link.jpg").symlink_to(outside_photo(project))),
    ("image-path-with-hash.yaml", "entries/image-path-with-hash.yaml:23: image.file: "
     "'images/nordby#2.jpg' contains '#', which cannot be used in the path of a photo; "
     "rename the file with letters, digits, - and _ (and / between folders)",
     lambda project: (project / "images" / "nordby#2.jpg").write_bytes(jpeg_bytes(photo()))),
    # photos that cannot be printed as they are
    ("image-truncated.yaml", "entries/image-truncated.yaml:23: image.file: "
     "'images/truncated.jpg' is damaged or incomplete (the picture data stops early or "
     "cannot be read); copy the file again from where it came from", "truncated.jpg"),
    ("image-text-file.yaml", "entries/image-text-file.yaml:23: image.file: "
     "'images/not-a-photo.jpg' is not a picture, although its name ends in .jpg (a web page "
     "or text file saved under that name?); save the photo itself as JPEG or PNG",
     "not-a-photo.jpg"),
    ("image-decompression-bomb.yaml", "entries/image-decompression-bomb.yaml:23: image.file: "
     f"'images/bomb.png' claims to have more than 178 megapixels; {MEGAPIXELS}", "bomb.png"),
    ("image-16-bit-grey.yaml", "entries/image-16-bit-grey.yaml:23: image.file: "
     f"'images/grey-16-bit.png' is a 16-bit grey-scale picture, which cannot be printed; "
     f"{FIX} (8 bits per colour)", "grey-16-bit.png"),
    ("image-animated-gif.yaml", "entries/image-animated-gif.yaml:23: image.file: "
     "'images/animated.gif' is not a JPEG or PNG photo; save it as .jpg or .png",
     "animated.gif"),
    ("image-animated-png.yaml", "entries/image-animated-png.yaml:23: image.file: "
     "'images/animated.png' is an animated picture; a printed page shows one still photo: "
     "save one frame as JPEG or PNG", "animated.png"),
    ("image-webp.yaml", "entries/image-webp.yaml:23: image.file: 'images/photo.webp' is not "
     "a JPEG or PNG photo; save it as .jpg or .png", "photo.webp"),
    ("image-webp-named-jpg.yaml", "entries/image-webp-named-jpg.yaml:23: image.file: "
     f"'images/webp-photo.jpg' is a WEBP picture, not JPEG or PNG; {FIX}", "webp-photo.jpg"),
]
HANDLED = ["image-cmyk.yaml", "image-16-bit-rgb.yaml", "image-exif-rotated.yaml",
           "html-in-text.yaml", "long-word.yaml", "long-url.yaml", "long-word-in-title.yaml",
           "long-about.yaml"]


def test_every_hostile_fixture_has_a_test():
    named = [case[0] for case in REFUSED] + HANDLED
    assert sorted(p.name for p in HOSTILE.glob("*.yaml")) == sorted(named)


def test_byte_level_fixtures_keep_their_bytes():
    """Guard against an editor or a git setting 'repairing' the invisible characters."""
    for name, raw in [("control-character.yaml", b"\x07"),
                      ("bidi-override.yaml", "\u202e".encode()),
                      ("noncharacter.yaml", "\uffff".encode()),
                      ("stray-byte-order-mark.yaml", "\ufeff".encode())]:
        assert raw in (HOSTILE / name).read_bytes(), name
    assert (HOSTILE / "too-large.yaml").stat().st_size > 256 * 1024


@pytest.mark.parametrize("command", [["check"], ["build", "--strict"]], ids=" ".join)
@pytest.mark.parametrize("fixture, expected, prepare", REFUSED,
                         ids=[case[0][:-5] for case in REFUSED])
def test_hostile_entry_is_refused_before_rendering(tmp_path, server, command, fixture,
                                                   expected, prepare):
    port, requests = server
    project = make_project(tmp_path, fixture, port)
    if isinstance(prepare, str):
        add_picture(project, prepare)
    elif prepare:
        prepare(project)
    before = snapshot(project / "output")

    result = run(*command, str(project))

    assert_refused(result, expected.format(port=port), project, before)
    assert requests == []


def test_billion_laughs_fails_at_its_first_anchor():
    """The event scan stops at line 1; composing the nodes would expand to 10**9 items."""
    from catalogue import yamlsafe

    with pytest.raises(yamlsafe.YamlProblem) as problem:
        yamlsafe.parse((HOSTILE / "billion-laughs.yaml").read_text("utf-8"))
    assert (str(problem.value), problem.value.line) == (
        "anchors and aliases (& and *) are not allowed; write the value out", 1)


def test_an_entry_linked_from_outside_the_project_is_not_read(tmp_path):
    project = make_project(tmp_path)
    secret = tmp_path / "secret.yaml"
    shutil.copy(REPO / "tests" / "fixtures" / "valid" / "minimal.yaml", secret)
    (project / "entries" / "linked.yaml").symlink_to(secret)
    before = snapshot(project / "output")
    result = run("check", str(project))
    assert_refused(result, "entries/linked.yaml: the file is a link to a file outside the "
                   "project folder; copy the file itself into the project", project, before)


def test_a_pipe_named_like_an_entry_is_not_opened(tmp_path):
    """Opening a named pipe would wait for a writer forever."""
    project = make_project(tmp_path)
    os.mkfifo(project / "entries" / "pipe.yaml")
    before = snapshot(project / "output")
    result = run("check", str(project))
    assert_refused(result, "entries/pipe.yaml: this is not an ordinary file; remove it or "
                   "replace it with a YAML file", project, before)


# ---------- what a render may fetch ----------

def test_an_illustration_pointing_at_the_network_stops_the_build(tmp_path, server):
    port, requests = server
    project = make_project(tmp_path, layouts=True)
    shutil.copy(REPO / "tests" / "fixtures" / "valid" / "minimal.yaml", project / "entries")
    svg = project / "layouts" / "illustrations" / "energi.svg"
    svg.write_text(svg.read_text("utf-8").replace(
        "</svg>", f'<image href="http://127.0.0.1:{port}/x.png" width="10" height="10"/></svg>'),
        "utf-8")
    before = snapshot(project / "output")

    result = run("build", str(project))

    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1] == (
        "the layout could not be rendered: refused to load layouts/illustrations/energi.svg: "
        f"the SVG refers to http://127.0.0.1:{port}/x.png; an SVG may only refer to its own "
        "parts (#id), so embed or draw the picture in the SVG itself")
    assert "Traceback" not in result.output
    assert requests == []
    assert snapshot(project / "output") == before


@pytest.mark.parametrize("reference, shown", [
    ('<image href="../../../outside.png" width="9" height="9"/>', "../../../outside.png"),
    ('<use xlink:href="other.svg#wind"/>', "other.svg#wind"),
    ('<rect width="9" height="9" style="fill: url(http://127.0.0.1:9/p.svg#g)"/>',
     "http://127.0.0.1:9/p.svg#g"),
    ('<style>@import url(theme.css);</style>', "theme.css"),
])
def test_an_illustration_may_only_refer_to_its_own_parts(tmp_path, reference, shown):
    project = make_project(tmp_path, layouts=True)
    svg = project / "layouts" / "illustrations" / "own.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" '
                   'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 9 9">'
                   f'<defs><linearGradient id="g"/></defs>{reference}'
                   '<rect width="9" height="9" fill="url(#g)"/></svg>', "utf-8")
    fetcher = pdf.SandboxFetcher([project])
    with pytest.raises(FatalURLFetchingError) as refused:
        fetcher.fetch(svg.as_uri())
    assert str(refused.value) == (
        f"refused to load layouts/illustrations/own.svg: the SVG refers to {shown}; an SVG "
        "may only refer to its own parts (#id), so embed or draw the picture in the SVG "
        "itself")


def test_an_illustration_linked_from_outside_the_project_stops_the_build(tmp_path):
    project = make_project(tmp_path, layouts=True)
    shutil.copy(REPO / "tests" / "fixtures" / "valid" / "minimal.yaml", project / "entries")
    outside = tmp_path / "outside.svg"
    svg = project / "layouts" / "illustrations" / "energi.svg"
    shutil.move(svg, outside)
    svg.symlink_to(outside)
    before = snapshot(project / "output")
    result = run("build", str(project))
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1] == (
        "the layout could not be rendered: refused to load layouts/illustrations/energi.svg: "
        "the file is a link to a file outside the project folder")
    assert snapshot(project / "output") == before


def test_the_fetcher_serves_only_project_files_of_the_types_we_use(tmp_path, server):
    port, requests = server
    project = make_project(tmp_path)
    fetcher = pdf.SandboxFetcher([project])
    (project / "images" / "good.png").write_bytes(png_bytes(photo(8, 8)))
    (project / "images" / "fake.png").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (project / "notes.txt").write_text("private")
    (project / "images" / "out.png").symlink_to(outside_photo(project))
    root = project.as_uri()
    refused = {
        f"http://127.0.0.1:{port}/x.png": "only files inside the project may be used; "
                                          "nothing is downloaded",
        f"https://127.0.0.1:{port}/x.png": "only files inside the project may be used; "
                                           "nothing is downloaded",
        f"ftp://127.0.0.1:{port}/x.png": "only files inside the project may be used; "
                                         "nothing is downloaded",
        "data:image/png;base64,iVBORw0KGgo=": "only files inside the project may be used; "
                                              "nothing is downloaded",
        f"file://example.org{project}/images/good.png": "only files inside the project may "
                                                        "be used; nothing is downloaded",
        "file:///etc/passwd": "the file is outside the project folder",
        f"{root}/../outside.jpg": "the file is outside the project folder",
        f"{root}/images/out.png": "the file is a link to a file outside the project folder",
        f"{root}/notes.txt": "files of type .txt are not used",
        f"{root}/images/missing.png": "the file does not exist",
        f"{root}/images/fake.png": "the file is not a PNG picture, whatever its name says",
    }
    for url, why in refused.items():
        with pytest.raises(FatalURLFetchingError) as refusal:
            fetcher.fetch(url)
        assert str(refusal.value).endswith(f": {why}"), url
    assert fetcher.fetch(f"{root}/images/good.png").read().startswith(b"\x89PNG")
    assert requests == []


# ---------- photos that are handled ----------

def build_and_render_spread(project: Path, slug: str, edition: str = DOWNLOAD):
    """Build (not strict: small test photos print under 150 ppi) and render the left page."""
    result = run("build", str(project))
    assert result.exit_code == 0, result.output
    path = project / "output" / edition
    reader = pypdf.PdfReader(path)
    number = reader.get_destination_page_number(reader.named_destinations[slug])
    page = pypdfium2.PdfDocument(path)[number]
    return page.render(scale=0.5).to_pil().convert("RGB")


def hero_colour(page: Image.Image, x: float, y: float = 0.2) -> tuple[int, int, int]:
    """The colour at a point of the left page, as fractions of its width and height."""
    return page.getpixel((int(page.width * x), int(page.height * y)))


def near(colour, expected, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected))


@pytest.mark.parametrize("edition", [DOWNLOAD, PRINT])
def test_a_photo_with_exif_rotation_appears_upright(tmp_path, edition):
    project = make_project(tmp_path, "image-exif-rotated.yaml")
    add_picture(project, "rotated.jpg")
    page = build_and_render_spread(project, "image-exif-rotated", edition)
    # Upright, the stored top (red) is on the right; unturned, both sides would match.
    assert near(hero_colour(page, 0.25), (0, 0, 255)), hero_colour(page, 0.25)
    assert near(hero_colour(page, 0.75), (255, 0, 0)), hero_colour(page, 0.75)
    assert near(hero_colour(page, 0.25, 0.05), (0, 0, 255))
    assert near(hero_colour(page, 0.25, 0.38), (0, 0, 255))


@pytest.mark.parametrize("fixture, picture, expected", [
    ("image-cmyk.yaml", "cmyk.jpg", (237, 28, 36)),          # C0 M100 Y100 K0: red, not cyan
    ("image-16-bit-rgb.yaml", "rgb-16-bit.png", (18, 171, 86)),  # the high bytes of 16 bits
])
def test_cmyk_and_16_bit_rgb_photos_print_in_their_colours(tmp_path, fixture, picture,
                                                            expected):
    project = make_project(tmp_path, fixture)
    add_picture(project, picture)
    assert run("check", str(project)).exit_code == 0
    for edition in (DOWNLOAD, PRINT):
        page = build_and_render_spread(project, fixture[:-5], edition)
        assert near(hero_colour(page, 0.5), expected), (edition, hero_colour(page, 0.5))


# ---------- text that must print literally or stay in its column ----------

def test_html_css_and_script_in_text_are_printed_literally(tmp_path, server):
    port, requests = server
    project = make_project(tmp_path, "html-in-text.yaml", port)
    result = run("build", "--strict", str(project))
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(project / "output" / DOWNLOAD)
    text = "".join("".join(page.extract_text() for page in reader.pages).replace("\u2010\n", "")
                   .split())
    for literal in ["<b>Fed</b> varme i <i>Nordby</i>", "<script>alert(1)</script>",
                    "<style>body { display: none }</style>",
                    f"<img src=http://127.0.0.1:{port}/html.png>",
                    f"<a href=http://127.0.0.1:{port}/link>et klik</a>"]:
        assert "".join(literal.split()) in text, literal
    assert requests == []  # neither the <img>, the Markdown image nor the link was fetched


def laid_out(project: Path):
    """The download edition's laid-out Document, as build.py makes it."""
    loaded = load.load_project(project)
    layouts = render.layouts_dir(project)
    html = render.render_html(loaded, "download")
    return pdf.render(html, project, [project, layouts, layouts.parent / "fonts"])


COLUMNS = {"intro", "facts", "story", "sidebar", "hero"}


def text_past_right_edges(document) -> tuple[list[str], set[str]]:
    """Text of a spread reaching past its column or its block, or off the page; and the
    columns seen (so that a renamed class cannot make this test pass by finding nothing)."""
    found, seen = [], set()

    def right(box) -> float:
        return box.content_box_x() + box.width

    def walk(box, number, in_spread, column, block):
        element = getattr(box, "element", None)
        if element is not None and "::" not in getattr(box, "element_tag", ""):
            in_spread = in_spread or element.get("data-slug") is not None
            classes = COLUMNS & set((element.get("class") or "").split())
            if classes and isinstance(box, boxes.BlockBox):
                column = box
                seen.update(classes)
        if isinstance(box, (boxes.BlockContainerBox, boxes.MarginBox)):
            block = box
        if isinstance(box, boxes.TextBox) and box.text.strip():
            end = box.position_x + box.width
            edges = [right(block), document.pages[number]._page_box.margin_width()]
            if in_spread and column is not None:
                edges.append(right(column))
            if end > min(edges) + 0.5:
                found.append(f"page {number + 1}: {box.text[:30]!r} by {end - min(edges):.0f}px")
        for child in getattr(box, "children", ()):
            walk(child, number, in_spread, column, block)

    for number, page in enumerate(document.pages):
        walk(page._page_box, number, False, None, None)
    return found, seen


@pytest.mark.parametrize("fixture", ["long-word.yaml", "long-url.yaml"])
def test_long_words_and_addresses_wrap_inside_their_columns(tmp_path, fixture):
    project = make_project(tmp_path, fixture)
    found, seen = text_past_right_edges(laid_out(project))
    assert found == []
    assert seen >= {"intro", "facts", "story", "sidebar"}
    # They fit their spread, so even a strict build passes without a layout warning.
    result = run("build", "--strict", str(project))
    assert result.exit_code == 0, result.output
    assert "runs" not in result.output


def test_a_long_word_in_the_title_wraps_and_the_fit_check_reports_it(tmp_path):
    project = make_project(tmp_path, "long-word-in-title.yaml")
    assert text_past_right_edges(laid_out(project))[0] == []
    before = snapshot(project / "output")
    result = run("build", "--strict", str(project))
    assert result.exit_code == 1, result.output
    assert re.search(r"^entries/long-word-in-title\.yaml: the left page runs \d+ lines over; "
                     r"shorten the lead or the title$", result.output, re.M), result.output
    assert snapshot(project / "output") == before


def test_a_thousand_word_about_is_reported_by_the_fit_check(tmp_path):
    project = make_project(tmp_path, "long-about.yaml")
    text = (HOSTILE / "long-about.yaml").read_text("utf-8")
    assert len(text.split("about: |")[1].split("origin:")[0].split()) >= 1000
    before = snapshot(project / "output")
    result = run("build", "--strict", str(project))
    assert result.exit_code == 1, result.output
    assert re.search(r"^entries/long-about\.yaml: the spread runs \d+ lines onto a third "
                     r"page; shorten \"about\"", result.output, re.M), result.output
    assert snapshot(project / "output") == before


# ---------- nothing lost ----------

def built(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A project whose output/ holds a real, good build: what a failed build must keep."""
    project = make_project(tmp_path)
    shutil.copy(REPO / "tests" / "fixtures" / "valid" / "minimal.yaml", project / "entries")
    assert run("build", str(project)).exit_code == 0
    return project, snapshot(project / "output")


def test_an_interrupted_write_keeps_the_last_good_pdfs(tmp_path, monkeypatch):
    project, before = built(tmp_path)

    def interrupted(self, target, *args, **options):
        Path(target).write_bytes(b"%PDF-1.7\n half a catalogue")
        raise KeyboardInterrupt

    monkeypatch.setattr("pikepdf.Pdf.save", interrupted)  # while the parts are joined
    result = run("build", str(project))
    assert result.exit_code == 130, result.output
    assert result.output.splitlines()[-1] == "Interrupted; output/ was left as it was."
    assert "Traceback" not in result.output
    assert snapshot(project / "output") == before  # no half file, no temporary file


def test_a_render_error_keeps_the_last_good_pdfs(tmp_path, monkeypatch):
    project, before = built(tmp_path)

    def broken(self, *args, **kwargs):
        raise RuntimeError("Pango gave up")

    monkeypatch.setattr("weasyprint.HTML.render", broken)
    shutil.rmtree(project / ".cache")  # so that the parts are laid out again
    result = run("build", str(project))
    assert result.exit_code == 2, result.output
    assert "Internal error: RuntimeError: Pango gave up" in result.output
    assert "Traceback" not in result.output
    assert snapshot(project / "output") == before


@pytest.mark.slow
def test_two_builds_at_once_leave_complete_pdfs_and_no_temporary_files(tmp_path):
    project = make_project(tmp_path)
    shutil.copy(REPO / "tests" / "fixtures" / "valid" / "minimal.yaml", project / "entries")
    command = [str(Path(sys.executable).parent / "catalogue"), "build", str(project)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=300) for process in runs]
    assert [process.returncode for process in runs] == [0, 0], outputs
    pages = dict(re.findall(r"^Wrote output/(\S+): (\d+) pages", outputs[0][0], re.M))
    assert set(pages) == {DOWNLOAD, PRINT}
    for name, count in pages.items():
        assert len(pypdf.PdfReader(project / "output" / name).pages) == int(count)
    assert sorted(p.name for p in (project / "output").iterdir()) == sorted(
        [DOWNLOAD, PRINT, "preflight.json"])
    report = json.loads((project / "output" / "preflight.json").read_text("utf-8"))
    assert sorted(r["file"] for r in report) == sorted([DOWNLOAD, PRINT])
