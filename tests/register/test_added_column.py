"""A write needing an optional column the register lacks (an older register) adds it: its
header goes right after the last column that holds something, looks like the register's
own headers (font and fill copied from the header row), gets the column's width, and the
value is written under it.

Each case writes a real .xlsx, runs the real write, then reopens the file with openpyxl.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime

import pytest
from helpers.letter_files import run_letters
from helpers.register_files import (
    ALL_HEADERS,
    COLUMN_LETTER,
    complaint,
    stated_extent,
    with_part,
    write_register,
)
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


def test_the_sheets_stated_extent_reaches_the_added_column(tmp_path):
    # No row is added: only the column, one to the right of the stated end.
    path = write_register(tmp_path / "registre.xlsx", [complaint()],
                          headers=[h for h in ALL_HEADERS if h != PROMISED])
    assert stated_extent(path) == (2, len(COLUMNS) - 1)
    mark_dates(path, [(2, "date_reponse_annoncee", date(2026, 11, 30))])
    assert stated_extent(path) == (2, len(COLUMNS))


def test_the_added_header_takes_the_place_of_an_empty_cell_staff_coloured(tmp_path):
    # Staff coloured the header row beyond its last column: an empty cell already stands
    # where the header goes. One cell per place, or Excel repairs the file.
    path = write_register(tmp_path / "registre.xlsx", [complaint()],
                          headers=[h for h in ALL_HEADERS if h != PROMISED])
    workbook = load_workbook(path)
    workbook["Registre"][f"{ADDED}1"].fill = PatternFill("solid", fgColor="FFFFE699")
    workbook.save(path)
    mark_dates(path, [(2, "date_reponse_annoncee", date(2026, 11, 30))])
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert len(re.findall(f'<c r="{ADDED}1"[ />]'.encode(), xml)) == 1
    assert load_workbook(path)["Registre"][f"{ADDED}1"].value == PROMISED


@pytest.mark.parametrize("empty", [
    b'<c r="AE2" t="inlineStr"><is><t></t></is></c>', b'<c r="AE2" s="0"><v></v></c>'])
def test_an_empty_text_cell_is_not_a_used_column(tmp_path, empty):
    path = write_register(tmp_path / "registre.xlsx", [complaint()],
                          headers=[h for h in ALL_HEADERS if h != PROMISED])
    # Some exports leave a cell holding an empty text, or an empty value: AE2 looks
    # empty, and is.
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</row></sheetData>", empty + b"</row></sheetData>"))
    assert load_workbook(path)["Registre"]["AE2"].value in ("", None)
    mark_dates(path, [(2, "date_reponse_annoncee", date(2026, 11, 30))])
    sheet = load_workbook(path)["Registre"]
    assert [sheet[f"{LAST}1"].value, sheet[f"{ADDED}1"].value] == ["Statut", PROMISED]
    assert sheet[f"{ADDED}2"].value == datetime(2026, 11, 30)
    assert sheet["AF1"].value is None


def test_a_column_used_below_an_empty_value_cell_is_used(tmp_path):
    # AE2 holds an empty <v></v> (a styled empty cell), AE3 a note staff typed: the column
    # is staff's, and the added one goes after it.
    path = write_register(tmp_path / "registre.xlsx", [complaint(), complaint()],
                          headers=[h for h in ALL_HEADERS if h != PROMISED])

    def with_cells(xml: bytes) -> bytes:
        for number, cell in ((2, b'<c r="AE2" s="0"><v></v></c>'),
                             (3, b'<c r="AE3" t="inlineStr"><is><t>rappeler</t></is></c>')):
            xml = re.sub(rb'(<row r="' + str(number).encode() + rb'"[^>]*>.*?)(</row>)',
                         lambda match, cell=cell: match.group(1) + cell + match.group(2),
                         xml, count=1, flags=re.DOTALL)
        return xml

    with_part(path, "xl/worksheets/sheet1.xml", with_cells)
    assert load_workbook(path)["Registre"]["AE3"].value == "rappeler"
    mark_dates(path, [(2, "date_reponse_annoncee", date(2026, 11, 30))])
    sheet = load_workbook(path)["Registre"]
    assert [sheet["AE1"].value, sheet["AE3"].value] == [None, "rappeler"]
    assert [sheet["AF1"].value, sheet["AF2"].value] == [PROMISED, datetime(2026, 11, 30)]


def _one_sheet(path, title: str | None = None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Registre"
    if title is not None:
        sheet["A1"] = title
        sheet["A1"].font = Font(bold=True, color="FFC00000")
    workbook.save(path)
    return path


@pytest.mark.parametrize("empty", [
    b"<sheetData></sheetData>",  # as openpyxl writes an empty sheet
    b"<sheetData/>",  # as Excel and LibreOffice write it
])
def test_a_blank_register_sheet_gets_the_column_in_a(tmp_path, empty):
    path = _one_sheet(tmp_path / "registre.xlsx")
    with_part(path, "xl/worksheets/sheet1.xml",
              lambda xml: re.sub(rb"<sheetData>\s*</sheetData>", empty, xml))
    mark_dates(path, [(2, "date_reponse", date(2026, 11, 30))])
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    # The rows inside the sheet's one <sheetData>, none outside it.
    assert re.findall(rb"<sheetData\b[^>]*>", xml) == [b"<sheetData>"]
    assert xml.index(b"<sheetData>") < xml.index(b"<row ") < xml.rindex(b"</row>") < \
        xml.index(b"</sheetData>")
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


def _column_ranges(path) -> list[tuple[int, int, float]]:
    """The sheet's ``<col>`` elements as written: first column, last column, width."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    found = [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<col\b[^>]*>", xml)]
    return [(int(col["min"]), int(col["max"]), float(col["width"])) for col in found]


