"""Page images for proofreading: one PNG per page and a contact sheet of spreads."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
from PIL import Image

from ..layout.editions import output_name
from ..errors import CatalogueError
from ..i18n import _
from ..read.load import load_project


def page_images(pdf_path: Path, scale: float = 1.0) -> list[Image.Image]:
    """Every page of a PDF as an image (scale 1.0 = 72 dpi)."""
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        return [page.render(scale=scale).to_pil() for page in document]
    finally:
        document.close()


def contact_sheet(pages: list[Image.Image], columns: int = 4, width: int = 220) -> Image.Image:
    """Pages laid out as open spreads (page 1 alone on the right), as a reader sees them."""
    height = round(width * pages[0].height / pages[0].width)
    gap = 16
    slots = [None] + pages  # a blank left slot before the cover
    rows = [slots[i:i + 2] for i in range(0, len(slots), 2)]
    spread_w = 2 * width
    grid_rows = (len(rows) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * (spread_w + gap) + gap,
                              grid_rows * (height + gap) + gap), "#9AA19D")
    for n, spread in enumerate(rows):
        x = gap + (n % columns) * (spread_w + gap)
        y = gap + (n // columns) * (height + gap)
        for side, page in enumerate(spread):
            if page is not None:
                sheet.paste(page.convert("RGB").resize((width, height)), (x + side * width, y))
    return sheet


def make_proofs(root: Path) -> list[Path]:
    """Render the built download edition to output/proof/; return the files written."""
    project = load_project(root)
    pdf_path = root / "output" / f"{output_name(project)}.pdf"
    if not pdf_path.is_file():
        raise CatalogueError(_("{file} does not exist yet; run 'make' first").format(
            file=pdf_path.relative_to(root)))
    folder = root / "output" / "proof"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    pages = page_images(pdf_path, scale=100 / 72)
    written = []
    for number, image in enumerate(pages, start=1):
        path = folder / f"page-{number:03d}.png"
        image.save(path)
        written.append(path)
    sheet = folder / "contact-sheet.png"
    contact_sheet(pages).save(sheet)
    return written + [sheet]
