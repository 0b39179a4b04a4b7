"""``toolkit letters --mark-sent``: the sending dates go into the register, and nothing else
changes — every cell, validation and conditional format of a workbook that also has a staff
sheet and an extra column."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from helpers.letter_files import letters_in, run_letters
from helpers.register_files import complaint
from openpyxl import load_workbook

from toolkit.register.reading import read_register

TODAY = date(2026, 11, 20)
STAFF_SHEET = "Notes du personnel"
EXTRA_HEADER = "Remarque interne"


def _staff_register(make_register) -> Path:
    rows = [complaint("2026-001", canal="Téléphone"),
            complaint("2026-002", nom="Paul Roy", date_accuse=date(2026, 11, 4),
                      infos_manquantes="Copie du contrat")]
    path = make_register(rows)
    workbook = load_workbook(path)
    notes = workbook.create_sheet(STAFF_SHEET)
    notes.append(["Qui", "Quoi"])
    notes.append(["Claire", "=1+1"])
    sheet = workbook["Registre"]
    extra = sheet.max_column + 1
    sheet.cell(row=1, column=extra, value=EXTRA_HEADER)
    sheet.cell(row=2, column=extra, value="rappeler lundi")
    workbook.save(path)
    return path


def _snapshot(path: Path) -> dict:
    workbook = load_workbook(path)
    cells = {(ws.title, cell.coordinate): cell.value
             for ws in workbook.worksheets for row in ws.iter_rows() for cell in row
             if cell.value is not None}
    validations = {(ws.title, str(dv.sqref), dv.type, dv.formula1)
                   for ws in workbook.worksheets for dv in ws.data_validations.dataValidation}
    formats = {(ws.title, str(rng.sqref), rule.type, tuple(rule.formula or ()))
               for ws in workbook.worksheets
               for rng in ws.conditional_formatting for rule in rng.rules}
    return {"cells": cells, "validations": validations, "formats": formats,
            "sheets": workbook.sheetnames}


def _cell_of(path: Path, key: str, row: int) -> str:
    register = read_register(path)
    column = register.column_index[key]
    return f"{load_workbook(path)['Registre'].cell(row=row, column=column).coordinate}"


def test_mark_sent_writes_only_the_sending_dates(make_register, tmp_path, capsys):
    path = _staff_register(make_register)
    before = _snapshot(path)
    expected = {("Registre", _cell_of(path, "date_demande_confirmation", 2)),
                ("Registre", _cell_of(path, "date_accuse", 2)),
                ("Registre", _cell_of(path, "date_demande_complements", 3))}
    assert run_letters(path, "--mark-sent", today=TODAY.isoformat()) == 0
    out = capsys.readouterr().out
    assert "3 dates d'envoi inscrites au registre" in out and "copie de sauvegarde" in out
    after = _snapshot(path)
    changed = {key for key in before["cells"].keys() | after["cells"].keys()
               if before["cells"].get(key) != after["cells"].get(key)}
    assert changed == expected
    for key in expected:
        assert after["cells"][key] in (TODAY, datetime(2026, 11, 20))
    for part in ("validations", "formats", "sheets"):
        assert after[part] == before[part], part
    frame = read_register(path).frame.set_index("numero")
    assert frame.at["2026-001", "date_accuse"] == TODAY
    assert frame.at["2026-002", "date_demande_complements"] == TODAY


def test_after_mark_sent_nothing_is_due(make_register, capsys):
    path = _staff_register(make_register)
    run_letters(path, "--mark-sent", today=TODAY.isoformat())
    capsys.readouterr()
    assert run_letters(path, "--force", today=TODAY.isoformat()) == 0
    assert capsys.readouterr().out.startswith("0 courrier produit.")


def test_mark_sent_refused_while_the_workbook_is_open(make_register, tmp_path, capsys):
    path = _staff_register(make_register)
    lock = path.with_name(f".~lock.{path.name}#")
    lock.write_text("Claire,poste-accueil,...")
    original = path.read_bytes()
    assert run_letters(path, "--mark-sent", today=TODAY.isoformat()) == 2
    assert "ouvert" in capsys.readouterr().err
    assert path.read_bytes() == original
    assert letters_in(tmp_path / "dossiers") == {}
