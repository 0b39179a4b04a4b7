"""PDF copies of the letters, by LibreOffice headless.

Each conversion gets its own throw-away LibreOffice profile (``-env:UserInstallation``):
two instances sharing a profile block each other, and the user's own LibreOffice may be
open. soffice's exit code says little, so success is the PDF being there.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .errors import LibreOfficeMissing

CONVERSION_TIMEOUT_SECONDS = 300
PARALLEL_CONVERSIONS = 2


def find_soffice() -> str:
    """The LibreOffice executable, or :class:`LibreOfficeMissing`."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise LibreOfficeMissing(
        "LibreOffice est nécessaire pour produire les PDF, mais il n'est pas installé (commande "
        "« soffice » introuvable). Installez LibreOffice, ou relancez sans --pdf.")


def _convert_folder(soffice: str, folder: Path, documents: list[Path]) -> list[Path]:
    """Convert documents of one folder in one LibreOffice run; the PDFs that exist after."""
    with tempfile.TemporaryDirectory(prefix="toolkit-lo-") as profile:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--norestore", "--nolockcheck", "--convert-to", "pdf", "--outdir",
                   str(folder), *map(str, documents)]
        # On a timeout, whatever PDFs exist are kept and the missing ones reported.
        with contextlib.suppress(subprocess.TimeoutExpired):
            subprocess.run(command, capture_output=True, timeout=CONVERSION_TIMEOUT_SECONDS,
                           check=False, stdin=subprocess.DEVNULL)
    made = [document.with_suffix(".pdf") for document in documents]
    return [pdf for pdf in made if pdf.is_file() and pdf.stat().st_size > 0]


def convert_to_pdf(documents: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(PDFs made, documents that could not be converted), folders converted in parallel."""
    soffice = find_soffice()
    by_folder: dict[Path, list[Path]] = defaultdict(list)
    for document in documents:
        document.with_suffix(".pdf").unlink(missing_ok=True)  # never trust a stale copy
        by_folder[document.parent].append(document)
    with ThreadPoolExecutor(max_workers=PARALLEL_CONVERSIONS) as pool:
        results = pool.map(lambda item: _convert_folder(soffice, *item), by_folder.items())
        made = [pdf for pdfs in results for pdf in pdfs]
    made_set = set(made)
    failed = [doc for docs in by_folder.values() for doc in docs
              if doc.with_suffix(".pdf") not in made_set]
    return made, failed
