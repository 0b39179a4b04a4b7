"""The write-back module on real workbooks: only the intended cells change, refusals write
nothing, outside text stays text, and a killed save never breaks the register."""

from __future__ import annotations

import io
import os
import re
import shutil
import threading
import types
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from filelock import BaseFileLock
from helpers.kills import leftovers
from helpers.register_files import COLUMN_LETTER as COL
from helpers.register_files import complaint, with_part
from helpers.rich_registers import changed_parts
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.datavalidation import DataValidation

from toolkit.errors import (
    RegisterChangedError,
    RegisterFileError,
    RegisterLockedError,
)
from toolkit.register import writeback
from toolkit.register.reading import read_register
from toolkit.register.template import create_register
from toolkit.register.write_checks import excel_owner, libreoffice_owner
from toolkit.register.writeback import (
    BACKUP_DIRNAME,
    BACKUPS_KEPT,
    EXCEL_CELL_MAX_CHARS,
    append_complaints,
    backups_of,
    mark_dates,
    next_numero,
    toolkit_lock_path,
)
from toolkit.rules.columns import COLUMNS

DAY = date(2026, 11, 9)
# Where columns are in the official layout: staff columns go after the toolkit's last one.
STAFF, STAFF_2 = get_column_letter(len(COLUMNS) + 1), get_column_letter(len(COLUMNS) + 2)


# --- a register staff have lived in --------------------------------------------------------

@pytest.fixture(scope="module")
def _bases(tmp_path_factory) -> dict[str, Path]:
    """Registers built once for the module (building one takes most of a second)."""
    folder = tmp_path_factory.mktemp("bases")
    one = create_register(folder / "one.xlsx", [complaint()])
    staff = create_register(folder / "staff.xlsx", [complaint("2026-001"),
                                                    complaint("2026-002", date(2026, 11, 5))])
    _add_staff_changes(staff)
    return {"one": one, "staff": staff}


@pytest.fixture
def register(_bases, tmp_path) -> Path:
    """A fresh copy of a register holding one complaint, 2026-001 on row 2."""
    return Path(shutil.copy(_bases["one"], tmp_path / "registre.xlsx"))


@pytest.fixture
def staff_register(_bases, tmp_path) -> Path:
    """A fresh copy of a register staff have lived in (see _add_staff_changes)."""
    return Path(shutil.copy(_bases["staff"], tmp_path / "registre.xlsx"))


def _add_staff_changes(path: Path) -> None:
    """Own sheet with a formula and a merged title, an extra column with its own drop-down
    and formula, comment, colours, bold, widths, frozen panes, a filter, rich text, and a
    drop-down and a colour rule of their own on the toolkit's text columns."""
    wb = openpyxl.load_workbook(path, rich_text=True)
    ws = wb["Registre"]
    ws[f"{STAFF}1"], ws[f"{STAFF}2"] = "Suivi interne", "rappeler jeudi"
    ws[f"{STAFF_2}1"], ws[f"{STAFF_2}2"] = "Long", "=LEN(E2)"
    staff_list = DataValidation(type="list", formula1='"Claire,Paul"')
    staff_list.add(f"{COL['responsable']}2:{COL['responsable']}1000")
    staff_list.add(f"{STAFF}2:{STAFF}1000")
    ws.add_data_validation(staff_list)
    ws.conditional_formatting.add("E2:E1000", CellIsRule(
        operator="equal", formula=['"Dupont"'], fill=PatternFill("solid", start_color="FF0000")))
    ws["E2"].comment = Comment("Client fidèle", "Claire")
    ws["E3"].fill = PatternFill("solid", start_color="FFFF00")
    ws["E3"].font = Font(bold=True, color="C00000")
    ws[f"{COL['actions']}2"] = CellRichText("Appel du ", TextBlock(InlineFont(b=True),
                                                                  "moniteur"), " fait")
    ws.column_dimensions[STAFF].width = 33
    ws.freeze_panes = "D2"
    ws.auto_filter.ref = f"A1:{STAFF_2}1000"
    ws.auto_filter.add_filter_column(2, ["Courriel"])
    ws.row_dimensions[3].hidden = True
    notes = wb.create_sheet("Notes")
    notes["A1"], notes["A2"], notes["B2"] = "Total", 4, "=A2*2"
    notes.merge_cells("C1:E1")
    notes["B2"].number_format = "0.00 €"
    wb.save(path)


