"""The deadline highlights of registers whose staff removed a column.

What it proves: after a write, a register without the acknowledgement deadline column, or
without the acknowledgement date, still gets its reply deadline coloured (red when late,
orange three days before), with formulas pointing at its own columns; a register without the
reception date (a mandatory column) is not written at all: the write says which column is
missing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers.register_files import ALL_HEADERS, complaint, write_register
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from toolkit.register.writeback import mark_dates

RED, ORANGE = "F8CBAD", "FFE699"


def _written_without(tmp_path: Path, header: str) -> tuple[object, dict[str, str]]:
    """A register lacking ``header``, after the toolkit wrote a reply date into it: its sheet
    and the letter of each remaining header."""
    headers = [h for h in ALL_HEADERS if h != header]
    path = write_register(tmp_path / "registre.xlsx", [complaint()], headers=headers,
                          parameters={"adresse": "1 rue A\n75011 Paris"})
    mark_dates(path, [(2, "date_reponse", date(2026, 11, 20))])
    sheet = load_workbook(path)["Registre"]
    assert sheet.cell(2, headers.index("Date de réponse au client") + 1).value.date() == \
        date(2026, 11, 20)
    return sheet, {h: get_column_letter(i) for i, h in enumerate(headers, start=1)}


def _highlights(sheet) -> dict[str, list[tuple[str, str, bool]]]:
    """Highlighted range → (fill colour, formula, stops the rules after it) of each rule,
    in priority order."""
    return {str(rng.sqref): [(rule.dxf.fill.fgColor.rgb[-6:], rule.formula[0],
                              bool(rule.stopIfTrue)) for rule in rules]
            for rng, rules in sheet.conditional_formatting._cf_rules.items()}


@pytest.mark.parametrize("removed", ["Échéance accusé de réception",
                                     "Date d'accusé de réception"])
def test_reply_deadline_still_highlighted_without_the_acknowledgement(tmp_path, removed):
    sheet, letter = _written_without(tmp_path, removed)
    received, sent = letter["Date de réclamation"], letter["Date de réponse au client"]
    due = letter["Échéance réponse"]
    opened = f'${received}2<>"",${sent}2="",ISNUMBER(${due}2)'
    assert _highlights(sheet) == {f"{due}2:{due}1000": [
        # Late, red: it stops there (a late date is not also "soon").
        (RED, f"AND({opened},TODAY()>${due}2)", True),
        # Soon, orange: staff's own rules below it still apply.
        (ORANGE, f"AND({opened},${due}2-TODAY()<=3)", False),
    ]}


def test_no_write_without_the_reception_date(tmp_path):
    from toolkit.errors import RegisterFileError

    headers = [h for h in ALL_HEADERS if h != "Date de réclamation"]
    path = write_register(tmp_path / "registre.xlsx", [complaint()], headers=headers)
    original = path.read_bytes()
    with pytest.raises(RegisterFileError, match="« Date de réclamation » manque"):
        mark_dates(path, [(2, "date_reponse", date(2026, 11, 20))])
    assert path.read_bytes() == original
