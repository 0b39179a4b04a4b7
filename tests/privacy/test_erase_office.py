"""``toolkit rgpd erase`` on a real office folder: after it, no file under the register's
folder or the dossiers folder holds the person's name, address, e-mail or phone — not in a
workbook, a Word part, a zip member or a decoded e-mail body — while the other clients'
data and the month's statistics are unchanged."""

from __future__ import annotations

import json
import zipfile
from email.message import EmailMessage
from pathlib import Path

from helpers.traces import scan_folders

from toolkit.cli import main
from toolkit.register.reading import read_register
from toolkit.register.writeback import backups_of

MARIE = {"nom": "Marie Dupont", "nom seul": "Dupont", "courriel": "marie.dupont@exemple.fr",
         "téléphone": "06 12 34 56 78", "adresse": "14 rue des Érables"}
PAUL = {"nom": "Paul Martin", "courriel": "paul.martin@exemple.fr",
        "téléphone": "07 98 76 54 32"}


def _mail(sender: str, subject: str, day: str, message_id: str, body: str,
          encoding: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = sender, "contact@onlypermis.fr"
    message["Subject"], message["Date"], message["Message-ID"] = subject, day, message_id
    message.set_content(body, cte=encoding)
    return bytes(message)


def _incoming(folder: Path) -> list[Path]:
    folder.mkdir()
    mails = {
        "marie.eml": _mail("Marie Dupont <marie.dupont@exemple.fr>",
                           "Réclamation : leçons annulées", "Mon, 02 Nov 2026 09:15:00 +0100",
                           "<md-1@exemple.fr>",
                           "Bonjour,\nmes leçons ont été annulées trois fois sans préavis, je "
                           "suis très mécontente.\nMarie Dupont, 14 rue des Érables, 69003 Lyon"
                           "\nTél. 06 12 34 56 78\n", "quoted-printable"),
        "paul.eml": _mail("Paul Martin <paul.martin@exemple.fr>",
                          "Réclamation sur la facturation", "Tue, 03 Nov 2026 10:00:00 +0100",
                          "<pm-1@exemple.fr>",
                          "Bonjour,\nje conteste la facture de novembre. Réclamation.\n"
                          "Paul Martin\n07 98 76 54 32\n", "base64"),
    }
    for name, data in mails.items():
        (folder / name).write_bytes(data)
    return sorted(folder.iterdir())


def _run(*argv: str) -> int:
    return main(list(argv))


def _office(tmp_path: Path, make_register) -> Path:
    """Intake of two mails, two complaints typed, letters with drafts marked sent (backups),
    an audit archive and an export: the folder of an office after a fortnight."""
    (tmp_path / "office").mkdir()
    register = make_register([], params={"mediateur": "CM2C",
                                         "site_mediateur": "https://www.cm2c.net"},
                             name="office/registre.xlsx")
    reg = ["--register", str(register)]
    assert _run("intake", *reg, "--today", "2026-11-04",
                *map(str, _incoming(tmp_path / "entrant"))) == 0
    assert _run("new", *reg, "--today", "2026-11-05", "--canal", "Téléphone", "--date",
                "05/11/2026", "--civilite", "Madame", "--nom", "Julie Bernard", "--adresse",
                "5 allée des Pins\\n69007 Lyon", "--telephone", "06 55 44 33 22",
                "--categorie", "Accueil", "--description", "Accueil désagréable.") == 0
    assert _run("new", *reg, "--today", "2026-11-06", "--canal", "Courrier", "--date",
                "06/11/2026", "--civilite", "Madame", "--nom", "Marie Dupont", "--adresse",
                "14 rue des Érables\\n69003 Lyon", "--courriel", "marie.dupont@exemple.fr",
                "--telephone", "06.12.34.56.78", "--categorie", "Examen", "--description",
                "Date d'examen repoussée sans explication.") == 0
    _run("letters", *reg, "--today", "2026-11-09", "--eml", "--mark-sent")
    assert _run("audit", *reg, "--du", "2026-11-01", "--au", "2026-11-30",
                "--today", "2026-11-10") == 0
    assert _run("rgpd", "export", *reg, "--client", "marie dupont", "--today",
                "2026-11-10") == 0
    return register


def _stats(register: Path, capsys) -> dict:
    capsys.readouterr()
    assert _run("stats", "--register", str(register), "--month", "2026-11", "--json",
                "--today", "2026-11-10") == 0
    return json.loads(capsys.readouterr().out)


def test_erasure_leaves_no_trace_and_keeps_the_others(tmp_path, make_register, capsys):
    register = _office(tmp_path, make_register)
    folders = [register.parent, register.parent / "dossiers"]
    stats_before = _stats(register, capsys)
    before = scan_folders(folders, MARIE)
    # every kind of copy holds her before: the test would see a copy the erasure misses
    kinds = {where.split("!")[0].rsplit(".", 1)[-1] for where, _ in before.traces}
    assert {"xlsx", "docx", "eml", "zip", "json"} <= kinds, kinds
    assert {label for _, label in before.traces} == set(MARIE)
    assert len(backups_of(register)) >= 3

    assert _run("rgpd", "erase", "--register", str(register), "--client", "Marie Dupont",
                "--today", "2026-11-10", "--yes") == 0
    out = capsys.readouterr().out
    assert "Effacement terminé : réclamations 2026-001, 2026-004." in out

    after = scan_folders(folders, MARIE)
    with capsys.disabled():  # the figures the closing note reports
        print(f"\ntrace scan: before {before.files} files, {before.members} members, "
              f"{len(before.traces)} traces; after {after.files} files, {after.members} "
              f"members, {len(after.traces)} traces")
    assert after.traces == []
    # the others are intact, everywhere
    assert {label for _, label in scan_folders(folders, PAUL).traces} == set(PAUL)
    rows = {r["numero"]: r for r in read_register(register).frame.to_dict("records")}
    assert rows["2026-002"]["nom"] == "Paul Martin"
    assert rows["2026-002"]["courriel"] == "paul.martin@exemple.fr"
    assert rows["2026-003"]["telephone"] == "06 55 44 33 22"
    for numero in ("2026-001", "2026-004"):
        assert rows[numero]["nom"] == rows[numero]["description"] == "effacé le 10/11/2026"
        assert rows[numero]["courriel"] is None and rows[numero]["date_accuse"] is not None
    dossiers = sorted(p.name for p in (register.parent / "dossiers").iterdir() if p.is_dir())
    assert dossiers == ["2026-002_Paul Martin", "2026-003_Julie Bernard"]
    assert (register.parent / "dossiers" / "2026-002_Paul Martin" / "2026-002_accuse.eml").is_file()
    archive = register.parent / "audit_reclamations_2026-11-01_2026-11-30.zip"
    with zipfile.ZipFile(archive) as audit:
        names = audit.namelist()
    assert "dossiers/2026-002_Paul Martin/2026-002_accuse.docx" in names
    assert not [n for n in names if n.startswith(("dossiers/2026-001", "dossiers/2026-004"))]
    assert _stats(register, capsys) == stats_before
    journal = (register.parent / "rgpd" / "journal.txt").read_text(encoding="utf-8")
    assert "effacement : réclamations 2026-001, 2026-004" in journal


def test_an_audit_archive_written_elsewhere_is_found_and_cleaned_too(tmp_path, make_register,
                                                                      capsys):
    register = _office(tmp_path, make_register)
    usb_key = tmp_path / "cle-usb"
    usb_key.mkdir()
    outside = usb_key / "audit-novembre.zip"
    assert _run("audit", "--register", str(register), "--du", "2026-11-01", "--au",
                "2026-11-30", "--today", "2026-11-10", "--out", str(outside)) == 0
    assert scan_folders([usb_key], MARIE).traces  # she is in it before

    assert _run("rgpd", "erase", "--register", str(register), "--client", "Marie Dupont",
                "--today", "2026-11-10", "--yes") == 0
    assert "audit-novembre.zip" in capsys.readouterr().out
    assert scan_folders([usb_key], MARIE).traces == []
    assert {label for _, label in scan_folders([usb_key], PAUL).traces} == set(PAUL)
