"""Loading and validating entries: every fault an editor can make is reported as one
plain line with the file, the real line number and the field, never as a traceback,
and output/ is never touched when anything is wrong.

Each file in tests/fixtures/invalid/ is a copy of tests/fixtures/valid/minimal.yaml
(plus, where the fault needs it, an optional block) with exactly one thing wrong.
"""

from __future__ import annotations

import datetime
import os
import shutil
import time
from pathlib import Path

import pytest

from catalogue.read import yamlsafe
from support import run, snapshot
from catalogue.read.model import LEAD_MAX, Entry

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
INVALID = FIXTURES / "invalid"
MINIMAL = FIXTURES / "valid" / "minimal.yaml"
OLD_PDF = b"%PDF-1.7\n% the previous catalogue, which a failed run must keep\n%%EOF\n"
THIS_YEAR = datetime.date.today().year
THEMES = "energi, cirkulaer, symbiose, transport, erhverv, indkoeb"
GUIDE_HINT = "tilføj feltet (se afsnit 3 i docs/redaktoervejledning.md)"


def make_project(tmp_path: Path, *fixtures: Path) -> Path:
    """A project folder: catalogue.yaml, the fixtures in entries/, an old PDF in output/.

    images/nordby.jpg exists so that a fixture with an image block has no fault
    other than the one it is named for (load.py only checks that the file exists).
    """
    project = tmp_path / "project"
    (project / "entries").mkdir(parents=True)
    (project / "output").mkdir()
    (project / "images").mkdir()
    shutil.copy(REPO / "catalogue.yaml", project / "catalogue.yaml")
    for fixture in fixtures:
        shutil.copy(fixture, project / "entries" / fixture.name)
    (project / "output" / "old.pdf").write_bytes(OLD_PDF)
    (project / "images" / "nordby.jpg").write_bytes(b"\xff\xd8\xff\xe0 placeholder \xff\xd9")
    return project




def summary(errors: int, files: int = 1) -> str:
    return (f"{errors} fejl i {files} fil{'er' * (files != 1)}; "
            "intet blev skrevet til output/.")


def lead_length(name: str) -> int:
    """The folded length of the lead in a fixture, as model.py measures it."""
    text = (INVALID / name).read_text("utf-8")
    lead = text.split("lead: >\n", 1)[1].split("\nabout:", 1)[0]
    return len(" ".join(lead.split()))


COMMENT = ("læses som en kommentar og kommer ikke med ({comment}); sæt hele teksten i "
           "anførselstegn for at beholde den (en kommentar skal stå på sin egen linje)")

