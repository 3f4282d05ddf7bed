"""The fit check on the laid-out pages: overflow, blocks past the foot, sparse pages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from catalogue.read import yamlsafe
from catalogue.cli import main

ROOT = Path(__file__).resolve().parent.parent
SLUG = "klimapartnerskab-vejle-nord"
PARAGRAPH = ("Partnerskabet samler virksomhederne i området om en fælles plan for energi, "
             "transport og affald, og kommunen sørger for, at arbejdet bliver fulgt op med "
             "målinger, møder og nye aftaler, så resultaterne kan ses fra år til år. ")


def project_with(tmp_path: Path, **changes) -> Path:
    """A one-entry project whose entry has the given fields replaced."""
    shutil.copy(ROOT / "catalogue.yaml", tmp_path)
    (tmp_path / "entries").mkdir()
    data = yaml.safe_load((ROOT / "entries" / f"{SLUG}.yaml").read_text("utf-8"))
    data.update(changes)
    (tmp_path / "entries" / f"{SLUG}.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, width=88), "utf-8")
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "old.pdf").write_bytes(b"%PDF old")
    return tmp_path


def build(project: Path, *flags: str):
    return CliRunner().invoke(main, ["build", *flags, str(project)])


def line_of(project: Path, *path) -> int:
    """The line of a field in the project's entry, as the editor's editor shows it."""
    text = (project / "entries" / f"{SLUG}.yaml").read_text("utf-8")
    return yamlsafe.parse(text).line_of(path)


@pytest.mark.slow
def test_a_normal_entry_fits_without_remarks(tmp_path):
    result = build(project_with(tmp_path), "--strict")
    assert result.exit_code == 0, result.output
    assert "tredje side" not in result.output and "fyldt" not in result.output


@pytest.mark.slow
def test_too_long_about_fails_strict_with_lines_and_field(tmp_path):
    """The message names the line of the text that ran over, and every text of the spread
    with its lines, those in the same column first: the editor chooses what to shorten."""
    project = project_with(tmp_path, about="\n\n".join([PARAGRAPH * 3] * 6))
    result = build(project, "--strict")
    assert result.exit_code == 1
    about, origin, results = (line_of(project, f) for f in ("about", "origin", "results"))
    match = re.search(
        rf"^entries/{SLUG}\.yaml:{about}: about: opslaget løber (\d+) linjer ind på en "
        rf"tredje side; forkort en af about \((\d+) linjer, linje {about}\), origin \(\d+ "
        rf"linjer, linje {origin}\), results \(\d+ linjer, linje {results}\); opslagets "
        rf"andre tekster: (.*)$", result.output, re.M)
    assert match, result.output
    assert int(match.group(1)) > 5 and int(match.group(2)) > 40
    others = match.group(3)
    for field in ("title", "lead", "key_figures", "partners", "advice", "contact", "links"):
        assert re.search(rf"\b{field} \((1 linje|\d+ linjer), linje {line_of(project, field)}\)",
                         others), (field, others)
    assert (project / "output").iterdir().__next__().name == "old.pdf"
    assert len(list((project / "output").iterdir())) == 1


@pytest.mark.slow
def test_overflow_is_only_a_warning_without_strict(tmp_path):
    project = project_with(tmp_path, about="\n\n".join([PARAGRAPH * 3] * 6))
    result = build(project)
    assert result.exit_code == 0
    assert "advarsel: about: opslaget løber" in result.output


@pytest.mark.slow
def test_too_much_advice_is_named_when_the_side_column_runs_over(tmp_path):
    long_advice = [PARAGRAPH * 2] * 6
    project = project_with(tmp_path, advice=long_advice)
    result = build(project, "--strict")
    assert result.exit_code == 1
    advice = line_of(project, "advice")
    assert re.search(rf"^entries/{SLUG}\.yaml:{advice}: advice: opslaget løber \d+ linjer ind "
                     rf"på en tredje side; forkort en af advice \(\d+ linjer, linje {advice}\), "
                     r"contact", result.output, re.M), result.output


def test_a_nearly_empty_right_page_is_a_warning(tmp_path):
    project = project_with(tmp_path, about="Kort tekst.", origin="Kort.", results=None)
    result = build(project)
    assert result.exit_code == 0
    assert re.search(r"advarsel: højre side er kun \d+ % fyldt",
                     result.output.replace("\u00a0", " ")), result.output


def with_photo(tmp_path: Path, size: tuple[int, int]) -> Path:
    from PIL import Image

    project = project_with(tmp_path, image={"file": "images/foto.jpg", "alt": "Foto",
                                            "credit": "Test"})
    (project / "images").mkdir()
    Image.new("RGB", size, "#44664f").save(project / "images" / "foto.jpg")
    return project


def test_check_says_what_make_refuses_of_a_photo_too_coarse_for_print(tmp_path):
    """A photo at 95 ppi in print: `make check` (check --strict) refuses it as `make` does,
    in the same words and on the photo's line, without laying anything out."""
    project = with_photo(tmp_path, (800, 500))
    before = sorted((project / "output").iterdir())

    checked = CliRunner().invoke(main, ["check", "--strict", str(project)])
    built = build(project, "--strict", "--edition", "print")

    line = (f"entries/{SLUG}.yaml:{line_of(project, 'image', 'file')}: image.file: "
            "'images/foto.jpg' trykkes med 95 ppi; tryk kræver 300 ppi (under 150 ser det "
            "sløret ud): brug en større original")
    assert checked.exit_code == built.exit_code == 1, (checked.output, built.output)
    assert line in checked.output.splitlines(), checked.output
    assert line in built.output.splitlines(), built.output
    assert checked.output.splitlines()[-1] == "1 fejl i 1 fil; intet blev skrevet til output/."
    assert sorted((project / "output").iterdir()) == before


def test_checks_resolution_is_the_one_the_layout_finds(tmp_path):
    """check works the resolution out from the photo's pixels and its frame (check.HERO_MM
    and the bleed); the laid-out page must agree: a hint under 300 ppi in the same words,
    which stops neither `make check` nor `make`."""
    project = with_photo(tmp_path, (2400, 1600))

    checked = CliRunner().invoke(main, ["check", "--strict", str(project)])
    built = build(project, "--strict", "--edition", "print")

    hint = (f"entries/{SLUG}.yaml:{line_of(project, 'image', 'file')}: advarsel: image.file: "
            "'images/foto.jpg' trykkes med 286 ppi; tryk kræver 300 ppi: brug en større "
            "original")
    assert checked.exit_code == built.exit_code == 0, (checked.output, built.output)
    assert hint in checked.output.splitlines() and hint in built.output.splitlines()
    assert "(1 advarsel, " in checked.output.splitlines()[-1], checked.output
