"""What each command does, as one library call: read, compute, return (never print).

Every command of :mod:`toolkit.cli` calls exactly one function of this module and prints
what comes back. The functions that live in a stage (the letters run, intake, the report,
the audit) are reached here by name (:data:`STAGE_FUNCTIONS`), imported only when called so
that ``toolkit --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.rules.columns import Zone

# Commands whose work is one function of a stage: name here → the module defining it.
STAGE_FUNCTIONS = {
    "produce_letters": "toolkit.letters.pipeline",
    "record_sent": "toolkit.letters.pipeline",
    "record_complaint": "toolkit.intake.recording",
    "confirmation_letter": "toolkit.intake.recording",
    "intake_mails": "toolkit.intake.recording",
    "write_monthly_report": "toolkit.report.notebook",
    "export_person": "toolkit.privacy.export",
    "erase_person": "toolkit.privacy.erase",
    "purge_register": "toolkit.privacy.purge",
}


def __getattr__(name: str):
    module = STAGE_FUNCTIONS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)


if TYPE_CHECKING:  # the workbook, rules, pandera and openpyxl load only when a command runs
    from toolkit.rules.records import Register
    from toolkit.rules.status import ComplaintStatus
    from toolkit.rules.validation import ValidationReport


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


def init_register(path: Path, zone: str = Zone.METROPOLE,
                  company: dict[str, str] | None = None) -> Path:
    """Create an empty official register at ``path`` (never overwrites); ``company``: the
    ``Paramètres`` values typed at ``toolkit init`` (by parameter key)."""
    from toolkit.register.template import create_register

    return create_register(path, parameters={**(company or {}), "zone": zone})


def check_register(path: Path, today: date) -> ValidationReport:
    """Read and validate the register."""
    from toolkit.register.reading import read_register
    from toolkit.rules.validation import validate

    return validate(read_register(path), today)


def stats_register(path: Path | str) -> Register:
    """Read the register for statistics; refuse one without the reception-date column,
    whose figures would all be zero without saying why."""
    from toolkit.errors import ReportError
    from toolkit.register.reading import read_register

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
    from toolkit.rules.stats import sources_month_figures, sources_of

    paths = [paths] if isinstance(paths, (str, Path)) else paths
    return sources_month_figures(sources_of(stats_registers(paths)), year, month, today)


def register_status(path: Path, today: date) -> StatusResult:
    """Deadlines and statuses of every complaint, overdue first."""
    from toolkit.letters.sending import ready_letters
    from toolkit.register.reading import read_register
    from toolkit.rules.status import complaint_statuses, left_out_reason

    register = read_register(path)
    statuses = complaint_statuses(register.columns, register.params, today,
                                  ready_letters(register))
    counted = {status.ligne for status in statuses}
    reasons = {int(line): left_out_reason(received) for line, received in
               zip(register.columns["ligne"], register.columns["date_reclamation"], strict=True)
               if int(line) not in counted}
    return StatusResult(register, statuses, list(reasons), reasons)


def build_audit(register_path: Path, options):
    """``toolkit audit``: write the archive (``audit.archive.AuditOptions``), and note where,
    so that an erasure finds it even when ``--out`` put it outside the register's folder."""
    from toolkit.audit.archive import build_audit as write_archive
    from toolkit.privacy.log import record_archive

    result = write_archive(register_path, options)
    record_archive(register_path, result.path)
    return result


def init_default_register(path: Path, zone: str = "Métropole",
                          company: dict[str, str] | None = None) -> tuple[Path, Path]:
    """``toolkit init``: create the register, then record it as the default register.
    Returns (register, settings file)."""
    from toolkit.places import save_default_register

    register = init_register(path, zone, company)
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
    from toolkit.libreoffice import find_soffice
    from toolkit.places import (
        backups_dir,
        dossiers_dir,
        locate_register,
        reports_dir,
        settings_path,
        templates_dir,
    )
    from toolkit.resources import LETTERS, shipped_dir

    located = locate_register(register_option)
    register, settings = located.path, settings_path()
    return Places(register, located.source, settings, settings.is_file(),
                  dossiers_dir(register), backups_dir(register),
                  reports_dir(register), templates_dir(register),
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
    from toolkit.places import template_path, templates_dir
    from toolkit.rules.letters import LETTER_TYPES

    folder = templates_dir(register)
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


def inspect_templates(register: Path, templates: Path | None = None) -> list:
    """``toolkit templates``: each letter type's template in force (``modeles/`` beside the
    register, ``templates`` or the shipped one) and the fields it uses or does not know."""
    from toolkit.letters.rendering import inspect_template
    from toolkit.places import template_path
    from toolkit.rules.letters import LETTER_TYPES

    return [inspect_template(template_path(type_id, register, templates))
            for type_id in LETTER_TYPES]


DEMO_REGISTER_NAME = "registre_demo.xlsx"


def prepare_demo(folder: Path) -> Path:
    """``toolkit demo``: copy the shipped sample register into ``folder``; return the copy.

    A folder that already holds a demo register gets a fresh copy and loses its demo
    ``dossiers/`` (so the letters are made again); another folder is never emptied."""
    import shutil

    from toolkit.errors import UsageError
    from toolkit.places import dossiers_dir
    from toolkit.resources import REGISTER, shipped_file

    target = Path(folder) / DEMO_REGISTER_NAME
    try:
        if target.exists():
            shutil.rmtree(dossiers_dir(target), ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shipped_file(REGISTER, "exemple_registre.xlsx"), target)
    except OSError as error:
        raise UsageError(f"Impossible de préparer la démonstration dans {folder} : "
                         f"{error.strerror or error}") from None
    return target


