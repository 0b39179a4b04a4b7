"""Reading e-mails and deciding which ones are complaints (no register involved)."""

from __future__ import annotations

import mailbox
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
    TO_CHECK,
    UNUSABLE,
    complaint_values,
    html_to_text,
    is_complaint_subject,
    keys_in_observations,
    observation_line,
    person_name,
    qualify,
    read_mails,
    stored_key,
    without_intake_lines,
)

TODAY = date(2026, 11, 20)


def _mails(*paths: Path):
    return read_mails(paths)[0]


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


# --- who writes: follow-ups only from the client's own addresses --------------------------

def _follow_up(tmp_path: Path, subject: str, sender: str):
    return _one(tmp_path, mh.simple(subject, f"<{tmp_path.name}@x.fr>", sender=sender))


SENDERS = {"2026-004": frozenset({"jean.dupont@exemple.fr", "j.dupont@perso.fr"}),
           "2026-005": frozenset()}


@pytest.mark.parametrize(("subject", "sender", "kind", "numero"), [
    # The complaint's Courriel, whatever the case: filed in its dossier.
    ("Suite 2026-004", "Jean Dupont <JEAN.Dupont@Exemple.fr>", FOLLOW_UP, "2026-004"),
    # The sender of a mail already in its dossier: filed too.
    ("RE: Votre réclamation n° 2026-004", "j.dupont@perso.fr", FOLLOW_UP, "2026-004"),
    # Someone else quoting the number with a complaint subject: never a new complaint (most
    # often the client writing from another address), to be checked.
    ("Réclamation : ma facture 2026-004 est fausse", "autre@example.fr", TO_CHECK, "2026-004"),
    # A number the register does not hold, quoted as a complaint's: to be checked too.
    ("RE: Votre réclamation n° 2026-099", "autre@example.fr", TO_CHECK, None),
    # Someone else, another subject: listed to be checked, nothing written.
    ("Dossier 2026-004", "autre@example.fr", TO_CHECK, "2026-004"),
    # A complaint whose client has no known address cannot be followed up by mail.
    ("Dossier 2026-005", "client@exemple.fr", TO_CHECK, "2026-005"),
])
def test_follow_up_only_from_the_clients_addresses(tmp_path, subject, sender, kind, numero):
    (decision,) = qualify([_follow_up(tmp_path, subject, sender)], {}, SENDERS, TODAY)
    assert (decision.kind, decision.numero) == (kind, numero)


def test_stranger_quoting_a_number_is_told_apart(tmp_path):
    new, check, unknown = qualify([
        _follow_up(tmp_path / "a", "Réclamation : ma facture 2026-004 est fausse",
                   "autre@example.fr"),
        _follow_up(tmp_path / "b", "Dossier 2026-004", "autre@example.fr"),
        _follow_up(tmp_path / "c", "Dossier 2026-005", "client@exemple.fr"),
    ], {}, SENDERS, TODAY)
    assert new.kind == TO_CHECK
    assert new.reason == ("cite 2026-004, mais autre@example.fr n'est ni le courriel du client "
                          "ni celui d'un courriel de son dossier")
    assert check.reason == ("cite 2026-004, mais autre@example.fr n'est ni le courriel du "
                            "client ni celui d'un courriel de son dossier")
    assert unknown.reason == "cite 2026-005, dont le client n'a pas de courriel connu"


# --- dates come from the message only ---------------------------------------------------

def test_no_date_header_means_no_date(tmp_path):
    data = mh.simple("Réclamation", "<sans-date@x.fr>", date=None)
    mail = _one(tmp_path, data)
    assert b"Date:" not in data and mail.received is None
    (decision,) = qualify([mail], {}, {}, TODAY)
    assert (decision.kind, decision.reason) == (UNUSABLE, "pas de date d'envoi")


