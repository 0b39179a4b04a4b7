"""What each command does, as one library call: read, compute, return (never print).

The CLI calls exactly one of these per command and prints what comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import ToolkitError
from toolkit.register.columns import Zone
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
    skipped_reasons: dict[int, str] = field(default_factory=dict)  # Excel row → why

    @property
    def missing_columns(self) -> list[str]:
        """Required headers the register lacks."""
        return self.register.missing_required

    @property
    def complete(self) -> bool:
        """Every row followed and every required column there: else `status` fails."""
        return not self.skipped_rows and not self.missing_columns

    def to_json_list(self) -> list[dict[str, object]]:
        return [status.to_json() for status in self.statuses]


def init_register(path: Path, zone: str = Zone.METROPOLE) -> Path:
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


def stats_registers(paths: Sequence[Path | str]) -> list[Register]:
    """:func:`stats_register` of each path (several agencies' registers)."""
    return [stats_register(path) for path in paths]


def month_statistics(paths: Path | Sequence[Path], year: int, month: int,
                     today: date) -> dict[str, object]:
    """``toolkit stats``: the figures of the complaints received in the month, in one
    register or several together (``par_registre``: each one's count)."""
    from toolkit.report.stats import sources_month_figures, sources_of

    paths = [paths] if isinstance(paths, (str, Path)) else paths
    return sources_month_figures(sources_of(stats_registers(paths)), year, month, today)


def register_status(path: Path, today: date) -> StatusResult:
    """Deadlines and statuses of every complaint, overdue first."""
    from toolkit.register.status import left_out_reason

    register = read_register(path)
    statuses = complaint_statuses(register.frame, register.params, today)
    counted = {status.ligne for status in statuses}
    reasons = {int(line): left_out_reason(received) for line, received in
               zip(register.frame["ligne"], register.frame["date_reclamation"], strict=True)
               if int(line) not in counted}
    return StatusResult(register, statuses, list(reasons), reasons)


def init_default_register(path: Path, zone: str = "Métropole") -> tuple[Path, Path]:
    """``toolkit init``: create the register, then record it as the default register.
    Returns (register, settings file)."""
    from toolkit.places import save_default_register

    register = init_register(path, zone)
    return register, save_default_register(register)


@dataclass(frozen=True)
class Places:
    """``toolkit config``: the register in force, why, and the folders beside it."""

    register: Path
    source: str
    settings: Path
    settings_exist: bool
    dossiers: Path
    backups: Path
    reports: Path
    templates_override: Path
    templates_shipped: Path
    soffice: str | None


def places(register_option: Path | None = None) -> Places:
    from toolkit.letters.dossiers import dossiers_root
    from toolkit.libreoffice import find_soffice
    from toolkit.places import (
        locate_register,
        override_templates_dir,
        reports_dir,
        settings_path,
    )
    from toolkit.register.writeback import BACKUP_DIRNAME
    from toolkit.resources import LETTERS, shipped_dir

    located = locate_register(register_option)
    register, settings = located.path, settings_path()
    return Places(register, located.source, settings, settings.is_file(),
                  dossiers_root(register), register.parent / BACKUP_DIRNAME,
                  reports_dir(register), override_templates_dir(register),
                  shipped_dir(LETTERS), find_soffice())


def set_default_register(path: Path) -> Path:
    """``toolkit config --register``: record the default register; return the settings file."""
    from toolkit.places import save_default_register

    return save_default_register(path)


@dataclass(frozen=True)
class TemplatesCopy:
    folder: Path
    copied: list[Path]
    kept: list[Path]  # already in modeles/: never overwritten


def copy_templates(register: Path) -> TemplatesCopy:
    """``toolkit templates --copy``: create ``modeles/`` beside the register with the shipped
    templates, leaving any template already there untouched."""
    import shutil

    from toolkit.errors import UsageError
    from toolkit.letters.rules import LETTER_TYPES
    from toolkit.places import override_templates_dir, template_path

    folder = override_templates_dir(register)
    result = TemplatesCopy(folder, [], [])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for type_id in LETTER_TYPES:
            target = folder / f"{type_id}.docx"
            if target.exists():
                result.kept.append(target)
                continue
            shutil.copyfile(template_path(type_id), target)
            result.copied.append(target)
    except OSError as error:
        raise UsageError(f"Impossible de copier les modèles dans {folder} : "
                         f"{error.strerror or error}") from None
    return result


DEMO_REGISTER_NAME = "registre_demo.xlsx"


def prepare_demo(folder: Path) -> Path:
    """``toolkit demo``: copy the shipped sample register into ``folder``; return the copy.

    A folder that already holds a demo register gets a fresh copy and loses its demo
    ``dossiers/`` (so the letters are made again); another folder is never emptied."""
    import shutil

    from toolkit.errors import UsageError
    from toolkit.letters.dossiers import dossiers_root
    from toolkit.resources import REGISTER, shipped_file

    target = Path(folder) / DEMO_REGISTER_NAME
    try:
        if target.exists():
            shutil.rmtree(dossiers_root(target), ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shipped_file(REGISTER, "exemple_registre.xlsx"), target)
    except OSError as error:
        raise UsageError(f"Impossible de préparer la démonstration dans {folder} : "
                         f"{error.strerror or error}") from None
    return target


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


def record_sent(path: Path, numero: str, type_id: str, day: date, today: date, *,
                dossiers: Path | None = None, force: bool = False, pdf: bool = False,
                on_wait: Callable[[str], None] | None = None) -> SentResult:
    """``toolkit sent``: record that a letter made earlier was sent on ``day`` (through the
    register's one write path), make its missing PDF (``pdf``), refresh its summary sheet.
    The register's lock is held from reading to writing (waiting, telling ``on_wait``)."""
    from toolkit.register.writeback import register_lock

    with register_lock(path, on_wait):
        return _record_sent(path, numero, type_id, day, today, dossiers, force, pdf)


def _record_sent(path: Path, numero: str, type_id: str, day: date, today: date,
                 dossiers: Path | None, force: bool, pdf: bool) -> SentResult:
    from toolkit.letters.batch import fiche_job, with_updates, write_fiches
    from toolkit.letters.manifest import load_manifest, save_manifest
    from toolkit.letters.sending import attach_to_draft, missing_pdf, sent_letter, sent_updates
    from toolkit.register.writeback import mark_dates, refuse_if_open

    register = read_register(path)
    refuse_if_open(register.path)
    found = sent_letter(register, numero, type_id, dossiers)
    manifest = load_manifest(found.root)
    updates = sent_updates(found, day, manifest, force=force)
    made_pdf = missing_pdf(found.letter) if pdf else None
    draft = attach_to_draft(found, made_pdf) if made_pdf else None
    backup = mark_dates(register.path, updates, expected_mtime_ns=register.mtime_ns)
    row = with_updates({found.ligne: found.row}, updates)[found.ligne]
    write_fiches([fiche_job(row, register.params, today, found.letter.parent, manifest)],
                 manifest)
    save_manifest(manifest)
    return SentResult(found.numero, type_id, found.letter, updates, backup, made_pdf, draft)