# (fixture file, the exact line the editor must see, how many errors the file has)
CASES = [
    ("misspelt-municipality.yaml",
     "entries/misspelt-municipality.yaml:3: municipalities[0]: ukendt kommune 'Århus'; "
     "mente du 'Aarhus'?", 1),
    ("unknown-municipality.yaml",
     "entries/unknown-municipality.yaml:3: municipalities[0]: ukendt kommune 'Nørrebro'; "
     "brug det officielle korte navn, fx 'Vejle' eller 'Høje-Taastrup'", 1),
    # `titel` also leaves `title` missing; the suggestion says it, so only one line.
    ("unknown-key-titel.yaml",
     "entries/unknown-key-titel.yaml:1: titel: ukendt felt; mente du 'title'?", 1),
    ("unknown-key-in-partner.yaml",
     "entries/unknown-key-in-partner.yaml:7: partners[1].rolle: ukendt felt; "
     "mente du 'role'?", 1),
    # Danish field names an editor guesses: the field meant, and no second message about
    # the field left missing.
    ("unknown-key-ingress.yaml",
     "entries/unknown-key-ingress.yaml:9: ingress: ukendt felt; mente du 'lead'?", 1),
    ("unknown-key-kontakt.yaml",
     "entries/unknown-key-kontakt.yaml:19: kontakt: ukendt felt; mente du 'contact'?", 1),
    ("unknown-key-in-image.yaml",
     "entries/unknown-key-in-image.yaml:22: image.fotograf: ukendt felt; mente du "
     "'credit'?", 1),
    ("duplicate-key.yaml",
     "entries/duplicate-key.yaml:22: feltet 'email' står to gange i samme blok (første "
     "gang på linje 21); behold det ene", 1),
    ("missing-lead.yaml",
     f"entries/missing-lead.yaml:1: lead: skal udfyldes, men mangler; {GUIDE_HINT}", 1),
    ("lead-too-long.yaml",
     f"entries/lead-too-long.yaml:9: lead: ingressen er {lead_length('lead-too-long.yaml')} "
     f"tegn; der er plads til højst {LEAD_MAX} på siden, så forkort den med "
     f"{lead_length('lead-too-long.yaml') - LEAD_MAX}", 1),
    ("cvr-check-digit.yaml",
     "entries/cvr-check-digit.yaml:7: partners[1].cvr: '29189403' er ikke et gyldigt "
     "CVR-nummer (kontrolcifferet passer ikke); kopiér det igen fra cvr.dk", 1),
    ("cvr-with-letters.yaml",
     "entries/cvr-with-letters.yaml:7: partners[1].cvr: et CVR-nummer har præcis 8 cifre "
     "(her står 'DK29189404')", 1),
    ("unknown-theme.yaml",
     f"entries/unknown-theme.yaml:7: themes[0]: ukendt tema 'klima'; temaerne i "
     f"catalogue.yaml er: {THEMES}", 1),
    ("started-in-future.yaml",
     f"entries/started-in-future.yaml:8: started: 2099 er ikke et muligt startår; "
     f"skriv et år fra 1900 til {THIS_YEAR}", 1),
    ("started-as-text.yaml",
     "entries/started-as-text.yaml:8: started: her skal stå et helt tal som 2021, "
     "men der står tekst ('2021'); fjern anførselstegnene", 1),
    ("phone-unquoted.yaml",
     "entries/phone-unquoted.yaml:22: contact.phone: her skal stå tekst, men der står et "
     "tal (76815000); sæt værdien i anførselstegn", 1),
    ("status-no.yaml",
     "entries/status-no.yaml:9: status: 'no' er ikke tilladt; skriv 'aktiv' eller "
     "'afsluttet'", 1),
    ("too-few-advice.yaml",
     "entries/too-few-advice.yaml:16: advice: skal have mindst 2 punkter, har 1", 1),
    ("too-many-key-figures.yaml",
     "entries/too-many-key-figures.yaml:16: key_figures: må højst have 4 punkter, har 5", 1),
    ("contact-unreachable.yaml",
     "entries/contact-unreachable.yaml:19: contact: angiv mindst én af email, phone og url, "
     "så læserne kan komme i kontakt", 1),
    ("bad-email.yaml",
     "entries/bad-email.yaml:21: contact.email: 'klima(at)vejle.dk' er ikke en "
     "e-mailadresse", 1),
    ("image-without-alt.yaml",
     f"entries/image-without-alt.yaml:19: image.alt: skal udfyldes, men mangler; "
     f"{GUIDE_HINT}", 1),
    ("image-file-missing.yaml",
     "entries/image-file-missing.yaml:20: image.file: 'images/nordby-varmevaerk.jpg' blev "
     "ikke fundet; tjek stavningen, og at filen ligger i projektet", 1),
    # A name that differs only in case names the file that is there (make_project makes
    # images/nordby.jpg).
    ("image-file-wrong-case.yaml",
     "entries/image-file-wrong-case.yaml:20: image.file: 'images/Nordby.JPG' blev ikke "
     "fundet, men 'images/nordby.jpg' findes: store og små bogstaver skal skrives præcis "
     "som i filens navn", 1),
    # A path on the editor's own computer, shown as typed (backslashes not doubled).
    ("image-windows-path.yaml",
     "entries/image-windows-path.yaml:20: image.file: 'C:\\Users\\mette\\Billeder\\"
     "skjern.jpg' er en placering på din egen computer, som værktøjet ikke kan bruge; "
     "kopiér fotoet ind i mappen images/ i projektet, og skriv images/skjern.jpg", 1),
    ("bad-link-url.yaml",
     "entries/bad-link-url.yaml:24: links[0].url: 'www.nordby-fjernvarme.dk' er ikke en "
     "webadresse; skriv den helt, begyndende med https://", 1),
    # Text after ' #' would be dropped as a comment: said, with the line and the text.
    ("comment-in-caption.yaml",
     "entries/comment-in-caption.yaml:23: image.caption: teksten efter ' #' "
     + COMMENT.format(comment="#3."), 1),
    ("comment-in-role.yaml",
     "entries/comment-in-role.yaml:6: partners[0].role: teksten efter ' #' "
     + COMMENT.format(comment="#1 i byen"), 1),
    ("comment-line-in-text.yaml",
     "entries/comment-line-in-text.yaml:24: image.caption: linjen begynder med '#', så den "
     "læses som en kommentar og kommer ikke med (#3-hallen); sæt teksten i anførselstegn "
     "eller i en blok (|) for at beholde den (en kommentar skal stå på sin egen linje uden "
     "indrykning)", 1),
    # YAML syntax mistakes: the line where the mistake is, and what to type there.
    ("yaml-syntax-error.yaml",
     "entries/yaml-syntax-error.yaml:6: teksten indeholder ': ', som YAML læser som "
     "begyndelsen på et felt; sæt hele teksten i anførselstegn: - name: \"Nordby "
     "Erhvervsforening: medstifter\"", 1),
    ("curly-quotes-title.yaml",
     "entries/curly-quotes-title.yaml:1: teksten begynder med et krøllet anførselstegn (“), "
     "som YAML ikke læser som anførselstegn; sæt lige anførselstegn (\") om hele teksten: "
     "title: \"Grøn procesvarme: Skjern viser vejen\"", 1),
    ("missing-colon.yaml",
     "entries/missing-colon.yaml:8: feltnavnet started skal have et kolon efter sig; skriv: "
     "started: 2021", 1),
    ("missing-colon-alone.yaml",
     "entries/missing-colon-alone.yaml:22: feltnavnet credit skal have et kolon efter sig; "
     "skriv: credit:", 1),
    ("missing-space-after-colon.yaml",
     "entries/missing-space-after-colon.yaml:8: sæt et mellemrum efter kolon; skriv: "
     "started: 2021", 1),
    ("list-item-without-dash.yaml",
     "entries/list-item-without-dash.yaml:18: et punkt i en liste skal have '- ' foran, "
     "ligesom punkterne ved siden af; skriv: - Aftal tidligt, hvem der betaler for "
     "analysen.", 1),
    ("list-without-dash.yaml",
     "entries/list-without-dash.yaml:3: municipalities: her skal stå en liste: skriv hvert "
     "punkt på sin egen linje, der begynder med '- '", 1),
    ("unclosed-quote.yaml",
     "entries/unclosed-quote.yaml:1: anførselstegnet \" foran teksten bliver aldrig lukket; "
     "slut teksten med \" på samme linje: title: \"Grøn varme i Nordby\"", 1),
    ("wrong-indent.yaml",
     "entries/wrong-indent.yaml:20: ryk linjen 2 mellemrum ind, ikke 3, ligesom de felter, "
     "den hører sammen med", 1),
    ("unindented-text.yaml",
     "entries/unindented-text.yaml:13: teksten i en blok (| eller >) rykkes ind under "
     "feltnavnet; ryk linjen 2 mellemrum ind", 1),
    ("tab-indentation.yaml",
     "entries/tab-indentation.yaml:20: der er brugt tabulator til indrykning; YAML kræver "
     "mellemrum (kolonne 1)", 1),
    ("bom.yaml",
     "entries/bom.yaml:1: filen begynder med et byte-order mark (BOM); gem den som "
     "'UTF-8' uden BOM (kolonne 1)", 1),
    ("latin1-encoding.yaml",
     "entries/latin1-encoding.yaml:1: filen er ikke UTF-8-tekst (gemt som Windows-1252 "
     "eller Latin-1?); gem den som UTF-8", 1),
    ("python-tag.yaml",
     "entries/python-tag.yaml:12: mærket '!!python/object/apply:os.system' "
     "er ikke tilladt; fjern det", 1),
    ("anchor-alias.yaml",
     "entries/anchor-alias.yaml:24: ankre og aliaser (& og *) er ikke tilladt; skriv "
     "værdien ud", 1),
    ("key-figure-as-text.yaml",
     "entries/key-figure-as-text.yaml:17: key_figures[0].value: her skal stå et tal som "
     "125000 eller 21.5 (uden tusindtalspunktum og uden anførselstegn; enheden skrives i "
     "'unit')", 1),
    # Unquoted 125.000 is how a Dane writes 125 thousand; it must not become 125.0.
    ("key-figure-thousands-dot.yaml",
     "entries/key-figure-thousands-dot.yaml:17: key_figures[0].value: her skal stå et tal "
     "som 125000 eller 21.5 (uden tusindtalspunktum og uden anførselstegn; enheden skrives "
     "i 'unit')", 1),
]


