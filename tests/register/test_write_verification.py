"""Before it replaces the register, a write opens the saved copy again and reads back every
value it wrote: a value that would not read back as written (a date on a table's totals
row, which no reader takes for a complaint) or a workbook it cannot read leaves the
register as it was, with a French message naming the cell (row and column header)."""

from __future__ import annotations

import os
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from helpers.register_files import COLUMN_LETTER as COL
from helpers.register_files import complaint, with_part, write_register
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableColumn

from toolkit.cli import main
from toolkit.errors import RegisterChangedError, RegisterFileError
from toolkit.register.reading import read_register
from toolkit.register.sheet_xml import MAIN_NS as MAIN
from toolkit.register.template import create_register
from toolkit.register.writeback import (
    BACKUP_DIRNAME,
    WriteTarget,
    append_complaints,
    mark_dates,
    refuse_unwritable,
    write_values,
)
from toolkit.rules.columns import BY_KEY, COLUMNS

DAY = date(2026, 11, 9)
# openpyxl stores this text as typed, but Excel and the register's reader both decode
# "_x0041_" as the escaped character "A" (OOXML escapes): it would read back "code A fin".
ESCAPE_LOOKALIKE = "code _x0041_ fin"


def _refusal(row: int, header: str) -> str:
    return (f"registre.xlsx : l'enregistrement n'a pas pu être vérifié (ligne {row}, "
            f"{header}). Le registre n'a pas été modifié.")


def test_a_text_that_looks_like_an_escape_is_stored_escaped(make_register, capsys):
    """Excel stores a literal « _x0041_ » as « _x005F_x0041_ »; written raw, Excel and every
    reader would show « A ». (Today's main refused such a text: it could never be written.)"""
    path = make_register([complaint()])
    code = main(["new", "--register", str(path), "--today", "2026-11-20", "--canal", "Courrier",
                 "--date", "16/11/2026", "--nom", "Hugo Petit",
                 "--description", ESCAPE_LOOKALIKE])
    assert code == 0, capsys.readouterr().err
    assert list(read_register(path).frame["description"]) == [
        "Leçons annulées sans préavis.", ESCAPE_LOOKALIKE]
    assert load_workbook(path)["Registre"][f"{COL['description']}3"].value == ESCAPE_LOOKALIKE
    with zipfile.ZipFile(path) as archive:
        assert b"_x005F_x0041_" in archive.read("xl/sharedStrings.xml")


def test_several_texts_that_look_like_escapes_are_all_kept(make_register):
    path = make_register([complaint()])
    rows = [complaint("2026-002", description=ESCAPE_LOOKALIKE),
            complaint("2026-003", nom=f"Hugo {ESCAPE_LOOKALIKE}", description="_x000D_\r")]
    append_complaints(path, rows)
    frame = read_register(path).frame
    assert list(frame["description"])[1:] == [ESCAPE_LOOKALIKE, "_x000D_"]
    assert frame["nom"].iloc[-1] == f"Hugo {ESCAPE_LOOKALIKE}"
    sheet = load_workbook(path)["Registre"]
    assert sheet["E4"].value == f"Hugo {ESCAPE_LOOKALIKE}"


def _with_prefixed_shared_strings(path: Path) -> None:
    """A shared strings part written ``x:sst``, ``x:si``, ``x:t``, as some generators write
    it, holding one text."""
    with_part(path, "xl/sharedStrings.xml", lambda _: (
        f'<x:sst xmlns:x="{MAIN}" count="1" uniqueCount="1"><x:si><x:t>Courrier</x:t>'
        "</x:si></x:sst>").encode())
    with_part(path, "xl/_rels/workbook.xml.rels", lambda xml: xml.replace(
        b"</Relationships>", b'<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="'
        b'http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
        b"</Relationships>"))
    with_part(path, "[Content_Types].xml", lambda xml: xml.replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))


def test_a_text_that_looks_like_an_escape_joins_prefixed_shared_strings(tmp_path):
    path = write_register(tmp_path / "registre.xlsx", [complaint()])
    _with_prefixed_shared_strings(path)
    append_complaints(path, [complaint("2026-002", description=ESCAPE_LOOKALIKE)])
    assert list(read_register(path).frame["description"])[1] == ESCAPE_LOOKALIKE
    with zipfile.ZipFile(path) as archive:
        strings = archive.read("xl/sharedStrings.xml")
    assert strings == (f'<x:sst xmlns:x="{MAIN}" count="2" uniqueCount="2"><x:si><x:t>'
                       'Courrier</x:t></x:si><x:si><x:t xml:space="preserve">code _x005F_x0041_ '
                       "fin</x:t></x:si></x:sst>").encode()


