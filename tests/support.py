"""Helpers the test modules share: run the CLI as an editor would, and photograph a folder."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from catalogue.cli import main


def run(*args: str):
    """Invoke the `catalogue` command with these arguments."""
    return CliRunner().invoke(main, list(args))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder (hidden temporary files included) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
