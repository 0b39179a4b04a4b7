"""The values of a new complaint, as staff type them, checked one by one.

Shared by ``toolkit new`` with options (every problem listed at once) and by its prompts
(a wrong answer is asked again). Messages reuse the register check's wording, so staff
read the same sentence here and in ``toolkit check``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from toolkit.dates import date_fr, parse_date_text
from toolkit.errors import UsageError
from toolkit.rules.codes import MESSAGES, Code
from toolkit.rules.columns import BY_KEY, EMAIL, Canal, normalize_header

# The fields ``toolkit new`` asks for, in the order of the prompts.
NEW_FIELDS = ("canal", "date_reclamation", "civilite", "nom", "adresse", "courriel",
              "telephone", "categorie", "description")
MULTILINE_FIELDS = ("adresse", "description")


class FieldError(UsageError):
    """One value refused; the message names the column."""


def _refuse(key: str, code: str, value: object = "") -> FieldError:
    column = BY_KEY[key]
    text = MESSAGES[code].format(valeur=value, liste=", ".join(column.choices))
    return FieldError(f"{column.header} : {text}")


# The usual ways of writing a list value (folded as by normalize_header).
ABBREVIATIONS = {
    "civilite": {"mme": "Madame", "mme.": "Madame", "mlle": "Madame", "mlle.": "Madame",
                 "mrs": "Madame", "ms": "Madame", "m": "Monsieur", "m.": "Monsieur",
                 "mr": "Monsieur", "mr.": "Monsieur"},
    "canal": {"tel": "Téléphone", "tel.": "Téléphone", "phone": "Téléphone",
              "appel": "Téléphone", "mail": "Courriel", "email": "Courriel",
              "e-mail": "Courriel", "mel": "Courriel", "lettre": "Courrier",
              "poste": "Courrier", "papier": "Courrier"},
}
_MIN_PREFIX = 3


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", normalize_header(text))


def _choice(key: str, text: str) -> str:
    """The list value as people type it: any case, with or without accents
    (``telephone`` → ``Téléphone``), the usual abbreviations (``Mme``, ``M.``, ``tel``), or
    the start of one value or of one of its words (``planning``, ``fact``), when only one
    value fits."""
    choices = BY_KEY[key].choices
    typed = normalize_header(text)
    for choice in choices:
        if normalize_header(choice) == typed:
            return choice
    if typed in ABBREVIATIONS.get(key, {}):
        return ABBREVIATIONS[key][typed]
    typed_words = _words(text)
    if len("".join(typed_words)) >= _MIN_PREFIX:
        fitting = [choice for choice in choices
                   if normalize_header(choice).startswith(typed)
                   or any(word.startswith(" ".join(typed_words)) for word in _words(choice))]
        if len(fitting) == 1:
            return fitting[0]
    raise _refuse(key, Code.VALEUR_HORS_LISTE, text)


def _received(text: str, today: date) -> date:
    parsed = parse_date_text(text) if text else today
    if not isinstance(parsed, date):
        raise _refuse("date_reclamation", Code.DATE_INVALIDE, text)
    if parsed > today:
        raise FieldError(f"{BY_KEY['date_reclamation'].header} : le {date_fr(parsed)} est "
                         f"postérieur à aujourd'hui ({date_fr(today)}).")
    return parsed


def parse_field(key: str, text: object, today: date) -> object:
    """The register value of one answer; ``None`` for an empty optional answer."""
    cleaned = str(text or "").replace("\\n", "\n").strip()
    if key == "date_reclamation":
        return _received(cleaned, today)
    if not cleaned:
        if BY_KEY[key].required:
            raise _refuse(key, Code.OBLIGATOIRE)
        return None
    if BY_KEY[key].choices:
        return _choice(key, cleaned)
    if key == "courriel" and not EMAIL.match(cleaned):
        raise _refuse(key, Code.COURRIEL_INVALIDE, cleaned)
    return cleaned


# Fewer digits than a subscriber number anywhere (French ones have 10, with the trunk 0).
_PHONE_MIN_DIGITS = 6


def looks_like_a_phone_number(text: str) -> bool:
    """At least 6 digits and no more letters than digits: « 06 12 34 56 78 », « +33 6 12 34
    56 78 (portable) », « 01 23 45 67 89 poste 12 » do; a sentence typed one question
    early (« Leçons annulées le 14/11/2026 ») does not."""
    digits = sum(character.isdigit() for character in text)
    letters = sum(character.isalpha() for character in text)
    return digits >= _PHONE_MIN_DIGITS and letters <= digits


def complaint_row(values: Mapping[str, object], today: date) -> dict[str, object]:
    """Every field checked; all refusals reported together in one :class:`UsageError`."""
    row, problems = {}, []
    for key in NEW_FIELDS:
        try:
            row[key] = parse_field(key, values.get(key), today)
        except FieldError as error:
            problems.append(str(error))
    if problems:
        raise UsageError("Réclamation non enregistrée :\n  " + "\n  ".join(problems))
    return row


def advice(row: Mapping[str, object]) -> list[str]:
    """What staff must do next because of how the complaint arrived (French)."""
    notes = []
    if row.get("canal") == Canal.TELEPHONE:
        notes.append("Réclamation téléphonique : une confirmation écrite doit être demandée "
                     "au client (courrier « confirmation »).")
    if row.get("canal") == Canal.COURRIER and not row.get("adresse"):
        notes.append("Adresse postale absente : les courriers ne pourront pas être envoyés.")
    return notes
