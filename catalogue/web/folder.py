"""A folder written whole or not at all: built beside its place, then swapped in.

The web edition is a folder, not a file, and os.replace cannot put a folder where a full
one stands: the old one steps aside under a temporary name, the new one takes its place,
and the old one is removed; should the second step fail, the old one is put back.
In between, for an instant, there is no folder: a web server would answer 404 once.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from pathlib import Path

from ..i18n import _


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
    """Put the folder new where target is: the old one steps aside, new takes its place,
    the old one goes. A folder another build puts there meanwhile (two builds at once)
    steps aside in turn: each build's folder is whole, the last one stays."""
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}-", suffix=".old", dir=target.parent))
    try:
        for attempt in range(10):
            old = aside / str(attempt)
            with contextlib.suppress(FileNotFoundError):
                os.replace(target, old)
            try:
                os.replace(new, target)
                return
            except OSError as exc:
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    if old.exists() and not target.exists():
                        os.replace(old, target)  # as it was
                    raise
        raise OSError(errno.EBUSY, _("another build keeps putting its own there"))
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
