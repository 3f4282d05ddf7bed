"""Errors as data: every problem knows its file, line and field, and prints as one plain line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
        prefix = "" if self.severity == "error" else f"{self.severity}: "
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
        parts = [f"{errors} error{'s' if errors != 1 else ''}"]
        if warnings:
            parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        noun = "file" if files == 1 else "files"
        return cls(f"{' and '.join(parts)} in {files} {noun}; nothing was written to output/.", problems)


class BuildFailed(CatalogueError):
    """Rendering or writing a PDF failed; output/ keeps its previous files."""


def relative(path: Path, root: Path) -> str:
    """A path as the editor knows it: relative to the project folder when possible."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
