"""The register's layout as rules: the workbook's formulas, lists and sizes, without openpyxl.

Both ``toolkit init`` (:mod:`toolkit.register.template`, through openpyxl) and the write
path (:mod:`toolkit.register.writeback`, which edits the file's XML and must start fast)
take them from here.
"""

from __future__ import annotations

from collections.abc import Mapping

from toolkit.register.sheet_xml import column_letters
from toolkit.rules.columns import (
    CHOICE_COLUMNS,
    COLUMNS,
    DATE,
    LIST_SOURCES,
    SHEET_HOLIDAYS,
    SHEET_LISTS,
    ZONES,
)

DATE_FORMAT = "dd/mm/yyyy"
# The "Jours fériés" sheet: both zones' holidays, one column each, so that the formulas
# follow the zone typed in "Paramètres" without the toolkit rewriting anything.
HOLIDAY_YEARS = (2000, 2100)
HOLIDAY_ZONES = ZONES  # column A: Métropole, column B: Alsace-Moselle
HOLIDAY_LAST_ROW = 1500  # 1,306 Alsace-Moselle holidays in 2000-2100, room to spare
HOLIDAY_TABLE = f"'{SHEET_HOLIDAYS}'!$A$2:$B${HOLIDAY_LAST_ROW}"
HOLIDAY_RANGE = f"'{SHEET_HOLIDAYS}'!$A$2:$A${HOLIDAY_LAST_ROW}"  # Métropole alone
PREPARED_ROWS = 1000
DATE_COLUMN_WIDTH = 12
HEADER_HEIGHT = 75  # five lines of a wrapped header in a narrow date column
PRINT_PAGES_WIDE = 2
LINE_HEIGHT = 15  # points, one line of 11-point text
MAX_ROW_HEIGHT = 409  # Excel's limit
WRAP_CHARS_PER_WIDTH = 1.0
DEADLINE_KEYS = ("echeance_accuse", "echeance_reponse")
# The sheet is protected, without a password, so that the formula columns are really
# locked; staff may still do these (each set to "0", "not protected", in the sheet's XML).
PROTECTION_ALLOWED = ("formatCells", "formatColumns", "formatRows", "insertRows",
                      "deleteRows", "sort", "autoFilter", "insertHyperlinks")
MIN_SPARE_ROWS = 500
# Excel serials of 01/01/2000 and 31/12/2099: a date typed outside is surely a typo.
DATE_SERIAL_MIN, DATE_SERIAL_MAX = 36526, 73050

# Each list column's list on the ``Listes`` sheet, from the declarations (LIST_SOURCES).
_LIST_COLUMN_OF_KEY = {column.key: column.header for column in CHOICE_COLUMNS}
# Columns whose cells show a help message (what goes to the client, what stays inside).
HELP_KEYS = tuple(column.key for column in COLUMNS if column.help and not column.choices)
# The columns whose validations and highlights the toolkit owns and recreates on every save.
# Anything staff put on other columns (a list of names on "Responsable", a colour rule on
# "Nom") is theirs: it must survive a write.
VALIDATED_KEYS = (*_LIST_COLUMN_OF_KEY, *(c.key for c in COLUMNS if c.kind == DATE))
HIGHLIGHTED_KEYS = DEADLINE_KEYS


def list_range(list_name: str) -> str:
    """Absolute reference of a list's values on the ``Listes`` sheet."""
    column = column_letters(list(LIST_SOURCES).index(list_name) + 1)
    last = len(LIST_SOURCES[list_name]) + 1
    return f"{SHEET_LISTS}!${column}$2:${column}${last}"


def holidays_of_zone(zone_cell: str | None) -> str:
    """The holiday list of the zone typed in ``zone_cell`` (Métropole when it is not
    "Alsace-Moselle", as the toolkit reads it). INDEX(table;0;n) is a reference to one
    column, which every spreadsheet accepts as WORKDAY.INTL's holidays."""
    if zone_cell is None:
        return HOLIDAY_RANGE
    alsace = HOLIDAY_ZONES.index("Alsace-Moselle") + 1
    return f'INDEX({HOLIDAY_TABLE},0,IF(TRIM({zone_cell})="Alsace-Moselle",{alsace},1))'


def ack_formula(received: str, zone_cell: str | None = None) -> str:
    """10 jours ouvrables after the reception day (INT: a date-time counts by its day).

    No "_xlfn." prefix: with it LibreOffice answers #NAME? (the recalculation test checks
    the bare name); Excel itself stores WORKDAY.INTL and EDATE bare.
    """
    return (f'=IF({received}="","",WORKDAY.INTL(INT({received}),10,"0000001",'
            f'{holidays_of_zone(zone_cell)}))')


def reply_formula(received: str) -> str:
    return f'=IF({received}="","",EDATE(INT({received}),1))'


def status_formula(received: str, ack_sent: str, ack_due: str, reply_sent: str,
                   reply_due: str) -> str:
    """A French one-phrase status, the same reading as ``toolkit status``."""
    return (
        f'=IF({received}="","",'
        f'IF({reply_sent}<>"",IF(INT({reply_sent})>{reply_due},"Répondu en retard",'
        f'"Répondu"),'
        f'IF(TODAY()>{reply_due},"Réponse en retard",'
        f'IF({ack_sent}="",IF(TODAY()>{ack_due},"Accusé en retard","Accusé à envoyer"),'
        f'"En cours"))))'
    )


# Deadline highlights: red once late, orange three days before (fill colours, RGB).
LATE_COLOUR, SOON_COLOUR = "F8CBAD", "FFE699"
_HIGHLIGHT_PAIRS = (("echeance_accuse", "date_accuse"), ("echeance_reponse", "date_reponse"))


def deadline_highlight_rules(letters: Mapping[str, str]) -> dict[str, list[tuple[str, str,
                                                                                  bool]]]:
    """Deadline column key → its rules (formula for row 2, fill colour, stop if true): red
    when the deadline passed with nothing sent, orange three days before."""
    received = letters.get("date_reclamation")
    rules: dict[str, list[tuple[str, str, bool]]] = {}
    for due_key, sent_key in _HIGHLIGHT_PAIRS:
        if received is None or due_key not in letters or sent_key not in letters:
            continue
        due, sent = f"${letters[due_key]}2", f"${letters[sent_key]}2"
        open_deadline = f'${received}2<>"",{sent}="",ISNUMBER({due})'
        rules[due_key] = [(f"AND({open_deadline},TODAY()>{due})", LATE_COLOUR, True),
                          (f"AND({open_deadline},{due}-TODAY()<=3)", SOON_COLOUR, False)]
    return rules


def prepared_last_row(data_last_row: int) -> int:
    """How far the owned features reach: spare rows ready for new complaints."""
    return max(PREPARED_ROWS, data_last_row + MIN_SPARE_ROWS)


def text_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (an estimate:
    proportional fonts fit a few more characters than the width says)."""
    per_line = max(1, int(width * WRAP_CHARS_PER_WIDTH))
    return sum(max(1, -(-len(paragraph) // per_line)) for paragraph in text.split("\n"))
