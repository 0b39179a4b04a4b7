"""Pieces of XML the write path writes and reads back: attribute values (number formats,
style attributes kept from the original) through an XML parser, and the cells it checks
after saving, found in their row; the ranges of formats and validations that grow with the
register."""

from __future__ import annotations

import xml.parsers.expat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.register.sheet_xml import (
    MAIN_NS,
    Cell,
    RowWithoutNumber,
    Sheet,
    column_letters,
    extend_ranges,
)
from toolkit.register.styles_xml import Styles, quoted_attribute
from toolkit.register.xlsx_package import xml_boolean

# Characters XML 1.0 allows in a document (no other control character, no surrogate).
XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=[
    chr(c) for c in range(32) if c not in (9, 10, 13)] + ["\ufffe", "\uffff"]))


def _attribute_as_parsed(quoted: bytes) -> str:
    found = {}
    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = lambda name, attributes: found.update(attributes)
    parser.Parse(b"<a v=" + quoted + b"/>", True)
    return found["v"]


@given(XML_TEXT)
def test_an_attribute_value_reads_back_as_written(value):
    # Line breaks and tabs too: written as they are, a parser reads them as spaces.
    assert _attribute_as_parsed(quoted_attribute(value)) == value


@pytest.mark.parametrize("written, default, read", [
    ("1", False, True), ("true", False, True), (b"true", False, True), (" true\n", False, True),
    ("0", True, False), ("false", True, False), (b"0", True, False), ("\tfalse ", True, False),
    (None, True, True), (None, False, False), ("", True, True),
    ("TRUE", False, False), ("oui", True, True), ("2", False, False), (b"\xe9", True, True),
])
def test_a_boolean_attribute_is_read_in_both_spellings_and_otherwise_takes_its_default(
        written, default, read):
    # Excel writes 1/0, LibreOffice true/false; the schema's booleans are case-sensitive.
    assert xml_boolean(written, default=default) is read


def test_a_number_format_with_quotes_and_markup_keeps_them():
    code = '0.00" €";[Red]-0.00" €" <&> \'x\'\n'
    assert quoted_attribute(code).startswith(b'"')
    assert _attribute_as_parsed(quoted_attribute(code)) == code


def _cell_xml(form: int, column: int, number: int, text: str) -> bytes:
    reference = f"{column_letters(column)}{number}".encode()
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()
    return [
        b'<c r="' + reference + b'" s="2"/>',
        b'<c r="' + reference + b'" t="inlineStr"><is><t>' + escaped + b"</t></is></c>",
        b'<c s="3"><v>7</v></c>',  # no reference: its column follows the previous cell's
        b"<c r='" + reference + b"'><v>2</v></c>",
        b'<c s="1" r="' + reference + b'"><v>3</v></c>',
    ][form]


# A text that looks like a cell of its own row ({n}), as staff may type it.
TEXTS = st.sampled_from(['<c r="B{n}"><v>9</v></c>', 'r="C{n}"', "texte", "",
                         '"<c r=\'D{n}\'"', ' r="A{n}" r="E{n}"'])


@given(st.lists(st.tuples(st.integers(0, 4), TEXTS), max_size=8), st.integers(1, 40))
def test_a_cell_found_in_its_row_is_the_one_the_row_parse_gives(forms, number):
    cells = b"".join(_cell_xml(form, column, number, text.format(n=number))
                     for column, (form, text) in enumerate(forms, start=1))
    data = (b'<worksheet><sheetData><row r="' + str(number).encode() + b'">' + cells +
            b"</row></sheetData></worksheet>")
    sheet = Sheet.parse(data)
    start, end = sheet.locate(number)
    for column in range(1, len(forms) + 2):
        parsed = sheet.parse_row(number, start, end).cell(column)
        assert sheet.cell_in_row(number, column, start, end) == parsed


# Columns H (8) and J (10) are the toolkit's; the complaints start on row 2 and the rows
# are prepared down to row 40 (a write calls it with the old and new end both at 40).
@pytest.mark.parametrize(("sqref", "grown"), [
    ("H2:H30", "H2:H40"),
    ("H2", "H2:H40"),  # Excel writes a one-cell range without its end
    ("$H$2:$H$30", "$H$2:$H$40"),
    ("H2:H39 J2:J10", "H2:H40 J2:J40"),
    ("H2:H40", "H2:H40"),  # already down to the end
    ("H2:H41", "H2:H41"),  # past it: staff's choice
    ("H3:H30", "H3:H30"),  # starts below the first complaint
    ("H1:H30", "H1:H30"),  # takes the header in
    ("I2:I30", "I2:I30"),  # a column of staff's
    ("H2:J30", "H2:J30"),  # over several columns
])
def test_a_range_grows_only_when_it_is_one_of_the_registers_columns_from_its_first_row(
        sqref, grown):
    assert extend_ranges(sqref, {8, 10}, 2, 40, 40) == grown


