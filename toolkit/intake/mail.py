"""E-mails in, complaints out: reading mailboxes and deciding what each message is.

Read-only and free of register writes: :mod:`toolkit.intake.recording` turns the decisions made
here into register rows and dossiers. The procedure's rule is applied literally: a message
is a complaint when its subject carries the word « Réclamation(s) »; anything else is an
information request (or spam) and is only listed.

A message is identified by its ``Message-ID`` (or, when it has none, by a hash of its
bytes). The key is written into the register's ``Observations`` cell and the original
``.eml`` is kept in the dossier, so that running the intake twice over the same mailbox
registers nothing new even if staff later rewrite ``Observations``.
"""

from __future__ import annotations

import hashlib
import mailbox
import mimetypes
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from toolkit.errors import ToolkitError, UsageError

CANAL_COURRIEL = "Courriel"

COMPLAINT, NOT_QUALIFIED, ALREADY, FOLLOW_UP, UNUSABLE = (
    "reclamation", "non_qualifie", "deja_enregistre", "suite", "inutilisable")
KIND_LABELS = {
    COMPLAINT: "réclamation",
    NOT_QUALIFIED: "non qualifié (demande d'information ?)",
    ALREADY: "déjà enregistré",
    FOLLOW_UP: "suite d'une réclamation enregistrée",
    UNUSABLE: "à saisir à la main",
}

