"""What a write puts in the register, cell by cell, and around it: where new complaints go
(inside an Excel table or not), how values are stored, what is refused, and the backups
a write leaves in ``sauvegardes/``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from helpers.register_files import COLUMN_LETTER as COL
from helpers.register_files import complaint, with_part, write_register
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableColumn

from toolkit.errors import RegisterChangedError
from toolkit.register.reading import read_register
from toolkit.register.sheet_xml import MAIN_NS
from toolkit.register.template import create_register
from toolkit.register.writeback import (
    BACKUP_DIRNAME,
    EXCEL_CELL_MAX_CHARS,
    append_complaints,
    mark_dates,
)
from toolkit.rules.columns import COLUMNS

DAY = date(2026, 11, 9)
LAST = get_column_letter(len(COLUMNS))
STAFF = get_column_letter(len(COLUMNS) + 1)  # staff's own column, after the toolkit's
SIDE = get_column_letter(len(COLUMNS) + 3), get_column_letter(len(COLUMNS) + 4)


def _sheet(path: Path):
    return openpyxl.load_workbook(path)["Registre"]


def _tables(path: Path) -> dict[str, str]:
    return {table.displayName: table.ref for table in _sheet(path).tables.values()}


def _register_columns() -> list[TableColumn]:
    return [TableColumn(id=index, name=column.header)
            for index, column in enumerate(COLUMNS, start=1)]


# --- how values are stored -----------------------------------------------------------------

def test_a_text_exactly_at_the_cell_limit_is_kept_whole(make_register):
    path = make_register([complaint()])
    text = "Leçon annulée. " * (EXCEL_CELL_MAX_CHARS // 15) + "x" * (EXCEL_CELL_MAX_CHARS % 15)
    assert len(text) == EXCEL_CELL_MAX_CHARS
    append_complaints(path, [complaint("2026-002", description=text)])
    assert read_register(path).frame["description"].tolist()[-1] == text


def test_a_time_given_with_a_date_is_dropped(make_register):
    # Excel would show 09/11/2026 in the cell but "09/11/2026 14:30:00" when it is edited.
    path = make_register([complaint()])
    mark_dates(path, [(2, "date_accuse", datetime(2026, 11, 9, 14, 30))])
    assert _sheet(path)[f"{COL['date_accuse']}2"].value == datetime(2026, 11, 9)
    assert read_register(path).frame["date_accuse"].tolist() == [DAY]


def test_a_date_given_for_a_text_column_is_stored_as_text(make_register):
    path = make_register([complaint()])
    append_complaints(path, [complaint("2026-002", observations=date(2026, 11, 9))])
    cell = _sheet(path)[f"{COL['observations']}3"]
    # Observations are free text: a date there stays text, not a date cell Excel reformats.
    assert cell.data_type == "s" and isinstance(cell.value, str)


def test_a_number_given_for_a_text_column_is_stored_as_its_text(make_register):
    path = make_register([complaint()])
    append_complaints(path, [complaint("2026-002", observations=3)])
    cell = _sheet(path)[f"{COL['observations']}3"]
    assert (cell.value, cell.data_type) == ("3", "s")
    assert read_register(path).frame["observations"].tolist() == [None, "3"]


def test_values_left_empty_leave_their_cells_blank(make_register):
    path = make_register([complaint()])
    append_complaints(path, [complaint("2026-002", telephone=None, courriel="")])
    sheet = _sheet(path)
    assert sheet[f"{COL['telephone']}3"].value is None
    assert sheet[f"{COL['courriel']}3"].value is None
    frame = read_register(path).frame
    assert frame["telephone"].tolist() == [None, None]
    assert frame["courriel"].tolist() == ["lea.moreau@exemple.fr", None]


@pytest.mark.parametrize("empty", [{}, {"numero": None, "nom": "", "description": "  "}])
def test_a_complaint_without_any_value_is_refused_and_nothing_is_written(make_register, empty):
    path = make_register([complaint()])
    before = path.read_bytes()
    with pytest.raises(ValueError, match="without any value"):
        append_complaints(path, [complaint("2026-002"), empty])
    assert path.read_bytes() == before


def test_the_style_added_for_a_date_is_an_xf_as_excel_writes_one(tmp_path):
    # A register whose cells carry no alignment (openpyxl's plain styles): the date's new
    # style is an empty <xf>, with nothing inside it for Excel to repair.
    path = write_register(tmp_path / "registre.xlsx", [complaint()])
    mark_dates(path, [(2, "date_accuse", date(2026, 11, 30))])
    with zipfile.ZipFile(path) as archive:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    main = f"{{{MAIN_NS}}}"
    formats = {element.get("numFmtId"): element.get("formatCode")
               for element in styles.iter(f"{main}numFmt")}
    added = styles.find(f"{main}cellXfs")[-1]
    assert formats[added.get("numFmtId")] == "dd/mm/yyyy"
    assert (list(added), added.text, added.get("applyNumberFormat")) == ([], None, "1")
    assert _sheet(path)[f"{COL['date_accuse']}2"].number_format == "dd/mm/yyyy"


# --- what is refused -----------------------------------------------------------------------

def test_a_formula_column_cannot_be_written(make_register):
    path = make_register([complaint()])
    original = path.read_bytes()
    with pytest.raises(ValueError, match=r"^'statut' is not an input column of the register$"):
        append_complaints(path, [complaint("2026-002", statut="Clos")])
    assert path.read_bytes() == original


def test_the_header_row_cannot_be_written(make_register):
    path = make_register([complaint()])
    original = path.read_bytes()
    with pytest.raises(ValueError, match=r"^row 1 is not below the header \(row 1\)$"):
        mark_dates(path, [(1, "date_accuse", DAY)])
    assert path.read_bytes() == original


def test_marking_a_date_in_a_text_column_is_refused(make_register):
    path = make_register([complaint()])
    original = path.read_bytes()
    message = "(2, 'nom', datetime.date(2026, 11, 9)) is not a date for a date column"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        mark_dates(path, [(2, "nom", DAY)])
    assert path.read_bytes() == original


def test_appending_to_a_register_saved_since_it_was_read_is_refused(make_register):
    path = make_register([complaint()])
    seen = read_register(path).mtime_ns
    workbook = openpyxl.load_workbook(path)
    workbook["Registre"][f"{COL['observations']}2"] = "rappeler lundi"
    workbook.save(path)
    later = seen + 1_000_000_000  # coarse clocks: make the change visible
    os.utime(path, ns=(later, later))
    theirs = path.read_bytes()
    message = ("registre.xlsx a été modifié pendant la commande (enregistré par quelqu'un "
               "d'autre ?). Rien n'a été écrit : relancez la commande.")
    with pytest.raises(RegisterChangedError, match=f"^{re.escape(message)}$"):
        append_complaints(path, [complaint("2026-002")], expected_mtime_ns=seen)
    assert path.read_bytes() == theirs


# --- where new complaints go ---------------------------------------------------------------

def test_an_empty_text_left_far_below_does_not_push_new_complaints_down(make_register):
    # Pasting the values of a formula that gave "" leaves cells holding an empty text.
    path = make_register([complaint()])
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>",
        f'<row r="1500"><c r="{STAFF}1500" t="inlineStr"><is><t></t></is></c></row>'
        f"</sheetData>".encode()))
    assert append_complaints(path, [complaint("2026-002")]) == [3]
    assert read_register(path).frame["numero"].tolist() == ["2026-001", "2026-002"]


def test_a_new_row_takes_the_last_complaints_look_not_a_blank_rows(tmp_path):
    # A register without prepared rows, whose complaints staff filled in yellow; an empty
    # text left in the next row's own cell does not make that row the model of the new
    # complaint's cells.
    path = write_register(tmp_path / "registre.xlsx", [complaint()])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Registre"]
    for cell in sheet[2][:len(COLUMNS)]:
        cell.fill = PatternFill("solid", fgColor="FFFF00")
    workbook.save(path)
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>",
        f'<row r="3"><c r="{STAFF}3" t="inlineStr"><is><t></t></is></c></row>'
        f"</sheetData>".encode()))
    assert append_complaints(path, [complaint("2026-002")]) == [3]
    sheet = _sheet(path)
    assert [sheet[f"{COL[key]}3"].fill.fgColor.rgb for key in ("nom", "date_accuse")] == [
        "00FFFF00", "00FFFF00"]


@pytest.mark.parametrize("sheet_filter", [True, False], ids=["sheet-filter", "view-only"])
def test_the_sheet_filter_follows_the_prepared_rows_and_a_custom_views_filter_stays(
        tmp_path, sheet_filter):
    # The filter covers the two complaints and no row is prepared yet: the new complaint
    # brings rows prepared down to 1,000 and the filter follows them. The filter an Excel
    # custom view keeps for itself, written after it, is that view's, even when the sheet
    # has no filter of its own.
    path = write_register(tmp_path / "registre.xlsx",
                          [complaint("2026-001"), complaint("2026-002")])
    view = (f'<customSheetViews><customSheetView guid="{{6F4B3C1A-0000-4000-8000-00000000000'
            f'1}}"><autoFilter ref="A1:{LAST}3"/></customSheetView></customSheetViews>')
    own = f'<autoFilter ref="A1:{LAST}3"/>' if sheet_filter else ""
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>", f"</sheetData>{own}{view}".encode()))
    assert append_complaints(path, [complaint("2026-003")]) == [4]
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert re.findall(r'<autoFilter ref="([^"]+)"', sheet) == \
        [f"A1:{LAST}1000"] * sheet_filter + [f"A1:{LAST}3"]


def test_validations_and_highlights_follow_the_prepared_rows(tmp_path):
    # Staff set a date check over the two complaints' « Date d'accusé de réception », and
    # their own check on « Nom du client »: the first follows the rows prepared down to
    # 1,000 by the new complaint, with the highlights the toolkit adds; staff's stays.
    from openpyxl.worksheet.datavalidation import DataValidation

    path = write_register(tmp_path / "registre.xlsx",
                          [complaint("2026-001"), complaint("2026-002")])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Registre"]
    for column in (COL["date_accuse"], COL["nom"]):
        check = DataValidation(type="textLength", operator="lessThan", formula1="200")
        check.add(f"{column}2:{column}3")
        sheet.add_data_validation(check)
    workbook.save(path)
    assert append_complaints(path, [complaint("2026-003")]) == [4]
    sheet = _sheet(path)
    ranges = {str(check.sqref) for check in sheet.data_validations.dataValidation}
    assert ranges == {f"{COL['date_accuse']}2:{COL['date_accuse']}1000",
                      f"{COL['nom']}2:{COL['nom']}3"}
    highlighted = {str(cells.sqref) for cells in sheet.conditional_formatting._cf_rules}
    assert highlighted == {f"{COL[key]}2:{COL[key]}1000"
                           for key in ("echeance_accuse", "echeance_reponse")}


def test_a_description_column_staff_widened_needs_fewer_lines(tmp_path):
    # « Description » widened to 90 characters: 300 characters take 4 lines of 15 points
    # there (7 in the toolkit's 45-wide column), worked out by hand.
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    workbook = openpyxl.load_workbook(path)
    workbook["Registre"].column_dimensions[COL["description"]].width = 90
    workbook.save(path)
    (line,) = append_complaints(path, [complaint("2026-002", description="x" * 300)])
    assert _sheet(path).row_dimensions[line].height == 60


def test_highlights_added_beside_staff_rules_take_their_own_colours(tmp_path):
    # A register made by another tool, without the deadline highlights but with a rule of
    # staff's own (green names): the highlights the write adds get new formats, red and
    # orange, and staff's rule keeps its green.
    from openpyxl.formatting.rule import FormulaRule

    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    workbook = openpyxl.load_workbook(path)
    workbook["Registre"].conditional_formatting.add(
        f"{COL['nom']}2:{COL['nom']}50",
        FormulaRule(formula=[f'{COL["nom"]}2<>""'],
                    fill=PatternFill("solid", fgColor="00B050", bgColor="00B050")))
    workbook.save(path)
    append_complaints(path, [complaint("2026-002")])
    colours = {str(cells.sqref): [rule.dxf.fill.fgColor.rgb[-6:] for rule in rules]
               for cells, rules in _sheet(path).conditional_formatting._cf_rules.items()}
    due = {COL[key] for key in ("echeance_accuse", "echeance_reponse")}
    assert colours == {f"{COL['nom']}2:{COL['nom']}50": ["00B050"],
                       **{f"{letter}2:{letter}1000": ["F8CBAD", "FFE699"] for letter in due}}


def _bare_styles(styles: bytes) -> bytes:
    """Styles as a minimal generator writes them: no differential formats, no table
    styles, no colours: the formats a write adds go before ``</styleSheet>``."""
    styles = re.sub(rb"<tableStyles\b[^>]*/>", b"", styles)
    return re.sub(rb"<colors>.*</colors>", b"", styles, flags=re.DOTALL)


def test_highlights_and_styles_added_to_bare_styles_are_counted(tmp_path):
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    with_part(path, "xl/styles.xml", _bare_styles)
    append_complaints(path, [complaint("2026-002")])
    with zipfile.ZipFile(path) as archive:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    # Each list's count is the number of its entries (after the write added some to each).
    counted = {element.tag.split("}")[1]: (int(element.get("count")), len(element))
               for element in styles if element.get("count") is not None}
    assert all(count == entries for count, entries in counted.values()), counted
    assert counted["dxfs"] == (4, 4) and counted["cellXfs"][0] > 2
    colours = {str(cells.sqref): [rule.dxf.fill.fgColor.rgb[-6:] for rule in rules]
               for cells, rules in _sheet(path).conditional_formatting._cf_rules.items()}
    assert colours == {f"{COL[key]}2:{COL[key]}1000": ["F8CBAD", "FFE699"]
                       for key in ("echeance_accuse", "echeance_reponse")}


# The order of a stylesheet's lists in the schema (CT_Stylesheet): out of it, Excel repairs.
STYLESHEET_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs",
                    "cellStyles", "dxfs", "tableStyles", "colors", "extLst")


@pytest.mark.parametrize("edit", [
    lambda styles: styles,  # table styles and colours, as openpyxl writes them
    lambda styles: re.sub(rb"<tableStyles\b[^>]*/>", b"", styles),  # colours only
    # An empty list written self-closed, as Excel and LibreOffice may: it is replaced.
    lambda styles: styles.replace(b"</cellStyles>", b'</cellStyles><dxfs count="0"/>'),
], ids=["openpyxl", "no-table-styles", "empty-dxfs"])
def test_differential_formats_added_to_styles_without_them_go_where_the_schema_says(
        tmp_path, edit):
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    with_part(path, "xl/styles.xml", edit)
    append_complaints(path, [complaint("2026-002")])  # adds the deadlines' highlights
    with zipfile.ZipFile(path) as archive:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    names = [element.tag.split("}")[1] for element in styles]
    assert names.count("dxfs") == 1
    assert names == sorted(names, key=STYLESHEET_ORDER.index)
    dxfs = styles[names.index("dxfs")]
    assert (dxfs.get("count"), len(dxfs)) == ("4", 4)


def test_a_long_description_sets_a_height_excel_keeps(tmp_path):
    # ht alone is a height Excel may fit again on opening; customHeight keeps it.
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    (line,) = append_complaints(path, [complaint("2026-002", description="x" * 300)])
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    tag = re.search(rf'<row r="{line}"[^>]*>', sheet).group(0)
    assert 'ht="105"' in tag and 'customHeight="1"' in tag


@pytest.mark.parametrize(("description", "height"), [
    ("x" * 45, None),  # fills the 45-wide « Description » exactly: one line
    ("x" * 46, "30"),  # one character more: a second line, 2 x 15 points
    ("Leçon annulée.\nMoniteur absent.", "30"),  # a line break typed in the text
], ids=["one-line", "two-lines", "line-break"])
def test_a_second_line_of_text_is_the_first_to_get_its_height(tmp_path, description, height):
    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    # An address on one line, so that « Description » alone decides the row's lines.
    one = complaint("2026-002", description=description, adresse="8 rue des Lilas")
    (line,) = append_complaints(path, [one])
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    tag = re.search(rf'<row r="{line}"[^>]*>', sheet).group(0)
    written = re.search(r' ht="([^"]*)"', tag)
    assert (written and written.group(1), "customHeight" in tag) == (height, bool(height)), tag


def test_a_one_line_complaint_in_a_row_kept_tall_gets_the_usual_height(tmp_path):
    # A prepared row left 60 pt tall (ht and customHeight): a one-line complaint written in
    # it drops both, or Excel would keep the row at a height it was told not to fit.
    path = create_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    workbook = openpyxl.load_workbook(path)
    workbook["Registre"].row_dimensions[3].height = 60
    workbook.save(path)
    one_line = complaint("2026-002", description="Leçon annulée.", adresse="8 rue des Lilas")
    assert append_complaints(path, [one_line]) == [3]
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    tag = re.search(r'<row r="3"[^>]*>', sheet).group(0)
    assert "ht=" not in tag and "customHeight" not in tag, tag


def _tabled(path: Path, totals: bool = False, note_below: bool = False) -> Path:
    """Two complaints (rows 2-3) in an Excel table over every column; with ``totals``, a
    totals row 4 counting the names and saying so in its first cell; with ``note_below``,
    a staff note on row 4, outside the table."""
    create_register(path, [complaint("2026-001"), complaint("2026-002", date(2026, 11, 5))])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Registre"]
    columns = _register_columns()
    if totals:
        columns[4].totalsRowFunction = "count"
        sheet["A4"] = '="Total : "&E4&" réclamations"'
        sheet["E4"] = "=SUBTOTAL(103,Reclamations[Nom du client])"
    if note_below:
        sheet[f"{STAFF}1"], sheet[f"{STAFF}4"] = "Suivi interne", "ligne réservée"
    sheet.add_table(Table(displayName="Reclamations", ref=f"A1:{LAST}{4 if totals else 3}",
                          tableColumns=columns, totalsRowCount=1 if totals else None))
    sheet.auto_filter.ref = None  # Excel refuses a sheet filter over a table
    workbook.save(path)
    return path


NEW = [complaint("2026-003", date(2026, 11, 12), nom="Hugo Petit"),
       complaint("2026-004", date(2026, 11, 13), nom="Inès Roux")]


def test_the_moved_totals_row_still_refers_to_its_own_cells(tmp_path):
    path = _tabled(tmp_path / "registre.xlsx", totals=True)
    assert append_complaints(path, NEW) == [4, 5]
    sheet = _sheet(path)
    # The totals row went from row 4 to row 6: its reference to its own count follows it
    # (left on E4, it would show Hugo Petit's name).
    assert sheet["A6"].value == '="Total : "&E6&" réclamations"'
    assert sheet["E6"].value == "=SUBTOTAL(103,Reclamations[Nom du client])"
    assert sheet["E4"].value == "Hugo Petit"


def test_the_moved_totals_row_replaces_the_empty_cells_of_the_row_it_lands_on(tmp_path):
    # The totals row lands on row 6, a row prepared for typing (its empty input cells and
    # formulas): each of its cells takes the place of the prepared one. A cell written twice
    # in a row is what Excel reports as a damaged file; openpyxl keeps the last silently.
    path = _tabled(tmp_path / "registre.xlsx", totals=True)
    with zipfile.ZipFile(path) as archive:
        before = archive.read("xl/worksheets/sheet1.xml").decode()
    assert re.search(r'<c r="A6"', before) and re.search(r'<c r="E6"', before)
    assert append_complaints(path, NEW) == [4, 5]
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    references = re.findall(r'<c r="([A-Z]+\d+)"', sheet)
    assert [r for r in set(references) if references.count(r) > 1] == []
    assert _sheet(path)["A6"].value == '="Total : "&E6&" réclamations"'


def test_the_moved_totals_row_keeps_its_references_to_other_sheets(tmp_path):
    # Rows were inserted in this sheet, not in « Paramètres »: a reference there stays,
    # quoted or not; a range ending on the last complaint ends on the new last one, even
    # when a function, not a cell, starts it.
    path = _tabled(tmp_path / "registre.xlsx", totals=True)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Registre"]
    sheet["B4"], sheet["C4"] = "='Paramètres'!B9", "=Paramètres!B9"
    sheet["D4"] = "=COUNTA(INDEX(E:E,2):E3)"
    workbook.save(path)
    assert append_complaints(path, NEW) == [4, 5]
    sheet = _sheet(path)
    assert [sheet[f"{column}6"].value for column in "BCD"] == [
        "='Paramètres'!B9", "=Paramètres!B9", "=COUNTA(INDEX(E:E,2):E5)"]


CALC_CHAIN_TYPE = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                   "calcChain")


def _with_calculation_chain(path: Path, cells: list[str]) -> None:
    """The calculation chain Excel saves with a workbook: the formula cells of sheet 1."""
    chain = "".join(f'<c r="{cell}" i="1"/>' for cell in cells)
    with_part(path, "xl/calcChain.xml", lambda _: (
        '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{chain}</calcChain>").encode())
    with_part(path, "[Content_Types].xml", lambda xml: xml.replace(b"</Types>", (
        b'<Override PartName="/xl/calcChain.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')))
    with_part(path, "xl/_rels/workbook.xml.rels", lambda xml: xml.replace(
        b"</Relationships>", f'<Relationship Id="rIdChain" Type="{CALC_CHAIN_TYPE}" '
        'Target="calcChain.xml"/></Relationships>'.encode()))


def _calculation_chain_parts(path: Path) -> list[bool]:
    with zipfile.ZipFile(path) as archive:
        return ["xl/calcChain.xml" in archive.namelist(),
                b"calcChain" in archive.read("[Content_Types].xml"),
                b"calcChain" in archive.read("xl/_rels/workbook.xml.rels")]


def test_a_calculation_chain_naming_moved_formulas_is_dropped(tmp_path):
    # The totals row's formulas move down: a chain still naming A4 and E4, now the new
    # complaint's number and name, is what Excel reports as a damaged file. The row ends
    # with a plain text, after its formulas.
    path = _tabled(tmp_path / "registre.xlsx", totals=True)
    workbook = openpyxl.load_workbook(path)
    workbook["Registre"][f"{LAST}4"] = "fin du tableau"
    workbook.save(path)
    _with_calculation_chain(path, ["A4", "E4"])
    assert _calculation_chain_parts(path) == [True, True, True]
    assert append_complaints(path, NEW[:1]) == [4]
    assert _calculation_chain_parts(path) == [False, False, False]
    sheet = _sheet(path)
    assert [sheet["E4"].value, sheet[f"{LAST}5"].value] == ["Hugo Petit", "fin du tableau"]


def test_a_write_that_moves_no_formula_keeps_the_calculation_chain(tmp_path):
    path = _tabled(tmp_path / "registre.xlsx", totals=True)
    _with_calculation_chain(path, ["A4", "E4"])
    mark_dates(path, [(2, "date_accuse", date(2026, 11, 10))])
    assert _calculation_chain_parts(path) == [True, True, True]


def test_the_totals_rows_cells_leave_the_row_it_moved_from(tmp_path):
    # A totals cell over a column the new complaint leaves empty: moved, not copied (left,
    # it would sit in the new complaint's row as if staff had typed it there).
    path = _tabled(tmp_path / "registre.xlsx", totals=True)
    workbook = openpyxl.load_workbook(path)
    workbook["Registre"][f"{COL['observations']}4"] = "à relire :"
    workbook.save(path)
    assert append_complaints(path, NEW[:1]) == [4]
    sheet = _sheet(path)
    assert sheet[f"{COL['observations']}4"].value is None
    assert sheet[f"{COL['observations']}5"].value == "à relire :"


def test_the_totals_row_and_the_rows_below_it_are_not_prepared_for_complaints(tmp_path):
    # A register written by another tool (no prepared rows), its complaints in an Excel
    # table with a totals row: the rows prepared for typing stop at the table's last
    # complaint. The totals row keeps its locked cells and gets no complaint formula, and
    # nothing is prepared below it, outside the table.
    path = write_register(tmp_path / "registre.xlsx",
                          [complaint("2026-001"), complaint("2026-002", date(2026, 11, 5))])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Registre"]
    columns = _register_columns()
    columns[4].totalsRowFunction = "count"
    sheet["A4"], sheet["E4"] = "Total", "=SUBTOTAL(103,Reclamations[Nom du client])"
    sheet.add_table(Table(displayName="Reclamations", ref=f"A1:{LAST}4", tableColumns=columns,
                          totalsRowCount=1))
    sheet.auto_filter.ref = None
    workbook.save(path)
    assert append_complaints(path, NEW) == [4, 5]
    sheet = _sheet(path)
    deadline = COL["echeance_accuse"]
    assert str(sheet[f"{deadline}5"].value).startswith("=IF(B5")
    totals = {cell.coordinate: cell.value for cell in sheet[6] if cell.value is not None}
    assert totals == {"A6": "Total", "E6": "=SUBTOTAL(103,Reclamations[Nom du client])"}
    assert all(cell.protection.locked for cell in sheet[6])
    below = [cell.coordinate for row in sheet.iter_rows(min_row=7) for cell in row
             if cell.value is not None or not cell.protection.locked]
    assert below == []
    assert _tables(path) == {"Reclamations": f"A1:{LAST}6"}


def test_rows_added_below_a_staff_note_under_the_table_stay_outside_it(tmp_path):
    # Row 4 holds a note outside the table (rows 1-3): the new complaint goes to row 5, and
    # the table does not swallow the note's row.
    path = _tabled(tmp_path / "registre.xlsx", note_below=True)
    assert append_complaints(path, NEW[:1]) == [5]
    assert _tables(path) == {"Reclamations": f"A1:{LAST}3"}


def test_a_small_table_beside_the_register_is_left_alone(make_register):
    # A staff lookup table to the right, its header on row 2: not the register's table.
    path = make_register([complaint("2026-001"), complaint("2026-002")])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Registre"]
    left, right = SIDE
    sheet[f"{left}2"], sheet[f"{right}2"] = "Moniteur", "Agence"
    sheet[f"{left}3"], sheet[f"{right}3"] = "Claire", "Paris 11"
    sheet.add_table(Table(displayName="Moniteurs", ref=f"{left}2:{right}3"))
    workbook.save(path)
    assert append_complaints(path, NEW[:1]) == [4]
    assert _tables(path) == {"Moniteurs": f"{left}2:{right}3"}


def test_a_table_without_header_row_is_not_the_registers(tmp_path):
    # A table declared without header row, whose first row is the register's header:
    # Excel takes that row for data, so it is not the register's table.
    path = create_register(tmp_path / "registre.xlsx", [complaint()])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Registre"]
    sheet.add_table(Table(displayName="Brut", ref=f"A1:{LAST}2", headerRowCount=0,
                          tableColumns=_register_columns()))
    sheet.auto_filter.ref = None
    workbook.save(path)
    assert append_complaints(path, NEW[:1]) == [3]
    assert _tables(path) == {"Brut": f"A1:{LAST}2"}


# --- files beside the register ---------------------------------------------------------------

def test_a_leftover_the_write_cannot_remove_does_not_stop_it(make_register):
    # Something named like a killed write's temporary file, but a folder: it stays.
    path = make_register([complaint()])
    stray = path.with_name(".registre.toolkit-99999.tmp.xlsx")
    stray.mkdir()
    mark_dates(path, [(2, "date_accuse", DAY)])
    assert read_register(path).frame["date_accuse"].tolist() == [DAY]
    assert stray.is_dir()


# Windows' Python has no os.O_DIRECTORY: the folder cannot be opened there to make the
# rename durable, and the write must go on without it.
WITHOUT_O_DIRECTORY = """
import os, sys
from datetime import date
del os.O_DIRECTORY
from toolkit.register.writeback import mark_dates
mark_dates(sys.argv[1], [(2, "date_accuse", date.fromisoformat(sys.argv[2]))])
"""


def test_a_write_succeeds_where_folders_cannot_be_opened_as_on_windows(make_register):
    path = make_register([complaint()])
    result = subprocess.run([sys.executable, "-c", WITHOUT_O_DIRECTORY, str(path), DAY.isoformat()],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert read_register(path).frame["date_accuse"].tolist() == [DAY]


def _backups(path: Path) -> set[str]:
    return {item.name for item in (path.parent / BACKUP_DIRNAME).iterdir()}


def _earlier_backups(path: Path, counters: tuple[str, ...], seconds: int = 8) -> set[str]:
    """Backups named as earlier writes would have named them, for each second from now on
    (a write takes well under ``seconds``): the next backup's second is always taken."""
    folder = path.parent / BACKUP_DIRNAME
    folder.mkdir()
    start = datetime.now()
    for step in range(seconds):
        stamp = (start + timedelta(seconds=step)).strftime("%Y%m%d-%H%M%S")
        for counter in counters:
            shutil.copy(path, folder / f"registre_{stamp}{counter}.xlsx")
    return _backups(path)


