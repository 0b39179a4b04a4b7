"""PDF copies of the letters, beside them, converted by LibreOffice headless.

``libreoffice.convert`` uses one throw-away profile per conversion and judges success by
the PDF being there."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.libreoffice import convert, require_soffice

# LibreOffice is itself the heavy process: two at a time keep a 2-core office PC usable.
PARALLEL_CONVERSIONS = 2


def _convert_one(document: Path) -> Path | None:
    document.with_suffix(".pdf").unlink(missing_ok=True)  # never keep a stale copy
    try:
        return convert(document, "pdf", document.parent)
    except ToolkitError:
        return None


def convert_to_pdf(documents: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(PDFs made, documents that could not be converted)."""
    require_soffice()
    documents = list(documents)
    with ThreadPoolExecutor(max_workers=PARALLEL_CONVERSIONS) as pool:
        results = list(pool.map(_convert_one, documents))
    made = [pdf for pdf in results if pdf is not None]
    failed = [doc for doc, pdf in zip(documents, results, strict=True) if pdf is None]
    return made, failed
