"""The letters run from start to end: plan the due letters, make them (PDF, drafts),
write their sending dates into the register, bring the summary sheets up to date; and
``toolkit sent``, which records a letter made earlier."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.letters.batch import FicheRun, LetterOptions, LetterRun
from toolkit.register.reading import read_register
from toolkit.rules.records import Register


@dataclass
class LettersResult:
    """What ``toolkit letters`` did: the letters run, the dates written, the summary sheets."""

    run: LetterRun
    fiches: FicheRun
    updates: list[tuple[int, str, date]]  # written into the register (--mark-sent)
    backup: Path | None = None


def _unrecorded_hint(run: LetterRun) -> str:
    commands = [f"toolkit sent --numero {o.numero} --type {o.type_id}" for o in run.made]
    shown = "\n  ".join(commands[:10]) + ("\n  …" if len(commands) > 10 else "")
    return (f"\nLes courriers ont été produits, mais leurs dates d'envoi n'ont pas été "
            f"inscrites au registre. Une fois le problème réglé, inscrivez-les avec :\n  {shown}")


def _write_sent_dates(register: Register, run: LetterRun) -> tuple[list, Path | None]:
    from toolkit.register.writeback import mark_dates

    updates = run.sent_updates()
    try:
        backup = mark_dates(register.path, updates, expected_mtime_ns=register.mtime_ns)
    except ToolkitError as error:
        raise type(error)(f"{error}{_unrecorded_hint(run)}") from error
    return updates, backup


def produce_letters(path: Path, today: date, options: LetterOptions, *,
                    mark_sent: bool = False, progress_bar=None,
                    on_wait: Callable[[str], None] | None = None) -> LettersResult:
    """``toolkit letters``: plan, make the letters (PDF, drafts), write the sending dates
    (``mark_sent``), then bring the summary sheets up to date.

    ``progress_bar(total)``: a context manager with ``update(n)`` (the CLI's bar), or None.
    With ``mark_sent`` the register's lock is held from reading to writing (waiting for
    another writer, telling ``on_wait``).
    """
    if not mark_sent:  # a run that writes nothing spares itself openpyxl's import
        return _produce_letters(path, today, options, mark_sent, progress_bar)
    from toolkit.register.writeback import register_lock

    with register_lock(path, on_wait):
        return _produce_letters(path, today, options, mark_sent, progress_bar)


def _produce_letters(path: Path, today: date, options: LetterOptions, mark_sent: bool,
                     progress_bar) -> LettersResult:
    from toolkit.letters.batch import make_letters, plan_letters, refresh_fiches
    from toolkit.letters.manifest import save_manifest

    register = read_register(path)
    if mark_sent:
        from toolkit.register.writeback import refuse_if_open

        # Dates can only be recorded if the workbook is free: check before any letter is made.
        refuse_if_open(register.path)
    plan = plan_letters(register, today, options)
    manifest = plan.manifest  # read once, by the plan
    for old, new in plan.renamed:
        manifest.rename_dossier(old.name, new.name)
    with _progress(progress_bar, plan.steps) as bar:
        run = make_letters(plan, manifest, progress=bar)
    manifest.keep_for(register.path)  # the first letters created the dossiers folder
    save_manifest(manifest)
    updates, backup = [], None
    if mark_sent and run.made:
        updates, backup = _write_sent_dates(register, run)
    fiches = refresh_fiches(plan, manifest, updates)
    save_manifest(manifest)
    return LettersResult(run, fiches, updates, backup)


@contextmanager
def _progress(progress_bar, total: int):
    if progress_bar is None or total == 0:
        yield None
        return
    with progress_bar(total) as bar:
        yield bar.update


@dataclass
class SentRecord:
    """One letter whose sending ``toolkit sent`` recorded."""

    numero: str
    letter: Path
    updates: list[tuple[int, str, date]]
    pdf: Path | None = None  # made by --pdf
    draft: Path | None = None  # the e-mail draft beside the letter, rewritten to carry the PDF


@dataclass
class SentResult:
    """What ``toolkit sent`` recorded (in one register write), and what it refused."""

    type_id: str
    recorded: list[SentRecord]
    refused: list[tuple[str, str]]  # (number, why it was not recorded)
    backup: Path | None
    pdf_failures: list[Path] = field(default_factory=list)
    renamed: list[tuple[Path, Path]] = field(default_factory=list)  # dossiers (old, new name)

    @property
    def updates(self) -> list[tuple[int, str, date]]:
        return [update for record in self.recorded for update in record.updates]


@dataclass(frozen=True)
class SentOptions:
    """What ``toolkit sent`` records: which letters (one number, several, or with
    ``every_made`` every letter of the type made and not yet recorded), sent on which day,
    and how."""

    numeros: tuple[str, ...] | str
    type_id: str
    day: date
    dossiers: Path | None = None
    force: bool = False  # replace a sending date already recorded
    pdf: bool = False  # make the letters' missing PDF copies
    every_made: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.numeros, str):  # one number, as most callers give it
            object.__setattr__(self, "numeros", (self.numeros,))


def record_sent(path: Path, options: SentOptions, today: date,
                on_wait: Callable[[str], None] | None = None) -> SentResult:
    """``toolkit sent``: record that letters made earlier were sent on ``options.day``, all
    in one write through the register's one write path (one backup); make their missing
    PDFs (``options.pdf``, one conversion), refresh their summary sheets. A number that
    cannot be recorded is reported in ``refused`` while the others are recorded; when none
    can be, its error is raised. The register's lock is held from reading to writing
    (waiting, telling ``on_wait``)."""
    from toolkit.register.writeback import register_lock

    with register_lock(path, on_wait):
        return _record_sent(path, options, today)


def _sent_numeros(register: Register, options: SentOptions) -> tuple[str, ...]:
    from toolkit.letters.sending import made_not_recorded

    if options.every_made:
        return tuple(made_not_recorded(register, options.type_id, options.dossiers))
    return tuple(dict.fromkeys(numero.strip() for numero in options.numeros))


def _accepted_letters(register: Register, options: SentOptions, manifest
                      ) -> tuple[list, list[tuple[str, str]], list[ToolkitError]]:
    """(letters to record with their dates, refusals as (number, why), the errors raised)."""
    from toolkit.letters.sending import sent_letter, sent_updates

    accepted, refused, errors = [], [], []
    for numero in _sent_numeros(register, options):
        try:
            found = sent_letter(register, numero, options.type_id, options.dossiers)
            if found.renamed_from is not None:  # the letter's records follow its folder
                manifest.rename_dossier(found.renamed_from.name, found.letter.parent.name)
            accepted.append((found, sent_updates(found, options.day, manifest,
                                                 force=options.force)))
        except ToolkitError as error:
            refused.append((numero, str(error)))
            errors.append(error)
    if not accepted and len(errors) == 1:
        raise errors[0]
    if not accepted and errors:
        raise type(errors[0])("Aucun envoi inscrit :\n  " + "\n  ".join(
            message for _, message in refused))
    return accepted, refused, errors


def _pdfs_and_drafts(accepted: list, options: SentOptions) -> tuple[list[SentRecord], list[Path]]:
    """One record per accepted letter, with the PDF made and the draft rewritten to carry
    it (``--pdf``); the letters whose conversion failed."""
    from toolkit.letters.sending import attach_to_draft, missing_pdfs

    made, failed = missing_pdfs([found.letter for found, _ in accepted]) if options.pdf \
        else ({}, [])
    records = []
    for found, updates in accepted:
        pdf = made.get(found.letter)
        draft = attach_to_draft(found, pdf) if pdf else None
        records.append(SentRecord(found.numero, found.letter, updates, pdf, draft))
    return records, failed


def _record_sent(path: Path, options: SentOptions, today: date) -> SentResult:
    from toolkit.letters.batch import fiche_job, with_updates, write_fiches
    from toolkit.letters.dossiers import dossiers_root
    from toolkit.letters.manifest import load_manifest, save_manifest
    from toolkit.register.writeback import mark_dates, refuse_if_open

    register = read_register(path)
    refuse_if_open(register.path)
    manifest = load_manifest(dossiers_root(register.path, options.dossiers, record=True))
    try:
        accepted, refused, _ = _accepted_letters(register, options, manifest)
    finally:
        save_manifest(manifest)  # a dossier renamed on the way keeps its letters' records
    if not accepted:
        return SentResult(options.type_id, [], refused, None)
    records, failed = _pdfs_and_drafts(accepted, options)
    updates = [update for record in records for update in record.updates]
    backup = mark_dates(register.path, updates, expected_mtime_ns=register.mtime_ns)
    rows = with_updates({found.ligne: found.row for found, _ in accepted}, updates)
    write_fiches([fiche_job(rows[found.ligne], register.params, today, found.letter.parent,
                            manifest) for found, _ in accepted], manifest)
    save_manifest(manifest)
    renamed = [(found.renamed_from, found.letter.parent) for found, _ in accepted
               if found.renamed_from is not None]
    return SentResult(options.type_id, records, refused, backup, failed, renamed)
