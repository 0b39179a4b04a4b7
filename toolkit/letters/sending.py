"""``toolkit sent``: record that a letter made earlier was sent, once staff have reread it.

The checks and the dates to write; the write itself goes through
:func:`toolkit.register.writeback.mark_dates` like ``--mark-sent``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from toolkit.dates import date_fr
from toolkit.errors import LetterRefused, UsageError
from toolkit.letters.dossiers import (
    dossier_dir,
    dossier_index,
    dossiers_root,
    file_day,
    follow_client_name,
    letter_files,
    letter_path,
)
from toolkit.letters.manifest import Manifest
from toolkit.rules.columns import header_of
from toolkit.rules.letters import LABELS, PROMISED_COLUMN, SENT_COLUMN, promised_update
from toolkit.rules.records import Register


@dataclass(frozen=True)
class SentLetter:
    """The complaint's row and the letter file ``toolkit sent`` is about."""

    numero: str
    ligne: int
    type_id: str
    row: dict
    params: object
    root: Path
    letter: Path
    renamed_from: Path | None = None  # the dossier's name before the client's was corrected


def sent_letter(register: Register, numero: str, type_id: str,
                dossiers: Path | None = None) -> SentLetter:
    """The row of ``numero`` and its letter ``type_id``; refuse an unknown number and a
    letter that is not in the dossier."""
    rows = [row for row in register.frame.to_dict("records")
            if str(row.get("numero") or "").strip() == numero.strip()]
    if not rows:
        raise UsageError(f"Réclamation n° {numero} introuvable dans {register.path}.")
    row = rows[0]
    if not isinstance(row.get("date_reclamation"), date):
        raise LetterRefused(f"Réclamation n° {numero} : date de réclamation invalide (voir "
                            "« toolkit check »).")
    root = dossiers_root(register.path, dossiers)
    found = dossier_dir(root, row["numero"], row.get("nom"))
    made = letter_files(found, numero, type_id)
    letter = made[-1] if made else letter_path(found, numero, type_id)
    if not made:
        raise LetterRefused(
            f"Aucun courrier « {LABELS[type_id]} » dans le dossier de la réclamation n° "
            f"{numero} ({letter}) : produisez-le d'abord avec « toolkit letters --numero "
            f"{numero} --type {type_id} ».")
    dossier = follow_client_name(root, found, row["numero"], row.get("nom"))
    return SentLetter(str(row["numero"]), int(row["ligne"]), type_id, row, register.params,
                      root, dossier / letter.name, found if dossier != found else None)


def letter_day(found: SentLetter, manifest: Manifest) -> tuple[date, date | None]:
    """(date the letter carries, new reply date it announced) — recorded when it was made;
    for a letter made before that record existed, its file's date."""
    record = manifest.letter(found.letter)
    if record is not None:
        return record.day, record.promised
    day = file_day(found.letter)
    return day, promised_update(found.type_id, found.row, found.params, day)


def _check_day(found: SentLetter, day: date, carried: date) -> None:
    received = found.row["date_reclamation"]
    if day < received:
        raise UsageError(f"Date d'envoi {date_fr(day)} antérieure à la réclamation du "
                         f"{date_fr(received)}.")
    if day < carried:
        raise UsageError(f"Date d'envoi {date_fr(day)} antérieure à la date du courrier "
                         f"({date_fr(carried)}).")


def sent_updates(found: SentLetter, day: date, manifest: Manifest, *,
                 force: bool = False) -> list[tuple[int, str, date]]:
    """The dates to write: the sending date, and the new reply date the letter announced.
    Refuse a sending date already filled for this letter (filled on or after the day it
    carries: an earlier date is the previous letter of the type), unless ``force``."""
    column = SENT_COLUMN[found.type_id]
    already = found.row.get(column)
    carried, promised = letter_day(found, manifest)
    recorded = already not in (None, "") and not (isinstance(already, date) and
                                                   already < carried)
    if recorded and not force:
        shown = date_fr(already) if isinstance(already, date) else already
        raise LetterRefused(
            f"Réclamation n° {found.numero} : « {header_of(column)} » est déjà rempli "
            f"({shown}). Ajoutez --force pour le remplacer.")
    _check_day(found, day, carried)
    updates = [(found.ligne, column, day)]
    if promised is not None:
        updates.append((found.ligne, PROMISED_COLUMN, promised))
    return updates


