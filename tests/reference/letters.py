"""SPEC "Letters" and "Letters, legally": which letters are due for a complaint, which are
pointless, and which must be refused, on ``today``.

With the rules decided on 2026-12-06 ("Letters, legally"): a ``suivi`` is due whenever the
latest promise has passed, even after an early one; a late acknowledgement is one letter
(no ``suivi`` that day) that announces a new date and names the mediator; a
``Professionnel`` client is never offered the consumer mediator.
"""

from __future__ import annotations

from datetime import date

from reference.legal_calendar import reply_deadline

CONFIRMATION, ACCUSE, COMPLEMENTS, SUIVI, REPONSE = (
    "confirmation", "accuse", "complements", "suivi", "reponse")
TYPES = (CONFIRMATION, ACCUSE, COMPLEMENTS, SUIVI, REPONSE)  # the order staff see them in
MEDIATOR_LIST_PAGE = "https://www.economie.gouv.fr/mediation-conso"

# Why a due letter is not made (the test finds these words in the product's reason).
NO_POSTAL_ADDRESS = "adresse manquante pour un courrier"
NO_WAY_TO_REACH = "ni adresse postale ni courriel"
EMPTY_LETTERHEAD = "en-tête ou signature vide"
NO_MEDIATOR = "médiateur de la consommation à indiquer"
MEDIATOR_LIST_AS_SITE = "liste officielle des médiateurs"


def filled(value: object) -> bool:
    return value is not None and str(value).strip() != ""


# --- due (SPEC "Letters", one rule per letter) -------------------------------------------

def confirmation_due(row: dict, today: date, notice_days: int) -> bool:
    """Canal = Téléphone, no confirmation requested or received."""
    return (row.get("canal") == "Téléphone" and not filled(row.get("date_demande_confirmation"))
            and not filled(row.get("date_confirmation")))


def accuse_due(row: dict, today: date, notice_days: int) -> bool:
    """No ``Date d'accusé de réception``. (Decided 2026-12-06: produced after the reply
    deadline, it is one letter announcing a new date, and no ``suivi`` is due that day.)"""
    return not filled(row.get("date_accuse"))


def complements_due(row: dict, today: date, notice_days: int) -> bool:
    """``Informations manquantes`` filled, no ``Date de demande de compléments``."""
    return filled(row.get("infos_manquantes")) and not filled(row.get("date_demande_complements"))


def latest_promise(row: dict) -> date:
    """The reply deadline, then each date a letter announced: the client's latest promise."""
    announced = row.get("date_reponse_annoncee")
    deadline = reply_deadline(row["date_reclamation"])
    return max(deadline, announced) if announced is not None else deadline


def suivi_due(row: dict, today: date, notice_days: int) -> bool:
    """No reply yet, and either the latest promise has passed with no ``suivi`` sent after
    it, or (once, early) the reply deadline is within the notice days, no ``suivi`` was sent
    and no letter has announced a date yet."""
    if filled(row.get("date_reponse")):
        return False
    informed = row.get("date_information")
    promise = latest_promise(row)
    if today > promise:
        return informed is None or informed <= promise
    return (informed is None and row.get("date_reponse_annoncee") is None
            and (promise - today).days <= notice_days)


def reponse_due(row: dict, today: date, notice_days: int) -> bool:
    """``Résolution`` and ``Décision`` filled, no ``Date de réponse au client``."""
    return (filled(row.get("resolution")) and filled(row.get("decision"))
            and not filled(row.get("date_reponse")))


DUE_RULES = {CONFIRMATION: confirmation_due, ACCUSE: accuse_due,
             COMPLEMENTS: complements_due, SUIVI: suivi_due, REPONSE: reponse_due}


def due_letters(row: dict, today: date, notice_days: int) -> list[str]:
    return [kind for kind in TYPES if DUE_RULES[kind](row, today, notice_days)]


# --- pointless, though due ---------------------------------------------------------------

def pointless(kind: str, row: dict, due: list[str]) -> bool:
    """Once the reply is sent, no other letter makes sense; a ready reply replaces a
    waiting letter; a due acknowledgement gives the (new) reply date itself."""
    if kind != REPONSE and filled(row.get("date_reponse")):
        return True
    return kind == SUIVI and (REPONSE in due or ACCUSE in due)


# --- refused -------------------------------------------------------------------------------

def delivery_refusal(row: dict) -> str | None:
    """A postal letter needs the client's address; otherwise an address or an e-mail."""
    if filled(row.get("adresse")):
        return None
    if row.get("canal") == "Courrier":
        return NO_POSTAL_ADDRESS
    return None if filled(row.get("courriel")) else NO_WAY_TO_REACH


def letterhead_refusal(params: dict) -> str | None:
    """No letter with an empty letterhead (company ``Adresse``) or no ``Signataire``."""
    missing = [key for key in ("adresse", "signataire") if not filled(params.get(key))]
    return EMPTY_LETTERHEAD if missing else None


def reply_is_late(row: dict, today: date) -> bool:
    return today > reply_deadline(row["date_reclamation"])


def announces_new_date(kind: str, row: dict, today: date) -> bool:
    """An acknowledgement or a ``suivi`` gives the reply date; dated on or after the latest
    promise, it must announce a new one (never a date before its own)."""
    return kind in (ACCUSE, SUIVI) and today >= latest_promise(row)


def must_name_mediator(kind: str, row: dict, today: date) -> bool:
    """For a consumer: a reply refusing all or part of the claim (L612-1, L616-1), and a
    letter announcing a new reply date. Never for a ``Professionnel`` client."""
    if row.get("type_client") == "Professionnel":
        return False
    if kind == REPONSE:
        return row.get("decision") in ("Défavorable", "Partiellement favorable")
    return announces_new_date(kind, row, today)


def is_mediator_list_page(site: str) -> bool:
    folded = site.strip().casefold().removesuffix("/")
    for prefix in ("https://", "http://", "www."):
        folded = folded.removeprefix(prefix)
    return folded.startswith("economie.gouv.fr/mediation-conso")


def mediator_refusal(kind: str, row: dict, params: dict, today: date) -> str | None:
    if not must_name_mediator(kind, row, today):
        return None
    if not all(filled(params.get(key))
               for key in ("mediateur", "site_mediateur", "adresse_mediateur")):
        return NO_MEDIATOR
    if is_mediator_list_page(params["site_mediateur"]):
        return MEDIATOR_LIST_AS_SITE
    return None


def refusal(kind: str, row: dict, params: dict, today: date) -> str | None:
    return (delivery_refusal(row) or letterhead_refusal(params)
            or mediator_refusal(kind, row, params, today))


# --- a letters run ---------------------------------------------------------------------------

def letters_run(rows: list[dict], params: dict, today: date, notice_days: int) -> dict:
    """What ``toolkit letters`` makes on a register without letters yet: ``made`` (numero,
    type), ``refused`` {(numero, type): reason}, ``pointless`` (numero, type)."""
    made, refused, skipped = set(), {}, set()
    for row in rows:
        due = due_letters(row, today, notice_days)
        for kind in due:
            key = (row["numero"], kind)
            if pointless(kind, row, due):
                skipped.add(key)
            elif (reason := refusal(kind, row, params, today)) is not None:
                refused[key] = reason
            else:
                made.add(key)
    return {"made": made, "refused": refused, "pointless": skipped}
