"""``toolkit intake`` end to end: real e-mail files into a real register and dossiers."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from helpers import mail_files as mh
from helpers.register_files import complaint

from toolkit.cli import main
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
                                                body="Voici ma confirmation écrite."))
    mbox = mh.write_mbox(tmp_path / "export.mbox", [mh.latin1_headers(), mh.reply_complaint()])
    maildir = mh.write_maildir(tmp_path / "Maildir", [mh.with_pdf()])
    return [folder, mbox, maildir]


@pytest.fixture
def register(make_register):
    return make_register([complaint("2026-004", date(2026, 10, 26), nom="Inès Haddad",
                                    canal="Téléphone")])


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
    second = make_register([complaint("2026-004", date(2026, 10, 26)),
                            complaint("2026-005", date(2026, 11, 3), observations="Vu.")],
                           name="second.xlsx")
    shutil.move(tmp_path / "dossiers", tmp_path / "partages")
    before = second.read_bytes()
    assert _intake(second, sources, "--dossiers", str(tmp_path / "partages")) == 0
    assert second.read_bytes() == before


def test_missing_source_is_a_usage_error(register, tmp_path, capsys):
    assert _intake(register, [tmp_path / "absent.eml"]) == 2
    assert "Introuvable" in capsys.readouterr().err


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
