"""Validation as `catalogue check` runs it, and editorial notes on a valid project.

Notes point at what will not look right, though nothing is wrong; they never stop a build
(not even with --strict). This module does not import WeasyPrint, so `check` starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import Problem, ValidationFailed, relative
from ..i18n import _, ngettext
from .load import Project, load_project

# Measured on the layouts: the lead (12 pt sans, 111 mm) holds about 6 lines of ~62
# characters below a two-line title; an advice item (8.6 pt sans, 43.5 mm) about 30
# characters a line, and more than 5 lines crowds the side column.
LEAD_COMFORTABLE = 330
ADVICE_COMFORTABLE = 150


def review(project: Project) -> list[Problem]:
    """Editorial notes for every entry and for catalogue.yaml."""
    notes = []
    for doc in project.entries:
        name, entry = relative(doc.path, project.root), doc.entry
        lead = len(" ".join(entry.lead.split()))
        if lead > LEAD_COMFORTABLE:
            notes.append(Problem(name, doc.line("lead"), "lead", _(
                "the lead is {length} characters; about {comfortable} fit comfortably under "
                "the title").format(length=lead, comfortable=LEAD_COMFORTABLE), "note"))
        for i, item in enumerate(entry.advice):
            if len(item) > ADVICE_COMFORTABLE:
                notes.append(Problem(name, doc.line("advice", i), f"advice[{i}]", _(
                    "this piece of advice is {length} characters; keep each under "
                    "{comfortable} (four or five short lines)").format(
                        length=len(item), comfortable=ADVICE_COMFORTABLE), "note"))
        if entry.image is None:
            notes.append(Problem(name, doc.line("title"), "image", _(
                "no photo: the spread shows the illustration of its first theme"), "note"))
        seen = set()
        for i, partner in enumerate(entry.partners):
            key = partner.name.casefold()
            if key in seen:
                notes.append(Problem(name, doc.line("partners", i, "name"), f"partners[{i}]", _(
                    "{name} is named twice; remove one").format(name=repr(partner.name)),
                    "warning"))
            seen.add(key)
    used = {theme for doc in project.entries for theme in doc.entry.themes}
    for theme, label in project.edition.themes.items():
        if theme not in used:
            notes.append(Problem("catalogue.yaml", None, "themes", _(
                "the theme {theme} ({label}) is not used by any entry; the register will not "
                "list it").format(theme=repr(theme), label=label), "note"))
    return notes


def check_only(root: Path, strict: bool = False,
               say: Callable[[str], None] = print, photos: bool = False) -> Project:
    """Validate catalogue.yaml and every entry; raise ValidationFailed on any problem.

    Editorial notes (review.py) are kept in project.notes; warnings fail --strict. With
    photos (the `check` command), also what the build's layout would refuse that needs no
    layout, in its words: each photo's resolution in print (under 150 ppi an error when
    strict, else a hint, in notes: the build never stops for one) and a theme illustration
    it may not draw.
    """
    project = load_project(root)
    found = review(project)
    printed = []
    if photos:
        from ..layout.check import expected_resolutions, illustration_problems, resolution_problems

        printed = resolution_problems(expected_resolutions(project), project, strict) + \
            illustration_problems(project)  # no WeasyPrint: check starts fast
    errors = [p for p in printed if p.severity == "error"]
    project.warnings += [p for p in found if p.severity == "warning"]
    project.notes = [p for p in found if p.severity == "note"] + \
        [p for p in printed if p.severity != "error"]
    count = len(project.entries)
    say(ngettext("Validated catalogue.yaml and {count} entry",
                 "Validated catalogue.yaml and {count} entries", count).format(count=count))
    if errors or (strict and project.warnings):
        raise ValidationFailed.from_problems(errors + project.warnings)
    return project
