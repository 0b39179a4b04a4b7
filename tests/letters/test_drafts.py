"""``toolkit letters --eml``: unsent e-mail drafts beside the letters, parsed back with the
standard library: headers, threading on the client's message, the letter's text as plain
text and HTML, the PDF attached."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from docx import Document
from helpers.letter_files import letters_in, run_letters
from helpers.mail_files import plain_qp
from helpers.register_files import complaint

from toolkit.cli import main

NAME = "Dupont & Fils <SARL>"


def _draft(path: Path) -> EmailMessage:
    return message_from_bytes(path.read_bytes(), policy=policy.default)


def _word_text(letter: Path) -> str:
    """The letter's paragraphs, then its footer, one blank line between each (worked out
    here from python-docx, not by the code under test), numbers with an ordinary hyphen."""
    document = Document(str(letter))
    paragraphs = [p.text for p in document.paragraphs] + \
        [p.text for section in document.sections for p in section.footer.paragraphs]
    kept = [text.strip() for text in paragraphs if text.strip()]
    return "\n\n".join(kept).replace("\u2011", "-")


def test_draft_answers_the_message_intake_registered(make_register, tmp_path, capsys):
    register = make_register([])
    mail = tmp_path / "boite" / "reclamation.eml"
    mail.parent.mkdir()
    mail.write_bytes(plain_qp("<plain-1@exemple.fr>"))
    assert main(["intake", "--register", str(register), "--today", "2026-11-05",
                 str(mail)]) == 0
    assert run_letters(register, "--eml", "--type", "accuse", today="2026-11-05") == 0
    assert "1 brouillon de courriel écrit" in capsys.readouterr().out
    letter = letters_in(tmp_path / "dossiers")["accuse"]
    draft = _draft(letter.with_suffix(".eml"))
    assert draft["X-Unsent"] == "1"
    assert draft["To"].addresses[0].addr_spec == "lea.moreau@exemple.fr"
    assert draft["From"].addresses[0].addr_spec == "contact@onlypermis.fr"
    assert draft["Subject"] == "Votre réclamation n° 2026-001"
    assert draft["In-Reply-To"] == "<plain-1@exemple.fr>"
    assert draft["References"] == "<plain-1@exemple.fr>"


def test_draft_body_is_the_letter_text(make_register, tmp_path):
    register = make_register([complaint(nom=NAME, civilite="Monsieur")])
    run_letters(register, "--eml", "--type", "accuse")
    letter = letters_in(tmp_path / "dossiers")["accuse"]
    draft = _draft(letter.with_suffix(".eml"))
    assert draft.get_content_type() == "multipart/alternative"
    # Written with CRLF line ends, as the wire format (RFC 5322) has them.
    plain = draft.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert plain.strip() == _word_text(letter)
    # Paragraphs stay paragraphs in the plain-text part: a blank line between them.
    assert "\n\nNous accusons bonne réception de votre réclamation du 2 novembre 2026, " \
        "enregistrée sous le numéro 2026-001.\n\n" in plain
    assert "Monsieur Dupont & Fils <SARL>" in plain
    html = draft.get_body(preferencelist=("html",)).get_content()
    assert "Monsieur Dupont &amp; Fils &lt;SARL&gt;" in html
    assert "<SARL>" not in html
    assert draft["In-Reply-To"] is None  # not registered by intake: nothing to answer
    assert list(draft.iter_attachments()) == []


def test_thread_from_the_message_kept_in_the_dossier(make_register, tmp_path):
    register = make_register([complaint()])
    dossier = tmp_path / "dossiers" / "2026-001_Léa Moreau"
    dossier.mkdir(parents=True)
    (dossier / "2026-001_reclamation.eml").write_bytes(plain_qp("<kept-7@exemple.fr>"))
    run_letters(register, "--eml", "--type", "accuse")
    draft = _draft(dossier / "2026-001_accuse.eml")
    assert draft["In-Reply-To"] == "<kept-7@exemple.fr>"


def test_no_draft_without_client_email(make_register, tmp_path):
    register = make_register([complaint(courriel=None, canal="Courrier")])
    run_letters(register, "--eml", "--type", "accuse")
    letter = letters_in(tmp_path / "dossiers")["accuse"]
    assert not letter.with_suffix(".eml").exists()


def test_no_draft_without_the_option(make_register, tmp_path):
    register = make_register([complaint()])
    run_letters(register, "--type", "accuse")
    assert not list((tmp_path / "dossiers").rglob("*.eml"))


@pytest.mark.libreoffice
def test_draft_carries_the_pdf(make_register, tmp_path):
    register = make_register([complaint()])
    run_letters(register, "--eml", "--pdf", "--type", "accuse")
    letter = letters_in(tmp_path / "dossiers")["accuse"]
    (attachment,) = _draft(letter.with_suffix(".eml")).iter_attachments()
    assert attachment.get_filename() == "2026-001_accuse.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == letter.with_suffix(".pdf").read_bytes()


@pytest.mark.libreoffice
def test_sent_pdf_attaches_the_pdf_to_the_draft_made_earlier(make_register, tmp_path, capsys):
    register = make_register([complaint(nom=NAME, courriel="client@example.fr")])
    run_letters(register, "--eml", "--type", "accuse", today="2026-11-04")
    letter = letters_in(tmp_path / "dossiers")["accuse"]
    draft = letter.with_suffix(".eml")
    assert not list(_draft(draft).iter_attachments())
    reread = Document(str(letter))  # staff reread the letter in Word and add a sentence
    reread.add_paragraph("Nous vous rappellerons jeudi.")
    reread.save(str(letter))

    assert main(["sent", "--register", str(register), "--today", "2026-11-05",
                 "--numero", "2026-001", "--type", "accuse", "--pdf"]) == 0

    assert "Brouillon de courriel mis à jour, PDF joint" in capsys.readouterr().out
    message = _draft(draft)
    assert message["X-Unsent"] == "1"
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "2026-001_accuse.pdf"
    assert attachment.get_content() == letter.with_suffix(".pdf").read_bytes()
    assert "Nous vous rappellerons jeudi." in message.get_body(("plain",)).get_content()
