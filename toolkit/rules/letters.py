"""Which letters are due, and what each letter says: pure functions, no I/O.

The due rules are docs/product-rules.md, "Letters". A letter's context is one flat dict, the
same keys for every type (``CONTEXT_FIELDS``), so that a template edited in Word can use any
field and ``toolkit templates`` can tell which fields exist.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from toolkit.dates import date_fr
from toolkit.dates import date_long_fr as french_date
from toolkit.errors import LetterRefused
from toolkit.rules.columns import (
    CIVILITES,
    DEFAULT_NOTICE_DAYS,
    MEDIATOR_LIST_PAGE,
    Canal,
    Decision,
    is_mediator_list_page,
)
from toolkit.rules.deadlines import ack_deadline, is_jour_ouvrable, reply_deadline

CONFIRMATION, ACCUSE, COMPLEMENTS, SUIVI, REPONSE = (
    "confirmation", "accuse", "complements", "suivi", "reponse")
LETTER_TYPES = (CONFIRMATION, ACCUSE, COMPLEMENTS, SUIVI, REPONSE)

LABELS = {
    CONFIRMATION: "demande de confirmation écrite",
    ACCUSE: "accusé de réception",
    COMPLEMENTS: "demande de compléments",
    SUIVI: "information sur l'avancement",
    REPONSE: "réponse",
}
# The register column that records the sending of each letter (``--mark-sent``).
SENT_COLUMN = {
    CONFIRMATION: "date_demande_confirmation",
    ACCUSE: "date_accuse",
    COMPLEMENTS: "date_demande_complements",
    SUIVI: "date_information",
    REPONSE: "date_reponse",
}

# The column where a late progress letter's promised reply date is recorded.
PROMISED_COLUMN = "date_reponse_annoncee"
MEDIATION_DECISIONS = (Decision.DEFAVORABLE, Decision.PARTIELLEMENT_FAVORABLE)
DECISION_TEXTS = {
    Decision.FAVORABLE: "Au terme de cet examen, nous faisons droit à votre réclamation.",
    Decision.PARTIELLEMENT_FAVORABLE:
        "Au terme de cet examen, nous faisons droit partiellement à votre réclamation.",
    Decision.DEFAVORABLE: "Au terme de cet examen, nous ne sommes malheureusement pas en "
                          "mesure de faire droit à votre réclamation.",
}

CONTEXT_FIELDS = {
    "societe_nom": "nom de la société (Paramètres)",
    "societe_adresse": "adresse de la société, sur plusieurs lignes",
    "societe_courriel": "courriel de la société",
    "societe_telephone": "téléphone de la société",
    "signataire": "signataire des courriers",
    "client_civilite": "Madame, Monsieur ou vide",
    "client_nom": "nom du client",
    "destinataire": "civilité et nom du client",
    "client_adresse": "adresse postale du client, sur plusieurs lignes",
    "client_courriel": "courriel du client",
    "salutation": "« Madame », « Monsieur » ou « Madame, Monsieur »",
    "numero": "numéro de la réclamation",
    "date_reclamation": "date de réception de la réclamation, en toutes lettres",
    "date_lettre": "date du courrier, en toutes lettres",
    "lieu_date": "lieu et date du courrier (« Paris, le 2 novembre 2026 »)",
    "echeance_accuse": "date limite de l'accusé de réception",
    "echeance_reponse": "date limite de la réponse",
    "reponse_en_retard": "vrai si la date limite de réponse est dépassée",
    "date_reponse_prevue": "date à laquelle la réponse est promise",
    "informations_manquantes": "liste des informations manquantes",
    "actions": "actions menées",
    "resolution": "solution apportée",
    "decision": "décision (Favorable, Partiellement favorable, Défavorable)",
    "decision_texte": "phrase annonçant la décision",
    "mediation": "vrai si le courrier doit présenter le médiateur (réponse défavorable ou "
                 "partiellement favorable, courrier de suivi après l'échéance)",
    "mediateur_nom": "nom du médiateur de la consommation",
    "mediateur_site": "site internet du médiateur",
}

# XML 1.0 forbids most C0 controls; docxtpl turns \a and \f into paragraph and page breaks.
# \n (line break) and \t (tab) are the only controls kept.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_POSTCODE_CITY = re.compile(r"\b\d{5}\s+(.+?)\s*(?:cedex.*)?$", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"[\n;]+")
_BULLET = re.compile(r"^\s*(?:[-–—•*·]|\d+[.)])\s*")


def clean_text(value: object) -> str:
    """Text safe for a Word document: line breaks kept, other control characters dropped."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text).strip()


def _filled(value: object) -> bool:
    return value is not None and str(value).strip() != ""


