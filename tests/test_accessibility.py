"""The download edition as a screen reader and an archive meet it: tags, language, alt text,
reading order, PDF/A-2a.

Three checkers no one here wrote judge it first (pdfua and outloud for PDF/UA-1,
page-validation for PDF/A-2a and PDF/UA-1, all from PyPI; veraPDF is a Java application
distributed outside this machine's registries). The tests after them
read the structure tree with pypdf: marked-content ids in the page streams are mapped back
to their text.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import page
import pikepdf
import pypdf
import pytest
import yaml
from PIL import Image

from catalogue.build import build

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# What outloud still warns of, each explained in README ("Accessibility"): rule -> evidence.
EXPLAINED = {"PAG-001": "Om partnerskabet"}
# pdfua 0.1.3 cannot evaluate one rule on a heading with more than one kid (its own error,
# see README); test_no_heading_is_empty checks what it would.
UNEVALUATED = {"UA-14-001": "cannot get key '/is_integer' on object of type array"}


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


def _edit(entry: Path, **fields) -> None:
    data = yaml.safe_load(entry.read_text("utf-8"))
    for key, value in fields.items():
        data[key] = value(data[key]) if callable(value) else value
    entry.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def _photo_project(tmp_path: Path) -> Path:
    """The sample catalogue with what it lacks: two photos (JPEG and PNG), links in body
    text (one inside emphasis) and a quote."""
    shutil.copy(ROOT / "catalogue.yaml", tmp_path)
    shutil.copytree(ROOT / "entries", tmp_path / "entries")
    (tmp_path / "images").mkdir()
    Image.new("RGB", (800, 500), "#55765f").save(tmp_path / "images" / "foto.jpg")
    Image.new("RGB", (800, 500), "#8a6d3b").save(tmp_path / "images" / "havn.png")
    entries = tmp_path / "entries"
    _edit(entries / "greenlab-skive.yaml", image={
        "file": "images/foto.jpg", "alt": "Luftfoto af energiparken ved Kåstrup",
        "credit": "Testfoto"})
    _edit(entries / "kalundborg-symbiose.yaml", image={
        "file": "images/havn.png", "alt": "Havnen i Kalundborg", "credit": "Testfoto"})
    _edit(entries / "ressource-city-naestved.yaml", about=lambda text: text + (
        "\nLæs mere på [Ressource Citys side](https://ressourcecity.dk) og i "
        "*[kommunens nyhed](https://www.naestved.dk)*.\n"))
    _edit(entries / "klimapartnerskab-vejle-nord.yaml", quote={
        "text": "Et testcitat, som kun står i testens katalog.",
        "by": "projektleder, Vejle Kommune"})
    return tmp_path


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Path:
    """The download edition of _photo_project's catalogue."""
    project = _photo_project(tmp_path_factory.mktemp("a11y"))
    return build(project, strict=True, say=lambda m: None, only={"download"}).written[0].path


@pytest.fixture(scope="module")
def download(rich):
    from catalogue.read.load import load_project

    reader = pypdf.PdfReader(rich)
    return load_project(rich.parent.parent), reader, Structure(reader)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The repository's own catalogue, download edition."""
    out = tmp_path_factory.mktemp("sample")
    return build(ROOT, strict=True, say=lambda m: None, output=out,
                 only={"download"}).written[0].path


