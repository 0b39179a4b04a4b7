"""What a register holds once read: its rows, its parameters and where its columns are.

Plain records, with no file access: the rules work on them, the register stage fills them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, make_dataclass
from functools import cached_property
from pathlib import Path

from toolkit.rules.columns import INPUT_COLUMNS, INTEGER, PARAMETERS, Parameter


def _parameter_field(parameter: Parameter) -> tuple[str, type, object]:
    if parameter.kind == INTEGER:
        return parameter.key, int, field(default=int(parameter.default))
    return parameter.key, str, field(default=parameter.default)


def is_filled(value: object) -> bool:
    """Neither ``None`` nor only blanks (a blank cell is an empty cell)."""
    return value is not None and str(value).strip() != ""


# The ``Paramètres`` sheet, defaults filled in: one field per declared parameter (``key``),
# an ``int`` for the numbers. Frozen: the letters of a run all see the same parameters.
Parameters = make_dataclass("Parameters", [_parameter_field(p) for p in PARAMETERS],
                            frozen=True)
Parameters.__module__ = __name__
Parameters.__doc__ = "The ``Paramètres`` sheet, defaults filled in (fields: ``PARAMETERS``)."


@dataclass(frozen=True)
class ParameterIssue:
    """A ``Paramètres`` value that could not be used (the default applies)."""

    row: int
    label: str
    value: str
    reason: str


@dataclass
class Register:
    """A register as read: the rows (``columns``), its parameters and where columns are."""

    path: Path
    sheet_name: str
    header_row: int
    # "ligne" (the Excel row) and every input column's key → one value per complaint row, in
    # the sheet's order. Lists: `status` and `new` read them without loading pandas.
    columns: Mapping[str, list]
    params: Parameters
    column_index: dict[str, int]
    headers_found: dict[str, str] = field(default_factory=dict)
    duplicate_headers: list[tuple[int, str]] = field(default_factory=list)
    parameter_issues: list[ParameterIssue] = field(default_factory=list)
    mtime_ns: int = 0
    # (Excel row, column key, text) of each date typed as text: read, but the workbook's
    # own formulas may not read it (#VALUE! under a non-French locale).
    text_dates: list[tuple[int, str, str]] = field(default_factory=list)
    parameter_rows: dict[str, int] = field(default_factory=dict)  # key → row in Paramètres
    # (row, label, first row) of each Paramètres line repeating an earlier label: not read
    duplicate_parameters: list[tuple[int, str, int]] = field(default_factory=list)

    @property
    def missing_required(self) -> list[str]:
        return [c.header for c in INPUT_COLUMNS if c.required and c.key not in self.column_index]

    @cached_property
    def frame(self):
        """The same rows as a pandas DataFrame (``ligne`` as integers, every other column
        as objects), built on first use."""
        return columns_frame(self.columns)


def columns_frame(columns: Mapping[str, list]):
    import pandas as pd

    data = {key: pd.Series(values, dtype="int64" if key == "ligne" else object)
            for key, values in columns.items()}
    return pd.DataFrame(data)


def column_values(table, name: str) -> list:
    """One column as a list, from a register's ``columns`` or from a DataFrame."""
    values = table[name]
    return values if isinstance(values, list) else values.tolist()


def frame_records(frame, columns: list[str]) -> Iterator[dict[str, object]]:
    """Rows as dicts, like ``to_dict("records")`` for object columns but several times
    faster: pandas boxes every value, and on 100k rows that dominated ``status``. ``frame``:
    a DataFrame or a register's ``columns``."""
    values = [column_values(frame, column) for column in columns]
    # Same lengths by construction: strict checks would cost a third of the loop.
    for row in zip(*values, strict=False):
        yield dict(zip(columns, row, strict=False))