def made_not_recorded(register: Register, type_id: str, dossiers: Path | None = None
                      ) -> list[str]:
    """The numbers whose letter ``type_id`` is in their dossier while its sending date is
    empty (``toolkit sent --tous``), in register order."""
    root = dossiers_root(register.path, dossiers)
    index = dossier_index(root)
    column = SENT_COLUMN[type_id]
    numeros = []
    for row in register.frame.to_dict("records"):
        numero = str(row.get("numero") or "").strip()
        if not numero or row.get(column) not in (None, ""):
            continue
        if letter_path(dossier_dir(root, numero, row.get("nom"), index), numero,
                       type_id).is_file():
            numeros.append(numero)
    return list(dict.fromkeys(numeros))


def missing_pdfs(letters: list[Path]) -> tuple[dict[Path, Path], list[Path]]:
    """Make the PDF copies missing beside ``letters``, all in one conversion: (letter → PDF
    made, letters whose conversion failed). Letters that have their PDF are left alone."""
    from toolkit.letters.pdf import convert_to_pdf

    wanted = [letter for letter in letters if not letter.with_suffix(".pdf").is_file()]
    if not wanted:
        return {}, []
    made, failed = convert_to_pdf(wanted)
    made_set = set(made)
    return ({letter: letter.with_suffix(".pdf") for letter in wanted
             if letter.with_suffix(".pdf") in made_set}, failed)


def attach_to_draft(found: SentLetter, pdf: Path) -> Path | None:
    """Rewrite the letter's e-mail draft, when there is one, so that it carries ``pdf`` (and
    the letter's text as it is now, after staff reread it in Word); the draft, or None."""
    from toolkit.letters.drafts import write_draft

    if not found.letter.with_suffix(".eml").is_file():
        return None
    return write_draft(found.letter, found.row, found.params, pdf)


def _rank(name: str) -> int:
    stem = name.rsplit(".", 1)[0]
    tail = stem.rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else 1


def ready_letters(register: Register, dossiers: Path | None = None) -> dict[str, set[str]]:
    """Complaint number → the letter types produced (as the dossiers' manifest records)
    and not yet recorded as sent: what ``status`` shows as ready to send. One read of the
    manifest, and a file check only for the letters found waiting."""
    from toolkit.letters.dossiers import letter_type_of
    from toolkit.letters.manifest import load_manifest
    from toolkit.rules.records import frame_records

    root = dossiers_root(register.path, dossiers)
    manifest = load_manifest(root)
    latest: dict[tuple[str, str], tuple[int, str, date]] = {}
    for key, record in manifest.letters.items():
        name = key.partition("/")[2]
        numero = name.split("_", 1)[0]
        type_id = letter_type_of(name, f"{numero}_")
        if type_id is None or not name.endswith(".docx"):
            continue
        rank = _rank(name)
        if rank >= latest.get((numero, type_id), (0, "", date.min))[0]:
            latest[(numero, type_id)] = (rank, key, record.day)
    ready: dict[str, set[str]] = {}
    if not latest:
        return ready
    columns = ["numero", *SENT_COLUMN.values()]
    for row in frame_records(register.columns, columns):
        numero = str(row.get("numero") or "").strip()
        for type_id, column in SENT_COLUMN.items():
            found = latest.get((numero, type_id))
            sent = row.get(column)
            if found is None or (isinstance(sent, date) and found[2] <= sent):
                continue
            if (root / found[1]).is_file():
                ready.setdefault(numero, set()).add(type_id)
    return ready
