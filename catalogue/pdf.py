"""HTML -> WeasyPrint Document, with a sandboxed fetcher; WeasyPrint's warnings collected."""

from __future__ import annotations

import contextlib
import logging
import mimetypes
import os
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree


def _import_weasyprint() -> None:
    """Import WeasyPrint without ctypes.util.find_library on Linux.

    WeasyPrint opens each C library by trying several names (libpango-1.0-0, pango-1.0-0,
    pango-1.0, libpango-1.0.so.0, ...); for each name that is not a file, cffi asks
    find_library, which runs ldconfig and gcc: 54 subprocesses, 0.6 s -> 0.33 s for the
    import, paid by every process that lays out (each worker, a preview). On Linux the
    list holds the soname, which the dynamic linker opens by itself, so the other names
    may as well fail at once. Elsewhere the import is left as it is.
    """
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        return
    import ctypes.util

    real = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = real


_import_weasyprint()
import weasyprint  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

from .errors import BuildFailed  # noqa: E402
from .paths import layouts_dir, readable_roots  # noqa: E402


class _OpenArrays:
    """WeasyPrint's cffi handle, for its font subsetting: an array asked for with its
    length in the type ('hb_codepoint_t[57]', with the values) is asked for with an open
    length ('hb_codepoint_t[]'), which the values fill in the same way. cffi parses each
    new type string with pycparser (2 ms), and every font subset asks for arrays of new
    lengths (its glyph count, its highest glyph id): about 2 ms of the 36 ms of writing
    a spread, for the same bytes."""

    _SIZED = re.compile(r"\[\d+\]$")

    def __init__(self, ffi):
        self._ffi = ffi

    def __getattr__(self, name):
        return getattr(self._ffi, name)

    def new(self, cdecl, init=None):
        if init is not None and isinstance(cdecl, str):
            cdecl = self._SIZED.sub("[]", cdecl)
        return self._ffi.new(cdecl, init)


def _subset_arrays_open() -> None:
    from weasyprint.pdf import fonts

    if not isinstance(fonts.ffi, _OpenArrays):
        fonts.ffi = _OpenArrays(fonts.ffi)


_subset_arrays_open()


def _plain_properties_fast() -> None:
    """WeasyPrint computes a property of an element's style when it is first asked for
    (ComputedStyle.__missing__), always by its general path: the cascaded value, var(),
    math, logical properties, the properties that depend on each other. Most properties
    asked for (6,100 of 7,000 a spread) are none of that: not in the element's cascaded
    values (nor, for a physical property such as margin_left, its logical one such as
    margin_inline_start), so the initial value, computed where WeasyPrint computes it
    (a border's width, which its style decides), or the parent's value for an inherited
    property. Those are answered here, with what the general path returns; the rest
    take the general path. Laying out and writing a spread about 6 % faster, the same
    bytes (tests/test_parts.py compares both editions with WeasyPrint's own path). Only
    for the WeasyPrint this was read from (pyproject.toml pins it); with any other
    version, WeasyPrint's own path alone."""
    from weasyprint import __version__
    from weasyprint.css import ComputedStyle
    from weasyprint.css.computed_values import COMPUTER_FUNCTIONS, PHYSICAL_FUNCTIONS
    from weasyprint.css.functions import check_math
    from weasyprint.css.properties import INHERITED, INITIAL_NOT_COMPUTED, INITIAL_VALUES

    general = ComputedStyle.__missing__
    if __version__ != "70.0" or getattr(general, "plain_fast", False):
        return
    # Properties the general path treats specially even when nothing sets them.
    special = frozenset({"float", "display", "position", "page",
                         *(key for key in INITIAL_VALUES if key.startswith("text_decoration_"))})

    def __missing__(self, key):
        if key in self.cascaded or key in special or key[:2] == "__":
            return general(self, key)
        physical = PHYSICAL_FUNCTIONS.get(key)
        if physical is not None and \
                physical(block="ttb", inline=self["direction"]) in self.cascaded:
            return general(self, key)  # set by its logical property
        if key not in INHERITED:
            value = INITIAL_VALUES[key]
            if key in INITIAL_NOT_COMPUTED and key in COMPUTER_FUNCTIONS:
                value = COMPUTER_FUNCTIONS[key](self, key, value)
            self[key] = value
            return value
        parent = self.parent_style
        if parent is None:
            return general(self, key)
        value = parent[key]
        if check_math(value):  # the general path may warn of it
            return general(self, key)
        self[key] = value
        return value

    __missing__.plain_fast = True
    __missing__.general = general
    ComputedStyle.__missing__ = __missing__


_plain_properties_fast()

# What a render may read: our stylesheets, fonts, illustrations and photos. Nothing else:
# no network, no data: URIs (the layouts and render.py generate none), no other file types.
ALLOWED_SUFFIXES = {".css", ".otf", ".ttf", ".woff", ".woff2", ".svg", ".jpg", ".jpeg", ".png",
                    ".icc", ".icm"}
