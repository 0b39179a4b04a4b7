"""Writing to the register — the one path every command that writes goes through.

The register is a legal record and the office's own file, so a write (:func:`write_session`):

1. refuses while Excel (``~$name.xlsx``) or LibreOffice (``.~lock.name.xlsx#``) holds it,
   and takes an inter-process lock (``.name.xlsx.toolkit.lock`` beside it, removed when the
   command ends) so that two runs never write at once; commands take it
   (:func:`register_lock`) before they read the register, and a second run waits;
2. refuses when the file changed on disk since the command read it (``expected_mtime_ns``),
   when a mandatory column is missing or doubled in the header, and what it cannot write
   safely (:mod:`toolkit.register.write_checks`: a sheet locked by a password...);
3. edits only the parts it owns — the ``Registre`` sheet's cells and the ranges of its
   table, drop-downs, highlights and print area, plus ``styles.xml`` (a date style it
   lacks), ``workbook.xml`` (recalculation on opening, print area) and the calculation chain
   only when they must change — and copies every other part of the zip byte for byte
   (same compressed bytes): images, charts, comments, pivot tables, slicers, extensions,
   custom parts stay exactly as they were. Outside text is always text, never a formula,
   stored as an inline string escaped as Excel escapes it;
4. copies the register into ``sauvegardes/`` (the first backup of each of the last 30
   days and the last 20 are kept), writes a temporary file in the same folder, inflates
   again every part it rewrote and reads back every value it wrote, then ``os.replace``:
   a crash at any moment leaves the old or the new register. A temporary file left by a
   killed run is removed by the next write.

Why a part-level edit, and the measurements: docs/developer/register-writes.md.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sys
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from toolkit.atomic import atomic_replace
from toolkit.errors import RegisterFileError, RegisterLockedError, UnsafeWriteError
from toolkit.places import BACKUPS_DIRNAME as BACKUP_DIRNAME
from toolkit.places import backups_dir
from toolkit.register import sheet_xml as sx
from toolkit.register.write_checks import (
    office_locks,
    refuse_cells_not_writable,
    refuse_if_changed,
    refuse_if_open,
    refuse_sheet_not_writable,
)
from toolkit.register.xlsx_package import (
    Package,
    attribute_values,
    attributes,
    edit_attribute,
    set_attribute,
    start_tags,
    verify_parts,
    xml_boolean,
)
from toolkit.rules.columns import BY_KEY, COLUMNS, DATE, DATE_KEYS, FORMULA

__all__ = ["BACKUPS_KEPT", "BACKUP_DAYS_KEPT", "BACKUP_DIRNAME", "append_complaints", "backup",
           "backups_of", "is_empty_value", "mark_dates", "next_numero", "office_locks",
           "refuse_if_changed",
           "refuse_if_open", "register_lock", "toolkit_lock_path", "write_session",
           "write_values"]

BACKUPS_KEPT = 20  # the last writes' backups
BACKUP_DAYS_KEPT = 30  # and the first backup of each of these last days
LOCK_TIMEOUT_S = 300  # how long a writer waits for the others
# A value starting with one of these would be a formula (or a DDE payload) if typed in Excel.
TEXT_LEADERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
EXCEL_CELL_MAX_CHARS = 32_767  # Excel reports a damaged file beyond this
TRUNCATION_NOTE = " […] (texte tronqué : l'original est dans le dossier)"
FORMULA_MODEL_ROWS = 50  # how far above the new rows a formula to copy down is looked for
MAX_SHEET_TAIL_BYTES = 64_000_000  # what follows the cells: formats, validations, extensions
_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_STAMP_FORMAT = "%Y%m%d-%H%M%S"
_CALC_CHAIN_TYPE = "/calcChain"
_TABLE_TYPE = "/table"
_SHARED_STRINGS_TYPE = "/sharedStrings"
_STYLES_TYPE = "/styles"
# What any typed value holds (sx.Cell.has_value): a <v> or a <t> with text. A row without
# it is skipped unparsed: the prepared rows below the last complaint are only formulas.
_MAYBE_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v\s*|t(?:\s[^>]*)?)>[^<]")


# --- pure helpers ------------------------------------------------------------------------

def next_numero(taken: Sequence[object], year: int) -> str:
    """``AAAA-NNN``: one more than the highest sequence already used for ``year``."""
    pattern = re.compile(rf"^{year}-(\d+)$")
    used = [int(m.group(1)) for m in (pattern.match(str(n).strip()) for n in taken if n) if m]
    return f"{year}-{max(used, default=0) + 1:03d}"


def as_text_cell_value(value: str) -> str:
    """Client text as stored: characters Excel forbids removed, cut at Excel's cell limit."""
    text = _ILLEGAL_CHARACTERS.sub("", value)
    if len(text) > EXCEL_CELL_MAX_CHARS:
        text = text[:EXCEL_CELL_MAX_CHARS - len(TRUNCATION_NOTE)] + TRUNCATION_NOTE
    return text


def stored_value(kind: str, value: object) -> object:
    """The value as the register will hold it: a date (its day) in a date column, text
    everywhere else; ``None`` for an empty value (:func:`is_empty_value`: the cell is
    cleared, never given spaces)."""
    if is_empty_value(value):
        return None
    if kind == DATE and isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    return as_text_cell_value(value if isinstance(value, str) else str(value))


def _as_read(key: str, stored: object) -> object:
    """What :func:`toolkit.register.reading.read_register` gives for a stored value."""
    from toolkit.register.reading import cell_to_date, cell_to_text, phone_to_text

    if key in DATE_KEYS:
        return cell_to_date(stored)
    return phone_to_text(stored) if key == "telephone" else cell_to_text(stored)


def _written_cell(reference: str, style: int, stored: object, p: bytes,
                  shared_index: int | None = None) -> bytes | None:
    """One ``<c>`` element holding ``stored`` (None: an empty cell keeping its style); a
    text goes inline, or to the shared strings at ``shared_index`` when given."""
    head = b"<" + p + b'c r="' + reference.encode() + b'"' + \
        (b' s="' + str(style).encode() + b'"' if style else b"")
    if stored is None:
        return head + b"/>" if style else None
    if isinstance(stored, date):
        return head + b"><" + p + b"v>" + str(sx.excel_serial(stored)).encode() + \
            b"</" + p + b"v></" + p + b"c>"
    if shared_index is not None:
        return head + b' t="s"><' + p + b"v>" + str(shared_index).encode() + b"</" + p + \
            b"v></" + p + b"c>"
    text = sx.escape_text(str(stored))
    space = b' xml:space="preserve"' if stored != stored.strip() or "\n" in stored else b""
    return (head + b' t="inlineStr"><' + p + b"is><" + p + b"t" + space + b">" + text +
            b"</" + p + b"t></" + p + b"is></" + p + b"c>")


def _formula_cell(reference: str, style: int, formula: str, p: bytes) -> bytes:
    head = b"<" + p + b'c r="' + reference.encode() + b'"' + \
        (b' s="' + str(style).encode() + b'"' if style else b"")
    return head + b"><" + p + b"f>" + sx.escape_formula(formula.removeprefix("=")) + \
        b"</" + p + b"f></" + p + b"c>"


_CACHED_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\s*(?:/>|>.*?</(?:[\w.-]+:)?v>)", re.DOTALL)


def _without_cached_value(cell: sx.Cell) -> sx.Cell:
    """A formula cell whose result Excel or LibreOffice must compute again on opening."""
    raw = _CACHED_VALUE.sub(b"", cell.raw)
    tag = cell.tag
    raw = raw.replace(tag, set_attribute(tag, b"t", None), 1)
    return sx.Cell(cell.column, raw)


# --- the workbook's parts -------------------------------------------------------------------

