"""One folder per complaint ("dossier"), named safely, and its one-page summary sheet.

The procedure asks for a dossier per complaint holding the written complaint, the actions
and solutions, and a copy of the reply. Staff put the written complaint there; the toolkit
puts the letters and keeps ``<Numéro>_fiche-synthese.docx`` (a Word document, what the
office opens and prints) up to date: a sheet is rewritten only when what it shows changed
(its content digest is kept in the dossiers' manifest, :mod:`toolkit.letters.manifest`), so
that a run costs what changed, not the size of the register.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from toolkit.atomic import atomic_replace
from toolkit.dates import date_fr
from toolkit.errors import UsageError
from toolkit.letters.manifest import keep_dossiers_for
from toolkit.places import dossiers_dir
from toolkit.rules.columns import INPUT_COLUMNS
from toolkit.rules.letters import LABELS, LETTER_TYPES, SENT_COLUMN, clean_text

FICHE_SUFFIX = "fiche-synthese"
MAX_NAME_CHARS = 60
# Windows refuses these names whatever the extension; the dossiers live on shared drives.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def dossiers_root(register: Path, option: Path | None = None, record: bool = False) -> Path:
    """The register's dossiers folder (``--dossiers``, else ``dossiers/`` beside it:
    :func:`toolkit.places.dossiers_dir`), refused when it is kept for another register
    beside this one (:meth:`toolkit.letters.manifest.Manifest.keep_for`; ``record``: the
    command writes in the dossiers, and records this register as their keeper). Every
    command that reads, writes or erases dossiers comes through here first."""
    root = dossiers_dir(register, option)
    keep_dossiers_for(root, Path(register), record)
    return root


def safe_name(text: object, max_chars: int = MAX_NAME_CHARS) -> str:
    """A file-name component: no separator, no ``..``, no reserved or trailing-dot name."""
    cleaned = unicodedata.normalize("NFC", clean_text(text))
    cleaned = _FORBIDDEN.sub(" ", cleaned)
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")[:max_chars].strip(" .")
    if cleaned.split(".")[0].casefold() in _RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned


def _inside(root: Path, path: Path) -> Path:
    """``path`` when it is a folder directly under ``root`` (checked on the names: no
    file-system call, a batch looks up thousands of dossiers)."""
    if path.parent != root or path.name in ("", ".", "..") or "/" in path.name \
            or "\\" in path.name:
        raise UsageError(f"Chemin de dossier refusé (hors de {root}) : {path}")
    return path


# A dossier folder's name: the complaint's number, alone or followed by ``_<Nom>``.
_NUMBERED_FOLDER = re.compile(r"^(\d{4}-\d{3,})(?:_|$)")


def dossier_numero(folder_name: str) -> str | None:
    """The complaint number a dossier folder's name starts with (``AAAA-NNN``), or None."""
    found = _NUMBERED_FOLDER.match(folder_name)
    return found.group(1) if found else None


def dossier_index(root: Path) -> dict[str, Path]:
    """Existing dossiers by folder name and by the exact Numéro their name starts with
    (listed once for a batch)."""
    found: dict[str, Path] = {}
    names = sorted(entry.name for entry in os.scandir(root) if entry.is_dir()) \
        if root.is_dir() else []
    for name in names:
        found.setdefault(name, root / name)
        numero = dossier_numero(name)
        if numero:
            found.setdefault(numero, root / name)
    return found


def dossier_dir(root: Path, numero: object, nom: object = None,
                index: dict[str, Path] | None = None) -> Path:
    """The complaint's folder under ``root``: an existing folder of exactly that number
    (``<Numéro>`` or ``<Numéro>_…``), else ``<Numéro>_<Nom>``. Not created here.
    ``index``: :func:`dossier_index` of ``root``, when many dossiers are looked up at once.

    Only the whole number counts: ``2026-01`` never finds ``2026-015_…``, and a malformed
    number (``A``) finds only a folder named exactly so, never ``A_1`` (another client's
    papers must not land in it)."""
    key = safe_name(numero)
    if not key:
        raise UsageError("Réclamation sans numéro : pas de dossier possible.")
    index = index if index is not None else dossier_index(root)
    existing = index.get(key)
    if existing is not None:
        if existing.is_symlink():  # a shortcut to another folder: letters would land there
            raise UsageError(f"Chemin de dossier refusé (hors de {root}) : {existing} est un "
                             "lien vers un autre dossier.")
        return _inside(root, existing)
    name = safe_name(nom)
    return _inside(root, root / (f"{key}_{name}" if name else key))