# Input styles as ``toolkit init`` prepares them (unlocked, top-aligned), without
# applyNumberFormat: LibreOffice leaves it out, so asking for it again would add a style.
_READY = b'applyAlignment="1" applyProtection="1"'
PREPARED_STYLES = (
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    b'<cellXfs count="3">'
    b'<xf numFmtId="164" fontId="0" ' + _READY + b'><alignment vertical="top"/>'
    b'<protection locked="0"/></xf>'
    b'<xf numFmtId="0" fontId="0" ' + _READY + b'><alignment vertical="top" wrapText="1"/>'
    b'<protection locked="0"/></xf>'
    b'<xf numFmtId="0" fontId="0" ' + _READY + b'><alignment vertical="top"/>'
    b'<protection locked="0"/></xf>'
    b'</cellXfs></styleSheet>')


def test_input_styles_already_prepared_are_kept_as_they_are():
    styles = Styles.parse(PREPARED_STYLES)
    # A date already shown as dd/mm/yyyy, a wrapped text, a choice (never wrapped).
    assert [styles.for_input(0, "date"), styles.for_input(1, "text"),
            styles.for_input(2, "choice")] == [0, 1, 2]
    assert styles.as_date(0) == 0  # a date written in such a cell keeps its style
    assert not styles.changed
    # The other side: a style showing no date, not wrapped: changed, and an existing
    # style reused when it is the one asked for.
    assert styles.for_input(2, "text") == 1
    assert styles.for_input(2, "date") == 3
    assert styles.number_format(3) == (164, "dd/mm/yyyy")
    assert dict(styles.xf(3).alignment) == {"vertical": "top"}


def test_a_date_style_added_says_its_number_format_applies():
    # A General style asked for a date: the new style names dd/mm/yyyy and says that its
    # number format applies, with a value xsd:boolean allows (else Excel repairs the file).
    styles = Styles.parse(f'<styleSheet xmlns="{MAIN_NS}"><cellXfs count="1"><xf numFmtId="0" '
                          'fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
                          '</styleSheet>'.encode())
    added = styles.xf(styles.for_input(0, "date"))
    assert (styles.number_format(styles.for_input(0, "date"))[1],
            added.get("applyNumberFormat")) == ("dd/mm/yyyy", "1")


def test_a_style_index_outside_the_list_is_the_default_style():
    # A cell whose style index the list lacks (a workbook another tool wrote badly) is
    # shown by Excel in the default style: the style derived from it must name the same
    # font, fill and border, or Excel asks to repair the file.
    styles = Styles.parse(PREPARED_STYLES)
    assert dict(styles.xf(99).attributes) == {
        "numFmtId": "0", "fontId": "0", "fillId": "0", "borderId": "0", "xfId": "0"}
    derived = styles.xf(styles.for_input(99, "date"))
    assert {name: derived.get(name) for name in ("numFmtId", "fontId", "fillId", "borderId")} \
        == {"numFmtId": "164", "fontId": "0", "fillId": "0", "borderId": "0"}


def test_rows_are_found_the_same_both_ways_past_an_element_named_like_a_row():
    # An extension inside a cell may hold an element whose name starts with « row »: it is
    # not a row, whichever way the rows are walked.
    rows = (b'<row r="2"><c r="A2"><v>1</v><extLst><ext uri="{0}"><rowNote/></ext></extLst>'
            b'</c></row><row r="5"><c r="B5"><v>2</v></c></row>')
    sheet = Sheet.parse(f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode() + rows +
                        b"</sheetData></worksheet>")
    forward = list(sheet.rows_forward(10))
    assert [number for number, _, _ in forward] == [2, 5]
    assert list(sheet.rows_backwards()) == forward[::-1]


def _row_xml(number: int, form: int, padding: int) -> bytes:
    tag = b'<row r="' + str(number).encode() + b'"'
    return [tag + b"/>",  # an empty row, as LibreOffice writes it
            tag + b' spans="1:2"><c r="A' + str(number).encode() + b'" t="inlineStr"><is><t>' +
            b"x" * padding + b"</t></is></c></row>",
            tag + b' ht="15"><c r="B' + str(number).encode() + b'"><v>1</v></c></row>'][form]


@given(st.dictionaries(st.integers(1, 3000), st.tuples(st.integers(0, 2), st.integers(0, 400)),
                       min_size=1, max_size=150),
       st.lists(st.integers(1, 3005), max_size=20))
