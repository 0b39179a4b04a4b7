"""Before it replaces the register, a write opens the saved copy again and reads it with
the toolkit's own reader: a value that would not read back as it was written, or a copy
openpyxl cannot open, leaves the register as it was, with a French message naming the
cell (row and column header)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from helpers.register_files import complaint, with_part
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableColumn

from toolkit.cli import main
from toolkit.errors import RegisterFileError
from toolkit.register.reading import read_register
from toolkit.register.template import create_register
from toolkit.register.writeback import BACKUP_DIRNAME, append_complaints, mark_dates
from toolkit.rules.columns import COLUMNS

DAY = date(2026, 11, 9)
# openpyxl stores this text as typed, but Excel and the register's reader both decode
# "_x0041_" as the escaped character "A" (OOXML escapes): it would read back "code A fin".
ESCAPE_LOOKALIKE = "code _x0041_ fin"


def _refusal(row: int, header: str) -> str:
    return (f"registre.xlsx : l'enregistrement n'a pas pu être vérifié (ligne {row}, "
            f"{header}). Le registre n'a pas été modifié.")


def test_new_complaint_whose_text_would_read_back_differently_is_refused(make_register,
                                                                        capsys):
    path = make_register([complaint()])
    original = path.read_bytes()
    code = main(["new", "--register", str(path), "--today", "2026-11-20", "--canal", "Courrier",
                 "--date", "16/11/2026", "--nom", "Hugo Petit",
                 "--description", ESCAPE_LOOKALIKE])
    # The register holds 2026-001 on row 2: the new complaint was going to row 3.
    assert code == 2
    assert capsys.readouterr().err == f"Erreur : {_refusal(3, 'Description')}\n"
    assert path.read_bytes() == original
    assert list(read_register(path).frame["numero"]) == ["2026-001"]


def test_the_refusal_names_the_first_cell_that_would_read_back_differently(make_register):
    path = make_register([complaint()])
    original = path.read_bytes()
    rows = [complaint("2026-002", description=ESCAPE_LOOKALIKE),
            complaint("2026-003", nom=f"Hugo {ESCAPE_LOOKALIKE}")]
    with pytest.raises(RegisterFileError) as refused:
        append_complaints(path, rows)
    # Rows 3 and 4 are both wrong; the message names the first one written.
    assert str(refused.value) == _refusal(3, "Description")
    assert path.read_bytes() == original


def _with_totals_row(path: Path) -> Path:
    """Two complaints (rows 2-3) in an Excel table whose totals row is row 4."""
    create_register(path, [complaint("2026-001"), complaint("2026-002", date(2026, 11, 5))])
    workbook = load_workbook(path)
    sheet = workbook["Registre"]
    last = get_column_letter(len(COLUMNS))
    columns = [TableColumn(id=index, name=column.header)
               for index, column in enumerate(COLUMNS, start=1)]
    columns[0].totalsRowLabel = "Total"
    sheet["A4"] = "Total"
    sheet.add_table(Table(displayName="Reclamations", ref=f"A1:{last}4", tableColumns=columns,
                          totalsRowCount=1))
    sheet.auto_filter.ref = None  # Excel refuses a sheet filter over a table
    workbook.save(path)
    return path


def test_a_date_written_on_the_tables_totals_row_is_refused(tmp_path):
    # The reader never takes the totals row for a complaint, so a date put there would
    # be in the file yet missing from every list, letter and report.
    path = _with_totals_row(tmp_path / "registre.xlsx")
    original = path.read_bytes()
    message = _refusal(4, "Date d'accusé de réception")
    with pytest.raises(RegisterFileError, match=f"^{re.escape(message)}$"):
        mark_dates(path, [(4, "date_accuse", DAY)])
    assert path.read_bytes() == original


def test_a_workbook_openpyxl_cannot_open_is_refused_before_anything_is_written(make_register):
    # A damaged document-properties part: the reader does not need it, openpyxl does.
    path = make_register([complaint()])
    with_part(path, "docProps/core.xml", lambda _: b"<cp:coreProperties")
    original = path.read_bytes()
    message = ("registre.xlsx ne peut pas être ouvert pour y écrire : classeur endommagé ou "
               "piégé (XMLSyntaxError). Rien n'a été écrit.")
    with pytest.raises(RegisterFileError, match=f"^{re.escape(message)}$"):
        mark_dates(path, [(2, "date_accuse", DAY)])
    assert path.read_bytes() == original
    assert not (path.parent / BACKUP_DIRNAME).exists()