def test_every_invalid_fixture_has_a_case():
    assert sorted(p.name for p in INVALID.glob("*.yaml")) == sorted(c[0] for c in CASES)


def test_encoding_fixtures_keep_their_bytes():
    """Guard against an editor or a git setting 'repairing' the byte-level fixtures."""
    assert (INVALID / "bom.yaml").read_bytes().startswith(b"\xef\xbb\xbf")
    latin1 = (INVALID / "latin1-encoding.yaml").read_bytes()
    assert b"Gr\xf8n" in latin1 and b"\xc3\xb8" not in latin1
    assert b"\n\torganisation:" in (INVALID / "tab-indentation.yaml").read_bytes()


@pytest.mark.parametrize("command", [["check"], ["build", "--strict"]], ids=" ".join)
@pytest.mark.parametrize("name, expected, errors", CASES, ids=[c[0][:-5] for c in CASES])
def test_invalid_entry_is_reported(tmp_path, command, name, expected, errors):
    project = make_project(tmp_path, INVALID / name)
    before = snapshot(project / "output")

    result = run(*command, str(project))

    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert expected in lines, result.output
    assert lines[-1] == summary(errors), result.output
    assert "Traceback" not in result.output
    assert "Internal error" not in result.output
    assert snapshot(project / "output") == before == {"old.pdf": OLD_PDF}


