"""What each command does, as one library call: read, compute, return (never print).

The CLI calls exactly one of these per command and prints what comes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
    register = read_register(path)
    statuses = complaint_statuses(register.frame, register.params, today)
    counted = {status.ligne for status in statuses}
    skipped = [int(line) for line in register.frame["ligne"] if int(line) not in counted]
    return StatusResult(register, statuses, skipped)
