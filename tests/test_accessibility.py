"""The download edition as a screen reader meets it: tags, language, alt text, reading order.

No free PDF/UA validator installs from this machine's registries (veraPDF is a Java
application distributed outside PyPI, Debian and npm), so these checks read the structure
tree with pypdf: marked-content ids in the page streams are mapped back to their text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from catalogue.build import build

ROOT = Path(__file__).resolve().parent.parent


def _mcid_text(page) -> dict[int, str]:
    """Text of every marked-content sequence on a page, by its MCID."""
    stack: list[int | None] = []
    texts: dict[int, list[str]] = {}

    def before(operator, operands, cm, tm):
        if operator == b"BDC":
            props = operands[1] if len(operands) > 1 else {}
            mcid = props.get("/MCID") if isinstance(props, dict) else None
            stack.append(mcid if mcid is not None else (stack[-1] if stack else None))
        elif operator == b"BMC":
            stack.append(stack[-1] if stack else None)
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(fragment, cm, tm, font, size):
        if stack and stack[-1] is not None:
            texts.setdefault(stack[-1], []).append(fragment)

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {k: "".join(v) for k, v in texts.items()}


class Structure:
    """The structure tree flattened in document order: (tag, text, element).

    `parents` holds the tag of each element's parent, in the same order.
    """

    def __init__(self, reader: pypdf.PdfReader):
        self.reader = reader
        self._pages = {page.indirect_reference.idnum: page for page in reader.pages}
        self._texts: dict[int, dict[int, str]] = {}
        root = reader.trailer["/Root"]["/StructTreeRoot"]
        self.elements: list[tuple[str, str, dict]] = []
        self.parents: list[str | None] = []
        self._walk(root["/K"], None, None)

    def _page_texts(self, page_ref) -> dict[int, str]:
        key = page_ref.idnum
        if key not in self._texts:
            self._texts[key] = _mcid_text(self._pages[key])
        return self._texts[key]

    def _walk(self, kids, page_ref, parent: str | None) -> str:
        kids = kids.get_object() if hasattr(kids, "get_object") else kids
        if not isinstance(kids, list):
            kids = [kids]
        collected = []
        for kid in kids:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, int):
                if page_ref is not None:
                    collected.append(self._page_texts(page_ref).get(kid, ""))
            elif isinstance(kid, dict) and "/S" in kid:
                index = len(self.elements)
                self.elements.append((kid["/S"], "", kid))
                self.parents.append(parent)
                text = self._walk(kid.get("/K", []), kid.get("/Pg", page_ref), kid["/S"])
                self.elements[index] = (kid["/S"], " ".join(text.split()), kid)
                collected.append(text)
            elif isinstance(kid, dict) and kid.get("/Type") == "/MCR":
                collected.append(self._page_texts(kid.get("/Pg", page_ref)).get(kid["/MCID"], ""))
        return " ".join(collected)

    def tagged(self, tag: str) -> list[str]:
        return [text for s, text, _ in self.elements if s == tag]

    def headings(self) -> list[tuple[str, str]]:
        """(level, text) of every heading, as a screen reader's heading list shows them."""
        return [(s, text.casefold()) for s, text, _ in self.elements if s in ("/H1", "/H2")]


def _photo_project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "catalogue.yaml", tmp_path)
    shutil.copytree(ROOT / "entries", tmp_path / "entries")
    (tmp_path / "images").mkdir()
    Image.new("RGB", (800, 500), "#55765f").save(tmp_path / "images" / "foto.jpg")
    entry = tmp_path / "entries" / "greenlab-skive.yaml"
    entry.write_text(entry.read_text("utf-8") + (
        "image:\n  file: images/foto.jpg\n  alt: Luftfoto af energiparken ved Kåstrup\n"
        "  credit: Testfoto\n"), "utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def download(tmp_path_factory):
    project = _photo_project(tmp_path_factory.mktemp("a11y"))
    result = build(project, strict=True, say=lambda m: None, only={"download"})
    reader = pypdf.PdfReader(result.written[0].path)
    return result.project, reader, Structure(reader)


def test_tagged_pdf_basics(download):
    _, reader, structure = download
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "da"
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert reader.metadata.title.startswith("Grønne klimapartnerskaber")
    assert structure.tagged("/Document")


def test_every_figure_has_alt_text_and_illustrations_are_artifacts(download):
    project, _, structure = download
    figures = [element for tag, _, element in structure.elements if tag == "/Figure"]
    assert len(figures) == 1  # the one photo; the theme illustrations are decoration
    assert figures[0]["/Alt"] == "Luftfoto af energiparken ved Kåstrup"


def test_headings_follow_the_document(download):
    project, _, structure = download
    h1 = structure.tagged("/H1")
    titles = [doc.entry.title for doc in project.entries]
    assert h1[:3] == [project.edition.title, "Forord", "Indhold"]
    assert h1[3:3 + len(titles)] == titles
    assert h1[-1] == "Kolofon"
    h2 = [text.casefold() for text in structure.tagged("/H2")]
    assert h2.count("om partnerskabet") == len(titles)
    assert h2.count("gode råd") == len(titles)


def test_reading_order_follows_each_spread(download):
    project, _, structure = download
    sequence = structure.headings()
    for doc in project.entries:
        start = sequence.index(("/H1", doc.entry.title.casefold()))
        following = [text for _, text in sequence[start + 1:start + 12]]
        # Left page (facts) first, then the right page's story, advice and contact.
        order = ["fakta", "om partnerskabet", "sådan opstod idéen", "gode råd", "kontakt"]
        positions = [following.index(label) for label in order]
        assert positions == sorted(positions), doc.slug


def test_lists_are_lists_and_links_have_text(download):
    _, reader, structure = download
    assert structure.tagged("/L") and structure.tagged("/LI")
    # Outermost links (WeasyPrint nests the leader and page number of a contents line,
    # generated by ::after, as links inside the link).
    links = [text for (tag, text, _), parent in zip(structure.elements, structure.parents)
             if tag == "/Link" and parent != "/Link"]
    assert len(links) > 30 and all(text.strip() for text in links)
    assert "Carbon 20 4" in links
