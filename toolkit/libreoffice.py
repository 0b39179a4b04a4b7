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


CONVERSION_TIMEOUT_PER_FILE_S = 30  # beyond the first file, when one process converts many


def convert(source: Path, target_format: str, out_dir: Path) -> Path:
    """Convert ``source`` with LibreOffice headless into ``out_dir``; return the new file."""
    source = Path(source).resolve()
    made = convert_many([source], target_format, out_dir)
    if made.get(source) is None:
        raise ToolkitError(f"LibreOffice n'a pas produit {source.stem}."
                           f"{target_format.split(':')[0]} ({made.detail or 'aucun message'}).")
    return made[source]


class Conversions(dict):
    """Source → file made (``None`` when LibreOffice made none); ``detail``: what LibreOffice
    said, for the error message."""

    detail: str = ""


def convert_many(sources: list[Path], target_format: str, out_dir: Path) -> Conversions:
    """Convert every file of ``sources`` into ``out_dir`` with **one** LibreOffice process
    (its start-up is most of a conversion's time). The sources' names must differ: each
    output is named after its source. Each source maps to its output, or ``None``."""
    soffice = require_soffice()
    sources = [Path(source).resolve() for source in sources]
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    extension = target_format.split(":")[0]
    timeout = CONVERSION_TIMEOUT_S + CONVERSION_TIMEOUT_PER_FILE_S * (len(sources) - 1)
    with tempfile.TemporaryDirectory(prefix="toolkit-lo-") as profile:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--norestore", "--convert-to", target_format, "--outdir", str(out_dir),
                   *map(str, sources)]
        try:
            completed = subprocess.run(command, capture_output=True, text=True,
                                       timeout=timeout, check=False)
        except subprocess.TimeoutExpired as error:
            names = ", ".join(source.name for source in sources[:3])
            raise ToolkitError(f"LibreOffice n'a pas converti {names} en {timeout} s.") from error
        except OSError as error:  # not a program (TOOLKIT_SOFFICE pointing at a document...)
            raise LibreOfficeMissing(f"impossible de lancer LibreOffice ({soffice}) : "
                                     f"{error.strerror or error}") from error
    made = Conversions()
    for source in sources:
        expected = out_dir / f"{source.stem}.{extension}"
        made[source] = expected if expected.exists() else None
    made.detail = (completed.stderr or completed.stdout).strip()[:300]
    return made
