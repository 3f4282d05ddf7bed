"""Fuzzing the loader: whatever an editor, a broken tool or an attacker writes into a project,
loading it raises only our own errors, each with its file and, where there is one, a line.

Generated inputs: raw bytes and YAML-ish text; random YAML documents (random structures,
random types, Unicode with combining marks, right-to-left text and emoji); near-valid
entries and editions with random fields replaced, removed or added; damaged photos.

Each property is two tests: a hundred examples in `make test`, and its twin <name>_long,
marked slow, with three thousand (`make test-all` and CI run it, `make fuzz` runs only the
twins).
"""

from __future__ import annotations

import io
import math
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from PIL import Image

from catalogue.read import images, load, yamlsafe
from catalogue.errors import CatalogueError

REPO = Path(__file__).resolve().parent.parent
MINIMAL = REPO / "tests" / "fixtures" / "valid" / "minimal.yaml"
FULL = REPO / "entries" / "carbon-20.yaml"

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.data_too_large])
QUICK = settings(max_examples=100, database=None, **_COMMON)
LONG = settings(max_examples=3000, **_COMMON)
LONG_TWINS = {}


def fuzz(*strategies):
    """A property tested on QUICK's examples, with a twin <name>_long on LONG's, marked
    slow (added to the module's tests at its end)."""
    def twins(prop):
        twin = settings(LONG)(given(*strategies)(prop))
        LONG_TWINS[f"{prop.__name__}_long"] = pytest.mark.slow(twin)
        return settings(QUICK)(given(*strategies)(prop))
    return twins


# ---------- what generated text is made of ----------

# Danish, combining marks (e + U+0301), right-to-left (Hebrew, Arabic), emoji with joiners and
# skin tones, CJK, look-alikes, and the invisible characters yamlsafe refuses.
SAMPLES = ["Grøn", "Århus", "e\u0301", "a\u0308\u0323", "שלום", "مرحبا", "\u200f", "👍🏽",
           "👩\u200d👩\u200d👧", "🇩🇰", "漢字", "Ⅻ", "ﬁ", "\u00ad", "\u200b", "\u202e", "\ufeff",
           "\u2028", "\x00", "\x07", "\x85", "\ufffe", "\U0010ffff", "\ue000", "CO2", "125.000",
           "21,5 %", "http://127.0.0.1:9/x.png", "file:///etc/passwd", "../x.jpg",
           "<script>", "{{ x }}", "{% raw %}", "&amp;", "*emph*", "[a](javascript:x)"]
YAML_TOKENS = [":", ": ", "- ", "-", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!!python/",
               "!x ", "---\n", "...\n", "\n", "  ", "    ", "\t", "'", '"', "|", ">", "|-", "#",
               "? ", "<<: ", "\\", "%YAML 1.1\n", "%TAG ! tag:x:\n", "0x1F", "012", "1e3", "no",
               "~", "null", "2023-01-18", "9" * 30, ".inf", "title", "partners", "image",
               "file"]

unicode_text = st.text(st.characters(codec="utf-8"), max_size=40)
words = st.one_of(unicode_text, st.sampled_from(SAMPLES),
                  st.lists(st.sampled_from(SAMPLES), max_size=6).map(" ".join))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), words,
                    st.sampled_from([2021, 1899, 3000, -1, 0, 125000, 21.5, 10 ** 20]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(words, inner, max_size=5)), max_leaves=25)


def yaml_lines(raw: bytes) -> int:
    """How many lines YAML sees in raw (it also breaks at CR alone, NEL, LS and PS)."""
    return len(re.split("\r\n|[\r\n\x85\u2028\u2029]", raw.decode("utf-8", "replace")))


def dump(data: object, flow: bool | None) -> str:
    return yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False,
                          width=math.inf if flow else 80)


# ---------- the project every example is loaded from ----------

@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project with a real photo; each example rewrites entries/fuzz.yaml (and maybe
    catalogue.yaml) in it."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "entries").mkdir()
    (root / "images").mkdir()
    shutil.copy(REPO / "catalogue.yaml", root / "catalogue.yaml")
    Image.new("RGB", (60, 40), "#5a7d63").save(root / "images" / "foto.jpg")
    return root