# A photo must be what its name says: WeasyPrint would read anything Pillow cannot open
# as SVG, with the SVG's own references.
MAGIC = {".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".png": b"\x89PNG\r\n\x1a\n"}
MAX_FILE_BYTES = 64 * 1024 * 1024
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


class SandboxFetcher(URLFetcher):
    """Serves only files of allowed types inside the given folders; refuses the network.

    Every check happens here, before WeasyPrint sees a byte: the URL must be a file
    inside one of the roots after resolving links, of an allowed type, an ordinary file,
    and an SVG (or anything that looks like XML) may only refer to its own parts.
    """

    def __init__(self, roots: list[Path]):
        super().__init__(fail_on_errors=True)
        self.roots = [r.resolve() for r in roots]
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        """Open an allowed local file, or stop the render with a clear reason."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            self._refuse(url, "only files inside the project may be used; nothing is "
                         "downloaded")
        asked = Path(os.path.normpath(unquote(parts.path)))
        path, shown = asked.resolve(), self._shown(asked)
        if not any(path.is_relative_to(root) for root in self.roots):
            linked = any(asked.is_relative_to(root) for root in self.roots)
            self._refuse(shown, f"the file is {'a link to a file ' if linked else ''}outside "
                         "the project folder")
        if path.suffix.lower() not in ALLOWED_SUFFIXES:
            self._refuse(shown, f"files of type {path.suffix or '(none)'} are not used")
        if not path.is_file():
            self._refuse(shown, "the file does not exist")
        if path.stat().st_size > MAX_FILE_BYTES:
            self._refuse(shown, f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
        data = path.read_bytes()
        magic = MAGIC.get(path.suffix.lower())
        if magic and not data.startswith(magic):
            self._refuse(shown, f"the file is not a {path.suffix[1:].upper()} picture, "
                         "whatever its name says")
        if path.suffix.lower() == ".svg" or data.lstrip()[:1] == b"<":
            why = svg_problem(data)
            if why:
                self._refuse(shown, why)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": mime})

    def _shown(self, path: Path) -> str:
        """A path as a maintainer finds it: relative to the project, or the tool's folder."""
        for number, root in enumerate(self.roots):
            if path.is_relative_to(root):
                return str(path.relative_to(root if number == 0 else root.parent))
        return str(path)

    def _refuse(self, url: str, why: str):
        self.refused.append(f"{url}: {why}")
        raise FatalURLFetchingError(f"refused to load {url}: {why}")


def svg_problem(data: bytes) -> str | None:
    """Why an SVG may not be drawn, or None: it may only refer to its own parts (#id).

    WeasyPrint fetches an SVG's <image>, <use>, @import and url() references itself,
    and only logs a failure while drawing; so they are refused here, before any fetch.
    """
    if b"<!ENTITY" in data or b"<?xml-stylesheet" in data:
        return "the SVG declares entities or a stylesheet; remove the <!ENTITY or " \
               "<?xml-stylesheet lines"
    try:
        tree = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return f"the SVG is not well-formed XML ({exc})"
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
                    return (f"the SVG refers to {target}; an SVG may only refer to its own "
                            "parts (#id), so embed or draw the picture in the SVG itself")
    return None


class _Collector(logging.Handler):
    """Collects WeasyPrint's warnings: a missing font or image must not pass unnoticed."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def collect_warnings():
    """Capture WeasyPrint's log warnings for the duration of a render or write."""
    handler = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    old_propagate = logger.propagate
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate


def render(html: str, base_url: Path, roots: list[Path], page_css: str = "",
           **options) -> weasyprint.Document:
    """Lay out the HTML into pages; raise BuildFailed when a resource is refused.

    Image options (dpi, jpeg_quality, optimize_images) take effect here, when the images
    are loaded, not when the PDF is written.
    """
    fetcher = SandboxFetcher(roots)
    profiles: dict = {}  # @color-profile rules of the page CSS land here (PDF/X)
    try:
        stylesheet, fonts, said = _stylesheet(layouts_dir(base_url) / "catalogue.css", roots)
        for message in said:  # what WeasyPrint said of the stylesheet, said for every render
            logging.getLogger("weasyprint").warning("%s", message)
        extra = [weasyprint.CSS(string=page_css, url_fetcher=fetcher, font_config=fonts,
                                color_profiles=profiles)] if page_css else []
        return weasyprint.HTML(string=html, base_url=base_url.as_uri() + "/",
                               url_fetcher=fetcher).render(
            stylesheets=[stylesheet, *extra], font_config=fonts, color_profiles=profiles,
            **options)
    except FatalURLFetchingError as exc:
        raise BuildFailed(f"the layout could not be rendered: {exc}") from None


def as_download(document: weasyprint.Document, photos: dict[str, str],
                roots: list[Path]) -> bool:
    """Turn a print edition's laid-out spread into the download edition's, in place:
    without the print-only elements (data-edition="print": the QR code), with the download
    edition's photos (photos: the print edition's address -> the download edition's) and
    without bleed. Nothing on the page moves: a print-only element must end the box it is
    in (the QR code ends the sidebar). Where one does not, False, and nothing is changed.

    The two editions' spreads are the same pages (DESIGN.md); WeasyPrint's layout is most
    of a spread's cost, and this saves the second one. The result is the PDF the download
    edition's own HTML gives: the same pages, resources, links, tags and destinations; only
    the spread's invisible end marker may sit lower, below the QR code's column
    (tests/test_parts.py).
    """
    from weasyprint.anchors import gather_anchors
    from weasyprint.images import get_image_from_uri

    cut, swap = [], []
    for page in document.pages:
        for box in _boxes(page._page_box):
            children = getattr(box, "children", None) or []
            kept = [child for child in children if not _print_only(child, box)]
            if len(kept) < len(children):
                if children[:len(kept)] != kept:
                    return False  # something follows a print-only element: it would move
                cut.append((box, kept))
            replacement = getattr(box, "replacement", None)
            if replacement is not None and box.element is not None:
                copy = photos.get(box.element.get("src"))
                if copy is not None:
                    swap.append((box, copy))
    fetcher = SandboxFetcher(roots)
    try:
        images = [(box, get_image_from_uri(cache={}, url_fetcher=fetcher,
                                           options=weasyprint.DEFAULT_OPTIONS, url=copy,
                                           orientation=box.style["image_orientation"]))
                  for box, copy in swap]
    except FatalURLFetchingError as exc:
        raise BuildFailed(f"the layout could not be rendered: {exc}") from None
    if any(image is None for _, image in images):
        return False  # said by WeasyPrint; the download edition's own layout says it again
    for box, image in images:
        box.replacement = image
    for box, kept in cut:
        box.children = kept
    for page in document.pages:
        page.bleed = dict.fromkeys(page.bleed, 0)
        page.anchors, page.links, page.bookmarks, page.forms = {}, [], [], {None: []}
        gather_anchors(page._page_box, page.anchors, page.links, page.bookmarks, page.forms)
    return True


def _boxes(box):
    """A laid-out box and every box in it."""
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _print_only(box, parent) -> bool:
    """Whether box is the box of a print-only element (not a box inside one)."""
    element = getattr(box, "element", None)
    return (element is not None and element is not getattr(parent, "element", None)
            and element.get("data-edition") == "print")


_STYLESHEETS: dict[tuple, tuple] = {}


def ready(root: Path) -> None:
    """Parse the project's stylesheet and load its fonts now, before the first render.
    What it refuses (a font that is missing) is said when a part is rendered."""
    try:
        _stylesheet(layouts_dir(root) / "catalogue.css", readable_roots(root))
    except FatalURLFetchingError:  # a BaseException: it would end a worker or the helper
        pass


def _stylesheet(path: Path, roots: list[Path]):
    """The layouts' stylesheet, parsed, with its fonts loaded: once per process, and again
    when it or a font changed (preview --watch runs for hours).

    Parsing it and loading its @font-face fonts took a third of the time of laying out a
    spread; a build lays out a hundred parts per process. The stylesheet is a user
    stylesheet to WeasyPrint, so the palette in each document's <style> (author origin)
    still overrides its defaults.
    """
    files = [path, *sorted((path.parent.parent / "fonts").glob("*"))]  # and its fonts
    key = (tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files),
           tuple(str(r) for r in roots))
    if key not in _STYLESHEETS:
        fonts = FontConfiguration()
        with collect_warnings() as said:
            css = weasyprint.CSS(url=path.as_uri(), font_config=fonts,
                                 url_fetcher=SandboxFetcher(roots))
        _STYLESHEETS.clear()
        _STYLESHEETS[key] = (css, fonts, list(said))
    return _STYLESHEETS[key]