def test_maildir_message_without_date_gets_none(tmp_path):
    # Maildir files have a modification time (Maildir's own get_date() returns it): unused.
    box = mh.write_maildir(tmp_path / "Maildir", [mh.simple("Réclamation", "<m@x.fr>",
                                                            date=None)])
    assert mailbox.Maildir(box, create=False).get_message(
        next(iter(mailbox.Maildir(box, create=False).keys()))).get_date() > 0
    (mail,) = _mails(box)
    assert mail.received is None


def test_unreadable_date_is_named(tmp_path):
    data = mh.simple("Réclamation", "<d@x.fr>", date=None).replace(
        b"\nMessage-ID", b"\nDate: lundi prochain\nMessage-ID")
    (decision,) = qualify([_one(tmp_path, data)], {}, {}, TODAY)
    assert (decision.kind, decision.reason) == (UNUSABLE,
                                                "date d'envoi illisible (lundi prochain)")


def test_follow_up_without_date_is_not_filed(tmp_path):
    mail = _one(tmp_path, mh.simple("Suite 2026-004", "<s@x.fr>",
                                    sender="jean.dupont@exemple.fr", date=None))
    (decision,) = qualify([mail], {}, SENDERS, TODAY)
    assert (decision.kind, decision.reason) == (UNUSABLE, "pas de date d'envoi")


# --- names and mbox escapes -------------------------------------------------------------

@pytest.mark.parametrize(("display", "name"), [
    ("Dupont, Jean", "Jean Dupont"),
    ("LEFÈVRE , Anne-Sophie", "Anne-Sophie LEFÈVRE"),
    ("Jean Dupont", "Jean Dupont"),
    ("Dupont, Jean, Marie", "Dupont, Jean, Marie"),  # not one name
    ("Agence 12, Paris", "Agence 12, Paris"),  # digits: not a person
    ("", ""),
])
def test_person_name(display, name):
    assert person_name(display) == name


@pytest.mark.parametrize("sender", [
    '"Dupont, Jean" <jean.dupont@exemple.fr>',  # how Outlook and Thunderbird write it
    "Dupont, Jean <jean.dupont@exemple.fr>",  # unquoted: parsed as two addresses
    "=?utf-8?q?Dupont=2C_Jean?= <jean.dupont@exemple.fr>",
])
def test_surname_first_display_name(tmp_path, sender):
    mail = _one(tmp_path, mh.simple("Réclamation", "<n@x.fr>", sender=sender))
    assert (mail.sender_name, mail.sender_address) == ("Jean Dupont", "jean.dupont@exemple.fr")
    values = complaint_values(mail, valid_address=lambda address: True)
    assert values["nom"] == "Jean Dupont"
    assert values["observations"] == ("Enregistrée depuis un courriel (Message-ID : <n@x.fr>)\n"
                                      "Nom affiché par la messagerie : « Dupont, Jean »")


def test_mbox_from_escapes_are_undone(tmp_path):
    body = "Bonjour,\nFrom the start, rien n'allait.\n>From a quoted reply.\nFin."
    path = mh.write_mbox(tmp_path / "boite.mbox", [mh.simple("Réclamation", "<e@x.fr>",
                                                             body=body)])
    # The standard library writes mboxo (only "From " gets a ">") and never unescapes.
    stored = mailbox.mbox(path).get_bytes(0)
    assert b"\n>From the start" in stored and b"\n>From a quoted" in stored
    (mail,) = _mails(path)
    assert mail.body == "Bonjour,\nFrom the start, rien n'allait.\nFrom a quoted reply.\nFin."


def test_mboxrd_escapes_lose_one_level(tmp_path):
    path = tmp_path / "rd.mbox"
    path.write_bytes(b"From x@y Fri Nov  6 08:00:00 2026\n" + mh.simple(
        "Réclamation", "<rd@x.fr>", body="A\n>From one\n>>From two").replace(b"\r\n", b"\n")
        .replace(b"\n>From one", b"\n>>From one").replace(b"\n>>From two", b"\n>>>From two"))
    (mail,) = _mails(path)
    assert mail.body == "A\n>From one\n>>From two"
