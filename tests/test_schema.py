"""schemas/: the JSON Schemas that editors' tools read (`catalogue schema`), held to the
models and, through an independent validator (check-jsonschema), to `catalogue check`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from catalogue.read import municipalities, schema
from catalogue.read.model import LEAD_MAX
from support import run, snapshot

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
MINIMAL = FIXTURES / "valid" / "minimal.yaml"
SCHEMAS = REPO / "schemas"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")

# Fixtures the schema cannot judge: valid to it, refused by check. README lists the kinds.
CHECK_ONLY = {
    # the YAML and file rules: anchors, merge keys, byte-order marks, size
    "invalid/anchor-alias.yaml", "invalid/bom.yaml", "hostile/merge-key.yaml",
    "hostile/stray-byte-order-mark.yaml", "hostile/too-large.yaml",
    # characters that print as nothing or reorder a line, typed as escapes
    "hostile/bidi-override.yaml", "hostile/escaped-control-character.yaml",
    "hostile/escaped-lone-surrogate.yaml", "hostile/escaped-null-in-image-path.yaml",
    # a number typed with a thousands dot (YAML reads 125.000 as 125.0)
    "invalid/key-figure-thousands-dot.yaml",
    # what needs today's date or arithmetic: a start year in the future, the CVR check digit
    "invalid/started-in-future.yaml", "invalid/cvr-check-digit.yaml",
    # text YAML would drop as a comment (`hal #3`): the schema sees the text without it
    "invalid/comment-in-caption.yaml", "invalid/comment-in-role.yaml",
    "invalid/comment-line-in-text.yaml",
    # photos: the file must be in the project and be a whole, still JPEG or PNG
    "invalid/image-file-missing.yaml", "invalid/image-file-wrong-case.yaml",
    "invalid/image-windows-path.yaml",
    *(f"hostile/{p.name}" for p in (FIXTURES / "hostile").glob("image-*.yaml")),
}
# Beyond check-jsonschema itself: its YAML reader expands the aliases, overflows Python's
# stack on the nesting, and stops at Python's limit on 5,000 digits (each is a traceback).
BEYOND_THE_VALIDATOR = {"hostile/billion-laughs.yaml", "hostile/deep-nesting.yaml",
                        "hostile/huge-number.yaml"}


def fixture_names() -> list[str]:
    return sorted(f"{folder}/{p.name}" for folder in ("valid", "invalid", "hostile")
                  for p in (FIXTURES / folder).glob("*.yaml"))


def lead_variant(length: int) -> str:
    """minimal.yaml with a lead of this many characters as check counts them, in a folded
    block (>): its line breaks, a double space and the final line break do not count."""
    lead = ("Klimaplan " * 60)[:length]
    lead = lead[:-1] + "n" if lead.endswith(" ") else lead
    lines = textwrap.wrap(lead, 70)
    assert " ".join(lines) == lead and len(lead) == length
    lines[0] = lines[0].replace(" ", "  ", 1)
    text = MINIMAL.read_text("utf-8")
    start, end = text.index("lead: >\n"), text.index("about: |")
    return text[:start] + "lead: >\n" + "".join(f"  {line}\n" for line in lines) + text[end:]


def validate(schema_file: Path, files: list[Path]) -> set[str]:
    """The names of the files check-jsonschema refuses (a validation or a parse error)."""
    result = subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(schema_file),
                             "-o", "json", *map(str, files)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return {Path(e["filename"]).name for e in report["errors"] + report["parse_errors"]}


def refused_by_check(project: Path) -> set[str]:
    """The entry files that `catalogue check` reports an error for (not a warning or note)."""
    result = run("check", str(project))
    assert "Traceback" not in result.output and "Internal error" not in result.output
    found = re.findall(r"^entries/([^:/]+\.yaml)(?::\d+)?: (?!warning:|note:)", result.output,
                       re.MULTILINE)
    return set(found)


def project_with(tmp_path: Path, entries: dict[str, bytes]) -> Path:
    project = tmp_path / "project"
    for folder in ("entries", "images", "output"):
        (project / folder).mkdir(parents=True)
    shutil.copy(REPO / "catalogue.yaml", project / "catalogue.yaml")
    for name, data in entries.items():
        (project / "entries" / name).write_bytes(data)
    return project


# ---------- the committed schemas ----------

def test_the_committed_schemas_are_made_from_the_models():
    made = schema.texts(REPO)
    for name, text in made.items():
        committed = (SCHEMAS / name).read_text("utf-8")
        assert committed == text, f"schemas/{name} is out of date: run 'make schema'"
    assert sorted(p.name for p in SCHEMAS.iterdir()) == sorted(made)


def test_the_schemas_are_draft_07_and_valid_under_its_metaschema():
    for name in (schema.ENTRY, schema.EDITION):
        assert json.loads((SCHEMAS / name).read_text("utf-8"))["$schema"] == \
            "http://json-schema.org/draft-07/schema#"
    result = subprocess.run([str(CHECK_JSONSCHEMA), "--check-metaschema",
                             str(SCHEMAS / schema.ENTRY), str(SCHEMAS / schema.EDITION)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def properties(node: dict, where: str = ""):
    """Every (path, schema) of a property in a schema, nested objects and definitions too."""
    for name, sub in node.get("properties", {}).items():
        yield f"{where}{name}", sub
    for name, sub in node.get("definitions", {}).items():
        yield from properties(sub, f"{name}.")


ENGLISH = re.compile(r"\b(the|and|with|which|must|e\.g\.)\b", re.IGNORECASE)


@pytest.mark.parametrize("name", [schema.ENTRY, schema.EDITION])
def test_every_field_has_a_danish_description(name):
    document = json.loads((SCHEMAS / name).read_text("utf-8"))
    found = list(properties(document))
    assert len(found) > 20
    for path, sub in found:
        text = sub.get("description", "")
        assert len(text) > 8, f"{path} has no description"
        assert not ENGLISH.search(text), f"{path}: {text!r} is not Danish"
        assert "title" not in sub, f"{path} has a title (pydantic's English one)"


def test_the_entry_schema_lists_the_municipalities_and_this_catalogues_themes():
    document = json.loads((SCHEMAS / schema.ENTRY).read_text("utf-8"))
    names = document["properties"]["municipalities"]["items"]["enum"]
    assert len(names) == 98 and set(names) == set(municipalities.all_municipalities())
    assert names[-3:] == ["Aabenraa", "Aalborg", "Aarhus"]  # Danish order: aa is å
    themes = yaml.safe_load((REPO / "catalogue.yaml").read_text("utf-8"))["themes"]
    items = document["properties"]["themes"]["items"]
    assert items["enum"] == list(themes) and items["enumDescriptions"] == list(themes.values())


def test_the_entry_schema_has_the_limits():
    entry = json.loads((SCHEMAS / schema.ENTRY).read_text("utf-8"))["properties"]
    assert (entry["advice"]["minItems"], entry["advice"]["maxItems"]) == (2, 6)
    assert entry["key_figures"]["maxItems"] == 4
    assert str(LEAD_MAX) in entry["lead"]["patternErrorMessage"]
    assert entry["status"]["enum"] == ["aktiv", "afsluttet"]


# ---------- check-jsonschema agrees with check ----------

def test_check_jsonschema_agrees_with_check_on_every_fixture(tmp_path):
    names = [n for n in fixture_names() if n not in BEYOND_THE_VALIDATOR]
    files = {n.replace("/", "-"): (FIXTURES / n).read_bytes() for n in names}
    files.update({f"entry-{p.name}": p.read_bytes() for p in (REPO / "entries").glob("*.yaml")})
    for length in (LEAD_MAX - 1, LEAD_MAX, LEAD_MAX + 1):
        files[f"lead-{length}.yaml"] = lead_variant(length).encode()
    project = project_with(tmp_path, files)
    by_check = refused_by_check(project)
    by_schema = validate(SCHEMAS / schema.ENTRY, sorted((project / "entries").iterdir()))
    check_only = {n.replace("/", "-") for n in CHECK_ONLY}
    for name in sorted(files):
        if name in check_only:
            assert name in by_check and name not in by_schema, name
        else:
            assert (name in by_check) == (name in by_schema), \
                f"{name}: check {'refuses' if name in by_check else 'accepts'} it, " \
                f"check-jsonschema {'refuses' if name in by_schema else 'accepts'} it"
    assert {"lead-451.yaml"} <= by_check and not {"lead-449.yaml", "lead-450.yaml"} & by_check
    assert len(by_schema) > 30 and "valid-minimal.yaml" not in by_schema


EDITION_VARIANTS = {
    "as-it-is": None,
    "no-themes": ("themes:", "themes_old:"),
    "colour-unquoted": ('primary: "#1E4B3A"', "primary: #1E4B3A"),
    "colour-word": ('primary: "#1E4B3A"', "primary: grøn"),
    "order-unknown": ("order: municipality", "order: kommune"),
    "date-danish": ("publication_date: 2026-11-26", "publication_date: 26-11-2026"),
    "theme-key-with-aa": ("  energi: Energi", "  energi: Energi\n  tømrer: Tømrer"),
    "unknown-key": ("title:", "titel: x\ntitle:"),
    "bleed-too-large": ("order: municipality", "order: municipality\nprint:\n  bleed_mm: 12"),
    # check only: a colour for a theme that is not in themes
    "colour-for-unknown-theme": ('    energi: "#C8901E"', '    vand: "#C8901E"'),
}
EDITION_CHECK_ONLY = {"colour-for-unknown-theme.yaml"}


def test_check_jsonschema_agrees_with_check_on_catalogue_yaml(tmp_path):
    original = (REPO / "catalogue.yaml").read_text("utf-8")
    variants = {}
    for name, change in EDITION_VARIANTS.items():
        text = original if change is None else original.replace(*change)
        assert change is None or text != original, f"{name}: {change[0]!r} not found"
        variants[f"{name}.yaml"] = text
    by_check = set()
    for name, text in variants.items():
        project = project_with(tmp_path / name, {"minimal.yaml": MINIMAL.read_bytes()})
        (project / "catalogue.yaml").write_text(text, "utf-8")
        if run("check", str(project)).exit_code != 0:
            by_check.add(name)
    folder = tmp_path / "variants"
    folder.mkdir()
    for name, text in variants.items():
        (folder / name).write_text(text, "utf-8")
    by_schema = validate(SCHEMAS / schema.EDITION, sorted(folder.iterdir()))
    assert by_check == set(variants) - {"as-it-is.yaml"}
    assert by_schema == by_check - EDITION_CHECK_ONLY


# ---------- the command, the new entry, VS Code ----------

def test_schema_writes_what_changed_and_says_so(tmp_path):
    project = project_with(tmp_path, {})
    result = run("schema", str(project))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["Skrev schemas/entry.schema.json",
                                          "Skrev schemas/catalogue.schema.json"]
    assert run("schema", str(project)).output == "schemas/ er opdateret.\n"
    assert run("schema", "--quiet", str(project)).output == ""
    catalogue = project / "catalogue.yaml"
    catalogue.write_text(catalogue.read_text("utf-8").replace(
        "  energi: Energi", "  energi: Energi\n  vand: Vand og klimatilpasning"), "utf-8")
    assert run("schema", str(project)).output == "Skrev schemas/entry.schema.json\n"
    entry = json.loads((project / "schemas" / schema.ENTRY).read_text("utf-8"))
    assert "vand" in entry["properties"]["themes"]["items"]["enum"]


def test_schema_refuses_a_catalogue_yaml_without_themes_and_keeps_schemas(tmp_path):
    project = project_with(tmp_path, {})
    run("schema", str(project))
    before = snapshot(project / "schemas")
    (project / "catalogue.yaml").write_text("title: [unclosed\n", "utf-8")
    result = run("schema", str(project))
    assert result.exit_code == 1
    assert "catalogue.yaml: temaerne kunne ikke læses" in result.output
    assert "Traceback" not in result.output
    assert snapshot(project / "schemas") == before


def test_a_new_entry_names_the_schema_on_its_first_line(tmp_path):
    project = project_with(tmp_path, {})
    assert run("new", "Grøn varme", "-m", "Vejle", "--project", str(project)).exit_code == 0
    path = project / "entries" / "groen-varme.yaml"
    first = path.read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/entry.schema.json"
    target = (path.parent / first.split("$schema=")[1]).resolve()
    assert target == (project / "schemas" / schema.ENTRY).resolve()


def test_vs_code_reads_the_schemas_for_entries_and_catalogue_yaml():
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text("utf-8"))
    mapping = settings["yaml.schemas"]
    assert mapping["./schemas/entry.schema.json"] == ["entries/*.yaml"]
    assert mapping["./schemas/catalogue.schema.json"] == ["catalogue.yaml"]
    for target in mapping:
        assert (REPO / target).is_file()
    recommended = json.loads((REPO / ".vscode" / "extensions.json").read_text("utf-8"))
    assert "redhat.vscode-yaml" in recommended["recommendations"]
