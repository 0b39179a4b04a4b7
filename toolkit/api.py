"""What each command does, as one library call: read, compute, return (never print).

The CLI calls exactly one of these per command and prints what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .schema import ValidationReport, validate
from .status import ComplaintStatus, complaint_statuses
from .template import create_register
from .workbook import Register, read_register


@dataclass
class StatusResult:
    register: Register
    statuses: list[ComplaintStatus]
    skipped_rows: list[int]  # rows without a usable reception date

    def to_json_list(self) -> list[dict[str, object]]:
        return [status.to_json() for status in self.statuses]


def init_register(path: Path, zone: str = "Métropole") -> Path:
    """Create an empty official register at ``path`` (never overwrites)."""
    return create_register(path, parameters={"zone": zone})


def check_register(path: Path, today: date) -> ValidationReport:
    """Read and validate the register."""
    return validate(read_register(path), today)


def register_status(path: Path, today: date) -> StatusResult:
    """Deadlines and statuses of every complaint, overdue first."""
    register = read_register(path)
    statuses = complaint_statuses(register.frame, register.params, today)
    counted = {status.ligne for status in statuses}
    skipped = [int(line) for line in register.frame["ligne"] if int(line) not in counted]
    return StatusResult(register, statuses, skipped)
