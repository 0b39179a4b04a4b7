"""What each command does, as one library call: read, compute, return (never print).

The CLI calls exactly one of these per command and prints what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.register.reading import Register, read_register
from toolkit.register.status import ComplaintStatus, complaint_statuses

if TYPE_CHECKING:  # pandera and openpyxl load only for the commands that use them
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
    from toolkit.register.status import left_out_reason

    register = read_register(path)
    statuses = complaint_statuses(register.frame, register.params, today)
    counted = {status.ligne for status in statuses}
    reasons = {int(line): left_out_reason(received) for line, received in
               zip(register.frame["ligne"], register.frame["date_reclamation"], strict=True)
               if int(line) not in counted}
    return StatusResult(register, statuses, list(reasons), reasons)
