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

from catalogue.read import load
from catalogue.layout import pdf, render
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
    return f"{errors} fejl i 1 fil; intet blev skrevet til output/."


def assert_refused(result, expected: str, project: Path, before: dict[str, bytes]):
    """Exit 1, the exact line, one error, no traceback, output/ byte for byte as it was."""
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert expected in lines, result.output
    assert lines[-1] == summary(), result.output
    assert "Traceback" not in result.output and "Intern fejl" not in result.output
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

SAVE_IN_IMAGES = "gem fotoet i images/, og skriv stien, fx images/foto.jpg"
MEGAPIXELS = "højst 60 megapixel kan bruges: gør det mindre (6000 pixel i bredden er " \
             "rigeligt til en hel A4-side)"
FIX = "gem fotoet igen som almindelig JPEG eller PNG"

# (fixture, the exact line the editor sees ({port}: the recording server), what to prepare)
REFUSED = [
    # YAML that could expand, recurse, hide a second entry or be misread
    ("billion-laughs.yaml", "entries/billion-laughs.yaml:1: ankre og aliaser (& og *) er "
     "ikke tilladt; skriv værdien ud", None),
    ("deep-nesting.yaml", "entries/deep-nesting.yaml:16: lister og blokke ligger mere end 20 "
     "niveauer inden i hinanden; en indgang behøver højst tre", None),
    ("too-large.yaml", "entries/too-large.yaml: filen er 306 KB; en indgang må højst være "
     "256 KB. Er det den rigtige fil?", None),
    ("huge-number.yaml", "entries/huge-number.yaml:8: et tal med 5000 cifre; intet tal her "
     "behøver mere end 15 (er det tekst, så sæt det i anførselstegn)", None),
    ("second-document.yaml", "entries/second-document.yaml:22: et nyt dokument begynder her "
     "('---'); én fil rummer én indgang, så fjern linjen, eller del filen i to", None),
    ("merge-key.yaml", "entries/merge-key.yaml:20: flettenøgler (<<) er ikke tilladt; skriv "
     "felterne ud", None),
    ("binary-tag.yaml", "entries/binary-tag.yaml:14: mærket '!!binary' er ikke tilladt; "
     "fjern det", None),
    ("complex-key.yaml", "entries/complex-key.yaml:7: et feltnavn skal være et almindeligt "
     "ord", None),
    # YAML 1.1 would read `on` as true; it stays the text the editor typed
    ("yaml11-boolean.yaml", "entries/yaml11-boolean.yaml:9: status: 'on' er ikke tilladt; "
     "skriv 'aktiv' eller 'afsluttet'", None),
    ("top-level-list.yaml", "entries/top-level-list.yaml:1: filen skal være en blok af "
     "felter (title: ..., municipalities: ... og så videre)", None),
    ("empty-file.yaml", "entries/empty-file.yaml:1: filen skal være en blok af felter "
     "(title: ..., municipalities: ... og så videre)", None),
    # characters that print as nothing, reorder a line or are no characters at all
    ("control-character.yaml", "entries/control-character.yaml:1: usynligt kontroltegn "
     "U+0007; slet det (det kommer tit med, når man kopierer fra Word eller en webside) "
     "(kolonne 12)", None),
    ("escaped-control-character.yaml", "entries/escaped-control-character.yaml:1: teksten i "
     "anførselstegn har en escape-kode (en kode med omvendt skråstreg), der giver et "
     "usynligt kontroltegn (U+0007); fjern koden", None),
    ("escaped-null-in-image-path.yaml", "entries/escaped-null-in-image-path.yaml:23: "
     "teksten i anførselstegn har en escape-kode (en kode med omvendt skråstreg), der giver "
     "et usynligt kontroltegn (U+0000); fjern koden", None),
    ("escaped-lone-surrogate.yaml", "entries/escaped-lone-surrogate.yaml:1: teksten i "
     "anførselstegn har en escape-kode (en kode med omvendt skråstreg), der ikke giver et "
     "tegn, der kan trykkes; fjern koden", None),
    ("bidi-override.yaml", "entries/bidi-override.yaml:10: usynligt tegn for skriveretning "
     "U+202E; slet det (det kan få teksten til at blive trykt baglæns) (kolonne 29)", None),
    ("noncharacter.yaml", "entries/noncharacter.yaml:13: U+FFFF er ikke et tegn, der kan "
     "trykkes; slet det (kolonne 78)", None),
    ("stray-byte-order-mark.yaml", "entries/stray-byte-order-mark.yaml:15: et byte-order "
     "mark (U+FEFF) inde i teksten; slet det (det kommer med, når man indsætter én fil i en "
     "anden) (kolonne 3)", None),
    # photos that lead out of the project
    ("image-web-address.yaml", "entries/image-web-address.yaml:23: image.file: "
     f"'http://127.0.0.1:{{port}}/nordby.jpg' er en webadresse; værktøjet henter aldrig "
     f"noget fra nettet: {SAVE_IN_IMAGES}", None),
    ("image-file-uri.yaml", "entries/image-file-uri.yaml:23: image.file: 'file:///etc/passwd' "
     "er et link, ikke en fil i projektet; værktøjet læser aldrig noget uden for projektet: "
     f"{SAVE_IN_IMAGES}", None),
    ("image-absolute-path.yaml", "entries/image-absolute-path.yaml:23: image.file: "
     "'/etc/passwd' er en placering på din egen computer, som værktøjet ikke kan bruge; "
     "kopiér fotoet ind i mappen images/ i projektet, og skriv images/passwd", None),
    ("image-outside-project.yaml", "entries/image-outside-project.yaml:23: image.file: "
     "'../outside.jpg' ligger uden for projektmappen; kopiér fotoet ind i images/",
     outside_photo),
    ("image-symlink-outside.yaml", "entries/image-symlink-outside.yaml:23: image.file: "
     "'images/link.jpg' er et link til en fil uden for projektmappen; kopiér selve fotoet "
     "ind i images/",
     lambda project: (project / "images" / "link.jpg").symlink_to(outside_photo(project))),
    ("image-path-with-hash.yaml", "entries/image-path-with-hash.yaml:23: image.file: "
     "'images/nordby#2.jpg' indeholder '#', som ikke kan bruges i stien til et foto; omdøb "
     "filen, så navnet kun har bogstaver, tal, - og _ (og / mellem mapper)",
     lambda project: (project / "images" / "nordby#2.jpg").write_bytes(jpeg_bytes(photo()))),
    # photos that cannot be printed as they are
    ("image-truncated.yaml", "entries/image-truncated.yaml:23: image.file: "
     "'images/truncated.jpg' er beskadiget eller ufuldstændigt (billeddata stopper for "
     "tidligt eller kan ikke læses); kopiér filen igen fra det sted, den kom fra",
     "truncated.jpg"),
    ("image-text-file.yaml", "entries/image-text-file.yaml:23: image.file: "
     "'images/not-a-photo.jpg' er ikke et billede, selvom navnet ender på .jpg (en webside "
     "eller tekstfil gemt under det navn?); gem selve fotoet som JPEG eller PNG",
     "not-a-photo.jpg"),
    ("image-decompression-bomb.yaml", "entries/image-decompression-bomb.yaml:23: image.file: "
     f"'images/bomb.png' siger selv, at det har mere end 178 megapixel; {MEGAPIXELS}",
     "bomb.png"),
    ("image-16-bit-grey.yaml", "entries/image-16-bit-grey.yaml:23: image.file: "
     f"'images/grey-16-bit.png' er et 16-bit gråtonebillede, som ikke kan trykkes; "
     f"{FIX} (8 bit pr. farve)", "grey-16-bit.png"),
    ("image-animated-gif.yaml", "entries/image-animated-gif.yaml:23: image.file: "
     "'images/animated.gif' er ikke et JPEG- eller PNG-foto; gem det som .jpg eller .png",
     "animated.gif"),
    ("image-animated-png.yaml", "entries/image-animated-png.yaml:23: image.file: "
     "'images/animated.png' er et animeret billede; en trykt side viser ét stillbillede: gem "
     "ét af billederne som JPEG eller PNG", "animated.png"),
    ("image-webp.yaml", "entries/image-webp.yaml:23: image.file: 'images/photo.webp' er ikke "
     "et JPEG- eller PNG-foto; gem det som .jpg eller .png", "photo.webp"),
    ("image-webp-named-jpg.yaml", "entries/image-webp-named-jpg.yaml:23: image.file: "
     f"'images/webp-photo.jpg' er et WEBP-billede, ikke JPEG eller PNG; {FIX}",
     "webp-photo.jpg"),
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
    from catalogue.read import yamlsafe

    with pytest.raises(yamlsafe.YamlProblem) as problem:
        yamlsafe.parse((HOSTILE / "billion-laughs.yaml").read_text("utf-8"))
    assert (str(problem.value), problem.value.line) == (
        "ankre og aliaser (& og *) er ikke tilladt; skriv værdien ud", 1)


def test_an_entry_linked_from_outside_the_project_is_not_read(tmp_path):
    project = make_project(tmp_path)
    secret = tmp_path / "secret.yaml"
    shutil.copy(REPO / "tests" / "fixtures" / "valid" / "minimal.yaml", secret)
    (project / "entries" / "linked.yaml").symlink_to(secret)
    before = snapshot(project / "output")
    result = run("check", str(project))
    assert_refused(result, "entries/linked.yaml: filen er et link til en fil uden for "
                   "projektmappen; kopiér selve filen ind i projektet", project, before)


def test_a_pipe_named_like_an_entry_is_not_opened(tmp_path):
    """Opening a named pipe would wait for a writer forever."""
    project = make_project(tmp_path)
    os.mkfifo(project / "entries" / "pipe.yaml")
    before = snapshot(project / "output")
    result = run("check", str(project))
    assert_refused(result, "entries/pipe.yaml: det er ikke en almindelig fil; fjern den, "
                   "eller erstat den med en YAML-fil", project, before)


# ---------- what a render may fetch ----------

def _with_network_illustration(tmp_path: Path, port: int) -> Path:
    """A project whose energi illustration points at a server on this machine."""
    project = make_project(tmp_path, layouts=True)
    shutil.copy(REPO / "tests" / "fixtures" / "valid" / "minimal.yaml", project / "entries")
    svg = project / "layouts" / "illustrations" / "energi.svg"
    svg.write_text(svg.read_text("utf-8").replace(
        "</svg>", f'<image href="http://127.0.0.1:{port}/x.png" width="10" height="10"/></svg>'),
        "utf-8")
    return project


def test_an_illustration_pointing_at_the_network_stops_the_build(tmp_path, server):
    port, requests = server
    project = _with_network_illustration(tmp_path, port)
    before = snapshot(project / "output")

    result = run("build", str(project))

    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1] == (
        "layoutet kunne ikke sættes op: afviste at indlæse layouts/illustrations/energi.svg: "
        f"SVG-filen henviser til http://127.0.0.1:{port}/x.png; en SVG må kun henvise til "
        "sine egne dele (#id), så indlejr eller tegn billedet i selve SVG-filen")
    assert "Traceback" not in result.output
    assert requests == []
    assert snapshot(project / "output") == before


