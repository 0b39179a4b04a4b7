"""A register formatted as an Excel table (Insert › Table): new complaints go inside it.

The table's range grows over the new rows, its header, style and totals row stay right;
tested on a table made with openpyxl and on one LibreOffice saved.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from helpers.register_files import complaint
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from toolkit.api import check_register
from toolkit.libreoffice import convert
from toolkit.register.reading import read_register
from toolkit.register.template import create_register
from toolkit.register.writeback import append_complaints
from toolkit.rules.columns import COLUMNS

HEADERS = [column.header for column in COLUMNS]
LAST = get_column_letter(len(HEADERS))  # the table spans every column of the register
STYLE = "TableStyleMedium9"
NEW = [complaint("2026-003", date(2026, 11, 12), nom="Hugo Petit"),
       complaint("2026-004", date(2026, 11, 13), nom="Inès Roux")]


def _tabled(path: Path, totals: bool = False) -> Path:
    """Two complaints (rows 2-3) in a table over every column, plus a totals row 4 when asked."""
    create_register(path, [complaint("2026-001"), complaint("2026-002", date(2026, 11, 5))])
    workbook = load_workbook(path)
    sheet = workbook["Registre"]
    last = 4 if totals else 3
    columns = [TableColumn(id=index, name=header) for index, header in
               enumerate(HEADERS, start=1)]
    table = Table(displayName="Reclamations", ref=f"A1:{LAST}{last}", tableColumns=columns,
                  totalsRowCount=1 if totals else None, autoFilter=AutoFilter(ref=f"A1:{LAST}3"))
    table.tableStyleInfo = TableStyleInfo(name=STYLE, showRowStripes=True)
    if totals:
        columns[0].totalsRowLabel = "Total"
        columns[4].totalsRowFunction = "count"
        sheet["A4"] = "Total"
        sheet["E4"] = "=SUBTOTAL(103,Reclamations[Nom du client])"
    sheet.add_table(table)
    sheet.auto_filter.ref = None  # Excel refuses a sheet filter over a table
    workbook.save(path)
    return path


def _table(path: Path):
    sheet = load_workbook(path)["Registre"]
    (table,) = sheet.tables.values()
    return sheet, table


def test_new_rows_go_inside_the_table_and_it_grows(tmp_path):
    path = _tabled(tmp_path / "registre.xlsx")
    assert append_complaints(path, NEW) == [4, 5]
    sheet, table = _table(path)
    assert table.ref == f"A1:{LAST}5"
    assert table.autoFilter.ref == f"A1:{LAST}5"
    assert table.tableStyleInfo.name == STYLE
    assert [column.name for column in table.tableColumns] == HEADERS
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.auto_filter.ref is None
    frame = read_register(path).frame
    assert list(frame["numero"]) == ["2026-001", "2026-002", "2026-003", "2026-004"]
    assert list(frame["ligne"]) == [2, 3, 4, 5]


def test_the_totals_row_moves_below_the_new_rows(tmp_path):
    path = _tabled(tmp_path / "registre.xlsx", totals=True)
    assert append_complaints(path, NEW) == [4, 5]
    sheet, table = _table(path)
    assert table.ref == f"A1:{LAST}6"
    assert table.autoFilter.ref == f"A1:{LAST}5"  # the filter covers the data, not the totals
    assert table.totalsRowCount == 1
    assert (sheet["A6"].value, sheet["E6"].value) == (
        "Total", "=SUBTOTAL(103,Reclamations[Nom du client])")
    assert (sheet["A4"].value, sheet["E5"].value) == ("2026-003", "Inès Roux")
    assert [column.totalsRowLabel for column in table.tableColumns][:1] == ["Total"]
    assert table.tableColumns[4].totalsRowFunction == "count"
    # The totals row is not a complaint: neither read nor checked.
    assert list(read_register(path).frame["numero"]) == [
        "2026-001", "2026-002", "2026-003", "2026-004"]
    assert check_register(path, date(2026, 11, 20)).ok


@pytest.mark.libreoffice
def test_a_table_libreoffice_saved_grows_too(tmp_path):
    source = _tabled(tmp_path / "source.xlsx")
    path = convert(source, "xlsx", tmp_path / "libreoffice")
    assert _table(path)[1].ref == f"A1:{LAST}3"
    copy = Path(shutil.copy(path, tmp_path / "registre.xlsx"))
    assert append_complaints(copy, NEW) == [4, 5]
    sheet, table = _table(copy)
    assert table.ref == f"A1:{LAST}5"
    assert [column.name for column in table.tableColumns] == HEADERS
    assert sheet["A5"].value == "2026-004"
