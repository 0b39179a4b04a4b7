"""Unsent e-mail drafts (``.eml``) beside the letters, for complaints that have a Courriel.

``X-Unsent: 1`` makes Outlook, Thunderbird and the Windows mail app open the file as a
message ready to send rather than as a received one. The body is the letter's own text
(read back from the rendered ``.docx``), as plain text and as HTML; the PDF copy is
attached when there is one. When the complaint came in by ``toolkit intake``, the draft
answers the client's message (``In-Reply-To``/``References``), so that it lands in the
same conversation.
"""

from __future__ import annotations

import html
import os
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import formataddr
from pathlib import Path

from toolkit.rules.letters import NON_BREAKING_HYPHEN, clean_text

_MESSAGE_ID = re.compile(r"Message-ID : (<[^>\s]+>)")
_ANGLE_ID = re.compile(r"<[^>\s]+>")
_NUMBER = re.compile(r"\b\d{4}-\d{3,}\b")


def subject_of(numero: object) -> str:
    return f"Votre réclamation n° {clean_text(numero)}"


def letter_paragraphs(letter: Path) -> list[str]:
    """The paragraphs of a Word letter, as python-docx reads them, then its footer (the
    company's legal mentions)."""
    from docx import Document

    document = Document(str(letter))
    footer = [paragraph.text for section in document.sections
              for paragraph in section.footer.paragraphs]
    return [paragraph.text for paragraph in document.paragraphs] + footer


def plain_body(paragraphs: list[str]) -> str:
    """One blank line between paragraphs (a line break inside one, an address, stays a line
    break); the complaint number with its ordinary hyphen, as the client will search it."""
    kept = [text.strip() for text in paragraphs if text.strip()]
    return "\n\n".join(kept).replace(NON_BREAKING_HYPHEN, "-") + "\n"


def _block(text: str) -> str:
    escaped = html.escape(text.replace(NON_BREAKING_HYPHEN, "-")).replace(chr(10), "<br>")
    # A complaint number never breaks across lines.
    return "<p>" + _NUMBER.sub(r'<span style="white-space: nowrap">\g<0></span>', escaped) \
        + "</p>"


def html_body(paragraphs: list[str]) -> str:
    blocks = [_block(text) if text.strip() else "<p>&nbsp;</p>" for text in paragraphs]
    return ('<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"></head>\n'
            '<body style="font-family: Arial, sans-serif; font-size: 11pt">\n'
            + "\n".join(blocks).strip() + "\n</body></html>\n")


def original_message_id(observations: object, dossier: Path) -> str | None:
    """The client's Message-ID: from ``Observations`` (where intake writes it), else from a
    received message kept in the dossier (not one of our drafts)."""
    found = _MESSAGE_ID.search(str(observations or ""))
    if found:
        return found.group(1)
    kept = sorted(dossier.glob("*.eml")) if dossier.is_dir() else []
    for eml in kept:
        try:
            with eml.open("rb") as handle:
                headers = BytesHeaderParser(policy=policy.default).parse(handle)
        except OSError:
            continue
        if headers.get("X-Unsent"):
            continue
        match = _ANGLE_ID.search(str(headers.get("Message-ID") or ""))
        if match:
            return match.group(0)
    return None


def build_draft(letter: Path, row: dict, params, pdf: Path | None = None,
                reply_to_id: str | None = None) -> EmailMessage:
    """The draft answering the complaint with the text of ``letter`` (and ``pdf`` attached)."""
    paragraphs = letter_paragraphs(letter)
    message = EmailMessage(policy=policy.SMTP)
    message["X-Unsent"] = "1"
    message["From"] = formataddr((clean_text(params.societe), clean_text(params.courriel)))
    message["To"] = formataddr((clean_text(row.get("nom")), clean_text(row.get("courriel"))))
    message["Subject"] = subject_of(row.get("numero"))
    if reply_to_id:
        message["In-Reply-To"] = reply_to_id
        message["References"] = reply_to_id
    message.set_content(plain_body(paragraphs))
    message.add_alternative(html_body(paragraphs), subtype="html")
    if pdf is not None and pdf.is_file():
        message.add_attachment(pdf.read_bytes(), maintype="application", subtype="pdf",
                               filename=pdf.name)
    return message


def write_draft(letter: Path, row: dict, params, pdf: Path | None = None) -> Path:
    """Write ``<letter>.eml`` beside the letter (atomically); return its path."""
    message = build_draft(letter, row, params, pdf,
                          original_message_id(row.get("observations"), letter.parent))
    target = letter.with_suffix(".eml")
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(message.as_bytes(policy=policy.SMTP))
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target
