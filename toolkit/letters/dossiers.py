"""One folder per complaint ("dossier"), named safely, and its one-page summary sheet.

The procedure asks for a dossier per complaint holding the written complaint, the actions
and solutions, and a copy of the reply. Staff put the written complaint there; the toolkit
puts the letters and refreshes ``<Numéro>_fiche-synthese.docx`` (a Word document, what the
office opens and prints) on every ``toolkit letters`` run.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from toolkit.atomic import atomic_replace
from toolkit.dates import date_fr
from toolkit.errors import UsageError
from toolkit.letters.rules import LABELS, LETTER_TYPES, clean_text
from toolkit.register.columns import INPUT_COLUMNS

DOSSIERS_DIRNAME = "dossiers"
FICHE_SUFFIX = "fiche-synthese"
MAX_NAME_CHARS = 60
# Windows refuses these names whatever the extension; the dossiers live on shared drives.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def safe_name(text: object, max_chars: int = MAX_NAME_CHARS) -> str:
    """A file-name component: no separator, no ``..``, no reserved or trailing-dot name."""
    cleaned = unicodedata.normalize("NFC", clean_text(text))
    cleaned = _FORBIDDEN.sub(" ", cleaned)
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")[:max_chars].strip(" .")
    if cleaned.split(".")[0].casefold() in _RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned


def dossiers_root(register_path: Path, dossiers: Path | None = None) -> Path:
    """``--dossiers``, else ``dossiers/`` beside the register (SPEC)."""
    return dossiers or Path(register_path).parent / DOSSIERS_DIRNAME


def _inside(root: Path, path: Path) -> Path:
    if not path.resolve().is_relative_to(root.resolve()):
        raise UsageError(f"Chemin de dossier refusé (hors de {root}) : {path}")
    return path


def dossier_dir(root: Path, numero: object, nom: object = None) -> Path:
    """The complaint's folder under ``root``: an existing ``<Numéro>`` or ``<Numéro>_…``
    folder, else ``<Numéro>_<Nom>``. Not created here."""
    key = safe_name(numero)
    if not key:
        raise UsageError("Réclamation sans numéro : pas de dossier possible.")
    if root.is_dir():
        for candidate in sorted(root.iterdir()):
            if candidate.is_dir() and (candidate.name == key
                                       or candidate.name.startswith(f"{key}_")):
                return _inside(root, candidate)
    name = safe_name(nom)
    return _inside(root, root / (f"{key}_{name}" if name else key))


def letter_path(dossier: Path, numero: object, type_id: str) -> Path:
    """``<Numéro>_<type>.docx`` in the dossier (SPEC)."""
    return dossier / f"{safe_name(numero)}_{type_id}.docx"


def fiche_path(dossier: Path, numero: object) -> Path:
    return dossier / f"{safe_name(numero)}_{FICHE_SUFFIX}.docx"


# --- the summary sheet -------------------------------------------------------------

@dataclass(frozen=True)
class FicheJob:
    """What one summary sheet shows. Plain data, so that it can go to a worker process."""

    target: Path
    numero: str
    fields: tuple[tuple[str, str], ...]  # (header, value as shown)
    deadlines: tuple[tuple[str, str, str], ...]  # (label, date, status)
    today: date


def shown(value: object) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return date_fr(value)
    return clean_text(value)


def register_fields(row: dict) -> tuple[tuple[str, str], ...]:
    return tuple((column.header, shown(row.get(column.key))) for column in INPUT_COLUMNS)


def _documents(dossier: Path, numero: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(letters as (label, file), other documents) found in the dossier."""
    letters, others = [], []
    prefix = safe_name(numero)
    for path in sorted(dossier.iterdir()) if dossier.is_dir() else []:
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        type_id = path.stem.removeprefix(f"{prefix}_").split("_")[0]
        if path.stem.startswith(f"{prefix}_") and type_id in LETTER_TYPES:
            sent = date_fr(datetime.fromtimestamp(path.stat().st_mtime))
            letters.append((f"{LABELS[type_id]} (fichier du {sent})", path.name))
        elif FICHE_SUFFIX not in path.stem:
            others.append(path.name)
    return letters, others


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
                      "réclamations (ne pas modifier : refaite à chaque « toolkit letters »).")
    _heading(doc, "Registre")
    _table(doc, [(header, value or "—") for header, value in job.fields], (6, 11.4))
    _heading(doc, "Délais")
    _table(doc, [("Échéance", "Date limite", "Statut"), *job.deadlines], (7, 4, 6.4))
    letters, others = _documents(job.target.parent, job.numero)
    _heading(doc, "Courriers du dossier")
    _table(doc, letters or [("aucun courrier produit", "")], (8, 9.4))
    _heading(doc, "Autres pièces (réclamation écrite du client, copies…)")
    _table(doc, [(name,) for name in others] or [("aucune : à déposer dans ce dossier",)],
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
