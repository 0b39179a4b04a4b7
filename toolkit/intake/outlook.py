"""Outlook ``.msg`` files (MS-OXMSG compound files), read with python-oxmsg (MIT licence).

Outlook classic saves a message dragged to a folder as ``.msg``, not ``.eml``. This module
only turns such a file into plain fields; :mod:`toolkit.intake.mail` (which imports this
module only when a .msg is read; this one imports only the shared types of
:mod:`toolkit.intake.message`) decodes and qualifies them exactly as it does internet mail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import formataddr, parsedate_to_datetime

from oxmsg import Message
from oxmsg.domain import constants as props

from toolkit.intake.message import NOT_MAIL, UNREADABLE, Attachment, LeftAside


@dataclass(frozen=True)
class OutlookMessage:
    """What a ``.msg`` says, before any interpretation."""

    subject: str
    sender: str  # "Name" <address>, as a From header would carry it
    sent: datetime | None
    date_text: str  # the Date header's text when the file kept the internet headers
    message_id: str
    text: str
    html: str
    attachments: tuple[Attachment, ...]


def _load(data: bytes) -> Message:
    try:
        message = Message.load(data)
    except ValueError as error:  # python-oxmsg's word for "not a compound file"
        raise LeftAside(NOT_MAIL, "fichier .msg qui n'est pas un message Outlook") from error
    except Exception as error:  # a damaged file can fail anywhere inside the parser
        raise LeftAside(UNREADABLE, f"fichier .msg endommagé ({error})") from error
    message_class = message.message_class
    if message_class and not message_class.casefold().startswith("ipm.note"):
        raise LeftAside(NOT_MAIL, f"élément Outlook « {message_class} »")
    return message


def _sender(message: Message) -> str:
    """The internet From header when the file kept it; else the sender's name and SMTP
    address (an Exchange address like ``/O=EXCHANGELABS/…`` is not an e-mail address)."""
    header = message.message_headers.get("From") or message.message_headers.get("from")
    if header:
        return re.sub(r"\s*[\r\n]+\s*", " ", header).strip()
    values = message.properties
    name = values.str_prop_value(props.PID_SENDER_NAME) or ""
    address = next((value for value in (values.str_prop_value(props.PID_SENDER_SMTP_ADDRESS),
                                        values.str_prop_value(props.PID_SENDER_EMAIL_ADDRESS))
                    if value and "@" in value), "")
    return formataddr((name.strip(), address.strip())) if address else name.strip()


def _sent(message: Message, date_text: str) -> datetime | None:
    """When the sender sent it: Outlook's "Envoyé" (submit time), else the Date header."""
    if message.sent_date is not None:
        return message.sent_date
    try:
        return parsedate_to_datetime(date_text) if date_text else None
    except (TypeError, ValueError):
        return None


def _attachments(message: Message) -> tuple[Attachment, ...]:
    # Attachments stored by reference (a path or a link) carry no bytes to keep.
    return tuple(Attachment(item.file_name or f"piece-jointe-{index}",
                                   item.mime_type or "application/octet-stream", item.file_bytes)
                 for index, item in enumerate(message.attachments, start=1)
                 if item.file_bytes is not None)


def read_msg(data: bytes) -> OutlookMessage:
    """The fields of one ``.msg`` file; :class:`LeftAside` when it is not a readable message."""
    message = _load(data)
    try:
        headers = message.message_headers
        date_text = str(headers.get("Date") or "").strip()
        message_id = (message.properties.str_prop_value(props.PID_INTERNET_MESSAGE_ID)
                      or str(headers.get("Message-ID") or ""))
        return OutlookMessage(
            subject=message.subject, sender=_sender(message), sent=_sent(message, date_text),
            date_text=date_text, message_id=message_id.strip(), text=message.body or "",
            html=message.html_body or "", attachments=_attachments(message))
    except Exception as error:  # same reason as in _load: a property may be unreadable
        raise LeftAside(UNREADABLE, f"fichier .msg endommagé ({error})") from error
