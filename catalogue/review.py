"""Validation as `catalogue check` runs it, and editorial notes on a valid project.

Notes point at what will not look right, though nothing is wrong; they never stop a build
(not even with --strict). This module does not import WeasyPrint, so `check` starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .errors import Problem, ValidationFailed, relative
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
            notes.append(Problem(name, doc.line("lead"), "lead", f"the lead is {lead} characters; about "
                                 f"{LEAD_COMFORTABLE} fit comfortably under the title",
                                 "note"))
        for i, item in enumerate(entry.advice):
            if len(item) > ADVICE_COMFORTABLE:
                notes.append(Problem(name, doc.line("advice", i), f"advice[{i}]", f"this piece of advice is "
                                     f"{len(item)} characters; keep each under "
                                     f"{ADVICE_COMFORTABLE} (four or five short lines)",
                                     "note"))
        if entry.image is None:
            notes.append(Problem(name, doc.line("title"), "image", "no photo: the spread shows the "
                                 "illustration of its first theme", "note"))
        seen = set()
        for i, partner in enumerate(entry.partners):
            key = partner.name.casefold()
            if key in seen:
                notes.append(Problem(name, doc.line("partners", i, "name"), f"partners[{i}]", f"{partner.name!r} is "
                                     "named twice; remove one", "warning"))
            seen.add(key)
    used = {theme for doc in project.entries for theme in doc.entry.themes}
    for theme, label in project.edition.themes.items():
        if theme not in used:
            notes.append(Problem("catalogue.yaml", None, "themes", f"the theme {theme!r} "
                                 f"({label}) is not used by any entry; the register will "
                                 "not list it", "note"))
    return notes


def check_only(root: Path, strict: bool = False,
               say: Callable[[str], None] = print) -> Project:
    """Validate catalogue.yaml and every entry; raise ValidationFailed on any problem.

    Editorial notes (review.py) are kept in project.notes; warnings fail --strict.
    """
    project = load_project(root)
    found = review(project)
    project.warnings += [p for p in found if p.severity == "warning"]
    project.notes = [p for p in found if p.severity == "note"]
    count = len(project.entries)
    say(f"Validated catalogue.yaml and {count} {'entry' if count == 1 else 'entries'}")
    if strict and project.warnings:
        raise ValidationFailed.from_problems(project.warnings)
    return project