@dataclass
class SharedStrings:
    """Shared strings read lazily, only as far as the header cells need."""

    package: Package
    part: str | None
    _strings: list[str] = field(default_factory=list)
    _iterator: Iterator | None = None

    def __call__(self, index: int) -> str:
        if index < len(self._strings):
            # Asked again, or after a later one: read already (another step of the parser
            # would drop the text it ends).
            return self._strings[index]
        if self.part is None:
            raise self._missing(index)
        if self._iterator is None:
            from defusedxml.ElementTree import iterparse

            self._iterator = iterparse(self.package.archive.open(self.part), events=("end",))
        for _, element in self._iterator:
            if element.tag.rsplit("}", 1)[-1] == "si":
                self._strings.append(sx.unescape_text("".join(
                    t.text or "" for t in element.iter() if t.tag.rsplit("}", 1)[-1] == "t")))
                element.clear()
            if len(self._strings) > index:
                break
        if index >= len(self._strings):
            raise self._missing(index)
        return self._strings[index]

    def _missing(self, index: int) -> RegisterFileError:
        # Read as empty, a header naming a missing text would have the write add the
        # register's columns again after it.
        return RegisterFileError(
            f"{self.package.path.name} : une cellule renvoie au texte partagé n° {index}, "
            "absent du classeur (fichier endommagé). Rien n'a été écrit.")


@dataclass
class Workbook:
    """``xl/workbook.xml``: the sheets, in order, and where each one's part is."""

    part: str
    sheets: list[tuple[str, str]]  # (name, part)

    @classmethod
    def read(cls, package: Package) -> Workbook:
        from defusedxml import ElementTree

        part = next((rel["Target"] for rel in package.relationships("")
                     if rel["Type"].endswith("/officeDocument")), "xl/workbook.xml")
        targets = {rel["Id"]: rel["Target"] for rel in package.relationships(part)}
        root = ElementTree.fromstring(package.read(part))
        sheets = []
        for element in root.iter():
            if element.tag.rsplit("}", 1)[-1] == "sheet":
                rel_id = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
                sheets.append((element.get("name", ""), targets.get(rel_id, "")))
        return cls(part, sheets)


def _related(package: Package, part: str, kind: str) -> list[str]:
    return [rel["Target"] for rel in package.relationships(part)
            if rel["Type"].endswith(kind) and package.has(rel["Target"])]


# --- the open register ----------------------------------------------------------------------

@dataclass
class Table:
    """The Excel table (Insert › Table) whose header is the register's header."""

    part: str
    data: bytes
    first_column: int
    first_row: int
    last_column: int
    last_row: int
    totals: int
    new_data_end: int | None = None

    @property
    def data_end(self) -> int:
        return self.last_row - self.totals


def _range_bounds(reference: str) -> tuple[int, int, int, int]:
    start, _, end = reference.partition(":")
    first_row, first_column = sx.split_reference(start)
    last_row, last_column = sx.split_reference(end) if end else (first_row, first_column)
    return first_column, first_row, last_column, last_row


