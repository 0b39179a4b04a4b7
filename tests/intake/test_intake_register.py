"""``toolkit intake`` end to end: real e-mail files into a real register and dossiers."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from helpers import mail_files as mh
from helpers.register_files import complaint

from toolkit.cli import main
from toolkit.intake.mail import stored_key
from toolkit.register.reading import read_register

TODAY = "2026-11-20"
SENDER_OF = {"2026-005": "Léa Moreau", "2026-006": "Karim Benali",
             "2026-007": "François Lévêque", "2026-008": "Sophie Lefèvre",
             "2026-009": "camille.roux"}


def _mailbox(tmp_path: Path) -> list[Path]:
    """Every kind of source: loose .eml files (one twice), an mbox and a Maildir."""
    folder = tmp_path / "courriels"
    mh.write(folder, "01_plain.eml", mh.plain_qp())
    mh.write(folder, "02_html.eml", mh.html_only_base64())
    mh.write(folder, "03_info.eml", mh.information_request())
    mh.write(folder, "04_plain_encore.eml", mh.plain_qp())
    mh.write(folder, "05_suite.eml", mh.simple("RE: Votre réclamation n° 2026-004",
                                                "<suite-004@exemple.fr>",
                                                sender="Inès Haddad <INES.Haddad@exemple.fr>",
                                                body="Voici ma confirmation écrite."))
    mbox = mh.write_mbox(tmp_path / "export.mbox", [mh.latin1_headers(), mh.reply_complaint()])
    maildir = mh.write_maildir(tmp_path / "Maildir", [mh.with_pdf()])
    return [folder, mbox, maildir]


@pytest.fixture
def register(make_register):
    return make_register([complaint("2026-004", date(2026, 10, 26), nom="Inès Haddad",
                                    canal="Téléphone", courriel="ines.haddad@exemple.fr")])


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _intake(register: Path, sources: list[Path], *extra: str) -> int:
    return main(["intake", "--register", str(register), "--today", TODAY,
                 *map(str, sources), *extra])


def test_dry_run_writes_nothing(register, tmp_path, capsys):
    sources = _mailbox(tmp_path)
    before = _tree(tmp_path)
    assert _intake(register, sources, "--dry-run") == 0
    out = capsys.readouterr().out
    assert _tree(tmp_path) == before  # register, mailboxes, no dossier created
    assert "5 réclamations à enregistrer." in out
    assert "2026-005" in out and "2026-009" in out
    assert "1 non qualifié (demande d'information ?)" in out
    assert "Simulation (--dry-run)" in out


def test_intake_registers_files_and_never_twice(register, tmp_path, capsys):
    sources = _mailbox(tmp_path)
    assert _intake(register, sources) == 0
    out = capsys.readouterr().out
    assert "5 réclamations enregistrées." in out
    assert "1 déjà enregistré" in out and "présent deux fois dans ce lot" in out
    assert "1 suite d'une réclamation enregistrée" in out

    frame = read_register(register).frame.set_index("numero")
    # Numbers follow the reception day, whatever the order the sources were read in.
    assert {n: frame.at[n, "nom"] for n in SENDER_OF} == SENDER_OF
    assert frame.at["2026-005", "date_reclamation"] == date(2026, 11, 3)
    assert frame.at["2026-005", "canal"] == "Courriel"
    assert frame.at["2026-005", "courriel"] == "lea.moreau@exemple.fr"
    assert frame.at["2026-006", "description"].startswith(
        "Objet : Reclamation retard moniteur\n\nBonjour,\n\nLe moniteur est arrivé")
    assert "<plain-1@exemple.fr>" in frame.at["2026-005", "observations"]

    dossiers = register.parent / "dossiers"
    pdf_dossier = dossiers / "2026-008_Sophie Lefèvre"
    assert sorted(p.name for p in pdf_dossier.iterdir()) == [
        "2026-008_PJ_2026-001_reponse.docx", "2026-008_PJ_convocation examen.pdf",
        "2026-008_reclamation-courriel.eml"]
    assert (pdf_dossier / "2026-008_PJ_convocation examen.pdf").read_bytes() == mh.PDF_BYTES
    assert (dossiers / "2026-005_Léa Moreau" / "2026-005_reclamation-courriel.eml"
            ).read_bytes() == mh.plain_qp()
    assert (dossiers / "2026-004_Inès Haddad" / "2026-004_courriel-suite.eml").is_file()

    register_bytes = register.read_bytes()
    assert _intake(register, sources) == 0
    assert "0 réclamation enregistrée." in capsys.readouterr().out
    assert register.read_bytes() == register_bytes


def test_dossier_copy_is_remembered_when_observations_are_rewritten(make_register, tmp_path):
    first = make_register([complaint("2026-004", date(2026, 10, 26))], name="premier.xlsx")
    sources = [mh.write(tmp_path / "in", "a.eml", mh.plain_qp())]
    assert _intake(first, sources) == 0
    # Staff replaced the Observations cell: the register no longer holds the Message-ID.
    # The same register, saved again under another name (the first one is gone: a second
    # register beside it would not be given its dossiers).
    second = make_register([complaint("2026-004", date(2026, 10, 26)),
                            complaint("2026-005", date(2026, 11, 3), observations="Vu.")],
                           name="second.xlsx")
    first.unlink()
    shutil.move(tmp_path / "dossiers", tmp_path / "partages")
    before = second.read_bytes()
    assert _intake(second, sources, "--dossiers", str(tmp_path / "partages")) == 0
    assert second.read_bytes() == before


def test_missing_source_is_a_usage_error(register, tmp_path, capsys):
    assert _intake(register, [tmp_path / "absent.eml"]) == 2
    assert "Introuvable" in capsys.readouterr().err


# --- follow-ups only into the same client's dossier ---------------------------------------

def _dupont_register(make_register) -> Path:
    return make_register([complaint("2026-004", date(2026, 10, 26), nom="Jean Dupont",
                                    courriel="jean.dupont@exemple.fr")])


def _dupont_mails(tmp_path: Path) -> Path:
    folder = tmp_path / "courriels"
    mh.write(folder, "1_autre_client.eml", mh.simple(
        "Réclamation : ma facture 2026-004 est fausse", "<autre-1@example.fr>",
        sender="Paul Autre <autre@example.fr>"))
    mh.write(folder, "2_inconnu.eml", mh.simple("Dossier 2026-004", "<autre-2@example.fr>",
                                                sender="autre@example.fr"))
    mh.write(folder, "3_client.eml", mh.simple("RE: 2026-004", "<dupont-1@exemple.fr>",
                                               sender="Jean Dupont <Jean.DUPONT@exemple.fr>"))
    mh.write(folder, "4_client_perso.eml", mh.simple("Suite 2026-004", "<dupont-2@perso.fr>",
                                                     sender="jd@perso.fr"))
    return folder


def _dossier_with_mail_from(register: Path, address: str) -> Path:
    """Jean Dupont's dossier already holds a mail of his from ``address``."""
    dossier = register.parent / "dossiers" / "2026-004_Jean Dupont"
    mh.write(dossier, "2026-004_courriel-suite.eml",
             mh.simple("Suite 2026-004", "<ancien@perso.fr>", sender=address))
    return dossier