def _cell_state(cell) -> tuple:
    value = cell.value
    if isinstance(value, CellRichText):
        value = ("rich", tuple((str(b.font.b) if isinstance(b, TextBlock) else "", str(b))
                               for b in value))
    return (value, cell.number_format, cell.fill.fgColor.rgb, cell.font.b, cell.font.color
            and cell.font.color.rgb, cell.alignment.wrap_text, cell.protection.locked,
            cell.comment.text if cell.comment else None)


def _snapshot(path: Path) -> dict:
    """Everything staff could see, sheet by sheet."""
    wb = openpyxl.load_workbook(path, rich_text=True)
    sheets = {}
    for ws in wb:
        sheets[ws.title] = {
            "freeze": ws.freeze_panes, "merged": sorted(map(str, ws.merged_cells.ranges)),
            "widths": {k: v.width for k, v in ws.column_dimensions.items()},
            "hidden_rows": sorted(k for k, v in ws.row_dimensions.items() if v.hidden),
            "filter": (ws.auto_filter.ref, [(f.colId, f.filters.filter)
                                            for f in ws.auto_filter.filterColumn]),
            "validations": sorted((str(dv.type), str(dv.formula1), str(dv.formula2), str(dv.sqref))
                                  for dv in ws.data_validations.dataValidation),
            "formats": sorted((str(cf.sqref), rule.type, tuple(rule.formula or ()),
                               rule.dxf.fill.fgColor.rgb if rule.dxf and rule.dxf.fill else None)
                              for cf in ws.conditional_formatting for rule in cf.rules),
            "protected": ws.protection.sheet}
    # _cells: the cells the file holds (iter_rows would create every empty one it visits)
    cells = {(ws.title, c.coordinate): _cell_state(c) for ws in wb for c in ws._cells.values()}
    return {"cells": cells, "sheets": sheets, "names": wb.sheetnames}


def _changed_cells(before: dict, after: dict) -> set:
    keys = before["cells"].keys() | after["cells"].keys()
    return {k for k in keys if before["cells"].get(k) != after["cells"].get(k)}


def test_mark_dates_changes_only_the_intended_cell(staff_register):
    path = staff_register
    before = _snapshot(path)
    backup = mark_dates(path, [(3, "date_accuse", DAY)])
    after = _snapshot(path)
    cell = f"{COL['date_accuse']}3"
    assert _changed_cells(before, after) == {("Registre", cell)}
    value, number_format = after["cells"][("Registre", cell)][:2]
    assert value.date() == DAY and number_format == "dd/mm/yyyy"
    assert before["sheets"] == after["sheets"]
    assert before["names"] == after["names"]
    assert backup is not None and backup.parent.name == BACKUP_DIRNAME
    assert read_register(backup).frame["date_accuse"].tolist() == [None, None]
    assert openpyxl.load_workbook(path).calculation.fullCalcOnLoad
    assert not leftovers(path)


def test_append_complaints_changes_only_the_new_row(staff_register):
    path = staff_register
    before = _snapshot(path)
    lines = append_complaints(path, [complaint("2026-003", date(2026, 11, 6), nom="Paul Roy",
                                               telephone="0612345678")],
                              expected_mtime_ns=read_register(path).mtime_ns)
    assert lines == [4]
    after = _snapshot(path)
    changed = _changed_cells(before, after)
    assert changed and {(sheet, coordinate_from_string(coordinate)[1])
                        for sheet, coordinate in changed} == {("Registre", 4)}, changed
    assert before["sheets"] == after["sheets"]
    frame = read_register(path).frame
    assert frame["numero"].tolist() == ["2026-001", "2026-002", "2026-003"]
    assert frame["telephone"].tolist()[-1] == "0612345678"
    assert frame["date_reclamation"].tolist()[-1] == date(2026, 11, 6)


