"""Statuses and next actions (``status --json``) against the reference model written from
SPEC and the procedure (tests/reference/statuses.py), on random registers mixing every
status kind in both holiday zones."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from reference import statuses
from reference.registers import SETTINGS, Case, cli_json, registers

from toolkit.api import register_status


@SETTINGS
@given(case=registers())
def test_status_json_gives_the_reference_statuses_in_the_reference_order(case: Case) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = case.write(Path(folder) / "registre.xlsx")
        found = cli_json("status", "--register", str(path), "--json",
                         "--today", case.today.isoformat())
    expected = statuses.statuses(case.rows, case.zone, case.today, case.notice_days)
    assert [{key: item[key] for key in expected[0]} for item in found] == expected


@SETTINGS
@given(case=registers())
def test_each_status_names_the_reference_date_its_days_left_count_to(case: Case) -> None:
    # What the status table's « (date annoncée) » relies on: the library names the date
    # rather than the table working it out from the days left.
    with tempfile.TemporaryDirectory() as folder:
        found = register_status(case.write(Path(folder) / "registre.xlsx"),
                                case.today).statuses
    rows = {row["ligne"]: row for row in case.rows}
    assert [(status.ligne, status.echeance_comptee) for status in found] == \
        [(status.ligne, statuses.days_counted_to(rows[status.ligne], case.zone))
         for status in found]