def load_and_check(root: Path, entry: bytes, edition: bytes | None = None) -> None:
    """Load the project; any failure must be ours, name a file and a plausible line."""
    (root / "entries" / "fuzz.yaml").write_bytes(entry)
    (root / "catalogue.yaml").write_bytes(edition or (REPO / "catalogue.yaml").read_bytes())
    try:
        load.load_project(root)
    except CatalogueError as error:
        lengths = {"entries/fuzz.yaml": yaml_lines(entry),
                   "catalogue.yaml": yaml_lines(edition or b"")}
        assert error.problems, error
        for problem in error.problems:
            assert problem.file in lengths or problem.file == "entries/", problem
            assert problem.line is None or 1 <= problem.line <= max(
                lengths.get(problem.file, 1), 1) + 1, problem
            str(problem).encode("utf-8")  # printable: no lone surrogates reach the terminal
        error.report().encode("utf-8")


# ---------- yamlsafe alone ----------

@fuzz(st.one_of(st.binary(max_size=300),
                 st.lists(st.one_of(st.sampled_from(YAML_TOKENS), st.sampled_from(SAMPLES),
                                    unicode_text), max_size=40)
                 .map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass"))))
def test_yamlsafe_raises_only_yaml_problems(raw):
    try:
        located = yamlsafe.parse(yamlsafe.decode(raw))
    except yamlsafe.YamlProblem as problem:
        assert str(problem)
        assert problem.line is None or 1 <= problem.line <= yaml_lines(raw) + 1, problem
        return
    for path in located.lines:
        assert located.line_of(path) >= 1


@fuzz(values, st.sampled_from([None, True, False]))
def test_random_yaml_documents_load_or_fail_with_a_location(project, data, flow):
    try:
        text = dump(data, flow)
    except (yaml.YAMLError, UnicodeEncodeError, ValueError):
        assume(False)  # PyYAML cannot write this value; nothing for the loader to read
    load_and_check(project, text.encode("utf-8", "surrogatepass"))


# ---------- near-valid entries and editions ----------

def _paths(data: object, prefix: tuple = ()) -> list[tuple]:
    """Every path into nested data: ("partners", 0, "name") and so on."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, prefix + (index,))
    return found


@st.composite
def mutated(draw, source: Path) -> object:
    """A valid document with a few random fields replaced, removed or added."""
    data = yaml.safe_load(source.read_text("utf-8"))
    if draw(st.booleans()):
        data["image"] = {"file": draw(st.sampled_from(["images/foto.jpg", "images/none.jpg"])),
                         "alt": "Foto", "credit": "Fotograf"}
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(_paths(data)[1:]))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "replace", "remove", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(words)] = draw(values)
        else:
            parent.append(draw(values))
    return data


@fuzz(mutated(MINIMAL), st.sampled_from([None, True, False]))
def test_mutated_minimal_entries_load_or_fail_with_a_location(project, data, flow):
    try:
        text = dump(data, flow)
    except (yaml.YAMLError, UnicodeEncodeError, ValueError):
        assume(False)
    load_and_check(project, text.encode("utf-8", "surrogatepass"))


@fuzz(mutated(FULL))
def test_mutated_full_entries_load_or_fail_with_a_location(project, data):
    try:
        text = dump(data, False)
    except (yaml.YAMLError, UnicodeEncodeError, ValueError):
        assume(False)
    load_and_check(project, text.encode("utf-8", "surrogatepass"))


@fuzz(mutated(REPO / "catalogue.yaml"))
def test_mutated_editions_load_or_fail_with_a_location(project, data):
    try:
        text = dump(data, False)
    except (yaml.YAMLError, UnicodeEncodeError, ValueError):
        assume(False)
    load_and_check(project, MINIMAL.read_bytes(), text.encode("utf-8", "surrogatepass"))


# ---------- damaged photos ----------

def _good_pictures() -> list[bytes]:
    found = []
    for kind, mode in (("JPEG", "RGB"), ("PNG", "RGBA"), ("PNG", "P"), ("JPEG", "CMYK")):
        stream = io.BytesIO()
        Image.new(mode, (48, 32)).save(stream, kind)
        found.append(stream.getvalue())
    return found


GOOD_PICTURES = _good_pictures()


@fuzz(st.sampled_from(GOOD_PICTURES), st.lists(st.tuples(st.integers(0, 400),
                                                          st.integers(0, 255)), max_size=6),
       st.integers(0, 2000), st.sampled_from([".jpg", ".png"]))
def test_damaged_photos_are_reported_never_raised(tmp_path_factory, picture, flips, cut,
                                                  suffix):
    data = bytearray(picture[:cut or None])
    for position, byte in flips:
        if position < len(data):
            data[position] = byte
    path = tmp_path_factory.getbasetemp() / f"damaged{suffix}"
    path.write_bytes(bytes(data))
    found = images.problem(path, path.name)
    assert found is None or found.startswith(f"'{path.name}' ")  # named as the editor wrote it


globals().update(LONG_TWINS)  # pytest collects the twins by these names