def test_appends_after_staff_notes_but_not_after_filled_down_formulas(register):
    path = register
    wb = openpyxl.load_workbook(path)
    ws = wb["Registre"]
    ws[f"{STAFF}1"], ws[f"{STAFF}3"] = "Suivi interne", "ligne réservée"
    for row in range(2, 1001):
        ws.cell(row=row, column=len(COLUMNS) + 2, value=f"=LEN(E{row})")
    wb.save(path)
    assert append_complaints(path, [complaint("2026-002")]) == [4]
    assert openpyxl.load_workbook(path)["Registre"][f"{STAFF}3"].value == "ligne réservée"


def test_xlsm_keeps_its_macros(register, tmp_path):
    source = register
    path = tmp_path / "registre_macros.xlsm"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType='
                                    b'"application/vnd.ms-office.vbaProject"/></Types>')
            new.writestr(item, data)
        new.writestr("xl/vbaProject.bin", b"macro-bytes")
    mark_dates(path, [(2, "date_accuse", DAY)])
    with zipfile.ZipFile(path) as archive:
        assert archive.read("xl/vbaProject.bin") == b"macro-bytes"
    assert read_register(path).frame["date_accuse"].tolist() == [DAY]


def test_keeps_the_file_permissions(register):
    path = register
    path.chmod(0o660)
    mark_dates(path, [(2, "date_accuse", DAY)])
    assert path.stat().st_mode & 0o777 == 0o660


# --- refusals: nothing written -------------------------------------------------------------

def _excel_owner_file(name: str) -> bytes:
    """An Excel owner file as Office writes it (165 bytes; see writeback_checks)."""
    data = bytes([len(name)]) + name.encode("cp1252")
    data = data.ljust(55, b" ") + len(name).to_bytes(2, "little") + name.encode("utf-16-le")
    return data.ljust(165, b" ")


LIBREOFFICE_LOCK = ("Élodie Martin,elodie,poste-accueil,25.11.2026 08:32,"
                    "file:///home/elodie/.config/libreoffice/4;").encode()


def _assert_untouched(path: Path, original: bytes) -> None:
    assert path.read_bytes() == original
    assert not (path.parent / BACKUP_DIRNAME).exists()
    assert not leftovers(path)


@pytest.mark.parametrize(("lock_name", "content", "expected"), [
    ("~${}", _excel_owner_file("Élodie Martin"), "Excel par Élodie Martin"),
    (".~lock.{}#", LIBREOFFICE_LOCK, "LibreOffice par Élodie Martin (poste poste-accueil)"),
])
def test_refuses_while_open_in_excel_or_libreoffice(register, lock_name, content,
                                                    expected):
    path = register
    lock = path.with_name(lock_name.format(path.name))
    lock.write_bytes(content)
    original = path.read_bytes()
    for write in (lambda: mark_dates(path, [(2, "date_accuse", DAY)]),
                  lambda: append_complaints(path, [complaint("2026-002")])):
        with pytest.raises(RegisterLockedError, match=re.escape(expected)) as refused:
            write()
        assert "moins d'une minute" in str(refused.value)
        assert lock.name in str(refused.value)
        _assert_untouched(path, original)


def test_reads_the_owner_of_office_lock_files():
    assert excel_owner(_excel_owner_file("Claire")) == "Claire"
    word = bytes([6]) + b"Claire".ljust(53, b"\0") + (6).to_bytes(2, "little") + \
        "Claire".encode("utf-16-le")
    assert excel_owner(word.ljust(162, b"\0")) == "Claire"
    assert excel_owner(bytes([6]) + b"Claire") == "Claire"  # truncated: the 8-bit copy
    assert excel_owner(b"") is None and excel_owner(b"\xff garbage") is None
    assert libreoffice_owner(b",paul,,25.11.2026 08:32,file:///x;") == "paul"
    assert libreoffice_owner(b"Dupont\\, Paul,paul,pc,d,u;") == "Dupont, Paul (poste pc)"
    assert libreoffice_owner(b"") is None


