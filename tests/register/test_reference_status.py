"""Statuses and next actions (``status --json``) against the reference model written from
SPEC and the procedure (tests/reference/statuses.py), on random registers mixing every
status kind in both holiday zones."""

from __future__ import annotations

import io
import json
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from reference import statuses
from reference.registers import Case, registers

from toolkit.cli import main

EXAMPLES = 40  # random registers compared per run
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _status_json(path: Path, case: Case) -> list[dict]:
    out = io.StringIO()
    with redirect_stdout(out):
        main(["status", "--register", str(path), "--json", "--today", case.today.isoformat()])
    return json.loads(out.getvalue())


@SETTINGS
@given(case=registers())
def test_status_json_gives_the_reference_statuses_in_the_reference_order(case: Case) -> None:
    with tempfile.TemporaryDirectory() as folder:
        found = _status_json(case.write(Path(folder) / "registre.xlsx"), case)
    expected = statuses.statuses(case.rows, case.zone, case.today, case.notice_days)
    assert [{key: item[key] for key in expected[0]} for item in found] == expected
