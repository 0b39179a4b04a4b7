"""The write-back module on real workbooks: only the intended cells change, refusals write
nothing, outside text stays text, and a killed save never breaks the register."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import complaint
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from toolkit.errors import RegisterChangedError, RegisterLockedError, UnsafeWriteError
from toolkit.workbook import read_register
from toolkit.writeback import (
    BACKUP_DIRNAME,
    BACKUPS_KEPT,
    append_complaints,
    mark_dates,
    next_numero,
)

ACK_COLUMN = 14  # "Date d'accusé de réception" in the official layout


def _staff_workbook(make_register) -> Path:
    """A register that staff have lived in: own sheet, extra column, comment, colours."""
    path = make_register([complaint("2026-001"), complaint("2026-002", date(2026, 11, 5))])
    wb = openpyxl.load_workbook(path)
    ws = wb["Registre"]
    ws.cell(row=1, column=27, value="Suivi interne")
    ws.cell(row=2, column=27, value="rappeler jeudi")
    ws["E2"].comment = Comment("Client fidèle", "Claire")
    ws["E3"].fill = PatternFill("solid", start_color="FFFF00")
    ws.column_dimensions["AA"].width = 33
    notes = wb.create_sheet("Notes")
    notes["A1"], notes["A2"], notes["B2"] = "Total", 4, "=A2*2"
    wb.save(path)
    return path


def _snapshot(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    cells = {(ws.title, c.coordinate): (c.value, c.number_format, c.fill.fgColor.rgb,
                                        c.comment.text if c.comment else None)
             for ws in wb for row in ws.iter_rows() for c in row}
    ws = wb["Registre"]
    return {"cells": cells, "sheets": wb.sheetnames, "freeze": ws.freeze_panes,
            "widths": {k: v.width for k, v in ws.column_dimensions.items()},
            "validations": sorted((dv.type, str(dv.formula1), str(dv.sqref))
                                  for dv in ws.data_validations.dataValidation),
            "formats": sorted(str(r.sqref) for r in ws.conditional_formatting)}


def test_mark_dates_changes_only_the_intended_cell(make_register):
    path = _staff_workbook(make_register)
    before = _snapshot(path)
    backup = mark_dates(path, [(3, "date_accuse", date(2026, 11, 9))])
    after = _snapshot(path)
    changed = {k for k in before["cells"] if before["cells"][k] != after["cells"].get(k)}
    assert changed == {("Registre", "N3")}
    assert after["cells"][("Registre", "N3")][0].date() == date(2026, 11, 9)
    for key in ("sheets", "freeze", "widths", "validations", "formats"):
        assert before[key] == after[key], key
    assert backup is not None and backup.parent.name == BACKUP_DIRNAME
    assert read_register(backup).frame["date_accuse"].tolist() == [None, None]
    assert openpyxl.load_workbook(path).calculation.fullCalcOnLoad


@pytest.mark.parametrize("lock_name", ["~${}", ".~lock.{}#"])
def test_refuses_while_open_in_excel_or_libreoffice(make_register, lock_name):
    path = make_register([complaint()])
    lock = path.with_name(lock_name.format(path.name))
    lock.write_bytes(b"\x06Claire" if lock.name.startswith("~$") else b",Claire,poste,x,")
    original = path.read_bytes()
    with pytest.raises(RegisterLockedError, match="Claire"):
        mark_dates(path, [(2, "date_accuse", date(2026, 11, 3))])
    assert path.read_bytes() == original
    assert not (path.parent / BACKUP_DIRNAME).exists()


def test_refuses_when_the_file_changed_since_it_was_read(make_register):
    path = make_register([complaint()])
    seen = read_register(path).mtime_ns
    original = path.read_bytes()
    path.touch()
    time.sleep(0.01)
    with pytest.raises(RegisterChangedError):
        mark_dates(path, [(2, "date_accuse", date(2026, 11, 3))], expected_mtime_ns=seen - 1)
    assert path.read_bytes() == original


def test_refuses_a_workbook_with_a_chart(make_register):
    path = make_register([complaint()])
    wb = openpyxl.load_workbook(path)
    notes = wb.create_sheet("Graphique")
    notes.append([1])
    notes.append([2])
    chart = BarChart()
    chart.add_data(Reference(notes, min_col=1, min_row=1, max_row=2))
    notes.add_chart(chart, "C3")
    wb.save(path)
    original = path.read_bytes()
    with pytest.raises(UnsafeWriteError, match="graphiques"):
        mark_dates(path, [(2, "date_accuse", date(2026, 11, 3))])
    assert path.read_bytes() == original


def test_xlsm_keeps_its_macros(make_register, tmp_path):
    source = make_register([complaint()])
    path = tmp_path / "registre.xlsm"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType='
                                    b'"application/vnd.ms-office.vbaProject"/></Types>')
            new.writestr(item, data)
        new.writestr("xl/vbaProject.bin", b"macro-bytes")
    mark_dates(path, [(2, "date_accuse", date(2026, 11, 3))])
    with zipfile.ZipFile(path) as archive:
        assert archive.read("xl/vbaProject.bin") == b"macro-bytes"
    assert read_register(path).frame["date_accuse"].tolist() == [date(2026, 11, 3)]


def test_backups_keep_the_last_twenty(make_register):
    path = make_register([complaint()])
    folder = path.parent / BACKUP_DIRNAME
    folder.mkdir()
    for index in range(25):
        old = folder / f"{path.stem}_20200101-0000{index:02d}{path.suffix}"
        old.write_bytes(b"old")
    mark_dates(path, [(2, "date_accuse", date(2026, 11, 3))])
    kept = list(folder.iterdir())
    assert len(kept) == BACKUPS_KEPT
    assert sum(read_register_ok(p) for p in kept) == 1  # the new backup survived


def read_register_ok(path: Path) -> bool:
    return path.read_bytes()[:2] == b"PK"


CLIENT_TEXTS = ["=1+1", "+33 6 12 34 56 78", "-", "@SOMME(A1)", "\tretrait", "NA", "None",
                "Dupont & Fils <SARL>"]


def test_outside_text_is_stored_as_text(make_register):
    path = make_register([complaint()])
    rows = [complaint(None, date(2026, 11, 6), description=text, nom=f"Client {i}")
            for i, text in enumerate(CLIENT_TEXTS)]
    rows.append(complaint(None, date(2026, 11, 6), description="bip\x07 nul\x00 fin"))
    lines = append_complaints(path, rows)
    assert lines == list(range(3, 3 + len(rows)))
    frame = read_register(path).frame
    assert frame["description"].tolist()[1:] == [*[t.strip() for t in CLIENT_TEXTS],
                                                 "bip nul fin"]
    sheet = openpyxl.load_workbook(path)["Registre"]
    assert all(sheet.cell(row=line, column=10).data_type == "s" for line in lines)


def test_next_numero_counts_per_year():
    assert next_numero(["2026-035", "2026-036", "2025-120", None], 2026) == "2026-037"
    assert next_numero(["2026-036"], 2027) == "2027-001"
    assert next_numero([], 2026) == "2026-001"


WRITER = """
import sys
from datetime import date, timedelta
from toolkit.writeback import mark_dates
path = sys.argv[1]
day = date(2026, 11, 3)
while True:
    day += timedelta(days=1)
    mark_dates(path, [(2, "date_accuse", day)])
"""


def test_a_killed_save_never_breaks_the_register(make_register):
    """SIGKILL at random moments of a write loop: old or new content, never a broken file."""
    path = make_register([complaint(description="x" * 2000)])
    rng = random.Random(7)
    intact = 0
    kills = 8
    for _ in range(kills):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)])
        time.sleep(rng.uniform(0.8, 3.0))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        frame = read_register(path).frame
        openpyxl.load_workbook(path).close()
        assert frame["numero"].tolist() == ["2026-001"]
        intact += 1
    assert intact == kills
    mark_dates(path, [(2, "date_accuse", date(2026, 11, 3))])
    assert not list(path.parent.glob(".*toolkit-*.tmp*"))


def test_openpyxl_parses_with_defusedxml():
    """openpyxl guards against XML bombs only when defusedxml is installed and picked up."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True