def test_dry_run_shows_where_each_follow_up_goes(make_register, tmp_path, capsys):
    register = _dupont_register(make_register)
    _dossier_with_mail_from(register, "JD@perso.fr")
    assert _intake(register, [_dupont_mails(tmp_path)], "--dry-run") == 0
    out = capsys.readouterr().out
    assert "0 réclamation à enregistrer." in out
    # Quoting a client's number from another address is never a new complaint.
    assert re.search(r"2 à vérifier — .*\n.*\n.*\n2026-004 +Paul Autre <autre@example\.fr> +"
                     r"Réclamation : ma facture 2026-004 est fausse +cite 2026-004, mais "
                     r"autre@example\.fr n'est ni le courriel du client", out)
    assert re.search(r"\n2026-004 +autre <autre@example\.fr> +"
                     r"Dossier 2026-004 +cite 2026-004, mais autre@example\.fr", out)
    assert re.search(r"2 suites de réclamations enregistrées — copie au dossier", out)
    assert re.search(r"2026-004 +Jean Dupont <Jean\.DUPONT@exemple\.fr> +2026-004 ", out)
    assert re.search(r"2026-004 +jd <jd@perso\.fr> +Suite 2026-004", out)


def test_a_stranger_never_lands_in_a_clients_dossier(make_register, tmp_path, capsys):
    register = _dupont_register(make_register)
    dossier = _dossier_with_mail_from(register, "jd@perso.fr")
    assert _intake(register, [_dupont_mails(tmp_path)]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in dossier.iterdir()) == [
        "2026-004_courriel-suite (2).eml", "2026-004_courriel-suite (3).eml",
        "2026-004_courriel-suite.eml"]
    filed = {stored_key(p.read_bytes()) for p in dossier.iterdir()}
    assert filed == {"<ancien@perso.fr>", "<dupont-1@exemple.fr>", "<dupont-2@perso.fr>"}
    frame = read_register(register).frame.set_index("numero")
    assert list(frame.index) == ["2026-004"]
    # The mails to be checked were written nowhere.
    everything = b"".join(p.read_bytes() for p in (register.parent / "dossiers").rglob("*.eml"))
    assert b"<autre-1@example.fr>" not in everything
    assert b"<autre-2@example.fr>" not in everything


