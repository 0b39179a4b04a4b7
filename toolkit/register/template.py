"""The official register workbook: creation (``toolkit init``) and the features it owns.

Everything the toolkit owns on the ``Registre`` sheet — drop-down lists, date validations,
the three formula columns and their conditional formats — is (re)created by
:func:`apply_owned_features`. The write-back module calls it on every save, because
openpyxl drops the data-validation *extensions* of a workbook saved by Excel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from toolkit.errors import RegisterFileError
from toolkit.register.columns import (
    CANAUX,
    CATEGORIES,
    CHOICE,
    CIVILITES,
    COLUMNS,
    DATE,
    DECISIONS,
    FORMULA,
    MEDIATOR_LIST_PAGE,
    PARAMETERS,
    SHEET_HOLIDAYS,
    SHEET_LISTS,
    SHEET_PARAMETERS,
    SHEET_REGISTER,
    ZONES,
)
from toolkit.register.deadlines import public_holidays

DATE_FORMAT = "dd/mm/yyyy"
HOLIDAY_YEARS = (2020, 2040)
HOLIDAY_RANGE = f"'{SHEET_HOLIDAYS}'!$A$2:$A$400"
PREPARED_ROWS = 1000
MIN_SPARE_ROWS = 500
# Excel serials of 01/01/2000 and 31/12/2099: a date typed outside is surely a typo.
DATE_SERIAL_MIN, DATE_SERIAL_MAX = 36526, 73050

HEADER_FILL = PatternFill("solid", start_color="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
FORMULA_FILL = PatternFill("solid", start_color="EDEDED")
RED_FILL = PatternFill("solid", start_color="F8CBAD", end_color="F8CBAD")
ORANGE_FILL = PatternFill("solid", start_color="FFE699", end_color="FFE699")
THIN = Side(style="thin", color="A6A6A6")

LIST_SOURCES: dict[str, tuple[str, ...]] = {
    "Canal": CANAUX,
    "Civilité": CIVILITES,
    "Catégorie": CATEGORIES,
    "Décision": DECISIONS,
    "Zone des jours fériés": ZONES,
}
_LIST_COLUMN_OF_KEY = {"canal": "Canal", "civilite": "Civilité", "categorie": "Catégorie",
                       "decision": "Décision"}
# The columns whose validations and highlights the toolkit owns and recreates on every save.
# Anything staff put on other columns (a list of names on "Responsable", a colour rule on
# "Nom") is theirs: it must survive a write.
VALIDATED_KEYS = (*_LIST_COLUMN_OF_KEY, *(c.key for c in COLUMNS if c.kind == DATE))
HIGHLIGHTED_KEYS = ("echeance_accuse", "echeance_reponse")


def list_range(list_name: str) -> str:
    """Absolute reference of a list's values on the ``Listes`` sheet."""
    column = get_column_letter(list(LIST_SOURCES).index(list_name) + 1)
    last = len(LIST_SOURCES[list_name]) + 1
    return f"{SHEET_LISTS}!${column}$2:${column}${last}"


def ack_formula(received: str) -> str:
    # No "_xlfn." prefix: with it LibreOffice answers #NAME? (the recalculation test checks
    # the bare name). Desktop Excel could not be tried here.
    return f'=IF({received}="","",WORKDAY.INTL({received},10,"0000001",{HOLIDAY_RANGE}))'


def reply_formula(received: str) -> str:
    return f'=IF({received}="","",EDATE({received},1))'


def status_formula(received: str, ack_sent: str, ack_due: str, reply_sent: str,
                   reply_due: str) -> str:
    """A French one-phrase status, the same reading as ``toolkit status``."""
    return (
        f'=IF({received}="","",'
        f'IF({reply_sent}<>"",IF({reply_sent}>{reply_due},"Répondu en retard","Répondu"),'
        f'IF(TODAY()>{reply_due},"Réponse en retard",'
        f'IF({ack_sent}="",IF(TODAY()>{ack_due},"Accusé en retard","Accusé à envoyer"),'
        f'"En cours"))))'
    )


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


