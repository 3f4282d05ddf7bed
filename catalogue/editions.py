"""The PDFs one build writes: what differs between the download and the print edition."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PdfEdition:
    """One PDF made from the same pages: its file name, page-box CSS and writer options."""

    key: str
    label: str
    suffix: str
    options: dict = field(default_factory=dict)
    page_css: str = ""


# The download edition: tagged PDF/UA-1 for screen readers (UA-1 rather than UA-2 because
# today's readers and validators support it; WeasyPrint writes the structure tree, /Alt,
# /Lang, /MarkInfo and DisplayDocTitle for it); photos downsampled to about 170 ppi at their
# placed size and recompressed, so the file opens at once on a phone.
DOWNLOAD = PdfEdition(
    key="download", label="Downloadudgave", suffix="",
    options={"pdf_variant": "pdf/ua-1", "optimize_images": True, "jpeg_quality": 80,
             "dpi": 170, "pdf_identifier": True})

EDITIONS = (DOWNLOAD,)