def test_a_text_that_looks_like_an_escape_starts_the_shared_strings_of_a_register(tmp_path):
    """A register as the template makes it has no shared-strings part (its texts are
    inline): the write creates one, with its counts."""
    path = create_register(tmp_path / "registre.xlsx", [complaint()])
    with zipfile.ZipFile(path) as archive:
        assert "xl/sharedStrings.xml" not in archive.namelist()
    append_complaints(path, [complaint("2026-002", description=ESCAPE_LOOKALIKE)])
    assert list(read_register(path).frame["description"])[1] == ESCAPE_LOOKALIKE
    with zipfile.ZipFile(path) as archive:
        strings = archive.read("xl/sharedStrings.xml")
    assert strings == (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst '
                       f'xmlns="{MAIN}" count="1" uniqueCount="1"><si><t xml:space="preserve">'
                       "code _x005F_x0041_ fin</t></si></sst>").encode()


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


@pytest.mark.parametrize(("key", "value", "rendered"), [
    ("telephone", "0612345678", "0612345679"),
    ("observations", "Rappeler lundi", "Rappeler mardi"),
])
def test_a_value_rendered_wrong_is_caught_by_reading_it_back(make_register, monkeypatch, key,
                                                            value, rendered):
    """A fault in the rendering of a cell (planted here: one character changed) is caught
    by reading the saved cell back, each column kind by its own reading (the phone's gives
    back a leading zero Excel dropped), before the register is replaced."""
    from toolkit.register import writeback

    path = make_register([complaint()])
    original = path.read_bytes()
    written_cell = writeback._written_cell

    def faulty(reference, style, stored, *rest):
        return written_cell(reference, style, rendered if stored == value else stored, *rest)

    monkeypatch.setattr(writeback, "_written_cell", faulty)
    message = _refusal(2, BY_KEY[key].header)
    with pytest.raises(RegisterFileError, match=f"^{re.escape(message)}$"):
        write_values(path, [(2, key, value)])
    assert path.read_bytes() == original


def _cell_left_open(rendered: bytes) -> bytes:
    return rendered.replace(b"</c>", b"", 1)


def _escape_dropped(rendered: bytes) -> bytes:
    # The note's « <!-- » then opens a comment that swallows the rest of the document: the
    # error only shows once the parser is told the document ends.
    return rendered.replace(b"&lt;", b"<")


def _prefix_undeclared(rendered: bytes) -> bytes:
    # Well-formed as text, but the prefix is declared nowhere in the sheet: not XML with
    # namespaces, which Excel reads (a prefix Excel declares on the root is accepted:
    # tests/register/test_saved_by_excel.py).
    return rendered.replace(b"<row ", b'<row x99:flag="1" ', 1)


@pytest.mark.parametrize("fault", [_cell_left_open, _escape_dropped, _prefix_undeclared])
def test_a_row_rendered_as_broken_xml_is_refused_before_anything_is_saved(make_register,
                                                                          monkeypatch, fault):
    """A fault in the rendering of a row (planted here) is caught by parsing the rebuilt
    rows as a whole document: Excel would have to repair the register."""
    from toolkit.register import sheet_xml

    path = make_register([complaint(), complaint("2026-002", date(2026, 11, 5))])
    original = path.read_bytes()
    render = sheet_xml.Row.render

    def faulty(row, prefix):
        rendered = render(row, prefix)
        return fault(rendered) if row.number == 3 else rendered

    monkeypatch.setattr(sheet_xml.Row, "render", faulty)
    message = ("registre.xlsx : l'enregistrement n'a pas pu être vérifié (lignes 3 à 3). "
               "Le registre n'a pas été modifié.")
    with pytest.raises(RegisterFileError, match=f"^{re.escape(message)}$"):
        write_values(path, [(3, "observations", "<!-- rappeler lundi")])
    assert path.read_bytes() == original


@pytest.mark.parametrize("styles", [None, b""])
def test_a_workbook_without_styles_is_refused_before_anything_is_written(make_register, styles):
    # The schema allows a workbook without a styles part (or an empty one): some exports
    # write none. A date needs its format, and the write has nowhere to put it.
    path = make_register([complaint()])
    with zipfile.ZipFile(path) as archive:
        parts = {item.filename: archive.read(item) for item in archive.infolist()}
    if styles is None:
        del parts["xl/styles.xml"]
        parts["xl/_rels/workbook.xml.rels"] = re.sub(
            rb"<Relationship\b[^>]*/styles\"[^>]*/>", b"", parts["xl/_rels/workbook.xml.rels"])
    else:
        parts["xl/styles.xml"] = styles
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    original = path.read_bytes()
    message = ("registre.xlsx ne peut pas être écrit : le classeur n'a pas de styles (classeur "
               "produit par un autre logiciel). Ouvrez-le dans Excel ou LibreOffice, "
               "enregistrez-le, puis relancez la commande. Rien n'a été écrit.")
    with pytest.raises(RegisterFileError, match=f"^{re.escape(message)}$"):
        mark_dates(path, [(2, "date_accuse", DAY)])
    assert path.read_bytes() == original
    assert not (path.parent / BACKUP_DIRNAME).exists()


