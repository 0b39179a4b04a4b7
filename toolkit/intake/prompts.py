"""``toolkit new`` without options: French questions at the terminal, one per field.

The only module besides the CLI that talks to the user: the library takes values. A wrong
answer is explained and asked again; end of input (Ctrl-D, a closed pipe) abandons the
complaint without writing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from toolkit.display import shortened
from toolkit.errors import UsageError
from toolkit.intake.fields import (
    MULTILINE_FIELDS,
    NEW_FIELDS,
    FieldError,
    looks_like_a_phone_number,
    parse_field,
)
from toolkit.rules.columns import BY_KEY, Canal

QUESTIONS = {
    "canal": "Canal ({choices})",
    "date_reclamation": "Date de réception (JJ/MM/AAAA, Entrée = aujourd'hui)",
    "civilite": "Civilité ({choices}, Entrée = aucune)",
    "nom": "Nom du client",
    "adresse": "Adresse postale (une ligne à la fois, ligne vide pour finir)",
    "courriel": "Courriel du client (Entrée = aucun)",
    "telephone": "Téléphone (Entrée = aucun)",
    "categorie": "Catégorie ({choices}, Entrée = plus tard)",
    "description": "Description de la réclamation (ligne vide pour finir)",
}
assert set(QUESTIONS) == set(NEW_FIELDS)

# An odd « Téléphone » answer is shown back within its question's line, cut to this.
ODD_PHONE_SHOWN = 40

Ask = Callable[[str], str]
Say = Callable[[str], None]


def _read(ask: Ask, say: Say, prompt: str) -> str:
    try:
        return ask(prompt)
    except EOFError:
        say("")  # the message goes below the question, not after it on the same line
        raise UsageError("Saisie interrompue : réclamation non enregistrée.") from None


def numbered(choices: tuple[str, ...]) -> str:
    """« 1. Courrier  2. Courriel  3. Téléphone »."""
    return "  ".join(f"{index}. {choice}" for index, choice in enumerate(choices, start=1))


def _by_number(key: str, answer: str) -> str:
    """The list value whose number was typed; any other answer unchanged."""
    choices = BY_KEY[key].choices
    text = answer.strip()
    if choices and text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1]
    return answer


def _answer(key: str, ask: Ask, say: Say) -> str:
    question = QUESTIONS[key].format(choices=numbered(BY_KEY[key].choices))
    if key not in MULTILINE_FIELDS:
        return _by_number(key, _read(ask, say, f"{question} : "))
    lines = [_read(ask, say, f"{question} :\n> ")]
    while lines[-1].strip():
        lines.append(_read(ask, say, "> "))
    return "\n".join(lines).strip()


def ask_field(key: str, today: date, ask: Ask, say: Say) -> object:
    while True:
        try:
            value = parse_field(key, _answer(key, ask, say), today)
        except FieldError as error:
            say(f"  {error} Recommencez.")
            continue
        if key != "telephone" or value is None or looks_like_a_phone_number(str(value)) \
                or _kept_anyway(str(value), ask, say):
            return value


def _kept_anyway(phone: str, ask: Ask, say: Say) -> bool:
    """The column is free text, so an odd answer may stay; but the usual cause is the
    description typed one question early, hence « non » unless « o » is typed."""
    shown = shortened(phone, ODD_PHONE_SHOWN)
    answer = _read(ask, say, f"  « {shown} » ne ressemble pas à un numéro de téléphone. "
                             "Le garder ? [o/N] ")
    return answer.strip().lower().startswith("o")


def ask_complaint(today: date, ask: Ask = input, say: Say = print) -> dict[str, object]:
    """Every field of a new complaint, asked in order and checked as it is typed."""
    say("Nouvelle réclamation (Ctrl-C pour abandonner).")
    row = {key: ask_field(key, today, ask, say) for key in NEW_FIELDS}
    return _with_a_way_to_write(row, today, ask, say)


def _with_a_way_to_write(row: dict[str, object], today: date, ask: Ask,
                         say: Say) -> dict[str, object]:
    """A telephone complaint needs a written confirmation letter: without an address or an
    e-mail it could not be sent, so both are asked once more."""
    if row["canal"] != Canal.TELEPHONE or row["adresse"] or row["courriel"]:
        return row
    say("Réclamation téléphonique : le courrier de demande de confirmation écrite part par "
        "la poste ou par courriel. Indiquez au moins l'un des deux.")
    for key in ("adresse", "courriel"):
        row[key] = ask_field(key, today, ask, say)
        if row[key]:
            break
    return row


def ask_yes(question: str, ask: Ask = input, say: Say = print) -> bool:
    """Yes unless the answer starts with n/N (Entrée = oui); end of input is no."""
    try:
        answer = ask(f"{question} [O/n] ")
    except EOFError:
        say("")
        return False
    return not answer.strip().lower().startswith("n")


def summary_lines(row: dict[str, object]) -> list[str]:
    """What will be recorded, one « Colonne : valeur » line per answered field."""
    from toolkit.dates import date_fr

    lines = []
    for key in NEW_FIELDS:
        value = row.get(key)
        if value is None or value == "":
            continue
        shown = date_fr(value) if isinstance(value, date) else str(value)
        shown = shown.replace("\n", "\n      ")
        lines.append(f"  {BY_KEY[key].header} : {shown}")
    return lines


def confirm_complaint(row: dict[str, object], ask: Ask = input, say: Say = print) -> bool:
    """Show what will be recorded and ask « Enregistrer ? [O/n] »."""
    say("\nÀ enregistrer :")
    for line in summary_lines(row):
        say(line)
    return ask_yes("Enregistrer ?", ask, say)