def follow_client_name(root: Path, dossier: Path, numero: object, nom: object) -> Path:
    """The complaint's folder under the name the register now gives its client: an existing
    ``<Numéro>_<Ancien nom>`` folder is renamed ``<Numéro>_<Nom>`` with all its files, and
    the new path returned. Left as it is (and returned) when the register has no name, when
    a folder of the new name already exists (two folders are never merged), when the folder
    is a link, or when the rename fails (a file open in Word on Windows): a folder under its
    old name still holds the whole dossier."""
    key, name = safe_name(numero), safe_name(nom)
    wanted = root / f"{key}_{name}"
    if not name or dossier.name == wanted.name or dossier.parent != root:
        return dossier
    if not dossier.name.startswith(f"{key}_") or dossier.is_symlink() or not dossier.is_dir():
        return dossier
    if wanted.exists() or wanted.is_symlink():  # also the same folder on a case-blind disk
        return dossier
    try:
        os.rename(dossier, wanted)
    except OSError:
        return dossier
    return wanted


def letter_path(dossier: Path, numero: object, type_id: str, rank: int = 1) -> Path:
    """``<Numéro>_<type>.docx`` in the dossier (docs/product-rules.md, "Letters"); a letter
    of the same type sent again (a progress letter after each missed promise) is
    ``<Numéro>_<type>_<rank>.docx``."""
    suffix = f"_{rank}" if rank > 1 else ""
    return dossier / f"{safe_name(numero)}_{type_id}{suffix}.docx"


def letter_files(dossier: Path, numero: object, type_id: str,
                 names: frozenset[str] | None = None) -> list[Path]:
    """The letters of ``type_id`` already in the dossier, in the order they were made
    (``names``: the dossier's file names when already listed)."""
    found = []
    for rank in range(1, 100):
        path = letter_path(dossier, numero, type_id, rank)
        if not (path.name in names if names is not None else path.is_file()):
            break
        found.append(path)
    return found


def pending_types(dossier: Path, row: dict, names: frozenset[str], day_of) -> set[str]:
    """The letter types whose latest letter in the dossier waits to be sent: no sending
    recorded in the register after the day it carries (``day_of(path)``)."""
    pending = set()
    for type_id, column in SENT_COLUMN.items():
        made = letter_files(dossier, row["numero"], type_id, names)
        sent = row.get(column)
        if made and (not isinstance(sent, date) or day_of(made[-1]) > sent):
            pending.add(type_id)
    return pending


def file_day(path: Path) -> date:
    """The day a file was last written (for letters made before the manifest existed)."""
    return datetime.fromtimestamp(path.stat().st_mtime).date()


def letter_slot(dossier: Path, numero: object, type_id: str, sent: date | None,
                day_of) -> tuple[Path, bool]:
    """Where the due letter ``type_id`` goes, and whether it is already there waiting to be
    sent: the latest letter of that type is pending when no sending is recorded after the
    day it carries (``day_of(path)``); once sent, the next one takes the next rank."""
    made = letter_files(dossier, numero, type_id)
    if not made:
        return letter_path(dossier, numero, type_id), False
    latest = made[-1]
    if sent is None or day_of(latest) > sent:
        return latest, True
    return letter_path(dossier, numero, type_id, len(made) + 1), False


def fiche_path(dossier: Path, numero: object) -> Path:
    return dossier / f"{safe_name(numero)}_{FICHE_SUFFIX}.docx"


# --- the summary sheet -------------------------------------------------------------

@dataclass(frozen=True)
class FicheJob:
    """What one summary sheet shows. Plain data, so that it can go to a worker process."""

    target: Path
    numero: str
    values: tuple[object, ...]  # the register row, in the order of INPUT_COLUMNS
    deadlines: tuple[tuple[str, str, str], ...]  # (label, date, status)
    letters: tuple[tuple[str, str, str], ...]  # (letter, date it carries, files)
    others: tuple[str, ...]  # other documents of the dossier
    today: date

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        """(header, value as shown) of the register row."""
        return tuple((column.header, shown(value))
                     for column, value in zip(INPUT_COLUMNS, self.values, strict=True))

    def digest(self) -> str:
        """What the sheet shows, apart from the day it was written (the raw values: what is
        shown follows from them, and they are cheaper to hash than to format)."""
        shown_content = (self.numero, self.values, self.deadlines, self.letters, self.others)
        return hashlib.sha256(repr(shown_content).encode("utf-8")).hexdigest()


def shown(value: object) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return date_fr(value)
    return clean_text(value)


def register_values(row: dict) -> tuple[object, ...]:
    return tuple(row.get(column.key) for column in INPUT_COLUMNS)