def test_a_second_backup_in_the_same_second_gets_number_2(make_register):
    path = make_register([complaint()])
    original = path.read_bytes()
    before = _earlier_backups(path, ("",))
    mark_dates(path, [(2, "date_accuse", DAY)])
    (new,) = _backups(path) - before
    assert re.fullmatch(r"registre_\d{8}-\d{6}-2\.xlsx", new), new
    assert new.replace("-2.xlsx", ".xlsx") in before
    assert (path.parent / BACKUP_DIRNAME / new).read_bytes() == original


def test_a_third_backup_in_the_same_second_gets_number_3(make_register):
    path = make_register([complaint()])
    original = path.read_bytes()
    before = _earlier_backups(path, ("", "-2"))
    mark_dates(path, [(2, "date_accuse", DAY)])
    (new,) = _backups(path) - before
    assert re.fullmatch(r"registre_\d{8}-\d{6}-3\.xlsx", new), new
    assert new.replace("-3.xlsx", "-2.xlsx") in before
    assert (path.parent / BACKUP_DIRNAME / new).read_bytes() == original


def test_the_oldest_backup_goes_first_even_beside_its_numbered_twin(make_register):
    # Twenty backups already: the write's own makes 21, and the oldest one is removed.
    # The two oldest were made in the same second; the unnumbered one came first.
    path = make_register([complaint()])
    folder = path.parent / BACKUP_DIRNAME
    folder.mkdir()
    old = ["registre_20260101-090000.xlsx", "registre_20260101-090000-2.xlsx",
           *(f"registre_202601{day:02d}-090000.xlsx" for day in range(2, 20))]
    for name in old:
        shutil.copy(path, folder / name)
    mark_dates(path, [(2, "date_accuse", DAY)])
    kept = _backups(path)
    assert len(kept) == 20
    assert "registre_20260101-090000.xlsx" not in kept
    assert set(old[1:]) < kept


