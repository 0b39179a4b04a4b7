"""The stable codes of ``toolkit check`` problems and their French messages (pure).

Codes are a contract with other tools (``--json``): never rename a value.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Why a cell, a column or a parameter of the register is refused."""

    OBLIGATOIRE = "obligatoire"
    DATE_INVALIDE = "date_invalide"
    VALEUR_HORS_LISTE = "valeur_hors_liste"
    COURRIEL_INVALIDE = "courriel_invalide"
    NUMERO_EN_DOUBLE = "numero_en_double"
    DATE_FUTURE = "date_future"
    DATE_AVANT_RECLAMATION = "date_avant_reclamation"
    COMPLEMENTS_AVANT_DEMANDE = "complements_avant_demande"
    REPONSE_SANS_RESOLUTION = "reponse_sans_resolution"
    REPONSE_SANS_DECISION = "reponse_sans_decision"
    DECISION_SANS_RESOLUTION = "decision_sans_resolution"
    COLONNE_MANQUANTE = "colonne_manquante"
    COLONNE_EN_DOUBLE = "colonne_en_double"
    PARAMETRE_INVALIDE = "parametre_invalide"
    NUMERO_MAL_FORME = "numero_mal_forme"
    COMPLEMENTS_SANS_DEMANDE = "complements_sans_demande"
    DATE_EN_TEXTE = "date_en_texte"
    PARAMETRE_MANQUANT = "parametre_manquant"
    SITE_MEDIATEUR_INVALIDE = "site_mediateur_invalide"
    CONSERVATION_DEPASSEE = "conservation_depassee"
    PARAMETRE_EN_DOUBLE = "parametre_en_double"


# One French sentence per code; ``{…}`` fields are filled by :func:`describe`.
MESSAGES: dict[Code, str] = {
    Code.OBLIGATOIRE: "valeur obligatoire manquante.",
    Code.DATE_INVALIDE: "« {valeur} » n'est pas une date (attendu : JJ/MM/AAAA).",
    Code.VALEUR_HORS_LISTE: "« {valeur} » n'est pas une valeur de la liste ({liste}).",
    Code.COURRIEL_INVALIDE: "« {valeur} » n'est pas une adresse électronique valide.",
    Code.NUMERO_EN_DOUBLE: "le numéro « {valeur} » est déjà utilisé par une autre réclamation.",
    Code.DATE_FUTURE: "le {date} est postérieur à aujourd'hui ({aujourdhui}).",
    Code.DATE_AVANT_RECLAMATION: "le {date} est antérieur à la date de réclamation "
                                 "({reclamation}).",
    Code.COMPLEMENTS_AVANT_DEMANDE: "les compléments sont reçus avant d'avoir été demandés "
                                    "({demande}).",
    Code.REPONSE_SANS_RESOLUTION: "une réponse est datée mais la résolution n'est pas "
                                  "renseignée.",
    Code.REPONSE_SANS_DECISION: "une réponse est datée mais la décision n'est pas renseignée.",
    Code.DECISION_SANS_RESOLUTION: "une décision est indiquée sans résolution.",
    Code.COLONNE_MANQUANTE: "la colonne obligatoire « {colonne} » est absente de l'en-tête "
                            "(ligne {ligne}).",
    Code.COLONNE_EN_DOUBLE: "la colonne « {colonne} » apparaît deux fois ; seule la première "
                            "est lue.",
    Code.PARAMETRE_INVALIDE: "feuille « {feuille} » : « {valeur} » refusé, {raison} ; la "
                             "valeur par défaut s'applique.",
    Code.NUMERO_MAL_FORME: "« {valeur} » n'a pas la forme AAAA-NNN (année de réception, tiret, "
                           "numéro d'au moins trois chiffres, par exemple 2026-019).",
    Code.COMPLEMENTS_SANS_DEMANDE: "des compléments sont reçus mais la date de demande de "
                                   "compléments est vide.",
    Code.DATE_EN_TEXTE: "« {valeur} » est saisi comme du texte, pas comme une date : les "
                        "formules du classeur peuvent afficher #VALEUR! (Excel dans une autre "
                        "langue). Ressaisissez une vraie date (Ctrl+; inscrit la date du jour).",
    Code.PARAMETRE_MANQUANT: "feuille « Paramètres » : « {valeur} » est vide ; {liste}.",
    Code.SITE_MEDIATEUR_INVALIDE: "feuille « Paramètres » : « {valeur} » n'est pas le site du "
                                  "médiateur ; {liste}.",
    Code.CONSERVATION_DEPASSEE: "réponse du {date} : la durée de conservation ({annees} ans) "
                                "est dépassée depuis le {depuis} ; « toolkit rgpd purge » "
                                "efface les données personnelles de cette réclamation.",
    Code.PARAMETRE_EN_DOUBLE: "feuille « Paramètres » : « {valeur} » figure déjà à la ligne "
                              "{ligne} ; seule cette première ligne est lue (par l'outil "
                              "comme par les formules du registre) : effacez l'une des deux.",
}

# Problems of the workbook's layout rather than of one complaint: they block no row.
STRUCTURAL_CODES = frozenset({Code.COLONNE_MANQUANTE, Code.COLONNE_EN_DOUBLE,
                              Code.PARAMETRE_INVALIDE, Code.PARAMETRE_EN_DOUBLE})

# Levels: an "erreur" makes `check` fail; an "avertissement" is reported, exit code unchanged.
ERREUR, AVERTISSEMENT = "erreur", "avertissement"
WARNING_CODES = frozenset({Code.DATE_EN_TEXTE, Code.PARAMETRE_MANQUANT,
                           Code.SITE_MEDIATEUR_INVALIDE, Code.CONSERVATION_DEPASSEE})


def describe(code: Code, **values: object) -> str:
    """The French message of ``code`` with its fields filled in."""
    return MESSAGES[code].format(**values)


assert set(MESSAGES) == set(Code)
