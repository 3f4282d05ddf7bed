"""The fit check on the laid-out pages: overflow, blocks past the foot, sparse pages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner

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


def test_a_normal_entry_fits_without_remarks(tmp_path):
    result = build(project_with(tmp_path), "--strict")
    assert result.exit_code == 0, result.output
    assert "third page" not in result.output and "full" not in result.output


def test_too_long_about_fails_strict_with_lines_and_field(tmp_path):
    project = project_with(tmp_path, about="\n\n".join([PARAGRAPH * 3] * 6))
    result = build(project, "--strict")
    assert result.exit_code == 1
    match = re.search(rf"entries/{SLUG}\.yaml: the spread runs (\d+) lines onto a third "
                      r'page; shorten "(\w+)"', result.output)
    assert match, result.output
    assert int(match.group(1)) > 5
    assert match.group(2) in ("about", "origin")
    assert (project / "output").iterdir().__next__().name == "old.pdf"
    assert len(list((project / "output").iterdir())) == 1


def test_overflow_is_only_a_warning_without_strict(tmp_path):
    project = project_with(tmp_path, about="\n\n".join([PARAGRAPH * 3] * 6))
    result = build(project)
    assert result.exit_code == 0
    assert "warning: the spread runs" in result.output


def test_too_much_advice_is_named_when_the_side_column_runs_over(tmp_path):
    long_advice = [PARAGRAPH * 2] * 6
    result = build(project_with(tmp_path, advice=long_advice), "--strict")
    assert result.exit_code == 1
    assert re.search(r'the spread runs \d+ lines onto a third page; shorten "advice"',
                     result.output), result.output


def test_a_nearly_empty_right_page_is_a_warning(tmp_path):
    project = project_with(tmp_path, about="Kort tekst.", origin="Kort.", results=None)
    result = build(project)
    assert result.exit_code == 0
    assert re.search(r"warning: the right page is only \d+ % full", result.output.replace("\u00a0", " ")), \
        result.output
