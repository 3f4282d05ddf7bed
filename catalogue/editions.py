"""The PDFs one build writes: what differs between the download and the print edition."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .config import Edition, PrintSettings


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


def print_edition(settings: PrintSettings, project_root: Path) -> PdfEdition:
    """The print edition: bleed on every side, full-resolution photos, optional marks/PDF/X."""
    marks = "marks: crop;" if settings.crop_marks else ""
    css = (f":root {{ --bleed: {settings.bleed_mm}mm; }}\n"
           f"@page {{ bleed: {settings.bleed_mm}mm; {marks} }}\n")
    options = {"pdf_identifier": True}
    if settings.icc_profile:
        profile = (project_root / settings.icc_profile).resolve().as_uri()
        css += f"@color-profile device-cmyk {{ src: url({profile}); }}\n"
        options["pdf_variant"] = "pdf/x-4"
    return PdfEdition(key="print", label="Trykudgave", suffix="-tryk", options=options,
                      page_css=css)


def for_project(edition: Edition, project_root: Path) -> tuple[PdfEdition, ...]:
    """The editions one build writes, in order: download, then print."""
    return (DOWNLOAD, print_edition(edition.print, project_root))