def _add_validations(ws: Worksheet, letters: dict[str, str], last_row: int) -> None:
    for key, list_name in _LIST_COLUMN_OF_KEY.items():
        if key not in letters:
            continue
        dv = DataValidation(type="list", formula1=f"={list_range(list_name)}", allow_blank=True,
                            showErrorMessage=True, errorTitle="Valeur non prévue",
                            error=f"Choisissez une valeur de la liste « {list_name} ».",
                            promptTitle=list_name, prompt="Choisissez dans la liste.",
                            showInputMessage=True)
        dv.add(f"{letters[key]}2:{letters[key]}{last_row}")
        ws.add_data_validation(dv)
    for column in COLUMNS:
        if column.kind != DATE or column.key not in letters:
            continue
        dv = DataValidation(type="date", operator="between", formula1=str(DATE_SERIAL_MIN),
                            formula2=str(DATE_SERIAL_MAX), allow_blank=True,
                            showErrorMessage=True, errorTitle="Date invalide",
                            error="Saisissez une date au format JJ/MM/AAAA.")
        dv.add(f"{letters[column.key]}2:{letters[column.key]}{last_row}")
        ws.add_data_validation(dv)


def _add_deadline_highlights(ws: Worksheet, letters: dict[str, str], last_row: int) -> None:
    received = letters.get("date_reclamation")
    pairs = (("echeance_accuse", "date_accuse"), ("echeance_reponse", "date_reponse"))
    for due_key, sent_key in pairs:
        if received is None or due_key not in letters or sent_key not in letters:
            continue
        due, sent = f"${letters[due_key]}2", f"${letters[sent_key]}2"
        cells = f"{letters[due_key]}2:{letters[due_key]}{last_row}"
        open_deadline = f'${received}2<>"",{sent}="",ISNUMBER({due})'
        ws.conditional_formatting.add(cells, FormulaRule(
            formula=[f"AND({open_deadline},TODAY()>{due})"], fill=RED_FILL, stopIfTrue=True))
        ws.conditional_formatting.add(cells, FormulaRule(
            formula=[f"AND({open_deadline},{due}-TODAY()<=3)"], fill=ORANGE_FILL))