@dataclass
class WriteTarget:
    """The register open for a write, and what this write changes."""

    path: Path
    package: Package
    workbook: Workbook
    sheet_name: str
    sheet_part: str
    sheet: sx.Sheet
    column_index: dict[str, int]
    header_row: int
    mtime_ns: int  # the file as opened: it must still be so when replaced
    shared: SharedStrings
    format_from_row: int | None = None  # rows from here are new complaints
    written: dict[tuple[int, str], object] = field(default_factory=dict)
    backup: Path | None = None
    _cells: dict[tuple[int, int], object] = field(default_factory=dict)
    _added: dict[int, str] = field(default_factory=dict)  # column → key of added headers
    _table: Table | bool | None = False  # False: not looked for yet
    _rows: dict[int, sx.Row] = field(default_factory=dict)
    _spans: dict[int, tuple[int, int]] = field(default_factory=dict)  # of _rows, in the sheet
    # Where each of _rows went in the rendered sheet: the saved copy is read back there.
    rendered_spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    _drop_calc_chain: bool = False
    _styles: object = None
    _new_strings: list[str] | None = None
    _spare: dict[int, bytes] = field(default_factory=dict)  # prepared rows past the end
    _shared_count: int = 0

    # --- what commands ask -------------------------------------------------------------

    def set_value(self, row: int, key: str, value: object) -> None:
        """Write one input column of one Excel row (``None``, "" or spaces clear the
        cell)."""
        column = BY_KEY.get(key)
        if column is None or column.kind == FORMULA:
            raise ValueError(f"{key!r} is not an input column of the register")
        if row <= self.header_row:
            raise ValueError(f"row {row} is not below the header (row {self.header_row})")
        table = self.table()
        if table is not None and table.totals and \
                table.data_end < row <= table.last_row and table.new_data_end is None:
            raise RegisterFileError(
                f"{self.path.name} : l'enregistrement n'a pas pu être vérifié (ligne {row}, "
                f"{column.header}). Le registre n'a pas été modifié.")
        if key not in self.column_index:
            self.add_column(key)
        stored = stored_value(column.kind, value)
        self._cells[(row, self.column_index[key])] = stored
        self.written[(row, key)] = stored

    def add_column(self, key: str) -> None:
        """Add the header of an optional column the register lacks, after the last used
        column (docs/product-rules.md, "New register columns": an older register keeps working)."""
        last = max([self.sheet.all_value_columns(), *self._added])
        column = last + 1
        self._added[column] = key
        self.column_index[key] = column

    def last_data_row(self) -> int:
        """Last row holding a typed value. The toolkit's formula columns, formulas staff
        filled down and the totals row of an Excel table do not count. Read from the end
        of the sheet: only the prepared rows below the last complaint are looked at."""
        formula_columns = {index for key, index in self.column_index.items()
                           if BY_KEY[key].kind == FORMULA}
        table = self.table()
        totals = set(range(table.data_end + 1, table.last_row + 1)) \
            if table is not None and table.totals else set()
        for number, start, end in self.sheet.rows_backwards():
            if number <= self.header_row:
                break
            if number in totals or not _MAYBE_VALUE.search(self.sheet.data, start, end):
                continue
            row = self.sheet.parse_row(number, start, end)
            if any(cell.column not in formula_columns and cell.has_value()
                   for cell in row.cells):
                return number
        return self.header_row

    def make_room(self, first: int, count: int) -> None:
        """New rows ``first``… go inside the register's Excel table, if it has one: its
        range grows, and its totals row moves down below them, its formulas still
        covering every row of the table."""
        table = self.table()
        if table is None or first > table.data_end + 1:
            return
        new_data_end = max(table.data_end, first + count - 1)
        shift = new_data_end - table.data_end
        table.new_data_end = new_data_end
        if table.totals and shift:
            self._move_totals(table, shift)

    # --- the sheet's rows ----------------------------------------------------------------

    def row(self, number: int) -> sx.Row:
        if number not in self._rows:
            start, end = self._spans[number] = self.sheet.locate(number)
            self._rows[number] = self.sheet.parse_row(number, start, end)
        return self._rows[number]

    def table(self) -> Table | None:
        if self._table is False:
            self._table = self._find_table()
        return self._table  # type: ignore[return-value]

    def _find_table(self) -> Table | None:
        from defusedxml import ElementTree

        for part in _related(self.package, self.sheet_part, _TABLE_TYPE):
            data = self.package.read(part)
            root = ElementTree.fromstring(data)
            first_column, first_row, last_column, last_row = _range_bounds(root.get("ref", ""))
            if first_row == self.header_row and root.get("headerRowCount") != "0":
                return Table(part, data, first_column, first_row, last_column, last_row,
                             int(root.get("totalsRowCount") or 0))
        return None

    def _move_totals(self, table: Table, shift: int) -> None:
        """Move the totals row's cells (the table's columns only) ``shift`` rows down. Its
        formulas follow as Excel's own row insertion would move them, except that a range
        ending on the last data row now ends on the new last data row: ``SUM(E2:E3)``
        becomes ``SUM(E2:E5)``, never ``SUM(E4:E5)``."""
        old_end, new_end = table.data_end, table.data_end + shift

        def moved(row: int, _absolute: bool, ends_range: bool, other_sheet: bool) -> int:
            if other_sheet:
                return row
            if row > old_end:
                return row + shift
            return new_end if ends_range and row == old_end else row

        columns = range(table.first_column, table.last_column + 1)
        for number in range(table.last_row, old_end, -1):
            source, target = self.row(number), self.row(number + shift)
            for cell in [c for c in source.cells if c.column in columns]:
                source.set(None, cell.column)
                target.set(_moved_cell(cell, number + shift, moved), cell.column)
                self._drop_calc_chain |= cell.is_formula

    # --- the write ---------------------------------------------------------------------

    @property
    def styles(self):
        if self._styles is None:
            from toolkit.register.styles_xml import Styles

            parts = _related(self.package, self.workbook.part, _STYLES_TYPE)
            data = self.package.read(parts[0]) if parts else b""
            # The schema allows a workbook without styles; Excel and LibreOffice write them.
            if not data.strip():
                raise RegisterFileError(
                    f"{self.path.name} ne peut pas être écrit : le classeur n'a pas de styles "
                    "(classeur produit par un autre logiciel). Ouvrez-le dans Excel ou "
                    "LibreOffice, enregistrez-le, puis relancez la commande. Rien n'a été "
                    "écrit.")
            self._styles = (parts[0], Styles.parse(data))
        return self._styles[1]

    def _base_style(self, row: int, column: int, model: sx.Row | None) -> int:
        cell = self.row(row).cell(column)
        if cell is not None:
            return cell.style
        if model is not None and (above := model.cell(column)) is not None:
            return above.style
        return 0

    def _model_row(self, first_new: int) -> sx.Row | None:
        """The last complaint above the new rows: its cells lend their styles (read, not
        edited: it is rendered as it was)."""
        position = self.sheet.locate(first_new)[0]
        for number, start, end in self.sheet.rows_backwards(position):
            if number <= self.header_row:
                break
            row = self._rows.get(number) or self.sheet.parse_row(number, start, end)
            if row.cells:
                return row
        return None

    def _formula_model(self, column: int, below: int) -> tuple[int, str, int] | None:
        """(row, formula, style) of the nearest formula in ``column`` in the few rows
        above row ``below`` (the toolkit's and staff's filled-down formulas are there)."""
        letters = sx.column_letters(column).encode()
        cell_pattern = re.compile(rb"<(?:[\w.-]+:)?c\b[^>]*?\br\s*=\s*[\"']" + letters +
                                  rb"\d+[\"'][^>]*?(?:/>|>.*?</(?:[\w.-]+:)?c>)", re.DOTALL)
        position = self.sheet.locate(below)[0]
        for scanned, (number, start, end) in enumerate(self.sheet.rows_backwards(position)):
            if number <= self.header_row or scanned >= FORMULA_MODEL_ROWS:
                break
            match = cell_pattern.search(self.sheet.data, start, end)
            if match is None:
                continue
            cell = sx.Cell(column, match.group(0))
            found = cell.formula()
            if found and found[1] and found[0].get(b"t") in (None, b"normal"):
                return number, found[1], cell.style
        return None

    def _template_formulas(self, row: int) -> dict[str, str]:
        """The toolkit's formulas for one row, when the sheet has none to copy."""
        from toolkit.register.layout import ack_formula, reply_formula, status_formula

        letters = {key: sx.column_letters(index) for key, index in self.column_index.items()}
        if not all(k in letters for k in ("date_reclamation", "date_accuse", "date_reponse")):
            return {}
        refs = {key: f"{letter}{row}" for key, letter in letters.items()}
        formulas = {"echeance_accuse": ack_formula(refs["date_reclamation"], self._zone),
                    "echeance_reponse": reply_formula(refs["date_reclamation"])}
        if "echeance_accuse" in refs and "echeance_reponse" in refs:
            formulas["statut"] = status_formula(
                refs["date_reclamation"], refs["date_accuse"], refs["echeance_accuse"],
                refs["date_reponse"], refs["echeance_reponse"])
        return formulas

    @functools.cached_property
    def _zone(self) -> str | None:
        return self._zone_cell()

    def _zone_cell(self) -> str | None:
        from toolkit.rules.columns import (
            PARAMETER_BY_NORMALIZED_LABEL,
            SHEET_PARAMETERS,
            normalize_header,
        )

        for name, part in self.workbook.sheets:
            if normalize_header(name) != normalize_header(SHEET_PARAMETERS) \
                    or not self.package.has(part):
                continue
            sheet = sx.Sheet.parse(self.package.read(part))
            # Every row, the first label found: the reading reads that line, whatever its row.
            for number, start, end in sheet.rows_forward(sys.maxsize):
                cell = sheet.parse_row(number, start, end).cell(1)
                label = cell.value(self.shared) if cell is not None else None
                parameter = PARAMETER_BY_NORMALIZED_LABEL.get(normalize_header(label))
                if parameter is not None and parameter.key == "zone":
                    title = name.replace("'", "''")
                    return f"'{title}'!$B${number}"
        return None

    def _apply_values(self) -> None:
        p = self.sheet.prefix
        styles = self.styles
        for (number, column), stored in sorted(self._cells.items()):
            row = self.row(number)
            existing = row.cell(column)
            if existing is not None:
                refuse_cells_not_writable(self.path, self.sheet_name, existing)
                self._drop_calc_chain |= existing.is_formula
            style = existing.style if existing is not None else self._base_style(
                number, column, None)
            if isinstance(stored, date):
                style = styles.as_date(style)
            elif isinstance(stored, str) and stored.startswith(TEXT_LEADERS):
                style = styles.with_quote_prefix(style)
            reference = f"{sx.column_letters(column)}{number}"
            shared = self._shared_index(stored) if isinstance(stored, str) \
                and sx.needs_escape(stored) else None
            raw = _written_cell(reference, style, stored, p, shared)
            row.set(sx.Cell(column, raw) if raw is not None else None, column)
            for cell in row.cells:  # the row's formulas must be computed again
                if cell.is_formula and cell.column != column:
                    row.set(_without_cached_value(cell), cell.column)

    def _shared_index(self, text: str) -> int:
        """A text holding an OOXML escape look-alike (``_x0041_``) goes to the shared
        strings: every reader decodes escapes there (openpyxl not in inline strings)."""
        if self._new_strings is None:
            self._new_strings = []
            self._shared_count = _shared_string_count(self.package, self.shared.part)
        self._new_strings.append(text)
        return self._shared_count + len(self._new_strings) - 1

    def _row_plan(self, first: int, model: sx.Row | None) -> list[tuple[int, str, int, object]]:
        """What a new complaint's row holds, column by column, as rows ``first``… get it:
        (column, kind, style, formula) with formula (row of origin, text) or None."""
        styles = self.styles
        plan = []
        template: dict[str, str] | None = None
        for key, column in sorted(self.column_index.items(), key=lambda item: item[1]):
            kind = BY_KEY[key].kind
            base = model.cell(column).style if model is not None and \
                model.cell(column) is not None else 0
            if kind != FORMULA:
                plan.append((column, kind, styles.for_input(base, kind), None))
                continue
            found = self._formula_model(column, first)
            if found is not None:
                plan.append((column, kind, found[2], (found[0], found[1])))
                continue
            template = template if template is not None else self._template_formulas(first)
            if key in template:
                style = base if key == "statut" else styles.for_deadline(base)
                plan.append((column, kind, style, (first, template[key])))
        return plan

    def _prepare_rows(self, first: int, last: int, model: sx.Row | None) -> None:
        """Give rows ``first``..``last`` what ``toolkit init`` prepares: input cells
        unlocked and formatted, the three formula columns. Rows the sheet already has keep
        their cells (a prepared row keeps its formulas); rows past its end are written
        whole from one plan, without parsing anything."""
        p = self.sheet.prefix
        plan = self._row_plan(first, model)
        styles = self.styles
        last_existing = next((n for n, _, _ in self.sheet.rows_backwards()), 0)
        written_rows = {number for number, _ in self._cells}
        for number in range(first, last + 1):
            if number > last_existing and number not in written_rows \
                    and number not in self._rows:
                self._spare[number] = _planned_row(number, plan, p)
                continue
            row = self.row(number)
            for column, kind, style, formula in plan:
                existing = row.cell(column)
                reference = f"{sx.column_letters(column)}{number}"
                if formula is not None:
                    if existing is None or not existing.is_formula:
                        text = sx.shift_relative_rows(formula[1], number - formula[0])
                        style = existing.style if existing is not None else style
                        row.set(sx.Cell(column, _formula_cell(reference, style, text, p)),
                                column)
                    continue
                if existing is None:
                    raw = _written_cell(reference, style, None, p)
                    row.set(sx.Cell(column, raw) if raw is not None else None, column)
                    continue
                wanted = styles.for_input(existing.style, kind)
                if wanted != existing.style:
                    tag = existing.tag
                    row.set(sx.Cell(column, existing.raw.replace(
                        tag, set_attribute(tag, b"s", str(wanted).encode()), 1)), column)

    def _fit_heights(self, first: int, last: int, widths: dict[int, float]) -> None:
        from toolkit.register.layout import LINE_HEIGHT, MAX_ROW_HEIGHT, text_lines

        for number in range(first, last + 1):
            row = self.row(number)
            lines = 1
            for key, column in self.column_index.items():
                value = self._cells.get((number, column))
                if isinstance(value, str) and BY_KEY[key].kind != FORMULA:
                    width = widths.get(column) or BY_KEY[key].width
                    lines = max(lines, text_lines(value, width))
            tag = row.open_tag
            if lines > 1:
                tag = set_attribute(tag, b"ht", str(min(MAX_ROW_HEIGHT,
                                                        LINE_HEIGHT * lines)).encode())
                tag = set_attribute(tag, b"customHeight", b"1")
            else:
                tag = set_attribute(set_attribute(tag, b"ht", None), b"customHeight", None)
            row.open_tag = tag

    def _add_headers(self) -> None:
        p = self.sheet.prefix
        header = self.row(self.header_row)
        registered = [c for k, c in self.column_index.items() if c not in self._added]
        model = header.cell(max(registered)) if registered else None
        style = model.style if model is not None else 0
        for column, key in self._added.items():
            reference = f"{sx.column_letters(column)}{self.header_row}"
            header.set(sx.Cell(column, _written_cell(reference, style, BY_KEY[key].header, p)),
                       column)

    def render(self) -> tuple[list, dict[str, object]]:
        """The new sheet part (chunks) and what else changes."""
        from toolkit.register.layout import MIN_SPARE_ROWS, PREPARED_ROWS

        sheet = self.sheet
        refuse_sheet_not_writable(self.path, self.sheet_name, sheet)
        if self._added:
            self._add_headers()
        head = sheet.data[:sheet.head_end]
        widths = _column_widths(head)
        changes: dict[str, object] = {}
        new_rows: tuple[int, int] | None = None
        if self.format_from_row is not None:
            last_new = max(r for r, _ in self._cells)  # each new complaint has a value
            model = self._model_row(self.format_from_row)
            last_row_element = next((n for n, _, _ in sheet.rows_backwards()), 0)
            spare_end = max(PREPARED_ROWS, last_new + MIN_SPARE_ROWS)
            prepare_to = last_new
            if last_row_element < last_new + MIN_SPARE_ROWS // 2:
                prepare_to = spare_end
            table = self.table()
            if table is not None and table.totals:
                # Inside the table only: its totals row, moved below the new rows, is not a
                # complaint's (Excel itself inserts a table's new rows above it).
                prepare_to = max(last_new, min(prepare_to, table.new_data_end or table.data_end))
            self._prepare_rows(self.format_from_row, prepare_to, model)
            self._fit_heights(self.format_from_row, last_new, widths)
            new_rows = (last_new, prepare_to)
        self._apply_values()
        # Rows rebuilt, in order, spliced between untouched byte ranges.
        chunks: list = []
        view = memoryview(sheet.data)
        edited = sorted(self._rows)
        positions = [(n, *(self._spans.get(n) or sheet.locate(n)))
                     for n in sorted({*self._rows, *self._spare})]
        row_chunks: dict[int, int] = {}
        head_bytes = self._edited_head(head)
        chunks.append(head_bytes)
        # <sheetData …>: opened by _read_sheet when the sheet was an empty <sheetData/>.
        chunks.append(view[sheet.head_end:sheet.rows_start])
        position = sheet.rows_start
        for number, start, end in positions:
            chunks.append(view[position:start])
            if number in self._spare:
                chunks.append(self._spare[number])
            else:
                row = self._rows[number]
                if row.cells or start != end:
                    row_chunks[number] = len(chunks)
                    chunks.append(row.render(sheet.prefix))
            position = end
        chunks.append(view[position:sheet.tail_start])
        chunks.append(self._edited_tail(sheet.data[sheet.tail_start:], new_rows))
        offsets = [0, *accumulate(len(chunk) for chunk in chunks)]
        self.rendered_spans = {number: (offsets[index], offsets[index + 1])
                               for number, index in row_chunks.items()}
        _check_rows_well_formed(self.path, [self._rows[n] for n in edited], sheet)
        if new_rows is not None:
            changes["last_data_row"] = new_rows[0]
        return chunks, changes

    def _with_missing_highlights(self, tail: bytes) -> bytes:
        """The deadline highlights ``toolkit init`` sets, for a register that has none on a
        deadline column (one another tool made): red once late, orange three days before."""
        from toolkit.register.layout import deadline_highlight_rules, prepared_last_row

        letters = {key: sx.column_letters(index) for key, index in self.column_index.items()}
        present = _highlighted_columns(tail)
        missing = {key: rules for key, rules in deadline_highlight_rules(letters).items()
                   if self.column_index[key] not in present}
        if not missing:
            return tail
        p = self.sheet.prefix
        priority = max([0, *(int(value) for value in attribute_values(
            tail, rb"[\w.-]+", b"priority") if value.strip().isdigit())])
        last = prepared_last_row(max([self.last_data_row(), *(r for r, _ in self._cells)]))
        blocks = []
        for key, rules in missing.items():
            cells = f"{letters[key]}2:{letters[key]}{last}".encode()
            block = b"<" + p + b'conditionalFormatting sqref="' + cells + b'">'
            for formula, colour, stop in rules:
                priority += 1
                block += (b"<" + p + b'cfRule type="expression" priority="' +
                          str(priority).encode() + b'" dxfId="' +
                          str(self.styles.add_fill_dxf(colour)).encode() + b'"' +
                          (b' stopIfTrue="1"' if stop else b"") + b"><" + p + b"formula>" +
                          sx.escape_formula(formula) + b"</" + p + b"formula></" + p +
                          b"cfRule>")
            blocks.append(block + b"</" + p + b"conditionalFormatting>")
        at = _AFTER_HIGHLIGHTS.search(tail)
        position = at.start() if at else len(tail)
        return tail[:position] + b"".join(blocks) + tail[position:]

    def _owned_columns(self) -> set[int]:
        from toolkit.register.layout import HIGHLIGHTED_KEYS, VALIDATED_KEYS

        return {self.column_index[k] for k in (*VALIDATED_KEYS, *HIGHLIGHTED_KEYS)
                if k in self.column_index}

    def _edited_head(self, head: bytes) -> bytes:
        last_row = max([*self._rows, *self._spare, self.header_row])
        last_column = max([*self.column_index.values(), 1])
        head = _with_dimension(head, last_row, last_column)
        for column, key in self._added.items():
            head = _with_column_width(head, column, BY_KEY[key].width, self.sheet.prefix)
        return head

    def _edited_tail(self, tail: bytes, new_rows: tuple[int, int] | None) -> bytes:
        p = self.sheet.prefix
        if new_rows is not None:
            _, prepared_end = new_rows
            owned = self._owned_columns()
            first = self.header_row + 1

            def extend(value: bytes) -> bytes:
                return sx.extend_ranges(value.decode(), owned, first, prepared_end,
                                        prepared_end).encode()

            tail = edit_attribute(tail, rb"[\w.-]+", b"sqref", extend)
            tail = re.sub(rb"(<(?:[\w.-]+:)?sqref>)([^<]*)(</)", lambda match: match.group(1)
                          + extend(match.group(2)) + match.group(3), tail)
            tail = _with_filter_end(tail, prepared_end)
        tail = self._with_missing_highlights(tail)
        if not re.search(rb"<(?:[\w.-]+:)?sheetProtection\b", tail):
            from toolkit.register.layout import PROTECTION_ALLOWED

            protection = (b"<" + p + b'sheetProtection sheet="1" objects="0" scenarios="0" ' +
                          b"".join(f'{name}="0" '.encode() for name in PROTECTION_ALLOWED) +
                          b"/>")
            calc = re.match(rb"\s*<(?:[\w.-]+:)?sheetCalcPr\b[^>]*/>", tail)
            at = calc.end() if calc else 0
            tail = tail[:at] + protection + tail[at:]
        return tail


