"""The workbook's Statut column after LibreOffice recalculation: the exact label of each case.

``TODAY()`` is the day the test runs, so the cases are laid out around it with margins that
hold whatever the day: 20 calendar days hold at least 13 jours ouvrables (3 Sundays and at most
4 holidays), so an acknowledgement is late after 20 days and still due after one; a reply is due
one month after reception, so it is late 60 days after it and not yet due 20 days after it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from helpers.register_files import complaint
from openpyxl import load_workbook

from toolkit.libreoffice import convert

TODAY = date.today()


def _ago(days: int) -> date:
    return TODAY - timedelta(days=days)


CASES = [
    ("Accusé à envoyer", complaint("S-001", _ago(1))),
    ("Accusé en retard", complaint("S-002", _ago(20))),
    ("En cours", complaint("S-003", _ago(20), date_accuse=_ago(15))),
    ("Réponse en retard", complaint("S-004", _ago(60), date_accuse=_ago(55))),
    ("Réponse en retard", complaint("S-005", _ago(60))),
    ("Répondu", complaint("S-006", _ago(60), date_accuse=_ago(55), date_reponse=_ago(40))),
    ("Répondu en retard",
     complaint("S-007", _ago(90), date_accuse=_ago(85), date_reponse=_ago(40))),
    # The reply sent on the deadline day itself is on time.
    ("Répondu", complaint("S-008", date(2026, 1, 31), date_reponse=date(2026, 2, 28))),
    ("Répondu en retard", complaint("S-009", date(2026, 1, 31), date_reponse=date(2026, 3, 1))),
    ("Répondu", complaint("S-010", date(2026, 11, 2), date_reponse=date(2026, 11, 20))),
]
# Deadlines worked out by hand. Saturday 31 January 2026: the tenth jour ouvrable (Monday to
# Saturday) after it is Thursday 12 February; one month later is 28 February (no 31st).
# Monday 2 November 2026 (SPEC): 11 November is a holiday, so Saturday 14 November; 2 December.
DEADLINES = {"S-008": (date(2026, 2, 12), date(2026, 2, 28)),
             "S-010": (date(2026, 11, 14), date(2026, 12, 2))}


@pytest.mark.libreoffice
def test_statut_label_and_deadlines_of_each_case(make_register, tmp_path):
    source = make_register([row for _, row in CASES])
    recalculated = convert(source, "xlsx", tmp_path / "recalcule")
    sheet = load_workbook(recalculated, data_only=True)["Registre"]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("Statut") + 1
    found = [sheet.cell(row, column).value for row in range(2, len(CASES) + 2)]
    assert found == [label for label, _ in CASES]
    assert sheet.cell(len(CASES) + 2, column).value in ("", None)
    ack, reply = (headers.index(h) + 1 for h in ("Échéance accusé de réception",
                                                  "Échéance réponse"))
    for row in range(2, len(CASES) + 2):
        numero = sheet.cell(row, 1).value
        if numero in DEADLINES:
            shown = (sheet.cell(row, ack).value.date(), sheet.cell(row, reply).value.date())
            assert shown == DEADLINES[numero], numero
