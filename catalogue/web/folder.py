"""A folder written whole or not at all: built beside its place, then swapped in.

The web edition is a folder, not a file, and os.replace cannot put a folder where a full
one stands: the old one steps aside under a temporary name, the new one takes its place,
and the old one is removed; should the second step fail, the old one is put back.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


@contextlib.contextmanager
def staged(target: Path):
    """Yield an empty temporary folder beside target; it becomes target when the block
    succeeds and something was written into it. A failed, refused or interrupted block
    leaves target as it was and no temporary folder behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", suffix=".part", dir=target.parent))
    try:
        yield temp
        if any(temp.iterdir()):
            os.chmod(temp, 0o777 & ~_umask())  # mkdtemp's folder is private (0700)
            swap(temp, target)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def swap(new: Path, target: Path) -> None:
    """Put the folder new where target is, in two renames."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-", suffix=".old", dir=target.parent))
        os.replace(target, old / target.name)
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:
            os.replace(old / target.name, target)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
