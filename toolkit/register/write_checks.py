"""What the write-back module checks before it touches the register.

- Excel (``~$name.xlsx``) or LibreOffice (``.~lock.name.xlsx#``) holds the workbook open:
  refuse, naming who and since when, as the lock file says.
- The file changed on disk since the command read it: refuse (someone saved in between).
- The workbook holds what openpyxl would silently drop on save: refuse, saying what.

What openpyxl drops, and what the toolkit decides about it:

=====================================================  =========================================
dropped by openpyxl                                    decision
=====================================================  =========================================
images, shapes, text boxes, charts, chart sheets,      refuse
pivot tables, slicers, timelines, threaded comments,
embedded objects, form controls, data connections,
sparklines, protected ranges, background pictures
``x14`` drop-downs / date checks (Excel 2010+          allowed on the columns whose validations
extensions) — Excel stores a list that points to       the toolkit owns (it recreates them on
another sheet there, as our ``Listes`` drop-downs do   every save); refused anywhere else
``x14`` conditional formats (data bars, icon sets...)  allowed on the deadline columns whose
                                                       highlights the toolkit owns; else refused
ignored-error marks, saved sort state, smart tags,     dropped: they only change what Excel
cell watches, phonetic settings                        displays, never a value
comment box sizes and positions                        reset by openpyxl (the text is kept)
=====================================================  =========================================
"""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import (
    RegisterChangedError,
    RegisterFileError,
    RegisterLockedError,
    UnsafeWriteError,
)

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
            name = _printable(text.decode("utf-16-le", "replace"))
            if name:
                return name
    return _printable(data[1:1 + length].decode("cp1252", "replace"))


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


# --- content openpyxl would drop ---------------------------------------------------------

_IMAGES = "des images"
_CONTROLS = "des objets incorporés ou des contrôles de formulaire (boutons, cases à cocher)"
_PROTECTED_RANGES = "des plages modifiables d'une feuille protégée"
_DRAWING_PART = re.compile(r"xl/drawings/[^/]+\.xml$")
# What a drawing anchor holds (DrawingML element), as staff would call it.
_DRAWN_THINGS = {"pic": _IMAGES, "sp": "des formes ou zones de texte",
                 "cxnSp": "des traits ou flèches", "grpSp": "des groupes de formes",
                 "graphicFrame": "des graphiques ou objets SmartArt",
                 "contentPart": "des dessins à main levée"}
_ANCHORS = ("twoCellAnchor", "oneCellAnchor", "absoluteAnchor")
_UNSAFE_PARTS = (
    (re.compile(r"xl/(charts|chartsheets)/"), "des graphiques"),
    (re.compile(r"xl/(media|richData)/"), _IMAGES),
    (re.compile(r"xl/(pivotTables|pivotCache)/"), "des tableaux croisés dynamiques"),
    (re.compile(r"xl/(slicers|slicerCaches)/"), "des segments (slicers)"),
    (re.compile(r"xl/(timelines|timelineCaches)/"), "des chronologies"),
    (re.compile(r"xl/(threadedComments|persons)/"),
     "des commentaires à fil de discussion (Excel 365)"),
    (re.compile(r"xl/(embeddings|activeX|ctrlProps)/"), _CONTROLS),
    (re.compile(r"xl/(connections\.xml$|queryTables/|model/)"),
     "des connexions ou requêtes de données (Power Query)"),
)
_UNSAFE_ELEMENTS = {"oleObjects": _CONTROLS, "controls": _CONTROLS,
                    "protectedRanges": _PROTECTED_RANGES, "picture": _IMAGES}
VALIDATIONS, HIGHLIGHTS = "validations", "highlights"
# Worksheet extensions (openpyxl.xml.constants.EXT_TYPES): what each one holds.
_EXTENSIONS = {
    "{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}": VALIDATIONS,
    "{78C0D931-6437-407D-A8EE-F0AAD7539E65}": HIGHLIGHTS,
    "{05C60535-1F16-4FD2-B633-F4F36F0B64E0}": "des graphiques sparkline",
    "{A8765BA9-456A-4DAB-B4F3-ACF838C121DE}": "des segments (slicers)",
    "{3A4CF648-6AED-40F4-86FF-DC5316D8AED3}": "des segments (slicers)",
    "{7E03D99C-DC04-49D9-9315-930204A7B6E9}": "des chronologies",
    "{FC87AEE6-9EDD-4A0A-B7FB-166176984837}": _PROTECTED_RANGES,
    "{F7C9EE02-42E1-4005-9D12-6889AFFD525C}": "des compléments Office liés à la feuille",
    "{01252117-D84E-4E92-8308-4BE1C098FCBB}": None,  # ignored-error marks: display only
}
_EXTENSION_WHAT = {VALIDATIONS: "des listes déroulantes ou contrôles de saisie d'Excel 2010+",
                   HIGHLIGHTS: "des mises en forme conditionnelles d'Excel 2010+"}
_ROOT_TAG = re.compile(rb"<(?:[\w.-]+:)?worksheet\b[^>]*>")
_END_OF_CELLS = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>|<(?:[\w.-]+:)?sheetData\s*/>")
_VML_OBJECT = re.compile(rb"ObjectType\s*=\s*\"(\w+)\"")
_CHUNK = 1 << 22
MAX_SHEET_TAIL_BYTES = 64_000_000  # what follows the cells: formats, validations, extensions


@dataclass(frozen=True)
class ExtensionRange:
    """Cells an Excel 2010+ validation or conditional-format extension applies to."""

    part: str
    kind: str
    sqref: str


