"""What each command does, as one library call: read, compute, return (never print).

The CLI calls exactly one of these per command and prints what comes back.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import ToolkitError
from toolkit.register.reading import Register, read_register
from toolkit.register.status import ComplaintStatus, complaint_statuses

if TYPE_CHECKING:  # pandera and openpyxl load only for the commands that use them
    from toolkit.letters.batch import FicheRun, LetterOptions, LetterRun
    from toolkit.register.validation import ValidationReport


@dataclass
class StatusResult:
    register: Register
    statuses: list[ComplaintStatus]
    skipped_rows: list[int]  # rows without a usable reception date

    def to_json_list(self) -> list[dict[str, object]]:
        return [status.to_json() for status in self.statuses]


def init_register(path: Path, zone: str = "Métropole") -> Path:
    """Create an empty official register at ``path`` (never overwrites)."""
    from toolkit.register.template import create_register

    return create_register(path, parameters={"zone": zone})


def check_register(path: Path, today: date) -> ValidationReport:
    """Read and validate the register."""
    from toolkit.register.validation import validate

    return validate(read_register(path), today)


def stats_register(path: Path | str) -> Register:
    """Read the register for statistics; refuse one without the reception-date column,
    whose figures would all be zero without saying why."""
    from toolkit.errors import ReportError

    register = read_register(path)
    if "date_reclamation" not in register.column_index:
        raise ReportError(
            f"{register.path} : la colonne « Date de réclamation » est absente de l'en-tête "
            f"(ligne {register.header_row}) ; aucune statistique n'est possible "
            "(voir « toolkit check »).")
    return register


def month_statistics(path: Path, year: int, month: int, today: date) -> dict[str, object]:
    """``toolkit stats``: the figures of the complaints received in the month."""
    from toolkit.report.stats import month_figures

    register = stats_register(path)
    return month_figures(register.frame, register.params, year, month, today)


def register_status(path: Path, today: date) -> StatusResult:
    """Deadlines and statuses of every complaint, overdue first."""
    register = read_register(path)
    statuses = complaint_statuses(register.frame, register.params, today)
    counted = {status.ligne for status in statuses}
    skipped = [int(line) for line in register.frame["ligne"] if int(line) not in counted]
    return StatusResult(register, statuses, skipped)


# --- letters ------------------------------------------------------------------------------

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
                    mark_sent: bool = False, progress_bar=None) -> LettersResult:
    """``toolkit letters``: plan, make the letters (PDF, drafts), write the sending dates
    (``mark_sent``), then bring the summary sheets up to date.

    ``progress_bar(total)``: a context manager with ``update(n)`` (the CLI's bar), or None.
    """
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


def record_sent(path: Path, numero: str, type_id: str, day: date, today: date, *,
                dossiers: Path | None = None, force: bool = False,
                pdf: bool = False) -> SentResult:
    """``toolkit sent``: record that a letter made earlier was sent on ``day`` (through the
    register's one write path), make its missing PDF (``pdf``), refresh its summary sheet."""
    from toolkit.letters.batch import fiche_job, with_updates, write_fiches
    from toolkit.letters.manifest import load_manifest, save_manifest
    from toolkit.letters.sending import missing_pdf, sent_letter, sent_updates
    from toolkit.register.writeback import mark_dates, refuse_if_open

    register = read_register(path)
    refuse_if_open(register.path)
    found = sent_letter(register, numero, type_id, dossiers)
    manifest = load_manifest(found.root)
    updates = sent_updates(found, day, manifest, force=force)
    made_pdf = missing_pdf(found.letter) if pdf else None
    backup = mark_dates(register.path, updates, expected_mtime_ns=register.mtime_ns)
    row = with_updates({found.ligne: found.row}, updates)[found.ligne]
    write_fiches([fiche_job(row, register.params, today, found.letter.parent, manifest)],
                 manifest)
    save_manifest(manifest)
    return SentResult(found.numero, type_id, found.letter, updates, backup, made_pdf)
