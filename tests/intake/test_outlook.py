"""Outlook ``.msg`` files: the three real files of tests/fixtures/msg, read and qualified."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from helpers import mail_files as mh

from toolkit.intake.mail import (
    COMPLAINT,
    NOT_QUALIFIED,
    complaint_values,
    html_to_text,
    qualify,
    read_mails,
    stored_mail,
)
from toolkit.intake.outlook import read_msg

TODAY = date(2026, 11, 20)


def _read(tmp_path: Path, data: bytes, name: str = "message.msg"):
    (mail,), skipped = read_mails([mh.write(tmp_path, name, data)])
    assert skipped == []
    return mail


# Expected values read in Outlook's fields as listed in tests/fixtures/msg/README.md; the
# Paris day of the sending time (UTC+2 in summer, UTC+1 from late October to late March).
@pytest.mark.parametrize(("name", "subject", "sender", "day", "key"), [
    ("fake-email.msg", "Test Email", ("Matthew Robinson", "mrobinson@unstructured.io"),
     date(2023, 3, 28),
     "<CADc-_xaLB2FeVQ7mNsoX+NJb_7hAJhBKa_zet-rtgPGenj0uVw@mail.gmail.com>"),
    ("fake-email-attachment.msg", "Fake email with attachment",
     ("Mallori Harrell", "mallori@unstructured.io"), date(2023, 4, 20),
     "<CAPgNNXSzLVJ-d1OCX_TjFgJU7ugtQrjFybPtAMmmYZzphxNFYg@mail.gmail.com>"),
    ("fake-email-with-cc-and-bcc.msg", "Fake email with cc and bcc recipients",
     ("John", "johnjennings702@gmail.com"), date(2024, 7, 29),
     "<14DDEF33-2BA7-4CDD-A4D8-E7C5873B37F2@gmail.com>"),
])
def test_real_outlook_files_are_read(tmp_path, name, subject, sender, day, key):
    mail = _read(tmp_path, mh.outlook_file(name), name)
    assert mail.subject == subject
    assert (mail.sender_name, mail.sender_address) == sender
    assert mail.received == day
    assert mail.key == key  # the Message-ID Outlook kept: deduplication as for .eml
    assert mail.outlook and mail.raw == mh.outlook_file(name)


def test_plain_body_and_attachment(tmp_path):
    mail = _read(tmp_path, mh.outlook_file("fake-email-attachment.msg"))
    assert mail.body == ("Hello!\n\nHere's the attachments!\n\nIt includes:\n\n"
                         "   - Lots of whitespace\n   - Little to no content\n"
                         "   - and is a quick read\n\nBest,\n\nMallori")
    (attachment,) = mail.attachments
    assert (attachment.filename, attachment.content_type, attachment.data) == (
        "fake-attachment.txt", "text/plain", b"Hey this is a fake attachment!")


def test_body_of_the_cc_message(tmp_path):
    mail = _read(tmp_path, mh.outlook_file("fake-email-with-cc-and-bcc.msg"))
    assert mail.body == "This is a test email. Please ignore.\n\nAll the best,\nJohn"
    assert mail.attachments == ()


def test_html_body_of_an_outlook_file_reads_as_text():
    # Outlook keeps an HTML body beside the plain one; a message with HTML only is read
    # through the same conversion as an HTML e-mail.
    fields = read_msg(mh.outlook_file("fake-email.msg"))
    assert html_to_text(fields.html) == ("This is a test email to use for unit tests.\n\n"
                                         "Important points:\n\n- Roses are red\n"
                                         "- Violets are blue")


def test_upper_case_extension(tmp_path):
    assert _read(tmp_path, mh.outlook_file("fake-email.msg"), "MESSAGE.MSG").subject == (
        "Test Email")


def test_real_files_are_not_complaints(tmp_path):
    # None of the three subjects carries « Réclamation »: information messages.
    folder = tmp_path / "outlook"
    for path in sorted(mh.MSG_FIXTURES.glob("*.msg")):
        mh.write(folder, path.name, path.read_bytes())
    mails, _ = read_mails([folder])
    assert [d.kind for d in qualify(mails, {}, {}, TODAY)] == [NOT_QUALIFIED] * 3


def test_fields_of_an_outlook_file_qualify_like_internet_mail(tmp_path):
    """The same fields with a complaint's subject go through the same qualification."""
    mail = _read(tmp_path, mh.outlook_file("fake-email-attachment.msg"))
    asked = replace(mail, subject="Réclamation : " + mail.subject)
    (decision,) = qualify([asked], {}, {}, TODAY)
    assert decision.kind == COMPLAINT
    values = complaint_values(asked, valid_address=lambda address: True)
    assert (values["date_reclamation"], values["nom"], values["courriel"]) == (
        date(2023, 4, 20), "Mallori Harrell", "mallori@unstructured.io")
    assert values["description"].startswith("Objet : Réclamation : Fake email with attachment"
                                            "\n\nHello!")
    assert values["description"].endswith("Pièces jointes : fake-attachment.txt")


def test_an_outlook_file_with_a_complaint_subject(tmp_path):
    mail = _read(tmp_path, mh.outlook_complaint())
    assert mail.subject == "Réclamation avec une pièce"
    (decision,) = qualify([mail], {}, {}, TODAY)
    assert decision.kind == COMPLAINT


def test_outlook_file_without_message_id_is_keyed_by_its_bytes(tmp_path):
    data = mh.outlook_without_message_id(mh.outlook_complaint())
    mail = _read(tmp_path, data)
    assert mail.key == "sha256:" + hashlib.sha256(data).hexdigest()
    assert stored_mail(data, outlook=True) == (mail.key, "mallori@unstructured.io")


@pytest.mark.parametrize(("data", "reason"), [
    (b"Bonjour, ceci est un texte.", "pas un courriel"),
    (b"", "pas un courriel"),
    (mh.outlook_file("fake-email.msg")[:4000], "illisible"),  # cut short
])
def test_broken_outlook_files_are_accounted_for(tmp_path, data, reason):
    path = mh.write(tmp_path, "abime.msg", data)
    mails, skipped = read_mails([path])
    assert mails == []
    assert [(item.source, item.reason) for item in skipped] == [(str(path), reason)]
