"""Which letters are due, and what each letter says: pure functions, no I/O.

The due rules are docs/product-rules.md, "Letters". A letter's context is one flat dict, the
same keys for every type (``CONTEXT_FIELDS``), so that a template edited in Word can use any
field and ``toolkit templates`` can tell which fields exist.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
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
    TypeClient,
    is_mediator_list_page,
)
from toolkit.rules.deadlines import ack_deadline, is_jour_ouvrable, reply_deadline
from toolkit.rules.records import is_filled

CONFIRMATION, ACCUSE, COMPLEMENTS, SUIVI, REPONSE = (
    "confirmation", "accuse", "complements", "suivi", "reponse")

# The column where the reply date announced by a letter sent once the previous promise had
# passed (late acknowledgement, late progress letter) is recorded.
PROMISED_COLUMN = "date_reponse_annoncee"
MEDIATION_DECISIONS = (Decision.DEFAVORABLE, Decision.PARTIELLEMENT_FAVORABLE)
DECISION_TEXTS = {
    Decision.FAVORABLE: "Au terme de cet examen, nous faisons droit à votre réclamation.",
    Decision.PARTIELLEMENT_FAVORABLE:
        "Au terme de cet examen, nous faisons droit partiellement à votre réclamation.",
    Decision.DEFAVORABLE: "Au terme de cet examen, nous ne sommes malheureusement pas en "
                          "mesure de faire droit à votre réclamation.",
}
# A complaint number never breaks across lines in a letter (justified text): its hyphen is
# U+2011, the non-breaking hyphen.
NON_BREAKING_HYPHEN = "\u2011"

CONTEXT_FIELDS = {
    "societe_nom": "nom de la société (Paramètres)",
    "societe_adresse": "adresse de la société, sur plusieurs lignes",
    "societe_courriel": "courriel de la société",
    "societe_telephone": "téléphone de la société",
    "signataire": "signataire des courriers",
    "mentions_legales": "mentions légales du pied de page (forme, capital, RCS ou SIREN)",
    "donnees_contact": "où exercer ses droits sur ses données personnelles",
    "duree_conservation": "durée de conservation des données après la réponse, en années",
    "client_civilite": "Madame, Monsieur ou vide",
    "client_nom": "nom du client",
    "destinataire": "civilité et nom du client",
    "client_adresse": "adresse postale du client, sur plusieurs lignes",
    "client_courriel": "courriel du client",
    "professionnel": "vrai si le client est un professionnel (Type de client)",
    "salutation": "« Madame », « Monsieur » ou « Madame, Monsieur »",
    "numero": "numéro de la réclamation (tiret insécable : jamais coupé en fin de ligne)",
    "date_reclamation": "date de réception de la réclamation, en toutes lettres",
    "date_lettre": "date du courrier, en toutes lettres",
    "lieu_date": "lieu et date du courrier (« Paris, le 2 novembre 2026 »)",
    "echeance_accuse": "date limite de l'accusé de réception",
    "echeance_reponse": "date limite de la réponse (un mois après la réception)",
    "reponse_en_retard": "vrai si le courrier part alors que la date de réponse promise "
                         "(l'échéance d'un mois, puis chaque date annoncée) est atteinte : il "
                         "annonce alors une nouvelle date",
    "date_reponse_prevue": "date à laquelle la réponse est promise, jamais avant le courrier",
    "informations_manquantes": "liste des informations manquantes",
    "resolution": "solution apportée (colonne Résolution, écrite pour le client)",
    "decision": "décision (Favorable, Partiellement favorable, Défavorable)",
    "decision_texte": "phrase annonçant la décision",
    "mediation": "vrai si le courrier doit présenter le médiateur de la consommation "
                 "(client particulier ; réponse défavorable ou partiellement favorable, ou "
                 "courrier annonçant une nouvelle date de réponse)",
    "recours_professionnel": "vrai si, dans ces mêmes cas, le client est un professionnel : "
                             "le courrier dit pourquoi le médiateur de la consommation ne lui "
                             "est pas ouvert",
    "mediateur_nom": "nom du médiateur de la consommation",
    "mediateur_adresse": "adresse postale du médiateur, sur une ligne",
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


# --- promises --------------------------------------------------------------------------

def announced_date(row: dict) -> date | None:
    value = row.get(PROMISED_COLUMN)
    return value if isinstance(value, date) else None


def latest_promise(row: dict) -> date:
    """The date the client was last told to expect the reply: the legal deadline, then each
    date a later letter announced."""
    deadline = reply_deadline(row["date_reclamation"])
    announced = announced_date(row)
    return max(deadline, announced) if announced is not None else deadline


def announces_new_date(row: dict, today: date) -> bool:
    """Whether a letter dated ``today`` that gives the reply date must announce a new one:
    the latest promise is today or past. A letter never promises a day before its own, nor
    its own day (it reaches the client later)."""
    return today >= latest_promise(row)


# --- due rules -----------------------------------------------------------------------

def _sent(row: dict, key: str) -> date | None:
    value = row.get(key)
    return value if isinstance(value, date) else None


def _confirmation_due(row: dict, today: date, notice_days: int) -> bool:
    return (row.get("canal") == Canal.TELEPHONE
            and not is_filled(row.get("date_demande_confirmation"))
            and not is_filled(row.get("date_confirmation")))


def _accuse_due(row: dict, today: date, notice_days: int) -> bool:
    return not is_filled(row.get("date_accuse"))


def _complements_due(row: dict, today: date, notice_days: int) -> bool:
    return is_filled(row.get("infos_manquantes")) and not is_filled(
        row.get("date_demande_complements"))


def _suivi_due(row: dict, today: date, notice_days: int) -> bool:
    """Due whenever the latest promise has passed with no reply and no progress letter sent
    after it (an early one does not stop the late one); before that, once, within
    ``notice_days`` of the legal deadline."""
    if is_filled(row.get("date_reponse")):
        return False
    informed = _sent(row, "date_information")
    promise = latest_promise(row)
    if today > promise:
        return informed is None or informed <= promise
    return (informed is None and not is_filled(row.get("date_information"))
            and announced_date(row) is None and (promise - today).days <= notice_days)


def _reponse_due(row: dict, today: date, notice_days: int) -> bool:
    return (is_filled(row.get("resolution")) and is_filled(row.get("decision"))
            and not is_filled(row.get("date_reponse")))


def _ack_deadline(row: dict, zone: str) -> date:
    return ack_deadline(row["date_reclamation"], zone)


def _promise_deadline(row: dict, zone: str) -> date:
    return latest_promise(row)


@dataclass(frozen=True)
class LetterType:
    """Everything about one kind of letter; the rules, the statuses, the template builder
    and the command line's choices are derived from :data:`LETTERS`.

    ``due(row, today, notice_days)``: whether the letter is due (docs/product-rules.md, "Letters").
    ``action``: what staff do next while it is due (``status``); ``deadline(row, zone)``:
    the day that action is held to, if any. ``announces_reply``: the letter gives the reply
    date; sent once that date is reached, it announces a new one (recorded in
    ``PROMISED_COLUMN``) and names the mediator.
    """

    id: str
    label: str
    sent_column: str
    due: Callable[[dict, date, int], bool]
    action: str
    deadline: Callable[[dict, str], date] | None = None
    announces_reply: bool = False

    @property
    def template(self) -> str:
        """The Word template's file name (shipped in ``letters/``, overridable in
        ``modeles/``)."""
        return f"{self.id}.docx"


LETTERS: dict[str, LetterType] = {letter.id: letter for letter in (
    LetterType(CONFIRMATION, "demande de confirmation écrite", "date_demande_confirmation",
               _confirmation_due, "Demander la confirmation écrite"),
    LetterType(ACCUSE, "accusé de réception", "date_accuse", _accuse_due,
               "Envoyer l'accusé de réception", _ack_deadline, announces_reply=True),
    LetterType(COMPLEMENTS, "demande de compléments", "date_demande_complements",
               _complements_due, "Demander les informations complémentaires"),
    LetterType(SUIVI, "information sur l'avancement", "date_information", _suivi_due,
               "Informer le client de l'avancement et de la date de réponse",
               _promise_deadline, announces_reply=True),
    LetterType(REPONSE, "réponse", "date_reponse", _reponse_due, "Envoyer la réponse",
               _promise_deadline),
)}
# Derived views, in the order letters are considered (status names the first one due).
LETTER_TYPES: tuple[str, ...] = tuple(LETTERS)
LABELS: dict[str, str] = {type_id: letter.label for type_id, letter in LETTERS.items()}
SENT_COLUMN: dict[str, str] = {type_id: letter.sent_column
                               for type_id, letter in LETTERS.items()}


def is_due(type_id: str, row: dict, today: date,
           notice_days: int = DEFAULT_NOTICE_DAYS) -> bool:
    """Whether the letter ``type_id`` is due for this register row (``date_reclamation`` a date)."""
    return LETTERS[type_id].due(row, today, notice_days)


def due_types(row: dict, today: date,
              notice_days: int = DEFAULT_NOTICE_DAYS) -> list[str]:
    return [type_id for type_id in LETTER_TYPES if is_due(type_id, row, today, notice_days)]


def superseded(type_id: str, row: dict, due: list[str]) -> str | None:
    """Why a due letter makes no sense any more (the rules of
    docs/product-rules.md, "Letters", are about each letter alone)."""
    replied = row.get("date_reponse")
    if type_id != REPONSE and is_filled(replied):
        shown = date_fr(replied) if isinstance(replied, date) else replied
        return f"sans objet : réponse déjà envoyée le {shown}"
    if type_id == SUIVI and REPONSE in due:
        return "sans objet : la réponse est prête, l'envoyer plutôt qu'un courrier d'attente"
    if type_id == SUIVI and ACCUSE in due:
        return ("sans objet : l'accusé de réception, dû aussi, donne la date de réponse (une "
                "nouvelle date s'il part après l'échéance)")
    return None


def promised_update(type_id: str, row: dict, params, today: date) -> date | None:
    """The reply date to record in ``PROMISED_COLUMN`` when a letter of ``type_id`` dated
    ``today`` goes out: the new date it announces, or ``None``."""
    if not LETTERS[type_id].announces_reply or not announces_new_date(row, today):
        return None
    return promised_date(today, params.delai_suivi, params.zone)


def missing_contact(row: dict) -> str | None:
    """What the register lacks for a letter to reach the client (a complaint by post is
    answered by post), or ``None``."""
    if is_filled(row.get("adresse")):
        return None
    if row.get("canal") == Canal.COURRIER:
        return POSTAL_ADDRESS
    if not is_filled(row.get("courriel")):
        return ADDRESS_OR_EMAIL
    return None


POSTAL_ADDRESS = "l'adresse postale"
ADDRESS_OR_EMAIL = "l'adresse postale ou le courriel"
_DELIVERY_PROBLEMS = {POSTAL_ADDRESS: "adresse manquante pour un courrier",
                      ADDRESS_OR_EMAIL: "ni adresse postale ni courriel pour envoyer le courrier"}


def delivery_problem(row: dict) -> str | None:
    """Why the letter could not reach the client, or ``None``."""
    missing = missing_contact(row)
    return None if missing is None else _DELIVERY_PROBLEMS[missing]


# --- context -------------------------------------------------------------------------

def is_professional(row: dict) -> bool:
    """« Type de client » says Professionnel (empty counts as Particulier)."""
    return str(row.get("type_client") or "").strip().casefold() == \
        TypeClient.PROFESSIONNEL.casefold()


def needs_recourse(type_id: str, row: dict, today: date) -> bool:
    """A reply refusing all or part of the claim, and a letter announcing a new reply date
    (the dispute is not settled within the commitment: Code de la consommation L612-1,
    L616-1), tell the client of the recourse outside the courts."""
    if type_id == REPONSE:
        return row.get("decision") in MEDIATION_DECISIONS
    return LETTERS[type_id].announces_reply and announces_new_date(row, today)


def needs_mediation(type_id: str, row: dict, today: date) -> bool:
    """The same cases, for a consumer: only a consumer may seize the consumer mediator
    (article liminaire; L611-3: mediation does not apply between professionals)."""
    return needs_recourse(type_id, row, today) and not is_professional(row)


def mediator_problem(type_id: str, row: dict, params, today: date) -> str | None:
    """Why a letter that must name the mediator cannot be made, or ``None``."""
    if not needs_mediation(type_id, row, today):
        return None
    missing = [label for label, value in (("Médiateur", params.mediateur),
                                          ("Site du médiateur", params.site_mediateur),
                                          ("Adresse du médiateur", params.adresse_mediateur))
               if not is_filled(value)]
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
               if not is_filled(value)]
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
    """(new date?, the reply date) a letter dated ``today`` gives: the latest promise while
    it lies ahead, else a new date (never a day before the letter)."""
    if not announces_new_date(row, today):
        return False, latest_promise(row)
    return True, promised_date(today, params.delai_suivi, params.zone)


def one_line(text: object) -> str:
    """A multi-line address on one line, its lines joined by commas."""
    return ", ".join(line.strip(" ,") for line in clean_text(text).splitlines() if line.strip())


def unbreakable(numero: object) -> str:
    """The complaint number as letters print it: its hyphens never break a line."""
    return clean_text(numero).replace("-", NON_BREAKING_HYPHEN)


def _company_fields(params) -> dict:
    return {
        "societe_nom": clean_text(params.societe),
        "societe_adresse": clean_text(params.adresse),
        "societe_courriel": clean_text(params.courriel),
        "societe_telephone": clean_text(params.telephone),
        "signataire": clean_text(params.signataire),
        "mentions_legales": clean_text(params.mentions_legales),
        "donnees_contact": clean_text(params.contact_donnees) or clean_text(params.courriel),
        "duree_conservation": params.duree_conservation,
        "mediateur_nom": clean_text(params.mediateur),
        "mediateur_adresse": one_line(params.adresse_mediateur),
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
        "professionnel": is_professional(row),
    }


def _dates_fields(row: dict, params, today: date) -> dict:
    received = row["date_reclamation"]
    late, promised = promised_reply(row, params, today)
    return {
        "numero": unbreakable(row.get("numero")),
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
    recourse = needs_recourse(type_id, row, today)
    return {
        "informations_manquantes": split_items(row.get("infos_manquantes")),
        "resolution": clean_text(row.get("resolution")),
        "decision": decision,
        "decision_texte": DECISION_TEXTS.get(decision, ""),
        "mediation": recourse and not is_professional(row),
        "recours_professionnel": recourse and is_professional(row),
    }


def build_context(type_id: str, row: dict, params, today: date) -> dict:
    """Every field of ``CONTEXT_FIELDS`` for one letter; raises :class:`LetterRefused`."""
    check_letter(type_id, row, params, today)
    context = {**_company_fields(params), **_client_fields(row),
               **_dates_fields(row, params, today), **_handling_fields(type_id, row, today)}
    assert context.keys() == CONTEXT_FIELDS.keys()
    return context
