"""A register written by another tool spells the same workbook differently: a namespace
prefix, single quotes, blanks inside tags, cells without their reference, shared strings,
booleans in words, numbers and dates stored otherwise, other part names, relationships and
archive entries. The write must not care: the same complaints appended and the same cells
written give the same workbook, read back by openpyxl and by the toolkit, whatever the
spelling it started from. Each spelling is first checked to change nothing by itself."""

from __future__ import annotations

import functools
import re
import shutil
import zipfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from helpers.register_files import complaint, with_part
from helpers.rich_registers import strings_shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import column_index_from_string

from toolkit.register.reading import read_register
from toolkit.register.template import create_register
from toolkit.register.writeback import append_complaints, write_values

SHEET = "xl/worksheets/sheet1.xml"
STYLES = "xl/styles.xml"
WORKBOOK = "xl/workbook.xml"
MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _in_tags(transform):
    """Apply ``transform`` to each start tag (not to texts, where the same bytes mean
    characters)."""
    return lambda xml: re.sub(rb"<[A-Za-z][^<>]*>", lambda m: transform(m.group(0)), xml)


def _prefixed(xml: bytes) -> bytes:
    # The main namespace under a prefix, as some tools write it: x:row, x:c, x:v ...
    xml = xml.replace(b' xmlns="' + MAIN + b'"', b' xmlns:x="' + MAIN + b'"', 1)
    return re.sub(rb"<(/?)([A-Za-z][\w.-]*)(?=[\s/>])", rb"<\1x:\2", xml)


def _single_quotes(xml: bytes) -> bytes:
    return _in_tags(lambda tag: re.sub(rb'(\s[\w:.-]+)="([^"\']*)"', rb"\1='\2'", tag))(xml)


def _blanks_in_tags(xml: bytes) -> bytes:
    xml = _in_tags(lambda tag: re.sub(rb'(\s[\w:.-]+)=(["\'])', rb"\1 = \2",
                                      re.sub(rb"(/?>)$", rb" \1", tag)))(xml)
    # Elements on lines of their own, where only elements may stand.
    return re.sub(rb"<(row|c|sheetData|cols|col|conditionalFormatting|dataValidation)\b",
                  rb"\n  <\1", xml)


def _spans(xml: bytes) -> bytes:
    return re.sub(rb'<row r="(\d+)"', rb'<row r="\1" spans="1:29"', xml)


def _without_dimension(xml: bytes) -> bytes:
    return re.sub(rb"<dimension\b[^>]*/>", b"", xml)


def _cells_without_reference(xml: bytes) -> bytes:
    # A cell that follows the cell of the previous column needs no reference.
    def row(match: re.Match) -> bytes:
        previous = [0]

        def cell(found: re.Match) -> bytes:
            column = column_index_from_string(found.group(2).decode())
            follows, previous[0] = column == previous[0] + 1, column
            return found.group(1) + (b"" if follows else found.group(0)[len(found.group(1)):])

        return re.sub(rb'(<c)\s+r="([A-Z]+)\d+"', cell, match.group(0))
    return re.sub(rb"<row\b.*?</row>", row, xml, flags=re.DOTALL)


def _empty_cells_closed(xml: bytes) -> bytes:
    return re.sub(rb"<c\b([^>]*)></c>", rb"<c\1/>", xml)


def _declaration(xml: bytes) -> bytes:
    return b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\r\n" + xml


def _hexadecimal_references(xml: bytes) -> bytes:
    return re.sub(rb"&#(\d+);", lambda m: b"&#x%X;" % int(m.group(1)), xml)


def _literal_characters(xml: bytes) -> bytes:
    return re.sub(rb"&#(\d+);", lambda m: chr(int(m.group(1))).encode(), xml)


def _boolean_words(xml: bytes) -> bytes:
    # LibreOffice writes xsd:boolean in words.
    return re.sub(rb'\b(locked|hidden|apply\w+|wrapText|customBuiltin)="([01])"',
                  lambda m: m.group(1) + (b'="true"' if m.group(2) == b"1" else b'="false"'),
                  xml)


