"""Editing a *copy* of the register (a backup, the copy inside an audit archive).

A copy is not the register: no lock, no backup of it, no check that staff saved it meanwhile.
It is opened with openpyxl, its ``Registre`` rows edited, saved under a temporary name in
its own folder and renamed, so that a killed run leaves the old copy or the new one. The
rewrite rebuilds the workbook's shared strings: a text removed from every cell is gone from
the file, not only hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from toolkit.atomic import atomic_replace


@dataclass
class CopyTarget:
    """A register copy open for editing."""

    workbook: object
    sheet: object
    column_index: dict[str, int]  # column key → Excel column
    header_row: int

    def set_values(self, row: int, values: Mapping[str, object]) -> None:
        """Write ``values`` (column key → value; None or "" clears) on one Excel row;
        columns the copy lacks are skipped."""
        for key, value in values.items():
            column = self.column_index.get(key)
            if column is not None:
                self.sheet.cell(row=row, column=column).value = \
                    None if value in (None, "") else value

    def blank_row(self, row: int) -> None:
        """Empty every cell of one Excel row (the row stays, so line numbers hold)."""
        for cell in self.sheet[row]:
            cell.value = None


def _load(path: Path):
    import warnings

    from openpyxl import load_workbook

    # openpyxl warns in English about each extension it drops; a copy is rewritten only to
    # take data out of it (personal data, other periods), never to keep the office's layout.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        # keep_vba: an .xlsm keeps its macros. rich_text: a word put in bold stays bold.
        return load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", rich_text=True)


def _locate_columns(sheet) -> tuple[int, dict[str, int]]:
    """(header row, column key → Excel column) of an openpyxl sheet, read as ``reading``
    reads the register."""
    from toolkit.register.reading import HEADER_SEARCH_ROWS, find_header_row, map_headers

    rows = [list(r) for r in sheet.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS,
                                             values_only=True)]
    header_index = find_header_row(rows)
    positions, _, _ = map_headers(rows[header_index] if rows else [])
    return header_index + 1, {key: position + 1 for key, position in positions.items()}


def open_copy(path: Path) -> CopyTarget:
    from toolkit.register.reading import register_sheet_name

    workbook = _load(Path(path))
    sheet = workbook[register_sheet_name(workbook.sheetnames)]
    header_row, column_index = _locate_columns(sheet)
    return CopyTarget(workbook, sheet, column_index, header_row)


def save_copy(copy: CopyTarget, target: Path) -> Path:
    """Save atomically at ``target`` (same folder for the temporary file)."""
    target = Path(target)
    with atomic_replace(target) as temporary:
        copy.workbook.save(temporary)
    return target


def blank_rows(source: Path, target: Path, rows: Iterable[int]) -> Path:
    """Write at ``target`` the copy ``source`` with the given Excel rows emptied."""
    copy = open_copy(source)
    for row in sorted(set(rows)):
        copy.blank_row(row)
    return save_copy(copy, target)