# --- due rules -----------------------------------------------------------------------

def _confirmation_due(row: dict, today: date, notice_days: int) -> bool:
    return (row.get("canal") == Canal.TELEPHONE
            and not _filled(row.get("date_demande_confirmation"))
            and not _filled(row.get("date_confirmation")))


def _accuse_due(row: dict, today: date, notice_days: int) -> bool:
    return not _filled(row.get("date_accuse"))


def _complements_due(row: dict, today: date, notice_days: int) -> bool:
    return _filled(row.get("infos_manquantes")) and not _filled(
        row.get("date_demande_complements"))


def _suivi_due(row: dict, today: date, notice_days: int) -> bool:
    if _filled(row.get("date_reponse")) or _filled(row.get("date_information")):
        return False
    return (reply_deadline(row["date_reclamation"]) - today).days <= notice_days


def _reponse_due(row: dict, today: date, notice_days: int) -> bool:
    return (_filled(row.get("resolution")) and _filled(row.get("decision"))
            and not _filled(row.get("date_reponse")))


_DUE_RULES = {
    CONFIRMATION: _confirmation_due,
    ACCUSE: _accuse_due,
    COMPLEMENTS: _complements_due,
    SUIVI: _suivi_due,
    REPONSE: _reponse_due,
}


def is_due(type_id: str, row: dict, today: date,
           notice_days: int = DEFAULT_NOTICE_DAYS) -> bool:
    """Whether the letter ``type_id`` is due for this register row (``date_reclamation`` a date)."""
    return _DUE_RULES[type_id](row, today, notice_days)


def due_types(row: dict, today: date,
              notice_days: int = DEFAULT_NOTICE_DAYS) -> list[str]:
    return [type_id for type_id in LETTER_TYPES if is_due(type_id, row, today, notice_days)]


def superseded(type_id: str, row: dict, due: list[str]) -> str | None:
    """Why a due letter makes no sense any more (the rules of
    docs/product-rules.md, "Letters", are about each letter alone)."""
    replied = row.get("date_reponse")
    if type_id != REPONSE and _filled(replied):
        shown = date_fr(replied) if isinstance(replied, date) else replied
        return f"sans objet : réponse déjà envoyée le {shown}"
    if type_id == SUIVI and REPONSE in due:
        return "sans objet : la réponse est prête, l'envoyer plutôt qu'un courrier d'attente"
    return None


def delivery_problem(row: dict) -> str | None:
    """Why the letter could not reach the client, or ``None``."""
    if _filled(row.get("adresse")):
        return None
    if row.get("canal") == Canal.COURRIER:
        return "adresse manquante pour un courrier"
    if not _filled(row.get("courriel")):
        return "ni adresse postale ni courriel pour envoyer le courrier"
    return None


# --- context -------------------------------------------------------------------------

def is_late(row: dict, today: date) -> bool:
    """Whether a letter dated ``today`` is sent after the reply deadline."""
    return today > reply_deadline(row["date_reclamation"])


def needs_mediation(type_id: str, row: dict, today: date) -> bool:
    """A reply refusing all or part of the claim, and a progress letter sent after the reply
    deadline (the dispute is not settled within the commitment: Code de la consommation
    L612-1, L616-1), name the consumer mediator."""
    if type_id == REPONSE:
        return row.get("decision") in MEDIATION_DECISIONS
    return type_id == SUIVI and is_late(row, today)


def mediator_problem(type_id: str, row: dict, params, today: date) -> str | None:
    """Why a letter that must name the mediator cannot be made, or ``None``."""
    if not needs_mediation(type_id, row, today):
        return None
    missing = [label for label, value in (("Médiateur", params.mediateur),
                                          ("Site du médiateur", params.site_mediateur))
               if not _filled(value)]
    if missing:
        return (f"médiateur de la consommation à indiquer (Code de la consommation L612-1, "
                f"L616-1) : renseignez « {' » et « '.join(missing)} » dans la feuille "
                "Paramètres")
    if is_mediator_list_page(params.site_mediateur):
        return (f"« Site du médiateur » indique la liste officielle des médiateurs "
                f"({MEDIATOR_LIST_PAGE}), pas le site de votre médiateur : cherchez-y le "
                "médiateur auquel la société a adhéré et recopiez l'adresse de son propre "
                "site dans la feuille Paramètres")
    return None


def letterhead_problem(params) -> str | None:
    """Why no letter can be made with this Paramètres sheet: an empty letterhead
    (no company address) or no signatory."""
    missing = [label for label, value in (("Adresse", params.adresse),
                                          ("Signataire", params.signataire))
               if not _filled(value)]
    if not missing:
        return None
    return (f"en-tête ou signature vide : renseignez « {' » et « '.join(missing)} » dans la "
            "feuille Paramètres")


