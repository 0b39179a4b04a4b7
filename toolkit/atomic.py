"""Replacing a file atomically: write a temporary file in the same folder, then ``os.replace``.

A reader (Excel, a browser, an auditor's unzip) then finds the old file or the new one,
never half of one, even if the run is killed while writing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_replace(target: Path, temporary: Path | None = None) -> Iterator[Path]:
    """Yield the temporary path to write; when the block ends without an exception, it
    replaces ``target``. The temporary file is removed in every case.

    ``temporary`` must be in ``target``'s folder (a rename across file systems is not
    atomic); by default ``.<name>.<pid>.tmp`` beside it.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary or target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