def test_refuses_when_the_file_changed_since_it_was_read(register):
    path = register
    seen = read_register(path).mtime_ns
    wb = openpyxl.load_workbook(path)
    wb["Registre"][f"{COL['observations']}2"] = "saisi dans Excel entre-temps"
    wb.save(path)
    os.utime(path, ns=(seen + 1_000_000_000, seen + 1_000_000_000))  # coarse clocks
    original = path.read_bytes()
    with pytest.raises(RegisterChangedError, match="modifié pendant la commande"):
        mark_dates(path, [(2, "date_accuse", DAY)], expected_mtime_ns=seen)
    _assert_untouched(path, original)


def test_waits_for_another_toolkit_run_then_refuses(register, monkeypatch):
    from filelock import FileLock

    path = register
    original = path.read_bytes()
    monkeypatch.setattr(writeback, "LOCK_TIMEOUT_S", 0.2)
    with FileLock(toolkit_lock_path(path)), \
            pytest.raises(RegisterLockedError, match="Une autre commande toolkit"):
        mark_dates(path, [(2, "date_accuse", DAY)])
    _assert_untouched(path, original)


def test_the_lock_taken_on_windows_waits_times_out_and_leaves_no_file(tmp_path, monkeypatch):
    # The desks run Windows: there the lock is filelock's, not flock on the file itself
    # (filelock takes its own platform's lock here: only the toolkit is told it is on Windows).
    monkeypatch.setattr(writeback, "sys", types.SimpleNamespace(platform="win32"))
    path = tmp_path / ".registre.xlsx.toolkit.lock"
    holder, waiter = writeback._LockFile(path), writeback._LockFile(path)
    assert holder.acquire(timeout=1) and path.exists()
    assert isinstance(holder._other, BaseFileLock)  # there, fcntl does not exist
    answers = []
    waiting = threading.Thread(target=lambda: answers.append(waiter.acquire(timeout=0.3)),
                               daemon=True)
    waiting.start()
    waiting.join(timeout=30)
    assert answers == [False]  # gave up after its timeout, the holder still has it
    holder.release()
    assert not path.exists()
    assert waiter.acquire(timeout=1) and path.exists()
    path.unlink()  # Windows' filelock deletes its file itself: the release finds it gone
    waiter.release()
    assert not path.exists()


def test_permission_denied_says_close_the_workbook(register, monkeypatch):
    """Windows refuses to replace a file Excel holds: the user must learn what to do."""
    path = register
    original = path.read_bytes()

    def denied(source, target):
        raise PermissionError(13, "Accès refusé", str(target))

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(RegisterLockedError, match="fermez le classeur"):
        mark_dates(path, [(2, "date_accuse", DAY)])
    assert path.read_bytes() == original
    assert not leftovers(path)


def test_adds_a_column_the_register_lacks_after_the_last_used_one(register):
    path = register
    wb = openpyxl.load_workbook(path)
    wb["Registre"][f"{COL['observations']}1"] = "Remarques"  # staff renamed "Observations"
    wb["Registre"][f"{STAFF}1"] = "Suivi interne"
    wb.save(path)
    append_complaints(path, [complaint("2026-002", observations="clé du courriel")])
    sheet = openpyxl.load_workbook(path)["Registre"]
    assert sheet[f"{COL['observations']}1"].value == "Remarques"  # left as staff named it
    assert sheet[f"{STAFF_2}1"].value == "Observations"
    assert sheet[f"{STAFF_2}3"].value == "clé du courriel"
    assert read_register(path).frame["observations"].tolist() == [None, "clé du courriel"]


def _png() -> io.BytesIO:
    from PIL import Image as PILImage

    data = io.BytesIO()
    PILImage.new("RGB", (4, 4), "red").save(data, format="PNG")
    data.seek(0)
    return data


def _add_image(wb) -> None:
    from openpyxl.drawing.image import Image

    wb["Registre"].add_image(Image(_png()), "AD2")


def _add_chart(wb) -> None:
    sheet = wb.create_sheet("Graphique")
    sheet.append([1])
    sheet.append([2])
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=1, min_row=1, max_row=2))
    sheet.add_chart(chart, "C3")


