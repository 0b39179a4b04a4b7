"""Statuses and next actions (``status --json``) against the reference model written from
SPEC and the procedure (tests/reference/statuses.py), on random registers mixing every
status kind in both holiday zones."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from reference import statuses
from reference.registers import SETTINGS, Case, cli_json, registers


@SETTINGS
@given(case=registers())
def test_status_json_gives_the_reference_statuses_in_the_reference_order(case: Case) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = case.write(Path(folder) / "registre.xlsx")
        found = cli_json("status", "--register", str(path), "--json",
                         "--today", case.today.isoformat())
    expected = statuses.statuses(case.rows, case.zone, case.today, case.notice_days)
    assert [{key: item[key] for key in expected[0]} for item in found] == expected
