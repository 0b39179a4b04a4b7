"""``toolkit rgpd`` on small registers: whom a name designates, bad input, the purge and its
retention period, ``check``'s warning, the export's content, an interrupted erasure."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date

import pytest
from helpers.register_files import complaint

from toolkit.cli import main
from toolkit.privacy import log
from toolkit.privacy.people import Selector, find_person
from toolkit.register.reading import read_register
from toolkit.register.writeback import BACKUP_DIRNAME
from toolkit.rules.codes import Code
from toolkit.rules.retention import add_years, due_for_purge
from toolkit.rules.validation import validate

TODAY = "2026-12-06"


def _answered(numero, received, replied, **values):
    return complaint(numero, received, date_accuse=received, date_reponse=replied,
                     resolution="Leçon offerte.", decision="Favorable", **values)


HOMONYMS = [
    complaint("2026-001", nom="Léa Moreau", courriel="lea.moreau@exemple.fr"),
    complaint("2026-002", nom="LEA MOREAU", courriel="lea.m@autre.fr", telephone="0611223344"),
    complaint("2026-003", nom="Jean Moreau", courriel="jean@exemple.fr"),
    complaint("2026-004", nom="Léa Moreau", courriel=None, telephone="06 11 22 33 44"),
]


def _rows(rows):
    return [{**row, "ligne": line} for line, row in enumerate(rows, start=2)]


def test_a_name_borne_by_two_people_is_refused_with_both_listed():
    with pytest.raises(Exception, match="plusieurs personnes") as error:
        find_person(_rows(HOMONYMS), Selector(client="lea moreau"))
    assert "(lea.moreau@exemple.fr) : n° 2026-001\n" in str(error.value)
    assert "lea.m@autre.fr) : n° 2026-002, 2026-004" in str(error.value)  # same phone
    assert "--courriel" in str(error.value)
    with pytest.raises(Exception, match="plusieurs personnes"):  # a part of two names
        find_person(_rows(HOMONYMS), Selector(client="Moreau"))


def test_an_address_or_a_number_names_one_person_and_all_their_rows():
    _, rows = find_person(_rows(HOMONYMS), Selector(courriel="LEA.M@autre.fr"))
    assert [r["numero"] for r in rows] == ["2026-002", "2026-004"]
    _, rows = find_person(_rows(HOMONYMS), Selector(numero="2026-004"))
    assert [r["numero"] for r in rows] == ["2026-002", "2026-004"]
    _, rows = find_person(_rows(HOMONYMS), Selector(client="Jean  Moreau"))
    assert [r["numero"] for r in rows] == ["2026-003"]


def _dossier(register, name):
    folder = register.parent / "dossiers" / name
    folder.mkdir(parents=True)
    (folder / "courrier.txt").write_text("Madame Léa Moreau", encoding="utf-8")
    return folder


@pytest.mark.parametrize("who", [["--client", "Inconnu Total"],
                                 ["--courriel", "personne@nulle.part"],
                                 ["--client", "Léa Moreau"]])
def test_bad_input_says_so_and_removes_nothing(make_register, capsys, who):
    register = make_register(HOMONYMS)
    folder = _dossier(register, "2026-001_Léa Moreau")
    before = register.read_bytes()
    assert main(["rgpd", "erase", "--register", str(register), *who, "--yes"]) == 2
    error = capsys.readouterr().err
    assert "rien n'a été fait" in error
    assert register.read_bytes() == before and folder.is_dir()
    assert not (register.parent / BACKUP_DIRNAME).exists()


def test_a_register_open_in_excel_is_refused_before_anything_is_removed(make_register, capsys):
    register = make_register(HOMONYMS)
    folder = _dossier(register, "2026-003_Jean Moreau")
    register.with_name(f"~${register.name}").write_bytes(b"\x0cClaire Petit" + b" " * 40)
    before = register.read_bytes()
    assert main(["rgpd", "erase", "--register", str(register), "--numero", "2026-003",
                 "--yes"]) == 2
    assert "ouvert dans Excel" in capsys.readouterr().err
    assert register.read_bytes() == before and folder.is_dir()


def test_erase_by_email_keeps_the_homonym(make_register, capsys):
    register = make_register(HOMONYMS)
    kept = _dossier(register, "2026-001_Léa Moreau")
    gone = _dossier(register, "2026-002_LEA MOREAU")
    assert main(["rgpd", "erase", "--register", str(register), "--courriel",
                 "lea.m@autre.fr", "--today", TODAY, "--yes"]) == 0
    rows = {r["numero"]: r for r in read_register(register).frame.to_dict("records")}
    assert rows["2026-001"]["nom"] == "Léa Moreau" and kept.is_dir() and not gone.exists()
    assert rows["2026-002"]["nom"] == rows["2026-004"]["nom"] == "effacé le 06/12/2026"
    assert rows["2026-002"]["telephone"] is None and rows["2026-004"]["canal"] == "Courriel"


def test_export_holds_the_person_and_nobody_else(make_register, capsys):
    register = make_register(HOMONYMS)
    _dossier(register, "2026-003_Jean Moreau")
    _dossier(register, "2026-001_Léa Moreau")
    out = register.parent / "pour-jean.zip"
    assert main(["rgpd", "export", "--register", str(register), "--numero", "2026-003",
                 "--out", str(out), "--today", TODAY]) == 0
    with zipfile.ZipFile(out) as archive:
        names = sorted(archive.namelist())
        table = json.loads(archive.read("reclamations.json"))
        content = b"".join(archive.read(n) for n in names)
    assert names == ["LISEZMOI.txt", "dossiers/2026-003_Jean Moreau/courrier.txt",
                     "reclamations.csv", "reclamations.json"]
    assert [row["Numéro"] for row in table] == ["2026-003"]
    assert table[0]["Courriel"] == "jean@exemple.fr"
    for other in (b"lea.moreau@exemple.fr", b"lea.m@autre.fr", b"2026-001", b"2026-002"):
        assert other not in content
    assert [e["numeros"] for e in log.recorded_exports(register)] == [["2026-003"]]
    # an erasure of that person removes the export, and forgets it
    assert main(["rgpd", "erase", "--register", str(register), "--numero", "2026-003",
                 "--today", TODAY, "--yes"]) == 0
    assert not out.exists() and log.recorded_exports(register) == []


# --- retention ----------------------------------------------------------------------------

OLD = [
    _answered("2020-001", date(2020, 3, 2), date(2020, 3, 20), nom="Ancien Client",
              courriel="ancien@exemple.fr"),
    _answered("2021-004", date(2021, 12, 1), date(2021, 12, 6), nom="Bord Limite",
              courriel="bord@exemple.fr"),
    _answered("2026-010", date(2026, 11, 2), date(2026, 11, 20), nom="Ancien Client",
              courriel="ancien@exemple.fr"),
    complaint("2019-002", date(2019, 5, 6), nom="Jamais Répondu", courriel="jamais@exemple.fr"),
]


def test_due_for_purge_counts_from_the_reply():
    assert add_years(date(2024, 2, 29), 5) == date(2029, 2, 28)
    rows = _rows(OLD)
    assert [due_for_purge(r, 5, date(2026, 12, 6)) for r in rows] == [True, False, False,
                                                                        False]
    assert due_for_purge(rows[1], 5, date(2026, 12, 7))  # the day after the 5th anniversary
    assert due_for_purge(rows[1], 4, date(2026, 12, 6))


def test_check_warns_of_complaints_due_for_purge_and_status_stays_silent(make_register,
                                                                        capsys):
    register = make_register(OLD, params={"mediateur": "CM2C",
                                          "site_mediateur": "https://www.cm2c.net"})
    report = validate(read_register(register), date(2026, 12, 6))
    due = [p for p in report.warnings if p.code == Code.CONSERVATION_DEPASSEE]
    assert [(p.ligne, p.colonne) for p in due] == [(2, "Date de réponse au client")]
    assert due[0].message == (
        "réponse du 20/03/2020 : la durée de conservation (5 ans) est dépassée depuis le "
        "21/03/2025 ; « toolkit rgpd purge » efface les données personnelles de cette "
        "réclamation.")
    assert main(["status", "--register", str(register), "--today", TODAY]) in (0, 1)
    assert "conservation" not in capsys.readouterr().out
    shorter = make_register(OLD, params={"duree_conservation": "4"}, name="court.xlsx")
    report = validate(read_register(shorter), date(2026, 12, 6))
    assert len([p for p in report.warnings if p.code == Code.CONSERVATION_DEPASSEE]) == 2


def test_purge_erases_what_is_past_its_period_and_nothing_else(make_register, capsys):
    register = make_register(OLD)
    old = _dossier(register, "2020-001_Ancien Client")
    recent = _dossier(register, "2026-010_Ancien Client")
    before = register.read_bytes()
    assert main(["rgpd", "purge", "--register", str(register), "--today", TODAY,
                 "--dry-run"]) == 0
    assert "n° 2020-001 : Ancien Client" in capsys.readouterr().out
    assert register.read_bytes() == before and old.is_dir()
    assert main(["rgpd", "purge", "--register", str(register), "--today", TODAY,
                 "--yes"]) == 0
    printed = capsys.readouterr().out
    print(printed)
    assert printed.startswith("Purge terminée : réclamations 2020-001.")
    rows = {r["numero"]: r for r in read_register(register).frame.to_dict("records")}
    assert rows["2020-001"]["nom"] == "effacé le 06/12/2026"
    assert rows["2020-001"]["date_reponse"] == date(2020, 3, 20)
    assert rows["2026-010"]["nom"] == "Ancien Client" and recent.is_dir() and not old.exists()
    assert rows["2021-004"]["nom"] == "Bord Limite"
    assert main(["rgpd", "purge", "--register", str(register), "--today", TODAY]) == 0
    assert "rien à effacer" in capsys.readouterr().out


def test_an_interrupted_erasure_is_finished_by_the_next_run(make_register, capsys):
    """Killed after the register was written: its backup still holds the person; the
    record of the numbers being erased lets the next run clean it."""
    register = make_register(OLD)
    older = register.with_name("avant.xlsx")
    shutil.copy2(register, older)
    assert main(["rgpd", "erase", "--register", str(register), "--numero", "2019-002",
                 "--today", TODAY, "--yes"]) == 0
    stale = register.parent / BACKUP_DIRNAME / "registre_20261206-101010.xlsx"
    shutil.move(older, stale)  # the write's backup, not yet cleaned when the run was killed
    log.mark_pending(register, ["2019-002"])
    capsys.readouterr()
    assert main(["rgpd", "erase", "--register", str(register), "--numero", "2019-002",
                 "--today", TODAY, "--yes"]) == 0
    assert "Sauvegardes : 1 réécrite(s)" in capsys.readouterr().out
    names = {r["numero"]: r["nom"] for r in read_register(stale).frame.to_dict("records")}
    assert names["2019-002"] == "effacé le 06/12/2026"
    assert names["2020-001"] == "Ancien Client"
    assert log.pending_numbers(register) == []


def test_rows_without_address_join_the_one_person_of_their_name():
    from toolkit.privacy.people import people

    rows = _rows([complaint("2026-001", nom="Yves Roux", courriel=None, canal="Téléphone"),
                  complaint("2026-002", nom="yves roux", courriel=None, canal="Courrier"),
                  complaint("2026-003", nom="Yves Roux", courriel=None, telephone="0601020304"),
                  complaint("2026-004", nom="Anne Roux", courriel="anne@exemple.fr"),
                  complaint("2026-005", nom="Anne Roux", courriel=None)])
    groups = sorted([r["numero"] for r in g] for g in people(rows))
    assert groups == [["2026-001", "2026-002", "2026-003"], ["2026-004", "2026-005"]]