def letter_type_of(name: str, prefix: str) -> str | None:
    """The letter type of a file ``<prefix><type>[_suffix].ext`` of the dossier, or None
    (``prefix``: ``<Numéro>_`` as file names write it, worked out once per dossier)."""
    if not name.startswith(prefix):
        return None
    type_id = name.removeprefix(prefix).split(".")[0].split("_")[0]
    return type_id if type_id in LETTER_TYPES else None


@dataclass(frozen=True)
class DossierContents:
    letters: tuple[tuple[str, str, str], ...]  # (label, date the letter carries, its files)
    others: tuple[str, ...]  # other documents
    names: frozenset[str]  # every file name in the dossier


def dossier_documents(dossier: Path, numero: object,
                      letter_dates: dict[str, str]) -> DossierContents:
    """The letters of the dossier (with their PDF and e-mail draft) and the other documents.

    A letter's date comes from ``letter_dates`` (file name → JJ/MM/AAAA, recorded when it
    was made); a letter made before that record existed shows its file's date.
    """
    try:
        entries = sorted((entry.name, entry) for entry in os.scandir(dossier) if entry.is_file())
    except OSError:
        return DossierContents((), (), frozenset())
    prefix = f"{safe_name(numero)}_"
    files_of: dict[str, list[str]] = {}
    others = []
    for name, _ in entries:
        if name.startswith((".", "~$")) or FICHE_SUFFIX in name:
            continue
        stem, _, extension = name.rpartition(".")
        if letter_type_of(name, prefix) and extension in ("docx", "pdf", "eml"):
            files_of.setdefault(stem, []).append(name)
        else:
            others.append(name)
    letters = []
    by_name = dict(entries)
    for stem, files in files_of.items():
        word = f"{stem}.docx"
        if word not in by_name:  # a PDF or draft without its letter: just a document
            others += files
            continue
        day = letter_dates.get(word) or \
            date_fr(datetime.fromtimestamp(by_name[word].stat().st_mtime))
        letters.append((LABELS[letter_type_of(word, prefix)], day, ", ".join(sorted(files))))
    return DossierContents(tuple(letters), tuple(sorted(others)), frozenset(by_name))


def _table(doc, rows, widths_cm) -> None:
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=0, cols=len(widths_cm))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)  # the grid: what LibreOffice reads
    for values in rows:
        cells = table.add_row().cells
        for cell, value, width in zip(cells, values, widths_cm, strict=True):
            cell.width = Cm(width)
            cell.paragraphs[0].add_run(value).font.size = Pt(9)


def _heading(doc, text: str) -> None:
    from docx.shared import Pt

    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(10)
    paragraph.paragraph_format.space_after = Pt(4)
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(11)


def _new_document(title: str):
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(1.5)
    section.left_margin = section.right_margin = Cm(1.8)
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10)
    doc.core_properties.title = title
    doc.core_properties.author = ""
    return doc


def build_fiche(job: FicheJob):
    """The python-docx document of one summary sheet."""
    from docx.shared import Pt

    doc = _new_document(f"Fiche de synthèse — réclamation {job.numero}")
    title = doc.add_paragraph().add_run(f"Fiche de synthèse — réclamation n° {job.numero}")
    title.bold, title.font.size = True, Pt(14)
    doc.add_paragraph(f"Mise à jour le {date_fr(job.today)} à partir du registre des "
                      "réclamations (ne pas modifier : refaite par « toolkit letters » et "
                      "« toolkit sent » quand son contenu change).")
    _heading(doc, "Registre")
    _table(doc, [(header, value or "—") for header, value in job.fields], (6, 11.4))
    _heading(doc, "Délais")
    _table(doc, [("Échéance", "Date limite", "Statut"), *job.deadlines], (7, 4, 6.4))
    _heading(doc, "Courriers du dossier")
    _table(doc, [("Courrier", "Daté du", "Fichiers"), *job.letters] if job.letters
           else [("aucun courrier produit", "", "")], (5.4, 2.6, 9.4))
    _heading(doc, "Autres pièces (réclamation écrite du client, copies…)")
    _table(doc, [(name,) for name in job.others] or [("aucune : à déposer dans ce dossier",)],
           (17.4,))
    return doc


def save_atomically(document, target: Path) -> Path:
    """Save a python-docx/docxtpl document so that the file is either complete or absent."""
    with atomic_replace(target) as temporary:
        document.save(temporary)
    return target


def write_fiche(job: FicheJob) -> Path:
    """Write (replace) the summary sheet; module-level so that it runs in worker processes."""
    return save_atomically(build_fiche(job), job.target)
