"""LibreOffice headless conversions (PDF letters, formula recalculation).

Each conversion runs with its own throw-away user profile (``-env:UserInstallation``):
two conversions sharing a profile block each other, and a desktop LibreOffice already
open would swallow the request. The exit code is not trusted: the output file must exist.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from toolkit.errors import LibreOfficeMissing, ToolkitError

CANDIDATES = ("soffice", "libreoffice")
WINDOWS_PATHS = (Path("C:/Program Files/LibreOffice/program/soffice.exe"),
                 Path("C:/Program Files (x86)/LibreOffice/program/soffice.exe"))
CONVERSION_TIMEOUT_S = 180


def find_soffice() -> str | None:
    """Path of LibreOffice's ``soffice``, or ``None`` when it is not installed."""
    override = os.environ.get("TOOLKIT_SOFFICE")
    if override:
        return override
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return next((str(p) for p in WINDOWS_PATHS if p.exists()), None)


def _usable_override(value: str) -> bool:
    """``TOOLKIT_SOFFICE`` names an existing program (a path, or a name found on PATH)."""
    return Path(value).is_file() or shutil.which(value) is not None


def require_soffice() -> str:
    """LibreOffice's ``soffice``, checked before anything is written; a French error when
    it is missing or when ``TOOLKIT_SOFFICE`` names no program."""
    soffice = find_soffice()
    override = os.environ.get("TOOLKIT_SOFFICE")
    if override and not _usable_override(override):
        raise LibreOfficeMissing(
            f"la variable d'environnement TOOLKIT_SOFFICE désigne « {override} », qui n'existe "
            "pas : indiquez le chemin complet de soffice.exe (par exemple C:\\Program Files\\"
            "LibreOffice\\program\\soffice.exe) ou supprimez cette variable. Aucun courrier "
            "n'a été produit.")
    if soffice is None:
        raise LibreOfficeMissing(
            "LibreOffice n'est pas installé : il faut LibreOffice pour cette opération "
            "(https://fr.libreoffice.org, ou « apt-get install libreoffice-writer-nogui »).")
    return soffice


def convert(source: Path, target_format: str, out_dir: Path) -> Path:
    """Convert ``source`` with LibreOffice headless into ``out_dir``; return the new file."""
    soffice = require_soffice()
    source, out_dir = Path(source).resolve(), Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    extension = target_format.split(":")[0]
    expected = out_dir / f"{source.stem}.{extension}"
    with tempfile.TemporaryDirectory(prefix="toolkit-lo-") as profile:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--norestore", "--convert-to", target_format, "--outdir", str(out_dir),
                   str(source)]
        try:
            completed = subprocess.run(command, capture_output=True, text=True,
                                       timeout=CONVERSION_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as error:
            raise ToolkitError(f"LibreOffice n'a pas converti {source.name} en "
                               f"{CONVERSION_TIMEOUT_S} s.") from error
        except OSError as error:  # not a program (TOOLKIT_SOFFICE pointing at a document...)
            raise LibreOfficeMissing(f"impossible de lancer LibreOffice ({soffice}) : "
                                     f"{error.strerror or error}") from error
    if not expected.exists():
        detail = (completed.stderr or completed.stdout).strip()[:300] or "aucun message"
        raise ToolkitError(f"LibreOffice n'a pas produit {expected.name} ({detail}).")
    return expected
