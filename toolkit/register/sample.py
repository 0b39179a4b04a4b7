"""The bundled sample register: fictional complaints over several months.

Deterministic (fixed seed and reference day) so that ``make demo`` and the report show the
same figures on every machine. Regenerate with ``python -m toolkit.register.sample``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from toolkit.register.template import create_register
from toolkit.rules.columns import CANAUX, CATEGORIES, DECISIONS, SATISFACTIONS
from toolkit.rules.deadlines import add_jours_ouvrables, reply_deadline

REFERENCE_DAY = date(2026, 11, 20)
SAMPLE_PATH = Path("register") / "exemple_registre.xlsx"

SAMPLE_PARAMETERS = {
    "societe": "ONLY PERMIS",
    "adresse": "12 rue de la République\n75011 Paris",
    "courriel": "contact@onlypermis.fr",
    "telephone": "09.87.77.84.79",
    "signataire": "Claire Martin, responsable d'agence",
    "mediateur": "CM2C - Centre de la Médiation de la Consommation de Conciliateurs de Justice",
    "site_mediateur": "https://www.cm2c.net",
    "zone": "Métropole",
    "preavis_suivi": "5",
    "adresse_mediateur": "14 rue Saint-Jean\n75017 Paris",
    "mentions_legales": "ONLY PERMIS SARL au capital de 8 000 € – RCS Paris 812 345 678 – "
                        "SIRET 812 345 678 00019",
    "contact_donnees": "donnees@onlypermis.fr",
    "duree_conservation": "5",
}

CLIENTS = [
    ("Madame", "Léa Moreau", "8 rue des Lilas\n75020 Paris"),
    ("Monsieur", "Karim Benali", "27 avenue Gambetta\nAppartement 12\n75020 Paris"),
    ("Madame", "Sophie Lefèvre", "3 impasse du Moulin\n93100 Montreuil"),
    ("Monsieur", "Thomas Girard", "115 boulevard Voltaire\n75011 Paris"),
    (None, "Dupont & Fils <SARL>", "4 quai de Jemmapes\n75010 Paris"),
    ("Madame", "Inès Haddad", "19 rue Oberkampf\n75011 Paris"),
    ("Monsieur", "Lucas Petit", "2 place de la Nation\n75012 Paris"),
    ("Madame", "Camille Roux", "56 rue de Charonne\n75011 Paris"),
    ("Monsieur", "Hugo Fontaine", "9 allée des Peupliers\n94300 Vincennes"),
    ("Madame", "Chloé N'Diaye", "31 rue de Bagnolet\n75020 Paris"),
    ("Monsieur", "Mathis O'Connor", "14 rue Saint-Maur\n75011 Paris"),
    ("Madame", "Emma Lambert", "70 avenue de la République\n75011 Paris"),
]

# A company complaining about its trade: no consumer mediator for it (Code de la consommation,
# article liminaire, L611-3).
PROFESSIONAL_CLIENTS = {"Dupont & Fils <SARL>": "Professionnel"}

DESCRIPTIONS = {
    "Pédagogie": ("Le moniteur ne suit pas le livret d'apprentissage et change d'exercice "
                  "à chaque leçon.", "Échange avec le moniteur, reprise du livret, leçon "
                  "d'évaluation offerte."),
    "Planning / leçons": ("Trois leçons annulées la veille sans proposition de report.",
                          "Vérification du planning : deux annulations dues à "
                          "l'indisponibilité du moniteur ; leçons reprogrammées en "
                          "priorité."),
    "Examen": ("Date d'examen pratique repoussée deux fois sans explication.",
               "Vérification des places attribuées par la préfecture ; nouvelle date "
               "communiquée et confirmée."),
    "Facturation / financement": ("Facture de 20 heures alors que 18 heures ont été "
                                  "effectuées ; dossier CPF non mis à jour.",
                                  "Contrôle des feuilles de présence ; avoir de deux heures "
                                  "émis, CPF régularisé."),
    "Administratif": ("Dossier ANTS toujours incomplet après deux mois.",
                      "Relance de l'ANTS, pièces manquantes demandées au client."),
    "Accueil": ("Accueil téléphonique désagréable, appel raccroché.",
                "Entretien avec la personne d'accueil, rappel des consignes d'accueil."),
    "Véhicule": ("Véhicule de leçon sale et voyant moteur allumé pendant la leçon.",
                 "Passage au garage, véhicule remplacé le temps de la réparation."),
    "Autre": ("Conteste les conditions de remboursement après abandon de la formation.",
              "Étude du contrat : remboursement au prorata selon les conditions générales."),
}
RESOLUTIONS = {
    "Favorable": "Nous faisons droit à votre demande : {action}",
    "Partiellement favorable": "Nous faisons droit en partie à votre demande : {action}",
    "Défavorable": "Après étude, nous ne pouvons pas faire droit à votre demande, les "
                   "conditions générales ayant été respectées.",
}
LATE_REASONS = ("Attente de la réponse de la préfecture.", "Moniteur concerné en congé, "
                "enquête prolongée.", "Attente du relevé de l'organisme financeur.")
# (days between complaints, profile): profiles drive which dates are filled in.
PROFILES = ("on_time", "on_time", "on_time", "late_ack", "late_reply", "on_time",
            "incomplete", "on_time")


SATISFIED, PARTLY, NOT_SATISFIED, NO_ANSWER = SATISFACTIONS
# What the client answered when asked at closure: mostly what the decision gave them.
SATISFACTION_OF_DECISION = dict(zip(DECISIONS, (SATISFIED, PARTLY, NOT_SATISFIED), strict=True))


def _satisfaction(decision: str, index: int) -> str:
    """The answer of a closed complaint's client; derived from the row's index, not drawn,
    so that every other value of the sample stays what it was before the column existed."""
    if index % 6 == 1:
        return NO_ANSWER
    if index % 7 == 2 and decision == DECISIONS[0]:
        return PARTLY  # granted, yet not quite happy (it happens)
    return SATISFACTION_OF_DECISION[decision]


def _resolution(decision: str, action: str) -> str:
    # Only the first letter is lowered: acronyms such as ANTS or CPF stay as they are.
    return RESOLUTIONS[decision].format(action=action[:1].lower() + action[1:])


def _received_days(rng: random.Random) -> list[date]:
    days, day = [], date(2026, 5, 4)
    while day < REFERENCE_DAY:
        days.append(day)
        day += timedelta(days=rng.randint(3, 8))
    return days


def _closed_row(rng: random.Random, row: dict, received: date, profile: str) -> dict:
    ack_days = rng.randint(12, 14) if profile == "late_ack" else rng.randint(2, 9)
    row["date_accuse"] = add_jours_ouvrables(received, ack_days)
    if profile == "incomplete":
        row["infos_manquantes"] = "Copie de la facture contestée\nRelevé d'heures signé"
        row["date_demande_complements"] = row["date_accuse"]
        row["date_reception_complements"] = row["date_accuse"] + timedelta(days=6)
    reply_days = rng.randint(34, 45) if profile == "late_reply" else rng.randint(8, 27)
    decision = rng.choice(DECISIONS)
    action = DESCRIPTIONS[row["categorie"]][1]
    row.update(actions=action, decision=decision,
               resolution=_resolution(decision, action),
               date_reponse=received + timedelta(days=reply_days))
    if profile == "late_reply":
        row["date_information"] = reply_deadline(received) - timedelta(days=3)
        row["observations"] = rng.choice(LATE_REASONS)
    return row


def _open_row(rng: random.Random, row: dict, received: date, index: int) -> dict:
    """A complaint still in progress on ``REFERENCE_DAY``, at one of the usual stages."""
    age = (REFERENCE_DAY - received).days
    stage = index % 4
    if age >= 4 and not (stage == 1 and age >= 12):
        row["date_accuse"] = add_jours_ouvrables(received, rng.randint(2, 4))
    if row["canal"] == "Téléphone" and stage == 2:
        row.pop("date_demande_confirmation", None)
        row.pop("date_confirmation", None)
    if stage == 3:
        row["infos_manquantes"] = "Copie du contrat de formation signé"
    if age >= 12:
        row["actions"] = DESCRIPTIONS[row["categorie"]][1]
    if age >= 20 and stage == 0:
        decision = DECISIONS[index % len(DECISIONS)]
        row.update(decision=decision,
                   resolution=_resolution(decision, row["actions"]))
    if age > 32:
        row["observations"] = rng.choice(LATE_REASONS)
    return row


def sample_rows(seed: int = 2026) -> list[dict]:
    """Fictional complaints from May to November 2026, judged on ``REFERENCE_DAY``."""
    rng = random.Random(seed)
    rows = []
    counters: dict[int, int] = {}
    for index, received in enumerate(_received_days(rng)):
        counters[received.year] = counters.get(received.year, 0) + 1
        civilite, nom, adresse = CLIENTS[index % len(CLIENTS)]
        category = CATEGORIES[index % len(CATEGORIES)]
        canal = CANAUX[index % len(CANAUX)]
        row = {
            "numero": f"{received.year}-{counters[received.year]:03d}",
            "type_client": PROFESSIONAL_CLIENTS.get(nom),
            "date_reclamation": received, "canal": canal, "civilite": civilite, "nom": nom,
            "adresse": adresse, "categorie": category,
            "courriel": f"client{index + 1:02d}@exemple.fr" if canal != "Courrier" else None,
            "telephone": f"06{rng.randint(10_000_000, 99_999_999)}",
            "description": DESCRIPTIONS[category][0],
            "responsable": rng.choice(("Claire Martin", "Yanis Morel")),
        }
        if canal == "Téléphone":
            row["date_demande_confirmation"] = received + timedelta(days=1)
            if (REFERENCE_DAY - received).days > 10:
                row["date_confirmation"] = received + timedelta(days=rng.randint(3, 8))
        age = (REFERENCE_DAY - received).days
        open_complaint = age < 45 and (index % 5 != 0 or age < 25)
        profile = PROFILES[index % len(PROFILES)]
        if open_complaint:
            rows.append(_open_row(rng, row, received, index))
            continue
        row = _closed_row(rng, row, received, profile)
        rows.append({**row, "satisfaction": _satisfaction(row["decision"], index)})
    return rows


def build_sample_register(path: Path = SAMPLE_PATH) -> Path:
    """Write the sample register (replacing an older copy of it)."""
    path = Path(path)
    path.unlink(missing_ok=True)
    return create_register(path, sample_rows(), SAMPLE_PARAMETERS)


if __name__ == "__main__":
    print(build_sample_register())
