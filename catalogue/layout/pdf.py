"""HTML -> WeasyPrint Document, with a sandboxed fetcher; WeasyPrint's warnings collected."""

from __future__ import annotations

import contextlib
import logging
import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..errors import BuildFailed
from ..i18n import _
from ..read.images import svg_problem
from ..paths import layouts_dir, readable_roots

# The WeasyPrint whose internals as_download was read from. With any other version it is
# not used (each edition lays out its own spreads), the build stays right, only slower,
# and tests/test_parts.py fails until it is read and measured again (docs/performance.md,
# "Patches of WeasyPrint").
WEASYPRINT = "70.0"
READ_FROM_THIS_WEASYPRINT = weasyprint.__version__ == WEASYPRINT


# What a render may read: our stylesheets, fonts, illustrations and photos. Nothing else:
# no network, no data: URIs (the layouts and render.py generate none), no other file types.
ALLOWED_SUFFIXES = {".css", ".otf", ".ttf", ".woff", ".woff2", ".svg", ".jpg", ".jpeg", ".png",
                    ".icc", ".icm"}
# A photo must be what its name says: WeasyPrint would read anything Pillow cannot open
# as SVG, with the SVG's own references.
MAGIC = {".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".png": b"\x89PNG\r\n\x1a\n"}
MAX_FILE_BYTES = 64 * 1024 * 1024


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
            self._refuse(url, _("only files inside the project may be used; nothing is "
                                "downloaded"))
        asked = Path(os.path.normpath(unquote(parts.path)))
        path, shown = asked.resolve(), self._shown(asked)
        if not any(path.is_relative_to(root) for root in self.roots):
            linked = any(asked.is_relative_to(root) for root in self.roots)
            self._refuse(shown, _("the file is a link to a file outside the project folder")
                         if linked else _("the file is outside the project folder"))
        if path.suffix.lower() not in ALLOWED_SUFFIXES:
            self._refuse(shown, _("files of type {suffix} are not used").format(
                suffix=path.suffix or _("(none)")))
        if not path.is_file():
            self._refuse(shown, _("the file does not exist"))
        if path.stat().st_size > MAX_FILE_BYTES:
            self._refuse(shown, _("the file is larger than {size} MB").format(
                size=MAX_FILE_BYTES // 2**20))
        data = path.read_bytes()
        magic = MAGIC.get(path.suffix.lower())
        if magic and not data.startswith(magic):
            self._refuse(shown, _("the file is not a {kind} picture, whatever its name says")
                         .format(kind=path.suffix[1:].upper()))
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
        raise FatalURLFetchingError(_("refused to load {file}: {reason}").format(
            file=url, reason=why))


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
        raise BuildFailed(_("the layout could not be rendered: {reason}").format(
            reason=exc)) from None


def as_download(document: weasyprint.Document, photos: dict[str, str],
                roots: list[Path]) -> bool:
    """Turn a print edition's laid-out spread into the download edition's, in place:
    without the print-only elements (data-edition="print": the QR code), with the download
    edition's photos (photos: the print edition's address -> the download edition's) and
    without bleed. Nothing on the page moves: a print-only element must end the box it is
    in (the QR code ends the sidebar). Where one does not, False, and nothing is changed.

    WeasyPrint's layout is most of a spread's cost, and this saves the second one. The
    result is the PDF the download edition's own HTML gives (tests/test_parts.py); only the
    spread's invisible end marker may sit lower, below the QR code's column.
    """
    from weasyprint.anchors import gather_anchors

    if not READ_FROM_THIS_WEASYPRINT:
        return False
    changes = _download_changes(document, photos)
    if changes is None:
        return False
    cut, swap = changes
    images = _download_images(swap, roots)
    if any(image is None for _box, image in images):
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


def _download_images(swap: list, roots: list[Path]) -> list:
    """The download edition's photos loaded for their boxes: (box, image or None)."""
    from weasyprint.images import get_image_from_uri

    fetcher = SandboxFetcher(roots)
    try:
        return [(box, get_image_from_uri(cache={}, url_fetcher=fetcher,
                                         options=weasyprint.DEFAULT_OPTIONS, url=copy,
                                         orientation=box.style["image_orientation"]))
                for box, copy in swap]
    except FatalURLFetchingError as exc:
        raise BuildFailed(_("the layout could not be rendered: {reason}").format(
            reason=exc)) from None


def _download_changes(document: weasyprint.Document, photos: dict[str, str]):
    """What as_download changes: the boxes that lose their print-only children (with the
    children they keep) and the photos to swap (box, the download edition's address); None
    where something follows a print-only element (it would move)."""
    cut, swap = [], []
    for page in document.pages:
        for box in _boxes(page._page_box):
            children = getattr(box, "children", None) or []
            kept = [child for child in children if not _print_only(child, box)]
            if len(kept) < len(children):
                if children[:len(kept)] != kept:
                    return None
                cut.append((box, kept))
            replacement = getattr(box, "replacement", None)
            if replacement is not None and box.element is not None:
                copy = photos.get(box.element.get("src"))
                if copy is not None:
                    swap.append((box, copy))
    return cut, swap


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