def _decimal_numbers(xml: bytes) -> bytes:
    # 46328 as other tools may store it: 46328.0, then 4.6328E4, in turn (not a shared
    # string's index, which is an integer).
    turn = [0]

    def number(match: re.Match) -> bytes:
        if b't="s"' in match.group(1):
            return match.group(0)
        turn[0] += 1
        digits = match.group(2)
        text = digits + b".0" if turn[0] % 2 else \
            digits[:1] + b"." + digits[1:] + b"E%d" % (len(digits) - 1)
        return match.group(1) + b"<v>" + text + b"</v>"
    return re.sub(rb"(<c\b[^>]*>)<v>(\d{2,})</v>", number, xml)


def _iso_dates(xml: bytes) -> bytes:
    # A date cell typed `d`, its value in ISO 8601, as some libraries write dates.
    def cell(match: re.Match) -> bytes:
        day = date(1899, 12, 30) + timedelta(days=int(match.group(2)))
        return match.group(1) + b' t="d"><v>' + day.isoformat().encode() + b"T00:00:00</v>"
    return re.sub(rb'(<c r="[BO]\d+" s="\d+")(?: t="n")?><v>(\d+)</v>', cell, xml)


def _formula_results(xml: bytes) -> bytes:
    # Results saved with the formulas: an error for a deadline, a text for « Statut ».
    xml = re.sub(rb'(<c r="AA\d+" s="\d+")><f>(.*?)</f>', rb'\1 t="e"><f>\2</f><v>#N/A</v>', xml)
    return re.sub(rb'(<c r="AC\d+" s="\d+")><f>(.*?)</f>', rb'\1 t="str"><f>\2</f><v>En cours</v>',
                  xml)


def _texts_preserved(xml: bytes) -> bytes:
    return xml.replace(b"<t>", b'<t xml:space="preserve">')


SHEET_SPELLINGS = {
    "iso-dates": _iso_dates, "decimal-numbers": _decimal_numbers,
    "formula-results": _formula_results, "texts-preserved": _texts_preserved,
    "prefixed": _prefixed, "single-quotes": _single_quotes, "blanks": _blanks_in_tags,
    "spans": _spans, "no-dimension": _without_dimension,
    "no-cell-reference": _cells_without_reference, "empty-cells-closed": _empty_cells_closed,
    "declaration": _declaration, "hexadecimal": _hexadecimal_references,
    "literal-characters": _literal_characters,
}


def _renumbered_formats(xml: bytes) -> bytes:
    return re.sub(rb'numFmtId="(1[6-9]\d)"', lambda m: b'numFmtId="%d"' % (int(m.group(1)) + 60),
                  xml)


STYLE_SPELLINGS = {"formats-renumbered": _renumbered_formats, "styles-prefixed": _prefixed,
                   "styles-boolean-words": _boolean_words, "styles-single-quotes": _single_quotes}


def _register_second(xml: bytes) -> bytes:
    # « Paramètres » before « Registre »; the defined names follow their sheet's place.
    sheets = re.findall(rb"<sheet\b[^>]*/>", xml)
    xml = xml.replace(b"".join(sheets), b"".join([sheets[1], sheets[0], *sheets[2:]]))
    return re.sub(rb'localSheetId="([01])"',
                  lambda m: b'localSheetId="%d"' % (1 - int(m.group(1))), xml)


WORKBOOK_SPELLINGS = {"register-second": _register_second, "workbook-prefixed": _prefixed,
                      "workbook-single-quotes": _single_quotes,
                      "workbook-blanks": _in_tags(lambda tag: tag.replace(b'="', b' = "'))}
PARTS = {"shared-strings": SHEET, **dict.fromkeys(SHEET_SPELLINGS, SHEET),
         **dict.fromkeys(STYLE_SPELLINGS, STYLES), **dict.fromkeys(WORKBOOK_SPELLINGS, WORKBOOK)}


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {item.filename: archive.read(item) for item in archive.infolist()}