@pytest.mark.parametrize("add", [_add_image, _add_chart], ids=["image", "graphique"])
def test_keeps_an_image_or_a_chart_byte_for_byte(register, tmp_path, add):
    # No skip without Pillow: matplotlib, a dependency, always brings it.
    path = register
    wb = openpyxl.load_workbook(path)
    add(wb)
    wb.save(path)
    original = Path(shutil.copy(path, tmp_path / "avant.xlsx"))
    mark_dates(path, [(2, "date_accuse", DAY)])
    assert changed_parts(original, path) == []
    assert read_register(path).frame["date_accuse"].tolist() == [DAY]


X14_VALIDATION = (
    '<extLst><ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>{source}</xm:f>'
    '</x14:formula1><xm:sqref>{cells}</xm:sqref></x14:dataValidation></x14:dataValidations>'
    '</ext></extLst></worksheet>')
SPARKLINES = ('<extLst><ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" '
              'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
              '<x14:sparklineGroups/></ext></extLst></worksheet>')


def _extended(extension: str):
    return lambda xml: xml.replace(b"</worksheet>", extension.encode())


def test_drops_excel_extensions_of_the_validations_it_owns(register):
    """Excel 2010+ stores a drop-down pointing at another sheet (our Canal list) as an x14
    extension, which openpyxl drops: the toolkit recreates it, so the write goes on."""
    path = register
    with_part(path, "xl/worksheets/sheet1.xml", _extended(
        X14_VALIDATION.format(source="Listes!$A$2:$A$4", cells="C2:C1000")))
    mark_dates(path, [(2, "date_accuse", DAY)])
    sheet = openpyxl.load_workbook(path)["Registre"]
    assert any(str(dv.sqref) == "C2:C1000" and dv.type == "list"
               for dv in sheet.data_validations.dataValidation)


def test_a_write_leaves_the_lists_sheet_as_staff_left_it(register, tmp_path):
    """An older ``Listes`` sheet (five lists) stays as it is: a write adds no drop-down,
    so none can point at a list the sheet lacks."""
    path = register
    wb = openpyxl.load_workbook(path)
    lists = wb["Listes"]
    lists.delete_cols(6, 2)  # the older Listes sheet: five lists
    wb.save(path)
    original = Path(shutil.copy(path, tmp_path / "avant.xlsx"))
    mark_dates(path, [(2, "date_accuse", DAY)])
    assert changed_parts(original, path) == []
    before = {str(dv.sqref) for dv in openpyxl.load_workbook(original)["Registre"]
              .data_validations.dataValidation}
    after = {str(dv.sqref) for dv in openpyxl.load_workbook(path)["Registre"]
             .data_validations.dataValidation}
    assert after == before


@pytest.mark.parametrize(("part", "extension"), [
    ("xl/worksheets/sheet1.xml", X14_VALIDATION.format(source="Listes!$A$2:$A$3",
                                                       cells=f"{COL['telephone']}2:"
                                                             f"{COL['telephone']}1000")),
    ("xl/worksheets/sheet2.xml", X14_VALIDATION.format(source="Listes!$A$2:$A$3",
                                                       cells="B2")),
    ("xl/worksheets/sheet1.xml", SPARKLINES),
    ("xl/worksheets/sheet1.xml", SPARKLINES.replace("05C60535", "12345678")),
], ids=["liste-du-personnel", "autre-feuille", "sparklines", "inconnue"])
def test_keeps_excel_extensions(register, tmp_path, part, extension):
    path = register
    with_part(path, part, _extended(extension))
    original = Path(shutil.copy(path, tmp_path / "avant.xlsx"))
    mark_dates(path, [(2, "date_accuse", DAY)])
    assert changed_parts(original, path) == []
    with zipfile.ZipFile(path) as archive:
        assert extension.split("</extLst>")[0].encode() in archive.read(part)