@dataclass
class WorkbookScan:
    """What a workbook holds that a write through openpyxl would drop."""

    blocking: list[str] = field(default_factory=list)
    extensions: list[ExtensionRange] = field(default_factory=list)

    def note(self, what: str | None) -> None:
        if what and what not in self.blocking:
            self.blocking.append(what)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_tail(handle) -> bytes:
    """The worksheet's root tag followed by everything after its cells, as one small XML
    document: the cells themselves (most of the file) are streamed past, never kept."""
    window = handle.read(1 << 16)
    root = _ROOT_TAG.search(window)
    if root is None:
        return b""
    while (end := _END_OF_CELLS.search(window)) is None:
        chunk = handle.read(_CHUNK)
        if not chunk:
            return b""
        window = window[-64:] + chunk
    tail = window[end.end():] + handle.read(MAX_SHEET_TAIL_BYTES)
    if handle.read(1):
        raise UnsafeWriteError("une feuille du classeur a une taille anormale après ses "
                               "cellules (fichier piégé ?). Rien n'a été écrit.")
    return root.group(0) + tail


def _scan_sheet(scan: WorkbookScan, part: str, document: bytes) -> None:
    from defusedxml import ElementTree

    if not document:
        return
    root = ElementTree.fromstring(document)
    for element in root.iter():
        scan.note(_UNSAFE_ELEMENTS.get(_local(element.tag)))
    # Only the sheet's own extensions: one nested inside them goes (or stays) with its parent.
    extensions = [e for lst in root if _local(lst.tag) == "extLst" for e in lst
                  if _local(e.tag) == "ext"]
    for extension in extensions:
        uri = extension.get("uri", "").upper()
        kind = _EXTENSIONS.get(uri, f"une extension Excel inconnue ({uri})")
        if kind not in (VALIDATIONS, HIGHLIGHTS):
            scan.note(kind)
            continue
        scan.extensions += [ExtensionRange(part, kind, (ref.text or "").strip())
                            for ref in extension.iter() if _local(ref.tag) == "sqref"]


def drawn_things(document: bytes) -> list[str]:
    """What a drawing part shows, in French. LibreOffice writes an empty drawing part
    (``<xdr:wsDr/>``) into every sheet it saves: nothing there, nothing to refuse."""
    from defusedxml import ElementTree

    found: list[str] = []
    # Excel 2010+ may wrap a whole anchor in mc:AlternateContent: look below the root too.
    for anchor in ElementTree.fromstring(document).iter():
        if _local(anchor.tag) not in _ANCHORS:
            continue
        kinds = [_local(child.tag) for child in anchor]
        what = next((_DRAWN_THINGS[k] for k in kinds if k in _DRAWN_THINGS),
                    "des objets dessinés")
        if what not in found:
            found.append(what)
    return found


def scan_workbook(path: Path) -> WorkbookScan:
    """Find, without loading the workbook, what openpyxl would drop (module doc)."""
    from defusedxml import DefusedXmlException

    scan = WorkbookScan()
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                for pattern, what in _UNSAFE_PARTS:
                    if pattern.search(name):
                        scan.note(what)
                if re.fullmatch(r"xl/worksheets/[^/]+\.xml", name):
                    with archive.open(name) as handle:
                        _scan_sheet(scan, name, _sheet_tail(handle))
                elif _DRAWING_PART.fullmatch(name):
                    for what in drawn_things(archive.read(name)):
                        scan.note(what)
                elif re.fullmatch(r"xl/drawings/[^/]+\.vml", name):
                    kinds = set(_VML_OBJECT.findall(archive.read(name))) - {b"Note"}
                    scan.note(_CONTROLS if kinds else None)
    except (DefusedXmlException, SyntaxError) as error:  # ParseError is a SyntaxError
        raise RegisterFileError(
            f"{path.name} : une feuille du classeur est illisible ({type(error).__name__}). "
            "Rien n'a été écrit.") from error
    return scan


def refuse_unsafe(path: Path, scan: WorkbookScan) -> None:
    if scan.blocking:
        raise UnsafeWriteError(
            f"{path.name} contient {', '.join(scan.blocking)}, que l'outil ne sait pas "
            "conserver en écrivant. Rien n'a été écrit : déplacez-les dans un autre classeur "
            "puis relancez la commande, ou faites cette saisie à la main dans le registre.")


def _columns_of(sqref: str) -> set[int]:
    from openpyxl.utils.cell import range_boundaries

    columns: set[int] = set()
    for reference in sqref.split():
        first, _, last, _ = range_boundaries(reference.replace("$", ""))
        columns.update(range(first, last + 1))
    return columns


def refuse_foreign_extensions(path: Path, scan: WorkbookScan, register_part: str | None,
                              owned: Mapping[str, Iterable[int]]) -> None:
    """Refuse Excel 2010+ validations or formats the toolkit would not recreate.

    ``owned`` maps ``VALIDATIONS`` / ``HIGHLIGHTS`` to the register's columns whose
    features the toolkit recreates on every save: extensions there may be dropped.
    """
    foreign = []
    for extension in scan.extensions:
        try:
            columns = _columns_of(extension.sqref)
        except ValueError:
            columns = {0}  # unreadable range: treat as not ours
        if extension.part != register_part or not columns <= set(owned[extension.kind]):
            what = _EXTENSION_WHAT[extension.kind]
            if what not in foreign:
                foreign.append(what)
    if foreign:
        raise UnsafeWriteError(
            f"{path.name} contient {', '.join(foreign)} que l'outil ne sait pas conserver "
            "(hors des colonnes qu'il gère lui-même). Rien n'a été écrit : recréez-les "
            "sans les options propres aux versions récentes d'Excel, ou faites cette saisie "
            "à la main dans le registre.")