def _highlighted_columns(tail: bytes) -> set[int]:
    columns = set()
    for cells in attribute_values(tail, b"conditionalFormatting", b"sqref"):
        for reference in cells.decode().split():
            columns.add(sx.split_reference(reference.split(":")[0])[1])
    return columns


def _planned_row(number: int, plan, p: bytes) -> bytes:
    cells = []
    for column, _kind, style, formula in plan:
        reference = f"{sx.column_letters(column)}{number}"
        if formula is not None:
            text = sx.shift_relative_rows(formula[1], number - formula[0])
            cells.append(_formula_cell(reference, style, text, p))
        else:
            cells.append(_written_cell(reference, style, None, p) or b"")
    return b"<" + p + b'row r="' + str(number).encode() + b'">' + b"".join(cells) + \
        b"</" + p + b"row>"


# What follows <conditionalFormatting> in a worksheet (ECMA-376 CT_Worksheet's order).
_AFTER_HIGHLIGHTS = re.compile(
    rb"<(?:[\w.-]+:)?(?:dataValidations|hyperlinks|printOptions|pageMargins|pageSetup|"
    rb"headerFooter|rowBreaks|colBreaks|customProperties|cellWatches|ignoredErrors|"
    rb"smartTags|drawing|legacyDrawing|legacyDrawingHF|drawingHF|picture|oleObjects|"
    rb"controls|webPublishItems|tableParts|extLst)\b|</(?:[\w.-]+:)?worksheet>")


