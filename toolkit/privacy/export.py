"""``toolkit rgpd export``: everything held on one person, in one zip (GDPR art. 15 and 20).

The zip holds their register rows (``reclamations.csv`` for a spreadsheet, ``reclamations.json``
for another system, headers as the register names them), every file of their dossiers
(letters, e-mail drafts, summary sheets, the mails they sent) and a short French notice.
Nobody else's rows or files. Where it was written is recorded without personal data (path,
date, numbers: :mod:`toolkit.privacy.log`) so that an erasure removes this copy too.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from toolkit.atomic import atomic_replace
from toolkit.dates import date_fr
from toolkit.letters.dossiers import dossiers_root, safe_name
from toolkit.privacy import log
from toolkit.privacy.copies import EXPORT_INDEX
from toolkit.privacy.people import Selector, find_person
from toolkit.register.reading import read_register
from toolkit.rules.columns import INPUT_COLUMNS

NOTICE_NAME = "LISEZMOI.txt"
TABLE_NAME = "reclamations.csv"


@dataclass(frozen=True)
class ExportOptions:
    selector: Selector
    today: date
    out: Path | None = None
    dossiers: Path | None = None


@dataclass(frozen=True)
class ExportResult:
    path: Path
    numeros: list[str]
    files: int  # dossier files copied


def cell_text(value: object) -> str:
    if isinstance(value, date):
        return date_fr(value)
    return "" if value is None else str(value)


def table_rows(rows: list[dict]) -> list[dict[str, str]]:
    """The person's rows, headed as the register is (only columns holding a value)."""
    used = [c for c in INPUT_COLUMNS if any(cell_text(r.get(c.key)) for r in rows)]
    return [{c.header: cell_text(r.get(c.key)) for c in used} for r in rows]


def csv_text(table: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    if table:
        writer = csv.DictWriter(buffer, fieldnames=list(table[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(table)
    return "\ufeff" + buffer.getvalue()  # Excel opens UTF-8 with a BOM as UTF-8


def notice(company: str, numeros: list[str], today: date) -> str:
    return (f"Données personnelles détenues par {company} au {date_fr(today)}\n"
            f"Réclamations : {', '.join(numeros)}\n\n"
            f"{TABLE_NAME} : vos réclamations telles qu'inscrites au registre (tableur).\n"
            f"{EXPORT_INDEX} : les mêmes données dans un format lisible par machine "
            "(portabilité, RGPD art. 20).\n"
            "dossiers/ : les courriers, brouillons de courriels, fiches de synthèse et messages "
            "de vos dossiers de réclamation.\n")


def default_out(register: Path, numeros: list[str], today: date) -> Path:
    """In ``rgpd/`` beside the register, named without personal data."""
    return log.privacy_dir(register) / f"export_{today.isoformat()}_{safe_name(numeros[0])}.zip"


def export_person(register_path: Path, options: ExportOptions) -> ExportResult:
    """Write the zip of everything held on the person ``options.selector`` names."""
    register = read_register(register_path)
    _, rows = find_person(register.frame.to_dict("records"), options.selector)
    numeros = [str(r.get("numero")) for r in rows]
    root = dossiers_root(register.path, options.dossiers)
    folders = sorted(p for p in root.iterdir() if p.is_dir()
                     and p.name.split("_", 1)[0] in numeros) if root.is_dir() else []
    files = [(folder, f) for folder in folders for f in sorted(folder.rglob("*"))
             if f.is_file() and not f.name.startswith((".", "~$"))]
    table = table_rows(rows)
    target = Path(options.out or default_out(register.path, numeros, options.today))
    with atomic_replace(target) as temporary, \
            zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(NOTICE_NAME, notice(register.params.societe, numeros, options.today))
        archive.writestr(TABLE_NAME, csv_text(table))
        archive.writestr(EXPORT_INDEX, json.dumps(table, ensure_ascii=False, indent=2))
        for folder, file in files:
            archive.write(file, f"dossiers/{folder.name}/{file.relative_to(folder).as_posix()}")
    log.record_export(register.path, target, options.today, numeros)
    # The path may bear a name (--out): it goes to exports.json, which an erasure cleans.
    log.append_journal(register.path, f"export : réclamations {', '.join(numeros)} ; "
                                      f"{len(files)} fichier(s) de dossier")
    return ExportResult(target, numeros, len(files))