def test_a_workbook_whose_sheet_list_is_damaged_is_refused_before_anything_is_written(
        make_register):
    # A damaged workbook part: the write cannot tell which sheet is the register.
    path = make_register([complaint()])
    with_part(path, "xl/workbook.xml", lambda _: b"<workbook")
    original = path.read_bytes()
    message = ("registre.xlsx ne peut pas être ouvert pour y écrire : classeur endommagé ou "
               "piégé (ParseError). Rien n'a été écrit.")
    with pytest.raises(RegisterFileError, match=f"^{re.escape(message)}$"):
        mark_dates(path, [(2, "date_accuse", DAY)])
    assert path.read_bytes() == original
    assert not (path.parent / BACKUP_DIRNAME).exists()


@pytest.mark.parametrize(("sheet", "problem"), [
    (b"<feuille/>", "pas d'élément worksheet"),
    (f'<worksheet xmlns="{MAIN}"><dimension ref="A1"/></worksheet>'.encode(),
     "pas d'élément sheetData"),
    (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"/>'.encode(),
     "élément sheetData non fermé"),
])
def test_an_unreadable_register_sheet_is_refused_in_french(make_register, sheet, problem):
    path = make_register([complaint()])
    with_part(path, "xl/worksheets/sheet1.xml", lambda _: sheet)
    original = path.read_bytes()
    message = (f"registre.xlsx : une feuille du classeur est illisible ({problem}). "
               "Rien n'a été écrit.")
    with pytest.raises(RegisterFileError, match=f"^{re.escape(message)}$"):
        mark_dates(path, [(2, "date_accuse", DAY)])
    assert path.read_bytes() == original


def _rows_unnumbered(sheet: bytes, last_only: bool) -> bytes:
    """The rows' ``r`` attributes taken out (optional in the format; some generators leave
    them out): of every row, or of the sheet's last row only, met deep in the write."""
    rows = list(re.finditer(rb'<row r="\d+"', sheet))
    for row in reversed(rows[-1:] if last_only else rows):
        sheet = sheet[:row.start()] + b"<row" + sheet[row.end():]
    return sheet


def _register_with_unnumbered_rows(make_register, last_only: bool) -> Path:
    path = make_register([complaint(), complaint("2026-002", date(2026, 11, 5))])
    with_part(path, "xl/worksheets/sheet1.xml", lambda sheet: _rows_unnumbered(sheet, last_only))
    assert list(read_register(path).frame["numero"]) == ["2026-001", "2026-002"]  # still read
    return path


@pytest.mark.parametrize(("write", "last_only"), [
    ("mark_dates", False), ("append_complaints", False), ("append_complaints", True),
    ("refuse_unwritable", False)])  # asked before an erasure touches any other copy
def test_a_sheet_whose_rows_have_no_number_is_refused_in_french(make_register, write,
                                                                 last_only):
    path = _register_with_unnumbered_rows(make_register, last_only)
    original = path.read_bytes()
    message = ("registre.xlsx ne peut pas être écrit : une ligne de la feuille n'a pas de "
               "numéro (classeur produit par un autre logiciel). Ouvrez-le dans Excel ou "
               "LibreOffice, enregistrez-le, puis relancez la commande. Rien n'a été écrit.")
    with pytest.raises(RegisterFileError, match=f"^{re.escape(message)}$"):
        if write == "mark_dates":
            mark_dates(path, [(3, "date_accuse", DAY)])
        elif write == "refuse_unwritable":
            refuse_unwritable(path)
        else:
            append_complaints(path, [{"numero": "2026-003", "nom": "Karim Benali"}])
    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir()) == ["registre.xlsx"]


def test_a_row_without_number_the_write_does_not_reach_is_left_as_it_is(make_register):
    # the last prepared row, far below the complaint dated: its number follows the row above
    path = _register_with_unnumbered_rows(make_register, last_only=True)
    mark_dates(path, [(3, "date_accuse", DAY)])
    assert list(read_register(path).frame["date_accuse"])[1] == DAY


