"""Removing a person from the copies the toolkit keeps: register copies (backups, the copy
in an audit archive), audit archives, pages, dossiers and the dossiers' manifest.

Every file is rewritten under a temporary name and renamed (or deleted): an interrupted
erasure leaves each copy whole, before or after, never half-erased.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.privacy.people import Person, scrub
from toolkit.rules.retention import IDENTIFYING_KEYS, erased_values, erasure_mark, is_erased

TEXT_SUFFIXES = (".html", ".htm", ".txt", ".csv", ".json", ".md")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
ARCHIVE_SUMMARY = "synthese.html"  # toolkit.audit.archive.SUMMARY_NAME
EXPORT_INDEX = "reclamations.json"  # what an `rgpd export` zip holds


@dataclass(frozen=True)
class Scope:
    """What an erasure removes: the complaints by number, and (``rgpd erase``) the person,
    whose rows an older copy may hold under another number."""

    numeros: frozenset[str]
    person: Person | None
    day: date

    def covers(self, row: dict) -> bool:
        numero = str(row.get("numero") or "").strip()
        return numero in self.numeros or (self.person is not None and self.person.owns(row))

    def covers_folder(self, name: str) -> bool:
        """A dossier folder ``<Numéro>`` or ``<Numéro>_<Nom>`` of a covered complaint."""
        return name.split("_", 1)[0] in self.numeros

    @property
    def mark(self) -> str:
        return erasure_mark(self.day)


def covered_rows(path: Path, scope: Scope) -> list[dict]:
    """The rows of a register copy that ``scope`` covers (not yet erased)."""
    from toolkit.register.reading import read_register

    frame = read_register(path).frame
    return [row for row in frame.to_dict("records")
            if scope.covers(row) and erased_values(row, scope.day)]


def _leftovers(path: Path, scope: Scope, lines: set[int]) -> bool:
    """Whether a rewritten copy still holds an identifying value on the erased rows."""
    from toolkit.register.reading import read_register

    for row in read_register(path).frame.to_dict("records"):
        if int(row["ligne"]) in lines and any(
                row.get(key) and not is_erased(row.get(key)) for key in IDENTIFYING_KEYS):
            return True
    return False


def anonymise_workbook(source: Path, target: Path, scope: Scope) -> int:
    """Write at ``target`` the register copy ``source`` with the covered rows erased;
    return how many rows changed (0: nothing written). Raises when the copy cannot be
    read, written or verified."""
    from toolkit.register.copies import open_copy, save_copy

    rows = covered_rows(source, scope)
    if not rows:
        return 0
    copy = open_copy(source)
    for row in rows:
        copy.set_values(int(row["ligne"]), erased_values(row, scope.day))
    save_copy(copy, target)
    if _leftovers(target, scope, {int(row["ligne"]) for row in rows}):
        raise ToolkitError(f"{target.name} : effacement non vérifié")
    return len(rows)


def rewrite_backup(path: Path, scope: Scope) -> str:
    """``"réécrite"``, ``"supprimée"`` (it could not be rewritten safely) or ``""``."""
    try:
        return "réécrite" if anonymise_workbook(path, path, scope) else ""
    except Exception:  # an old or damaged copy: a copy we cannot clean must not stay
        path.unlink(missing_ok=True)
        return "supprimée"


def _member(name: str, data: bytes, scope: Scope, pattern, scratch: Path) -> bytes | None:
    """A member's new content; None drops it."""
    parts = name.split("/")
    if parts[0] == "dossiers" and len(parts) > 2 and scope.covers_folder(parts[1]):
        return None
    if name.lower().endswith(WORKBOOK_SUFFIXES):
        source = scratch / f"copie{Path(name).suffix}"
        source.write_bytes(data)
        target = scratch / f"nouvelle{Path(name).suffix}"
        return target.read_bytes() if anonymise_workbook(source, target, scope) else data
    if name.lower().endswith(TEXT_SUFFIXES):
        text = data.decode("utf-8", errors="surrogateescape")
        return scrub(text, pattern, scope.mark).encode("utf-8", errors="surrogateescape")
    return data


def rewrite_archive(path: Path, scope: Scope, pattern) -> str:
    """An audit archive without the person: their dossiers dropped, the register copy's
    rows erased, the pages' texts replaced. ``"réécrite"``, ``"supprimée"`` or ``""``."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    changed = False
    try:
        with tempfile.TemporaryDirectory(prefix="toolkit-rgpd-") as scratch, \
                zipfile.ZipFile(path) as source, \
                zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info)
                new = _member(info.filename, data, scope, pattern, Path(scratch))
                changed = changed or new != data
                if new is not None:
                    target.writestr(info, new)
        if not changed:
            return ""
        os.replace(temporary, path)
        return "réécrite"
    except Exception:  # unreadable or not cleanable: the archive must not keep the person
        path.unlink(missing_ok=True)
        return "supprimée"
    finally:
        temporary.unlink(missing_ok=True)


def scrub_file(path: Path, pattern, mark: str) -> bool:
    """Replace the identifying texts in a text file (a page); whether it changed."""
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    new = scrub(text, pattern, mark)
    if new == text:
        return False
    from toolkit.atomic import atomic_replace

    with atomic_replace(path) as temporary:
        temporary.write_text(new, encoding="utf-8", errors="surrogateescape")
    return True


def holds(path: Path, pattern) -> bool:
    if pattern is None:
        return False
    try:
        return bool(pattern.search(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False


def zip_names(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return []


def is_audit_archive(names: list[str]) -> bool:
    return ARCHIVE_SUMMARY in names and any(n.startswith("registre/") for n in names)


def export_numbers(path: Path) -> set[str]:
    """The complaint numbers an ``rgpd export`` zip holds (empty for another zip)."""
    import json

    try:
        with zipfile.ZipFile(path) as archive:
            rows = json.loads(archive.read(EXPORT_INDEX))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return set()
    return {str(row.get("Numéro")) for row in rows if isinstance(row, dict)}


def remove_dossiers(folders: list[Path]) -> int:
    for folder in folders:
        shutil.rmtree(folder)
    return len(folders)


def clean_manifest(root: Path, scope: Scope) -> int:
    """Drop the manifest's entries of the covered dossiers; how many went."""
    from toolkit.letters.manifest import load_manifest, save_manifest

    if not root.is_dir():
        return 0
    manifest = load_manifest(root)
    gone = 0
    for table in (manifest.letters, manifest.fiches):
        for key in [k for k in table if scope.covers_folder(k.partition("/")[0])]:
            del table[key]
            gone += 1
    if gone:
        manifest.changed = True
        save_manifest(manifest)
    return gone


def files_matching(folder: Path, keep: Callable[[Path], bool],
                   pattern: str = "*") -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and keep(p)
                  and not re.match(r"^(~\$|\.~lock)", p.name))