def _archive_rewritten(path: Path, change) -> None:
    """``change`` maps each archive entry (name, data) to its new (name, data)."""
    with zipfile.ZipFile(path) as archive:
        entries = [(item, archive.read(item)) for item in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for item, data in entries:
            item.filename, data = change(item.filename, data)
            archive.writestr(item, data)


def _sheet_part_renamed(name: str, data: bytes) -> tuple[str, bytes]:
    # Part names are the writer's choice; relationships say where each sheet is.
    new_name = "xl/worksheets/feuille_registre.xml"
    return (new_name if name == SHEET else name,
            data.replace(b"worksheets/sheet1.xml", new_name.removeprefix("xl/").encode()))


def _absolute_targets(name: str, data: bytes) -> tuple[str, bytes]:
    if name == "xl/_rels/workbook.xml.rels":
        data = re.sub(rb'Target="(?!/)', b'Target="/xl/', data)
    return name, data


def _relationship_ids_renamed(name: str, data: bytes) -> tuple[str, bytes]:
    if name in ("xl/_rels/workbook.xml.rels", WORKBOOK):
        data = re.sub(rb"rId(\d+)", rb"R0a\1x", data)
    return name, data


def _sheet_type_by_default(name: str, data: bytes) -> tuple[str, bytes]:
    # The sheet's content type given by the `xml` extension's default, not by an override.
    if name == "[Content_Types].xml":
        override = re.search(rb'<Override PartName="/xl/worksheets/sheet1\.xml" '
                             rb'ContentType="([^"]*)"/>', data)
        data = re.sub(rb'<Default Extension="xml" ContentType="[^"]*"/>',
                      b'<Default Extension="xml" ContentType="' + override.group(1) + b'"/>',
                      data.replace(override.group(0), b""))
    return name, data


def _stored_last_first(path: Path) -> None:
    # Entries without compression, in the reverse order ([Content_Types].xml last).
    with zipfile.ZipFile(path) as archive:
        entries = [(item, archive.read(item)) for item in archive.infolist()][::-1]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for item, data in entries:
            item.compress_type = zipfile.ZIP_STORED
            archive.writestr(item, data)


ARCHIVE_SPELLINGS = {
    **{name: functools.partial(_archive_rewritten, change=change) for name, change in {
        "sheet-type-by-default": _sheet_type_by_default,
        "sheet-part-renamed": _sheet_part_renamed, "absolute-targets": _absolute_targets,
        "relationship-ids-renamed": _relationship_ids_renamed}.items()},
    "stored-last-first": _stored_last_first,
}
# In this order: the sheet's other spellings then apply to shared-string cells too, and the
# archive's come last, once every part is where the others look for it.
SPELLINGS = [*PARTS, *ARCHIVE_SPELLINGS]

NEW_COMPLAINTS = [
    complaint("2026-003", received=date(2026, 11, 18), canal="Courrier",
              description="Première leçon annulée sans prévenir.\nDeuxième aussi : « 3 h » "
                          "& <rien> d'écrit." + " Détails" * 12,
              adresse="8 rue des Lilas\n75020 Paris"),
    complaint("2026-004", received=date(2026, 11, 19), canal="Téléphone", courriel=None,
              description="=Appel : examen reporté", telephone="06 12 34 56 78"),
]
UPDATES = [(2, "date_accuse", date(2026, 11, 4)), (3, "description", None),
           (3, "observations", "Rappel noté <urgent> & « à vérifier »")]


def _register(folder: Path) -> Path:
    """Two complaints, made by another tool: no row prepared below them, the validations,
    highlights and filter over those rows only. A write prepares rows to 1000 and extends
    every range there."""
    path = create_register(folder / "registre.xlsx", [
        complaint("2026-001"),
        complaint("2026-002", description="Moniteur absent & retard « 40 min » — été"),
    ])
    with_part(path, SHEET, lambda xml: re.sub(
        rb'(sqref|ref)="(A1:|[A-Z]+2:)([A-Z]+)1000"', rb'\1="\2\g<3>3"',
        re.sub(rb'<row r="(?:[4-9]|\d\d+)".*?</row>', b"", xml, flags=re.DOTALL)))
    return path


def _respelled(source: Path, target: Path, spellings) -> Path:
    shutil.copyfile(source, target)
    if "shared-strings" in spellings:
        strings_shared(target)
    transforms = {**SHEET_SPELLINGS, **STYLE_SPELLINGS, **WORKBOOK_SPELLINGS}
    for name in spellings:
        if name in transforms:
            with_part(target, PARTS[name], transforms[name])
        elif name in ARCHIVE_SPELLINGS:
            ARCHIVE_SPELLINGS[name](target)
    return target


def _written(path: Path) -> Path:
    append_complaints(path, NEW_COMPLAINTS)
    write_values(path, UPDATES)
    return path


def _cell(cell) -> tuple:
    return (cell.value, cell.number_format, cell.protection.locked,
            cell.alignment.vertical, bool(cell.alignment.wrap_text), bool(cell.font.b),
            cell.fill.fgColor.rgb if cell.fill.fill_type else None)


def _workbook_seen(path: Path) -> dict:
    """What openpyxl and the toolkit read of the register, without the spelling."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Registre"]
    seen = {
        "cells": {cell.coordinate: _cell(cell) for row in sheet.iter_rows() for cell in row
                  if cell.value is not None or cell.has_style},
        "heights": {n: (d.height, d.customHeight) for n, d in sheet.row_dimensions.items()
                    if d.height is not None},
        "widths": {k: d.width for k, d in sheet.column_dimensions.items() if d.customWidth},
        "validations": sorted((str(v.sqref), v.type, v.formula1, v.formula2)
                              for v in sheet.data_validations.dataValidation),
        "highlights": sorted((str(cells.sqref), rule.formula, rule.dxfId)
                             for cells in sheet.conditional_formatting
                             for rule in cells.rules),
        "sheet": (sheet.freeze_panes, sheet.print_area, sheet.protection.sheet,
                  sheet.auto_filter.ref),
        "defined names": {name: str(value.value)
                          for name, value in sheet.defined_names.items()},
        "other sheets": {name: [[c.value for c in row] for row in workbook[name].iter_rows()]
                         for name in workbook.sheetnames if name != "Registre"},
    }
    extent = openpyxl.load_workbook(path, read_only=True)["Registre"]
    seen["extent"] = (extent.max_row, extent.max_column)
    register = read_register(path)
    seen["toolkit"] = register.frame.astype(object).where(register.frame.notna(), None) \
        .to_dict("records")
    return seen


def _last_rows(seen: dict) -> set[int]:
    """The last rows of the lists', dates' and highlights' ranges (help messages, which
    could be staff's, are left as they are)."""
    ranges = [cells for cells, kind, *_ in seen["validations"] if kind] + \
        [cells for cells, *_ in seen["highlights"]]
    return {int(re.sub(r"\D", "", reference.split(":")[-1]))
            for cells in ranges for reference in cells.split()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("reference")
    source = _register(folder)
    before = _workbook_seen(source)
    after = _workbook_seen(_written(Path(shutil.copy(source, folder / "ecrit.xlsx"))))
    # The write extends the ranges: the spellings' tests compare that work too.
    assert (_last_rows(before), _last_rows(after)) == ({3}, {1000})
    return {"source": source, "before": before, "after": after}


def _check(reference: dict, folder: Path, spellings) -> None:
    respelled = _respelled(reference["source"], folder / "registre.xlsx", spellings)
    # Without a <dimension>, openpyxl's read-only extent is unknown: the write leaves it so.
    ignored = {"extent"} if "no-dimension" in spellings else set()
    before, after = ({key: value for key, value in seen.items() if key not in ignored}
                     for seen in (reference["before"], reference["after"]))
    # The spelling changes nothing by itself (else this test would prove nothing).
    assert {k: v for k, v in _workbook_seen(respelled).items() if k not in ignored} == before
    assert {k: v for k, v in _workbook_seen(_written(respelled)).items()
            if k not in ignored} == after


@pytest.mark.parametrize("spellings", [
    *([spelling] for spelling in SPELLINGS),
    ["shared-strings", "blanks"],  # <v >0</v >: the header's texts read through blanks
], ids="+".join)
def test_each_spelling_of_the_register_gets_the_same_write(reference, tmp_path, spellings):
    _check(reference, tmp_path, spellings)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spellings=st.sets(st.sampled_from(SPELLINGS), min_size=2))
def test_spellings_together_get_the_same_write(reference, tmp_path_factory, spellings):
    _check(reference, tmp_path_factory.mktemp("respelled"),
           [name for name in SPELLINGS if name in spellings])


def test_each_spelling_rewrites_its_part(reference, tmp_path):
    # A spelling that matched nothing would make its test above prove nothing.
    source = _members(reference["source"])
    for spelling in SPELLINGS:
        respelled = _respelled(reference["source"], tmp_path / f"{spelling}.xlsx", [spelling])
        if spelling in PARTS:
            assert _members(respelled)[PARTS[spelling]] != source[PARTS[spelling]], spelling
        else:
            with zipfile.ZipFile(respelled) as archive:
                entries = [(i.filename, i.compress_type) for i in archive.infolist()]
            with zipfile.ZipFile(reference["source"]) as archive:
                assert entries != [(i.filename, i.compress_type) for i in archive.infolist()] \
                    or _members(respelled) != source, spelling
