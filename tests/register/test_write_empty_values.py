"""Each kind of empty value (None, "", spaces) in each kind of column (text, date, list)
through the write path, then read back.

A value left empty leaves its cell blank: the workbook's own formulas (Statut, the
deadline highlights) test ``=""``, and a cell of spaces in ``Date d'accusé de réception``
would read there as an acknowledgement sent, while the toolkit reads it as empty. Its
neighbour, a value with spaces around it, is written and read back trimmed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers.register_files import complaint, write_register
from openpyxl import load_workbook

from toolkit.register.reading import read_register
from toolkit.register.template import create_register
from toolkit.register.writeback import append_complaints, mark_dates, write_values
from toolkit.rules.columns import BY_KEY, CHOICE, DATE, INPUT_COLUMNS, TEXT

EMPTY_VALUES = {"None": None, "empty-string": "", "spaces": "   ", "tab-and-spaces": " \t "}
# Every optional input column, by kind (the required ones carry the complaint itself).
OPTIONAL = [column.key for column in INPUT_COLUMNS if not column.required]
LETTERHEAD = {"adresse": "12 rue de la République\n75011 Paris", "signataire": "Claire Martin"}
KINDS = {kind: [key for key in OPTIONAL if BY_KEY[key].kind == kind]
         for kind in (TEXT, DATE, CHOICE)}


def _padded(key: str) -> object:
    """A filled value with spaces around it (dates are dates)."""
    column = BY_KEY[key]
    if column.kind == DATE:
        return date(2026, 11, 3)
    return f"  {column.choices[0] if column.choices else 'Texte saisi'}  "


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[dict[str, dict], dict[str, dict]]:
    """One register, one append: a row per kind of empty value in every optional column,
    then a row of padded values. By row name: the cells as Excel holds them, and as read."""
    path = create_register(tmp_path_factory.mktemp("empty") / "registre.xlsx", [complaint()],
                           LETTERHEAD)
    names = [*EMPTY_VALUES, "padded"]
    rows = [complaint(f"2026-{number:03d}", **dict.fromkeys(OPTIONAL, value))
            for number, value in enumerate(EMPTY_VALUES.values(), start=2)]
    rows.append(complaint("2026-009", **{key: _padded(key) for key in OPTIONAL}))
    lines = append_complaints(path, rows)
    return (dict(zip(names, (_stored(path, line) for line in lines), strict=True)),
            dict(zip(names, read_register(path).frame.to_dict("records")[1:], strict=True)))


def _stored(path: Path, row: int) -> dict[str, object]:
    sheet = load_workbook(path)["Registre"]
    key_of = {column.header: column.key for column in INPUT_COLUMNS}
    return {key_of[cell.value]: sheet.cell(row=row, column=cell.column).value
            for cell in sheet[1] if cell.value in key_of}


def test_every_column_kind_has_optional_columns():
    assert all(KINDS.values())


@pytest.mark.parametrize("empty", list(EMPTY_VALUES))
@pytest.mark.parametrize("kind", list(KINDS))
def test_an_empty_value_leaves_its_cell_blank(written, kind, empty):
    stored, _ = written
    assert {key: stored[empty][key] for key in KINDS[kind]} == dict.fromkeys(KINDS[kind])


@pytest.mark.parametrize("empty", list(EMPTY_VALUES))
@pytest.mark.parametrize("kind", list(KINDS))
def test_an_empty_value_reads_back_empty(written, kind, empty):
    _, read = written
    assert {key: read[empty][key] for key in KINDS[kind]} == dict.fromkeys(KINDS[kind])


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_value_with_spaces_around_it_is_written_and_read_back_trimmed(written, kind):
    stored, read = written
    expected = {key: _padded(key).strip() if BY_KEY[key].kind != DATE else _padded(key)
                for key in KINDS[kind]}
    assert {key: read["padded"][key] for key in KINDS[kind]} == expected
    assert all(stored["padded"][key] is not None for key in KINDS[kind])


@pytest.mark.parametrize("empty", list(EMPTY_VALUES.values()), ids=list(EMPTY_VALUES))
def test_marking_a_date_refuses_an_empty_value_and_writes_nothing(tmp_path, empty):
    path = write_register(tmp_path / "registre.xlsx", [complaint()])
    before = path.read_bytes()
    with pytest.raises(ValueError):
        mark_dates(path, [(2, "date_accuse", date(2026, 11, 3)), (2, "date_reponse", empty)])
    assert path.read_bytes() == before


def test_marking_a_date_writes_a_real_date_and_reads_it_back(tmp_path):
    path = write_register(tmp_path / "registre.xlsx", [complaint()])
    mark_dates(path, [(2, "date_accuse", date(2026, 11, 3))])
    assert read_register(path).frame["date_accuse"].tolist() == [date(2026, 11, 3)]


@pytest.mark.parametrize("empty", list(EMPTY_VALUES.values()), ids=list(EMPTY_VALUES))
def test_an_empty_value_for_a_row_the_sheet_lacks_writes_nothing_there(tmp_path, empty):
    # Staff cleared a cell below the register (or a script sent an empty value there): the
    # row is not created, the write beside it goes through, and its check reads the
    # missing row as empty.
    path = write_register(tmp_path / "registre.xlsx", [complaint()])
    write_values(path, [(2, "observations", "Rappel fait."), (40, "observations", empty)])
    assert read_register(path).frame["observations"].tolist() == ["Rappel fait."]
    sheet = load_workbook(path)["Registre"]
    assert sheet.max_row == 2


@pytest.mark.parametrize("empty", list(EMPTY_VALUES.values()), ids=list(EMPTY_VALUES))
def test_a_value_cleared_above_a_filled_cell_is_checked_in_its_own_row(tmp_path, empty):
    # A cell without a style cleared: it leaves the sheet, and the check after saving must
    # read it as empty in its own row, not find the same column's cell of the row below.
    path = write_register(tmp_path / "registre.xlsx", [
        complaint(observations="Rappel fait."),
        complaint("2026-002", date(2026, 11, 5), observations="Dossier complet.")])
    write_values(path, [(2, "observations", empty)])
    assert read_register(path).frame["observations"].tolist() == [None, "Dossier complet."]
