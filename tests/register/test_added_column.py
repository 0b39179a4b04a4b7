"""A write needing an optional column the register lacks (an older register) adds it: its
header goes right after the last column that holds something, looks like the register's
own headers (font and fill copied from the header row), gets the column's width, and the
value is written under it.

Each case writes a real .xlsx, runs the real write, then reopens the file with openpyxl.
"""

from __future__ import annotations

from datetime import date, datetime

from helpers.letter_files import run_letters
from helpers.register_files import ALL_HEADERS, COLUMN_LETTER, complaint, with_part, write_register
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter

from toolkit.register.writeback import mark_dates
from toolkit.rules.columns import COLUMNS

PROMISED = "Date de réponse annoncée"
# Without the promised date, Statut (the template's last column) moves one to the left and
# the added column comes right after it.
LAST, ADDED, AFTER = (get_column_letter(len(COLUMNS) + shift) for shift in (-1, 0, 1))
MEDIATOR = {"mediateur": "CM2C", "site_mediateur": "https://www.cm2c.net",
            "adresse_mediateur": "14 rue Saint-Jean\n75017 Paris"}


def _without_promised_date(path):
    """Remove « Date de réponse annoncée » and dress the header row in the
    agency's own colours: an older register, restyled by staff."""
    workbook = load_workbook(path)
    sheet = workbook["Registre"]
    sheet.delete_cols(column_index_from_string(COLUMN_LETTER["date_reponse_annoncee"]))
    for cell in sheet[1]:
        cell.font = Font(name="Arial", size=10, italic=True, color="FF7030A0")
        cell.fill = PatternFill("solid", fgColor="FFFFE699")
    workbook.save(path)


def test_an_older_register_gets_the_promised_date_column_in_its_own_header_style(
        make_register):
    register = make_register([complaint(date_accuse=date(2026, 11, 3))], MEDIATOR)
    _without_promised_date(register)
    assert run_letters(register, "--type", "suivi", "--mark-sent", today="2026-12-10") == 0
    sheet = load_workbook(register)["Registre"]
    assert [sheet[f"{LAST}1"].value, sheet[f"{ADDED}1"].value] == ["Statut", PROMISED]
    assert sheet[f"{AFTER}1"].value is None
    header = sheet[f"{ADDED}1"]
    assert (header.font.name, header.font.sz, header.font.i, header.font.color.rgb) == \
        ("Arial", 10, True, "FF7030A0")
    assert (header.fill.fill_type, header.fill.fgColor.rgb) == ("solid", "FFFFE699")
    assert sheet.column_dimensions[ADDED].width == 14
    assert sheet[f"{ADDED}2"].value == datetime(2026, 12, 26)  # 10/12/2026 + 15 days


def test_an_empty_text_cell_is_not_a_used_column(tmp_path):
    path = write_register(tmp_path / "registre.xlsx", [complaint()],
                          headers=[h for h in ALL_HEADERS if h != PROMISED])
    # Some exports leave a cell holding an empty text: AE2 looks empty, and is.
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</row></sheetData>",
        b'<c r="AE2" t="inlineStr"><is><t></t></is></c></row></sheetData>'))
    assert load_workbook(path)["Registre"]["AE2"].value == ""
    mark_dates(path, [(2, "date_reponse_annoncee", date(2026, 11, 30))])
    sheet = load_workbook(path)["Registre"]
    assert [sheet[f"{LAST}1"].value, sheet[f"{ADDED}1"].value] == ["Statut", PROMISED]
    assert sheet[f"{ADDED}2"].value == datetime(2026, 11, 30)
    assert sheet["AF1"].value is None


def _one_sheet(path, title: str | None = None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Registre"
    if title is not None:
        sheet["A1"] = title
        sheet["A1"].font = Font(bold=True, color="FFC00000")
    workbook.save(path)
    return path


def test_a_blank_register_sheet_gets_the_column_in_a(tmp_path):
    path = _one_sheet(tmp_path / "registre.xlsx")
    mark_dates(path, [(2, "date_reponse", date(2026, 11, 30))])
    sheet = load_workbook(path)["Registre"]
    assert sheet["A1"].value == "Date de réponse au client"
    assert sheet.column_dimensions["A"].width == 14
    assert sheet["A2"].value == datetime(2026, 11, 30)
    assert sheet["B1"].value is None


def test_only_a_register_header_lends_its_style(tmp_path):
    # A1 is staff's own title, not a register column: the added header stays plain.
    path = _one_sheet(tmp_path / "registre.xlsx", title="Suivi 2026")
    mark_dates(path, [(2, "date_reponse", date(2026, 11, 30))])
    sheet = load_workbook(path)["Registre"]
    assert [sheet["A1"].value, sheet["B1"].value] == ["Suivi 2026", "Date de réponse au client"]
    assert not sheet["B1"].has_style  # the workbook's default look: not A1's bold red
    assert sheet["B2"].value == datetime(2026, 11, 30)