_PREFIXES = re.compile(r"^\s*(?:(?:re|tr|fwd?|ref|aw|wg)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
# Letters only around the word: "Réclamation(s)", "Réclamation:" and "réclamation2026" count,
# "réclamations" counts, "déclamation" does not.
_COMPLAINT_WORD = re.compile(r"(?<![a-z])reclamations?(?![a-z])")
_NUMERO = re.compile(r"(?<![\d-])(\d{4}-\d{3,})(?![\d-])")
_KEY_IN_OBSERVATIONS = re.compile(r"Message-ID : (<[^>\s]+>|sha256:[0-9a-f]{64})")


# --- raw messages from files ----------------------------------------------------------

@dataclass(frozen=True)
class RawMail:
    """One message's bytes and where it came from (shown to the user)."""

    source: str
    data: bytes
    delivered: datetime | None = None  # used only when the Date header is unusable


def _file_time(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def _is_maildir(path: Path) -> bool:
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


def _read_maildir(path: Path) -> Iterator[RawMail]:
    # The mailbox is only read: messages stay in new/ and keep their flags.
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in sorted(box.keys()):
        delivered = datetime.fromtimestamp(box.get_message(key).get_date(), tz=UTC)
        yield RawMail(f"{path} [{key}]", box.get_bytes(key), delivered)


def _read_mbox(path: Path) -> Iterator[RawMail]:
    box = mailbox.mbox(path, create=False)
    try:
        for index, key in enumerate(box.keys(), start=1):
            yield RawMail(f"{path} [n° {index}]", box.get_bytes(key))
    finally:
        box.close()


def _is_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def read_sources(paths: Iterable[Path]) -> Iterator[RawMail]:
    """Every message of ``.eml`` files, folders of them (recursively), Maildirs and mboxes."""
    for path in map(Path, paths):
        if not path.exists():
            raise UsageError(f"Introuvable : {path}")
        if _is_maildir(path):
            yield from _read_maildir(path)
        elif path.is_dir():
            for eml in sorted(p for p in path.rglob("*.eml") if p.is_file()):
                yield RawMail(str(eml), eml.read_bytes(), _file_time(eml))
        elif _is_mbox(path):
            yield from _read_mbox(path)
        else:
            yield RawMail(str(path), path.read_bytes(), _file_time(path))


# --- one message ----------------------------------------------------------------------

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
    sender_name: str
    sender_address: str
    received: date | None  # Paris day of the Date header
    body: str
    attachments: tuple[Attachment, ...]
    raw: bytes = field(repr=False)


class _TextExtractor(HTMLParser):
    """Readable text of an HTML body: block elements become line breaks, scripts vanish."""

    _BLOCKS = frozenset({"p", "div", "br", "tr", "table", "ul", "ol", "blockquote",
                         "hr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
                         "header", "footer"})
    _HIDDEN = frozenset({"script", "style", "head", "title", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag == "li":
            self.chunks.append("\n- ")
        elif tag in self._BLOCKS:
            self.chunks.append("\n")
        elif tag == "td":
            self.chunks.append(" ")

    def handle_endtag(self, tag):
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self.chunks.append("\n")

    def handle_data(self, data):
        if not self._hidden:
            self.chunks.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Plain text of an HTML-only e-mail, paragraphs kept, at most one blank line between."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.chunks).replace("\xa0", " ").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _decoded_text(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset: keep what is readable
        payload = part.get_payload(decode=True) or b""
        return payload.decode("latin-1", errors="replace")


def body_text(message: EmailMessage) -> str:
    """The text a person wrote: the plain part, else the HTML part made readable."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _decoded_text(part).replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_type() == "text/html":
        return html_to_text(text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _attachment(part: EmailMessage, index: int) -> Attachment:
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        data = part.get_payload(0).as_bytes(policy=policy.default)
    else:
        data = part.get_payload(decode=True) or b""
    default_name = f"piece-jointe-{index}{mimetypes.guess_extension(content_type) or '.bin'}"
    return Attachment(part.get_filename() or default_name, content_type, data)


def attachments_of(message: EmailMessage) -> tuple[Attachment, ...]:
    return tuple(_attachment(part, index)
                 for index, part in enumerate(message.iter_attachments(), start=1))


def _header(message: EmailMessage, name: str):
    """A parsed header, or ``None`` when it is absent or too broken to parse."""
    try:
        return message[name]
    except (ValueError, IndexError, TypeError, AttributeError):
        return None


def sender_of(message: EmailMessage) -> tuple[str, str]:
    """(name, address): the display name, else the address's local part."""
    header = _header(message, "From")
    addresses = getattr(header, "addresses", ()) if header is not None else ()
    if not addresses:
        return str(header or "").strip(), ""
    first = addresses[0]
    return (first.display_name or first.username).strip(), first.addr_spec.strip()


@cache
def paris_zone() -> ZoneInfo:
    # Windows has no system time-zone database: zoneinfo then needs the tzdata package.
    try:
        return ZoneInfo("Europe/Paris")
    except ZoneInfoNotFoundError:
        raise ToolkitError("Fuseau horaire Europe/Paris introuvable sur cet ordinateur : "
                           "installez le paquet tzdata (pip install tzdata).") from None


def paris_day(moment: datetime) -> date:
    """The calendar day in Paris; a Date without zone ("-0000") is read as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(paris_zone()).date()


def received_day(message: EmailMessage, delivered: datetime | None) -> date | None:
    header = _header(message, "Date")
    moment = getattr(header, "datetime", None) if header is not None else None
    moment = moment or delivered
    return paris_day(moment) if moment else None


def message_key(message: EmailMessage, raw: bytes) -> str:
    """``<id@host>`` from Message-ID; a hash of the bytes when the header is missing."""
    found = re.search(r"<[^>\s]+>", str(_header(message, "Message-ID") or ""))
    if found:
        return found.group(0)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def parse_mail(raw: RawMail) -> IncomingMail:
    message = message_from_bytes(raw.data, policy=policy.default)
    name, address = sender_of(message)
    return IncomingMail(
        source=raw.source,
        key=message_key(message, raw.data),
        subject=re.sub(r"\s+", " ", str(_header(message, "Subject") or "")).strip(),
        sender_name=name,
        sender_address=address,
        received=received_day(message, raw.delivered),
        body=body_text(message),
        attachments=attachments_of(message),
        raw=raw.data,
    )


def stored_key(data: bytes) -> str:
    """The key of an ``.eml`` kept in a dossier (headers only are parsed)."""
    headers = BytesHeaderParser(policy=policy.default).parsebytes(data)
    return message_key(headers, data)


# --- qualification ----------------------------------------------------------------------

def fold(text: str) -> str:
    """Lower case without accents, for matching words as people type them."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def strip_reply_prefixes(subject: str) -> str:
    """``RE: TR: Fwd: Réclamation`` → ``Réclamation``."""
    return _PREFIXES.sub("", subject).strip()


def is_complaint_subject(subject: str) -> bool:
    return bool(_COMPLAINT_WORD.search(fold(strip_reply_prefixes(subject))))


def referenced_numero(subject: str, numeros: set[str]) -> str | None:
    """A register number quoted in the subject: the client answers one of our letters."""
    for candidate in _NUMERO.findall(subject):
        if candidate in numeros:
            return candidate
    return None


def keys_in_observations(rows: Iterable[tuple[object, object]]) -> dict[str, str]:
    """Message key → Numéro, from ``(numero, observations)`` pairs of the register."""
    found: dict[str, str] = {}
    for numero, observations in rows:
        for key in _KEY_IN_OBSERVATIONS.findall(str(observations or "")):
            found.setdefault(key, str(numero))
    return found


def observation_line(key: str) -> str:
    return f"Enregistrée depuis un courriel (Message-ID : {key})"


def without_intake_lines(observations: object) -> str:
    """``Observations`` as staff wrote it, without the intake's identification line."""
    lines = str(observations or "").splitlines()
    return "\n".join(line for line in lines if not _KEY_IN_OBSERVATIONS.search(line)).strip()


@dataclass(frozen=True)
class Decision:
    """What the intake does with one message; ``numero`` is the existing complaint for
    ``ALREADY``/``FOLLOW_UP`` and the new number once a complaint is registered."""

    mail: IncomingMail
    kind: str
    numero: str | None = None
    reason: str = ""


def _decide(mail: IncomingMail, known: dict[str, str], numeros: set[str],
            today: date) -> Decision:
    if mail.key in known:
        return Decision(mail, ALREADY, known[mail.key])
    followed = referenced_numero(mail.subject, numeros)
    if followed:
        return Decision(mail, FOLLOW_UP, followed)
    if not is_complaint_subject(mail.subject):
        return Decision(mail, NOT_QUALIFIED)
    if mail.received is None:
        return Decision(mail, UNUSABLE, reason="date d'envoi absente ou illisible")
    if mail.received > today:
        return Decision(mail, UNUSABLE,
                        reason=f"daté du {mail.received:%d/%m/%Y}, après aujourd'hui")
    if not mail.sender_name:
        return Decision(mail, UNUSABLE, reason="expéditeur absent")
    return Decision(mail, COMPLAINT)


def qualify(mails: Iterable[IncomingMail], known: dict[str, str], numeros: set[str],
            today: date) -> list[Decision]:
    """One decision per message, in order; a message seen twice counts once."""
    decisions, seen = [], dict(known)
    for mail in mails:
        decision = _decide(mail, seen, numeros, today)
        if decision.kind == ALREADY and mail.key not in known:
            decision = Decision(mail, ALREADY, reason="présent deux fois dans ce lot")
        seen.setdefault(mail.key, decision.numero or "")
        decisions.append(decision)
    return decisions


def description_of(mail: IncomingMail) -> str:
    """Subject, text and attachment names: what staff need to read in the register."""
    parts = [f"Objet : {strip_reply_prefixes(mail.subject)}",
             mail.body or "(courriel sans texte)"]
    if mail.attachments:
        parts.append("Pièces jointes : " + ", ".join(a.filename for a in mail.attachments))
    # Never cut here: a text too long for a cell is cut when filed, and kept whole in the
    # dossier (toolkit.intake.recording).
    return "\n\n".join(parts)


def complaint_values(mail: IncomingMail, valid_address) -> dict[str, object]:
    """The register row of a qualified message (column keys), without its number.

    ``valid_address`` decides whether the sender's address may go to ``Courriel``: an
    address the register would reject is kept in the dossier's ``.eml`` only.
    """
    return {
        "date_reclamation": mail.received,
        "canal": CANAL_COURRIEL,
        "nom": mail.sender_name,
        "courriel": mail.sender_address if valid_address(mail.sender_address) else None,
        "description": description_of(mail),
        "observations": observation_line(mail.key),
    }