def test_check_refuses_the_illustration_the_build_would_refuse(tmp_path, server):
    """`make check` says what `make` would stop at, in its words, without a layout."""
    port, requests = server
    project = _with_network_illustration(tmp_path, port)
    before = snapshot(project / "output")

    result = run("check", "--strict", str(project))

    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        "layouts/illustrations/energi.svg: layoutet kunne ikke sættes op: afviste at indlæse "
        f"layouts/illustrations/energi.svg: SVG-filen henviser til http://127.0.0.1:{port}/"
        "x.png; en SVG må kun henvise til sine egne dele (#id), så indlejr eller tegn billedet "
        "i selve SVG-filen", summary()]
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
        f"afviste at indlæse layouts/illustrations/own.svg: SVG-filen henviser til {shown}; "
        "en SVG må kun henvise til sine egne dele (#id), så indlejr eller tegn billedet i "
        "selve SVG-filen")


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
        "layoutet kunne ikke sættes op: afviste at indlæse layouts/illustrations/energi.svg: "
        "filen er et link til en fil uden for projektmappen")
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
    NOT_DOWNLOADED = "kun filer i projektet kan bruges; intet hentes fra nettet"
    refused = {
        f"http://127.0.0.1:{port}/x.png": NOT_DOWNLOADED,
        f"https://127.0.0.1:{port}/x.png": NOT_DOWNLOADED,
        f"ftp://127.0.0.1:{port}/x.png": NOT_DOWNLOADED,
        "data:image/png;base64,iVBORw0KGgo=": NOT_DOWNLOADED,
        f"file://example.org{project}/images/good.png": NOT_DOWNLOADED,
        "file:///etc/passwd": "filen ligger uden for projektmappen",
        f"{root}/../outside.jpg": "filen ligger uden for projektmappen",
        f"{root}/images/out.png": "filen er et link til en fil uden for projektmappen",
        f"{root}/notes.txt": "filer af typen .txt bruges ikke",
        f"{root}/images/missing.png": "filen findes ikke",
        f"{root}/images/fake.png": "filen er ikke et PNG-billede, uanset hvad navnet siger",
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
    assert "ind på en tredje side" not in result.output
    assert "venstre side løber" not in result.output


def test_a_long_word_in_the_title_wraps_and_the_fit_check_reports_it(tmp_path):
    project = make_project(tmp_path, "long-word-in-title.yaml")
    assert text_past_right_edges(laid_out(project))[0] == []
    before = snapshot(project / "output")
    result = run("build", "--strict", str(project))
    assert result.exit_code == 1, result.output
    assert re.search(r"^entries/long-word-in-title\.yaml:1: title: venstre side løber \d+ "
                     r"linjer over; forkort en af title \(\d+ linjer, linje 1\), lead "
                     r"\(\d linjer, linje 9\); opslagets andre tekster: partners \(\d+ "
                     r"linjer, linje 4\)", result.output, re.M), result.output
    assert snapshot(project / "output") == before


@pytest.mark.slow
def test_a_thousand_word_about_is_reported_by_the_fit_check(tmp_path):
    project = make_project(tmp_path, "long-about.yaml")
    text = (HOSTILE / "long-about.yaml").read_text("utf-8")
    assert len(text.split("about: |")[1].split("origin:")[0].split()) >= 1000
    before = snapshot(project / "output")
    result = run("build", "--strict", str(project))
    assert result.exit_code == 1, result.output
    assert re.search(r"^entries/long-about\.yaml:12: about: opslaget løber \d+ linjer ind på "
                     r"en tredje side; forkort en af about \(\d{3} linjer, linje 12\), "
                     r"origin \(\d linjer, linje 50\); opslagets andre tekster: title \(1 "
                     r"linje, linje 1\)", result.output, re.M), result.output
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
        target.write(b"%PDF-1.7\n half a catalogue")
        raise KeyboardInterrupt

    monkeypatch.setattr("pikepdf.Pdf.save", interrupted)  # while the parts are joined
    result = run("build", str(project))
    assert result.exit_code == 130, result.output
    assert result.output.splitlines()[-1] == "Afbrudt; output/ er, som det var."
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
    assert "Intern fejl: RuntimeError: Pango gave up" in result.output
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
    pages = dict(re.findall(r"^Skrev output/(\S+): (\d+) sider", outputs[0][0], re.M))
    assert set(pages) == {DOWNLOAD, PRINT}
    for name, count in pages.items():
        assert len(pypdf.PdfReader(project / "output" / name).pages) == int(count)
    assert sorted(p.name for p in (project / "output").iterdir()) == sorted(
        [DOWNLOAD, PRINT, "preflight.json", "web"])
    assert sorted(p.name for p in (project / "output" / "web").glob("*.pdf")) == sorted(
        [DOWNLOAD, PRINT])  # one build's web edition, whole
    report = json.loads((project / "output" / "preflight.json").read_text("utf-8"))
    assert sorted(r["file"] for r in report) == sorted([DOWNLOAD, PRINT])
