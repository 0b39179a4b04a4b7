"""Reading e-mails and deciding which ones are complaints (no register involved)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import mail_files as mh

from toolkit.errors import UsageError
from toolkit.intake.mail import (
    ALREADY,
    COMPLAINT,
    FOLLOW_UP,
    NOT_QUALIFIED,
    UNUSABLE,
    complaint_values,
    html_to_text,
    is_complaint_subject,
    keys_in_observations,
    observation_line,
    qualify,
    read_mails,
    stored_key,
    without_intake_lines,
)

TODAY = date(2026, 11, 20)


def _mails(*paths: Path):
    mails, skipped = read_mails(paths)
    return mails


def _one(tmp_path: Path, data: bytes):
    (mail,) = _mails(mh.write(tmp_path, "m.eml", data))
    return mail


@pytest.mark.parametrize("subject", [
    "Réclamation", "réclamations", "RECLAMATION", "RÉCLAMATIONS facture",
    "RE: Réclamation", "TR: RECLAMATIONS", "Fwd: Fw: re: reclamation", "Réclamation(s)",
    "Objet : ma réclamation du 2 novembre",
])
def test_complaint_subjects(subject):
    assert is_complaint_subject(subject)


@pytest.mark.parametrize("subject", [
    "Demande d'information", "Je réclame un remboursement", "Déclamation", "", "RE:",
])
def test_other_subjects(subject):
    assert not is_complaint_subject(subject)


def test_plain_quoted_printable_utf8(tmp_path):
    mail = _one(tmp_path, mh.plain_qp())
    assert mail.subject == "Réclamation leçons annulées"
    assert (mail.sender_name, mail.sender_address) == ("Léa Moreau", "lea.moreau@exemple.fr")
    assert mail.received == date(2026, 11, 3)  # 23:30 UTC is already the 3rd in Paris
    assert mail.body == "Bonjour,\n\nTrois leçons annulées la veille, sans report proposé."
    assert mail.key == "<plain-1@exemple.fr>"


def test_summer_time_is_paris_time(tmp_path):
    # 22:30 UTC in July is 00:30 the next day in Paris (UTC+2).
    mail = _one(tmp_path, mh.simple("Réclamation", "<ete@x.fr>",
                                    date="Tue, 14 Jul 2026 22:30:00 +0000"))
    assert mail.received == date(2026, 7, 15)


def test_html_only_base64_becomes_readable_text(tmp_path):
    mail = _one(tmp_path, mh.html_only_base64())
    assert mail.body == ("Bonjour,\n\nLe moniteur est arrivé 30 minutes en retard.\n"
                         "Deux fois.\n\n- Lundi\n- Mercredi")


def test_html_to_text_drops_scripts_and_styles():
    assert html_to_text("<style>x{}</style><p>a&amp;b</p><script>bad()</script>") == "a&b"


def test_iso_8859_1_headers_and_body(tmp_path):
    mail = _one(tmp_path, mh.latin1_headers())
    assert mail.sender_name == "François Lévêque"
    assert mail.subject == "Réclamations facture"
    assert mail.body == "Facture de 20 heures au lieu de 18 ; relevé joint."


def test_attachments_listed_with_bytes(tmp_path):
    mail = _one(tmp_path, mh.with_pdf())
    names = [a.filename for a in mail.attachments]
    assert names == ["convocation examen.pdf", "../../2026-001_reponse.docx"]
    assert mail.attachments[0].data == mh.PDF_BYTES
    assert mail.attachments[0].content_type == "application/pdf"


def test_sender_without_display_name_uses_local_part(tmp_path):
    assert _one(tmp_path, mh.reply_complaint()).sender_name == "camille.roux"


def test_folder_mbox_and_maildir_are_read(tmp_path):
    folder = tmp_path / "boite"
    mh.write(folder, "a.eml", mh.plain_qp())
    mh.write(folder / "sous-dossier", "b.eml", mh.information_request())
    (folder / "notes.txt").write_text("pas un courriel")
    mbox = mh.write_mbox(tmp_path / "export.mbox", [mh.html_only_base64(), mh.latin1_headers()])
    maildir = mh.write_maildir(tmp_path / "Maildir", [mh.with_pdf()])
    keys = [mail.key for mail in _mails(folder, mbox, maildir)]
    assert keys == ["<plain-1@exemple.fr>", "<info-1@exemple.fr>", "<html-1@exemple.fr>",
                    "<latin1-1@exemple.fr>", "<pdf-1@exemple.fr>"]
    assert list((maildir / "new").iterdir())  # left where it was: nothing marked as read


def test_mbox_message_keeps_its_encoding(tmp_path):
    mbox = mh.write_mbox(tmp_path / "export.mbox", [mh.latin1_headers()])
    (mail,) = _mails(mbox)
    assert mail.sender_name == "François Lévêque"


def test_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="Introuvable"):
        _mails(tmp_path / "absent.eml")


def test_message_without_id_is_keyed_by_its_bytes(tmp_path):
    data = mh.simple("Réclamation", "").replace(b"Message-ID: \n", b"")
    mail = _one(tmp_path, data)
    assert mail.key.startswith("sha256:")
    assert stored_key(data) == mail.key


def test_qualification(tmp_path):
    mails = _mails(*(mh.write(tmp_path, f"{i}.eml", data) for i, data in enumerate([
        mh.plain_qp(), mh.information_request(), mh.plain_qp(),
        mh.simple("RE: Votre réclamation n° 2026-004", "<suite@x.fr>"),
        mh.simple("Réclamation", "<futur@x.fr>", date="Mon, 30 Nov 2026 08:00:00 +0100"),
        mh.simple("Réclamation", "<connu@x.fr>"),
    ])))
    known = {"<connu@x.fr>": "2026-002"}
    senders = {"2026-002": frozenset(), "2026-004": frozenset({"CLIENT@exemple.fr"})}
    decisions = qualify(mails, known, senders, TODAY)
    assert [(d.kind, d.numero) for d in decisions] == [
        (COMPLAINT, None), (NOT_QUALIFIED, None), (ALREADY, None), (FOLLOW_UP, "2026-004"),
        (UNUSABLE, None), (ALREADY, "2026-002")]
    assert decisions[2].reason == "présent deux fois dans ce lot"
    assert "après aujourd'hui" in decisions[4].reason


def test_complaint_values(tmp_path):
    mail = _one(tmp_path, mh.with_pdf())
    values = complaint_values(mail, valid_address=lambda address: "@" in address)
    assert values["date_reclamation"] == date(2026, 11, 5)
    assert values["canal"] == "Courriel"
    assert values["nom"] == "Sophie Lefèvre"
    assert values["courriel"] == "sophie.lefevre@exemple.fr"
    assert values["description"].startswith("Objet : RECLAMATIONS examen\n\nVoir la convocation")
    assert values["description"].endswith(
        "Pièces jointes : convocation examen.pdf, ../../2026-001_reponse.docx")
    assert complaint_values(mail, valid_address=lambda address: False)["courriel"] is None


def test_observation_line_round_trip():
    line = observation_line("<a.b@c>")
    assert keys_in_observations([("2026-009", f"Retard préfecture.\n{line}")]) == {
        "<a.b@c>": "2026-009"}
    assert without_intake_lines(f"Retard préfecture.\n{line}") == "Retard préfecture."
