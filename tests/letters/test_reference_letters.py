"""Which letters a run makes, which it refuses and which it skips as pointless
(``toolkit.letters.batch.plan_letters``), against the reference model written from SPEC
(tests/reference/letters.py), on random registers mixing every status kind, both holiday
zones, every channel with or without address and e-mail, and Paramètres with or without
letterhead, signatory and mediator."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from reference import letters
from reference.registers import SETTINGS, Case, registers

from toolkit.letters.batch import plan_letters
from toolkit.register.reading import read_register
from toolkit.rules.validation import validate


def _run(path: Path, case: Case) -> dict:
    register = read_register(path)
    assert validate(register, case.today).errors == []  # no row is held back by check
    plan = plan_letters(register, case.today)
    return {
        "made": {(o.numero, o.type_id) for o in plan.planned},
        "refused": {(o.numero, o.type_id): o.reason for o in plan.skipped if o.attention},
        "pointless": {(o.numero, o.type_id) for o in plan.skipped if not o.attention},
    }


@SETTINGS
@given(case=registers())
def test_letters_run_makes_refuses_and_skips_what_the_reference_says(case: Case) -> None:
    with tempfile.TemporaryDirectory() as folder:
        found = _run(case.write(Path(folder) / "registre.xlsx"), case)
    expected = letters.letters_run(case.rows, case.params, case.today, case.notice_days)
    assert found["made"] == expected["made"]
    assert found["pointless"] == expected["pointless"]
    assert set(found["refused"]) == set(expected["refused"])
    for key, reason in expected["refused"].items():
        assert reason in found["refused"][key], key
