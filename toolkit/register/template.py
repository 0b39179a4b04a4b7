"""The official register workbook: creation (``toolkit init``) and the features it owns.

Everything the toolkit owns on the ``Registre`` sheet — drop-down lists, date validations,
the three formula columns and their conditional formats — is (re)created by
:func:`apply_owned_features`. The write-back module calls it on every save, because
openpyxl drops the data-validation *extensions* of a workbook saved by Excel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from copy import copy
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from toolkit.errors import RegisterFileError

# The layout's rules (formulas, lists, sizes) live in toolkit.register.layout, which the
# write path imports without openpyxl; they are named here for toolkit init and the tests.
from toolkit.register.layout import (  # noqa: F401
    _LIST_COLUMN_OF_KEY,
    DATE_COLUMN_WIDTH,
    DATE_FORMAT,
    DATE_SERIAL_MAX,
    DATE_SERIAL_MIN,
    DEADLINE_KEYS,
    HEADER_HEIGHT,
    HELP_KEYS,
    HIGHLIGHTED_KEYS,
    HOLIDAY_LAST_ROW,
    HOLIDAY_RANGE,
    HOLIDAY_TABLE,
    HOLIDAY_YEARS,
    HOLIDAY_ZONES,
    LINE_HEIGHT,
    LIST_SOURCES,
    MAX_ROW_HEIGHT,
    MIN_SPARE_ROWS,
    PREPARED_ROWS,
    PRINT_PAGES_WIDE,
    PROTECTION_ALLOWED,
    VALIDATED_KEYS,
    WRAP_CHARS_PER_WIDTH,
    ack_formula,
    deadline_highlight_rules,
    holidays_of_zone,
    list_range,
    prepared_last_row,
    reply_formula,
    status_formula,
    text_lines,
)
from toolkit.rules.columns import (
    BY_KEY,
    CHOICE,
    COLUMNS,
    DATE,
    FORMULA,
    PARAMETERS,
    SHEET_HOLIDAYS,
    SHEET_LISTS,
    SHEET_PARAMETERS,
    SHEET_REGISTER,
)
from toolkit.rules.deadlines import public_holidays

HEADER_FILL = PatternFill("solid", start_color="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
FORMULA_FILL = PatternFill("solid", start_color="EDEDED")
THIN = Side(style="thin", color="A6A6A6")
TOP = Alignment(vertical="top")  # a complaint's cells line up with its first text line

def _letters(column_index: Mapping[str, int]) -> dict[str, str]:
    return {key: get_column_letter(index) for key, index in column_index.items()}


def _is_owned_range(sqref: str, owned_letters: Iterable[str]) -> bool:
    first_cell = str(sqref).split()[0].split(":")[0]
    return first_cell.rstrip("0123456789").lstrip("$") in set(owned_letters)


def _reset_owned(ws: Worksheet, letters: Mapping[str, str]) -> None:
    validated = [letters[key] for key in VALIDATED_KEYS if key in letters]
    highlighted = [letters[key] for key in HIGHLIGHTED_KEYS if key in letters]
    ws.data_validations.dataValidation = [
        dv for dv in ws.data_validations.dataValidation
        if not _is_owned_range(dv.sqref, validated)
    ]
    kept = [(rng, rules) for rng, rules in ws.conditional_formatting._cf_rules.items()
            if not _is_owned_range(rng.sqref, highlighted)]
    ws.conditional_formatting._cf_rules.clear()
    for rng, rules in kept:
        for rule in rules:
            ws.conditional_formatting.add(str(rng.sqref), rule)


def _ensure_list(workbook: Workbook, list_name: str) -> None:
    """Give an older register's ``Listes`` sheet a list added since (a drop-down pointing
    at empty cells would refuse every value)."""
    if SHEET_LISTS not in workbook.sheetnames:
        return
    sheet = workbook[SHEET_LISTS]
    column = list(LIST_SOURCES).index(list_name) + 1
    if sheet.cell(row=1, column=column).value is None:
        _write_list(sheet, column, list_name)


def _add_validations(ws: Worksheet, letters: dict[str, str], last_row: int) -> None:
    for key, list_name in _LIST_COLUMN_OF_KEY.items():
        if key not in letters:
            continue
        _ensure_list(ws.parent, list_name)
        dv = DataValidation(type="list", formula1=f"={list_range(list_name)}", allow_blank=True,
                            showErrorMessage=True, errorTitle="Valeur non prévue",
                            error=f"Choisissez une valeur de la liste « {list_name} ».",
                            promptTitle=list_name[:32],
                            prompt=BY_KEY[key].help or "Choisissez dans la liste.",
                            showInputMessage=True)
        dv.add(f"{letters[key]}2:{letters[key]}{last_row}")
        ws.add_data_validation(dv)
    _add_help_messages(ws, letters, last_row)
    for column in COLUMNS:
        if column.kind != DATE or column.key not in letters:
            continue
        dv = DataValidation(type="date", operator="between", formula1=str(DATE_SERIAL_MIN),
                            formula2=str(DATE_SERIAL_MAX), allow_blank=True,
                            showErrorMessage=True, errorTitle="Date invalide",
                            error="Saisissez une date au format JJ/MM/AAAA.")
        dv.add(f"{letters[column.key]}2:{letters[column.key]}{last_row}")
        ws.add_data_validation(dv)


def _add_help_messages(ws: Worksheet, letters: dict[str, str], last_row: int) -> None:
    """The column's help as the message Excel shows on a selected cell (no restriction).
    Only where the column has no validation yet: one staff put there (a list of names on
    « Responsable ») is theirs and stays, and the one of an earlier write is kept."""
    taken = [str(dv.sqref) for dv in ws.data_validations.dataValidation]
    for key in HELP_KEYS:
        if key not in letters or any(_is_owned_range(sqref, [letters[key]]) for sqref in taken):
            continue
        column = BY_KEY[key]
        dv = DataValidation(allow_blank=True, showInputMessage=True,
                            promptTitle=column.header[:32], prompt=column.help[:255])
        dv.add(f"{letters[key]}2:{letters[key]}{last_row}")
        ws.add_data_validation(dv)


def _add_deadline_highlights(ws: Worksheet, letters: dict[str, str], last_row: int) -> None:
    for due_key, rules in deadline_highlight_rules(letters).items():
        cells = f"{letters[due_key]}2:{letters[due_key]}{last_row}"
        for formula, colour, stop in rules:
            fill = PatternFill("solid", start_color=colour, end_color=colour)
            ws.conditional_formatting.add(cells, FormulaRule(
                formula=[formula], fill=fill, stopIfTrue=True if stop else None))


def zone_cell(workbook) -> str | None:
    """Absolute reference of the ``Zone des jours fériés`` value in ``Paramètres``
    (``None`` when the workbook has no such line: the formulas then use Métropole)."""
    from toolkit.rules.columns import PARAMETER_BY_NORMALIZED_LABEL, normalize_header

    for sheet in workbook.worksheets:
        if normalize_header(sheet.title) != normalize_header(SHEET_PARAMETERS):
            continue
        for (label,) in sheet.iter_rows(min_row=1, max_row=100, max_col=1):
            parameter = PARAMETER_BY_NORMALIZED_LABEL.get(normalize_header(label.value))
            if parameter is not None and parameter.key == "zone":
                title = sheet.title.replace("'", "''")
                return f"'{title}'!$B${label.row}"
    return None


def _write_formulas(ws: Worksheet, letters: dict[str, str], first_row: int,
                    last_row: int) -> None:
    needed = ("date_reclamation", "date_accuse", "date_reponse")
    if not all(key in letters for key in needed):
        return
    zone = zone_cell(ws.parent)
    styles: dict[str, object] = {}  # the formula style of each column, made once
    for row in range(first_row, last_row + 1):
        refs = {key: f"{letter}{row}" for key, letter in letters.items()}
        formulas = {
            "echeance_accuse": ack_formula(refs["date_reclamation"], zone),
            "echeance_reponse": reply_formula(refs["date_reclamation"]),
        }
        if "echeance_accuse" in refs and "echeance_reponse" in refs:
            formulas["statut"] = status_formula(
                refs["date_reclamation"], refs["date_accuse"], refs["echeance_accuse"],
                refs["date_reponse"], refs["echeance_reponse"])
        for key, formula in formulas.items():
            if key in refs:
                cell = ws[refs[key]]
                cell.value = formula
                _style_formula_cell(cell, key, styles)


def _style_formula_cell(cell, key: str, styles: dict[str, object]) -> None:
    """Locked, grey, dates as dates. The style is built on the column's first cell and
    copied to the others: setting each attribute on thousands of cells made every write
    of the register seconds slower."""
    if key in styles:
        cell._style = copy(styles[key])
        return
    cell.protection = Protection(locked=True)
    cell.fill = FORMULA_FILL
    cell.alignment = TOP
    if key != "statut":
        cell.number_format = DATE_FORMAT
    styles[key] = copy(cell._style)


def _format_input_cells(ws: Worksheet, letters: dict[str, str], first_row: int,
                        last_row: int) -> None:
    for column in COLUMNS:
        if column.kind == FORMULA or column.key not in letters:
            continue
        for row in range(first_row, last_row + 1):
            cell = ws[f"{letters[column.key]}{row}"]
            cell.protection = Protection(locked=False)
            if column.kind == DATE:
                cell.number_format = DATE_FORMAT
                cell.alignment = TOP
            elif column.kind == CHOICE:
                cell.alignment = TOP
            else:
                cell.number_format = "@"
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def apply_owned_features(ws: Worksheet, column_index: Mapping[str, int], data_last_row: int,
                         format_from_row: int | None = None) -> None:
    """(Re)create validations, formulas, protection and highlights on the register sheet.

    ``column_index`` maps column keys to 1-based column numbers as found in the header,
    so a register whose columns staff moved or extended keeps working. Rows from
    ``format_from_row`` on get the input formats (unlocked, dates, text) too.
    """
    letters = _letters(column_index)
    last_row = prepared_last_row(data_last_row)
    ensure_holidays_sheet(ws.parent)
    _reset_owned(ws, letters)
    _add_validations(ws, letters, last_row)
    _write_formulas(ws, letters, 2, last_row)
    if format_from_row is not None:
        _format_input_cells(ws, letters, format_from_row, last_row)
    _add_deadline_highlights(ws, letters, last_row)
    set_print_area(ws, data_last_row)
    ws.protection.sheet = True
    for allowed in PROTECTION_ALLOWED:
        setattr(ws.protection, allowed, False)
    # An Excel table brings its own filter; a sheet filter over it makes Excel repair the file.
    ws.auto_filter.ref = None if ws.tables else \
        f"A1:{get_column_letter(ws.max_column)}{last_row}"


def _width(column) -> float:
    # A date needs 10 characters: wider date columns only spread the printout over more pages.
    return DATE_COLUMN_WIDTH if column.kind == DATE or column.key in DEADLINE_KEYS \
        else column.width


def _write_header(ws: Worksheet) -> dict[str, int]:
    column_index = {}
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(bottom=THIN, right=THIN)
        ws.column_dimensions[get_column_letter(index)].width = _width(column)
        column_index[column.key] = index
    ws.row_dimensions[1].height = HEADER_HEIGHT
    ws.freeze_panes = "C2"
    _set_page_setup(ws)
    return column_index


def _set_page_setup(ws: Worksheet) -> None:
    """Print like a register: landscape A4, the header row and the Numéro column on every
    page, the columns fitted to PRINT_PAGES_WIDE pages (as many pages tall as needed)."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = PRINT_PAGES_WIDE
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:A"
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3,
                                  footer=0.3)
    ws.oddHeader.center.text = "Registre des réclamations clients"
    ws.oddFooter.center.text = "Page &P / &N"
    ws.print_options.gridLines = True


