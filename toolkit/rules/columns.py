"""The register's columns, list values and parameters, as docs/product-rules.md,
"The register workbook", names them.

Headers are a contract with other tools: never rename them. Code refers to columns by
their short ``key``; users only ever see the ``header``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Canal(StrEnum):
    COURRIER = "Courrier"
    COURRIEL = "Courriel"
    TELEPHONE = "Téléphone"


class Civilite(StrEnum):
    MADAME = "Madame"
    MONSIEUR = "Monsieur"


class Decision(StrEnum):
    FAVORABLE = "Favorable"
    PARTIELLEMENT_FAVORABLE = "Partiellement favorable"
    DEFAVORABLE = "Défavorable"


class Zone(StrEnum):
    """Which public holidays apply (``Zone des jours fériés``)."""

    METROPOLE = "Métropole"
    ALSACE_MOSELLE = "Alsace-Moselle"


class TypeClient(StrEnum):
    """Who complains: a consumer, or a business acting for its trade (Code de la consommation,
    article liminaire). Only a consumer may be offered the consumer mediator."""

    PARTICULIER = "Particulier"
    PROFESSIONNEL = "Professionnel"


# The drop-down lists' values (plain strings).
CANAUX = tuple(map(str, Canal))
CIVILITES = tuple(map(str, Civilite))
CATEGORIES = (
    "Pédagogie",
    "Planning / leçons",
    "Examen",
    "Facturation / financement",
    "Administratif",
    "Accueil",
    "Véhicule",
    "Autre",
)
DECISIONS = tuple(map(str, Decision))
SATISFACTIONS = ("Satisfait", "Partiellement satisfait", "Non satisfait", "Sans retour")
ZONES = tuple(map(str, Zone))
TYPES_CLIENT = tuple(map(str, TypeClient))
# What « Courriel du client » must look like (check, and `new` as it is typed).
EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[A-Za-z]{2,}$")

TEXT, DATE, CHOICE, FORMULA, INTEGER = "text", "date", "choice", "formula", "integer"


@dataclass(frozen=True)
class Column:
    """One column of ``Registre``: everything else (the pandera schema, the drop-downs, the
    workbook's formats and help, the reading) is derived from this declaration.

    ``list_slot``: the column of the ``Listes`` sheet holding its drop-down values (1-based,
    never changed once shipped: older registers' drop-downs point there; a new list takes
    the next free slot). ``help``: the input message Excel shows on the column's cells.
    """

    key: str
    header: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    width: int = 16
    list_slot: int = 0
    help: str = ""
    unique: bool = False
    email: bool = False


# Said in the workbook: what the letters send to the client, and what stays inside.
INTERNAL_HELP = ("Note interne : jamais envoyée au client (ni courrier ni courriel) ; "
                 "reprise dans la fiche de synthèse du dossier.")

COLUMNS: tuple[Column, ...] = (
    Column("numero", "Numéro", TEXT, required=True, width=11, unique=True),
    Column("date_reclamation", "Date de réclamation", DATE, required=True, width=13),
    Column("canal", "Canal", CHOICE, required=True, choices=CANAUX, width=12, list_slot=1),
    Column("civilite", "Civilité", CHOICE, choices=CIVILITES, width=11, list_slot=2),
    Column("nom", "Nom du client", TEXT, required=True, width=24),
    Column("type_client", "Type de client", CHOICE, choices=TYPES_CLIENT, width=14,
           list_slot=7,
           help="Particulier (vide = Particulier) ou Professionnel : un professionnel "
                "ne se voit pas proposer le médiateur de la consommation."),
    Column("adresse", "Adresse", TEXT, width=30),
    Column("courriel", "Courriel", TEXT, width=26, email=True),
    Column("telephone", "Téléphone", TEXT, width=15),
    Column("categorie", "Catégorie", CHOICE, choices=CATEGORIES, width=22, list_slot=3),
    Column("description", "Description", TEXT, required=True, width=45),
    Column("infos_manquantes", "Informations manquantes", TEXT, width=30,
           help="Envoyé au client : la liste des informations ou pièces demandées, une "
                "par ligne."),
    Column("date_demande_confirmation", "Date de demande de confirmation écrite", DATE, width=14),
    Column("date_confirmation", "Date de confirmation écrite", DATE, width=14),
    Column("date_accuse", "Date d'accusé de réception", DATE, width=14),
    Column("date_demande_complements", "Date de demande de compléments", DATE, width=14),
    Column("date_reception_complements", "Date de réception des compléments", DATE, width=14),
    Column("date_information", "Date d'information du client", DATE, width=14),
    Column("date_reponse_annoncee", "Date de réponse annoncée", DATE, width=14),
    Column("actions", "Actions", TEXT, width=40,
           help="Enquête et actions menées. " + INTERNAL_HELP + " Ce qui est dit au client "
                "va dans « Résolution »."),
    Column("resolution", "Résolution", TEXT, width=40,
           help="Envoyé au client : la solution, écrite pour lui, est imprimée telle quelle "
                "dans la réponse. Les notes d'enquête vont dans « Actions »."),
    Column("decision", "Décision", CHOICE, choices=DECISIONS, width=22, list_slot=4),
    Column("date_reponse", "Date de réponse au client", DATE, width=14),
    Column("satisfaction", "Satisfaction du client", CHOICE, choices=SATISFACTIONS, width=20,
           list_slot=6),
    Column("responsable", "Responsable", TEXT, width=16, help=INTERNAL_HELP),
    Column("observations", "Observations", TEXT, width=30, help=INTERNAL_HELP),
    Column("echeance_accuse", "Échéance accusé de réception", FORMULA, width=14),
    Column("echeance_reponse", "Échéance réponse", FORMULA, width=14),
    Column("statut", "Statut", FORMULA, width=24),
)

BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
INPUT_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS if c.kind != FORMULA)
DATE_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.kind == DATE)
TEXT_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.kind in (TEXT, CHOICE))
CHOICE_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS if c.choices)
# Never sent to the client: no letter field and no e-mail draft carries them
# (docs/product-rules.md, "Letters, legally").
INTERNAL_KEYS = ("actions", "observations", "responsable")


def header_of(key: str) -> str:
    return BY_KEY[key].header


def normalize_header(text: object) -> str:
    """Fold a header the way staff may type it: case, accents, apostrophes, spaces."""
    folded = unicodedata.normalize("NFKD", str(text or ""))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.replace("’", "'").replace("‘", "'").replace("`", "'")
    return re.sub(r"\s+", " ", folded).strip().casefold()


KEY_BY_NORMALIZED_HEADER: dict[str, str] = {normalize_header(c.header): c.key for c in COLUMNS}


# --- Paramètres sheet -------------------------------------------------------------

# The government's list of approved mediators: where to find one, never a mediator's site.
MEDIATOR_LIST_PAGE = "https://www.economie.gouv.fr/mediation-conso"


@dataclass(frozen=True)
class Parameter:
    """One line of ``Paramètres``: the field of :class:`~toolkit.rules.records.Parameters`
    (``key``), the sheet's line and help, and how a typed value is read. ``needed``: why
    letters need it, said by ``check`` when it is empty (empty: not needed).
    ``list_slot``: as for :class:`Column`."""

    key: str
    label: str
    default: str
    help: str = ""
    kind: str = TEXT
    choices: tuple[str, ...] = ()
    needed: str = ""
    list_slot: int = 0


# Days before the reply deadline when a progress letter becomes due.
DEFAULT_NOTICE_DAYS = 5
DEFAULT_PROMISE_DAYS = 15  # days a late progress letter gives itself to reply
# Years a complaint keeps its personal data after its reply (docs/product-rules.md,
# "Personal data"): the limitation period of a contractual claim, Code civil art. 2224;
# CNIL référentiel « gestion commerciale » (clients et prospects).
DEFAULT_RETENTION_YEARS = 5
_MEDIATOR_CASES = ("les réponses défavorables ou partiellement favorables et les courriers "
                   "annonçant une nouvelle date de réponse")
PARAMETERS: tuple[Parameter, ...] = (
    Parameter("societe", "Société", "ONLY PERMIS"),
    Parameter("adresse", "Adresse", "",
              help="Adresse postale de la société, sur plusieurs lignes.",
              needed="l'en-tête des courriers postaux en a besoin"),
    Parameter("courriel", "Courriel", "contact@onlypermis.fr"),
    Parameter("telephone", "Téléphone", "09.87.77.84.79"),
    Parameter("signataire", "Signataire", "",
              needed="les courriers sont signés de ce nom"),
    Parameter("mediateur", "Médiateur", "",
              help="Nom du médiateur de la consommation auquel la société a adhéré. "
                   "Obligatoire pour une réponse Défavorable ou Partiellement favorable et "
                   "pour un courrier annonçant une nouvelle date de réponse.",
              needed=f"{_MEDIATOR_CASES} doivent nommer le médiateur de la consommation"),
    Parameter("site_mediateur", "Site du médiateur", "",
              help="Site internet de ce médiateur, pas la liste des médiateurs : "
                   f"celle-ci ({MEDIATOR_LIST_PAGE}) sert seulement à trouver le "
                   "vôtre. Obligatoire dans les mêmes cas.",
              needed="ces mêmes courriers doivent donner le site du médiateur"),
    Parameter("zone", "Zone des jours fériés", Zone.METROPOLE.value,
              help="Métropole ou Alsace-Moselle (Vendredi saint et 26 décembre en plus).",
              kind=CHOICE, choices=ZONES, list_slot=5),
    Parameter("preavis_suivi", "Jours de préavis de suivi", str(DEFAULT_NOTICE_DAYS),
              help="Nombre de jours avant l'échéance de réponse où le courrier de suivi "
                   "devient à faire.", kind=INTEGER),
    Parameter("delai_suivi", "Délai annoncé dans le courrier de suivi",
              str(DEFAULT_PROMISE_DAYS),
              help="Nombre de jours, après la date d'un courrier envoyé une fois la date de "
                   "réponse dépassée, de la nouvelle date de réponse qu'il annonce (reportée "
                   "au jour ouvrable suivant si besoin).", kind=INTEGER),
    Parameter("adresse_mediateur", "Adresse du médiateur", "",
              help="Adresse postale de ce médiateur, sur plusieurs lignes (Code de la "
                   "consommation L616-1 : ses coordonnées ; R612-1 : il doit pouvoir être "
                   "saisi par courrier). Obligatoire dans les mêmes cas.",
              needed="ces mêmes courriers doivent donner l'adresse postale du médiateur"),
    Parameter("mentions_legales", "Mentions légales", "",
              help="Une ligne imprimée en pied de chaque courrier : forme juridique, capital, "
                   "RCS (ville et numéro) ou SIREN/SIRET. Exemple : ONLY PERMIS SARL au "
                   "capital de 8 000 € – RCS Paris 123 456 789 (Code de commerce R123-237).",
              needed="le pied de chaque courrier doit porter la forme juridique, le capital "
                     "et l'immatriculation de la société (Code de commerce R123-237)"),
    Parameter("contact_donnees", "Contact données personnelles", "",
              help="Où les clients exercent leurs droits sur leurs données personnelles "
                   "(courriel ou adresse) ; vide : le courriel de la société. Imprimé dans "
                   "l'accusé de réception et la demande de confirmation (RGPD art. 13)."),
    Parameter("duree_conservation", "Durée de conservation (années)",
              str(DEFAULT_RETENTION_YEARS),
              help="Nombre d'années pendant lesquelles une réclamation garde ses données "
                   "personnelles après la réponse (5 par défaut : durée de prescription des "
                   "actions civiles, Code civil art. 2224 ; CNIL, référentiel « gestion "
                   "commerciale »). Annoncé aux clients ; « toolkit rgpd purge » efface "
                   "au-delà.", kind=INTEGER),
)


def _folded_url(url: str) -> str:
    text = url.strip().casefold().removesuffix("/")
    for prefix in ("https://", "http://", "www."):
        text = text.removeprefix(prefix)
    return text


def is_mediator_list_page(url: object) -> bool:
    """The government's list of approved mediators, however its address is typed: never a
    mediator's own site (docs/product-rules.md, "The register workbook")."""
    return bool(url) and isinstance(url, str) and \
        _folded_url(url).startswith(_folded_url(MEDIATOR_LIST_PAGE))


PARAMETER_BY_NORMALIZED_LABEL = {normalize_header(p.label): p for p in PARAMETERS}
PARAMETER_DEFAULTS: dict[str, str] = {p.key: p.default for p in PARAMETERS}
PARAMETER_BY_KEY: dict[str, Parameter] = {p.key: p for p in PARAMETERS}
NEEDED_PARAMETERS: dict[str, str] = {p.key: p.needed for p in PARAMETERS if p.needed}


def drop_down_lists() -> dict[str, tuple[str, ...]]:
    """The ``Listes`` sheet: list name (the column header or parameter label) → values, in
    the order of their slots."""
    owners = [(d.list_slot, getattr(d, "header", None) or d.label, d.choices)
              for d in (*COLUMNS, *PARAMETERS) if d.list_slot]
    return {name: values for _, name, values in sorted(owners)}


LIST_SOURCES: dict[str, tuple[str, ...]] = drop_down_lists()
assert [slot for slot, *_ in sorted((d.list_slot, 0) for d in (*COLUMNS, *PARAMETERS)
                                    if d.list_slot)] == list(range(1, len(LIST_SOURCES) + 1))

SHEET_REGISTER = "Registre"
SHEET_PARAMETERS = "Paramètres"
SHEET_HOLIDAYS = "Jours fériés"
SHEET_LISTS = "Listes"
