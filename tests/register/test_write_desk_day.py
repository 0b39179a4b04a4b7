"""Three rules of the desk's day (SPEC, "The desk's day") that live in the write path, each
failing on the main branch before it:

- backups: at least the first backup of each of the last 30 days, plus the last 20 writes
  (main kept the last 20: one busy day rotated out the backup taken before its first write);
- the write lock file ``.name.xlsx.toolkit.lock`` is gone when the command ends (main left
  it for good, and it synced to OneDrive);
- no write while a mandatory column is missing or doubled in the header: refused, naming
  the column(s) and the header row (main added a second « Nom du client » column).
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from helpers.register_files import complaint, run_toolkit

from toolkit.errors import RegisterFileError
from toolkit.register.reading import read_register
from toolkit.register.writeback import (
    BACKUP_DIRNAME,
    BACKUPS_KEPT,
    append_complaints,
    backups_of,
    mark_dates,
    register_lock,
    toolkit_lock_path,
)

DAY = datetime(2026, 11, 9).date()


def test_backups_keep_the_first_of_each_of_the_last_30_days_and_the_last_20(make_register):
    path = make_register([complaint()])
    folder = path.parent / BACKUP_DIRNAME
    folder.mkdir()
    now = datetime.now()
    made = []
    for days_ago in range(40, 0, -1):  # three writes a day for forty days
        for hour in (9, 12, 17):
            stamp = (now - timedelta(days=days_ago)).replace(hour=hour, minute=0, second=0)
            name = folder / f"registre_{stamp:%Y%m%d-%H%M%S}.xlsx"
            shutil.copy(path, name)
            made.append((stamp, name))
    mark_dates(path, [(2, "date_accuse", DAY)])
    kept = backups_of(path)
    last_day = (now - timedelta(days=29)).date()
    firsts = [name for stamp, name in made if stamp.hour == 9 and stamp.date() >= last_day]
    assert len(firsts) == 29  # the 30th day is today: the write's own backup
    assert set(firsts) <= set(kept)
    assert set(kept[-BACKUPS_KEPT:]) == {*(name for _, name in made[-(BACKUPS_KEPT - 1):]),
                                         kept[-1]}
    assert len(kept) == len(set(firsts) | set(kept[-BACKUPS_KEPT:]))
    # Older than 30 days and not among the last 20: gone.
    assert not (set(kept) & {name for stamp, name in made if stamp.date() < last_day})


def test_the_lock_file_is_gone_after_a_write(make_register):
    path = make_register([complaint()])
    mark_dates(path, [(2, "date_accuse", DAY)])
    assert not toolkit_lock_path(path).exists()
    with register_lock(path):
        assert toolkit_lock_path(path).exists()
    assert not toolkit_lock_path(path).exists()


def test_the_lock_file_is_gone_after_the_command(make_register):
    path = make_register([complaint()])
    run = run_toolkit("new", "--register", str(path), "--today", "2026-11-20", "--canal",
                      "Courrier", "--date", "16/11/2026", "--nom", "Hugo Petit",
                      "--description", "Examen reporté.")
    assert run.code == 0, run.stderr
    assert not toolkit_lock_path(path).exists()
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []


def _renamed(path: Path, old: str, new: str) -> None:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Registre"]
    for cell in sheet[1]:
        if cell.value == old:
            cell.value = new
    workbook.save(path)


def test_a_renamed_mandatory_column_stops_the_write_and_is_named(make_register):
    path = make_register([complaint()])
    _renamed(path, "Nom du client", "Nom de l'élève")
    original = path.read_bytes()
    with pytest.raises(RegisterFileError) as refused:
        append_complaints(path, [complaint("2026-002")])
    assert str(refused.value) == (
        "registre.xlsx : dans la ligne d'en-tête (ligne 1) de la feuille « Registre », la "
        "colonne obligatoire « Nom du client » manque. Rien n'a été écrit : rétablissez "
        "l'en-tête (un seul exemplaire de chaque colonne obligatoire, sous son nom exact), "
        "puis relancez la commande.")
    assert path.read_bytes() == original
    assert not (path.parent / BACKUP_DIRNAME).exists()


def test_a_doubled_mandatory_column_stops_the_write_and_is_named(make_register):
    path = make_register([complaint()])
    _renamed(path, "Observations", "Numéro")
    _renamed(path, "Responsable", "Description")
    original = path.read_bytes()
    with pytest.raises(RegisterFileError) as refused:
        mark_dates(path, [(2, "date_accuse", DAY)])
    assert "les colonnes obligatoires « Numéro », « Description » figurent deux fois" in \
        str(refused.value)
    assert "(ligne 1)" in str(refused.value)
    assert path.read_bytes() == original


def test_new_refuses_a_renamed_header_and_says_which_column(make_register):
    path = make_register([complaint()])
    _renamed(path, "Nom du client", "Nom de l'élève")
    run = run_toolkit("new", "--register", str(path), "--today", "2026-11-20", "--canal",
                      "Courrier", "--date", "16/11/2026", "--nom", "Hugo Petit",
                      "--description", "Examen reporté.")
    assert run.code == 2
    assert "« Nom du client » manque" in run.stderr and "(ligne 1)" in run.stderr
    assert list(read_register(path).frame["numero"]) == ["2026-001"]
    assert [c.value for c in openpyxl.load_workbook(path)["Registre"][1]].count(
        "Nom du client") == 0


@pytest.mark.parametrize(("renames", "problems"), [
    ([("Nom du client", "Nom de l'élève"), ("Canal", "Moyen")],
     "les colonnes obligatoires « Canal », « Nom du client » manquent"),
    ([("Observations", "Numéro")], "la colonne obligatoire « Numéro » figure deux fois"),
    ([("Nom du client", "Nom de l'élève"), ("Observations", "Numéro")],
     "la colonne obligatoire « Nom du client » manque et la colonne obligatoire « Numéro » "
     "figure deux fois"),
])
def test_every_fault_of_the_header_is_named_in_one_sentence(make_register, renames, problems):
    path = make_register([complaint()])
    for old, new in renames:
        _renamed(path, old, new)
    with pytest.raises(RegisterFileError) as refused:
        mark_dates(path, [(2, "date_accuse", DAY)])
    assert str(refused.value) == (
        "registre.xlsx : dans la ligne d'en-tête (ligne 1) de la feuille « Registre », "
        f"{problems}. Rien n'a été écrit : rétablissez l'en-tête (un seul exemplaire de chaque "
        "colonne obligatoire, sous son nom exact), puis relancez la commande.")
