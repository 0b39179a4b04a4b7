"""What a write refuses, and what it keeps, read from real workbooks.

- A picture in a drawing written without any XML namespace (as a program other than Excel
  may write it), a drawing holding both a picture and a text box: kept byte for byte.
- Excel 2010+ extensions of the register sheet, one without an identifier too, and a
  drop-down of the toolkit's own that applies to no cell: kept, the write goes on.
- A lock file that cannot be read (held exclusively; here a folder of that name) still
  refuses the write, naming no one.
- A sheet's background picture or protected ranges: kept.
- A register sheet whose XML is broken after its cells is named as unreadable.
- A stray part left in the sheets' folder, empty or without cells: kept, the write goes on.
- The register sheet holding more than 64 MB after its cells (formats, validations,
  extensions: never that big in a real register) is refused as abnormal; another sheet is
  not the toolkit's to judge: copied as it is.
- The register sheet protected by a password, a cell holding a shared formula others use:
  refused, naming the sheet and the object.
- A header cell naming a shared text the workbook lacks (a damaged file): refused, where it
  was read as empty and the write added the register's columns again. Shared texts written
  without their namespace are read, as calamine reads them, and texts asked out of their
  order are each read at their index.

Each refusal leaves the register byte for byte as it was, without a backup.
"""

from __future__ import annotations

import html
import random
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from helpers.kills import leftovers
from helpers.register_files import complaint, with_part, write_register
from helpers.rich_registers import changed_parts, strings_shared

from toolkit.errors import RegisterFileError, RegisterLockedError, UnsafeWriteError
from toolkit.register.reading import read_register
from toolkit.register.sample import SAMPLE_PARAMETERS
from toolkit.register.writeback import BACKUP_DIRNAME, append_complaints, mark_dates

DAY = date(2026, 11, 9)
PARAMETERS_SHEET = "xl/worksheets/sheet2.xml"  # write_register: Registre, then Paramètres


@pytest.fixture
def register(tmp_path) -> Path:
    return write_register(tmp_path / "registre.xlsx", [complaint()],
                          parameters=SAMPLE_PARAMETERS)


def _refused(path: Path) -> str:
    """Try to write an acknowledgement date; the refusal's message, the file untouched."""
    original = path.read_bytes()
    with pytest.raises(UnsafeWriteError) as refused:
        mark_dates(path, [(2, "date_accuse", DAY)])
    assert path.read_bytes() == original
    assert not (path.parent / BACKUP_DIRNAME).exists()
    assert not leftovers(path)
    return str(refused.value)


_ANCHOR = ("<{p}twoCellAnchor><{p}from><{p}col>3</{p}col><{p}row>1</{p}row></{p}from>"
           "<{p}to><{p}col>5</{p}col><{p}row>6</{p}row></{p}to>"
           "<{p}pic><{p}nvPicPr/></{p}pic><{p}clientData/></{p}twoCellAnchor>")


def _kept(path: Path) -> None:
    """Write an acknowledgement date; every part the toolkit does not own is unchanged."""
    original = path.with_name("avant.xlsx")
    original.write_bytes(path.read_bytes())
    mark_dates(path, [(2, "date_accuse", DAY)])
    assert changed_parts(original, path) == []
    assert read_register(path).frame["date_accuse"].tolist() == [DAY]


def test_a_picture_in_a_drawing_without_namespace_is_kept(register):
    drawing = "<wsDr>" + _ANCHOR.format(p="") + "</wsDr>"
    with_part(register, "xl/drawings/drawing1.xml", lambda _: drawing.encode())
    _kept(register)


_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"


def test_a_picture_and_a_text_box_are_kept(register):
    drawing = (f'<xdr:wsDr xmlns:xdr="{_XDR}">' + _ANCHOR.format(p="xdr:")
               + _ANCHOR.format(p="xdr:").replace("pic>", "sp>").replace("nvPicPr", "nvSpPr")
               + "</xdr:wsDr>")
    with_part(register, "xl/drawings/drawing1.xml", lambda _: drawing.encode())
    _kept(register)