def _moved_cell(cell: sx.Cell, row: int, mapping) -> sx.Cell:
    tag = cell.tag
    reference = f"{sx.column_letters(cell.column)}{row}".encode()
    raw = cell.raw.replace(tag, set_attribute(tag, b"r", reference), 1)
    found = cell.formula()
    if found is not None and found[1]:
        mapped = sx.escape_formula(sx.map_rows(found[1], mapping))
        raw = re.sub(rb"(<(?:[\w.-]+:)?f(?:\s[^>]*)?>)(.*?)(</(?:[\w.-]+:)?f>)",
                     lambda m: m.group(1) + mapped + m.group(3), raw, count=1, flags=re.DOTALL)
    return _without_cached_value(sx.Cell(cell.column, raw)) if found else sx.Cell(cell.column,
                                                                                  raw)


def _column_widths(head: bytes) -> dict[int, float]:
    widths: dict[int, float] = {}
    for match in re.finditer(rb"<(?:[\w.-]+:)?col\b[^>]*>", head):
        found = attributes(match.group(0))
        try:
            low, high = int(found[b"min"]), int(found[b"max"])
            width = float(found.get(b"width", b"0"))
        except (KeyError, ValueError):
            continue
        for column in range(low, min(high, 200) + 1):
            widths[column] = width
    return widths


def _with_dimension(head: bytes, last_row: int, last_column: int) -> bytes:
    match = start_tags(b"dimension").search(head)
    extent = attributes(match.group(0)).get(b"ref") if match else None
    if extent is None:
        return head
    first, _, end = extent.decode().partition(":")
    end_row, end_column = sx.split_reference(end or first)
    if end_row >= last_row and end_column >= last_column:
        return head
    new_end = f"{sx.column_letters(max(end_column, last_column))}{max(end_row, last_row)}"
    start = first if end else "A1"
    return head[:match.start()] + set_attribute(match.group(0), b"ref",
                                                f"{start}:{new_end}".encode()) + \
        head[match.end():]


def _with_column_width(head: bytes, column: int, width: float, p: bytes) -> bytes:
    """``<cols>`` giving ``column`` its width; a ``<col>`` range over it is split."""
    element = (b"<" + p + b'col min="' + str(column).encode() + b'" max="' +
               str(column).encode() + b'" width="' + str(width).encode() +
               b'" customWidth="1"/>')
    cols = re.search(rb"<(?:[\w.-]+:)?cols\b[^>]*>(.*?)</(?:[\w.-]+:)?cols>", head, re.DOTALL)
    if cols is None:  # the head ends where <sheetData> starts, which the schema puts next
        return head + b"<" + p + b"cols>" + element + b"</" + p + b"cols>"
    inner = cols.group(1)
    parts, placed = [], False
    for match in re.finditer(rb"<(?:[\w.-]+:)?col\b[^>]*?/>|<(?:[\w.-]+:)?col\b.*?</"
                             rb"(?:[\w.-]+:)?col>", inner, re.DOTALL):
        tag = match.group(0)
        found = attributes(tag[:tag.index(b">") + 1])
        low, high = int(found.get(b"min", b"0")), int(found.get(b"max", b"0"))
        if high < column or placed:
            parts.append(tag)
            continue
        if low > column:
            parts += [element, tag]
            placed = True
            continue
        if low < column:
            parts.append(set_attribute(tag, b"max", str(column - 1).encode()))
        parts.append(element)
        if high > column:
            parts.append(set_attribute(tag, b"min", str(column + 1).encode()))
        placed = True
    if not placed:
        parts.append(element)
    return head[:cols.start(1)] + b"".join(parts) + head[cols.end(1):]


def _with_filter_end(tail: bytes, end: int) -> bytes:
    """The sheet filter the toolkit sets (A1 to the prepared end) follows the new end."""
    def extend(extent: bytes) -> bytes | None:
        found = re.fullmatch(rb"A1:([A-Z]{1,3})(\d+)", extent)
        return found and b"A1:" + found.group(1) + str(max(int(found.group(2)), end)).encode()

    # Only the sheet's own filter: the schema puts the custom views, each with its filter,
    # after it.
    views = re.search(rb"<(?:[\w.-]+:)?customSheetViews\b", tail)
    at = views.start() if views else len(tail)
    return edit_attribute(tail[:at], b"autoFilter", b"ref", extend, count=1) + tail[at:]


def _check_rows_well_formed(path: Path, rows: list[sx.Row], sheet: sx.Sheet) -> None:
    """The rebuilt rows, parsed as one XML document: a write never leaves a sheet Excel
    would have to repair."""
    from xml.parsers import expat

    if not rows:
        return
    p = sheet.prefix
    # Inside the sheet's own root and <sheetData> tags, which declare the prefixes the rows
    # may use: Excel writes `x14ac:dyDescent` on every row, declared on the root only.
    opening = _root_tag(sheet) + sheet.data[sheet.head_end:sheet.rows_start]
    # expat alone, with namespaces and no handlers: it checks the whole document in C, where
    # building a tree costs a Python call per element. The document starts here, so it
    # holds no DTD, and an entity it does not know is an error.
    parser = expat.ParserCreate(namespace_separator="}")
    try:
        parser.Parse(opening + b"".join(row.render(p) for row in rows) +
                     b"</" + p + b"sheetData></" + p + b"worksheet>", True)
    except expat.ExpatError as error:
        raise RegisterFileError(
            f"{path.name} : l'enregistrement n'a pas pu être vérifié (lignes "
            f"{rows[0].number} à {rows[-1].number}). Le registre n'a pas été modifié.") \
            from error


# --- opening the register ----------------------------------------------------------------------

def _register_sheet(package: Package, workbook: Workbook) -> tuple[str, str]:
    from toolkit.register.reading import register_sheet_name

    names = [name for name, _ in workbook.sheets]
    if not names:
        raise RegisterFileError(f"{package.path.name} : le classeur ne contient aucune feuille.")
    name = register_sheet_name(names)
    return name, dict(workbook.sheets)[name]


def _read_sheet(path: Path, package: Package, part: str) -> sx.Sheet:
    data = package.read(part)
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise RegisterFileError(f"{path.name} : une feuille du classeur est illisible "
                                "(DTDForbidden). Rien n'a été écrit.")
    try:
        sheet = sx.Sheet.parse(data)
    except ValueError as error:
        raise RegisterFileError(f"{path.name} : une feuille du classeur est illisible "
                                f"({error}). Rien n'a été écrit.") from error
    if len(data) - sheet.tail_start > MAX_SHEET_TAIL_BYTES:
        raise UnsafeWriteError("une feuille du classeur a une taille anormale après ses "
                               "cellules (fichier piégé ?). Rien n'a été écrit.")
    _check_tail(path, sheet)
    if sheet.head_end == sheet.rows_start:
        # <sheetData/>, as Excel writes an empty sheet: opened, so that rows go inside it.
        p = sheet.prefix
        sheet = sx.Sheet.parse(data[:sheet.head_end] + b"<" + p + b"sheetData></" + p +
                               b"sheetData>" + data[sheet.tail_start:])
    return sheet


