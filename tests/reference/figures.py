"""SPEC `toolkit stats` and the monthly report: a month's figures, from the rows as staff
typed them (column keys, Python dates), judged on ``today``.

Conventions of the published JSON that SPEC leaves open (and the product documents): each
breakdown lists every list value (zeros included, list order), then empty cells under
« Non renseigné » (« Sans décision » for the decision) when there are some;
``par_satisfaction`` always shows « Non renseigné » (SPEC: it totals ``recues``).
"""

from __future__ import annotations

import calendar
import statistics
from datetime import date

from reference.legal_calendar import (
    A_FAIRE,
    EN_RETARD,
    ENVOYE_A_TEMPS,
    ENVOYE_EN_RETARD,
    ack_deadline,
    deadline_status,
    jours_ouvrables_between,
    reply_deadline,
)

CANAUX = ("Courrier", "Courriel", "Téléphone")
CATEGORIES = ("Pédagogie", "Planning / leçons", "Examen", "Facturation / financement",
              "Administratif", "Accueil", "Véhicule", "Autre")
DECISIONS = ("Favorable", "Partiellement favorable", "Défavorable")
SATISFACTIONS = ("Satisfait", "Partiellement satisfait", "Non satisfait", "Sans retour")
NOT_SET, NO_DECISION = "Non renseigné", "Sans décision"


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def in_cohort(row: dict, month: str) -> bool:
    """A month's cohort: the complaints *received* in it."""
    return month_of(row["date_reclamation"]) == month


def ack_status(row: dict, zone: str, today: date) -> str:
    return deadline_status(ack_deadline(row["date_reclamation"], zone), row.get("date_accuse"),
                           today)


def reply_status(row: dict, today: date) -> str:
    return deadline_status(reply_deadline(row["date_reclamation"]), row.get("date_reponse"),
                           today)


def counts_as_on_time(status: str) -> bool:
    return status == ENVOYE_A_TEMPS


def counts_as_late(status: str) -> bool:
    """``*_en_retard``: sent late, or not sent with the deadline passed."""
    return status in (ENVOYE_EN_RETARD, EN_RETARD)


def counts_as_running(status: str) -> bool:
    """``en_cours``: no reply, deadline not passed."""
    return status == A_FAIRE


def counts_as_judged(status: str) -> bool:
    """A deadline still running is neither a success nor a failure yet."""
    return status != A_FAIRE


def reply_days(row: dict) -> int | None:
    """Reply time in calendar days."""
    sent = row.get("date_reponse")
    return None if sent is None else (sent - row["date_reclamation"]).days


def ack_jours_ouvrables(row: dict, zone: str) -> int | None:
    sent = row.get("date_accuse")
    return None if sent is None else jours_ouvrables_between(row["date_reclamation"], sent,
                                                             zone)


def whole(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def median_or_none(values: list[int]) -> int | float | None:
    return whole(statistics.median(values)) if values else None


def breakdown(values: list[object], known: tuple[str, ...], empty_label: str,
              always_show_empty: bool = False) -> dict[str, int]:
    found = {value: 0 for value in known}
    for value in values:
        label = empty_label if value is None else value
        found[label] = found.get(label, 0) + 1
    if always_show_empty:
        found.setdefault(empty_label, 0)
    return found


def month_figures(rows: list[dict], zone: str, month: str, today: date) -> dict[str, object]:
    """``stats --month --json`` for one register."""
    cohort = [row for row in rows if in_cohort(row, month)]
    acks = [ack_status(row, zone, today) for row in cohort]
    replies = [reply_status(row, today) for row in cohort]
    return {
        "mois": month,
        "recues": len(cohort),
        "accuse_a_temps": sum(map(counts_as_on_time, acks)),
        "accuse_en_retard": sum(map(counts_as_late, acks)),
        "reponse_a_temps": sum(map(counts_as_on_time, replies)),
        "reponse_en_retard": sum(map(counts_as_late, replies)),
        "en_cours": sum(map(counts_as_running, replies)),
        "delai_reponse_median_jours": median_or_none(
            [d for d in map(reply_days, cohort) if d is not None]),
        "par_canal": breakdown([r.get("canal") for r in cohort], CANAUX, NOT_SET),
        "par_categorie": breakdown([r.get("categorie") for r in cohort], CATEGORIES, NOT_SET),
        "par_decision": breakdown([r.get("decision") for r in cohort], DECISIONS, NO_DECISION),
        "par_satisfaction": breakdown([r.get("satisfaction") for r in cohort], SATISFACTIONS,
                                      NOT_SET, always_show_empty=True),
    }


def on_time_share(statuses: list[str]) -> float | None:
    """Percent on time among the judged deadlines, one decimal; None when none is judged."""
    judged = [s for s in statuses if counts_as_judged(s)]
    if not judged:
        return None
    return round(100 * sum(map(counts_as_on_time, judged)) / len(judged), 1)


def open_on(rows: list[dict], day: date) -> int:
    """Complaints received on or before ``day`` and not replied to on that day."""
    return sum(1 for row in rows if row["date_reclamation"] <= day
               and (row.get("date_reponse") is None or row["date_reponse"] > day))


def month_end(month: str) -> date:
    year, number = int(month[:4]), int(month[5:])
    return date(year, number, calendar.monthrange(year, number)[1])


def report_month_row(rows: list[dict], zone: str, month: str, today: date) -> dict[str, object]:
    """The report's line for the month (its 12-month series)."""
    cohort = [row for row in rows if in_cohort(row, month)]
    replies = [d for d in map(reply_days, cohort) if d is not None]
    acks = [d for d in (ack_jours_ouvrables(r, zone) for r in cohort) if d is not None]
    return {
        "recues": len(cohort),
        "delai_reponse_median_jours": median_or_none(replies),
        "delai_reponse_max_jours": max(replies) if replies else None,
        "delai_accuse_median_jours_ouvrables": median_or_none(acks),
        "accuse_a_temps_pct": on_time_share([ack_status(r, zone, today) for r in cohort]),
        "reponse_a_temps_pct": on_time_share([reply_status(r, today) for r in cohort]),
        # The current month ends today: later replies are not known yet.
        "en_cours_fin_de_mois": open_on(rows, min(month_end(month), today)),
    }
