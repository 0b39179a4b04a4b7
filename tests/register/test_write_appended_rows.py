"""A complaint appended to a register that has no input formats yet (one written by another
tool) gets them, and the saved file asks Excel to recalculate its formulas on opening."""

from __future__ import annotations

import re
import zipfile
from datetime import date

from helpers.register_files import complaint, write_register
from openpyxl import load_workbook

from toolkit.register.writeback import append_complaints


def test_appended_row_can_be_typed_in_and_shows_dates(tmp_path):
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    (row,) = append_complaints(path, [complaint("2026-002", date(2026, 11, 5))])
    workbook = load_workbook(path)
    sheet = workbook["Registre"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    assert row == 3
    # The sheet is protected after a write: a locked cell could not be typed in.
    assert sheet.protection.sheet
    description = sheet.cell(row, headers["Description"])
    assert description.protection.locked is False
    received = sheet.cell(row, headers["Date de réclamation"])
    assert received.number_format.lower() == "dd/mm/yyyy"
    assert sheet.cell(row, headers["Date d'accusé de réception"]).protection.locked is False
    # Excel reads the attribute itself (openpyxl would fill in its default on reading).
    with zipfile.ZipFile(path) as archive:
        workbook_part = archive.read("xl/workbook.xml").decode("utf-8")
    assert re.search(r'<calcPr [^>]*fullCalcOnLoad="1"', workbook_part)
