"""Helpers shared by the letters and dossiers tests: run the command, read Word files."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from docx import Document

from toolkit.cli import main
from toolkit.letters.batch import TEMPLATES_DIR

TODAY = "2026-11-20"


NON_BREAKING_HYPHEN = "\u2011"


def docx_text(path: Path) -> str:
    """Every paragraph (body, tables, headers, footers) of a Word file, one per line;
    line breaks inside a paragraph come out as ``\\n`` too. Complaint numbers are printed
    with a non-breaking hyphen: read back with an ordinary one, so that tests compare
    numbers as the register holds them (``raw_docx_text`` keeps the letter's own)."""
    return raw_docx_text(path).replace(NON_BREAKING_HYPHEN, "-")


def raw_docx_text(path: Path) -> str:
    """As :func:`docx_text`, every character as the letter holds it."""
    document = Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        lines += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(lines)


def run_letters(register: Path, *options: str, today: str = TODAY) -> int:
    return main(["letters", "--register", str(register), "--today", today, *options])


def letters_in(folder: Path) -> dict[str, Path]:
    """``<type>`` → letter file, for the one dossier under ``folder``."""
    found = {}
    for path in folder.rglob("*.docx"):
        if "fiche" not in path.stem:
            found[path.stem.split("_", 1)[1]] = path
    return found


def copy_templates(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for template in TEMPLATES_DIR.glob("*.docx"):
        shutil.copy(template, target / template.name)
    return target


def edit_template_xml(template: Path, old: str, new: str) -> None:
    """Replace text in a template's document.xml, as a careless edit in Word would."""
    with zipfile.ZipFile(template) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    assert old in xml
    parts["word/document.xml"] = xml.replace(old, new, 1).encode("utf-8")
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
