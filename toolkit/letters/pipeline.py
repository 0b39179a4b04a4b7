"""The letters run from start to end: plan the due letters, make them (PDF, drafts),
write their sending dates into the register, bring the summary sheets up to date; and
``toolkit sent``, which records a letter made earlier."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
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
    from toolkit.letters.manifest import load_manifest, save_manifest

    register = read_register(path)
    if mark_sent:
        from toolkit.register.writeback import refuse_if_open

        # Dates can only be recorded if the workbook is free: check before any letter is made.
        refuse_if_open(register.path)
    plan = plan_letters(register, today, options)
    manifest = load_manifest(plan.dossiers)
    with _progress(progress_bar, plan.steps) as bar:
        run = make_letters(plan, manifest, progress=bar)
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
class SentResult:
    """What ``toolkit sent`` recorded."""

    numero: str
    type_id: str
    letter: Path
    updates: list[tuple[int, str, date]]
    backup: Path | None
    pdf: Path | None = None  # made by --pdf
    draft: Path | None = None  # the e-mail draft beside the letter, rewritten to carry the PDF


@dataclass(frozen=True)
class SentOptions:
    """What ``toolkit sent`` records: which letter, sent on which day, and how."""

    numero: str
    type_id: str
    day: date
    dossiers: Path | None = None
    force: bool = False  # replace a sending date already recorded
    pdf: bool = False  # make the letter's missing PDF copy


def record_sent(path: Path, options: SentOptions, today: date,
                on_wait: Callable[[str], None] | None = None) -> SentResult:
    """``toolkit sent``: record that a letter made earlier was sent on ``options.day``
    (through the register's one write path), make its missing PDF (``options.pdf``),
    refresh its summary sheet. The register's lock is held from reading to writing (waiting,
    telling ``on_wait``)."""
    from toolkit.register.writeback import register_lock

    with register_lock(path, on_wait):
        return _record_sent(path, options, today)


def _record_sent(path: Path, options: SentOptions, today: date) -> SentResult:
    from toolkit.letters.batch import fiche_job, with_updates, write_fiches
    from toolkit.letters.manifest import load_manifest, save_manifest
    from toolkit.letters.sending import attach_to_draft, missing_pdf, sent_letter, sent_updates
    from toolkit.register.writeback import mark_dates, refuse_if_open

    register = read_register(path)
    refuse_if_open(register.path)
    found = sent_letter(register, options.numero, options.type_id, options.dossiers)
    manifest = load_manifest(found.root)
    updates = sent_updates(found, options.day, manifest, force=options.force)
    made_pdf = missing_pdf(found.letter) if options.pdf else None
    draft = attach_to_draft(found, made_pdf) if made_pdf else None
    backup = mark_dates(register.path, updates, expected_mtime_ns=register.mtime_ns)
    row = with_updates({found.ligne: found.row}, updates)[found.ligne]
    write_fiches([fiche_job(row, register.params, today, found.letter.parent, manifest)],
                 manifest)
    save_manifest(manifest)
    return SentResult(found.numero, options.type_id, found.letter, updates, backup, made_pdf, draft)
