"""Three defects of the write path (issue 24), each failing on the main branch before it:

- a text holding ``_xHHHH_`` could never be written (the write refused it): it is stored
  escaped, ``_x005F_xHHHH_`` (tests/register/test_write_verification.py);
- new rows pushing down an Excel table's totals row shifted its plain-range formulas
  (``COUNTA(E2:E3)`` became ``COUNTA(E4:E5)``) and dropped the older rows: the range now
  grows to cover every row;
- the scan for what the write would lose missed an end tag that straddled a 4 MiB read,
  and the write then dropped the sheet's sparklines: nothing is scanned for loss any more,
  and the sparklines after such an end tag are kept.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
from helpers.register_files import complaint, with_part
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableColumn

from toolkit.register.reading import read_register
from toolkit.register.template import create_register
from toolkit.register.writeback import append_complaints, mark_dates
from toolkit.rules.columns import COLUMNS

LAST = get_column_letter(len(COLUMNS))
AFTER = get_column_letter(len(COLUMNS) + 1)
NEW = [complaint("2026-003", date(2026, 11, 12), nom="Hugo Petit"),
       complaint("2026-004", date(2026, 11, 13), nom="Inès Roux")]


def _with_plain_range_totals(path: Path) -> Path:
    """Two complaints (rows 2-3) in a table whose totals row (4) counts them with plain
    ranges, as staff type them: COUNTA(E2:E3), a reference to its own row and to the last
    complaint's."""
    create_register(path, [complaint("2026-001"), complaint("2026-002", date(2026, 11, 5))])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Registre"]
    columns = [TableColumn(id=i, name=c.header) for i, c in enumerate(COLUMNS, start=1)]
    columns[0].totalsRowLabel = "Total"
    sheet["A4"] = "Total"
    sheet["E4"] = "=COUNTA(E2:E3)"
    sheet["F4"] = '=E4&" réclamations"'
    sheet["J4"] = "=SUM($B$2:$B$3)+COUNTA(Notes!A1:A3)"
    # The last complaint alone, and a range that starts on it.
    sheet["K4"] = '="Dernière : "&A3&" / "&COUNTA(E3:E3)'
    # The table's last column has a total too; beside the table, a note of staff's own.
    sheet[f"{LAST}4"] = f"=COUNTA({LAST}2:{LAST}3)"
    sheet[f"{AFTER}4"] = "vérifié le 10/11"
    sheet.add_table(Table(displayName="Reclamations", ref=f"A1:{LAST}4", tableColumns=columns,
                          totalsRowCount=1))
    sheet.auto_filter.ref = None
    workbook.create_sheet("Notes")
    workbook.save(path)
    return path


def test_the_totals_row_formulas_keep_every_row_when_it_moves_down(tmp_path):
    path = _with_plain_range_totals(tmp_path / "registre.xlsx")
    assert append_complaints(path, NEW) == [4, 5]
    sheet = openpyxl.load_workbook(path)["Registre"]
    assert (sheet["A6"].value, sheet["E6"].value) == ("Total", "=COUNTA(E2:E5)")
    assert sheet["F6"].value == '=E6&" réclamations"'
    # Absolute ranges grow the same way; another sheet's rows are not the table's.
    assert sheet["J6"].value == "=SUM($B$2:$B$5)+COUNTA(Notes!A1:A3)"
    # A reference to the last row stays on it; a range starting there ends on the new last.
    assert sheet["K6"].value == '="Dernière : "&A3&" / "&COUNTA(E3:E5)'
    assert sheet[f"{LAST}6"].value == f"=COUNTA({LAST}2:{LAST}5)"
    # Outside the table: not the totals row's, left in its row.
    assert (sheet[f"{AFTER}4"].value, sheet[f"{AFTER}6"].value) == ("vérifié le 10/11", None)
    assert (sheet["E4"].value, sheet["E5"].value) == ("Hugo Petit", "Inès Roux")
    (table,) = sheet.tables.values()
    assert table.ref == f"A1:{LAST}6"
    assert list(read_register(path).frame["numero"]) == [
        "2026-001", "2026-002", "2026-003", "2026-004"]


SPARKLINES = (b'<extLst><ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" '
              b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
              b'<x14:sparklineGroups/></ext></extLst>')
FIRST_READ, CHUNK = 1 << 16, 1 << 22  # how main's scan read a sheet


def test_sparklines_after_an_end_tag_across_a_4_mib_read_are_kept(tmp_path):
    """« </sheetData   > » (blanks are allowed before ">") straddling the 4 MiB boundary of
    main's scan: it never saw the end of the cells, took the sparklines for absent, and
    the write through openpyxl dropped them."""
    path = create_register(tmp_path / "registre.xlsx", [complaint()])

    def padded(xml: bytes) -> bytes:
        end = xml.index(b"</sheetData>")
        boundary = FIRST_READ + CHUNK
        blanks = boundary - 100 - end  # "</sheetData" 100 bytes before the boundary, ">" after
        return (xml[:end] + b" " * blanks + b"</sheetData" + b" " * 200 + b">" +
                xml[end + len(b"</sheetData>"):].replace(b"</worksheet>",
                                                          SPARKLINES + b"</worksheet>"))

    with_part(path, "xl/worksheets/sheet1.xml", padded)
    mark_dates(path, [(2, "date_accuse", date(2026, 11, 9))])
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert SPARKLINES in sheet
    assert read_register(path).frame["date_accuse"].tolist() == [date(2026, 11, 9)]


def test_a_moved_total_loses_its_saved_result(tmp_path):
    """Saved by Excel, the totals row holds its results (2 complaints). Moved, its formulas
    count 4: the old result is removed, so that no program shows the old count in the
    meantime; its label keeps its text."""
    path = _with_plain_range_totals(tmp_path / "registre.xlsx")
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"<f>COUNTA(E2:E3)</f><v></v>", b"<f>COUNTA(E2:E3)</f><v>2</v>"))
    append_complaints(path, NEW)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert re.search(r'<c r="E6"[^>]*><f>COUNTA\(E2:E5\)</f></c>', sheet)
    assert openpyxl.load_workbook(path)["Registre"]["A6"].value == "Total"
