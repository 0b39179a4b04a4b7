"""The client's message inside a forward: the header block that mail programs write above it.

Staff forward a client's mail from the company's address (``accueil@…``) to the complaints
box. The client is the person in the forwarded header block, not the forwarder. Each mail
program writes that block its own way, in the user's language:

- Outlook: ``De : … / Envoyé : … / À : … / Objet : …`` (``From: / Sent: / To: / Subject:``),
  after a line of underscores or ``-----Message d'origine-----``;
- Gmail: ``---------- Forwarded message ---------`` (or ``Message transféré``), then
  ``De : / Date: / Subject: / To:``;
- Thunderbird: ``-------- Message transféré --------``, then ``Sujet : / Date : / De : /
  Pour :`` (a tab after the colon);
- Apple Mail: ``Début du message réexpédié :`` (``Begin forwarded message:``), a blank line,
  then ``De: / Objet: / Date: / À:``.

What they share is a run of ``Label : value`` lines holding a sender and a date: that run is
what is looked for, whatever the line above it. Only the day of the date is needed.
Pure text in, values out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime

# Labels of a forwarded header block, folded (lower case, no accents), by meaning.
_LABELS = {
    "from": ("de", "from", "von", "expediteur"),
    "date": ("date", "envoye", "sent", "envoye le", "datum", "gesendet"),
    "to": ("a", "to", "pour", "an", "destinataire"),
    "cc": ("cc", "cci", "bcc"),
    "subject": ("objet", "subject", "sujet", "betreff"),
    "reply_to": ("repondre a", "reply-to", "reply to"),
}
_MEANING = {label: meaning for meaning, labels in _LABELS.items() for label in labels}
_HEADER_LINE = re.compile(r"^[>\s]*\**([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ\- ]{0,15}?)\**\s*:\s*(.*)$")
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3,
    "avril": 4, "avr": 4, "apr": 4, "april": 4,
    "mai": 5, "may": 5,
    "juin": 6, "jun": 6, "june": 6,
    "juillet": 7, "juil": 7, "jul": 7, "july": 7,
    "aout": 8, "aug": 8, "august": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:er)?\s+({_MONTH})\.?,?\s+(\d{{4}})\b")
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@dataclass(frozen=True)
class Forwarded:
    """The forwarded message as its header block shows it; ``body`` is the text below."""

    name: str
    address: str
    day: date | None
    date_text: str
    subject: str
    body: str


def _header(line: str) -> tuple[str, str] | None:
    """(meaning, value) of a ``Label : value`` line of a header block, else None."""
    found = _HEADER_LINE.match(line)
    if not found:
        return None
    meaning = _MEANING.get(_fold(found.group(1)).strip())
    return (meaning, found.group(2).strip()) if meaning else None


def _block_end(lines: list[str], start: int, fields: dict[str, str]) -> int:
    """Read the header lines from ``start`` into ``fields``; the index after the block.
    Blank lines between header lines belong to it (an HTML table made text)."""
    end = last = start
    while end < len(lines):
        header = _header(lines[end])
        if header is not None:
            fields.setdefault(*header)
            last = end + 1
        elif lines[end].strip() or not fields:
            break
        end += 1
    return last


def _blocks(lines: list[str]):
    """(start, end, {meaning: value}) of each run of header lines holding a sender."""
    index = 0
    while index < len(lines):
        fields: dict[str, str] = {}
        end = _block_end(lines, index, fields)
        if "from" in fields and len(fields) >= 2:
            yield index, end, fields
        index = max(end, index + 1)


def forward_day(text: str) -> date | None:
    """The day of a forwarded ``Date``/``Envoyé``/``Sent`` line, in any of the usual forms:
    ``Mon, 2 Nov 2026 18:42:10 +0100``, ``lundi 2 novembre 2026 18:42``, ``lun. 2 nov. 2026
    à 18:42``, ``Monday, November 2, 2026 6:42 PM``, ``02/11/2026 18:42``."""
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    folded = _fold(text)
    candidates = []
    if found := _DAY_MONTH_YEAR.search(folded):
        candidates.append((found.group(3), _MONTHS[found.group(2)], found.group(1)))
    if found := _MONTH_DAY_YEAR.search(folded):
        candidates.append((found.group(3), _MONTHS[found.group(1)], found.group(2)))
    if found := _NUMERIC.search(folded):  # French order: day first
        candidates.append((found.group(3), found.group(2), found.group(1)))
    if found := _ISO.search(folded):
        candidates.append(found.groups())
    for year, month, day in candidates:
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            continue
    return None


def _sender(value: str) -> tuple[str, str]:
    """(name, address) of a forwarded ``De :`` value: ``Lucas Petit <l@x.fr>``,
    ``Lucas Petit [mailto:l@x.fr]``, ``"Petit, Lucas" <l@x.fr>``, ``l@x.fr``."""
    found = _ADDRESS.search(value)
    address = found.group(0) if found else ""
    name = re.split(r"[<\[]", value, maxsplit=1)[0] if address else value
    name = name.replace(address, "") if address else name
    name = re.sub(r"[\"*]", "", name).strip(" '\t")
    return name or (address.split("@")[0] if address else ""), address


def forwarded_messages(body: str) -> list[Forwarded]:
    """Every forwarded message of ``body``, outermost first."""
    lines = body.replace("\r\n", "\n").split("\n")
    found = []
    for _, end, fields in _blocks(lines):
        name, address = _sender(fields["from"])
        date_text = fields.get("date", "")
        following = next((s for s, _, _ in _blocks(lines[end:])), None)
        below = lines[end:end + following] if following is not None else lines[end:]
        text = "\n".join(line.lstrip("> ").rstrip() if line.startswith(">") else line.rstrip()
                         for line in below).strip()
        found.append(Forwarded(name, address, forward_day(date_text) if date_text else None,
                               date_text, fields.get("subject", ""), text))
    return found
