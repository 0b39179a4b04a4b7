"""The register sheet's XML, edited in place: rows found by number in the raw bytes,
only the rows a write touches parsed and rebuilt, everything else passed through.

A worksheet part is ``<worksheet>`` + head (views, columns...) + ``<sheetData>`` holding
one ``<row r="N">`` per row in ascending order + tail (protection, formats, validations,
drawing links, extensions). Rows are located by a binary search on byte offsets, so a
write costs the rows it writes, not the rows the register keeps (the part is still
inflated and deflated once: that is zlib's C loop, measured in docs/developer).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from toolkit.register.xlsx_package import attributes, element_prefix, set_attribute

EXCEL_EPOCH = date(1899, 12, 30)
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ESCAPE_LOOKALIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_STYLE = re.compile(rb"""\ss\s*=\s*["'](\d+)["']""")
# The parts of one cell (any namespace prefix); compiled once: a write asks them of every
# cell of each row it touches.
_FORMULA_START = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f(\s[^>]*)?(?:/>|>(.*?)</(?:[\w.-]+:)?f>)", re.DOTALL)
# XML allows blanks before a tag's ">": <v >1</v >.
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\s*>(.*?)</(?:[\w.-]+:)?v\s*>", re.DOTALL)
_VALUE_NOT_EMPTY = re.compile(rb"<(?:[\w.-]+:)?v\s*>([^<]+)</")
_TEXT = re.compile(rb"<(?:[\w.-]+:)?t(?:\s[^>]*)?>(.*?)</(?:[\w.-]+:)?t>", re.DOTALL)
_TEXT_NOT_EMPTY = re.compile(rb"<(?:[\w.-]+:)?t(?:\s[^>]*)?>[^<]")
_SEARCH_WINDOW = 1 << 14  # below this many bytes a scan beats halving again


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


_CELL_COLUMN = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?\d""")


@functools.lru_cache(maxsize=1024)
def _column_of(letters: bytes) -> int:
    return column_number(letters.decode())


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def split_reference(reference: str) -> tuple[int, int]:
    """(row, column) of ``AB12`` (``$`` allowed); (0, 0) when unreadable."""
    match = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})", reference.strip())
    if not match:
        return 0, 0
    return int(match.group(2)), column_number(match.group(1))


# --- text as Excel stores it ---------------------------------------------------------------

def escape_text(text: str) -> bytes:
    """Cell text as XML content: markup escaped, and OOXML's own escapes too: a literal
    ``_x0041_`` is stored ``_x005F_x0041_`` (as Excel does), a carriage return ``_x000D_``
    (an XML parser would turn it into a line feed)."""
    text = _ESCAPE_LOOKALIKE.sub(r"_x005F_\1", text).replace("\r", "_x000D_")
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .encode("utf-8"))


def needs_escape(text: str) -> bool:
    return _ESCAPE_LOOKALIKE.search(text) is not None or "\r" in text


def unescape_text(text: str) -> str:
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def excel_serial(day: date) -> int:
    return (day - EXCEL_EPOCH).days


# --- cells and rows ---------------------------------------------------------------------------

class RowWithoutNumber(ValueError):
    """A ``<row>`` without its ``r`` attribute: optional in the file format, always written by
    Excel, LibreOffice and openpyxl; the rows are found by their numbers, so such a sheet
    cannot be written."""


@dataclass
class Cell:
    column: int
    raw: bytes

    @property
    def tag(self) -> bytes:
        return self.raw[:self.raw.index(b">") + 1]

    @property
    def style(self) -> int:
        match = _STYLE.search(self.raw, 0, self.raw.index(b">"))
        return int(match.group(1)) if match else 0

    @property
    def is_formula(self) -> bool:
        return _FORMULA_START.search(self.raw) is not None

    def formula(self) -> tuple[dict[bytes, bytes], str] | None:
        match = _FORMULA.search(self.raw)
        if match is None:
            return None
        return attributes(match.group(1) or b""), _xml_text(match.group(2) or b"")

    def has_value(self) -> bool:
        """A typed value: not a formula, not empty, not an empty text."""
        if (self.raw.endswith(b"/>") and self.raw.count(b">") == 1) or self.is_formula:
            return False
        value = _VALUE_NOT_EMPTY.search(self.raw)
        if value is not None and value.group(1).strip():
            return True
        return _TEXT_NOT_EMPTY.search(self.raw) is not None

    def value(self, shared: Callable[[int], str] | None = None) -> object:
        """The value as a reader gets it: number, text, bool; None when empty."""
        kind = attributes(self.tag).get(b"t", b"n")
        if kind == b"inlineStr":
            texts = _TEXT.findall(self.raw)
            return unescape_text("".join(_xml_text(t) for t in texts)) if texts else None
        match = _VALUE.search(self.raw)
        if match is None:
            return None
        text = _xml_text(match.group(1))
        if kind == b"s":
            return shared(int(text)) if shared is not None and text.strip().isdigit() else None
        if kind in (b"str", b"e"):
            return unescape_text(text)
        if kind == b"b":
            return text.strip() == "1"
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() else number


_XML_REFERENCE = re.compile(r"&(?:#x([0-9A-Fa-f]+)|#(\d+)|(lt|gt|amp|quot|apos));")
_XML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _xml_reference(match: re.Match[str]) -> str:
    hexadecimal, decimal, name = match.groups()
    if name:
        return _XML_ENTITIES[name]
    return chr(int(hexadecimal, 16)) if hexadecimal else chr(int(decimal))


def _xml_text(raw: bytes) -> str:
    """Character data as text: the five XML entities and character references decoded, in
    one pass (``&amp;#233;`` stays ``&#233;``)."""
    text = raw.decode("utf-8")
    return _XML_REFERENCE.sub(_xml_reference, text) if "&" in text else text


@dataclass
class Row:
    number: int
    open_tag: bytes  # "<row ...>" (made a start tag even when the row was empty)
    cells: list[Cell]

    def cell(self, column: int) -> Cell | None:
        for cell in self.cells:
            if cell.column == column:
                return cell
        return None

    def set(self, cell: Cell | None, column: int) -> None:
        self.cells = [c for c in self.cells if c.column != column]
        if cell is not None:
            self.cells.append(cell)
            self.cells.sort(key=lambda c: c.column)

    def render(self, p: bytes) -> bytes:
        tag = set_attribute(self.open_tag, b"r", str(self.number).encode())
        if self.cells:
            spans = f"{self.cells[0].column}:{self.cells[-1].column}".encode()
            tag = set_attribute(tag, b"spans", spans) if b"spans" in attributes(tag) else tag
        else:
            tag = set_attribute(tag, b"spans", None)
        return tag + b"".join(c.raw for c in self.cells) + b"</" + p + b"row>"


@dataclass
class Sheet:
    """One worksheet part, raw, with the offsets of its cells area."""

    data: bytes
    prefix: bytes
    rows_start: int  # first byte inside <sheetData>
    rows_end: int  # the "</sheetData>" (or where it will go)
    head_end: int  # where <sheetData ...> starts
    tail_start: int  # first byte after the cells area
    _cell: re.Pattern[bytes] = field(init=False, repr=False)
    _row: re.Pattern[bytes] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        p = re.escape(self.prefix)
        self._cell = re.compile(rb"<" + p + rb"c\b([^>]*?)(?:/>|>.*?</" + p + rb"c>)",
                                re.DOTALL)
        self._row = re.compile(rb"<" + p + rb"row\b")
        self._numbered_row = re.compile(rb"<" + p + rb"row\b[^>]*?\sr\s*=\s*[\"'](\d+)[\"']")

    @classmethod
    def parse(cls, data: bytes) -> Sheet:
        root = re.search(rb"<(?:[\w.-]+:)?worksheet\b[^>]*>", data)
        if root is None:
            raise ValueError("pas d'élément worksheet")
        prefix = element_prefix(root.group(0))
        p = re.escape(prefix)
        opening = re.compile(rb"<" + p + rb"sheetData\b[^>]*?(/?)>").search(data, root.end())
        if opening is None:
            raise ValueError("pas d'élément sheetData")
        if opening.group(1):  # <sheetData/>: no row (a sheet emptied of its cells)
            return cls(data, prefix, opening.start(), opening.start(), opening.start(),
                       opening.end())
        # The end tag may hold blanks before its ">" (XML allows it): never assume its length.
        # Not found (-1), ``closing`` is before the opening tag and refused whatever ``end`` is.
        closing = data.rfind(b"</" + prefix + b"sheetData")
        end = re.compile(rb"\s*>").match(data, closing + len(prefix) + 11)
        if closing < opening.end() or end is None:
            raise ValueError("élément sheetData non fermé")
        return cls(data, prefix, opening.end(), closing, opening.start(), end.end())

    # --- finding rows ----------------------------------------------------------------------

    def _row_after(self, position: int) -> tuple[int, int] | None:
        """(start offset, row number) of the first row starting at or after ``position``."""
        match = self._row.search(self.data, position, self.rows_end)
        if match is None:
            return None
        # The pattern cannot cross the tag's ">": a number further on is not this row's.
        numbered = self._numbered_row.match(self.data, match.start())
        if numbered is None:
            raise RowWithoutNumber("ligne sans numéro")
        return match.start(), int(numbered.group(1))

    def row_end(self, start: int) -> int:
        tag_end = self.data.index(b">", start)
        if self.data[tag_end - 1:tag_end] == b"/":
            return tag_end + 1
        closing = b"</" + self.prefix + b"row>"
        return self.data.index(closing, tag_end) + len(closing)

    def locate(self, number: int) -> tuple[int, int]:
        """(start, end) of row ``number``; (position, position) where it would go when the
        sheet has no such row."""
        low, high = self.rows_start, self.rows_end
        while high - low > _SEARCH_WINDOW:
            middle = (low + high) // 2
            found = self._row_after(middle)
            if found is None or found[1] > number:
                high = middle
            elif found[1] == number:
                return found[0], self.row_end(found[0])
            else:
                low = found[0] + 1
        position = low
        while (found := self._row_after(position)) is not None:
            if found[1] == number:
                return found[0], self.row_end(found[0])
            if found[1] > number:
                return found[0], found[0]
            position = self.row_end(found[0])
        return self.rows_end, self.rows_end

    def rows_backwards(self, before: int | None = None) -> Iterator[tuple[int, int, int]]:
        """(number, start, end) of each row starting before offset ``before`` (default: all
        of them), last first."""
        end = self.rows_end if before is None else before
        opening = b"<" + self.prefix + b"row"
        while True:
            start = self.data.rfind(opening, self.rows_start, end)
            while start >= 0 and self.data[start + len(opening):start + len(opening) + 1] \
                    not in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
                start = self.data.rfind(opening, self.rows_start, start)
            if start < 0:
                return
            found = self._row_after(start)
            yield found[1], start, self.row_end(start)
            end = start

    def rows_forward(self, last: int) -> Iterator[tuple[int, int, int]]:
        """(number, start, end) of each row up to row ``last``."""
        position = self.rows_start
        while (found := self._row_after(position)) is not None and found[1] <= last:
            end = self.row_end(found[0])
            yield found[1], found[0], end
            position = end

    def parse_row(self, number: int, start: int, end: int) -> Row:
        raw = self.data[start:end]
        if start == end:
            return Row(number, b"<" + self.prefix + b'row r="' + str(number).encode() + b'">',
                       [])
        tag_end = raw.index(b">") + 1
        tag = raw[:tag_end]
        if tag.endswith(b"/>"):
            return Row(number, tag[:-2].rstrip() + b">", [])
        cells, previous = [], 0
        for match in self._cell.finditer(raw, tag_end):
            reference = _CELL_COLUMN.search(match.group(1))
            column = _column_of(reference.group(1)) if reference else previous + 1
            cells.append(Cell(column, match.group(0)))
            previous = column
        return Row(number, tag, cells)

    def cell_in_row(self, number: int, column: int, start: int, end: int) -> Cell | None:
        """Cell ``column`` of row ``number`` (which spans ``start``..``end``): the same as
        ``parse_row(number, start, end).cell(column)``. A cell the write path rendered starts
        ``<c r="…"`` and is found directly; any other is left to the row's parse (its
        reference may be absent, quoted otherwise, or elsewhere in the tag)."""
        opening = b"<" + self.prefix + b'c r="' + column_letters(column).encode() + \
            str(number).encode() + b'"'
        at = self.data.find(opening, start, end)
        if at >= 0:
            found = self._cell.match(self.data, at, end)
            if found is not None:
                return Cell(column, found.group(0))
        return self.parse_row(number, start, end).cell(column)

    def all_value_columns(self) -> int:
        """The last column holding a typed value or a formula in any row (scans all)."""
        p = re.escape(self.prefix)
        pattern = re.compile(rb"<" + p + rb"c\b[^>]*?\br\s*=\s*[\"']([A-Z]{1,3})\d+[\"'][^>/]*>"
                             rb"(?!</|<" + p + rb"is\s*>\s*<" + p + rb"t\s*(?:/>|>\s*</))")
        last = 0
        seen: set[bytes] = set()
        for match in pattern.finditer(self.data, self.rows_start, self.rows_end):
            letters = match.group(1)
            if letters in seen:
                continue
            seen.add(letters)
            # An empty <v></v> (openpyxl's styled empty cell) holds nothing.
            rest = self.data[match.end():match.end() + 16]
            if re.match(rb"<" + p + rb"v\s*>\s*</", rest):
                seen.discard(letters)
                continue
            last = max(last, column_number(letters.decode()))
        return last


# --- formulas ------------------------------------------------------------------------------

_STRING_OR_SHEET = r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'!?'
_REFERENCE = r"(?<![A-Za-z_.\d$])(\$?)([A-Za-z]{1,3})(\$?)(\d{1,7})(?![\d(A-Za-z_!])"
_TOKENS = re.compile(rf"({_STRING_OR_SHEET})|((?:[A-Za-z_][\w.]*!)?)(?:{_REFERENCE})")


def map_rows(formula: str, mapping: Callable[[int, bool, bool, bool], int]) -> str:
    """``formula`` with each A1 reference's row replaced by ``mapping(row, absolute,
    ends_range, other_sheet)`` (ends_range: the reference ends a range, false for any other,
    a range's start included; other_sheet: the reference names a sheet). Strings in double
    quotes are left alone."""
    result, position = [], 0
    matches = list(_TOKENS.finditer(formula))
    start_other = False  # the sheet of a range's first cell is the sheet of the range
    for index, match in enumerate(matches):
        if match.group(1) is not None:
            continue
        previous = matches[index - 1] if index else None
        other_sheet = bool(match.group(2)) or (
            previous is not None and previous.group(1) is not None
            and previous.group(1).endswith("!") and previous.end() == match.start())
        ends_range = formula[:match.start()].rstrip().endswith(":")
        if ends_range:
            other_sheet = other_sheet or start_other
        start_other = other_sheet
        new_row = mapping(int(match.group(6)), match.group(5) == "$", ends_range, other_sheet)
        result.append(formula[position:match.start(6)])
        result.append(str(new_row))
        position = match.end(6)
    result.append(formula[position:])
    return "".join(result)


def shift_relative_rows(formula: str, offset: int) -> str:
    """The formula filled down ``offset`` rows, as Excel would copy it."""
    return map_rows(formula, lambda row, absolute, _ends_range, _other: row if absolute
                    else row + offset)


def escape_formula(formula: str) -> bytes:
    return formula.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .encode("utf-8")


# --- references in the sheet's tail (ranges of formats and validations) ------------------------

def extend_ranges(sqref: str, columns: set[int], first_row: int, old_end: int,
                  new_end: int) -> str:
    """Each range of ``sqref`` over one of ``columns`` that starts at ``first_row`` and ends
    at ``old_end`` or before, ending at ``new_end`` instead."""
    parts = []
    for reference in sqref.split():
        start, _, end = reference.partition(":")
        start_row, start_column = split_reference(start)
        end_row, end_column = split_reference(end) if end else (start_row, start_column)
        if start_column and start_column == end_column and start_column in columns \
                and start_row == first_row and old_end >= end_row >= first_row \
                and end_row < new_end:
            letters = re.match(r"\$?[A-Za-z]+\$?", end or start).group(0)
            reference = f"{start}:{letters}{new_end}"
        parts.append(reference)
    return " ".join(parts)