def _root_tag(sheet: sx.Sheet) -> bytes:
    """The sheet's ``<worksheet …>`` start tag, with the namespaces it declares."""
    return re.search(rb"<(?:[\w.-]+:)?worksheet\b[^>]*>", sheet.data).group(0)


def _check_tail(path: Path, sheet: sx.Sheet) -> None:
    """The sheet's root tag and what follows its cells must be well-formed XML."""
    from defusedxml import DefusedXmlException, ElementTree

    try:
        ElementTree.fromstring(_root_tag(sheet) + sheet.data[sheet.tail_start:])
    except (DefusedXmlException, SyntaxError) as error:
        raise RegisterFileError(
            f"{path.name} : une feuille du classeur est illisible ({type(error).__name__}). "
            "Rien n'a été écrit.") from error


def _locate_columns(sheet: sx.Sheet, shared: SharedStrings) -> tuple[int, dict[str, int],
                                                                     list[tuple[int, str]]]:
    from toolkit.register.reading import HEADER_SEARCH_ROWS, find_header_row, map_headers

    rows: list[list[object]] = []
    for number, start, end in sheet.rows_forward(HEADER_SEARCH_ROWS):
        row = sheet.parse_row(number, start, end)
        values: list[object] = [None] * (max((c.column for c in row.cells), default=0))
        for cell in row.cells:
            values[cell.column - 1] = cell.value(shared)
        while len(rows) < number - 1:
            rows.append([])
        rows.append(values)
    header_index = find_header_row(rows)
    positions, _, duplicates = map_headers(rows[header_index] if rows else [])
    return header_index + 1, {key: position + 1 for key, position in positions.items()}, \
        duplicates


def _refuse_bad_header(path: Path, sheet_name: str, header_row: int,
                       column_index: Mapping[str, int],
                       duplicates: Sequence[tuple[int, str]]) -> None:
    """No write while a mandatory column is missing or doubled (docs/product-rules.md,
    "The desk's day"). A sheet whose header names no column at all is a blank register: the
    write makes it."""
    from toolkit.rules.columns import KEY_BY_NORMALIZED_HEADER, normalize_header

    if not column_index:
        return
    required = [c for c in COLUMNS if c.required]
    missing = [c.header for c in required if c.key not in column_index]
    doubled_keys = {KEY_BY_NORMALIZED_HEADER.get(normalize_header(name))
                    for _, name in duplicates}
    doubled = [c.header for c in required if c.key in doubled_keys]
    problems = []
    for headers, one, many in ((missing, "manque", "manquent"),
                               (doubled, "figure deux fois", "figurent deux fois")):
        if headers:
            names = ", ".join(f"« {h} »" for h in headers)
            problems.append(f"la colonne obligatoire {names} {one}" if len(headers) == 1
                            else f"les colonnes obligatoires {names} {many}")
    if problems:
        raise RegisterFileError(
            f"{path.name} : dans la ligne d'en-tête (ligne {header_row}) de la feuille "
            f"« {sheet_name} », {' et '.join(problems)}. Rien n'a été écrit : rétablissez "
            "l'en-tête (un seul exemplaire de chaque colonne obligatoire, sous son nom "
            "exact), puis relancez la commande.")


def _open_for_write(path: Path) -> WriteTarget:
    mtime_ns = path.stat().st_mtime_ns
    try:
        package = Package.open(path)
        workbook = Workbook.read(package)
        sheet_name, part = _register_sheet(package, workbook)
        sheet = _read_sheet(path, package, part)
    except (RegisterFileError, UnsafeWriteError):
        raise
    except PermissionError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError) as error:
        raise RegisterFileError(
            f"{path.name} ne peut pas être ouvert pour y écrire : classeur endommagé ou "
            f"piégé ({type(error).__name__}). Rien n'a été écrit.") from error
    strings = _related(package, workbook.part, _SHARED_STRINGS_TYPE)
    shared = SharedStrings(package, strings[0] if strings else None)
    header_row, column_index, duplicates = _locate_columns(sheet, shared)
    _refuse_bad_header(path, sheet_name, header_row, column_index, duplicates)
    return WriteTarget(path, package, workbook, sheet_name, part, sheet, column_index,
                       header_row, mtime_ns, shared)


def refuse_unwritable(path: Path | str) -> None:
    """Refuse now, writing nothing, a register that a write would refuse (damaged, its sheet
    protected by a password, a mandatory column missing or doubled): for a command that
    must not touch any other copy before the register itself can be written."""
    path = _real_path(Path(path))
    with _rows_numbered(path):
        _open_for_write(path).package.close()


@contextmanager
def _rows_numbered(path: Path) -> Iterator[None]:
    """A row without its number, met while walking the rows (anywhere in a write, always
    before the file is saved), refused in French."""
    try:
        yield
    except sx.RowWithoutNumber as error:
        raise RegisterFileError(
            f"{path.name} ne peut pas être écrit : une ligne de la feuille n'a pas de numéro "
            "(classeur produit par un autre logiciel). Ouvrez-le dans Excel ou LibreOffice, "
            "enregistrez-le, puis relancez la commande. Rien n'a été écrit.") from error


# --- files beside the register --------------------------------------------------------------

def toolkit_lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.toolkit.lock")


def _temp_path(path: Path) -> Path:
    return path.with_name(f".{path.stem}.toolkit-{os.getpid()}.tmp{path.suffix}")


def clean_stale_temps(path: Path) -> None:
    """Remove what a killed write left: only the lock holder writes these, and we hold it."""
    leftovers = [*path.parent.glob(f".{path.stem}.toolkit-*.tmp{path.suffix}"),
                 *(path.parent / BACKUP_DIRNAME).glob(f".{path.stem}_*{path.suffix}.partial")]
    for stale in leftovers:
        with suppress(OSError):
            stale.unlink()


def _backup_pattern(path: Path) -> re.Pattern[str]:
    # Exact names only: a neighbour register "registre_2025.xlsx" shares the folder.
    return re.compile(rf"{re.escape(path.stem)}_(\d{{8}}-\d{{6}})(?:-(\d+))?"
                      rf"{re.escape(path.suffix)}")


def _backups_with_stamps(path: Path) -> list[tuple[datetime, Path]]:
    pattern = _backup_pattern(path)
    found = []
    for candidate in (path.parent / BACKUP_DIRNAME).glob(f"{path.stem}_*{path.suffix}"):
        match = pattern.fullmatch(candidate.name)
        if match:
            try:
                stamp = datetime.strptime(match.group(1), _STAMP_FORMAT)
            except ValueError:
                continue
            found.append(((match.group(1), int(match.group(2) or 1)), stamp, candidate))
    return [(stamp, candidate) for _, stamp, candidate in sorted(found)]


def backups_of(path: Path) -> list[Path]:
    """The register's backups, oldest first (by the date and time in their names)."""
    return [candidate for _, candidate in _backups_with_stamps(path)]


def backups_to_keep(stamped: Sequence[tuple[datetime, Path]], now: datetime) -> set[Path]:
    """docs/product-rules.md, "The desk's day": at least the first backup of each of the
    last 30 days, plus the last 20."""
    keep = {candidate for _, candidate in stamped[-BACKUPS_KEPT:]}
    first_day = now.date() - timedelta(days=BACKUP_DAYS_KEPT - 1)
    seen_days: set[date] = set()
    for stamp, candidate in stamped:  # oldest first: the first of each day comes first
        if stamp.date() >= first_day and stamp.date() not in seen_days:
            seen_days.add(stamp.date())
            keep.add(candidate)
    return keep


