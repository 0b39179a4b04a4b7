"""Finding a person's complaints, and the texts that identify them (pure: rows in, rows out).

Rows belong to one person when they share an e-mail address or a phone number. A row with
neither address nor phone link (a letter, a call) joins the one person bearing its name; when
two people bear it, the name alone cannot say whose it is. ``--numero`` and ``--courriel``
name the person of the rows they find; ``--client`` refuses a name that designates several
people, listing them. Rows already erased are nobody's.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from toolkit.errors import UsageError
from toolkit.rules.retention import IDENTIFYING_TEXT_KEYS, is_erased

MIN_NEEDLE_CHARS = 3  # shorter texts would erase other people's words


@dataclass(frozen=True)
class Selector:
    """Whom a command names: exactly one of the three."""

    client: str | None = None
    courriel: str | None = None
    numero: str | None = None

    def shown(self) -> str:
        if self.numero:
            return f"la réclamation n° {self.numero}"
        if self.courriel:
            return f"l'adresse {self.courriel}"
        return f"le nom « {self.client} »"


def fold(text: object) -> str:
    """A name as compared: case, accents and spaces folded."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s\-]+", " ", plain).strip().casefold()


def email_key(text: object) -> str:
    return str(text or "").strip().casefold()


def phone_key(text: object) -> str:
    """Digits only, +33 / 0033 written as the leading 0 (French numbers)."""
    digits = re.sub(r"\D", "", str(text or ""))
    for prefix in ("0033", "33"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 9:
            return "0" + digits[len(prefix):]
    return digits


@dataclass(frozen=True)
class Person:
    names: frozenset[str]  # folded
    emails: frozenset[str]
    phones: frozenset[str]

    def owns(self, row: dict) -> bool:
        """A row of an older copy sharing their address or phone (the number is matched
        apart: a name alone could be a homonym's)."""
        if is_erased(row.get("nom")):
            return False
        email, phone = email_key(row.get("courriel")), phone_key(row.get("telephone"))
        return bool((email and email in self.emails) or (phone and phone in self.phones))


def identity(rows: Iterable[dict]) -> Person:
    rows = list(rows)
    return Person(frozenset(fold(r.get("nom")) for r in rows if fold(r.get("nom"))),
                  frozenset(email_key(r.get("courriel")) for r in rows
                            if email_key(r.get("courriel"))),
                  frozenset(phone_key(r.get("telephone")) for r in rows
                            if phone_key(r.get("telephone"))))


def _linked(rows: list[dict]) -> list[list[int]]:
    """Indexes of the rows grouped by shared address or phone (union-find)."""
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows):
        for kind, key in (("@", email_key(row.get("courriel"))),
                          ("tel", phone_key(row.get("telephone")))):
            if key:
                parent[root(index)] = root(first.setdefault((kind, key), index))
    groups: dict[int, list[int]] = {}
    for index in range(len(rows)):
        groups.setdefault(root(index), []).append(index)
    return list(groups.values())


def people(rows: list[dict]) -> list[list[dict]]:
    """The rows grouped by person: linked rows together; a group with no address joins
    the only group with an address bearing its name, or the other address-less groups of
    that name when none has one."""
    groups = [[rows[i] for i in group] for group in _linked(rows)]
    by_name: dict[str, list[list[dict]]] = {}  # name → groups with an address bearing it
    addressless: dict[str, list[list[dict]]] = {}
    for group in groups:
        has_email = any(email_key(r.get("courriel")) for r in group)
        for name in {fold(r.get("nom")) for r in group}:
            (by_name if has_email else addressless).setdefault(name, []).append(group)
    kept: dict[int, list[dict]] = {id(g): g for g in groups}
    for group in groups:
        if any(email_key(r.get("courriel")) for r in group):
            continue
        names = {fold(r.get("nom")) for r in group}
        owners = list({id(g): g for name in names for g in by_name.get(name, [])}.values())
        if not owners:  # no address anywhere: the address-less groups of the name together
            owners = [g for name in names for g in addressless.get(name, [])
                      if g is not group and id(g) in kept][:1]
        if len(owners) == 1:
            owners[0].extend(group)
            kept.pop(id(group), None)
    return [sorted(g, key=lambda r: int(r["ligne"])) for g in kept.values()]