def test_two_bad_files_are_reported_in_one_run(tmp_path):
    project = make_project(tmp_path, INVALID / "misspelt-municipality.yaml",
                           INVALID / "status-no.yaml", MINIMAL)

    result = run("check", str(project))

    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        "entries/misspelt-municipality.yaml:3: municipalities[0]: ukendt kommune 'Århus'; "
        "mente du 'Aarhus'?",
        "entries/status-no.yaml:9: status: 'no' er ikke tilladt; skriv 'aktiv' eller "
        "'afsluttet'",
        summary(2, files=2),
    ]
    assert snapshot(project / "output") == {"old.pdf": OLD_PDF}


def test_minimal_entry_is_valid(tmp_path):
    project = make_project(tmp_path, MINIMAL)

    result = run("check", "--strict", str(project))

    assert result.exit_code == 0, result.output
    # Only editorial notes (no photo, unused themes) precede the verdict: no errors.
    *notes, verdict = result.output.splitlines()
    assert all(": bemærkning: " in line for line in notes), notes
    assert verdict.startswith("OK: catalogue.yaml og 1 indgang er i orden"), result.output
    assert snapshot(project / "output") == {"old.pdf": OLD_PDF}


def test_minimal_entry_has_only_required_fields():
    data = yamlsafe.parse(yamlsafe.decode(MINIMAL.read_bytes())).data
    required = {name for name, f in Entry.model_fields.items() if f.is_required()}
    assert set(data) == required
    assert all(set(p) == {"name"} for p in data["partners"])


