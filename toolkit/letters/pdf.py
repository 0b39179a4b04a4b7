"""PDF copies of the letters, beside them, converted by LibreOffice headless.

One LibreOffice process converts every letter of a run (its start-up costs more than a
letter): into a scratch folder beside the dossiers, then each PDF is moved beside its
letter. Success is judged by the PDF being there (``libreoffice.convert_many``)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.libreoffice import convert_many, require_soffice


def _batches(documents: list[Path]) -> list[list[Path]]:
    """The documents in as few groups as possible where no two share a file name (each PDF
    is named after its letter in the one output folder): one group in practice."""
    batches: list[list[Path]] = []
    for document in documents:
        batch = next((b for b in batches if all(d.stem != document.stem for d in b)), None)
        if batch is None:
            batches.append(batch := [])
        batch.append(document)
    return batches


def _convert_batch(batch: list[Path], scratch: Path) -> dict[Path, Path | None]:
    try:
        made = convert_many(batch, "pdf", scratch)
    except ToolkitError:
        return dict.fromkeys(batch)
    placed: dict[Path, Path | None] = {}
    for document in batch:
        pdf = made.get(document.resolve())
        target = document.with_suffix(".pdf")
        if pdf is None:
            placed[document] = None
            continue
        try:
            os.replace(pdf, target)
        except OSError:  # another disk (scratch space is beside the dossiers, so rarely)
            shutil.move(pdf, target)
        placed[document] = target
    return placed


SCRATCH_PREFIX = ".toolkit-pdf-"
# A scratch folder this old belongs to no running conversion (one takes minutes at most):
# it was left by a run stopped short (power cut, task killed), with copies of letters in it.
LEFTOVER_AGE_S = 24 * 3600


def remove_leftover_scratch(folder: Path, now: float | None = None) -> list[Path]:
    """Delete the scratch folders of conversions stopped short, in ``folder`` (the
    dossiers' folder): copies of letters outside any dossier, which an erasure would not
    find. Returns those deleted."""
    now = time.time() if now is None else now
    removed = []
    for leftover in folder.glob(f"{SCRATCH_PREFIX}*"):
        try:
            if leftover.is_dir() and now - leftover.stat().st_mtime > LEFTOVER_AGE_S:
                shutil.rmtree(leftover)
                removed.append(leftover)
        except OSError:  # in use on another PC, or already gone: the next run retries
            continue
    return removed


def convert_to_pdf(documents: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(PDFs made, documents that could not be converted). An old PDF of a document is
    removed first: never a stale copy beside a letter."""
    require_soffice()
    documents = list(documents)
    if not documents:
        return [], []
    for document in documents:
        document.with_suffix(".pdf").unlink(missing_ok=True)
    scratch_parent = documents[0].parent.parent
    remove_leftover_scratch(scratch_parent)
    placed: dict[Path, Path | None] = {}
    with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX, dir=scratch_parent) as scratch:
        for batch in _batches(documents):
            placed.update(_convert_batch(batch, Path(scratch)))
    made = [placed[doc] for doc in documents if placed.get(doc) is not None]
    failed = [doc for doc in documents if placed.get(doc) is None]
    return made, failed
