"""What staff add to the register is written around, never refused and never changed.

Each kind of content (tests/helpers/rich_registers.py makes them with openpyxl, XlsxWriter
or by hand from ECMA-376) is put in a real register; then each kind of write runs on it:
dates marked, complaints appended (inside the prepared rows or past them), any value
written or cleared, a column added. Every part the toolkit does not own must then be the
same bytes (and the same compressed bytes) as before, and openpyxl and calamine must read
back every value written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from helpers import rich_registers as rich
from helpers.register_files import complaint
from python_calamine import CalamineWorkbook

from toolkit.register.reading import read_register
from toolkit.register.writeback import append_complaints, mark_dates, write_values
from toolkit.rules.columns import COLUMNS

DAY = date(2026, 11, 20)
INDEX = {column.key: number for number, column in enumerate(COLUMNS, start=1)}


def _writes(path: Path) -> None:
    """Every kind of write, one after the other."""
    mark_dates(path, [(2, "date_accuse", DAY), (3, "date_accuse", date(2026, 11, 19))])
    append_complaints(path, [complaint("2026-003", date(2026, 11, 12), nom="Hugo Petit",
                                       description="=SOMME(A1) _x0041_ & <b>")])
    write_values(path, [(2, "observations", "rappel fait"), (3, "civilite", None),
                        (4, "categorie", "Examen")])


def _calamine_rows(path: Path) -> list[list[object]]:
    workbook = CalamineWorkbook.from_path(str(path))
    return workbook.get_sheet_by_name("Registre").to_python(skip_empty_area=False)


def _assert_read_back(path: Path) -> None:
    frame = read_register(path).frame
    assert list(frame["numero"]) == ["2026-001", "2026-002", "2026-003"]
    assert list(frame["date_accuse"]) == [DAY, date(2026, 11, 19), None]
    assert frame["description"].iloc[-1] == "=SOMME(A1) _x0041_ & <b>"
    assert frame["observations"].iloc[0] == "rappel fait"
    assert list(frame["civilite"])[1] is None
    assert list(frame["categorie"])[2] == "Examen"
    sheet = openpyxl.load_workbook(path)["Registre"]
    assert sheet.cell(2, INDEX["date_accuse"]).value.date() == DAY
    assert sheet.cell(4, INDEX["description"]).value == "=SOMME(A1) _x0041_ & <b>"
    assert sheet.cell(4, INDEX["description"]).data_type == "s"
    assert sheet.cell(4, INDEX["nom"]).value == "Hugo Petit"
    rows = _calamine_rows(path)
    assert rows[3][INDEX["description"] - 1] == "=SOMME(A1) _x0041_ & <b>"
    assert rows[1][INDEX["date_accuse"] - 1] == DAY


@pytest.mark.parametrize("kind", list(rich.KINDS))
def test_every_part_the_toolkit_does_not_own_is_kept_byte_for_byte(kind, tmp_path):
    original = rich.KINDS[kind](tmp_path / "original.xlsx")
    path = tmp_path / "registre.xlsx"
    path.write_bytes(original.read_bytes())
    _writes(path)
    assert rich.changed_parts(original, path) == []
    assert set(rich.parts(original)) <= set(rich.parts(path)) | {"xl/calcChain.xml"}
    _assert_read_back(path)


def test_a_column_added_to_a_register_full_of_content_keeps_it(tmp_path):
    original = rich.everything(tmp_path / "original.xlsx")
    path = tmp_path / "registre.xlsx"
    path.write_bytes(original.read_bytes())
    workbook = openpyxl.load_workbook(path)
    assert "Satisfaction du client" in [c.value for c in workbook["Registre"][1]]
    write_values(path, [(2, "satisfaction", "Satisfait")])
    assert rich.changed_parts(original, path) == []
    assert read_register(path).frame["satisfaction"].iloc[0] == "Satisfait"


def test_the_registers_own_sheet_keeps_its_links_and_extensions(tmp_path):
    """The parts of the register sheet that are not cells (drawing and comment links,
    protected ranges, extension list) come out as they were."""
    original = rich.everything(tmp_path / "original.xlsx")
    path = tmp_path / "registre.xlsx"
    path.write_bytes(original.read_bytes())
    _writes(path)
    before = rich.parts(original)["xl/worksheets/sheet1.xml"][0]
    after = rich.parts(path)["xl/worksheets/sheet1.xml"][0]
    for element in (b"<drawing ", b"<legacyDrawing ", b"<protectedRanges>",
                    b"{A8765BA9-456A-4dab-B4F3-ACF838C121DE}",
                    b"{7E03D99C-DC04-49d9-9315-930204A7B6E9}", b"<autre/>",
                    b'iconSet="3Triangles"'):
        assert (element in before, element in after) == (True, True), element
    tail = before[before.index(b"</sheetData>"):]
    assert after[after.index(b"</sheetData>"):] == tail


def _recalculated(path: Path, folder: Path):
    from toolkit.libreoffice import convert

    return openpyxl.load_workbook(convert(path, "xlsx", folder), data_only=True)["Registre"]


@pytest.mark.libreoffice
@pytest.mark.parametrize("make", [rich.everything, rich.xlsxwriter_register],
                         ids=["toolkit-et-tout-le-reste", "xlsxwriter"])
def test_after_each_kind_of_write_libreoffice_recalculates_pythons_deadlines(make, tmp_path):
    """LibreOffice opens the register after each kind of write (it converts it without
    complaint) and its recalculated deadlines are Python's, on every row, new ones too."""
    from toolkit.rules.deadlines import ack_deadline, reply_deadline

    path = make(tmp_path / "registre.xlsx")
    writes = {
        "dates": lambda: mark_dates(path, [(2, "date_accuse", DAY)]),
        "nouvelle ligne": lambda: append_complaints(path, [complaint(
            "2026-003", date(2026, 11, 12), nom="Hugo Petit")]),
        "valeurs": lambda: write_values(path, [(3, "date_reclamation", date(2026, 11, 6)),
                                               (2, "observations", None)]),
        "colonne ajoutée": lambda: write_values(path, [(2, "date_reponse_annoncee",
                                                        date(2026, 12, 24))]),
    }
    for number, (kind, write) in enumerate(writes.items()):
        write()
        frame = read_register(path).frame
        sheet = _recalculated(path, tmp_path / f"lo-{number}")
        header = {cell.value: cell.column for cell in sheet[1]}
        for line, received in zip(frame["ligne"], frame["date_reclamation"], strict=True):
            ack = sheet.cell(line, header["Échéance accusé de réception"]).value
            reply = sheet.cell(line, header["Échéance réponse"]).value
            assert (ack.date(), reply.date()) == (ack_deadline(received),
                                                  reply_deadline(received)), (kind, line)
        _calamine_rows(path)  # calamine reads the whole sheet
        openpyxl.load_workbook(path).close()