@pytest.mark.parametrize("text, expected", [
    ("no", "no"),
    ("yes", "yes"),
    ("off", "off"),
    ("012", "012"),
    ("2023-01-18", "2023-01-18"),
    ("1e3", "1e3"),
    ("0x1F", "0x1F"),
    ("true", True),
    ("false", False),
    ("12", 12),
    ("-7", -7),
    ("2.5", 2.5),
    ("~", None),
])
def test_yamlsafe_converts_only_what_is_unambiguous(text, expected):
    value = yamlsafe.parse(f"value: {text}\n").data["value"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", ['"12"', "'true'", '"2.5"', "|\n  12\n"])
def test_yamlsafe_keeps_quoted_and_block_scalars_as_text(text):
    value = yamlsafe.parse(f"value: {text}\n").data["value"]
    assert isinstance(value, str) and value.strip() in ("12", "true", "2.5")


def test_yamlsafe_remembers_lines_of_keys_and_items():
    located = yamlsafe.parse(MINIMAL.read_text("utf-8"))
    assert located.line_of(("municipalities", 0)) == 3
    assert located.line_of(("partners", 1, "name")) == 6
    assert located.line_of(("contact", "email")) == 21
    # A value that is not there is placed at its nearest existing ancestor.
    assert located.line_of(("contact", "phone")) == 19


def test_billion_laughs_fails_at_once_with_a_line():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(ord("b"), ord("j")):
        prev = chr(n - 1)
        lines.append(f"{chr(n)}: &{chr(n)} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(yamlsafe.YamlProblem) as problem:
        yamlsafe.parse("\n".join(lines) + "\n")
    assert problem.value.line == 1
    assert "ankre og aliaser" in str(problem.value)


def test_a_valid_file_is_remembered_and_checked_again_when_anything_it_depends_on_changes(
        tmp_path, monkeypatch):
    """.cache/valid/ keeps what passed: the next command parses nothing it has seen, and
    gives the same entries with the same lines. A changed file, a changed edition (its
    themes) or another year validates again, so an entry that has become wrong is reported;
    damaged or unwritable, the cache is only slower."""
    from catalogue.read import load

    project = make_project(tmp_path, MINIMAL)
    first = load.load_project(project)
    kept = project / ".cache" / "valid"
    assert len(list(kept.iterdir())) == 2  # catalogue.yaml and the entry

    parsed = []
    real_parse = yamlsafe.parse
    monkeypatch.setattr(yamlsafe, "parse", lambda text: parsed.append(text) or real_parse(text))
    again = load.load_project(project)
    assert parsed == []  # nothing parsed, nothing validated
    assert again.entries == first.entries and again.edition == first.edition
    assert again.entries[0].line("advice", 1) == first.entries[0].line("advice", 1) == 18

    entry = project / "entries" / "minimal.yaml"
    entry.write_text(entry.read_text("utf-8").replace("Nordby Fjernvarme", "Fjernvarmen"),
                     "utf-8")
    load.load_project(project)  # an edited entry is kept beside its old version ...
    assert len(list(kept.iterdir())) == 3
    for path in kept.iterdir():
        os.utime(path, (time.time() - 3600,) * 2)  # ... which nobody used for an hour
    load.load_project(project)
    assert len(list(kept.iterdir())) == 2  # ... and then goes
    shutil.copy(MINIMAL, entry)
    entry.write_text(entry.read_text("utf-8").replace("  - Vejle", "  - Vejel"), "utf-8")
    assert _problems(load, project) == [
        "entries/minimal.yaml:3: municipalities[0]: ukendt kommune 'Vejel'; mente du "
        "'Vejle' eller 'Vejen'?"]
    shutil.copy(MINIMAL, entry)

    config = project / "catalogue.yaml"
    original = config.read_text("utf-8")
    config.write_text(original.replace("  energi:", "  energy:"), "utf-8")
    assert any(p.startswith("entries/minimal.yaml:7: themes[0]: ukendt tema 'energi'")
               for p in _problems(load, project))
    config.write_text(original, "utf-8")

    assert _problems(load, project, today=datetime.date(2020, 6, 1)) == [
        "entries/minimal.yaml:8: started: 2021 er ikke et muligt startår; skriv et år fra "
        "1900 til 2020"]

    for number, path in enumerate(sorted(kept.iterdir())):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] if number % 2 else b"\0" * len(data))
    assert load.load_project(project).entries == first.entries
    shutil.rmtree(project / ".cache")
    (project / ".cache").write_text("not a folder")  # a cache that cannot be written
    assert load.load_project(project).entries == first.entries


def _problems(load, project: Path, **options) -> list[str]:
    with pytest.raises(load.ValidationFailed) as failed:
        load.load_project(project, **options)
    return [str(p) for p in failed.value.problems]


def test_an_entry_may_not_take_the_name_of_the_catalogues_own_pages(tmp_path):
    """An entry's file name is its spread's anchor: entries/register.yaml would make two
    things called "register" (its spread and the register) and links to either land
    anywhere."""
    project = make_project(tmp_path)
    shutil.copy(MINIMAL, project / "entries" / "register.yaml")

    result = run("check", str(project))

    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        "entries/register.yaml: filnavnet 'register' er katalogets eget navn for registret; "
        "omdøb filen, fx til register-vejle.yaml",
        summary(1)]
    assert snapshot(project / "output") == {"old.pdf": OLD_PDF}