def set_print_area(ws: Worksheet, data_last_row: int) -> None:
    """Print the complaints only: the prepared rows below hold formulas showing nothing.
    A print area staff chose themselves (not from A1 over whole rows) is theirs."""
    current = ws.print_area
    if current and not re.search(r"!\$A\$1:\$[A-Z]+\$\d+$", str(current)):
        return
    ws.print_area = f"A1:{get_column_letter(ws.max_column)}{max(data_last_row, 2)}"


def _write_parameters(ws: Worksheet, values: Mapping[str, str]) -> None:
    ws.append(["Paramètre", "Valeur", "Aide"])
    for parameter in PARAMETERS:
        ws.append([parameter.label, values.get(parameter.key, parameter.default),
                   parameter.help])
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "@"
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 28, 45
    ws.column_dimensions["C"].width = 70
    _print_one_page_wide(ws)
    for row, parameter in enumerate(PARAMETERS, start=2):
        if parameter.list_slot:
            dv = DataValidation(type="list", formula1=f"={list_range(parameter.label)}",
                                showErrorMessage=True, error=" ou ".join(parameter.choices) + ".")
            dv.add(f"B{row}")
            ws.add_data_validation(dv)


def _holiday_header() -> list[str]:
    return [*HOLIDAY_ZONES, *(f"Jour férié ({zone})" for zone in HOLIDAY_ZONES)]