@pytest.mark.parametrize(("part", "content"), [
    ("xl/threadedComments/threadedComment1.xml", b"<ThreadedComments/>"),
    ("xl/drawings/vmlDrawing9.vml", b'<xml><x:ClientData ObjectType="Button"/></xml>'),
    ("xl/pivotTables/pivotTable1.xml", b"<pivotTableDefinition/>"),
    ("xl/connections.xml", b"<connections/>"),
], ids=["commentaire-a-fil", "bouton", "tableau-croise", "connexion"])
def test_keeps_parts_openpyxl_would_drop(register, tmp_path, part, content):
    path = register
    with_part(path, part, lambda _: content)
    original = Path(shutil.copy(path, tmp_path / "avant.xlsx"))
    mark_dates(path, [(2, "date_accuse", DAY)])
    assert changed_parts(original, path) == []
    with zipfile.ZipFile(path) as archive:
        assert archive.read(part) == content


def test_keeps_comments(register):
    """Comments live in a VML drawing, kept with the comments part."""
    path = register
    wb = openpyxl.load_workbook(path)
    wb["Registre"]["E2"].comment = Comment("Client fidèle", "Claire")
    wb.save(path)
    mark_dates(path, [(2, "date_accuse", DAY)])
    assert openpyxl.load_workbook(path)["Registre"]["E2"].comment.text == "Client fidèle"


# --- untrusted workbooks -----------------------------------------------------------------------

def test_openpyxl_parses_with_defusedxml():
    """openpyxl guards against XML bombs only when defusedxml is installed and picked up."""
    from openpyxl.xml import DEFUSEDXML, functions

    assert DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")


BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;")
                                             * 10) for i in range(1, 10)) + b"]>")


@pytest.mark.parametrize(("declaration", "value"), [
    (BOMB, b"<v>&lol9;"),
    # a document type naming an outside definition, without entity: refused as well (no
    # sheet Excel writes has one; nothing is fetched)
    (b'<?xml version="1.0"?><!DOCTYPE worksheet SYSTEM "http://exemple.invalid/x.dtd">',
     b"<v>"),
])
def test_an_xml_bomb_is_refused_not_expanded(register, declaration, value):
    path = register
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: declaration +
              xml[xml.index(b"<worksheet"):].replace(b"<v>", value, 1))
    original = path.read_bytes()
    with pytest.raises(RegisterFileError) as refused:
        mark_dates(path, [(2, "date_accuse", DAY)])
    assert str(refused.value) == (f"{path.name} : une feuille du classeur est illisible "
                                  "(DTDForbidden). Rien n'a été écrit.")
    assert path.read_bytes() == original


# --- backups ---------------------------------------------------------------------------------

def test_backups_keep_the_last_twenty(register):
    path = register
    folder = path.parent / BACKUP_DIRNAME
    folder.mkdir()
    for index in range(25):
        (folder / f"registre_20200101-0000{index:02d}.xlsx").write_bytes(b"old")
    neighbour = folder / "registre_2025_20200101-000000.xlsx"  # another register's backup
    neighbour.write_bytes(b"other")
    made = mark_dates(path, [(2, "date_accuse", DAY)])
    kept = backups_of(path)
    assert len(kept) == BACKUPS_KEPT and kept[-1] == made
    assert kept[0].name == "registre_20200101-000006.xlsx"
    assert read_register(made).frame["date_accuse"].tolist() == [None]
    assert neighbour.exists()


def test_backups_made_within_one_second_are_ordered(register):
    path = register
    made = [mark_dates(path, [(2, "date_accuse", date(2026, 11, day))]) for day in (3, 4, 5)]
    assert backups_of(path)[-3:] == made
    assert [read_register(b).frame["date_accuse"].iloc[0] for b in made] == \
        [None, date(2026, 11, 3), date(2026, 11, 4)]


# --- outside text ----------------------------------------------------------------------------

CLIENT_TEXTS = ["=1+1", "+33 6 12 34 56 78", "-", "@SOMME(A1)", "\tretrait",
                '=HYPERLINK("http://x.example","clic")', "=cmd|' /C calc'!A0", "NA", "None",
                "Dupont & Fils <SARL>", "ligne 1\nligne 2", "émoji 🚗"]