def test_the_formulas_of_a_written_row_lose_their_stale_results_and_only_them(tmp_path):
    # Excel and LibreOffice store each formula's last result (<v>) beside it. A date written
    # in the row makes those results stale: they go, so that the workbook computes them
    # again on opening, and nothing takes their place in the cell.
    # A text result's type goes with it (LibreOffice writes t="str" on « Statut »).
    path = create_register(tmp_path / "registre.xlsx", [complaint("2026-001")])
    status = COL["statut"].encode()
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(
        rb'(<c r="[A-Z]+2"[^>]*>)(<f>[^<]*</f>)(?:<v>[^<]*</v>)?(</c>)',
        rb"\1\2<v>46000</v>\3", xml).replace(
        b'<c r="' + status + b'2"', b'<c t="str" r="' + status + b'2"', 1))
    with zipfile.ZipFile(path) as archive:
        before = archive.read("xl/worksheets/sheet1.xml").decode()
    cached = re.findall(r'<c (?:t="str" )?r="([A-Z]+)2"[^>]*><f>[^<]*</f><v>46000</v></c>',
                        before)
    assert len(cached) >= 3 and COL["statut"] in cached  # both deadlines and the status
    mark_dates(path, [(2, "date_accuse", DAY)])
    with zipfile.ZipFile(path) as archive:
        after = archive.read("xl/worksheets/sheet1.xml").decode()
    row = re.search(r'<row r="2".*?</row>', after, re.DOTALL).group(0)
    for column in cached:
        cell = re.search(rf'<c [^>]*\br="{column}2"[^>]*><f>[^<]*</f></c>', row)
        assert cell is not None and ' t="' not in cell.group(0), column