def _older_register(tmp_path, cols: bytes = b""):
    """A register without « Date de réponse annoncée » (written without ``<cols>``, as some
    exports write a sheet), given ``cols`` where the schema puts them."""
    path = write_register(tmp_path / "registre.xlsx", [complaint()],
                          headers=[h for h in ALL_HEADERS if h != PROMISED])
    with_part(path, "xl/worksheets/sheet1.xml",
              lambda xml: xml.replace(b"<sheetData>", cols + b"<sheetData>"))
    return path


_ADDED = column_index_from_string(ADDED)


@pytest.mark.parametrize(("cols", "ranges"), [
    # LibreOffice writes the columns of one width as one range (up to 1024): the added
    # column takes its own width from inside it, the columns on either side keep theirs.
    (b'<col min="1" max="1024" width="12" customWidth="1"/>',
     [(1, _ADDED - 1, 12.0), (_ADDED, _ADDED, 14.0), (_ADDED + 1, 1024, 12.0)]),
    # The unused columns' range often starts right after the last used one, where the
    # column is added: nothing is left before it (a range ending before its start is one
    # Excel repairs).
    (f'<col min="1" max="{_ADDED - 1}" width="12" customWidth="1"/>'
     f'<col min="{_ADDED}" max="1024" width="9"/>'.encode(),
     [(1, _ADDED - 1, 12.0), (_ADDED, _ADDED, 14.0), (_ADDED + 1, 1024, 9.0)]),
    # a range ending at the added column: nothing is left after it
    (f'<col min="1" max="{_ADDED}" width="12" customWidth="1"/>'.encode(),
     [(1, _ADDED - 1, 12.0), (_ADDED, _ADDED, 14.0)]),
    # staff widened a notes column further right: the added column's range goes before
    # it, where the schema's ascending order puts it
    (f'<col min="1" max="{_ADDED - 1}" width="12" customWidth="1"/>'
     f'<col min="{_ADDED + 2}" max="{_ADDED + 2}" width="30" customWidth="1"/>'.encode(),
     [(1, _ADDED - 1, 12.0), (_ADDED, _ADDED, 14.0), (_ADDED + 2, _ADDED + 2, 30.0)]),
    # ranges written with an end tag (the schema allows it; some tools write them so):
    # neither the range split nor the one before it is lost
    (b'<col min="1" max="3" width="20" customWidth="1"></col>'
     b'<col min="4" max="1024" width="12" customWidth="1"></col>',
     [(1, 3, 20.0), (4, _ADDED - 1, 12.0), (_ADDED, _ADDED, 14.0), (_ADDED + 1, 1024, 12.0)]),
    # ranges on lines of their own (a tool that indents its XML): still one <cols>, split
    (b'\n  <col min="1" max="3" width="20" customWidth="1"/>'
     b'\r\n  <col min="4" max="1024" width="12" customWidth="1"/>\n',
     [(1, 3, 20.0), (4, _ADDED - 1, 12.0), (_ADDED, _ADDED, 14.0), (_ADDED + 1, 1024, 12.0)]),
])
def test_the_added_columns_width_splits_a_range_of_columns_set_together(tmp_path, cols, ranges):
    path = _older_register(tmp_path, b"<cols>" + cols + b"</cols>")
    mark_dates(path, [(2, "date_reponse_annoncee", date(2026, 11, 30))])
    assert _column_ranges(path) == ranges
    sheet = load_workbook(path)["Registre"]
    assert sheet[f"{ADDED}1"].value == PROMISED
    assert sheet[f"{ADDED}2"].value == datetime(2026, 11, 30)


def test_a_sheet_without_column_widths_gets_them_before_its_rows(tmp_path):
    path = _older_register(tmp_path)
    mark_dates(path, [(2, "date_reponse_annoncee", date(2026, 11, 30))])
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    added = column_index_from_string(ADDED)
    # The schema puts <cols> before <sheetData>: after it, Excel repairs the file.
    assert xml.index(b"<cols>") < xml.index(b"<sheetData")
    assert _column_ranges(path) == [(added, added, 14.0)]
    assert load_workbook(path)["Registre"].column_dimensions[ADDED].width == 14
