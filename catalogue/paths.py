"""Where the tool's own files are, and which layouts a project uses."""

from __future__ import annotations

from pathlib import Path

TOOL_ROOT = Path(__file__).resolve().parent.parent


def layouts_dir(root: Path) -> Path:
    """The project's own layouts/, or the ones that come with the tool."""
    own = root / "layouts"
    return own if (own / "catalogue.html.j2").is_file() else TOOL_ROOT / "layouts"


def readable_roots(root: Path) -> list[Path]:
    """The folders a render may read from: the project, its layouts and their fonts."""
    layouts = layouts_dir(root)
    return [root, layouts, layouts.parent / "fonts"]
