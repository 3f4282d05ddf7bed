"""Errors as data: every problem knows its file, line and field, and prints as one plain line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .i18n import N_, _, ngettext

# How a warning and an editorial note are labelled (an error has no label).
SEVERITIES = {"warning": N_("warning"), "note": N_("note")}


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in one place of one file."""

    file: str
    line: int | None
    field: str | None
    message: str
    severity: str = "error"  # "error", "warning" (fails --strict) or "note" (editorial)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        prefix = "" if self.severity == "error" else f"{_(SEVERITIES[self.severity])}: "
        return f"{where}: {prefix}{what}"


class CatalogueError(Exception):
    """The root of every error the CLI prints without a traceback."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def report(self) -> str:
        """The full text shown to the editor: each problem on its own line, then a summary."""
        lines = [str(p) for p in self.problems]
        lines.append(str(self))
        return "\n".join(lines)


class ValidationFailed(CatalogueError):
    """Entries or catalogue.yaml have problems; nothing was written."""

    @classmethod
    def from_problems(cls, problems: list[Problem]) -> "ValidationFailed":
        errors = sum(p.severity == "error" for p in problems)
        warnings = len(problems) - errors
        files = len({p.file for p in problems})
        parts = [ngettext("{count} error", "{count} errors", errors).format(count=errors)]
        if warnings:
            parts.append(ngettext("{count} warning", "{count} warnings", warnings).format(
                count=warnings))
        where = ngettext("in {count} file", "in {count} files", files).format(count=files)
        joined = (" " + _("and") + " ").join(parts)
        return cls(_("{problems} {where}; nothing was written to output/.").format(
            problems=joined, where=where), problems)


class BuildFailed(CatalogueError):
    """Rendering or writing a PDF failed; output/ keeps its previous files."""


def relative(path: Path, root: Path) -> str:
    """A path as the editor knows it: relative to the project folder when possible."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