def _live(rows: list[dict]) -> list[dict]:
    return [row for row in rows if not is_erased(row.get("nom"))]


def _seed(rows: list[dict], selector: Selector) -> list[dict]:
    if selector.numero:
        wanted = selector.numero.strip()
        return [row for row in rows if str(row.get("numero") or "").strip() == wanted]
    if selector.courriel:
        wanted = email_key(selector.courriel)
        return [row for row in rows if email_key(row.get("courriel")) == wanted]
    wanted = fold(selector.client)
    exact = [row for row in rows if fold(row.get("nom")) == wanted]
    words = set(wanted.split())
    return exact or [row for row in rows if words and words <= set(fold(row.get("nom")).split())]


def describe_people(groups: list[list[dict]]) -> str:
    lines = []
    for group in groups:
        name = next(str(r.get("nom")).strip() for r in group)
        emails = sorted({str(r.get("courriel")).strip() for r in group if r.get("courriel")})
        numbers = ", ".join(str(r.get("numero")) for r in group)
        lines.append(f"  - {name} ({', '.join(emails) or 'sans adresse électronique'}) : "
                     f"n° {numbers}")
    return "\n".join(lines)


def find_person(rows: list[dict], selector: Selector) -> tuple[Person, list[dict]]:
    """The person ``selector`` names and all their rows; refuse (saying why, nothing
    removed) when nobody or several people match."""
    rows = _live(rows)
    seed = {int(row["ligne"]) for row in _seed(rows, selector)}
    if not seed:
        raise UsageError(f"Aucune réclamation ne correspond à {selector.shown()} (ou ses "
                         "données sont déjà effacées) : rien n'a été fait.")
    groups = [g for g in people(rows) if seed & {int(r["ligne"]) for r in g}]
    if len(groups) > 1:
        raise UsageError(f"{selector.shown().capitalize()} désigne plusieurs personnes :\n"
                         f"{describe_people(groups)}\nPrécisez --courriel ADRESSE ou "
                         "--numero N : rien n'a été fait.")
    return identity(groups[0]), groups[0]


# --- texts to remove from the copies that are not the register -----------------------------

def needles_of(rows: Iterable[dict], kept: Iterable[dict] = ()) -> list[str]:
    """The identifying texts of ``rows`` (names, name in the other order, addresses, phones,
    free texts), less those the ``kept`` rows still hold (another complaint's own words)."""
    kept_texts = {str(row.get(key)).strip() for row in kept for key in
                  (*IDENTIFYING_TEXT_KEYS, "courriel", "telephone") if row.get(key)}
    found: set[str] = set()
    for row in rows:
        for key in (*IDENTIFYING_TEXT_KEYS, "courriel", "telephone"):
            text = str(row.get(key) or "").strip()
            if len(text) < MIN_NEEDLE_CHARS or is_erased(text) or text in kept_texts:
                continue
            found.add(text)
            # A page may break a multi-line text (an address) into its lines.
            found.update(line for line in map(str.strip, text.splitlines())
                         if len(line) >= MIN_NEEDLE_CHARS and line not in kept_texts)
            if key == "nom" and len(text.split()) > 1:
                found.add(" ".join(reversed(text.split())))
    return sorted(found, key=len, reverse=True)


def _pattern(needle: str) -> str:
    digits = phone_key(needle)
    if re.fullmatch(r"[\d\s.\-+()]+", needle) and len(digits) >= 9:
        rest = r"[\s.\-]?".join(digits[1:])
        return rf"(?:0|\+33\s?|0033\s?)[\s.\-]?{rest}" if digits.startswith("0") else \
            r"[\s.\-]?".join(digits)
    return r"\s+".join(re.escape(part) for part in needle.split())


def scrubber(needles: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern finding every needle, raw or HTML-escaped, any case, any spacing."""
    variants = {variant for needle in needles for variant in (needle, html.escape(needle))}
    if not variants:
        return None
    return re.compile("|".join(_pattern(v) for v in sorted(variants, key=len, reverse=True)),
                      re.IGNORECASE)


def scrub(text: str, pattern: re.Pattern[str] | None, mark: str) -> str:
    return text if pattern is None else pattern.sub(mark, text)