def _holiday_columns() -> list[list[tuple[date, str]]]:
    return [list(public_holidays(*HOLIDAY_YEARS, zone=zone).items()) for zone in HOLIDAY_ZONES]


def _write_holidays(ws: Worksheet) -> None:
    """Both zones' holidays: dates in A (Métropole) and B (Alsace-Moselle), names in C, D."""
    ws.append(_holiday_header())
    columns = _holiday_columns()
    for offset in range(max(len(days) for days in columns)):
        for index, days in enumerate(columns):
            if offset < len(days):
                day, name = days[offset]
                cell = ws.cell(row=offset + 2, column=index + 1, value=day)
                cell.number_format = DATE_FORMAT
                ws.cell(row=offset + 2, column=len(columns) + index + 1, value=name)
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for letter, width in zip("ABCD", (14, 14, 28, 28), strict=True):
        ws.column_dimensions[letter].width = width
    ws.protection.sheet = True
    # 1,300 lines nobody types in: hidden, so that printing the workbook prints the register
    # (Format › Feuille › Afficher shows it again). Never the sheet Excel opens on.
    if ws.parent.active is not ws:
        ws.sheet_state = "hidden"


def _holidays_current(ws: Worksheet) -> bool:
    header = [cell.value for cell in ws[1][:4]] if ws.max_row else []
    first = min(days[0][0] for days in _holiday_columns())
    a2 = ws.cell(row=2, column=1).value
    return header == _holiday_header() and a2 is not None and \
        (a2.date() if hasattr(a2, "date") else a2) == first and \
        ws.max_row == 1 + max(len(days) for days in _holiday_columns())


