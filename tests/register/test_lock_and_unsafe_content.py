"""What the write checks tell staff, read from real lock files and real workbooks.

- The refusal while Excel or LibreOffice holds the register names who holds it, as the lock
  file says (Excel's owner file: 8-bit name and UTF-16 copy at offset 55, or 54 for Word;
  LibreOffice's ``.~lock.name#`` entry), damaged or foreign lock files included, and says
  since when, from the lock file's age (boundaries: 1 minute, 1 hour, 48 hours).
- Drawings and Excel 2010+ extensions, wherever they are: kept byte for byte by a write.
- A column the register lacks is added right after the last column holding something.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from helpers.kills import leftovers
from helpers.register_files import complaint, with_part, write_grid, write_register
from helpers.rich_registers import changed_parts

from toolkit.errors import RegisterLockedError
from toolkit.register.reading import read_register
from toolkit.register.template import create_register
from toolkit.register.write_checks import excel_owner, libreoffice_owner, refuse_if_open
from toolkit.register.writeback import BACKUP_DIRNAME, append_complaints, mark_dates

DAY = date(2026, 11, 9)
SHEET = "xl/worksheets/sheet1.xml"  # the Registre sheet of a register the toolkit made


@pytest.fixture(scope="module")
def _base(tmp_path_factory) -> Path:
    """One register in the official layout, complaint 2026-001 on row 2 (built once)."""
    return create_register(tmp_path_factory.mktemp("base") / "registre.xlsx", [complaint()])


@pytest.fixture
def register(_base, tmp_path) -> Path:
    return Path(shutil.copy(_base, tmp_path / "registre.xlsx"))


def _assert_untouched(path: Path, original: bytes) -> None:
    assert path.read_bytes() == original
    assert not (path.parent / BACKUP_DIRNAME).exists()
    assert not leftovers(path)


# --- who holds the register open -------------------------------------------------------------

def _owner_file(name: str, utf16_at: int = 55) -> bytes:
    """An Office owner file: the name's length, the name in the Windows code page (Office
    writes « ? » for a letter the code page lacks), then at ``utf16_at`` (55 for Excel, 54
    for Word) the length again on 2 bytes and the name in UTF-16; 165 bytes in all."""
    data = bytes([len(name)]) + name.encode("cp1252", "replace")
    data = data.ljust(utf16_at, b" ") + len(name).to_bytes(2, "little")
    return (data + name.encode("utf-16-le")).ljust(165, b" ")


NAME_52 = "Łucja Wiśniewska-Kowalczyk de Saint-Exupéry-Lefèvres"
NAME_53 = "Łucja Wiśniewska-Kowalczyk de Saint-Exupéry-Lefèvres."


@pytest.mark.parametrize(("data", "owner"), [
    (_owner_file("A"), "A"),
    (_owner_file("李"), "李"),  # the 8-bit copy holds « ? »: the UTF-16 copy is read
    (_owner_file("Łucja Nowak"), "Łucja Nowak"),
    (_owner_file("Łucja Nowak", utf16_at=54), "Łucja Nowak"),  # Word's layout
    (_owner_file(NAME_52), NAME_52),
    (_owner_file(NAME_53), None),  # longer than Office allows: not an owner file
    (_owner_file(NAME_52, utf16_at=54), NAME_52),
])
def test_reads_the_owner_name_from_both_copies(data, owner):
    assert (len(NAME_52), len(NAME_53)) == (52, 53)
    assert excel_owner(data) == owner


def test_a_truncated_utf16_copy_gives_way_to_the_8_bit_name():
    """Read while Excel is still writing it: the UTF-16 copy says 13 letters, holds 5."""
    assert excel_owner(_owner_file("Claire Dupont")[:57 + 10]) == "Claire Dupont"


def test_the_8_bit_name_is_as_long_as_its_length_byte_says():
    """What follows the name (here the end of a longer name left in the file) is not shown."""
    assert excel_owner(bytes([4]) + b"Pauline") == "Paul"


def test_only_the_first_libreoffice_entry_names_the_owner():
    assert libreoffice_owner(b"Claire Martin;Paul Roy,paul,poste-2,25.11.2026 09:00,"
                             b"file:///home/paul/.config/libreoffice/4;") == "Claire Martin"


def test_a_capital_x_is_a_letter_of_the_libreoffice_owner_name():
    assert libreoffice_owner(b"Xavier Dupont,xavier,poste-2,25.11.2026 08:32,"
                             b"file:///home/xavier/.config/libreoffice/4;") == \
        "Xavier Dupont (poste poste-2)"


def _refusal(path: Path, lock_name: str, content: bytes, age_seconds: float = 0) -> str:
    lock = path.with_name(lock_name.format(path.name))
    lock.write_bytes(content)
    opened = time.time() - age_seconds
    os.utime(lock, (opened, opened))
    original = path.read_bytes()
    with pytest.raises(RegisterLockedError) as refused:
        refuse_if_open(path)
    assert path.read_bytes() == original
    return str(refused.value)


def test_the_refusal_names_the_excel_user_and_since_when(register):
    message = _refusal(register, "~${}", _owner_file("Élodie Martin"), 3 * 3600 + 5 * 60)
    assert message == (
        "registre.xlsx est ouvert dans Excel par Élodie Martin depuis 3 h 05 (fichier de "
        "verrou ~$registre.xlsx). Fermez le classeur puis relancez la commande : rien n'a "
        "été écrit. Si personne ne l'a ouvert (ordinateur arrêté brutalement), supprimez le "
        "fichier ~$registre.xlsx.")


@pytest.mark.parametrize(("age_seconds", "shown"), [
    (59, "moins d'une minute"),
    (60, "1 min"),
    (59 * 60 + 59, "59 min"),
    (3600, "1 h 00"),
    (3 * 3600 + 5 * 60, "3 h 05"),
    (47 * 3600 + 59 * 60, "47 h 59"),
    (48 * 3600, "2 jours"),
    (72 * 3600 - 1, "2 jours"),
    (72 * 3600, "3 jours"),
])
def test_the_refusal_says_how_long_the_lock_file_has_been_there(register, age_seconds,
                                                                 shown):
    message = _refusal(register, ".~lock.{}#", b"Claire,claire,poste-2,d,u;", age_seconds)
    assert f"par Claire (poste poste-2) depuis {shown} (fichier de verrou" in message


@pytest.mark.parametrize(("lock_name", "content", "who"), [
    # The UTF-16 copy holds half a character (a lone surrogate): the 8-bit copy, whole,
    # is shown rather than « Z�é ».
    ("~${}", (bytes([3]) + "Zoé".encode("cp1252")).ljust(55, b" ") + (3).to_bytes(2, "little")
     + b"Z\x00\x00\xd8\xe9\x00", "Excel par Zoé"),
    # Only the 8-bit copy, written in another code page (Macedonian « Ѓорѓи », cp1251):
    # 0x81 is no cp1252 letter.
    ("~${}", bytes([5]) + b"\x81\xee\xf0\x83\xe8", "Excel par \ufffdîðƒè"),
    # A lock file written in Latin-1, not UTF-8.
    (".~lock.{}#", "Élodie Martin,elodie,poste-accueil,25.11.2026 08:32,file:///x;"
     .encode("latin-1"), "LibreOffice par \ufffdlodie Martin (poste poste-accueil)"),
    # Only a lock file's first 4 KiB are read: an entry still open there names no one.
    (".~lock.{}#", b"," + b"x" * 4095 + b",poste-2,d,u;", "LibreOffice par un autre utilisateur"),
])
def test_a_damaged_or_foreign_lock_file_still_refuses_and_names_the_owner(
        register, lock_name, content, who):
    message = _refusal(register, lock_name, content)
    assert message.startswith(f"registre.xlsx est ouvert dans {who} depuis moins d'une "
                              "minute (fichier de verrou ")


# --- drawings ---------------------------------------------------------------------------------

_DRAWING = (
    '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"'
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    ' xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main">{}</xdr:wsDr>')
_FROM_TO = ('<xdr:from><xdr:col>30</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row>'
            '<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>33</xdr:col>'
            '<xdr:colOff>0</xdr:colOff><xdr:row>4</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>')
_TEXT_BOX = ('<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="ZoneTexte 1"/>'
             '<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr/><xdr:txBody><a:bodyPr/>'
             '<a:p><a:r><a:t>Rappeler</a:t></a:r></a:p></xdr:txBody></xdr:sp>')
# Excel 2010+ wraps what older versions cannot show in mc:AlternateContent.
_ALTERNATE = ('<mc:AlternateContent><mc:Choice Requires="a14">{}</mc:Choice>'
              '<mc:Fallback/></mc:AlternateContent>')


def _written_keeping_everything(path: Path) -> None:
    original = path.with_name("avant.xlsx")
    original.write_bytes(path.read_bytes())
    mark_dates(path, [(2, "date_accuse", DAY)])
    assert changed_parts(original, path) == []
    assert read_register(path).frame["date_accuse"].tolist() == [DAY]


def test_a_text_box_after_other_drawing_content_is_kept(register):
    drawing = _DRAWING.format(
        _ALTERNATE.format(f'<xdr:twoCellAnchor>{_FROM_TO}{_TEXT_BOX}<xdr:clientData/>'
                          '</xdr:twoCellAnchor>')
        + f'<xdr:twoCellAnchor>{_FROM_TO}{_TEXT_BOX}<xdr:clientData/></xdr:twoCellAnchor>')
    with_part(register, "xl/drawings/drawing1.xml", lambda _: drawing.encode())
    _written_keeping_everything(register)


def test_a_text_box_excel_wrapped_for_older_versions_is_kept(register):
    """Its only anchor sits inside mc:AlternateContent, which openpyxl would have dropped."""
    drawing = _DRAWING.format(
        _ALTERNATE.format(f'<xdr:twoCellAnchor>{_FROM_TO}{_TEXT_BOX}<xdr:clientData/>'
                          '</xdr:twoCellAnchor>'))
    with_part(register, "xl/drawings/drawing1.xml", lambda _: drawing.encode())
    _written_keeping_everything(register)


def test_a_drawn_object_of_an_unknown_kind_is_kept(register):
    drawing = _DRAWING.format(f'<xdr:twoCellAnchor>{_FROM_TO}{_ALTERNATE.format(_TEXT_BOX)}'
                              '<xdr:clientData/></xdr:twoCellAnchor>')
    with_part(register, "xl/drawings/drawing1.xml", lambda _: drawing.encode())
    _written_keeping_everything(register)


# --- Excel 2010+ extensions: on the toolkit's columns or elsewhere ------------------------------

_X14 = ('xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"')
# A drop-down whose list is on another sheet, as Excel 2010+ stores it.
X14_DROP_DOWN = (
    '<ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" ' + _X14 + '>'
    '<x14:dataValidations count="1"><x14:dataValidation type="list" allowBlank="1">'
    '<x14:formula1><xm:f>Listes!$A$2:$A$4</xm:f></x14:formula1><xm:sqref>{}</xm:sqref>'
    '</x14:dataValidation></x14:dataValidations></ext>')
# Icons (an Excel 2010+ icon set) as a conditional format.
X14_ICONS = (
    '<ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" ' + _X14 + '>'
    '<x14:conditionalFormattings><x14:conditionalFormatting>'
    '<x14:cfRule type="iconSet" priority="1" id="{{6E1E3B2A-1C4D-4F0B-9A57-2D6C0B7A1E01}}">'
    '<x14:iconSet iconSet="3Triangles"><x14:cfvo type="percent"><xm:f>0</xm:f></x14:cfvo>'
    '<x14:cfvo type="percent"><xm:f>33</xm:f></x14:cfvo>'
    '<x14:cfvo type="percent"><xm:f>67</xm:f></x14:cfvo></x14:iconSet></x14:cfRule>'
    '<xm:sqref>{}</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext>')


def _add_extensions(path: Path, *extensions: str) -> None:
    extension_list = f"<extLst>{''.join(extensions)}</extLst></worksheet>".encode()
    with_part(path, SHEET, lambda xml: xml.replace(b"</worksheet>", extension_list))


@pytest.mark.parametrize("extension", [
    X14_DROP_DOWN.format("I2:I1000"),  # Catégorie; its neighbour Description has none
    X14_DROP_DOWN.format("$C$2:$C$1000"),  # Canal, written with $
    X14_ICONS.format("Z2:AA1000"),  # exactly the two deadline columns
    X14_DROP_DOWN.format("X2:X1000") + X14_ICONS.format("E2:E1000"),  # staff's own
], ids=["categorie", "canal-absolute", "deadlines", "staff"])
def test_extensions_anywhere_on_the_register_sheet_are_kept(register, extension):
    _add_extensions(register, extension)
    _written_keeping_everything(register)
    with zipfile.ZipFile(register) as archive:
        assert extension.encode() in archive.read(SHEET)


@pytest.mark.parametrize("cells", [
    "#REF!",
    "AXX$XX2:A1000",  # without its stray $, a five-letter column: past Excel's last (XFD)
])
def test_an_unreadable_range_in_an_extension_is_kept_as_it_is(tmp_path, cells):
    """Staff put « Canal » first: column A holds a drop-down the toolkit owns."""
    path = write_register(tmp_path / "registre.xlsx", [complaint()],
                          headers=["Canal", "Numéro", "Date de réclamation", "Nom du client",
                                   "Description", "Date d'accusé de réception"])
    _add_extensions(path, X14_DROP_DOWN.format(cells))
    _written_keeping_everything(path)
    with zipfile.ZipFile(path) as archive:
        assert X14_DROP_DOWN.format(cells).encode() in archive.read(SHEET)


# --- a column the register lacks --------------------------------------------------------------

def test_a_missing_column_goes_right_after_the_last_column_holding_something(register):
    """Staff renamed « Observations »; a cell of column AE holds an empty text (what Excel
    keeps of a pasted ="" formula): the new column is AD, right after Statut (AC)."""
    workbook = openpyxl.load_workbook(register)
    workbook["Registre"]["Z1"] = "Remarques"
    workbook.save(register)
    with_part(register, SHEET, lambda xml: re.sub(
        rb'(<row r="2"[^>]*>.*?)</row>', rb'\1<c r="AE2" t="inlineStr"><is><t></t></is></c></row>',
        xml, count=1, flags=re.DOTALL))
    assert openpyxl.load_workbook(register)["Registre"]["AE2"].value == ""
    append_complaints(register, [complaint("2026-002", observations="rappel demandé")])
    sheet = openpyxl.load_workbook(register)["Registre"]
    assert [sheet[f"{column}1"].value for column in ("Z", "AA", "AC", "AD", "AE", "AF")] == [
        "Remarques", "Échéance accusé de réception", "Statut", "Observations", None, None]
    assert sheet["AD3"].value == "rappel demandé"
    assert sheet.column_dimensions["AD"].width == 30


@pytest.mark.parametrize("order", ["template", "reversed"])
def test_a_blank_register_sheet_gets_its_header_from_column_a(tmp_path, order):
    # However the caller ordered its values, the header comes in the template's order.
    values = complaint()
    if order == "reversed":
        values = dict(reversed(values.items()))
    path = write_grid(tmp_path / "registre.xlsx", [])
    assert append_complaints(path, [values]) == [2]
    sheet = openpyxl.load_workbook(path)["Registre"]
    assert [cell.value for cell in sheet[1]] == [
        "Numéro", "Date de réclamation", "Canal", "Civilité", "Nom du client", "Adresse",
        "Courriel", "Catégorie", "Description"]
    assert [sheet.column_dimensions[c].width for c in "ABCDE"] == [11, 13, 12, 11, 24]
    assert read_register(path).frame["numero"].tolist() == ["2026-001"]
