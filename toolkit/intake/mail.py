"""E-mails in, complaints out: reading mailboxes and deciding what each message is.

Read-only and free of register writes: :mod:`toolkit.intake.recording` turns the decisions made
here into register rows and dossiers. The procedure's rule is applied literally: a message
is a complaint when its subject carries the word « Réclamation(s) »; anything else is an
information request (or spam) and is only listed. A message quoting a register number is a
follow-up of that complaint only when it comes from its client (the ``Courriel`` cell, or
the sender of a client's mail already in the dossier): one client's mail never goes into
another's dossier. The reception date is the message's own (Date header, or Outlook's
sending time), never a file's.

A message is identified by its ``Message-ID`` (or, when it has none, by a hash of its
bytes). The key is written into the register's ``Observations`` cell and the original
``.eml`` (or Outlook ``.msg``) is kept in the dossier, so that running the intake twice over
the same mailbox registers nothing new even if staff later rewrite ``Observations``.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from email import message_from_bytes, message_from_string, policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from toolkit.dates import date_fr
from toolkit.errors import ToolkitError
from toolkit.intake.forwards import forwarded_messages
from toolkit.intake.message import NOT_MAIL, Attachment, IncomingMail, LeftAside, RawMail, Skipped
from toolkit.intake.sources import read_sources
from toolkit.rules.columns import Canal

COMPLAINT, NOT_QUALIFIED, ALREADY, FOLLOW_UP, UNUSABLE, TO_CHECK = (
    "reclamation", "non_qualifie", "deja_enregistre", "suite", "inutilisable", "a_verifier")
NO_DATE = "pas de date d'envoi"
# Headers of which an internet message has at least one; a file with none is not a message.
_MAIL_HEADERS = ("From", "Date", "Subject", "Message-ID", "To")

_PREFIXES = re.compile(r"^\s*(?:(?:re|tr|fwd?|ref|aw|wg)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
# Letters only around the word: "Réclamation(s)", "Réclamation:" and "réclamation2026" count,
# "réclamations" counts, "déclamation" does not.
_COMPLAINT_WORD = re.compile(r"(?<![a-z])reclamations?(?![a-z])")
_NUMERO = re.compile(r"(?<![\d-])(\d{4}-\d{3,})(?![\d-])")
# « réclamation n° 2026-006 » in a subject or a text (folded: no accents, lower case).
_CITED_NUMERO = re.compile(r"reclamation\s*(?:n\s*[°o.]?|numero|#)?\s*:?\s*"
                           r"(?<![\d-])(\d{4}-\d{3,})(?![\d-])")
# A complaint in other words than « réclamation »: never set aside as a request for
# information (docs/product-rules.md, "The desk's day"). Folded, matched as word starts.
_COMPLAINT_WORDS = re.compile(
    r"(?<![a-z])(?:plainte|mecontent|inadmissible|inacceptable|litige|scandal|insatisf|"
    r"rembourse|honteu|arnaque|escroquer|mediateur|porter plainte|pas satisfait|"
    r"pas content|decu|decue)")
_KEY_IN_OBSERVATIONS = re.compile(r"Message-ID : (<[^>\s]+>|sha256:[0-9a-f]{64})")


# --- one message ----------------------------------------------------------------------

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
    index = next((i for i, address in enumerate(addresses) if address.domain), 0)
    sender = addresses[index]
    name = sender.display_name or sender.username
    # An unquoted "Dupont, Jean <j@x.fr>" parses as a bare word, then an address: rejoin.
    words = [address.username for address in addresses[:index]]
    if words and sender.display_name:
        name = ", ".join([*words, sender.display_name])
    return name.strip(), sender.addr_spec.strip()


_SURNAME_FIRST = re.compile(r"^([^,]+?)\s*,\s*([^,]+)$")


def person_name(display_name: str) -> str:
    """"Dupont, Jean" (how Outlook shows a directory entry) → "Jean Dupont"; other names
    unchanged. A comma beside digits or an address is not a name order."""
    name = display_name.strip()
    found = _SURNAME_FIRST.match(name)
    if not found or re.search(r"[\d@<>]", name):
        return name
    return f"{found.group(2).strip()} {found.group(1).strip()}"


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


def received_day(message: EmailMessage) -> date | None:
    """The Paris day of the Date header; ``None`` without one (never a file's date)."""
    header = _header(message, "Date")
    moment = getattr(header, "datetime", None) if header is not None else None
    return paris_day(moment) if moment else None


def message_key(message: EmailMessage, raw: bytes) -> str:
    """``<id@host>`` from Message-ID; a hash of the bytes when the header is missing."""
    found = re.search(r"<[^>\s]+>", str(_header(message, "Message-ID") or ""))
    if found:
        return found.group(0)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _one_line(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip()


def _internet_mail(raw: RawMail) -> IncomingMail:
    message = message_from_bytes(raw.data, policy=policy.default)
    if not any(name in message for name in _MAIL_HEADERS):
        raise LeftAside(NOT_MAIL, "aucun en-tête de courriel")
    display, address = sender_of(message)
    return IncomingMail(
        source=raw.source,
        key=message_key(message, raw.data),
        subject=_one_line(_header(message, "Subject")),
        sender_name=person_name(display),
        sender_address=address,
        received=received_day(message),
        body=body_text(message),
        attachments=attachments_of(message),
        raw=raw.data,
        sender_display=display,
        date_text=_one_line(message.get("Date", "")),
    )


def _from_header(value: str) -> EmailMessage:
    return message_from_string(f"From: {value}\n\n", policy=policy.default)


def _outlook_mail(raw: RawMail) -> IncomingMail:
    # Imported here: the .msg reader is loaded only when there is a .msg to read.
    from toolkit.intake.outlook import read_msg

    fields = read_msg(raw.data)
    display, address = sender_of(_from_header(fields.sender))
    body = fields.text.replace("\r\n", "\n").strip() or html_to_text(fields.html)
    found = re.search(r"<[^>\s]+>", fields.message_id)
    return IncomingMail(
        source=raw.source,
        key=found.group(0) if found else "sha256:" + hashlib.sha256(raw.data).hexdigest(),
        subject=_one_line(fields.subject),
        sender_name=person_name(display),
        sender_address=address,
        received=paris_day(fields.sent) if fields.sent else None,
        body="\n".join(line.rstrip() for line in body.split("\n")).strip(),
        attachments=fields.attachments,
        raw=raw.data,
        sender_display=display,
        date_text=fields.date_text,
        outlook=True,
    )


def parse_mail(raw: RawMail) -> IncomingMail:
    """One message decoded; :class:`LeftAside` when the file is not a readable message."""
    return _outlook_mail(raw) if raw.outlook else _internet_mail(raw)


def read_mails(paths: Iterable[Path]) -> tuple[list[IncomingMail], list[Skipped]]:
    """Every message at ``paths`` decoded, and every file left aside with its reason."""
    mails, skipped = [], []
    for item in read_sources(paths):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        try:
            mails.append(parse_mail(item))
        except LeftAside as aside:
            skipped.append(Skipped(item.source, aside.reason, aside.detail))
    return mails, skipped


def stored_mail(data: bytes, outlook: bool = False) -> tuple[str, str]:
    """(key, sender address) of a message kept in a dossier (``.eml`` headers only)."""
    if outlook:
        mail = _outlook_mail(RawMail("", data, outlook=True))
        return mail.key, mail.sender_address
    headers = BytesHeaderParser(policy=policy.default).parsebytes(data)
    return message_key(headers, data), sender_of(headers)[1]


def stored_key(data: bytes) -> str:
    """The key of an ``.eml`` kept in a dossier (headers only are parsed)."""
    return stored_mail(data)[0]


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


def referenced_numero(subject: str, numeros: Iterable[str]) -> str | None:
    """A register number quoted in the subject: the client answers one of our letters."""
    numeros = set(numeros)
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


def is_known_sender(mail: IncomingMail, addresses: Iterable[str]) -> bool:
    """The sender's address is one of ``addresses``, whatever the case."""
    sender = mail.sender_address.casefold()
    return bool(sender) and sender in {address.casefold() for address in addresses}


def company_domain(courriel: object) -> str:
    """The domain of the company's ``Courriel`` parameter (``""`` without one)."""
    address = str(courriel or "").strip()
    return address.rpartition("@")[2].casefold() if "@" in address else ""


def is_company_address(address: str, domain: str) -> bool:
    return bool(domain) and address.strip().casefold().endswith(f"@{domain}")


def unwrap_forward(mail: IncomingMail, domain: str) -> IncomingMail | None:
    """The client's message inside a forward from the company's address: the first
    forwarded sender outside the company, with its name, address and day; ``None`` when no
    such block can be read (no header block, no sender, no readable date)."""
    for forwarded in forwarded_messages(mail.body):
        if is_company_address(forwarded.address, domain) or forwarded.day is None:
            continue
        if not forwarded.address:
            continue  # a name alone: who wrote is not known for sure
        return replace(mail, sender_name=person_name(forwarded.name),
                       sender_address=forwarded.address, sender_display=forwarded.name,
                       received=forwarded.day, date_text=forwarded.date_text,
                       subject=forwarded.subject or mail.subject,
                       body=forwarded.body, forwarded_by=mail.sender_address)
    return None


def cited_numero(mail: IncomingMail) -> str | None:
    """The number quoted as « réclamation n° N » in the subject or the text."""
    found = _CITED_NUMERO.search(fold(f"{mail.subject}\n{mail.body}"))
    return found.group(1) if found else None


def complaint_words(mail: IncomingMail) -> str | None:
    """The first word of the subject or text that says « complaint » in other words."""
    found = _COMPLAINT_WORDS.search(fold(f"{mail.subject}\n{mail.body}"))
    return found.group(0) if found else None


def _unknown_sender(mail: IncomingMail, numero: str, addresses: frozenset[str]) -> str:
    if not addresses:
        return f"cite {numero}, dont le client n'a pas de courriel connu"
    sender = mail.sender_address or "l'expéditeur"
    return (f"cite {numero}, mais {sender} n'est ni le courriel du client ni celui d'un "
            "courriel de son dossier")


def _date_problem(mail: IncomingMail, today: date) -> str:
    """Why the reception date cannot be taken from the message ("" when it can)."""
    if mail.received is None:
        return f"date d'envoi illisible ({mail.date_text})" if mail.date_text else NO_DATE
    if mail.received > today:
        return f"daté du {date_fr(mail.received)}, après aujourd'hui"
    return ""


def _from_company(mail: IncomingMail, domain: str) -> IncomingMail | Decision:
    """A mail from the company's own address: the client's message it forwards, else a
    decision that never makes the company a client."""
    inner = unwrap_forward(mail, domain)
    if inner is not None:
        return inner
    if is_complaint_subject(mail.subject) or cited_numero(mail) or complaint_words(mail):
        return Decision(mail, TO_CHECK, cited_numero(mail),
                        f"envoyé depuis l'adresse de l'entreprise ({mail.sender_address}) "
                        "sans message de client transféré lisible : qui est le client ?")
    return Decision(mail, NOT_QUALIFIED)


def _cited(mail: IncomingMail, senders: Mapping[str, frozenset[str]]) -> Decision | str | None:
    """The complaint a message belongs to by the number it quotes: that number when its
    client wrote it, « à vérifier » when a stranger did or the number is unknown."""
    numero = referenced_numero(mail.subject, senders) or cited_numero(mail)
    if not numero:
        return None
    if numero not in senders:
        return Decision(mail, TO_CHECK, None, f"cite la réclamation {numero}, absente du registre")
    if not is_known_sender(mail, senders[numero]):
        # Never file a stranger's mail in a client's dossier, nor make it a new complaint:
        # it is most often the client writing from another address.
        return Decision(mail, TO_CHECK, numero, _unknown_sender(mail, numero, senders[numero]))
    return numero


def _decide(mail: IncomingMail, known: Mapping[str, str],
            senders: Mapping[str, frozenset[str]], today: date, domain: str = "") -> Decision:
    if mail.key in known:
        return Decision(mail, ALREADY, known[mail.key])
    if is_company_address(mail.sender_address, domain):
        unwrapped = _from_company(mail, domain)
        if isinstance(unwrapped, Decision):
            return unwrapped
        mail = unwrapped
    numero = _cited(mail, senders)
    if isinstance(numero, Decision):
        return numero
    if not numero and not is_complaint_subject(mail.subject):
        word = complaint_words(mail)
        if word:
            return Decision(mail, TO_CHECK, None, f"parle de « {word}… » sans le mot "
                            "« Réclamation » dans l'objet : est-ce une réclamation ?")
        return Decision(mail, NOT_QUALIFIED)
    problem = _date_problem(mail, today)
    if problem:
        return Decision(mail, UNUSABLE, numero, problem)
    if numero:
        return Decision(mail, FOLLOW_UP, numero)
    if not mail.sender_name:
        return Decision(mail, UNUSABLE, reason="expéditeur absent")
    note = f"transmise par {mail.forwarded_by}" if mail.forwarded_by else ""
    return Decision(mail, COMPLAINT, reason=note)


def qualify(mails: Iterable[IncomingMail], known: Mapping[str, str],
            senders: Mapping[str, frozenset[str]], today: date,
            domain: str = "") -> list[Decision]:
    """One decision per message, in order; a message seen twice counts once.

    ``known`` maps the keys of messages already registered to their Numéro; ``senders``
    maps every Numéro of the register to the addresses its client writes from (the
    ``Courriel`` cell and the senders of the mails in its dossier). A message quoting a
    Numéro is filed there only when it comes from one of those addresses. ``domain``: the
    company's own (``Courriel`` parameter): its mails are forwards, never a client's.
    """
    decisions, seen = [], dict(known)
    for mail in mails:
        decision = _decide(mail, seen, senders, today, domain)
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
    observations = [observation_line(mail.key)]
    if mail.forwarded_by:
        observations.append(f"Transmise par {mail.forwarded_by} (message du client transféré)")
    if mail.sender_display and mail.sender_display != mail.sender_name:
        observations.append(f"Nom affiché par la messagerie : « {mail.sender_display} »")
    return {
        "date_reclamation": mail.received,
        "canal": Canal.COURRIEL.value,
        "nom": mail.sender_name,
        "courriel": mail.sender_address if valid_address(mail.sender_address) else None,
        "description": description_of(mail),
        "observations": "\n".join(observations),
    }