@pytest.mark.parametrize("content", [
    b"",
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<dimension ref="A1"/></worksheet>',
], ids=["vide", "sans-cellules"])
def test_a_stray_part_without_cells_in_the_sheets_folder_does_not_stop_a_write(register,
                                                                              content):
    """No sheet of the workbook points to it, and it holds nothing openpyxl could drop."""
    with_part(register, "xl/worksheets/sheet9.xml", lambda _: content)
    mark_dates(register, [(2, "date_accuse", DAY)])
    assert read_register(register).frame["date_accuse"].tolist() == [DAY]


def _junk(size: int) -> bytes:
    """``size`` bytes of blanks with a few letters every 1000 bytes, so that they deflate
    only about 150 times (a far higher ratio is refused as a zip bomb before any sheet is
    looked at)."""
    letters = random.Random(2026)
    return b"".join(b" " * 996 + bytes(letters.choices(b"abcdefghijklmnopqrstuvwxyz", k=4))
                    for _ in range(size // 1000))


def test_junk_after_the_cells_of_another_sheet_is_copied_as_it_is(register):
    # 64,100,000 bytes of junk appended to the Paramètres sheet, after its cells: not the
    # toolkit's sheet, never inflated by a write, copied as its compressed bytes.
    with_part(register, PARAMETERS_SHEET, lambda xml: xml + _junk(64_100_000))
    assert register.stat().st_size < 2_000_000
    _kept(register)


def test_a_long_register_with_70_mb_after_its_cells_is_refused(tmp_path):
    # 400 complaints: about 180 kB of cells, read in several chunks before their end shows;
    # then 70,000,000 bytes of junk appended to the Registre sheet.
    rows = [complaint(f"2026-{n:03d}") for n in range(1, 401)]
    path = write_register(tmp_path / "registre.xlsx", rows, parameters=SAMPLE_PARAMETERS)
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml + _junk(70_000_000))
    assert _refused(path) == (
        "une feuille du classeur a une taille anormale après ses cellules (fichier piégé ?). "
        "Rien n'a été écrit.")


_X14 = 'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"'
_XM = 'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"'
SPARKLINES = ('<ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" ' + _X14
              + '><x14:sparklineGroups/></ext>')
SLICERS = ('<ext uri="{A8765BA9-456A-4dab-B4F3-ACF838C121DE}" ' + _X14
           + '><x14:slicerList/></ext>')


def _with_extensions(path: Path, *extensions: str) -> None:
    listed = f"<extLst>{''.join(extensions)}</extLst></worksheet>".encode()
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"</worksheet>", listed))


def test_sparklines_and_slicers_of_the_register_sheet_are_kept(register):
    _with_extensions(register, SPARKLINES, SLICERS)
    _kept(register)
    with zipfile.ZipFile(register) as archive:
        assert (SPARKLINES + SLICERS).encode() in archive.read("xl/worksheets/sheet1.xml")


def test_an_extension_without_identifier_is_kept(register):
    _with_extensions(register, "<ext><autre/></ext>")
    _kept(register)
    with zipfile.ZipFile(register) as archive:
        assert b"<ext><autre/></ext>" in archive.read("xl/worksheets/sheet1.xml")


def test_a_drop_down_of_the_toolkit_on_no_cell_does_not_stop_a_write(register):
    # Excel's list-from-another-sheet drop-down, with an empty cell range.
    _with_extensions(register, '<ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" ' + _X14
                     + ' ' + _XM + '><x14:dataValidations count="1"><x14:dataValidation '
                     'type="list"><x14:formula1><xm:f>Listes!$A$2:$A$4</xm:f></x14:formula1>'
                     '<xm:sqref/></x14:dataValidation></x14:dataValidations></ext>')
    mark_dates(register, [(2, "date_accuse", DAY)])
    assert read_register(register).frame["date_accuse"].tolist() == [DAY]


