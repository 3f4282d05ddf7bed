"""Writing a file so that nothing is lost: whole or not at all, readable by colleagues.

Kept apart from pdf.py so that the commands that only write (check, preview from the
cache, preflight) do not import WeasyPrint.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_target(target: Path):
    """Yield a temporary path beside target; move it into place only if the block succeeds.

    A failed, refused or interrupted write leaves the previous file untouched and no
    temporary file behind.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.stem}-",
                                         suffix=f"{target.suffix}.part", dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        yield temp
        # mkstemp makes the file private (0600); a PDF is for colleagues too: honour umask.
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
