"""``toolkit new`` without options: French questions at the terminal, one per field.

The only module besides the CLI that talks to the user: the library takes values. A wrong
answer is explained and asked again; end of input (Ctrl-D, a closed pipe) abandons the
complaint without writing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from toolkit.errors import UsageError
from toolkit.intake.fields import MULTILINE_FIELDS, NEW_FIELDS, FieldError, parse_field
from toolkit.rules.columns import BY_KEY

QUESTIONS = {
    "canal": "Canal (Courrier, Courriel, Téléphone)",
    "date_reclamation": "Date de réception (JJ/MM/AAAA, Entrée = aujourd'hui)",
    "civilite": "Civilité (Madame, Monsieur, Entrée = aucune)",
    "nom": "Nom du client",
    "adresse": "Adresse postale (une ligne à la fois, ligne vide pour finir)",
    "courriel": "Courriel du client (Entrée = aucun)",
    "telephone": "Téléphone (Entrée = aucun)",
    "categorie": "Catégorie ({choices}, Entrée = plus tard)",
    "description": "Description de la réclamation (ligne vide pour finir)",
}
assert set(QUESTIONS) == set(NEW_FIELDS)

Ask = Callable[[str], str]
Say = Callable[[str], None]


def _read(ask: Ask, prompt: str) -> str:
    try:
        return ask(prompt)
    except EOFError:
        raise UsageError("Saisie interrompue : réclamation non enregistrée.") from None


def _answer(key: str, ask: Ask) -> str:
    question = QUESTIONS[key].format(choices=", ".join(BY_KEY[key].choices))
    if key not in MULTILINE_FIELDS:
        return _read(ask, f"{question} : ")
    lines = [_read(ask, f"{question} :\n> ")]
    while lines[-1].strip():
        lines.append(_read(ask, "> "))
    return "\n".join(lines).strip()


def ask_field(key: str, today: date, ask: Ask, say: Say) -> object:
    while True:
        try:
            return parse_field(key, _answer(key, ask), today)
        except FieldError as error:
            say(f"  {error} Recommencez.")


def ask_complaint(today: date, ask: Ask = input, say: Say = print) -> dict[str, object]:
    """Every field of a new complaint, asked in order and checked as it is typed."""
    say("Nouvelle réclamation (Ctrl-C pour abandonner).")
    return {key: ask_field(key, today, ask, say) for key in NEW_FIELDS}


def ask_yes(question: str, ask: Ask = input) -> bool:
    """Yes unless the answer starts with n/N (Entrée = oui)."""
    try:
        answer = ask(f"{question} [O/n] ")
    except EOFError:
        return False
    return not answer.strip().lower().startswith("n")
