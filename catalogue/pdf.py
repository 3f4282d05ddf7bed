"""HTML -> WeasyPrint Document -> PDF file, with a sandboxed fetcher and an atomic write."""

from __future__ import annotations

import contextlib
import logging
import mimetypes
import os
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .errors import BuildFailed

# What a render may read: our stylesheets, fonts, illustrations and photos. Nothing else.
ALLOWED_SUFFIXES = {".css", ".otf", ".ttf", ".woff", ".woff2", ".svg", ".jpg", ".jpeg", ".png",
                    ".icc", ".icm"}


class SandboxFetcher(URLFetcher):
    """Serves only files of allowed types inside the given folders; refuses the network."""

    def __init__(self, roots: list[Path]):
        super().__init__(fail_on_errors=True)
        self.roots = [r.resolve() for r in roots]
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        """Open an allowed local file, or stop the render with a clear reason."""
        parts = urlsplit(url)
        if parts.scheme != "file":
            self._refuse(url, "only files inside the project may be used")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            self._refuse(url, "the file is outside the project folder")
        if path.suffix.lower() not in ALLOWED_SUFFIXES:
            self._refuse(url, f"files of type {path.suffix or '(none)'} are not used")
        if not path.is_file():
            self._refuse(url, "the file does not exist")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})

    def _refuse(self, url: str, why: str):
        self.refused.append(f"{url}: {why}")
        raise FatalURLFetchingError(f"refused to load {url}: {why}")


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
    extra = [weasyprint.CSS(string=page_css, url_fetcher=fetcher,
                            color_profiles=profiles)] if page_css else []
    try:
        return weasyprint.HTML(string=html, base_url=base_url.as_uri() + "/",
                               url_fetcher=fetcher).render(
            stylesheets=extra, color_profiles=profiles, **options)
    except FatalURLFetchingError as exc:
        raise BuildFailed(f"the layout could not be rendered: {exc}") from None


@contextlib.contextmanager
def atomic_target(target: Path):
    """Yield a temporary path beside target; move it into place only if the block succeeds.

    A failed, refused or interrupted write leaves the previous file untouched and no
    temporary file behind.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".pdf.part",
                                         dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        yield temp
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


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
