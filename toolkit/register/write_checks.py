"""What the write-back module checks before it touches the register.

- Excel (``~$name.xlsx``) or LibreOffice (``.~lock.name.xlsx#``) holds the workbook open:
  refuse, naming who and since when, as the lock file says.
- The file changed on disk since the command read it: refuse (someone saved in between).
- What a part-level write cannot do safely: refuse, naming the sheet and the object.

Since the write edits only the parts the toolkit owns and copies every other part byte for
byte (:mod:`toolkit.register.writeback`), images, charts, comments, pivot tables, slicers,
timelines, sparklines, connections, customXml and extensions are all kept. What is still
refused, and why:

=====================================================  =========================================
refused                                                why
=====================================================  =========================================
the register sheet protected by a password             someone locked it on purpose: the toolkit
                                                       writes only where staff may write
a written cell holding the master formula of a         the cells sharing it would lose their
shared formula, or part of an array formula            formula (Excel stores them only once)
=====================================================  =========================================
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import RegisterChangedError, RegisterLockedError, UnsafeWriteError

# --- Excel and LibreOffice holding the workbook -------------------------------------------

EXCEL, LIBREOFFICE = "Excel", "LibreOffice"
_MSO_NAME_MAX = 52  # Office refuses longer user names; the owner file has room for 52
_MSO_UTF16_OFFSETS = (55, 54)  # Excel/PowerPoint, then Word (LibreOffice's reverse engineering)


@dataclass(frozen=True)
class OfficeLock:
    """A lock file Excel or LibreOffice keeps beside a workbook it has open."""

    path: Path
    application: str
    owner: str | None
    age_seconds: float


def office_lock_paths(path: Path) -> list[tuple[Path, str]]:
    return [(path.with_name(f".~lock.{path.name}#"), LIBREOFFICE),
            (path.with_name(f"~${path.name}"), EXCEL)]


def office_locks(path: Path) -> list[OfficeLock]:
    """The lock files present beside ``path`` (LibreOffice first: it says more)."""
    found = []
    for lock, application in office_lock_paths(Path(path)):
        try:
            data, mtime = lock.read_bytes()[:4096], lock.stat().st_mtime
        except FileNotFoundError:
            continue
        except OSError:  # Excel may hold its owner file exclusively: it exists, say so
            data, mtime = b"", time.time()
        owner = libreoffice_owner(data) if application == LIBREOFFICE else excel_owner(data)
        found.append(OfficeLock(lock, application, owner, max(0.0, time.time() - mtime)))
    return found


def excel_owner(data: bytes) -> str | None:
    """The user name in an Office owner file (``~$name.xlsx``).

    Byte 0 is the name's length, the name follows in the Windows code page; a UTF-16
    copy, after its 2-byte length, starts at offset 55 (Excel) or 54 (Word).
    """
    length = data[0] if data else 0
    if not 0 < length <= _MSO_NAME_MAX:
        return None
    for offset in _MSO_UTF16_OFFSETS:
        count = int.from_bytes(data[offset:offset + 2], "little")
        text = data[offset + 2:offset + 2 + 2 * count]
        if 0 < count <= _MSO_NAME_MAX and len(text) == 2 * count:
            name = _printable(_utf16(text))
            if name:
                return name
    return _printable(data[1:1 + length].decode("cp1252", "replace"))


def _utf16(text: bytes) -> str:
    """The UTF-16 copy of the name, or "" when it is damaged (half a character): the
    8-bit copy is then shown whole rather than this one with a « � »."""
    try:
        return text.decode("utf-16-le")
    except UnicodeDecodeError:
        return ""


def _lock_fields(text: str) -> list[str]:
    """Fields of the first LibreOffice lock entry: ``,`` separated, ``\\`` escapes."""
    fields, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in ",;":
            fields.append("".join(current))
            current = []
            if char == ";":
                break
        else:
            current.append(char)
    return fields


def libreoffice_owner(data: bytes) -> str | None:
    """Who holds a ``.~lock.name#`` file: ``user name,system user,host,time,profile;``."""
    fields = [_printable(f) for f in _lock_fields(data.decode("utf-8", "replace"))] + [""] * 3
    name = fields[0] or fields[1]
    if not name:
        return None
    return f"{name} (poste {fields[2]})" if fields[2] else name


def _printable(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable()).strip()


def age_text(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "moins d'une minute"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60:02d}"
    return f"{minutes // (24 * 60)} jours"


def refuse_if_open(path: Path | str) -> None:
    """Refuse while Excel or LibreOffice has the workbook open (its lock file is there)."""
    path = Path(path)
    for lock in office_locks(path)[:1]:
        who = f"par {lock.owner}" if lock.owner else "par un autre utilisateur"
        raise RegisterLockedError(
            f"{path.name} est ouvert dans {lock.application} {who} depuis "
            f"{age_text(lock.age_seconds)} (fichier de verrou {lock.path.name}). Fermez le "
            "classeur puis relancez la commande : rien n'a été écrit. Si personne ne l'a "
            f"ouvert (ordinateur arrêté brutalement), supprimez le fichier {lock.path.name}.")


def refuse_if_changed(path: Path, expected_mtime_ns: int | None) -> None:
    if expected_mtime_ns is not None and path.stat().st_mtime_ns != expected_mtime_ns:
        raise RegisterChangedError(
            f"{path.name} a été modifié pendant la commande (enregistré par quelqu'un "
            "d'autre ?). Rien n'a été écrit : relancez la commande.")


# --- what a part-level write cannot do --------------------------------------------------------

def refuse_sheet_not_writable(path: Path, sheet_name: str, sheet) -> None:
    """Refuse a register sheet protected by a password (its ``sheetProtection`` carries
    a password hash): staff locked it on purpose."""
    tail = sheet.data[sheet.tail_start:]
    match = re.search(rb"<(?:[\w.-]+:)?sheetProtection\b[^>]*>", tail)
    if match and re.search(rb"\s(?:password|hashValue)\s*=", match.group(0)):
        raise UnsafeWriteError(
            f"{path.name} : la feuille « {sheet_name} » est protégée par un mot de passe. "
            "Rien n'a été écrit : ôtez la protection dans Excel (Révision › Ôter la "
            "protection de la feuille), puis relancez la commande.")


def refuse_cells_not_writable(path: Path, sheet_name: str, cell) -> None:
    """Refuse to overwrite the master cell of a shared formula or a cell of an array
    formula: the other cells of the formula would lose it."""
    found = cell.formula()
    if found is None:
        return
    kind = found[0].get(b"t")
    if kind == b"array" or (kind == b"shared" and found[0].get(b"ref")):
        from toolkit.register.sheet_xml import column_letters

        what = "une formule matricielle" if kind == b"array" else "une formule partagée"
        reference = (found[0].get(b"ref") or b"").decode() or column_letters(cell.column)
        raise UnsafeWriteError(
            f"{path.name} : feuille « {sheet_name} », la cellule à écrire porte {what} "
            f"({reference}) que d'autres cellules utilisent. Rien n'a été écrit : remplacez "
            "cette formule par des valeurs, ou faites cette saisie à la main.")