def _damage_member(path: Path, name: str) -> None:
    """Flip bytes in the middle of one member's compressed data: the archive's directory
    is intact, the part is not (found only when it is inflated)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    data = bytearray(path.read_bytes())
    header = info.header_offset
    start = header + 30 + int.from_bytes(data[header + 26:header + 28], "little") + \
        int.from_bytes(data[header + 28:header + 30], "little")
    middle = start + info.compress_size // 2
    data[middle:middle + 8] = bytes(byte ^ 0xFF for byte in data[middle:middle + 8])
    path.write_bytes(bytes(data))


def test_a_part_damaged_inside_the_archive_is_refused_before_anything_is_written(
        make_register):
    # The styles are only inflated when the new cells are styled, during the write itself.
    path = make_register([complaint()])
    _damage_member(path, "xl/styles.xml")
    original = path.read_bytes()
    with pytest.raises(RegisterFileError, match=r"^registre\.xlsx ne peut pas être écrit : "
                       r"classeur endommagé \((error|BadZipFile)\)\. Rien n'a été écrit\.$"):
        mark_dates(path, [(2, "date_accuse", DAY)])
    assert path.read_bytes() == original
    assert not (path.parent / BACKUP_DIRNAME).exists()


def test_a_register_saved_by_someone_during_the_write_is_said_changed_not_damaged(
        make_register, monkeypatch):
    # Excel saves the register while the write is preparing it: the styles, inflated only
    # now, are read from the new bytes at the old places and fail. The reason is the save,
    # not a damaged workbook: staff are told to run the command again, and their file stays.
    path = make_register([complaint()])
    render = WriteTarget.render
    theirs = []

    def saved_meanwhile(target):
        _damage_member(path, "xl/styles.xml")  # rewritten in place, as a save over it
        later = path.stat().st_mtime_ns + 1_000_000_000  # coarse clocks
        os.utime(path, ns=(later, later))
        theirs.append(path.read_bytes())
        return render(target)

    monkeypatch.setattr(WriteTarget, "render", saved_meanwhile)
    message = ("registre.xlsx a été modifié pendant la commande (enregistré par quelqu'un "
               "d'autre ?). Rien n'a été écrit : relancez la commande.")
    with pytest.raises(RegisterChangedError, match=f"^{re.escape(message)}$"):
        mark_dates(path, [(2, "date_accuse", DAY)])
    assert not (path.parent / BACKUP_DIRNAME).exists()
    assert [path.read_bytes()] == theirs


def test_another_rewritten_part_saved_damaged_is_refused(tmp_path, monkeypatch):
    """The styles gain a date format in this write: saved with a checksum that does not
    match their bytes (what a disk or a network share may do), they are found when the
    saved copy is inflated again, before the register is replaced."""
    from toolkit.register import xlsx_package

    path = write_register(tmp_path / "registre.xlsx", [complaint()])
    append_member = xlsx_package._append_member

    def faulty(out, info, compressed):
        if info.filename == "xl/styles.xml":
            info.CRC ^= 1
        append_member(out, info, compressed)

    monkeypatch.setattr(xlsx_package, "_append_member", faulty)
    _refused_unverified(path, "xl/styles.xml", 2)


def _refused_unverified(path: Path, part: str, row: int) -> None:
    """A date written on ``row`` is refused, ``part`` named, the register left as it was."""
    original = path.read_bytes()
    message = (f"registre.xlsx : l'enregistrement n'a pas pu être vérifié ({part}). "
               "Le registre n'a pas été modifié.")
    with pytest.raises(RegisterFileError, match=f"^{re.escape(message)}$"):
        mark_dates(path, [(row, "date_accuse", DAY)])
    assert path.read_bytes() == original


@pytest.mark.parametrize("fault", ["a byte changed", "a byte left out"])
def test_a_saved_sheet_that_is_not_the_rendered_one_is_refused(make_register, monkeypatch,
                                                               fault):
    """A sheet changed between its rendering and the disk (its CRC then matches what was
    written, not what was meant) is caught by the comparison of the saved sheet with the
    rendered one, before the register is replaced."""
    from toolkit.register import xlsx_package

    path = make_register([complaint(), complaint("2026-002", date(2026, 11, 5))])
    write_part = xlsx_package._write_part

    def faulty(out, info, data):
        if info.filename == "xl/worksheets/sheet1.xml":
            whole = b"".join(data)
            at = whole.index(b"2026-002")
            data = whole[:at] + (b"3" if fault == "a byte changed" else b"") + whole[at + 1:]
        write_part(out, info, data)

    monkeypatch.setattr(xlsx_package, "_write_part", faulty)
    _refused_unverified(path, "xl/worksheets/sheet1.xml", 3)
