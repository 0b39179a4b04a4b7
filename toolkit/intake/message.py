"""The mail types that every intake module shares: a message's bytes, a decoded message,
a file left aside and why. Imports nothing else from intake, so that the readers of each
file kind and the decoder can all use it without importing each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Why a file was left aside, as the summary shows it.
NOT_READ, NOT_MAIL, UNREADABLE = "format non lu", "pas un courriel", "illisible"


@dataclass(frozen=True)
class RawMail:
    """One message's bytes and where it came from (shown to the user)."""

    source: str
    data: bytes
    outlook: bool = False  # an Outlook .msg compound file, not internet mail


@dataclass(frozen=True)
class Skipped:
    """A file, or a message of a mailbox, that the intake did not read, and why."""

    source: str
    reason: str
    detail: str = ""


class LeftAside(Exception):
    """Raised while decoding a message that is not read after all (``reason`` as above)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason, detail)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class IncomingMail:
    """What the intake needs from one message, decoded."""

    source: str
    key: str  # Message-ID, or sha256 of the bytes when there is none
    subject: str
    sender_name: str  # as people write it: "Jean Dupont", never "Dupont, Jean"
    sender_address: str
    received: date | None  # Paris day of the Date header (of the sending time for a .msg)
    body: str
    attachments: tuple[Attachment, ...]
    raw: bytes = field(repr=False)
    sender_display: str = ""  # the display name as the mail program showed it
    date_text: str = ""  # the Date header as written, to say why it could not be read
    outlook: bool = False  # ``raw`` is an Outlook .msg file, kept as such in the dossier
    # The company address that forwarded the client's message (the client's name, address
    # and date above then come from the forwarded header block).
    forwarded_by: str = ""