def test_a_row_is_located_where_a_walk_through_the_rows_finds_it(rows, asked):
    # A sheet of more than 16 KiB of rows is halved before it is walked: every sheet here is
    # one (indented rows, as a pretty-printed file has), and a row's span or, for a row the
    # sheet lacks, where it would go must be the ones found by walking every row.
    numbers = sorted(rows)
    indent = b"\n" + b" " * (24_000 // len(numbers))
    head = f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
    data, spans = bytearray(head), {}
    for number in numbers:
        data += indent
        row = _row_xml(number, *rows[number])
        spans[number] = (len(data), len(data) + len(row))
        data += row
    end = len(data)
    sheet = Sheet.parse(bytes(data) + b"</sheetData></worksheet>")
    for number in [*numbers, *asked]:
        following = [spans[n][0] for n in numbers if n > number]
        expected = spans.get(number) or ((following[0],) * 2 if following else (end, end))
        assert sheet.locate(number) == expected


@pytest.mark.parametrize("row", [
    b'<row r="3">', b"<row r='3'>", b'<row\n  r = "3" spans="1:2">', b'<row\r\n\tr="3">',
    b'<row\tr="3">', b'<row spans="1:2" r="3"/>'])
def test_a_rows_number_is_read_from_its_own_tag_in_every_spelling(row):
    sheet = Sheet.parse(f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode() + row +
                        (b"" if row.endswith(b"/>") else b"</row>") +
                        b"</sheetData></worksheet>")
    assert [number for number, _, _ in sheet.rows_backwards()] == [3]


@pytest.mark.parametrize("row", [b"<row>", b'<row spans="1:1">', b"<row/>"])
def test_a_row_without_a_number_is_not_given_its_cells_number(row):
    # Written by some tools; the number of the cell inside is not the row's to take.
    sheet = Sheet.parse(f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode() + row +
                        (b"" if row.endswith(b"/>") else b'<c r="A3"><v>1</v></c></row>') +
                        b"</sheetData></worksheet>")
    with pytest.raises(RowWithoutNumber):
        list(sheet.rows_backwards())


@pytest.mark.parametrize(("changes", "spans"), [
    ([(5, b'<c r="E4"><v>3</v></c>')], "1:5"), ([(2, None)], "1:1"),
    ([(1, None), (2, None)], None)])
def test_a_rewritten_row_names_the_columns_it_now_spans(changes, spans):
    # « spans » is Excel's note of a row's first and last cell: a cell written past it, or
    # removed, moves it, and a row left without cells has none; the row's other attributes
    # stay as they were.
    sheet = Sheet.parse(f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode() +
                        b'<row r="4" spans="1:2" ht="30" customHeight="1"><c r="A4"><v>1</v></c>'
                        b'<c r="B4"><v>2</v></c></row></sheetData></worksheet>')
    row = sheet.parse_row(4, *sheet.locate(4))
    for column, raw in changes:
        row.set(Cell(column, raw) if raw else None, column)
    found = {}
    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = lambda name, attributes: found.setdefault(name, attributes)
    parser.Parse(row.render(b""), True)
    assert found["row"] == {"r": "4", "ht": "30", "customHeight": "1"} | (
        {"spans": spans} if spans else {})


@pytest.mark.parametrize(("raw", "value"), [
    # a formula's text result stays text, even made of digits, its escapes read
    (b'<c r="A1" t="str"><f>B1&amp;""</f><v>0012</v></c>', "0012"),
    (b'<c r="A1" t="str"><f>B1</f><v>Zo&#xE9;_x000D_</v></c>', "Zoé\r"),
    (b'<c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c>', "#DIV/0!"),
    (b'<c r="A1" t="b"><v>1</v></c>', True), (b'<c r="A1" t="b"><v>0</v></c>', False),
    (b'<c r="A1"><v>46000</v></c>', 46000), (b'<c r="A1" t="n"><v>3.0</v></c>', 3),
    (b'<c r="A1"><v>2.5</v></c>', 2.5),
    (b'<c r="A1" t="s"><v>1</v></c>', "deux"), (b'<c r="A1" t="s"><v>x</v></c>', None),
    (b'<c r="A1" s="3"/>', None),
])
def test_a_cell_reads_as_its_kind_says(raw, value):
    found = Cell(1, raw).value(["un", "deux"].__getitem__)
    assert (found, type(found)) == (value, type(value))


def test_character_references_in_a_cell_read_as_their_characters():
    # Some tools write accented letters as references, in hexadecimal or in decimal; a
    # reference escaped as text (« &amp;#233; ») stays text.
    cell = Cell(1, b'<c r="A1" t="inlineStr"><is><t>Zo&#xE9; &#233;l&#xe8;ve &#x1F600; '
                   b"&amp;#233;</t></is></c>")
    assert cell.value() == "Zoé élève \U0001F600 &#233;"


def test_a_cell_without_a_reference_is_in_the_column_after_the_previous_cell():
    # The reference is optional (some generators leave it out): such a cell follows the
    # previous one, the first one of its row is in column A.
    sheet = Sheet.parse(f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode() +
                        b'<row r="2"><c><v>1</v></c><c t="inlineStr"><is><t>x</t></is></c>'
                        b'<c r="E2"><v>5</v></c><c><v>6</v></c></row></sheetData></worksheet>')
    row = sheet.parse_row(2, *sheet.locate(2))
    assert [(cell.column, cell.value()) for cell in row.cells] == [(1, 1), (2, "x"), (5, 5),
                                                                   (6, 6)]
