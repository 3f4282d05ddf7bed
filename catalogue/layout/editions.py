"""The PDFs one build writes: what differs between the download and the print edition."""

from __future__ import annotations

import dataclasses
import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..danish import slug

if TYPE_CHECKING:
    from ..read.config import Edition, PrintSettings
    from ..read.load import Project


@dataclass(frozen=True)
class PdfEdition:
    """One PDF made from the same pages: its file name, page-box CSS and writer options."""

    key: str
    label: str
    suffix: str
    options: dict = field(default_factory=dict)
    page_css: str = ""
    bleed_box_mm: float | None = None  # set the PDF BleedBox after writing (see print_edition)
    photo_size: tuple[int, int] | None = None  # downsample photos to cover this (pixels)
    photo_quality: int = 80
    # Its spreads' layout serves the download edition too (worker.Job): its page CSS
    # changes only the bleed, which pdf.as_download takes away again.
    serves_download: bool = False


# The download edition: tagged PDF/UA-1 for screen readers (UA-1 rather than UA-2 because
# today's readers and validators support it; WeasyPrint writes the structure tree, /Alt,
# /Lang, /MarkInfo and DisplayDocTitle for it); photos downsampled to about 170 ppi at their
# placed size and recompressed at JPEG quality 80, so the file opens at once on a phone.
# The picture block is 213 x 131 mm with bleed (layouts/catalogue.css: --hero, --bleed):
# 1430 x 880 pixels at 170 ppi. The downsampled copies are cached (cache.py), so WeasyPrint
# embeds them as they are instead of recompressing every photo on every build.
DOWNLOAD = PdfEdition(
    key="download", label="Downloadudgave", suffix="",
    options={"pdf_variant": "pdf/ua-1", "pdf_identifier": True},
    photo_size=(1430, 880), photo_quality=80)


def print_edition(settings: PrintSettings, project_root: Path) -> PdfEdition:
    """The print edition: bleed on every side, full-resolution photos, optional marks/PDF/X."""
    # WeasyPrint draws crop marks in the outer half of the CSS bleed and caps the PDF
    # BleedBox at 10 pt. With marks, the page gets 6 mm more room so the marks stay clear of
    # the artwork's bleed, and the BleedBox is set to the true bleed after writing.
    room = settings.bleed_mm + (6 if settings.crop_marks else 0)
    marks = "marks: crop;" if settings.crop_marks else ""
    # The page CSS is a user stylesheet: its variables need !important to beat the layouts.
    css = (f":root {{ --bleed: {settings.bleed_mm}mm !important; }}\n"
           f"@page {{ bleed: {room}mm; {marks} }}\n")
    options = {"pdf_identifier": True}
    if settings.icc_profile:
        # PDF/X-4 with the print shop's profile as output intent; body text in pure K, so
        # it prints with one ink and stays sharp. Other colours are converted by the shop.
        profile = (project_root / settings.icc_profile).resolve().as_uri()
        css += (f"@color-profile device-cmyk {{ src: url({profile}); "
                "components: c, m, y, k; }\n"
                ":root { --ink: device-cmyk(0 0 0 1) !important; }\n")
        options["pdf_variant"] = "pdf/x-4"
    fix_box = settings.bleed_mm if settings.crop_marks or settings.bleed_mm > 3.5 else None
    return PdfEdition(key="print", label="Trykudgave", suffix="-tryk", options=options,
                      page_css=css, bleed_box_mm=fix_box,
                      serves_download=not settings.crop_marks and not settings.icc_profile)


def for_project(edition: Edition, project_root: Path) -> tuple[PdfEdition, ...]:
    """The editions one build writes, in order: download, then print. The download
    edition's artwork reaches as far past the trim as the print edition's (its pages cut
    it off): the two editions have the same layout, so that one serves both (worker.Job)."""
    bleed = f":root {{ --bleed: {edition.print.bleed_mm}mm !important; }}\n"
    return (dataclasses.replace(DOWNLOAD, page_css=bleed),
            print_edition(edition.print, project_root))


def output_name(project: Project) -> str:
    """The download edition's file name: title and year, e.g. groenne-klimapartnerskaber-2026."""
    return f"{slug(project.edition.title)}-{project.edition.year}"


def created(project: Project) -> datetime.datetime:
    """The PDF's date: SOURCE_DATE_EPOCH when set, else the edition's publication date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    day = project.edition.publication_date
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