def backup(path: Path) -> Path:
    """Copy the register into ``sauvegardes/`` with the date and time; keep the first of
    each of the last 30 days and the last 20.

    The copy is made under a temporary name then renamed: a killed run never leaves a
    truncated file that looks like a backup.
    """
    folder = backups_dir(path)
    folder.mkdir(exist_ok=True)
    now = datetime.now()
    stamp = now.strftime(_STAMP_FORMAT)
    target, counter = folder / f"{path.stem}_{stamp}{path.suffix}", 2
    while target.exists():
        target = folder / f"{path.stem}_{stamp}-{counter}{path.suffix}"
        counter += 1
    with atomic_replace(target, folder / f".{target.name}.partial") as partial:
        shutil.copy2(path, partial)
    stamped = _backups_with_stamps(path)
    keep = backups_to_keep(stamped, now)
    for _, old in stamped:
        if old not in keep:
            with suppress(OSError):
                old.unlink()
    return target


def _sync(path: Path) -> None:
    """Flush to the disk, so that a power cut after the replace cannot lose the content."""
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    # POSIX only: makes the rename itself durable. Windows cannot open a folder this way.
    with suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# --- the write session ----------------------------------------------------------------------

def _verify(temp: Path, target: WriteTarget, rewritten: list[str],
            sheet_chunks: Sequence[bytes | memoryview]) -> None:
    """Inflate again every part the write rewrote (its CRC is checked), check that the saved
    sheet is the one rendered, and read back each written cell from it, where its row was
    rendered: the register is replaced only if all are as meant."""
    # The sheet, the largest part, is inflated once: by the read below, CRC checked too.
    damaged = verify_parts(temp, [name for name in rewritten if name != target.sheet_part])
    wrong: tuple[int, str] | None = None
    if damaged is None:
        saved = Package.open(temp)
        try:
            data = saved.read(target.sheet_part)
            if data != b"".join(sheet_chunks):
                damaged = target.sheet_part
            else:
                wrong = _first_wrong_value(saved, target, sx.Sheet.parse(data))
        except zipfile.BadZipFile:
            damaged = target.sheet_part
        finally:
            saved.close()
    if damaged or wrong:
        detail = damaged or f"ligne {wrong[0]}, {BY_KEY[wrong[1]].header}"
        raise RegisterFileError(
            f"{target.path.name} : l'enregistrement n'a pas pu être vérifié ({detail}). Le "
            "registre n'a pas été modifié.")


def _first_wrong_value(saved: Package, target: WriteTarget,
                       sheet: sx.Sheet) -> tuple[int, str] | None:
    """The first written (row, key) whose cell in the saved sheet does not read back as
    the value meant; None when all do (a date cell reads as its serial number, which
    :func:`_as_read` turns into the date, as the reading does)."""
    strings = _related(saved, target.workbook.part, _SHARED_STRINGS_TYPE)
    shared = SharedStrings(saved, strings[0] if strings else None)
    for (number, key), stored in target.written.items():
        # a row written empty where there was none is not rendered: read as empty
        cell = sheet.cell_in_row(number, target.column_index[key],
                                 *target.rendered_spans.get(number, (0, 0)))
        found = cell.value(shared) if cell is not None else None
        if _as_read(key, found) != _as_read(key, stored):
            return number, key
    return None


_BEFORE_CALC_SETTINGS = re.compile(
    rb"</(?:[\w.-]+:)?(?:sheets|functionGroups|externalReferences|definedNames)>|"
    rb"<(?:[\w.-]+:)?(?:sheets|functionGroups|externalReferences|definedNames)\b[^>]*/>")


def _edited_workbook(target: WriteTarget, changes: Mapping[str, object]) -> None:
    """``workbook.xml``: recalculation on opening, and the print area following the last
    complaint (when it is the toolkit's: from A1 over whole rows)."""
    package = target.package
    data = original = package.read(target.workbook.part)
    calc = re.search(rb"<(?:[\w.-]+:)?calcPr\b[^>]*?/?>", data)
    if calc is None:
        p = re.match(rb"<(?:[\w.-]+:)?", re.search(rb"<(?:[\w.-]+:)?workbook\b", data)
                     .group(0)).group(0)[1:]
        element = b"<" + p + b'calcPr fullCalcOnLoad="1"/>'
        # After the last of the elements CT_Workbook puts before it (the defined names
        # follow the sheet list), whole or empty.
        anchors = list(_BEFORE_CALC_SETTINGS.finditer(data))
        at = anchors[-1].end() if anchors else data.rindex(b"</")
        data = data[:at] + element + data[at:]
    elif not xml_boolean(attributes(calc.group(0)).get(b"fullCalcOnLoad"), default=False):
        data = data[:calc.start()] + set_attribute(calc.group(0), b"fullCalcOnLoad", b"1") + \
            data[calc.end():]
    last = changes.get("last_data_row")
    if last is not None:
        index = [name for name, _ in target.workbook.sheets].index(target.sheet_name)
        last_column = sx.column_letters(max(target.column_index.values()))

        def print_area(match: re.Match[bytes]) -> bytes:
            found = attributes(match.group(1))
            if (found.get(b"name"), found.get(b"localSheetId")) != \
                    (b"_xlnm.Print_Area", str(index).encode()):
                return match.group(0)
            column = match.group(2).decode()
            if sx.column_number(column) < sx.column_number(last_column):
                column = last_column
            return match.group(1) + column.encode() + b"$" + str(max(int(last), 2)).encode() + \
                match.group(4)

        data = re.sub(rb"(<(?:[\w.-]+:)?definedName\b[^>]*>[^<]*!\$A\$1:\$)([A-Z]{1,3})"
                      rb"\$(\d+)(</)", print_area, data)
    if data != original:
        package.replace(target.workbook.part, data)


def _edited_table(target: WriteTarget) -> None:
    table = target.table()
    if table is None or table.new_data_end is None:
        return
    first = f"{sx.column_letters(table.first_column)}{table.first_row}"
    last_letters = sx.column_letters(table.last_column)
    reference = f"{first}:{last_letters}{table.new_data_end + table.totals}".encode()
    filtered = f"{first}:{last_letters}{table.new_data_end}".encode()
    data = table.data
    root = re.search(rb"<(?:[\w.-]+:)?table\b[^>]*>", data)
    data = data[:root.start()] + set_attribute(root.group(0), b"ref", reference) + \
        data[root.end():]
    data = edit_attribute(data, b"autoFilter", b"ref", lambda _: filtered, count=1)
    target.package.replace(table.part, data)


def _shared_string_count(package: Package, part: str | None) -> int:
    if part is None:
        return 0
    # Over the whole part: the root, <sst …>, cannot be taken for an <si>.
    return len(re.findall(rb"<(?:[\w.-]+:)?si[\s>/]", package.read(part)))


def _edited_shared_strings(target: WriteTarget) -> None:
    """Append the texts :meth:`WriteTarget._shared_index` numbered (the part is made when
    the workbook has none: a relationship and a content type come with it)."""
    if not target._new_strings:
        return
    package = target.package
    part = target.shared.part
    added = b"".join(b"<si><t xml:space=\"preserve\">" + sx.escape_text(text) + b"</t></si>"
                     for text in target._new_strings)
    if part is None:
        part = "xl/sharedStrings.xml"
        total = len(target._new_strings)
        package.add(part, b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst '
                    b'xmlns="' + sx.MAIN_NS.encode() + b'" count="' + str(total).encode() +
                    b'" uniqueCount="' + str(total).encode() + b'">' + added + b"</sst>",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml."
                    "sharedStrings+xml", target.workbook.part,
                    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                    "sharedStrings")
        return
    data = package.read(part)
    root = re.search(rb"<(?:[\w.-]+:)?sst\b[^>]*>", data)
    prefix = root.group(0)[1:root.group(0).index(b"sst")]
    added = added.replace(b"<si>", b"<" + prefix + b"si>").replace(b"</si>", b"</" + prefix +
                                                                  b"si>")
    added = added.replace(b"<t ", b"<" + prefix + b"t ").replace(b"</t>", b"</" + prefix + b"t>")
    tag = root.group(0)
    found = attributes(tag)
    for name in (b"count", b"uniqueCount"):
        if name in found and found[name].isdigit():
            tag = set_attribute(tag, name, str(int(found[name]) + len(target._new_strings))
                                .encode())
    closing = data.rindex(b"</" + prefix + b"sst>")
    package.replace(part, data[:root.start()] + tag + data[root.end():closing] + added +
                    data[closing:])