def ensure_holidays_sheet(workbook) -> None:
    """The ``Jours fériés`` sheet as the formulas expect it: created when absent, rewritten
    when it is an older layout (one zone, fewer years). It belongs to the toolkit."""
    if SHEET_HOLIDAYS not in workbook.sheetnames:
        _write_holidays(workbook.create_sheet(SHEET_HOLIDAYS))
        return
    ws = workbook[SHEET_HOLIDAYS]
    if not _holidays_current(ws):
        ws.delete_rows(1, ws.max_row)
        ws.delete_cols(1, ws.max_column)
        _write_holidays(ws)


def _write_list(ws: Worksheet, column: int, name: str) -> None:
    ws.cell(row=1, column=column, value=name).font = Font(bold=True)
    for offset, value in enumerate(LIST_SOURCES[name], start=2):
        ws.cell(row=offset, column=column, value=value)
    ws.column_dimensions[get_column_letter(column)].width = 26


def _write_lists(ws: Worksheet) -> None:
    for index, name in enumerate(LIST_SOURCES, start=1):
        _write_list(ws, index, name)
    _print_one_page_wide(ws)


def _print_one_page_wide(ws: Worksheet) -> None:
    """A small sheet prints on one landscape page, not cut into narrow strips."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def build_register_workbook(parameters: Mapping[str, str] | None = None) -> Workbook:
    """The empty official register, in memory."""
    values = dict(parameters or {})
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_REGISTER
    column_index = _write_header(ws)
    _write_parameters(wb.create_sheet(SHEET_PARAMETERS), values)
    _write_holidays(wb.create_sheet(SHEET_HOLIDAYS))
    _write_lists(wb.create_sheet(SHEET_LISTS))
    apply_owned_features(ws, column_index, data_last_row=1, format_from_row=2)
    wb.calculation.fullCalcOnLoad = True
    return wb


def fill_rows(ws: Worksheet, rows: Iterable[Mapping[str, object]], first_row: int = 2) -> int:
    """Write complaint values (by column key) into a fresh register sheet; return last row."""
    column_index = {column.key: i for i, column in enumerate(COLUMNS, start=1)}
    row_number = first_row - 1
    for row_number, values in enumerate(rows, start=first_row):
        for key, value in values.items():
            cell = ws.cell(row=row_number, column=column_index[key], value=value)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
        fit_row_height(ws, row_number, column_index)
    return row_number


def fit_row_height(ws: Worksheet, row: int, column_index: Mapping[str, int]) -> None:
    """Make a complaint's row tall enough for its wrapped texts. Neither Excel nor
    LibreOffice resizes rows on opening a file: without this the printout overlaps."""
    lines = 1
    for key, index in column_index.items():
        value = ws.cell(row=row, column=index).value
        if isinstance(value, str) and key in BY_KEY and BY_KEY[key].kind != FORMULA:
            width = ws.column_dimensions[get_column_letter(index)].width or BY_KEY[key].width
            lines = max(lines, text_lines(value, width))
    ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines) \
        if lines > 1 else None


def create_register(path: Path, rows: Iterable[Mapping[str, object]] = (),
                    parameters: Mapping[str, str] | None = None) -> Path:
    """Write a new register; never overwrite an existing file."""
    path = Path(path)
    if path.exists():
        raise RegisterFileError(f"Le fichier {path} existe déjà : il n'est jamais écrasé.")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise RegisterFileError(f"{path} : le registre doit être un classeur .xlsx.")
    wb = build_register_workbook(parameters)
    ws = wb[SHEET_REGISTER]
    last_row = fill_rows(ws, rows)
    if last_row > 1:
        column_index = {column.key: i for i, column in enumerate(COLUMNS, start=1)}
        apply_owned_features(ws, column_index, last_row, format_from_row=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
