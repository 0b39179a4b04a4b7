"""Adding complaints: number, register row (through :mod:`toolkit.register.writeback`), dossier.

``toolkit new`` and ``toolkit intake`` both go through :func:`file_complaints`, so numbers
and rows are made one way. The register is written first and the dossier second: a dossier
is never created for a number the register does not hold (a later complaint would inherit
its files), and an intake interrupted between the two is repaired by the next run.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.intake.mail import (
    ALREADY,
    COMPLAINT,
    FOLLOW_UP,
    Decision,
    IncomingMail,
    complaint_values,
    keys_in_observations,
    parse_mail,
    qualify,
    read_sources,
    stored_key,
)
from toolkit.letters.dossiers import DOSSIERS_DIRNAME, dossier_dir, safe_name
from toolkit.register.reading import Register, read_register

ORIGIN_EMAIL = "reclamation-courriel"
FOLLOW_UP_EMAIL = "courriel-suite"
WRITTEN_COMPLAINT = "reclamation-ecrite"
ATTACHMENT = "PJ"
_DOSSIER_NUMERO = re.compile(r"^(\d{4}-\d{3,})(?:_|$)")


@dataclass(frozen=True)
class Filed:
    """A complaint added to the register (``ligne`` is ``None`` in a dry run)."""

    numero: str
    ligne: int | None
    dossier: Path
    row: dict
    files: tuple[Path, ...] = ()  # what was put into the dossier


def dossiers_root(register_path: Path, dossiers: Path | None) -> Path:
    return dossiers or Path(register_path).parent / DOSSIERS_DIRNAME


def numbers_for(existing: Iterable[object], days: Sequence[date]) -> list[str]:
    """The next ``AAAA-NNN`` for each reception day, in order, each counting the previous."""
    from toolkit.register.writeback import next_numero

    taken = [str(numero) for numero in existing if numero]
    numbers = []
    for day in days:
        numero = next_numero(taken, day.year)
        taken.append(numero)
        numbers.append(numero)
    return numbers


def file_complaints(register: Register, rows: Sequence[dict], root: Path,
                    dry_run: bool = False) -> list[Filed]:
    """Number ``rows`` and append them to the register (unless ``dry_run``)."""
    from toolkit.register.writeback import append_complaints

    numbers = numbers_for(register.frame["numero"], [row["date_reclamation"] for row in rows])
    numbered = [{**row, "numero": numero} for row, numero in zip(rows, numbers, strict=True)]
    lines: list[int | None] = [None] * len(rows)
    if numbered and not dry_run:
        lines = list(append_complaints(register.path, numbered,
                                       expected_mtime_ns=register.mtime_ns))
    return [Filed(row["numero"], line, dossier_dir(root, row["numero"], row.get("nom")), row)
            for row, line in zip(numbered, lines, strict=True)]


# --- files in a dossier -------------------------------------------------------------------

def safe_file_name(name: str, default: str = "piece-jointe") -> str:
    """A sender's file name made safe: last path part only, extension kept."""
    base = re.split(r"[\\/]", name)[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        stem, suffix = base, ""
    clean_suffix = safe_name(suffix, 10)
    clean_stem = safe_name(stem, 50) or default
    return f"{clean_stem}.{clean_suffix}" if clean_suffix else clean_stem


def free_path(path: Path) -> Path:
    """``path``, or ``name (2).ext``… when taken: nothing in a dossier is overwritten."""
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} ({number}){path.suffix}")
        number += 1
    return candidate


def store(dossier: Path, name: str, data: bytes) -> Path:
    """Write ``data`` as ``name`` in the dossier; an identical file already there is kept."""
    dossier.mkdir(parents=True, exist_ok=True)
    target = dossier / name
    if target.is_file() and target.read_bytes() == data:
        return target
    target = free_path(target)
    with target.open("xb") as handle:
        handle.write(data)
    return target


def save_mail(dossier: Path, numero: str, mail: IncomingMail, kind: str) -> list[Path]:
    """The message as received (``.eml``) and each attachment, into the dossier."""
    prefix = safe_name(numero)
    saved = [store(dossier, f"{prefix}_{kind}.eml", mail.raw)]
    saved += [store(dossier, f"{prefix}_{ATTACHMENT}_{safe_file_name(item.filename)}", item.data)
              for item in mail.attachments]
    return saved


def keys_in_dossiers(root: Path) -> dict[str, str]:
    """Message key → Numéro of every ``.eml`` kept in a dossier."""
    found: dict[str, str] = {}
    for eml in sorted(root.glob("*/*.eml")) if root.is_dir() else []:
        match = _DOSSIER_NUMERO.match(eml.parent.name)
        if match:
            try:
                found.setdefault(stored_key(eml.read_bytes()), match.group(1))
            except OSError:
                continue  # unreadable copy: the register's Observations still count
    return found