def test_a_sheet_broken_after_its_cells_is_named_unreadable(register):
    with_part(register, "xl/worksheets/sheet1.xml",
              lambda xml: xml.replace(b"</worksheet>", b"<pageMargins left=></worksheet>"))
    original = register.read_bytes()
    with pytest.raises(RegisterFileError) as refused:
        mark_dates(register, [(2, "date_accuse", DAY)])
    assert str(refused.value) == ("registre.xlsx : une feuille du classeur est illisible "
                                  "(ParseError). Rien n'a été écrit.")
    assert register.read_bytes() == original


_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


@pytest.mark.parametrize(("element", "what"), [
    (f'<picture {_R} r:id="rId9"/>', "des images"),
    ('<protectedRanges><protectedRange name="Saisie" sqref="A2:Z1000"/></protectedRanges>',
     "des plages modifiables d'une feuille protégée"),
], ids=["image-de-fond", "plages-modifiables"])
def test_what_openpyxl_drops_from_a_sheet_is_kept(register, element, what):
    with_part(register, "xl/worksheets/sheet1.xml",
              lambda xml: xml.replace(b"</worksheet>", element.encode() + b"</worksheet>"))
    _kept(register)
    with zipfile.ZipFile(register) as archive:
        assert element.encode() in archive.read("xl/worksheets/sheet1.xml")


def test_a_lock_that_cannot_be_read_still_refuses_naming_no_one(register):
    (register.parent / ".~lock.registre.xlsx#").mkdir()
    original = register.read_bytes()
    with pytest.raises(RegisterLockedError) as refused:
        mark_dates(register, [(2, "date_accuse", DAY)])
    assert str(refused.value).startswith(
        "registre.xlsx est ouvert dans LibreOffice par un autre utilisateur depuis moins "
        "d'une minute (fichier de verrou .~lock.registre.xlsx#).")
    assert register.read_bytes() == original


def test_a_register_sheet_locked_by_a_password_is_refused_by_name(register):
    with_part(register, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>", b'</sheetData><sheetProtection password="CC3D" sheet="1"/>'))
    assert _refused(register) == (
        "registre.xlsx : la feuille « Registre » est protégée par un mot de passe. Rien n'a "
        "été écrit : ôtez la protection dans Excel (Révision › Ôter la protection de la "
        "feuille), puis relancez la commande.")


def test_an_array_formula_over_the_cell_to_write_is_refused_by_name(tmp_path):
    """An array formula entered over « Date d'accusé de réception » (O2:O3), kept in O2:
    writing a date in O2 would break it for O3 too."""
    path = write_register(tmp_path / "registre.xlsx", [complaint(), complaint("2026-002")],
                          parameters=SAMPLE_PARAMETERS)
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b'</row><row r="3"', b'<c r="O2"><f t="array" ref="O2:O3">B2:B3+1</f></c></row>'
        b'<row r="3"', 1).replace(b"</row></sheetData>", b'<c r="O3"/></row></sheetData>'))
    assert _refused(path) == (
        "registre.xlsx : feuille « Registre », la cellule à écrire porte une formule "
        "matricielle (O2:O3) que d'autres cellules utilisent. Rien n'a été écrit : remplacez "
        "cette formule par des valeurs, ou faites cette saisie à la main.")


def test_a_shared_formula_other_cells_use_is_refused_by_name(tmp_path):
    """Staff filled a formula down « Date d'accusé de réception » (O2:O3): Excel stores it
    once, in O2; writing a date over O2 would take it from O3."""
    path = write_register(tmp_path / "registre.xlsx", [complaint(), complaint("2026-002")],
                          parameters=SAMPLE_PARAMETERS)
    column = "O"  # Date d'accusé de réception in the official layout
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b'</row><row r="3"', f'<c r="{column}2"><f t="shared" ref="{column}2:{column}3" '
        f'si="0">B2+1</f></c></row><row r="3"'.encode(), 1).replace(
        b"</row></sheetData>", f'<c r="{column}3"><f t="shared" si="0"/></c></row>'
        "</sheetData>".encode()))
    assert _refused(path) == (
        "registre.xlsx : feuille « Registre », la cellule à écrire porte une formule "
        "partagée (O2:O3) que d'autres cellules utilisent. Rien n'a été écrit : remplacez "
        "cette formule par des valeurs, ou faites cette saisie à la main.")


