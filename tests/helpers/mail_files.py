"""Real e-mail files for the intake tests, written the way mail clients write them.

The encoded samples are literal bytes (quoted-printable, base64, ISO-8859-1 headers) so
that the parser is tested against the wire format, not against its own output.
"""

from __future__ import annotations

import base64
import mailbox
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _raw(headers: dict[str, str], body: bytes, content: str, encoding: str) -> bytes:
    lines = [f"{name}: {value}" for name, value in headers.items()]
    lines += ["MIME-Version: 1.0", f"Content-Type: {content}",
              f"Content-Transfer-Encoding: {encoding}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


def plain_qp(message_id: str = "<plain-1@exemple.fr>") -> bytes:
    """UTF-8 subject and sender in RFC 2047, quoted-printable body, sent late in UTC."""
    return _raw({
        "From": "=?utf-8?q?L=C3=A9a_Moreau?= <lea.moreau@exemple.fr>",
        "To": "contact@onlypermis.fr",
        "Subject": "=?utf-8?q?R=C3=A9clamation_le=C3=A7ons_annul=C3=A9es?=",
        # 23:30 UTC on 2 Nov is 00:30 on 3 Nov in Paris (winter time, UTC+1).
        "Date": "Mon, 02 Nov 2026 23:30:00 +0000",
        "Message-ID": message_id,
    }, b"Bonjour,\r\n\r\nTrois le=C3=A7ons annul=C3=A9es la veille, sans report =\r\n"
       b"propos=C3=A9.\r\n", "text/plain; charset=utf-8", "quoted-printable")


def html_only_base64() -> bytes:
    html = ("<html><head><style>p {color: red}</style></head><body>"
            "<p>Bonjour,</p><p>Le moniteur est arriv&eacute; <b>30 minutes</b> en retard."
            "<br>Deux fois.</p><ul><li>Lundi</li><li>Mercredi</li></ul>"
            "<script>alert(1)</script></body></html>")
    body = base64.encodebytes(html.encode("utf-8")).replace(b"\n", b"\r\n")
    return _raw({
        "From": "Karim Benali <karim.benali@exemple.fr>",
        "Subject": "Reclamation retard moniteur",
        "Date": "Tue, 03 Nov 2026 10:00:00 +0100",
        "Message-ID": "<html-1@exemple.fr>",
    }, body, "text/html; charset=utf-8", "base64")


def latin1_headers() -> bytes:
    """ISO-8859-1 everywhere: Q and B encoded words, an 8-bit body."""
    subject = base64.b64encode("Réclamations facture".encode("latin-1")).decode("ascii")
    return _raw({
        "From": "=?ISO-8859-1?Q?Fran=E7ois_L=E9v=EAque?= <f.leveque@exemple.fr>",
        "Subject": f"=?ISO-8859-1?B?{subject}?=",
        "Date": "Wed, 04 Nov 2026 09:15:00 +0100",
        "Message-ID": "<latin1-1@exemple.fr>",
    }, "Facture de 20 heures au lieu de 18 ; relevé joint.\r\n".encode("latin-1"),
        "text/plain; charset=ISO-8859-1", "8bit")


def with_pdf() -> bytes:
    message = EmailMessage()
    message["From"] = "Sophie Lefèvre <sophie.lefevre@exemple.fr>"
    message["To"] = "contact@onlypermis.fr"
    message["Subject"] = "TR: RECLAMATIONS examen"
    message["Date"] = "Thu, 05 Nov 2026 14:00:00 +0100"
    message["Message-ID"] = "<pdf-1@exemple.fr>"
    message.set_content("Voir la convocation jointe : examen repoussé deux fois.")
    message.add_attachment(PDF_BYTES, maintype="application", subtype="pdf",
                           filename="convocation examen.pdf")
    # A hostile name must not escape the dossier nor pass for one of our letters.
    message.add_attachment(b"x", maintype="application", subtype="octet-stream",
                           filename="../../2026-001_reponse.docx")
    return bytes(message)


def simple(subject: str, message_id: str, sender: str = "Client <client@exemple.fr>",
           date: str | None = "Fri, 06 Nov 2026 08:00:00 +0100", body: str = "Texte.") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["Subject"] = subject
    if date:  # None: a message without a Date header
        message["Date"] = date
    message["Message-ID"] = message_id
    message.set_content(body)
    return bytes(message)


def reply_complaint() -> bytes:
    return simple("RE: Réclamation", "<re-1@exemple.fr>",
                  sender="camille.roux@exemple.fr", body="Je relance ma réclamation.")


def information_request() -> bytes:
    return simple("Demande d'information : tarifs du permis", "<info-1@exemple.fr>",
                  body="Quels sont vos tarifs ?")


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def write_mbox(path: Path, messages: list[bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.mbox(path, create=True)
    for data in messages:
        box.add(data)
    box.flush()
    box.close()
    return path


def write_maildir(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.Maildir(path, create=True)
    for data in messages:
        box.add(data)
    return path


# --- Outlook .msg files ---------------------------------------------------------------

MSG_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "msg"


def outlook_file(name: str = "fake-email-attachment.msg") -> bytes:
    """One of the real Outlook files of tests/fixtures/msg (see its README)."""
    return (MSG_FIXTURES / name).read_bytes()


def outlook_complaint() -> bytes:
    """The real ``fake-email-attachment.msg`` with a complaint's subject.

    Outlook stores the subject as UTF-16 in fixed-size streams: a subject of the same length
    replaces it in place (three copies: subject, normalised subject, conversation topic),
    and the file stays a valid compound file that python-oxmsg reads.
    """
    old, new = "Fake email with attachment", "Réclamation avec une pièce"
    assert len(old) == len(new)
    data = outlook_file().replace(old.encode("utf-16-le"), new.encode("utf-16-le"))
    assert data.count(new.encode("utf-16-le")) == 3
    return data


def outlook_without_message_id(data: bytes) -> bytes:
    """``fake-email-attachment.msg`` (or its complaint copy) as a draft would be: no
    Message-ID (its two UTF-16 copies lose their angle brackets, same length)."""
    message_id = "<CAPgNNXSzLVJ-d1OCX_TjFgJU7ugtQrjFybPtAMmmYZzphxNFYg@mail.gmail.com>"
    encoded = message_id.encode("utf-16-le")
    assert data.count(encoded) == 2
    return data.replace(encoded, f" {message_id[1:-1]} ".encode("utf-16-le"))


# --- a busy mailbox -------------------------------------------------------------------

FIRST_DAY = datetime(2026, 1, 1, 9, tzinfo=UTC)


def numbered_complaints(count: int) -> list[bytes]:
    """``count`` complaints from different clients, one a day from 1 January 2026 on."""
    return [simple(f"Réclamation n° {index}", f"<lot-{index}@exemple.fr>",
                   sender=f"Client {index} <client{index}@exemple.fr>",
                   date=format_datetime(FIRST_DAY + timedelta(days=index)),
                   body=f"Leçon {index} annulée.\nFrom the start, nothing went well.")
            for index in range(count)]


# --- forwards from the company's own address --------------------------------------------
# Each mail program writes the forwarded header block its own way; these bodies copy what
# each one writes (labels, separators, date forms, the tab after Thunderbird's colons).

COMPANY = "ONLY PERMIS Accueil <accueil@onlypermis.fr>"
CLIENT_TEXT = "Bonjour,\nMon examen du permis a été annulé la veille sans explication.\nLucas Petit"
FORWARD_BODIES = {
    "outlook_fr": (
        "Pour suite à donner.\n\n________________________________\n"
        "De : Lucas Petit <lucas.petit@exemple.fr>\n"
        "Envoyé : lundi 2 novembre 2026 18:42\n"
        "À : accueil@onlypermis.fr\n"
        "Objet : Réclamation examen du permis\n\n" + CLIENT_TEXT),
    "outlook_en": (
        "FYI\n\n-----Original Message-----\n"
        "From: Lucas Petit <lucas.petit@exemple.fr>\n"
        "Sent: Monday, November 2, 2026 6:42 PM\n"
        "To: accueil@onlypermis.fr\n"
        "Subject: Réclamation examen du permis\n\n" + CLIENT_TEXT),
    "gmail_en": (
        "\n\n---------- Forwarded message ---------\n"
        "From: Lucas Petit <lucas.petit@exemple.fr>\n"
        "Date: Mon, Nov 2, 2026 at 6:42 PM\n"
        "Subject: Réclamation examen du permis\n"
        "To: <accueil@onlypermis.fr>\n\n\n" + CLIENT_TEXT),
    "gmail_fr": (
        "\n\n---------- Message transféré ---------\n"
        "De : Lucas Petit <lucas.petit@exemple.fr>\n"
        "Date: lun. 2 nov. 2026 à 18:42\n"
        "Subject: Réclamation examen du permis\n"
        "To: <accueil@onlypermis.fr>\n\n\n" + CLIENT_TEXT),
    "thunderbird": (
        "\n\n\n-------- Message transféré --------\n"
        "Sujet : \tRéclamation examen du permis\n"
        "Date : \tMon, 2 Nov 2026 18:42:10 +0100\n"
        "De : \tLucas Petit <lucas.petit@exemple.fr>\n"
        "Pour : \taccueil@onlypermis.fr\n\n\n\n" + CLIENT_TEXT),
    "apple_fr": (
        "\n\nDébut du message réexpédié :\n\n"
        "De: Lucas Petit <lucas.petit@exemple.fr>\n"
        "Objet: Réclamation examen du permis\n"
        "Date: 2 novembre 2026 à 18:42:10 UTC+1\n"
        "À: accueil@onlypermis.fr\n\n" + CLIENT_TEXT),
    "apple_en": (
        "\n\nBegin forwarded message:\n\n"
        "From: Lucas Petit <lucas.petit@exemple.fr>\n"
        "Subject: Réclamation examen du permis\n"
        "Date: November 2, 2026 at 6:42:10 PM GMT+1\n"
        "To: accueil@onlypermis.fr\n\n" + CLIENT_TEXT),
}


def forward(program: str, message_id: str | None = None,
            subject: str = "TR: Réclamation examen du permis") -> bytes:
    """A client's complaint forwarded on 5 November by the company's desk, as ``program``
    writes it (a key of :data:`FORWARD_BODIES`)."""
    return simple(subject, message_id or f"<fwd-{program}@onlypermis.fr>", sender=COMPANY,
                  date="Thu, 05 Nov 2026 09:10:00 +0100", body=FORWARD_BODIES[program])


def forward_html_thunderbird() -> bytes:
    """Thunderbird's HTML forward: the header block is a table."""
    html = ("<html><body><p>Voir ci-dessous.</p><div class=\"moz-forward-container\">"
            "-------- Message transféré --------<table class=\"moz-email-headers-table\">"
            "<tr><th>Sujet :</th><td>Réclamation examen du permis</td></tr>"
            "<tr><th>Date :</th><td>Mon, 2 Nov 2026 18:42:10 +0100</td></tr>"
            "<tr><th>De :</th><td>Lucas Petit &lt;lucas.petit@exemple.fr&gt;</td></tr>"
            "<tr><th>Pour :</th><td>accueil@onlypermis.fr</td></tr></table><br>"
            "<p>Bonjour,<br>Mon examen du permis a été annulé la veille.</p></div>"
            "</body></html>")
    message = EmailMessage()
    message["From"] = COMPANY
    message["Subject"] = "Fwd: Réclamation examen du permis"
    message["Date"] = "Thu, 05 Nov 2026 09:10:00 +0100"
    message["Message-ID"] = "<fwd-html@onlypermis.fr>"
    message.set_content(html, subtype="html")
    return bytes(message)
