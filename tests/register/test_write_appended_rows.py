"""A complaint appended to a register that has no input formats yet (one written by another
tool) gets them, and the saved file asks Excel to recalculate its formulas on opening; its
formulas come from the rows above, or from the toolkit's own when no row has any."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from helpers.register_files import (
    ALL_HEADERS,
    COLUMN_LETTER,
    cell_styles,
    complaint,
    row_of,
    stated_extent,
    with_part,
    write_grid,
    write_register,
)
from helpers.rich_registers import strings_shared
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Border, Side
from openpyxl.utils import get_column_letter

from toolkit.register.layout import PREPARED_ROWS, ack_formula, reply_formula, status_formula
from toolkit.register.reading import read_register
from toolkit.register.sheet_xml import MAIN_NS
from toolkit.register.template import create_register
from toolkit.register.writeback import append_complaints, mark_dates
from toolkit.rules.columns import COLUMNS

RECEIVED, DEADLINE = COLUMN_LETTER["date_reclamation"], COLUMN_LETTER["echeance_reponse"]


def _protection(path: Path) -> dict[str, object]:
    protection = load_workbook(path)["Registre"].protection
    return {name: getattr(protection, name) for name in protection.__attrs__}


def test_a_sheet_without_protection_gets_the_templates(tmp_path):
    # Locked formula columns, and what staff may still do (format, insert and delete rows,
    # sort, filter, links) as the template allows it; no password. (Staff lifted it, or
    # the register was made by another tool.)
    template = create_register(tmp_path / "modele.xlsx")
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    assert not _protection(path)["sheet"]
    append_complaints(path, [complaint("2026-002", date(2026, 11, 5))])
    assert _protection(path) == _protection(template)


def test_the_protection_given_goes_after_the_sheets_calculation_settings(tmp_path):
    # ECMA-376 CT_Worksheet: <sheetCalcPr> (written by Excel after a full calculation)
    # comes right after the rows, and <sheetProtection> after it; the other way round, Excel
    # repairs the file.
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>", b'</sheetData><sheetCalcPr fullCalcOnLoad="1"/>', 1))
    append_complaints(path, [complaint("2026-002", date(2026, 11, 5))])
    with zipfile.ZipFile(path) as archive:
        tail = archive.read("xl/worksheets/sheet1.xml").split(b"</sheetData>")[1]
    assert re.match(rb'<sheetCalcPr fullCalcOnLoad="1"/><sheetProtection\b', tail), tail[:80]
    assert _protection(path)["sheet"]


def test_the_last_row_of_the_sheet_keeps_what_staff_put_there_when_rows_are_prepared(
        tmp_path):
    # A formula of staff's own beyond the register's columns, two rows below the last
    # complaint: the row is prepared like the others, and keeps it.
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    beyond = get_column_letter(len(COLUMNS) + 2)
    workbook = load_workbook(path)
    workbook["Registre"][f"{beyond}4"] = "=1+1"
    workbook.save(path)
    (row,) = append_complaints(path, [complaint("2026-002", date(2026, 11, 5))])
    sheet = load_workbook(path)["Registre"]
    assert (row, sheet[f"{beyond}4"].value) == (3, "=1+1")
    assert sheet[f"{RECEIVED}4"].protection.locked is False  # prepared all the same


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
    acknowledged = sheet.cell(row, headers["Date d'accusé de réception"])
    assert acknowledged.protection.locked is False
    # Still empty, it shows the date staff will type as a date.
    assert acknowledged.value is None and acknowledged.number_format.lower() == "dd/mm/yyyy"
    # Excel reads the attribute itself (openpyxl would fill in its default on reading).
    with zipfile.ZipFile(path) as archive:
        workbook_part = archive.read("xl/workbook.xml").decode("utf-8")
    assert re.search(r'<calcPr [^>]*fullCalcOnLoad="1"', workbook_part)


def test_the_sheets_stated_extent_reaches_the_rows_written_below_it(tmp_path):
    # The register ends at row 2 (<dimension ref="A1:AC2">). A script looping up to
    # openpyxl's read-only max_row, which reads that element, must see the new complaints;
    # the rows the write prepares for typing below them are part of the sheet too.
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    assert stated_extent(path) == (2, len(COLUMNS))
    assert append_complaints(path, [complaint("2026-002"), complaint("2026-003")]) == [3, 4]
    assert stated_extent(path) == (PREPARED_ROWS, len(COLUMNS))
    workbook = load_workbook(path, read_only=True)
    sheet = workbook["Registre"]
    numbers = [number for (number,) in sheet.iter_rows(min_row=2, max_row=sheet.max_row,
                                                       max_col=1, values_only=True)
               if number is not None]
    workbook.close()
    assert numbers == ["2026-001", "2026-002", "2026-003"]


def test_a_register_whose_header_is_below_a_title_and_an_empty_row_is_written_under_it(
        tmp_path):
    # Row 2 is empty: the file has no element for it (Excel, LibreOffice and openpyxl leave
    # empty rows out), so the header is the second row element but the third row. An older
    # register: the column of the promised date is added, its header beside the others.
    headers = [header for header in ALL_HEADERS if header != "Date de réponse annoncée"]
    path = write_grid(tmp_path / "registre.xlsx", [
        ["Registre des réclamations — ONLY PERMIS"], [], headers,
        row_of(complaint("2026-001"), headers)])
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert re.findall(rb'<row r="(\d+)"', sheet) == [b"1", b"3", b"4"]
    (row,) = append_complaints(path, [complaint("2026-002", date(2026, 11, 5), nom="Karim Benali")])
    mark_dates(path, [(4, "date_accuse", date(2026, 11, 9)),
                      (4, "date_reponse_annoncee", date(2026, 12, 20))])
    register = read_register(path)
    assert row == 5 and register.header_row == 3
    assert list(register.frame["ligne"]) == [4, 5]
    assert list(register.frame["nom"]) == ["Léa Moreau", "Karim Benali"]
    assert register.frame.loc[0, "date_accuse"] == date(2026, 11, 9)
    assert register.frame.loc[0, "date_reponse_annoncee"] == date(2026, 12, 20)
    grid = load_workbook(path)["Registre"]
    added = get_column_letter(len(headers) + 1)
    assert [grid["A1"].value, grid[f"{added}2"].value, grid[f"{added}3"].value] == \
        ["Registre des réclamations — ONLY PERMIS", None, "Date de réponse annoncée"]


def test_a_register_with_an_empty_row_kept_tall_above_its_header_is_written(tmp_path):
    # A row left empty above the header, made taller for a logo: the file keeps an element
    # for it that holds no cell.
    path = write_grid(tmp_path / "registre.xlsx", [[], ALL_HEADERS,
                                                  row_of(complaint("2026-001"), ALL_HEADERS)])
    workbook = load_workbook(path)
    workbook["Registre"].row_dimensions[1].height = 60
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        assert re.search(rb'<row r="1"[^>]*>(</row>)?<row r="2"',
                         archive.read("xl/worksheets/sheet1.xml"))
    (row,) = append_complaints(path, [complaint("2026-002", date(2026, 11, 5))])
    register = read_register(path)
    assert row == 4 and register.header_row == 2
    assert list(register.frame["numero"]) == ["2026-001", "2026-002"]
    assert load_workbook(path)["Registre"].row_dimensions[1].height == 60


def test_a_complaint_typed_without_its_number_is_not_written_over(tmp_path):
    # Typed in Excel in a prepared row, its number not given yet: the row's first cell is
    # still there, styled and empty, before the values. The next complaint goes below it.
    path = create_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    workbook = load_workbook(path)
    sheet = workbook["Registre"]
    typed = complaint(None, date(2026, 11, 4), nom="Karim Benali")
    for key, value in typed.items():
        if value is not None:
            sheet[f"{COLUMN_LETTER[key]}3"] = value
    workbook.save(path)
    # saved by Excel, which writes an empty styled cell as <c r="A3" s="2"/>
    with_part(path, "xl/worksheets/sheet1.xml",
              lambda xml: re.sub(rb'(<c r="[A-Z]+\d+" s="\d+") t="n"></c>', rb"\1/>", xml))
    with zipfile.ZipFile(path) as archive:
        assert re.search(rb'<row r="3"><c r="A3" s="\d+"/><c r="B3"',
                         archive.read("xl/worksheets/sheet1.xml"))
    (row,) = append_complaints(path, [complaint("2026-002", date(2026, 11, 5), nom="Inès Roux")])
    assert row == 4
    assert list(read_register(path).frame["nom"]) == ["Léa Moreau", "Karim Benali", "Inès Roux"]


@pytest.mark.parametrize("shared", [False, True], ids=["inline", "shared-strings"])
def test_a_header_in_rich_text_is_found_by_the_write(tmp_path, shared):
    # « Nom du client » with its last word in bold, as openpyxl writes rich text: an
    # inline string in two runs, read as one text; Excel keeps the runs in its shared
    # strings.
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    workbook = load_workbook(path)
    header = next(cell for cell in workbook["Registre"][1] if cell.value == "Nom du client")
    header.value = CellRichText(["Nom du ", TextBlock(InlineFont(b=True), "client")])
    workbook.save(path)
    if shared:
        strings_shared(path)
    part = "xl/sharedStrings.xml" if shared else "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        assert b"<r><t" in archive.read(part)
    (row,) = append_complaints(path, [complaint("2026-002", date(2026, 11, 5), nom="Inès Roux")])
    assert row == 3
    assert list(read_register(path).frame["nom"]) == ["Léa Moreau", "Inès Roux"]


def test_a_row_staff_bordered_in_advance_is_prepared_like_a_new_one(tmp_path):
    # Staff drew the borders of the next rows before any complaint went there: the row
    # exists, its cells hold a style and no value. The complaint written in it leaves
    # « Date d'accusé de réception » and « Observations » empty: they show a typed date as
    # a date and wrap a long note, as in a row the toolkit adds.
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    workbook = load_workbook(path)
    sheet = workbook["Registre"]
    for line in (3, 4):
        for cell in sheet[line]:
            cell.border = Border(bottom=Side(style="thin"))
    workbook.save(path)
    (row,) = append_complaints(path, [complaint("2026-002", date(2026, 11, 5))])
    sheet = load_workbook(path)["Registre"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    acknowledged = sheet.cell(row, headers["Date d'accusé de réception"])
    note = sheet.cell(row, headers["Observations"])
    assert row == 3 and acknowledged.value is None and note.value is None
    assert acknowledged.number_format.lower() == "dd/mm/yyyy"
    assert note.alignment.wrap_text
    assert (acknowledged.border.bottom.style, note.protection.locked) == ("thin", False)
    # The bordered row below is prepared too: its empty formula cells get the formulas,
    # each in its one cell, with staff's border.
    deadline = sheet.cell(4, headers["Échéance accusé de réception"])
    assert str(deadline.value).startswith("=") and deadline.border.bottom.style == "thin"
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    for line in (3, 4):
        row_xml = re.search(rf'<row r="{line}".*?</row>', xml, re.DOTALL).group(0)
        columns = re.findall(rf'<c r="([A-Z]+){line}"', row_xml)
        assert len(columns) == len(set(columns)), columns  # twice: a file Excel repairs


def test_a_row_added_where_no_row_has_formulas_gets_the_zone_and_the_status(tmp_path):
    # Rows holding values only (a register copied as values): the new row takes the
    # toolkit's own formulas, with the zone typed in « Paramètres » (in Alsace-Moselle the
    # 26 December is a holiday) and the status column, not only the two deadlines.
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")],
                          parameters={"zone": "Alsace-Moselle"})
    (row,) = append_complaints(path, [complaint("2026-002", date(2026, 12, 14))])
    workbook = load_workbook(path)
    sheet = workbook["Registre"]
    letters = {cell.value: get_column_letter(cell.column) for cell in sheet[1]}
    zone_line = next(line for line, (label, _value) in enumerate(
        workbook["Paramètres"].iter_rows(values_only=True), start=1)
        if label == "Zone des jours fériés")

    def cell(header: str) -> str:
        return f"{letters[header]}{row}"

    def formula(header: str) -> str:
        return sheet[cell(header)].value

    received = cell("Date de réclamation")
    assert formula("Échéance accusé de réception") == ack_formula(
        received, f"'Paramètres'!$B${zone_line}")
    assert formula("Échéance réponse") == reply_formula(received)
    assert formula("Statut") == status_formula(
        received, cell("Date d'accusé de réception"), cell("Échéance accusé de réception"),
        cell("Date de réponse au client"), cell("Échéance réponse"))
    # the deadlines shown as dates; the status, a text, keeps its row's own format
    assert [sheet[cell(header)].number_format for header in (
        "Échéance accusé de réception", "Échéance réponse", "Statut")] == \
        ["dd/mm/yyyy", "dd/mm/yyyy", sheet[f"{letters['Statut']}2"].number_format]


def test_a_parameters_row_without_a_label_is_passed_over_on_the_way_to_the_zone(tmp_path):
    # Staff put a note in column B of « Paramètres », on a row of its own above the zone:
    # that row has no first cell, and the zone found below it is still the one referred to.
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")],
                          parameters={"zone": "Alsace-Moselle"})
    workbook = load_workbook(path)
    parameters = workbook["Paramètres"]
    parameters.insert_rows(2)
    parameters["B2"] = "Valeurs relues par la direction en janvier."
    workbook.save(path)
    zone_line = next(line for line, (label, *_values) in enumerate(
        parameters.iter_rows(values_only=True), start=1) if label == "Zone des jours fériés")
    (row,) = append_complaints(path, [complaint("2026-002", date(2026, 12, 14))])
    sheet = load_workbook(path)["Registre"]
    received = f"{COLUMN_LETTER['date_reclamation']}{row}"
    assert sheet[f"{COLUMN_LETTER['echeance_accuse']}{row}"].value == ack_formula(
        received, f"'Paramètres'!$B${zone_line}")


def test_a_row_added_beside_an_emptied_parameters_sheet_gets_its_formulas(tmp_path):
    # « Paramètres » emptied by staff (Excel then writes <sheetData/>): no zone to refer
    # to, and the new row still gets the toolkit's formulas, in metropolitan France's
    # calendar.
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")],
                          parameters={"zone": "Alsace-Moselle"})
    with_part(path, "xl/worksheets/sheet2.xml",
              lambda xml: re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData/>", xml,
                                 flags=re.DOTALL))
    assert load_workbook(path)["Paramètres"].max_row == 1
    (row,) = append_complaints(path, [complaint("2026-002", date(2026, 12, 14))])
    sheet = load_workbook(path)["Registre"]
    letters = {cell.value: get_column_letter(cell.column) for cell in sheet[1]}
    formula = sheet[f"{letters['Échéance accusé de réception']}{row}"].value
    assert formula.startswith("=") and "Paramètres" not in formula
    assert sheet[f"{letters['Statut']}{row}"].value.startswith("=")


def test_the_date_format_is_added_to_styles_that_have_no_format_list(tmp_path):
    # Excel leaves out <numFmts> when the workbook uses built-in formats only: the first
    # date written brings the list, first in <styleSheet> as the schema orders it.
    path = write_register(tmp_path / "registre.xlsx", [])
    with_part(path, "xl/styles.xml", lambda xml: xml.replace(b'<numFmts count="0"/>', b""))
    assert append_complaints(path, [complaint("2026-001", date(2026, 11, 5))]) == [2]
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml")
    assert re.match(rb'<styleSheet [^>]*><numFmts count="1"><numFmt numFmtId="164" '
                    rb'formatCode="dd/mm/yyyy"/></numFmts><fonts ', styles)
    sheet = load_workbook(path)["Registre"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    assert sheet.cell(2, headers["Date de réclamation"]).number_format == "dd/mm/yyyy"
    assert read_register(path).frame["date_reclamation"].tolist() == [date(2026, 11, 5)]


def _deadline_pasted_over(path, row: int) -> tuple[str, int, str]:
    """Row ``row``'s acknowledgement deadline replaced by a date, as staff paste values:
    (row 2's formula, the deadline's column, the letter of « Date de réclamation »)."""
    workbook = load_workbook(path)
    sheet = workbook["Registre"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    deadline = headers["Échéance accusé de réception"]
    model = sheet.cell(2, deadline).value
    assert str(sheet.cell(row, deadline).value).startswith("=")
    sheet.cell(row, deadline).value = date(2026, 11, 19)
    workbook.save(path)
    received = get_column_letter(headers["Date de réclamation"])
    assert model.count(f"{received}2") == 2
    return model, deadline, received


def test_the_formulas_are_copied_from_above_a_row_where_values_were_pasted(tmp_path):
    # Staff pasted the values of the last row's deadlines over their formulas: the new row
    # copies the formulas of the row above it, moved down to its own row.
    path = create_register(tmp_path / "registre.xlsx", [
        complaint("2026-001"), complaint("2026-002", date(2026, 11, 5))])
    model, deadline, received = _deadline_pasted_over(path, 3)
    (row,) = append_complaints(path, [complaint("2026-003", date(2026, 11, 12))])
    assert load_workbook(path)["Registre"].cell(row, deadline).value == model.replace(
        f"{received}2", f"{received}{row}")


def _thirty_day_register(tmp_path: Path, formulas: dict[int, str] | None = None) -> Path:
    """A register made elsewhere, two complaints (rows 2-3) whose staff count the reply
    deadline as 30 days; ``formulas``: other reply deadline formulas by row."""
    path = write_register(tmp_path / "registre.xlsx", [
        complaint("2026-001"), complaint("2026-002", date(2026, 11, 5))])
    workbook = load_workbook(path)
    for row, formula in {2: _thirty_days(RECEIVED, 2), 3: _thirty_days(RECEIVED, 3),
                         **(formulas or {})}.items():
        workbook["Registre"][f"{DEADLINE}{row}"] = formula
    workbook.save(path)
    return path


def test_the_registers_own_deadline_formula_is_copied_rather_than_the_toolkits(tmp_path):
    # A register made elsewhere whose staff count the reply deadline as 30 days: the new
    # complaint gets their formula, moved down to its row, not the toolkit's own.
    path = _thirty_day_register(tmp_path)
    (row,) = append_complaints(path, [complaint("2026-003", date(2026, 11, 12))])
    assert load_workbook(path)["Registre"][f"{DEADLINE}{row}"].value == \
        _thirty_days(RECEIVED, row)


def test_a_prepared_row_where_a_deadline_was_pasted_gets_its_formula_back(tmp_path):
    # The deadlines' values were pasted down over the prepared rows too: the complaint
    # written in such a row gets the formula (its own deadline), not the stale date.
    path = create_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    model, deadline, received = _deadline_pasted_over(path, 3)  # row 3: a prepared row
    assert append_complaints(path, [complaint("2026-002", date(2026, 11, 12))]) == [3]
    assert load_workbook(path)["Registre"].cell(3, deadline).value == model.replace(
        f"{received}2", f"{received}3")


def _without_calculation_settings(xml: bytes) -> bytes:
    return re.sub(rb"<calcPr\b[^>]*/>", b"", xml)


def _prefixed(xml: bytes) -> bytes:
    """The same workbook part with its elements written ``x:…``, as some tools write it."""
    xml = re.sub(rb"<(/?)([A-Za-z]+)(?=[\s/>])", rb"<\1x:\2", xml)
    namespace = MAIN_NS.encode()
    return xml.replace(b'xmlns="' + namespace + b'"', b'xmlns:x="' + namespace + b'"')


@pytest.mark.parametrize(("made_by", "shape", "after"), [
    ("openpyxl", lambda xml: xml, b"<definedNames/>"),
    ("openpyxl", _prefixed, b"<x:definedNames/>"),
    ("template", lambda xml: xml, b"</definedNames>"),
], ids=["empty defined names", "prefixed", "print area"])
def test_a_workbook_without_calculation_settings_gets_them(tmp_path, made_by, shape, after):
    # A workbook another tool wrote without <calcPr>: the write adds it where the schema
    # puts it, after the defined names (Excel repairs a workbook whose parts are out of
    # order), so that Excel computes the new row's deadlines.
    make = write_register if made_by == "openpyxl" else create_register
    path = make(tmp_path / "registre.xlsx", [complaint("2026-001")])
    with_part(path, "xl/workbook.xml",
              lambda xml: shape(_without_calculation_settings(xml)))
    with zipfile.ZipFile(path) as archive:
        assert b"calcPr" not in archive.read("xl/workbook.xml")
    append_complaints(path, [complaint("2026-002", date(2026, 11, 5))])
    with zipfile.ZipFile(path) as archive:
        workbook_part = archive.read("xl/workbook.xml")
    prefix = b"x:" if shape is _prefixed else b""
    assert after + b"<" + prefix + b'calcPr fullCalcOnLoad="1"/>' in workbook_part
    assert read_register(path).frame["numero"].tolist() == ["2026-001", "2026-002"]


@pytest.mark.parametrize(("settings", "expected"), [
    (b'<calcPr calcId="191029"/>', b'<calcPr calcId="191029" fullCalcOnLoad="1"/>'),
    (b'<calcPr calcId="191029" fullCalcOnLoad="0"/>',
     b'<calcPr calcId="191029" fullCalcOnLoad="1"/>'),
    (b'<calcPr calcId="191029" fullCalcOnLoad="true"/>',
     b'<calcPr calcId="191029" fullCalcOnLoad="true"/>'),
], ids=["as Excel saves them", "recalculation off", "already on"])
def test_the_workbooks_own_calculation_settings_are_edited_not_doubled(tmp_path, settings,
                                                                      expected):
    # The workbook's <calcPr> gets recalculation on opening and keeps its other attributes;
    # a second <calcPr> beside it is a file Excel reports as damaged.
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    with_part(path, "xl/workbook.xml",
              lambda xml: re.sub(rb"<calcPr\b[^>]*/>", settings, xml))
    append_complaints(path, [complaint("2026-002", date(2026, 11, 5))])
    with zipfile.ZipFile(path) as archive:
        workbook_part = archive.read("xl/workbook.xml")
    assert re.findall(rb"<calcPr\b[^>]*/>", workbook_part) == [expected]


def _thirty_days(received: str, row: int) -> str:
    return f'=IF({received}{row}="","",{received}{row}+30)'


@pytest.mark.parametrize(("rows_between", "typed", "copied"), [
    (0, b' t="normal"', True),  # the formula's type written out, as some tools do
    (49, b"", True),  # the 50th row above the new one is still looked at
    (50, b"", False),  # the 51st is not: the toolkit's own formula
], ids=["typed normal", "50 rows up", "51 rows up"])
def test_a_formula_to_copy_is_looked_for_in_the_50_rows_above(tmp_path, rows_between, typed,
                                                               copied):
    # The register's own 30-day formula on row 2 only; the rows between hold no cell at all
    # in that column (a tool that leaves empty cells out): the search walks past them.
    rows = [complaint(f"2026-{number:03d}") for number in range(1, rows_between + 2)]
    path = write_register(tmp_path / "registre.xlsx", rows)
    received, deadline = COLUMN_LETTER["date_reclamation"], COLUMN_LETTER["echeance_reponse"]
    workbook = load_workbook(path)
    workbook["Registre"][f"{deadline}2"] = _thirty_days(received, 2)
    workbook.save(path)
    with_part(path, "xl/worksheets/sheet1.xml",
              lambda xml: xml.replace(b"<f>", b"<f" + typed + b">"))
    (row,) = append_complaints(path, [complaint("2026-099", date(2026, 11, 12))])
    assert row == rows_between + 3
    assert load_workbook(path)["Registre"][f"{deadline}{row}"].value == (
        _thirty_days(received, row) if copied else reply_formula(f"{received}{row}"))


def test_a_formula_changed_in_one_empty_row_is_not_copied_to_the_rows_below_it(tmp_path):
    # Staff typed a one-off 45-day formula in the first empty row of a register made
    # elsewhere (its last row). The first new complaint goes in that row and keeps it; the
    # second one gets the register's 30-day formula of the complaints above, not the one-off.
    one_off = f'=IF({RECEIVED}4="","",{RECEIVED}4+45)'
    path = _thirty_day_register(tmp_path, {4: one_off})
    assert append_complaints(path, [complaint("2026-003", date(2026, 11, 12)),
                                    complaint("2026-004", date(2026, 11, 13))]) == [4, 5]
    sheet = load_workbook(path)["Registre"]
    assert sheet[f"{DEADLINE}4"].value == one_off
    assert sheet[f"{DEADLINE}5"].value == _thirty_days(RECEIVED, 5)


def test_a_number_format_without_its_id_does_not_make_the_general_format_a_date(tmp_path):
    # A tool left the id out of a listed date format (the schema requires it). Taken as
    # format 0 it would make the General format look like a date already, and the new date
    # would be written as a bare number (46331); it is left aside and the date format added.
    path = write_register(tmp_path / "registre.xlsx", [])
    with_part(path, "xl/styles.xml", lambda xml: xml.replace(
        b'<numFmts count="0"/>', b'<numFmts count="1"><numFmt formatCode="dd/mm/yyyy"/>'
                                 b'</numFmts>'))
    assert append_complaints(path, [complaint("2026-001", date(2026, 11, 5))]) == [2]
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    received = COLUMN_LETTER["date_reclamation"]
    style = int(re.search(rf'<c r="{received}2" s="(\d+)"', sheet).group(1))
    assert re.match(r'<xf\b[^>]*\bnumFmtId="164"', cell_styles(path)[style])
    assert '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>' in styles


def test_an_empty_formula_is_not_copied_to_the_new_row(tmp_path):
    # A tool left the last complaint's reply deadline as an empty formula element (<f/>,
    # which the schema allows): it is no formula to copy, the one of the row above is.
    path = _thirty_day_register(tmp_path)
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(
        rf'(<c r="{DEADLINE}3"[^>]*>)<f>.*?</f>'.encode(), rb"\1<f/>", xml))
    with zipfile.ZipFile(path) as archive:
        assert re.search(rf'<c r="{DEADLINE}3"[^>]*><f/>'.encode(),
                         archive.read("xl/worksheets/sheet1.xml"))
    (row,) = append_complaints(path, [complaint("2026-003", date(2026, 11, 12))])
    assert load_workbook(path)["Registre"][f"{DEADLINE}{row}"].value == \
        _thirty_days(RECEIVED, row)


@pytest.mark.parametrize("dropped", ["Échéance réponse", "Échéance accusé de réception"])
def test_a_register_without_one_deadline_column_gets_the_other_and_no_status(tmp_path,
                                                                             dropped):
    # Staff deleted one deadline column and typed their rows (no formula to copy): the new
    # row gets the remaining deadline's formula, and no « Statut », which needs both.
    headers = [header for header in ALL_HEADERS if header != dropped]
    path = write_grid(tmp_path / "registre.xlsx", [headers,
                                                  row_of(complaint("2026-001"), headers)])
    (row,) = append_complaints(path, [complaint("2026-002", date(2026, 11, 5))])
    sheet = load_workbook(path)["Registre"]
    letter = {header: get_column_letter(index) for index, header in enumerate(headers, 1)}
    kept = next(h for h in ("Échéance réponse", "Échéance accusé de réception") if h != dropped)
    received = f"{letter['Date de réclamation']}{row}"
    expected = reply_formula(received) if kept == "Échéance réponse" else ack_formula(received)
    assert sheet[f"{letter[kept]}{row}"].value == expected
    assert sheet[f"{letter['Statut']}{row}"].value is None
    assert list(read_register(path).frame["numero"]) == ["2026-001", "2026-002"]


def test_a_formula_staff_filled_down_their_own_column_is_no_complaint(tmp_path):
    # A column of staff's own numbering the rows (=ROW()-1), filled down past the last
    # complaint and saved with its results: the next complaint goes right below the last.
    path = create_register(tmp_path / "registre.xlsx",
                           [complaint("2026-001"), complaint("2026-002")])
    workbook = load_workbook(path)
    sheet = workbook["Registre"]
    own = get_column_letter(len(COLUMNS) + 1)
    sheet[f"{own}1"] = "N° d'ordre"
    for row in range(2, 21):
        sheet[f"{own}{row}"] = "=ROW()-1"
    workbook.save(path)
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(
        rb'(<c r="' + own.encode() + rb'(\d+)"[^>]*>)<f>ROW\(\)-1</f>(?:<v\s*/>|<v></v>)?</c>',
        lambda m: m.group(1) + b"<f>ROW()-1</f><v>" + str(int(m.group(2)) - 1).encode() +
        b"</v></c>", xml))
    with zipfile.ZipFile(path) as archive:
        assert archive.read("xl/worksheets/sheet1.xml").count(b"<v>19</v></c>") == 1
    assert append_complaints(path, [complaint("2026-003")]) == [4]
    grid = load_workbook(path)["Registre"]
    assert [grid[f"A{row}"].value for row in (3, 4, 5)] == ["2026-002", "2026-003", None]
    assert grid[f"{own}20"].value == "=ROW()-1"


def test_a_register_nearing_its_last_prepared_row_gets_more_rows_prepared(tmp_path):
    # `toolkit init` prepares rows up to 1000; complaints appended up to row 762, within 250
    # of that end: the write prepares rows on to 500 past the last one (its formulas,
    # validations and highlights), as init did.
    path = create_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    assert stated_extent(path)[0] == PREPARED_ROWS
    rows = append_complaints(path, [complaint(f"2026-{n:03d}") for n in range(2, 762)])
    last = rows[-1]
    assert last == 762
    assert stated_extent(path)[0] == last + 500
    sheet = load_workbook(path)["Registre"]
    deadline, received = COLUMN_LETTER["echeance_accuse"], COLUMN_LETTER["date_reclamation"]
    assert str(sheet[f"{deadline}{last + 500}"].value).startswith(
        f'=IF({received}{last + 500}="","",WORKDAY.INTL(')
    assert sheet[f"{deadline}{last + 501}"].value is None
    ranges = {str(validation.sqref) for validation in sheet.data_validations.dataValidation}
    assert f"{received}2:{received}{last + 500}" in ranges