def _write_formulas(ws: Worksheet, letters: dict[str, str], first_row: int,
                    last_row: int) -> None:
    needed = ("date_reclamation", "date_accuse", "date_reponse")
    if not all(key in letters for key in needed):
        return
    for row in range(first_row, last_row + 1):
        refs = {key: f"{letter}{row}" for key, letter in letters.items()}
        formulas = {
            "echeance_accuse": ack_formula(refs["date_reclamation"]),
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
                cell.protection = Protection(locked=True)
                cell.fill = FORMULA_FILL
                if key != "statut":
                    cell.number_format = DATE_FORMAT


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
            elif column.kind != CHOICE:
                cell.number_format = "@"
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def prepared_last_row(data_last_row: int) -> int:
    """How far the owned features reach: spare rows ready for new complaints."""
    return max(PREPARED_ROWS, data_last_row + MIN_SPARE_ROWS)


def apply_owned_features(ws: Worksheet, column_index: Mapping[str, int], data_last_row: int,
                         format_from_row: int | None = None) -> None:
    """(Re)create validations, formulas, protection and highlights on the register sheet.

    ``column_index`` maps column keys to 1-based column numbers as found in the header,
    so a register whose columns staff moved or extended keeps working. Rows from
    ``format_from_row`` on get the input formats (unlocked, dates, text) too.
    """
    letters = _letters(column_index)
    last_row = prepared_last_row(data_last_row)
    _reset_owned(ws, letters)
    _add_validations(ws, letters, last_row)
    _write_formulas(ws, letters, 2, last_row)
    if format_from_row is not None:
        _format_input_cells(ws, letters, format_from_row, last_row)
    _add_deadline_highlights(ws, letters, last_row)
    # Protection makes the formula columns really locked; no password, staff may lift it.
    ws.protection.sheet = True
    for allowed in ("formatCells", "formatColumns", "formatRows", "insertRows", "deleteRows",
                    "sort", "autoFilter", "insertHyperlinks"):
        setattr(ws.protection, allowed, False)
    ws.auto_filter.ref = f"A1:{get_column_letter(ws.max_column)}{last_row}"


def _write_header(ws: Worksheet) -> dict[str, int]:
    column_index = {}
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(bottom=THIN, right=THIN)
        ws.column_dimensions[get_column_letter(index)].width = column.width
        column_index[column.key] = index
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "C2"
    return column_index


def _write_parameters(ws: Worksheet, values: Mapping[str, str]) -> None:
    ws.append(["Paramètre", "Valeur", "Aide"])
    helps = {
        "zone": "Métropole ou Alsace-Moselle (Vendredi saint et 26 décembre en plus).",
        "preavis_suivi": "Nombre de jours avant l'échéance de réponse où le courrier de suivi "
                         "devient à faire.",
        "mediateur": "Nom du médiateur de la consommation auquel la société a adhéré. "
                     "Obligatoire pour une réponse Défavorable ou Partiellement favorable et "
                     "pour un courrier de suivi envoyé après l'échéance de réponse.",
        "site_mediateur": "Site internet de ce médiateur, pas la liste des médiateurs : "
                          f"celle-ci ({MEDIATOR_LIST_PAGE}) sert seulement à trouver le "
                          "vôtre. Obligatoire dans les mêmes cas.",
        "delai_suivi": "Nombre de jours, après la date du courrier de suivi envoyé en retard, "
                       "de la nouvelle date de réponse annoncée (reportée au jour ouvrable "
                       "suivant si besoin).",
        "adresse": "Adresse postale de la société, sur plusieurs lignes.",
    }
    for parameter in PARAMETERS:
        ws.append([parameter.label, values.get(parameter.key, parameter.default),
                   helps.get(parameter.key, "")])
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "@"
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 28, 45
    ws.column_dimensions["C"].width = 70
    zone_row = 2 + [p.key for p in PARAMETERS].index("zone")
    dv = DataValidation(type="list", formula1=f"={list_range('Zone des jours fériés')}",
                        showErrorMessage=True, error="Métropole ou Alsace-Moselle.")
    dv.add(f"B{zone_row}")
    ws.add_data_validation(dv)


def _write_holidays(ws: Worksheet, zone: str) -> None:
    ws.append(["Date", "Jour férié"])
    for day, name in public_holidays(*HOLIDAY_YEARS, zone=zone).items():
        ws.append([day, name])
        ws.cell(row=ws.max_row, column=1).number_format = DATE_FORMAT
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 14, 28
    ws.protection.sheet = True


def write_holidays_sheet(ws: Worksheet, zone: str) -> None:
    """Replace the holiday list (e.g. after the zone was changed in Paramètres)."""
    ws.delete_rows(1, ws.max_row)
    _write_holidays(ws, zone)


def _write_lists(ws: Worksheet) -> None:
    for index, (name, values) in enumerate(LIST_SOURCES.items(), start=1):
        ws.cell(row=1, column=index, value=name).font = Font(bold=True)
        for offset, value in enumerate(values, start=2):
            ws.cell(row=offset, column=index, value=value)
        ws.column_dimensions[get_column_letter(index)].width = 26


def build_register_workbook(parameters: Mapping[str, str] | None = None) -> Workbook:
    """The empty official register, in memory."""
    values = dict(parameters or {})
    zone = values.get("zone", "Métropole")
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_REGISTER
    column_index = _write_header(ws)
    _write_parameters(wb.create_sheet(SHEET_PARAMETERS), values)
    _write_holidays(wb.create_sheet(SHEET_HOLIDAYS), zone)
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
    return row_number


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