def _pdfua(path: Path) -> dict:
    """pdfua's report (JSON) of a PDF."""
    done = subprocess.run([BIN / "pdfua", "check", "--format", "json", str(path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1, 2, 3), done.stderr  # 4, 5: unreadable or misused
    return json.loads(done.stdout)


def _outloud(path: Path) -> dict:
    """outloud's report (JSON) of a PDF."""
    done = subprocess.run([BIN / "outloud", "--json", "-", "--fail-on", "never", str(path)],
                          capture_output=True, text=True, check=True)
    (report,) = json.loads(done.stdout)["results"]
    assert report["error"] is None, report["error"]
    return report


@pytest.mark.parametrize("which", ["sample", pytest.param("rich", marks=pytest.mark.slow)])
def test_pdfua_finds_nothing(which, request):
    report = _pdfua(request.getfixturevalue(which))
    assert report["findings"] == [], report["findings"]
    assert report["summary"]["errors"] == report["summary"]["warnings"] == 0
    for skipped in report["skipped"]:
        assert UNEVALUATED.get(skipped["rule_id"], "?") in skipped["reason"], skipped


@pytest.mark.parametrize("which", ["sample", pytest.param("rich", marks=pytest.mark.slow)])
def test_outloud_finds_no_error_and_only_explained_warnings(which, request):
    report = _outloud(request.getfixturevalue(which))
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert errors == [], errors
    warnings = [f for f in report["findings"] if f["severity"] == "warning"]
    for finding in warnings:
        assert EXPLAINED.get(finding["rule"], "?") in finding.get("evidence", ""), finding
    explained = (ROOT / "README.md").read_text("utf-8")
    assert all(rule in explained for rule in (*EXPLAINED, *UNEVALUATED))


@pytest.mark.parametrize("which", ["sample", "rich"])
@pytest.mark.parametrize("profile", ["2a", "ua1"])
def test_page_validation_finds_pdfa_2a_and_pdfua_1(which, profile, request):
    report = page.validate_pdf(request.getfixturevalue(which), profile=profile)
    assert [(f.rule_id, f.message) for f in report.failures] == []
    assert report.is_compliant and report.rules.total > 100


def test_the_download_edition_says_it_is_pdfa_2a_and_pdfua_1_in_srgb(rich):
    with pikepdf.open(rich) as pdf:
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "A")
        assert meta["pdfuaid:part"] == "1"
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1" and intent.OutputConditionIdentifier == "sRGB IEC61966-2.1"
        profile = intent.DestOutputProfile.read_bytes()
        assert intent.DestOutputProfile.N == 3 and profile[16:20] == b"RGB "
        images = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream)
                  and obj.get("/Subtype") == "/Image"]
        assert len(images) >= 2 and not any(image.get("/Interpolate") for image in images)


def test_no_heading_is_empty(download):
    """What pdfua's UA-14-001 would check, had it not failed on our headings."""
    _, _, structure = download
    headings = [text for tag, text, _ in structure.elements
                if tag in ("/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6")]
    assert len(headings) > 40 and all(text.strip() for text in headings)


def test_every_link_annotation_belongs_to_a_link_element(download):
    """Each link the reader can follow is announced as a link, with its text: its
    annotation's parent-tree entry and its object reference lead to a /Link element."""
    _, reader, structure = download
    parents = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    owner = {int(parents[i]): parents[i + 1].get_object() for i in range(0, len(parents), 2)}
    annotations = [a for page in reader.pages for a in page.get("/Annots", [])]
    assert len(annotations) > 80
    for reference in annotations:
        annotation = reference.get_object()
        assert annotation["/F"] & 4  # printed as it is shown
        element = owner[annotation["/StructParent"]]
        assert element["/S"] == "/Link"
        kids = [kid.get_object() for kid in element["/K"]]
        assert any(isinstance(kid, dict) and kid.get("/Type") == "/OBJR"
                   and kid.raw_get("/Obj").idnum == reference.idnum for kid in kids)
    body_links = [text for tag, text, _ in structure.elements if tag == "/Link"]
    assert "Ressource Citys side" in body_links and "kommunens nyhed" in body_links


def test_running_feet_are_pagination_artifacts(download):
    """Every page's marked content belongs to the structure tree; what does not (the running
    feet) is a pagination artifact."""
    _, reader, structure = download
    in_tree: dict[int, set[int]] = {}
    for _, _, element in structure.elements:
        page = element.raw_get("/Pg") if "/Pg" in element else None
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int) and page is not None:
                in_tree.setdefault(page.idnum, set()).add(int(kid))
    for page in reader.pages:
        content = page.get_contents().get_data()
        marked = {int(m) for m in re.findall(rb"<</MCID (\d+)>>", content)}
        assert marked == in_tree.get(page.indirect_reference.idnum, set())
    assert b"/Artifact\n<</Type /Pagination>>\nBDC" in reader.pages[11].get_contents().get_data()


def test_header_cells_say_what_they_head(download):
    _, _, structure = download
    cells = [element for tag, _, element in structure.elements if tag == "/TH"]
    assert len(cells) == 6
    assert all(cell["/A"]["/Scope"] == "/Column" and cell["/A"]["/O"] == "/Table"
               for cell in cells)


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
    # The two photos; the theme illustrations are decoration.
    assert sorted(figure["/Alt"] for figure in figures) == [
        "Havnen i Kalundborg", "Luftfoto af energiparken ved Kåstrup"]


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