def refusal(type_id: str, row: dict, params, today: date) -> str | None:
    """Why this letter must not be made as things stand (French), or ``None``."""
    return letterhead_problem(params) or mediator_problem(type_id, row, params, today)


def check_letter(type_id: str, row: dict, params, today: date) -> None:
    """Raise :class:`LetterRefused` when :func:`refusal` finds a reason."""
    reason = refusal(type_id, row, params, today)
    if reason is not None:
        raise LetterRefused(f"Réclamation {row.get('numero')}, {LABELS[type_id]} : {reason}.")


def place_of(company_address: str) -> str:
    """The town of the company's address (last ``75011 Paris`` line), or ``""``."""
    for line in reversed(clean_text(company_address).splitlines()):
        match = _POSTCODE_CITY.search(line.strip())
        if match:
            town = match.group(1)
            return town.title() if town.isupper() else town
    return ""


def place_and_date(company_address: str, day: date) -> str:
    town = place_of(company_address)
    return f"{town}, le {french_date(day)}" if town else f"Le {french_date(day)}"


def salutation(civilite: object) -> str:
    return civilite if civilite in CIVILITES else "Madame, Monsieur"


def split_items(text: object) -> list[str]:
    """The lines (or ``;``-separated parts) of a cell, bullets removed."""
    items = (_BULLET.sub("", part).strip() for part in _LIST_SPLIT.split(clean_text(text)))
    return [item for item in items if item]


def next_jour_ouvrable(day: date, zone: str) -> date:
    """``day`` itself when it is a jour ouvrable, else the first one after it."""
    while not is_jour_ouvrable(day, zone):
        day += timedelta(days=1)
    return day


def promised_date(letter_day: date, delay_days: int, zone: str) -> date:
    """The reply date a late progress letter announces: ``delay_days`` after the letter,
    moved forward to a jour ouvrable (Paramètres « Délai annoncé dans le courrier de
    suivi »)."""
    return next_jour_ouvrable(letter_day + timedelta(days=delay_days), zone)


def promised_reply(row: dict, params, today: date) -> tuple[bool, date]:
    """(late?, date promised for the reply) for the progress letter dated ``today``."""
    if not is_late(row, today):
        return False, reply_deadline(row["date_reclamation"])
    return True, promised_date(today, params.delai_suivi, params.zone)


def _company_fields(params) -> dict:
    return {
        "societe_nom": clean_text(params.societe),
        "societe_adresse": clean_text(params.adresse),
        "societe_courriel": clean_text(params.courriel),
        "societe_telephone": clean_text(params.telephone),
        "signataire": clean_text(params.signataire),
        "mediateur_nom": clean_text(params.mediateur),
        "mediateur_site": clean_text(params.site_mediateur),
    }


def _client_fields(row: dict) -> dict:
    civilite = clean_text(row.get("civilite"))
    nom = clean_text(row.get("nom"))
    return {
        "client_civilite": civilite,
        "client_nom": nom,
        "destinataire": f"{civilite} {nom}".strip(),
        "client_adresse": clean_text(row.get("adresse")),
        "client_courriel": clean_text(row.get("courriel")),
        "salutation": salutation(civilite),
    }


def _dates_fields(row: dict, params, today: date) -> dict:
    received = row["date_reclamation"]
    late, promised = promised_reply(row, params, today)
    return {
        "numero": clean_text(row.get("numero")),
        "date_reclamation": french_date(received),
        "date_lettre": french_date(today),
        "lieu_date": place_and_date(params.adresse, today),
        "echeance_accuse": french_date(ack_deadline(received, params.zone)),
        "echeance_reponse": french_date(reply_deadline(received)),
        "reponse_en_retard": late,
        "date_reponse_prevue": french_date(promised),
    }


def _handling_fields(type_id: str, row: dict, today: date) -> dict:
    decision = clean_text(row.get("decision"))
    return {
        "informations_manquantes": split_items(row.get("infos_manquantes")),
        "actions": clean_text(row.get("actions")),
        "resolution": clean_text(row.get("resolution")),
        "decision": decision,
        "decision_texte": DECISION_TEXTS.get(decision, ""),
        "mediation": needs_mediation(type_id, row, today),
    }


def build_context(type_id: str, row: dict, params, today: date) -> dict:
    """Every field of ``CONTEXT_FIELDS`` for one letter; raises :class:`LetterRefused`."""
    check_letter(type_id, row, params, today)
    context = {**_company_fields(params), **_client_fields(row),
               **_dates_fields(row, params, today), **_handling_fields(type_id, row, today)}
    assert context.keys() == CONTEXT_FIELDS.keys()
    return context
