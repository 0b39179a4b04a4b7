"""Adding complaints: number, register row (through :mod:`toolkit.register.writeback`), dossier.

``toolkit new`` and ``toolkit intake`` both go through :func:`file_complaints`, so numbers
and rows are made one way. The register is written first and the dossier second: a dossier
is never created for a number the register does not hold (a later complaint would inherit
its files), and an intake interrupted between the two is repaired by the next run.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.intake.mail import (
    ALREADY,
    COMPLAINT,
    FOLLOW_UP,
    Decision,
    company_domain,
    complaint_values,
    is_company_address,
    keys_in_observations,
    qualify,
    read_mails,
    stored_mail,
    unwrap_forward,
)
from toolkit.intake.message import IncomingMail, LeftAside, Skipped
from toolkit.intake.sources import MSG_SUFFIX
from toolkit.letters.dossiers import dossier_dir, dossier_numero, dossiers_root, safe_name
from toolkit.letters.manifest import keep_dossiers_for, load_manifest
from toolkit.register.reading import read_register
from toolkit.register.writeback import register_lock
from toolkit.rules.columns import EMAIL, Canal
from toolkit.rules.records import Register

ORIGIN_EMAIL = "reclamation-courriel"
FOLLOW_UP_EMAIL = "courriel-suite"
WRITTEN_COMPLAINT = "reclamation-ecrite"
ATTACHMENT = "PJ"
# The copies of the client's own mails: their senders are the client's known addresses.
CLIENT_MAIL_KINDS = (ORIGIN_EMAIL, FOLLOW_UP_EMAIL)
MAIL_SUFFIXES = (".eml", MSG_SUFFIX)


@dataclass(frozen=True)
class Filed:
    """A complaint added to the register (``ligne`` is ``None`` in a dry run)."""

    numero: str
    ligne: int | None
    dossier: Path
    row: dict
    files: tuple[Path, ...] = ()  # what was put into the dossier
    full_texts: tuple[Path, ...] = ()  # texts too long for a cell, kept whole in the dossier
    # (Numéro, reception day) of the same client's complaints still open when it was added.
    already_open: tuple[tuple[str, object], ...] = ()


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


def _same_name(name: object) -> str:
    """A client's name as compared: no case, accents, punctuation, nor word order
    (« PETIT Lucas » is « Lucas Petit »)."""
    from toolkit.intake.mail import fold

    return " ".join(sorted(re.findall(r"[a-z0-9]+", fold(str(name or "")))))


def open_complaints(register: Register, nom: object, courriel: object) -> list[tuple[str, object]]:
    """(Numéro, reception day) of the register's complaints still open (no « Date de réponse
    au client ») whose client has the same e-mail or the same name."""
    name = _same_name(nom)
    address = str(courriel or "").strip().casefold()
    columns = register.columns
    found = []
    for numero, day, other_name, other_address, answered in zip(
            columns["numero"], columns["date_reclamation"], columns["nom"], columns["courriel"],
            columns["date_reponse"], strict=True):
        if not numero or isinstance(answered, date):
            continue
        same_address = bool(address) and str(other_address or "").strip().casefold() == address
        if same_address or (name and _same_name(other_name) == name):
            found.append((str(numero), day))
    return found


def numbers_outside_register(root: Path) -> set[str]:
    """Complaint numbers the dossiers folder still holds: its folders' names and the letters
    and summary sheets of its manifest. A row deleted from the register leaves them behind,
    and its number must not be given to another client (whose papers would join the old
    dossier)."""
    names = [entry.name for entry in root.iterdir() if entry.is_dir()] if root.is_dir() else []
    manifest = load_manifest(root)
    for key in [*manifest.letters, *manifest.fiches]:
        names += key.split("/", 1)
    return {numero for numero in map(dossier_numero, names) if numero}


def full_text_name(numero: str, key: str) -> str:
    """``<Numéro>_description.txt``: where a text too long for its cell is kept whole."""
    return f"{safe_name(numero)}_{key}.txt"


def _overlong(row: dict) -> dict[str, str]:
    from toolkit.register.writeback import EXCEL_CELL_MAX_CHARS

    return {key: value for key, value in row.items()
            if isinstance(value, str) and len(value) > EXCEL_CELL_MAX_CHARS}


def _cut_for_cell(row: dict) -> dict:
    """The row as the register gets it: each overlong text cut, saying which file of the
    dossier holds it whole."""
    from toolkit.register.writeback import EXCEL_CELL_MAX_CHARS

    cut = dict(row)
    for key, text in _overlong(row).items():
        note = (f"\n[…] (texte tronqué : texte complet au dossier, fichier "
                f"{full_text_name(row['numero'], key)})")
        cut[key] = text[:EXCEL_CELL_MAX_CHARS - len(note)] + note
    return cut


def _save_full_texts(filed: Filed) -> Filed:
    saved = tuple(store(filed.dossier, full_text_name(filed.numero, key), text.encode("utf-8"))
                  for key, text in _overlong(filed.row).items())
    return replace(filed, full_texts=saved) if saved else filed


def file_complaints(register: Register, rows: Sequence[dict], root: Path,
                    dry_run: bool = False) -> list[Filed]:
    """Number ``rows`` and append them to the register (unless ``dry_run``); a text too
    long for its cell is cut in the register and saved whole into the dossier."""
    from toolkit.register.writeback import append_complaints

    taken = [*register.columns["numero"], *sorted(numbers_outside_register(root))]
    numbers = numbers_for(taken, [row["date_reclamation"] for row in rows])
    numbered = [{**row, "numero": numero} for row, numero in zip(rows, numbers, strict=True)]
    lines: list[int | None] = [None] * len(rows)
    if numbered and not dry_run:
        lines = list(append_complaints(register.path, [_cut_for_cell(r) for r in numbered],
                                       expected_mtime_ns=register.mtime_ns))
    filed = [Filed(row["numero"], line, dossier_dir(root, row["numero"], row.get("nom")), row)
             for row, line in zip(numbered, lines, strict=True)]
    return filed if dry_run else [_save_full_texts(one) for one in filed]


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
    """The message as received (``.eml``, or Outlook's ``.msg``) and each attachment."""
    prefix = safe_name(numero)
    suffix = MSG_SUFFIX if mail.outlook else ".eml"
    saved = [store(dossier, f"{prefix}_{kind}{suffix}", mail.raw)]
    saved += [store(dossier, f"{prefix}_{ATTACHMENT}_{safe_file_name(item.filename)}", item.data)
              for item in mail.attachments]
    return saved


@dataclass
class DossierMails:
    """The mails kept in the dossiers: message key → Numéro, and Numéro → the addresses
    the client wrote from (senders of the intake's copies of the client's mails)."""

    keys: dict[str, str] = field(default_factory=dict)
    senders: dict[str, set[str]] = field(default_factory=dict)


def _is_client_mail(path: Path, numero: str) -> bool:
    # Letters' e-mail drafts (From: the company) are not the client's mails.
    return any(path.stem.startswith(f"{numero}_{kind}") for kind in CLIENT_MAIL_KINDS)


def mails_in_dossiers(root: Path) -> DossierMails:
    """Every ``.eml`` and ``.msg`` kept in a dossier."""
    found = DossierMails()
    for path in sorted(root.glob("*/*")) if root.is_dir() else []:
        numero = dossier_numero(path.parent.name)
        if not numero or path.suffix.lower() not in MAIL_SUFFIXES:
            continue
        try:
            key, sender = stored_mail(path.read_bytes(), path.suffix.lower() == MSG_SUFFIX)
        except (OSError, LeftAside):
            continue  # unreadable copy: the register's Observations still count
        found.keys.setdefault(key, numero)
        if sender and _is_client_mail(path, numero):
            found.senders.setdefault(numero, set()).add(sender)
    return found


# --- toolkit intake ---------------------------------------------------------------------------

@dataclass
class IntakeResult:
    decisions: list[Decision]
    dry_run: bool
    skipped: list[Skipped] = field(default_factory=list)  # files not read, with the reason
    saved: dict[str, list[Path]] = field(default_factory=dict)  # Numéro → files saved
    failures: list[str] = field(default_factory=list)
    full_texts: list[Path] = field(default_factory=list)  # texts too long for a cell
    # Numéro → day written into « Date de confirmation écrite » (to write, in a dry run).
    confirmations: dict[str, date] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[Decision]:
        return [d for d in self.decisions if d.kind == kind]


def _valid_address(address: str) -> bool:
    return bool(EMAIL.match(address))


def _register_keys(register: Register) -> dict[str, str]:
    columns = register.columns
    return keys_in_observations(zip(columns["numero"], columns["observations"], strict=True))


def _client_senders(register: Register, in_dossiers: DossierMails,
                    domain: str) -> dict[str, frozenset[str]]:
    """Numéro → the addresses its client writes from: ``Courriel``, then the dossier's mails
    (not the company's own address, that forwarded some of them)."""
    senders: dict[str, frozenset[str]] = {}
    for numero, courriel in zip(register.columns["numero"], register.columns["courriel"],
                                strict=True):
        if numero:
            numero = str(numero)
            known = {courriel.strip()} if isinstance(courriel, str) and courriel.strip() else set()
            addresses = known | in_dossiers.senders.get(numero, set())
            senders[numero] = frozenset(a for a in addresses if not is_company_address(a, domain))
    return senders


def _numbered(decisions: list[Decision], register: Register, root: Path,
              dry_run: bool) -> tuple[list[Decision], list[Filed]]:
    """Decisions with the new numbers, the complaints filed in reception order."""
    complaints = sorted((d for d in decisions if d.kind == COMPLAINT),
                        key=lambda d: d.mail.received)
    rows = [complaint_values(d.mail, _valid_address) for d in complaints]
    filed = file_complaints(register, rows, root, dry_run)
    numero_of = {id(d): f.numero for d, f in zip(complaints, filed, strict=True)}
    return [replace(d, numero=numero_of[id(d)]) if id(d) in numero_of else d
            for d in decisions], filed


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
    names = dict(zip(register.columns["numero"], register.columns["nom"], strict=True))
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


def _on_staff_word(mails: Sequence[IncomingMail], numero: str, known: dict[str, str],
                   domain: str) -> list[Decision]:
    """``intake --numero N``: every mail not yet filed goes to N's dossier, whoever sent it
    (a forward from the company is unwrapped for the client's date)."""
    decisions, seen = [], set(known)
    for mail in mails:
        if mail.key in seen:
            decisions.append(Decision(mail, ALREADY, known.get(mail.key)))
            continue
        seen.add(mail.key)
        inner = unwrap_forward(mail, domain) if is_company_address(mail.sender_address,
                                                                   domain) else None
        decisions.append(Decision(inner or mail, FOLLOW_UP, numero, "classé sur indication"))
    return decisions


def written_confirmations(register: Register, decisions: Sequence[Decision]) -> dict[str, date]:
    """Numéro → day of the client's first written mail, for each telephone complaint filed
    here whose « Date de confirmation écrite » is still empty."""
    columns = register.columns
    rows = zip(columns["numero"], columns["canal"], columns["date_confirmation"],
               columns["date_reclamation"], strict=True)
    # Numéro → reception day: a mail written before the call confirms nothing.
    waiting = {str(numero): received for numero, canal, confirmed, received in rows
               if canal == Canal.TELEPHONE and not isinstance(confirmed, date)
               and isinstance(received, date)}
    found: dict[str, date] = {}
    for decision in decisions:
        day = decision.mail.received
        if decision.kind == FOLLOW_UP and decision.numero in waiting and day is not None \
                and day >= waiting[decision.numero]:
            found[decision.numero] = min(day, found.get(decision.numero, day))
    return found


def _write_confirmations(register: Register, confirmations: dict[str, date]) -> None:
    from toolkit.register.writeback import mark_dates

    line_of = dict(zip(register.columns["numero"], register.columns["ligne"], strict=True))
    mark_dates(register.path, [(int(line_of[numero]), "date_confirmation", day)
                               for numero, day in sorted(confirmations.items())])


def open_warning(already_open: Sequence[tuple[str, object]]) -> str:
    """« déjà une réclamation en cours : 2026-003 » (French, for the summaries)."""
    numbers = ", ".join(numero for numero, _ in already_open)
    many = "des réclamations" if len(already_open) > 1 else "une réclamation"
    return f"ce client a déjà {many} en cours : {numbers}"


def _with_open_warning(decision: Decision, register: Register) -> Decision:
    if decision.kind != COMPLAINT:
        return decision
    already = open_complaints(register, decision.mail.sender_name, decision.mail.sender_address)
    if not already:
        return decision
    reason = "; ".join(filter(None, (decision.reason, open_warning(already))))
    return replace(decision, reason=reason)


@dataclass(frozen=True)
class IntakeOptions:
    """How ``toolkit intake`` runs: ``numero`` files every mail into that complaint's
    dossier on staff's word (``--numero``)."""

    dossiers: Path | None = None
    dry_run: bool = False
    on_wait: Callable[[str], None] | None = None
    numero: str | None = None


def _decisions(mails, register: Register, in_dossiers: DossierMails, today: date,
               numero: str | None) -> list[Decision]:
    known = {**in_dossiers.keys, **_register_keys(register)}
    domain = company_domain(register.params.courriel)
    if numero is None:
        senders = _client_senders(register, in_dossiers, domain)
        return qualify(mails, known, senders, today, domain)
    if numero not in {str(n) for n in register.columns["numero"] if n}:
        raise UsageError(f"Réclamation {numero} absente du registre : rien n'a été écrit.")
    return _on_staff_word(mails, numero, known, domain)


def intake_mails(register_path: Path, paths: Sequence[Path], today: date,
                 options: IntakeOptions | None = None) -> IntakeResult:
    """Register the complaints among the e-mails at ``paths`` and file their originals;
    a telephone complaint's first written mail fills « Date de confirmation écrite ».

    A real run holds the register's lock from reading to writing (waiting for another
    writer, telling ``on_wait``), so that its numbers are still free when it writes."""
    options = options or IntakeOptions()
    if not paths:
        raise UsageError("Indiquez au moins un fichier .eml ou .msg, un dossier, un Maildir ou un "
                         "mbox.")
    mails, skipped = read_mails(paths)
    dry_run = options.dry_run
    with nullcontext() if dry_run else register_lock(register_path, options.on_wait):
        register = read_register(register_path)
        root = dossiers_root(register.path, options.dossiers)
        in_dossiers = mails_in_dossiers(root)
        decisions = [_with_open_warning(d, register)
                     for d in _decisions(mails, register, in_dossiers, today, options.numero)]
        decisions, filed = _numbered(decisions, register, root, dry_run)
        result = IntakeResult(decisions, dry_run, skipped)
        result.confirmations = written_confirmations(register, decisions)
        for one in filed:
            result.full_texts.extend(one.full_texts)
            result.saved.setdefault(one.numero, []).extend(one.full_texts)
        if not dry_run:
            _write_confirmations(register, result.confirmations)
            _save_all(result, register, root, in_dossiers.keys)
            keep_dossiers_for(root, register.path)  # the mails may have created the folder
    return result


# --- toolkit new ------------------------------------------------------------------------------

def record_complaint(register_path: Path, row: dict, dossiers: Path | None = None,
                     fichier: Path | None = None,
                     on_wait: Callable[[str], None] | None = None) -> Filed:
    """Add one complaint (values already checked by :mod:`toolkit.intake.fields`),
    create its dossier and copy the written complaint ``fichier`` into it.

    The register's lock is held from reading to writing: another writer is waited for
    (``on_wait`` hears it once), and the number given is still free when written."""
    if fichier is not None and not Path(fichier).is_file():
        raise UsageError(f"Fichier introuvable : {fichier} (rien n'a été enregistré).")
    with register_lock(register_path, on_wait):
        register = read_register(register_path)
        root = dossiers_root(register.path, dossiers)
        (filed,) = file_complaints(register, [row], root)
        filed = replace(filed, already_open=tuple(
            open_complaints(register, row.get("nom"), row.get("courriel"))))
    filed.dossier.mkdir(parents=True, exist_ok=True)
    keep_dossiers_for(root, register.path)  # this complaint may have created the folder
    if fichier is None:
        return filed
    name = f"{safe_name(filed.numero)}_{WRITTEN_COMPLAINT}{Path(fichier).suffix.lower()}"
    target = free_path(filed.dossier / name)
    shutil.copy2(fichier, target)
    return replace(filed, files=(target,))


def confirmation_letter(register_path: Path, numero: str, today: date,
                        dossiers: Path | None = None):
    """Produce the ``confirmation`` letter of one complaint (``letters.pipeline.LettersResult``)."""
    from toolkit.letters.batch import LetterOptions
    from toolkit.letters.pipeline import produce_letters
    from toolkit.rules.letters import CONFIRMATION

    options = LetterOptions(types=(CONFIRMATION,), numero=numero, dossiers=dossiers)
    return produce_letters(register_path, today, options)
