"""The interface's language: every message the code can say is in the Danish catalogue,
Danish is the default, English is there on request (--lang en, LANG=en...)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from catalogue import i18n
from catalogue.cli import main

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "catalogue" / "locale" / "da" / "LC_MESSAGES" / "catalogue.po"
MO = PO.with_suffix(".mo")
INVALID = ROOT / "tests" / "fixtures" / "invalid"


def extracted() -> set:
    """Every message marked in the code (ours and click's), as Babel extracts it for
    `make messages`: a text, or (singular, plural)."""
    found = set()
    for folder in (ROOT / "catalogue", Path(click.__file__).parent):
        for _file, _line, message, _comments, _context in extract_from_dir(folder):
            found.add(message if isinstance(message, str) else tuple(message[:2]))
    return found


def translations() -> dict:
    with PO.open("rb") as stream:
        catalogue = read_po(stream)
    return {_key(m.id): m for m in catalogue if m.id}


def _key(text):
    """A message as text, or its singular and plural forms as a tuple."""
    return text if isinstance(text, str) else tuple(text)


def test_every_message_is_in_the_danish_catalogue():
    known = translations()
    missing = [m for m in extracted() if m not in known]
    untranslated = [key for key, m in known.items()
                    if "fuzzy" in m.flags or not all(
                        [m.string] if isinstance(m.string, str) else m.string)]
    assert missing == [], "run `make messages` and translate these in the .po"
    assert untranslated == [], "translate these in catalogue/locale/da/LC_MESSAGES/catalogue.po"


def test_translations_keep_every_placeholder():
    """{name} in a message must be in its translation, or formatting it fails."""
    for key, message in translations().items():
        ids = [key] if isinstance(key, str) else list(key)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for form, string in enumerate(strings):  # Danish: singular, plural, as English
            wanted = set(re.findall(r"\{[^{}]*\}", ids[min(form, len(ids) - 1)]))
            assert set(re.findall(r"\{[^{}]*\}", string)) == wanted, (key, string)


def test_the_compiled_catalogue_is_the_one_in_the_po():
    with MO.open("rb") as stream:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(stream) if m.id}
    written = {key: _key(m.string) for key, m in translations().items()}
    assert compiled == written, "run `make messages`"


def test_no_message_sends_an_editor_to_the_english_readme():
    for key, message in translations().items():
        assert "README" not in str(key) + str(message.string), key


@pytest.mark.parametrize("environment, language", [
    ({}, "da"), ({"LANG": "da_DK.UTF-8"}, "da"), ({"LANG": "C.UTF-8"}, "da"),
    ({"LANG": "en_GB.UTF-8"}, "en"), ({"LC_ALL": "en_US.UTF-8", "LANG": "da_DK"}, "en"),
    ({"LANGUAGE": "da:en", "LANG": "en_US.UTF-8"}, "da"),
    ({"CATALOGUE_LANG": "en", "LANG": "da_DK.UTF-8"}, "en")])
def test_the_language_comes_from_the_environment(environment, language):
    assert i18n.from_environment(environment) == language


def invalid_project(tmp_path: Path) -> Path:
    (tmp_path / "entries").mkdir()
    shutil.copy(ROOT / "catalogue.yaml", tmp_path)
    shutil.copy(INVALID / "missing-colon.yaml", tmp_path / "entries")
    return tmp_path


DANISH = ["entries/missing-colon.yaml:8: feltnavnet started skal have et kolon efter sig; "
          "skriv: started: 2021", "1 fejl i 1 fil; intet blev skrevet til output/."]
ENGLISH = ["entries/missing-colon.yaml:8: the field name started needs a colon after it; "
           "write: started: 2021", "1 error in 1 file; nothing was written to output/."]
UNSET = {name: None for name in i18n.ENVIRONMENT}


@pytest.mark.parametrize("args, environment, expected", [
    ([], UNSET, DANISH),
    (["--lang", "en"], {}, ENGLISH),
    (["--lang", "da"], UNSET | {"LANG": "en_GB.UTF-8"}, DANISH),
    ([], UNSET | {"LANG": "en_GB.UTF-8"}, ENGLISH),
    ([], UNSET | {"LANG": "da_DK.UTF-8"}, DANISH)])
def test_messages_are_danish_unless_english_is_asked_for(tmp_path, args, environment,
                                                         expected):
    project = invalid_project(tmp_path)
    result = CliRunner().invoke(main, [*args, "check", str(project)], env=environment)
    assert result.exit_code == 1
    assert result.output.splitlines() == expected
    again = CliRunner().invoke(main, ["check", *args, str(project)], env=environment)
    assert again.output.splitlines() == expected  # --lang after the command, too
    assert i18n.current == "da"  # the tests' language again, after the command


def test_help_and_click_s_own_words_are_danish_or_english():
    danish = CliRunner().invoke(main, ["new", "--help"]).output
    assert danish.startswith("Brug: main new [TILVALG] TITEL\n")
    assert "Opret en ny indgang: entries/<slug>.yaml med alle felter" in danish
    assert "-m, --municipality TEKST  Kommunens officielle korte navn.  [påkrævet]" in danish
    assert "Vis denne hjælp, og afslut." in danish
    english = CliRunner().invoke(main, ["--lang", "en", "new", "--help"]).output
    assert english.startswith("Usage: main new [OPTIONS] TITLE\n")
    assert "Start a new entry: entries/<slug>.yaml with every field" in english
    missing = CliRunner().invoke(main, ["new"])
    assert missing.exit_code == 2
    assert missing.output.splitlines()[-1] == "Fejl: Mangler argument 'TITEL'."