@contextlib.contextmanager
def stable_document_id(seed: str):
    """WeasyPrint stamps PDF/X files with a random XMP DocumentID; derive it from seed."""
    import uuid

    from weasyprint.pdf import metadata

    original = metadata.uuid4
    metadata.uuid4 = lambda: uuid.uuid5(uuid.NAMESPACE_URL, seed)
    try:
        yield
    finally:
        metadata.uuid4 = original


@contextlib.contextmanager
def fonts_uncompressed():
    """A part's font subsets written as they are, not deflated: the join puts one subset of
    each typeface in their place (subsets.py; pikepdf deflates what it keeps), so
    compressing them was a tenth of the cost of writing a part (10 ms a spread)."""
    from weasyprint import pdf as writer

    real = writer.build_fonts_dictionary

    def build_fonts_dictionary(pdf, fonts, compress, subset, options):
        return real(pdf, fonts, False, subset, options)

    writer.build_fonts_dictionary = build_fonts_dictionary
    try:
        yield
    finally:
        writer.build_fonts_dictionary = real


def set_bleed_box(path: Path, bleed_mm: float) -> None:
    """Set every page's BleedBox to its TrimBox plus bleed_mm on each side, in place."""
    import pypdf
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    bleed = bleed_mm * 72 / 25.4
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(path))
    for page in writer.pages:
        trim = page.trimbox
        box = [float(trim.left) - bleed, float(trim.bottom) - bleed,
               float(trim.right) + bleed, float(trim.top) + bleed]
        page[NameObject("/BleedBox")] = ArrayObject(FloatObject(v) for v in box)
    with open(path, "wb") as stream:
        writer.write(stream)