# --- toolkit intake ---------------------------------------------------------------------------

@dataclass
class IntakeResult:
    decisions: list[Decision]
    dry_run: bool
    saved: dict[str, list[Path]] = field(default_factory=dict)  # Numéro → files saved
    failures: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Decision]:
        return [d for d in self.decisions if d.kind == kind]


def _valid_address(address: str) -> bool:
    from toolkit.register.validation import EMAIL

    return bool(EMAIL.match(address))


def _register_keys(register: Register) -> dict[str, str]:
    frame = register.frame
    return keys_in_observations(zip(frame["numero"], frame["observations"], strict=True))


def _numbered(decisions: list[Decision], register: Register, root: Path,
              dry_run: bool) -> list[Decision]:
    """Decisions with the new numbers, the complaints filed in reception order."""
    complaints = sorted((d for d in decisions if d.kind == COMPLAINT),
                        key=lambda d: d.mail.received)
    rows = [complaint_values(d.mail, _valid_address) for d in complaints]
    filed = file_complaints(register, rows, root, dry_run)
    numero_of = {id(d): f.numero for d, f in zip(complaints, filed, strict=True)}
    return [replace(d, numero=numero_of[id(d)]) if id(d) in numero_of else d
            for d in decisions]


def _to_save(decision: Decision, in_dossiers: dict[str, str]) -> str | None:
    """Which copy a decision calls for: the original, a follow-up, or none."""
    if decision.kind == COMPLAINT:
        return ORIGIN_EMAIL
    if decision.kind == FOLLOW_UP:
        return FOLLOW_UP_EMAIL
    if decision.kind == ALREADY and decision.numero and decision.mail.key not in in_dossiers:
        return ORIGIN_EMAIL  # registered by a run that stopped before the dossier
    return None


def _save_all(result: IntakeResult, register: Register, root: Path,
              in_dossiers: dict[str, str]) -> None:
    names = dict(zip(register.frame["numero"], register.frame["nom"], strict=True))
    for decision in result.decisions:
        kind = _to_save(decision, in_dossiers)
        if kind is None:
            continue
        nom = decision.mail.sender_name if decision.kind == COMPLAINT else names.get(
            decision.numero)
        try:
            dossier = dossier_dir(root, decision.numero, nom)
            result.saved.setdefault(decision.numero, []).extend(
                save_mail(dossier, decision.numero, decision.mail, kind))
        except OSError as error:
            result.failures.append(f"{decision.numero} : dossier non complété "
                                   f"({error.strerror or error})")


def intake_mails(register_path: Path, paths: Sequence[Path], today: date,
                 dossiers: Path | None = None, dry_run: bool = False) -> IntakeResult:
    """Register the complaints among the e-mails at ``paths`` and file their originals."""
    if not paths:
        raise UsageError("Indiquez au moins un fichier .eml, un dossier, un Maildir ou un mbox.")
    register = read_register(register_path)
    root = dossiers_root(register.path, dossiers)
    in_dossiers = keys_in_dossiers(root)
    known = {**in_dossiers, **_register_keys(register)}
    numeros = {str(numero) for numero in register.frame["numero"] if numero}
    mails = [parse_mail(raw) for raw in read_sources(paths)]
    decisions = _numbered(qualify(mails, known, numeros, today), register, root, dry_run)
    result = IntakeResult(decisions, dry_run)
    if not dry_run:
        _save_all(result, register, root, in_dossiers)
    return result


# --- toolkit new ------------------------------------------------------------------------------

def record_complaint(register_path: Path, row: dict, dossiers: Path | None = None,
                     fichier: Path | None = None) -> Filed:
    """Add one complaint (values already checked by :mod:`toolkit.intake.fields`),
    create its dossier and copy the written complaint ``fichier`` into it."""
    if fichier is not None and not Path(fichier).is_file():
        raise UsageError(f"Fichier introuvable : {fichier} (rien n'a été enregistré).")
    register = read_register(register_path)
    (filed,) = file_complaints(register, [row], dossiers_root(register.path, dossiers))
    filed.dossier.mkdir(parents=True, exist_ok=True)
    if fichier is None:
        return filed
    name = f"{safe_name(filed.numero)}_{WRITTEN_COMPLAINT}{Path(fichier).suffix.lower()}"
    target = free_path(filed.dossier / name)
    shutil.copy2(fichier, target)
    return replace(filed, files=(target,))


def confirmation_letter(register_path: Path, numero: str, today: date,
                        dossiers: Path | None = None):
    """Produce the ``confirmation`` letter of one complaint (``api.LettersResult``)."""
    from toolkit.api import produce_letters
    from toolkit.letters.batch import LetterOptions
    from toolkit.letters.rules import CONFIRMATION

    options = LetterOptions(types=(CONFIRMATION,), numero=numero, dossiers=dossiers)
    return produce_letters(register_path, today, options)