def _drop_calc_chain(target: WriteTarget) -> None:
    """A formula moved or overwritten: Excel rebuilds the calculation chain when it is
    absent, and reports a damaged file when it lists a cell without formula."""
    package = target.package
    for part in _related(package, target.workbook.part, _CALC_CHAIN_TYPE):
        package.remove(part)
        package.drop_relationship(target.workbook.part, part)
        package.drop_content_type(part)


def _finish(target: WriteTarget) -> None:
    import zlib

    refuse_if_changed(target.path, target.mtime_ns)  # saved by someone while we prepared
    try:
        _write(target)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        refuse_if_changed(target.path, target.mtime_ns)  # it changed under our reads
        raise RegisterFileError(
            f"{target.path.name} ne peut pas être écrit : classeur endommagé "
            f"({type(error).__name__}). Rien n'a été écrit.") from error


def _write(target: WriteTarget) -> None:
    chunks, changes = target.render()
    package = target.package
    package.replace(target.sheet_part, chunks)
    styles = target.styles
    if styles.changed:
        package.replace(target._styles[0], styles.serialized())
    _edited_workbook(target, changes)
    _edited_table(target)
    _edited_shared_strings(target)
    if target._drop_calc_chain:
        _drop_calc_chain(target)
    refuse_if_open(target.path)  # Excel may have opened it while we were working
    target.backup = backup(target.path)
    path = target.path
    with atomic_replace(path, _temp_path(path)) as temp:
        rewritten = package.save(temp)
        _sync(temp)
        _verify(temp, target, rewritten, chunks)
        shutil.copymode(path, temp)  # a register shared with a group stays shared
        refuse_if_changed(path, target.mtime_ns)  # last look before replacing
    _sync_folder(path.parent)


# --- the inter-process lock -------------------------------------------------------------------

class _LockFile:
    """An exclusive lock on ``.name.xlsx.toolkit.lock`` that removes the file when released
    (docs/product-rules.md, "The desk's day": the write lock file is gone when the command
    ends; it would sync to OneDrive).

    POSIX: ``flock`` on the file, checked after each acquisition to be the file still at
    that path (a holder unlinks it just before releasing; a waiter that got the lock on the
    unlinked file tries again). Elsewhere filelock's own lock, which deletes its file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._other = None

    def acquire(self, timeout: float) -> bool:
        if sys.platform == "win32":
            from filelock import FileLock, Timeout

            self._other = FileLock(self.path)
            try:
                self._other.acquire(timeout=timeout)
            except Timeout:
                return False
            return True
        import fcntl

        deadline = time.monotonic() + timeout
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.05)
                continue
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                return True
            os.close(fd)  # the holder removed it while we waited: take the new one

    def release(self) -> None:
        if self._other is not None:
            self._other.release()
            with suppress(OSError):
                self.path.unlink()
            return
        if self._fd is not None:
            with suppress(OSError):
                self.path.unlink()
            os.close(self._fd)  # closing releases the flock
            self._fd = None


# Locks this process holds, by register: a command holding the lock while it reads the
# register must not wait for itself when write_session takes it again.
_HELD: dict[str, int] = {}


def _lock_key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


def _real_path(given: Path) -> Path:
    # Through a link, write where the register lives: os.replace would put a plain file
    # in place of the link. Excel's lock file may be beside either name.
    return given.resolve() if given.is_symlink() else given


@contextmanager
def register_lock(path: Path | str,
                  on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the register's inter-process lock: one toolkit writer at a time.

    A command that writes takes it *before* reading the register, so that what it read
    is still the register when it writes. When another run holds it, wait (at most
    ``LOCK_TIMEOUT_S``), telling ``on_wait`` once, in French, that we are waiting.
    Re-entrant within the process. The lock file is removed on release.
    """
    from toolkit.register.reading import check_container

    given = Path(path)
    path = _real_path(given)
    key = _lock_key(path)
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    check_container(path)  # a missing file, not a workbook, or a zip bomb: say so
    for name in {given, path}:
        refuse_if_open(name)  # before waiting for our own lock: that wait would be vain
    lock = _LockFile(toolkit_lock_path(path))
    if not lock.acquire(timeout=0):
        if on_wait is not None:
            on_wait(f"Une autre commande toolkit écrit dans {path.name} : en attente… "
                    f"(au plus {LOCK_TIMEOUT_S} s)")
        if not lock.acquire(timeout=LOCK_TIMEOUT_S):
            raise RegisterLockedError(
                f"Une autre commande toolkit écrit dans {path.name} depuis plus de "
                f"{LOCK_TIMEOUT_S} s. Réessayez dans un instant : rien n'a été écrit.")
    _HELD[key] = 1
    try:
        yield
    finally:
        del _HELD[key]
        lock.release()


@contextmanager
def write_session(path: Path | str,
                  expected_mtime_ns: int | None = None) -> Iterator[WriteTarget]:
    """Open the register for a write; on normal exit, save it safely (module doc).

    Leaving the block with an exception writes nothing.
    """
    path = _real_path(Path(path))
    try:
        with _rows_numbered(path), register_lock(path):
            refuse_if_open(path)
            refuse_if_changed(path, expected_mtime_ns)
            clean_stale_temps(path)
            target = _open_for_write(path)
            try:
                yield target
                _finish(target)
            finally:
                target.package.close()
    except PermissionError as error:
        raise RegisterLockedError(
            f"{path.name} ne peut pas être écrit (accès refusé) : fermez le classeur dans "
            "Excel ou LibreOffice, puis relancez la commande. S'il est fermé, vérifiez que "
            f"le dossier {path.parent} n'est pas en lecture seule. Rien n'a été écrit."
        ) from error


# --- what commands write ------------------------------------------------------------------

def write_values(register_path: Path | str, updates: Sequence[tuple[int, str, object]],
                 expected_mtime_ns: int | None = None) -> Path | None:
    """Write each (Excel row, column key, value) on existing rows: text, date or list
    value; ``None``, "" or spaces clear the cell. Return the backup made (None: nothing
    to do)."""
    if not updates:
        return None
    with write_session(register_path, expected_mtime_ns) as target:
        for row, key, value in updates:
            target.set_value(row, key, value)
    return target.backup


def mark_dates(register_path: Path | str, updates: Sequence[tuple[int, str, date]],
               expected_mtime_ns: int | None = None) -> Path | None:
    """Write each (Excel row, date column key, date); return the backup made (None when
    there was nothing to write)."""
    for row, key, day in updates:
        if key not in DATE_KEYS or not isinstance(day, date):
            raise ValueError(f"({row}, {key!r}, {day!r}) is not a date for a date column")
    return write_values(register_path, updates, expected_mtime_ns)


def is_empty_value(value: object) -> bool:
    """``None``, ``""`` or only spaces: left blank, never written as a cell of spaces that
    the workbook's formulas (``=""``) would take for a value."""
    return value is None or (isinstance(value, str) and not value.strip())


def _template_position(item: tuple[str, object]) -> int:
    """Where a value's column stands in the template (an unknown key last, refused later)."""
    return _TEMPLATE_POSITION.get(item[0], len(COLUMNS))


_TEMPLATE_POSITION = {column.key: position for position, column in enumerate(COLUMNS)}


def append_complaints(register_path: Path | str, rows: Sequence[Mapping[str, object]],
                      expected_mtime_ns: int | None = None) -> list[int]:
    """Append complaints (values by column key) after the last used row; return their
    Excel rows. Empty values are left blank."""
    if not rows:
        return []
    if any(all(map(is_empty_value, values.values())) for values in rows):
        raise ValueError("a complaint without any value cannot be appended")
    with write_session(register_path, expected_mtime_ns) as target:
        first = target.last_data_row() + 1
        target.make_room(first, len(rows))
        target.format_from_row = first
        for line, values in enumerate(rows, start=first):
            # In the template's order: a blank sheet gets its columns in the order written.
            for key, value in sorted(values.items(), key=_template_position):
                if not is_empty_value(value):
                    target.set_value(line, key, value)
    return list(range(first, first + len(rows)))
