"""The preflight report: what a print shop (or an editor) checks before sending a file.

It reads the written PDFs with pikepdf (page boxes, fonts) and takes from the build what only
the layout knows (photo resolutions, spreads that run over or look empty).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CatalogueError
from ..files import atomic_target
from ..i18n import _, number

if TYPE_CHECKING:
    import pikepdf

PT_PER_MM = 72 / 25.4
REPORT = "preflight.json"


def describe(path: Path, edition: str, layout: dict) -> dict:
    """One edition's preflight facts, from its PDF and from the layout checks."""
    import pikepdf  # only where a PDF is read (the CLI shows reports without it)

    with pikepdf.open(path) as pdf:
        first = pdf.pages[0]
        trim, bleed = first.trimbox, first.bleedbox
        return {
            "edition": edition,
            "file": path.name,
            "pages": len(pdf.pages),
            "trim_mm": [round(_width(trim) / PT_PER_MM, 1), round(_height(trim) / PT_PER_MM, 1)],
            "bleed_mm": round((_width(bleed) - _width(trim)) / 2 / PT_PER_MM, 1),
            "pdf_x": _intent(pdf, "/GTS_PDFX"),
            "pdf_a": _intent(pdf, "/GTS_PDFA1"),
            "tagged": "/StructTreeRoot" in pdf.Root,
            "fonts": _fonts(pdf),
            "size_kb": round(path.stat().st_size / 1024),
            **layout,
        }


def _intent(pdf: pikepdf.Pdf, kind: str) -> bool:
    """Whether the PDF has an output intent of this kind (PDF/X or PDF/A)."""
    return any(intent.get("/S") == kind for intent in pdf.Root.get("/OutputIntents", []))


def _width(box) -> float:
    return float(box[2]) - float(box[0])


def _height(box) -> float:
    return float(box[3]) - float(box[1])


def _fonts(pdf: pikepdf.Pdf) -> list[dict]:
    fonts, seen = {}, set()
    for page in pdf.pages:
        for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            name = str(font.BaseFont).lstrip("/")
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font.DescendantFonts[0].get("/FontDescriptor")
            descriptor = descriptor if descriptor is not None else {}
            fonts[name] = {"name": name.split("+", 1)[-1], "subset": "+" in name,
                           "embedded": any(k in descriptor for k in
                                           ("/FontFile", "/FontFile2", "/FontFile3"))}
    return sorted(fonts.values(), key=lambda f: f["name"])


def save(report: list[dict], output: Path) -> Path:
    """Write the report as JSON next to the PDFs (atomically), keeping other editions."""
    target = output / REPORT
    built = {r["edition"] for r in report}
    try:
        kept = [r for r in load(output) if r["edition"] not in built
                and (output / r["file"]).is_file()]
    except (CatalogueError, ValueError, KeyError, TypeError):
        kept = []  # no report yet, or an unreadable one: start afresh
    report = kept + report
    with atomic_target(target) as temp:
        temp.write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
    return target


def load(output: Path) -> list[dict]:
    """The report of the last build, or a clear error when there is none."""
    try:
        return json.loads((output / REPORT).read_text("utf-8"))
    except FileNotFoundError:
        raise CatalogueError(_("there is no {report} in {folder}/ yet; run 'make' first")
                             .format(report=REPORT, folder=output.name)) from None


def table(report: list[dict]) -> str:
    """The report as a plain-text table, one column per edition."""
    no, yes, none = _("no"), _("yes"), _("none")
    rows = [("", *[r["edition"] for r in report]),
            (_("file"), *[r["file"] for r in report]),
            (_("pages"), *[str(r["pages"]) for r in report]),
            (_("trim size"), *[f"{_mm(r['trim_mm'][0])} × {_mm(r['trim_mm'][1])} mm"
                               for r in report]),
            (_("bleed"), *[f"{_mm(r['bleed_mm'])} mm" for r in report]),
            ("PDF/X", *["PDF/X-4" if r["pdf_x"] else no for r in report]),
            ("PDF/A", *["PDF/A-2a" if r.get("pdf_a") else no for r in report]),
            (_("tagged (PDF/UA)"), *[yes if r["tagged"] else no for r in report]),
            (_("fonts"), *[_font_summary(r["fonts"]) for r in report]),
            (_("photos"), *[_photo_summary(r) for r in report]),
            (_("spreads over"), *[", ".join(r["overflowing"]) or none for r in report]),
            (_("sparse pages"), *[", ".join(r["sparse"]) or none for r in report]),
            (_("warnings"), *[str(r["warnings"]) for r in report]),
            (_("size"), *[f"{number(r['size_kb'])} KB" for r in report])]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                     for row in rows)


def _mm(value: float) -> str:
    """A length as the language writes it: 3 or 3,5 (Danish), 3.5 (English)."""
    return number(value, 0 if float(value).is_integer() else 1)


def _font_summary(fonts: list[dict]) -> str:
    ok = all(f["embedded"] and f["subset"] for f in fonts)
    return f"{len(fonts)} " + (_("embedded, subset") if ok else _("NOT all embedded/subset"))


def _photo_summary(report: dict) -> str:
    ppi = report["photo_ppi"]
    return _("{count}, lowest {ppi} ppi").format(count=len(ppi), ppi=f"{min(ppi):.0f}") \
        if ppi else _("none")