def _header_in_shared_strings(path: Path, kept: int | None) -> None:
    """The register's texts moved to shared strings, as Excel saves them; ``kept``: how many
    of those texts the part keeps (None: the part is no longer the workbook's)."""
    strings_shared(path)
    if kept is None:
        with_part(path, "xl/_rels/workbook.xml.rels", lambda xml: re.sub(
            rb'<Relationship [^>]*sharedStrings[^>]*/>', b"", xml))
    else:
        with_part(path, "xl/sharedStrings.xml", lambda xml: re.sub(
            rb"(?:<si>.*?</si>)+", lambda items: b"".join(
                re.findall(rb"<si>.*?</si>", items.group(0))[:kept]), xml, count=1))


@pytest.mark.parametrize("kept", [3, 0, None],
                         ids=["texte-manquant", "liste-vide", "sans-textes-partages"])
def test_a_header_naming_a_missing_shared_text_is_refused(register, kept):
    """A cell of the header names a shared text the workbook lacks (a damaged file): read as
    empty, it would have the write add the register's 29 columns again after the header."""
    _header_in_shared_strings(register, kept)
    original = register.read_bytes()
    with pytest.raises(RegisterFileError) as refused:
        append_complaints(register, [complaint("2026-002", nom="Paul Durand")])
    message = re.fullmatch(
        r"registre\.xlsx : une cellule renvoie au texte partagé n° (\d+), absent du "
        r"classeur \(fichier endommagé\)\. Rien n'a été écrit\.", str(refused.value))
    assert message and int(message.group(1)) >= (kept or 0)
    assert register.read_bytes() == original
    assert not (register.parent / BACKUP_DIRNAME).exists()
    assert not leftovers(register)


def test_a_header_whose_shared_texts_are_all_there_is_written(register):
    _header_in_shared_strings(register, kept=10_000)
    assert append_complaints(register, [complaint("2026-002", nom="Paul Durand")]) == [3]
    assert read_register(register).frame["nom"].tolist() == ["Léa Moreau", "Paul Durand"]


def test_shared_texts_without_namespace_are_read(register):
    """A shared-strings part written without its namespace (invalid, yet calamine reads it):
    the header is found through it, and the complaint goes below, no column added."""
    _header_in_shared_strings(register, kept=10_000)
    with_part(register, "xl/sharedStrings.xml",
              lambda xml: re.sub(rb' xmlns="[^"]*"', b"", xml, count=1))
    assert append_complaints(register, [complaint("2026-002", nom="Paul Durand")]) == [3]
    register_read = read_register(register)
    assert register_read.frame["nom"].tolist() == ["Léa Moreau", "Paul Durand"]
    with zipfile.ZipFile(register) as archive:
        assert b'r="AD1"' not in archive.read("xl/worksheets/sheet1.xml")


def test_shared_texts_asked_in_any_order_are_each_read(register):
    """The header and « Paramètres » ask for shared texts out of their order (as XlsxWriter
    numbers them): each is the text at its index, whatever was asked before."""
    from toolkit.register.writeback import SharedStrings
    from toolkit.register.xlsx_package import Package

    _header_in_shared_strings(register, kept=10_000)
    with zipfile.ZipFile(register) as archive:
        expected = [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in re.findall(
            r"<si>.*?</si>", archive.read("xl/sharedStrings.xml").decode(), re.DOTALL)]
    order = [5, 0, 1, 2, 3, 6, 7, 4, 12, len(expected) - 1, 8]
    package = Package.open(register)
    try:
        shared = SharedStrings(package, "xl/sharedStrings.xml")
        assert [shared(index) for index in order] == [expected[i] for i in order]
    finally:
        package.close()
