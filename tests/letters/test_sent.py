"""``toolkit sent``: a letter made earlier, reread in Word and sent later, is recorded through
the register's write path; the promised date of a late progress letter is recorded and
tracked by ``status``; a failed write after the letters were made names the command."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from helpers.letter_files import docx_text, letters_in, run_letters
from helpers.register_files import complaint
from openpyxl import load_workbook

from toolkit.cli import main
from toolkit.errors import RegisterChangedError
from toolkit.letters.batch import LetterOptions
from toolkit.letters.pipeline import produce_letters
from toolkit.register.reading import read_register

RECEIVED = date(2026, 11, 2)  # reply deadline Wed 2 Dec 2026
MEDIATOR = {"mediateur": "CM2C", "site_mediateur": "https://www.cm2c.net",
            "adresse_mediateur": "14 rue Saint-Jean\n75017 Paris"}
ACKNOWLEDGED = {"date_accuse": date(2026, 11, 3)}


def _sent(register: Path, *options: str, today: str = "2026-12-11") -> int:
    return main(["sent", "--register", str(register), "--today", today, *options])


def _value(register: Path, key: str, numero: str = "2026-001"):
    return read_register(register).frame.set_index("numero").at[numero, key]


def test_sent_records_a_letter_made_earlier(make_register, tmp_path, capsys):
    register = make_register([complaint()])
    run_letters(register, "--type", "accuse", today="2026-11-04")
    assert _value(register, "date_accuse") is None  # made, not yet sent
    assert _sent(register, "--numero", "2026-001", "--type", "accuse",
                 "--date", "2026-11-05") == 0
    out = capsys.readouterr().out
    assert "Date d'accusé de réception = 05/11/2026 (ligne 2)" in out
    assert _value(register, "date_accuse") == date(2026, 11, 5)
    assert any((tmp_path / "sauvegardes").iterdir())  # the one write path: a backup first


def test_sent_refuses_a_date_already_filled_unless_forced(make_register, capsys):
    register = make_register([complaint()])
    run_letters(register, "--type", "accuse", "--mark-sent", today="2026-11-04")
    before = register.read_bytes()
    assert _sent(register, "--numero", "2026-001", "--type", "accuse") == 2
    assert "déjà rempli (04/11/2026)" in capsys.readouterr().err
    assert register.read_bytes() == before
    assert _sent(register, "--numero", "2026-001", "--type", "accuse", "--date", "2026-11-06",
                 "--force") == 0
    assert _value(register, "date_accuse") == date(2026, 11, 6)


def test_sent_refuses_an_unknown_number_and_a_letter_not_made(make_register, capsys):
    register = make_register([complaint()])
    before = register.read_bytes()
    assert _sent(register, "--numero", "2026-999", "--type", "accuse") == 2
    assert "2026-999 introuvable" in capsys.readouterr().err
    assert _sent(register, "--numero", "2026-001", "--type", "reponse") == 2
    err = capsys.readouterr().err
    assert "Aucun courrier « réponse »" in err and "toolkit letters --numero 2026-001" in err
    assert register.read_bytes() == before


def _late_suivi(make_register, params=None) -> Path:
    register = make_register([complaint(**ACKNOWLEDGED)], {**MEDIATOR, **(params or {})})
    run_letters(register, "--type", "suivi", today="2026-12-10")
    return register


@pytest.mark.parametrize(("zone", "promised"), [
    # 10 Dec + 15 days = Fri 25 Dec (Noël): Sat 26 Dec is a jour ouvrable in Métropole,
    # a holiday in Alsace-Moselle, where Sunday 27 is skipped too: Mon 28 Dec.
    ("Métropole", date(2026, 12, 26)),
    ("Alsace-Moselle", date(2026, 12, 28)),
])
def test_sent_records_the_date_promised_by_a_late_suivi(make_register, tmp_path, zone,
                                                        promised):
    register = _late_suivi(make_register, {"zone": zone})
    text = docx_text(letters_in(tmp_path / "dossiers")["suivi"])
    assert f"au plus tard le {promised.day} décembre 2026" in text
    assert _sent(register, "--numero", "2026-001", "--type", "suivi") == 0
    assert _value(register, "date_information") == date(2026, 12, 11)
    assert _value(register, "date_reponse_annoncee") == promised


def test_delay_comes_from_parameters(make_register, tmp_path):
    register = _late_suivi(make_register, {"delai_suivi": "8"})  # 18 Dec 2026, a Friday
    assert "au plus tard le 18 décembre 2026" in docx_text(
        letters_in(tmp_path / "dossiers")["suivi"])
    run_letters(register, "--type", "suivi", "--force", "--mark-sent", today="2026-12-10")
    assert _value(register, "date_reponse_annoncee") == date(2026, 12, 18)


def test_missing_column_is_added_after_the_last_used_column(make_register):
    register = make_register([complaint(**ACKNOWLEDGED)], MEDIATOR)
    workbook = load_workbook(register)
    sheet = workbook["Registre"]
    headers = [cell.value for cell in sheet[1]]
    sheet.delete_cols(headers.index("Date de réponse annoncée") + 1)
    sheet.cell(row=1, column=sheet.max_column + 2, value="Remarque interne")
    workbook.save(register)
    last_used = load_workbook(register)["Registre"].max_column
    assert "date_reponse_annoncee" not in read_register(register).column_index
    run_letters(register, "--type", "suivi", "--mark-sent", today="2026-12-10")
    sheet = load_workbook(register)["Registre"]
    assert sheet.cell(row=1, column=last_used + 1).value == "Date de réponse annoncée"
    assert sheet.cell(row=1, column=last_used).value == "Remarque interne"
    assert _value(register, "date_reponse_annoncee") == date(2026, 12, 26)


def _status(register: Path, today: str, capsys) -> dict:
    capsys.readouterr()
    main(["status", "--register", str(register), "--today", today, "--json"])
    (status,) = json.loads(capsys.readouterr().out)
    return status


def test_status_tracks_the_promise(make_register, capsys):
    register = _late_suivi(make_register)
    _sent(register, "--numero", "2026-001", "--type", "suivi")
    kept = _status(register, "2026-12-26", capsys)
    assert kept["date_reponse_annoncee"] == "2026-12-26"
    assert kept["promesse_non_tenue"] is False
    assert kept["prochaine_action"] == \
        "Envoyer la réponse annoncée (au plus tard le 26/12/2026)"
    broken = _status(register, "2026-12-28", capsys)
    assert broken["promesse_non_tenue"] is True
    assert broken["statut_reponse"] == "en_retard"
    # The announced date has passed: a new progress letter is due (the one of 10/12 came
    # before the promise), late since the day after the promise.
    assert broken["prochaine_action"] == (
        "Informer le client de l'avancement et de la date de réponse (en retard depuis le "
        "27/12/2026) : toolkit letters --numero 2026-001 --type suivi")
    main(["status", "--register", str(register), "--today", "2026-12-28"])
    assert "1 en cours dont 1 en retard" in capsys.readouterr().out


def test_the_status_table_says_when_its_delay_counts_to_the_announced_date(make_register,
                                                                          capsys):
    # Received 02/11, reply due 02/12/2026; on 20/12 the first two are late by law.
    register = make_register([
        complaint("2026-001", **ACKNOWLEDGED, date_reponse_annoncee=date(2026, 12, 26)),
        complaint("2026-002", **ACKNOWLEDGED),
        complaint("2026-003", date(2026, 11, 20), **ACKNOWLEDGED),
        complaint("2026-004", date(2026, 11, 20), **ACKNOWLEDGED,
                  date_reponse_annoncee=date(2026, 12, 20)),
        complaint("2026-005", **ACKNOWLEDGED, date_reponse_annoncee=date(2026, 12, 18)),
    ], MEDIATOR)
    capsys.readouterr()
    assert main(["status", "--register", str(register), "--today", "2026-12-20"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.startswith("Numéro"))
    start, end = header.index("Délai"), header.index("Prochaine action")
    delays = {line[:8]: line[start:end].strip() for line in lines if line[:5] == "2026-"}
    assert delays == {
        "2026-001": "reste 6 j (date annoncée)",
        "2026-002": "18 j de retard",
        "2026-003": "aujourd'hui",
        "2026-004": "aujourd'hui",
        "2026-005": "2 j de retard (date annoncée)",
    }


def test_status_next_action_is_the_letter_the_rules_find_due(make_register, capsys):
    register = make_register([
        complaint("2026-001", canal="Téléphone"),
        complaint("2026-002", **ACKNOWLEDGED, infos_manquantes="Facture"),
        complaint("2026-003", **ACKNOWLEDGED, resolution="Leçon offerte", decision="Favorable"),
        complaint("2026-004", **ACKNOWLEDGED),
    ], MEDIATOR)
    capsys.readouterr()
    main(["status", "--register", str(register), "--today", "2026-12-04", "--json"])
    actions = {s["numero"]: s["prochaine_action"] for s in json.loads(capsys.readouterr().out)}
    # Reply deadline 02/12/2026 (received 02/11): on 04/12 it is late since 03/12.
    assert actions == {
        "2026-001": "Demander la confirmation écrite : toolkit letters --numero 2026-001 "
                    "--type confirmation",
        "2026-002": "Demander les informations complémentaires : toolkit letters --numero "
                    "2026-002 --type complements",
        "2026-003": "Envoyer la réponse (en retard depuis le 03/12/2026) : toolkit letters "
                    "--numero 2026-003 --type reponse",
        "2026-004": "Informer le client de l'avancement et de la date de réponse (en retard "
                    "depuis le 03/12/2026) : toolkit letters --numero 2026-004 --type suivi",
    }


def test_status_never_advises_a_letter_that_cannot_reach_the_client(make_register, capsys):
    # Each channel × (postal address and e-mail, e-mail only, neither): the advice asks
    # first for what the letter needs, since the command alone would be refused.
    contacts = {"a": {}, "b": {"adresse": None}, "c": {"adresse": "  ", "courriel": ""}}
    register = make_register([
        complaint(f"{channel}-{kind}", canal=channel, **contact)
        for channel in ("Courrier", "Courriel", "Téléphone")
        for kind, contact in contacts.items()], MEDIATOR)
    capsys.readouterr()
    main(["status", "--register", str(register), "--today", "2026-11-03", "--json"])
    actions = {s["numero"]: s["prochaine_action"] for s in json.loads(capsys.readouterr().out)}
    ack = ("nvoyer l'accusé de réception (au plus tard le 14/11/2026) : toolkit letters "
           "--numero {} --type accuse")
    confirm = "emander la confirmation écrite : toolkit letters --numero {} --type confirmation"
    postal = "Inscrire au registre l'adresse postale du client, puis e"
    either = "Inscrire au registre l'adresse postale ou le courriel du client, puis "
    assert actions == {
        "Courrier-a": "E" + ack.format("Courrier-a"),
        "Courrier-b": postal + ack.format("Courrier-b"),
        "Courrier-c": postal + ack.format("Courrier-c"),
        "Courriel-a": "E" + ack.format("Courriel-a"),
        "Courriel-b": "E" + ack.format("Courriel-b"),
        "Courriel-c": either + "e" + ack.format("Courriel-c"),
        "Téléphone-a": "D" + confirm.format("Téléphone-a"),
        "Téléphone-b": "D" + confirm.format("Téléphone-b"),
        "Téléphone-c": either + "d" + confirm.format("Téléphone-c"),
    }


@contextmanager
def _saved_in_excel_meanwhile(register: Path, total: int):
    """A progress bar during which someone saves the register in Excel."""
    stat = register.stat()
    os.utime(register, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))

    class Bar:
        def update(self, count: int) -> None:
            pass

    yield Bar()


def test_failed_write_after_letters_names_the_sent_command(make_register, tmp_path):
    register = make_register([complaint()])
    with pytest.raises(RegisterChangedError) as raised:
        produce_letters(register, date(2026, 11, 4), LetterOptions(types=("accuse",)),
                        mark_sent=True,
                        progress_bar=lambda total: _saved_in_excel_meanwhile(register, total))
    assert "toolkit sent --numero 2026-001 --type accuse" in str(raised.value)
    assert "accuse" in letters_in(tmp_path / "dossiers")
    assert _value(register, "date_accuse") is None


@pytest.mark.libreoffice
def test_sent_pdf_makes_the_missing_pdf(make_register, tmp_path, capsys):
    register = make_register([complaint()])
    run_letters(register, "--type", "accuse", today="2026-11-04")
    letter = letters_in(tmp_path / "dossiers")["accuse"]
    assert not letter.with_suffix(".pdf").exists()
    assert _sent(register, "--numero", "2026-001", "--type", "accuse", "--pdf") == 0
    assert letter.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    assert "Copie PDF produite" in capsys.readouterr().out