@pytest.mark.slow
def test_damaged_photos_are_found_when_weasyprint_was_imported_first(tmp_path, monkeypatch):
    """Importing WeasyPrint tells Pillow to pad a truncated photo silently (preview lays out
    in its own process when its helper is gone, then reads the entries again). The photos
    are checked in threads: each must be checked with that setting off, whatever the
    others do."""
    import shutil

    from PIL import ImageFile

    from synthetic import synthetic_photo
    from catalogue.errors import ValidationFailed
    from catalogue.read.load import load_project

    root = Path(__file__).resolve().parent.parent
    shutil.copy(root / "catalogue.yaml", tmp_path)
    (tmp_path / "entries").mkdir()
    (tmp_path / "images").mkdir()
    entry = (root / "entries" / "carbon-20.yaml").read_text("utf-8")
    for n in range(12):
        photo = tmp_path / "images" / f"foto-{n}.jpg"
        synthetic_photo(photo, n)
        if n % 2:
            photo.write_bytes(photo.read_bytes()[: photo.stat().st_size // 2])
        (tmp_path / "entries" / f"e-{n:02}.yaml").write_text(
            entry + f"image:\n  file: images/foto-{n}.jpg\n  alt: Foto\n  credit: Test\n",
            "utf-8")
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(ValidationFailed) as failed:
        load_project(tmp_path)
    damaged = {p.file for p in failed.value.problems
               if "er beskadiget eller ufuldstændigt" in p.message}
    assert damaged == {f"entries/e-{n:02}.yaml" for n in range(1, 12, 2)}
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # put back as it was


def test_a_yml_entry_is_read_like_a_yaml_entry_and_never_two_for_one_name(tmp_path):
    """An entry saved as .yml is a partnership like any other; beside a .yaml of the same
    name it is refused by name, never skipped."""
    from catalogue.read import load

    project = make_project(tmp_path)
    shutil.copy(MINIMAL, project / "entries" / "nordby.yml")

    result = run("check", str(project))

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith(
        "OK: catalogue.yaml og 1 indgang er i orden"), result.output
    assert [doc.slug for doc in load.load_project(project).entries] == ["nordby"]

    shutil.copy(MINIMAL, project / "entries" / "nordby.yaml")
    result = run("check", str(project))
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        "entries/nordby.yml: entries/nordby.yaml har samme navn; ét partnerskab er én fil, "
        "så slet eller omdøb den ene", summary(1)]
    assert snapshot(project / "output") == {"old.pdf": OLD_PDF}


def test_a_comment_on_a_line_of_its_own_stays_a_comment(tmp_path):
    """What the scaffold writes (a comment above a field, or above a list item) is no text;
    a '#' inside a block (|) or in quotes is text and is printed."""
    from catalogue.read import load

    text = MINIMAL.read_text("utf-8")
    text = "# Partnerskabet i Nordby\n" + text.replace(
        "partners:\n", "partners:\n  # virksomhederne\n").replace(
        "about: |\n  Partnerskabet", "about: |\n  Hal #3 og\n  Partnerskabet").replace(
        "title: Grøn varme i Nordby", "title: \"Grøn varme #1 i Nordby\"")
    project = make_project(tmp_path)
    (project / "entries" / "nordby.yaml").write_text(text, "utf-8")

    result = run("check", "--strict", str(project))

    assert result.exit_code == 0, result.output
    (doc,) = load.load_project(project).entries
    assert doc.entry.title == "Grøn varme #1 i Nordby"
    assert doc.entry.about.startswith("Hal #3 og\n")


def test_curly_quotation_marks_are_read_as_danish_ones(tmp_path):
    """Word's “…” and „…“ are text to YAML; they become »…«, as straight quotes in text do,
    in plain text (the title, printed as it is) and in body text."""
    from catalogue.read import load

    text = MINIMAL.read_text("utf-8").replace(
        "title: Grøn varme i Nordby", "title: Projektet „Grøn varme“ i Nordby").replace(
        "  Partnerskabet samler", "  Det “grønne” løft: partnerskabet samler")
    project = make_project(tmp_path)
    (project / "entries" / "nordby.yaml").write_text(text, "utf-8")

    (doc,) = load.load_project(project).entries

    assert doc.entry.title == "Projektet »Grøn varme« i Nordby"
    assert doc.entry.about.startswith("Det »grønne« løft: partnerskabet samler")


def test_a_danish_field_name_in_catalogue_yaml_gets_one_message(tmp_path):
    project = make_project(tmp_path, MINIMAL)
    config = project / "catalogue.yaml"
    text = config.read_text("utf-8")
    line = text.splitlines().index(next(l for l in text.splitlines()
                                        if l.startswith("foreword:"))) + 1
    config.write_text(text.replace("\nforeword:", "\nforord:"), "utf-8")

    result = run("check", str(project))

    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        f"catalogue.yaml:{line}: forord: ukendt felt; mente du 'foreword'?", summary(1)]
    assert snapshot(project / "output") == {"old.pdf": OLD_PDF}


def test_a_file_that_ends_inside_brackets_gets_a_plain_message():
    """The parser stops past the last line (found by the fuzz: b'['): still a message."""
    from catalogue.read import yamlsafe

    for raw in (b"[", b"{", b"title: [", b"- [\n"):
        with pytest.raises(yamlsafe.YamlProblem):
            yamlsafe.parse(yamlsafe.decode(raw))