# --- no date, no write; Outlook files; names ----------------------------------------------

def test_mail_without_date_is_written_nowhere(register, tmp_path, capsys):
    folder = tmp_path / "courriels"
    mh.write(folder, "sans_date.eml", mh.simple("Réclamation", "<sans-date@x.fr>", date=None))
    mh.write(folder, "suite_sans_date.eml", mh.simple(
        "Suite 2026-004", "<suite-sans-date@x.fr>", sender="ines.haddad@exemple.fr", date=None))
    before = register.read_bytes()
    assert _intake(register, [folder]) == 0
    out = capsys.readouterr().out
    assert "0 réclamation enregistrée." in out
    assert "2 à saisir à la main — rien n'est écrit" in out
    assert len(re.findall(r"pas de date d'envoi", out)) == 2
    assert register.read_bytes() == before
    assert not (register.parent / "dossiers").exists()


@pytest.mark.parametrize("with_message_id", [True, False])
def test_outlook_complaint_registered_and_kept_as_msg(register, tmp_path, capsys,
                                                      with_message_id):
    """Kept as received; run twice, registered once (by Message-ID, else by content hash)."""
    data = mh.outlook_complaint()
    data = data if with_message_id else mh.outlook_without_message_id(data)
    folder = tmp_path / "outlook"
    mh.write(folder, "Reclamation.MSG", data)
    assert _intake(register, [folder]) == 0
    assert "1 réclamation enregistrée." in capsys.readouterr().out
    frame = read_register(register).frame.set_index("numero")
    # Sent on 20 April 2023 (the file's own sending time): numbered in 2023.
    assert frame.at["2023-001", "date_reclamation"] == date(2023, 4, 20)
    assert frame.at["2023-001", "nom"] == "Mallori Harrell"
    assert frame.at["2023-001", "courriel"] == "mallori@unstructured.io"
    assert "Pièces jointes : fake-attachment.txt" in frame.at["2023-001", "description"]
    dossier = register.parent / "dossiers" / "2023-001_Mallori Harrell"
    assert (dossier / "2023-001_reclamation-courriel.msg").read_bytes() == data
    assert (dossier / "2023-001_PJ_fake-attachment.txt").read_bytes() == (
        b"Hey this is a fake attachment!")

    before = register.read_bytes()
    assert _intake(register, [folder]) == 0
    assert "0 réclamation enregistrée." in capsys.readouterr().out
    assert register.read_bytes() == before


def test_msg_in_a_dossier_is_remembered(make_register, tmp_path, capsys):
    """Deduplication by the .msg kept in the dossier when Observations lost the key."""
    register = make_register([complaint("2023-001", date(2023, 4, 20), nom="Mallori Harrell",
                                        observations="Réécrit par l'accueil.")])
    mh.write(register.parent / "dossiers" / "2023-001_Mallori Harrell",
             "2023-001_reclamation-courriel.msg", mh.outlook_complaint())
    before = register.read_bytes()
    assert _intake(register, [mh.write(tmp_path / "in", "m.msg", mh.outlook_complaint())]) == 0
    assert "1 déjà enregistré" in capsys.readouterr().out
    assert register.read_bytes() == before


def test_surname_first_sender(register, tmp_path):
    source = mh.write(tmp_path / "in", "dupont.eml", mh.simple(
        "Réclamation", "<dupont@x.fr>", sender='"Dupont, Jean" <jean.dupont@exemple.fr>'))
    assert _intake(register, [source]) == 0
    frame = read_register(register).frame.set_index("numero")
    assert frame.at["2026-005", "nom"] == "Jean Dupont"
    assert "Nom affiché par la messagerie : « Dupont, Jean »" in frame.at[
        "2026-005", "observations"]
    assert (register.parent / "dossiers" / "2026-005_Jean Dupont").is_dir()


def test_a_long_e_mail_is_kept_whole_in_the_dossier(register, tmp_path, capsys):
    body = "Bonjour,\n" + "Mon moniteur ne vient pas. " * 2000  # 54,000 characters
    source = mh.write(tmp_path / "courriels", "long.eml",
                      mh.simple("Réclamation", "<long@exemple.fr>", body=body))
    assert _intake(register, [source]) == 0
    out = capsys.readouterr().out
    (copy,) = (register.parent / "dossiers").glob("2026-005_*/2026-005_description.txt")
    text = copy.read_text(encoding="utf-8")
    assert text.startswith("Objet : Réclamation") and body.strip() in text
    assert "texte complet dans" in out and "2026-005_description.txt" in out
    frame = read_register(register).frame
    cell = frame[frame["numero"] == "2026-005"].iloc[0]["description"]
    assert len(cell) == 32_767 and cell.endswith("2026-005_description.txt)")