def test_outside_text_is_stored_as_text(register):
    path = register
    rows = [complaint(None, date(2026, 11, 6), description=text, nom=f"Client {i}")
            for i, text in enumerate(CLIENT_TEXTS)]
    rows.append(complaint(None, date(2026, 11, 6), description="bip\x07 nul\x00 fin",
                          nom="\x00=2+2"))
    lines = append_complaints(path, rows)
    assert lines == list(range(3, 3 + len(rows)))
    sheet = openpyxl.load_workbook(path)["Registre"]
    stored = [sheet[f"{COL['description']}{line}"] for line in lines]
    assert [c.value for c in stored] == [*CLIENT_TEXTS, "bip nul fin"]
    assert all(c.data_type == "s" for c in stored)
    assert all(c.quotePrefix for c in stored[:7]) and not any(c.quotePrefix
                                                              for c in stored[7:])
    assert sheet.cell(row=lines[-1], column=5).value == "=2+2"
    # The reader trims surrounding blanks (SPEC: forgiving), nothing else.
    frame = read_register(path).frame
    assert frame["description"].tolist()[1:] == [*[t.strip() for t in CLIENT_TEXTS],
                                                 "bip nul fin"]
    assert frame["nom"].tolist()[-1] == "=2+2"


def test_overlong_text_is_cut_at_the_excel_limit(register):
    path = register
    append_complaints(path, [complaint("2026-002", description="x" * 40_000)])
    text = read_register(path).frame["description"].iloc[-1]
    assert len(text) == EXCEL_CELL_MAX_CHARS and text.endswith("tronqué : l'original est "
                                                               "dans le dossier)")


def test_next_numero_counts_per_year():
    assert next_numero(["2026-035", "2026-036", "2025-120", None], 2026) == "2026-037"
    assert next_numero(["2026-036"], 2027) == "2027-001"
    assert next_numero([], 2026) == "2026-001"


# --- crashes -----------------------------------------------------------------------------------

def test_a_temporary_file_left_by_a_killed_write_is_removed_by_the_next(register):
    path = register
    stale = path.with_name(".registre.toolkit-99999.tmp.xlsx")
    stale.write_bytes(b"PK half written")
    (path.parent / BACKUP_DIRNAME).mkdir()
    partial = path.parent / BACKUP_DIRNAME / ".registre_20261120-101010.xlsx.partial"
    partial.write_bytes(b"PK half copied")
    mark_dates(path, [(2, "date_accuse", DAY)])
    assert not stale.exists() and not partial.exists()
    assert read_register(path).frame["date_accuse"].tolist() == [DAY]


def test_a_leftover_that_cannot_be_removed_does_not_stop_the_write(register):
    # (held by another program on Windows; here a folder of that name, which unlink refuses)
    path = register
    stuck = path.with_name(".registre.toolkit-99999.tmp.xlsx")
    stuck.mkdir()
    (stuck / "x").write_bytes(b"")
    mark_dates(path, [(2, "date_accuse", DAY)])
    assert read_register(path).frame["date_accuse"].tolist() == [DAY]
    assert stuck.is_dir()


def test_writes_through_a_link_where_the_register_lives(register, tmp_path):
    link = tmp_path / "raccourci.xlsx"
    link.symlink_to(register)
    mark_dates(link, [(2, "date_accuse", DAY)])
    assert link.is_symlink()
    assert read_register(register).frame["date_accuse"].tolist() == [DAY]


def test_a_register_in_a_linked_folder_keeps_the_folder_as_the_user_named_it(register,
                                                                            tmp_path):
    # As a mapped drive on Windows (Z:\ rather than \\serveur\partage): the backup the
    # write reports is under the folder the user gave, and the register stays in place.
    linked_folder = tmp_path / "Registre partagé"
    linked_folder.symlink_to(register.parent, target_is_directory=True)
    backup = mark_dates(linked_folder / register.name, [(2, "date_accuse", DAY)])
    assert backup.parent == linked_folder / BACKUP_DIRNAME
    assert backup.is_file()
    assert read_register(register).frame["date_accuse"].tolist() == [DAY]


def test_refuses_what_is_not_a_date_for_a_date_column(register):
    original = register.read_bytes()
    with pytest.raises(ValueError):
        mark_dates(register, [(2, "nom", DAY)])
    with pytest.raises(ValueError):
        mark_dates(register, [(1, "date_accuse", DAY)])  # the header row
    assert register.read_bytes() == original
