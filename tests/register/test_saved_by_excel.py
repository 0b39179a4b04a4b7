"""A register given back by Excel: every write works on it and keeps what Excel wrote.

Excel declares its own namespaces on each part's root and uses them in prefixed attributes
(`x14ac:dyDescent` on every row, unique ids on validations and revisions). A rebuilt row is
checked as XML before it is written; that check must know the prefixes the sheet declares.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date

from helpers.letter_files import run_letters
from helpers.register_files import SAMPLE_REGISTER, as_saved_by_excel, complaint
from openpyxl import load_workbook

from toolkit.cli import main
from toolkit.register.reading import read_register
from toolkit.register.writeback import append_complaints, mark_dates


def _sheet_xml(path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def _values(path, key: str) -> dict[str, object]:
    frame = read_register(path).frame
    return dict(zip(frame["numero"], frame[key], strict=True))


def _row_tag(xml: bytes, number: int) -> bytes:
    return re.search(rb'<row r="' + str(number).encode() + rb'"[^>]*>', xml).group(0)


def test_a_date_is_written_in_a_row_excel_saved(tmp_path):
    path = as_saved_by_excel(SAMPLE_REGISTER, tmp_path / "registre.xlsx")
    assert b'x14ac:dyDescent="0.25"' in _row_tag(_sheet_xml(path), 2)
    mark_dates(path, [(2, "date_information", date(2026, 11, 30))])
    xml = _sheet_xml(path)
    # The row keeps Excel's attribute, declared on the root, which keeps its namespaces.
    assert b'x14ac:dyDescent="0.25"' in _row_tag(xml, 2)
    assert b'mc:Ignorable="x14ac xr xr2 xr3"' in xml[:2000]
    sheet = load_workbook(path)["Registre"]
    assert sheet["A2"].value == "2026-001"
    assert _values(path, "date_information")["2026-001"] == date(2026, 11, 30)


def test_a_complaint_is_added_and_letters_marked_sent_in_a_register_excel_saved(tmp_path):
    path = as_saved_by_excel(SAMPLE_REGISTER, tmp_path / "registre.xlsx")
    before = _values(path, "date_accuse")
    [row] = append_complaints(path, [complaint("2026-900", date(2026, 11, 19))])
    assert load_workbook(path)["Registre"][f"A{row}"].value == "2026-900"
    assert run_letters(path, "--numero", "2026-900", "--mark-sent") == 0
    after = _values(path, "date_accuse")
    assert after.pop("2026-900") == date(2026, 11, 20)
    assert after == before
    assert main(["check", "--register", str(path), "--today", "20/11/2026"]) == 0
