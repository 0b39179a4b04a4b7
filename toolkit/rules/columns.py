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


# The drop-down lists, in the order the workbook offers them (plain strings).
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

TEXT, DATE, CHOICE, FORMULA = "text", "date", "choice", "formula"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    width: int = 16


COLUMNS: tuple[Column, ...] = (
    Column("numero", "Numéro", TEXT, required=True, width=11),
    Column("date_reclamation", "Date de réclamation", DATE, required=True, width=13),
    Column("canal", "Canal", CHOICE, required=True, choices=CANAUX, width=12),
    Column("civilite", "Civilité", CHOICE, choices=CIVILITES, width=11),
    Column("nom", "Nom du client", TEXT, required=True, width=24),
    Column("adresse", "Adresse", TEXT, width=30),
    Column("courriel", "Courriel", TEXT, width=26),
    Column("telephone", "Téléphone", TEXT, width=15),
    Column("categorie", "Catégorie", CHOICE, choices=CATEGORIES, width=22),
    Column("description", "Description", TEXT, required=True, width=45),
    Column("infos_manquantes", "Informations manquantes", TEXT, width=30),
    Column("date_demande_confirmation", "Date de demande de confirmation écrite", DATE, width=14),
    Column("date_confirmation", "Date de confirmation écrite", DATE, width=14),
    Column("date_accuse", "Date d'accusé de réception", DATE, width=14),
    Column("date_demande_complements", "Date de demande de compléments", DATE, width=14),
    Column("date_reception_complements", "Date de réception des compléments", DATE, width=14),
    Column("date_information", "Date d'information du client", DATE, width=14),
    Column("date_reponse_annoncee", "Date de réponse annoncée", DATE, width=14),
    Column("actions", "Actions", TEXT, width=40),
    Column("resolution", "Résolution", TEXT, width=40),
    Column("decision", "Décision", CHOICE, choices=DECISIONS, width=22),
    Column("date_reponse", "Date de réponse au client", DATE, width=14),
    Column("satisfaction", "Satisfaction du client", CHOICE, choices=SATISFACTIONS, width=20),
    Column("responsable", "Responsable", TEXT, width=16),
    Column("observations", "Observations", TEXT, width=30),
    Column("echeance_accuse", "Échéance accusé de réception", FORMULA, width=14),
    Column("echeance_reponse", "Échéance réponse", FORMULA, width=14),
    Column("statut", "Statut", FORMULA, width=24),
)

BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
INPUT_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS if c.kind != FORMULA)
DATE_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.kind == DATE)
TEXT_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.kind in (TEXT, CHOICE))


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

@dataclass(frozen=True)
class Parameter:
    key: str
    label: str
    default: str


# Days before the reply deadline when a progress letter becomes due.
DEFAULT_NOTICE_DAYS = 5
DEFAULT_PROMISE_DAYS = 15  # days a late progress letter gives itself to reply
# Years a complaint keeps its personal data after its reply (docs/product-rules.md,
# "Personal data"): the limitation period of a contractual claim, Code civil art. 2224;
# CNIL référentiel
# « gestion commerciale » (clients et prospects).
DEFAULT_RETENTION_YEARS = 5
PARAMETERS: tuple[Parameter, ...] = (
    Parameter("societe", "Société", "ONLY PERMIS"),
    Parameter("adresse", "Adresse", ""),
    Parameter("courriel", "Courriel", "contact@onlypermis.fr"),
    Parameter("telephone", "Téléphone", "09.87.77.84.79"),
    Parameter("signataire", "Signataire", ""),
    Parameter("mediateur", "Médiateur", ""),
    Parameter("site_mediateur", "Site du médiateur", ""),
    Parameter("zone", "Zone des jours fériés", Zone.METROPOLE.value),
    Parameter("preavis_suivi", "Jours de préavis de suivi", str(DEFAULT_NOTICE_DAYS)),
    Parameter("delai_suivi", "Délai annoncé dans le courrier de suivi",
              str(DEFAULT_PROMISE_DAYS)),
    Parameter("duree_conservation", "Durée de conservation (années)",
              str(DEFAULT_RETENTION_YEARS)),
)
# The government's list of approved mediators: where to find one, never a mediator's site.
MEDIATOR_LIST_PAGE = "https://www.economie.gouv.fr/mediation-conso"


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

SHEET_REGISTER = "Registre"
SHEET_PARAMETERS = "Paramètres"
SHEET_HOLIDAYS = "Jours fériés"
SHEET_LISTS = "Listes"
