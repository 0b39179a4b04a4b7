"""SPEC `toolkit status --json`: each complaint's deadlines, their statuses and the next
thing to do, overdue first.

The next-action wording is the product's (SPEC gives none on main); each wording is one
function. (Decided 2026-12-06, issue 23: a past deadline reads « en retard depuis le … »,
a letter produced and not yet sent reads « prêt à envoyer », and the advice names the
command to run next.)
"""

from __future__ import annotations

from datetime import date

from reference import letters
from reference.legal_calendar import (
    EN_RETARD,
    ENVOYE_A_TEMPS,
    ENVOYE_EN_RETARD,
    ack_deadline,
    deadline_status,
    reply_deadline,
)


def table_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def letter_action(kind: str, row: dict, ack_due: date, reply_due: date, today: date) -> str:
    if kind == letters.CONFIRMATION:
        return "Demander la confirmation écrite"
    if kind == letters.ACCUSE:
        return f"Envoyer l'accusé de réception (au plus tard le {table_date(ack_due)})"
    if kind == letters.COMPLEMENTS:
        return "Demander les informations complémentaires"
    if kind == letters.REPONSE:
        return f"Envoyer la réponse (au plus tard le {table_date(reply_due)})"
    if letters.reply_is_late(row, today):
        return "Informer le client du retard et lui annoncer une date de réponse"
    return "Informer le client de l'avancement"


def promise_action(promised: date, today: date) -> str:
    if today > promised:
        return (f"Réponse annoncée pour le {table_date(promised)} non envoyée : répondre "
                "sans attendre")
    return f"Envoyer la réponse annoncée (au plus tard le {table_date(promised)})"


def next_action(row: dict, ack_due: date, reply_due: date, today: date,
                notice_days: int) -> str:
    """Closed; else the first due letter that is not pointless (so that ``status`` and
    ``letters`` agree); else the promised reply; else the investigation."""
    if row.get("date_reponse") is not None:
        return "Clôturée"
    due = letters.due_letters(row, today, notice_days)
    for kind in due:
        if not letters.pointless(kind, row, due):
            return letter_action(kind, row, ack_due, reply_due, today)
    if row.get("date_reponse_annoncee") is not None:
        return promise_action(row["date_reponse_annoncee"], today)
    return f"Instruire et répondre (au plus tard le {table_date(reply_due)})"


def counted_deadline(row: dict, ack_due: date, reply_due: date) -> date:
    """The deadline ``jours_restants`` counts to: the acknowledgement's while nothing is
    sent, then the reply's, or the date a late ``suivi`` promised once acknowledged."""
    if row.get("date_accuse") is None and row.get("date_reponse") is None:
        return ack_due
    if row.get("date_reponse_annoncee") is not None and row.get("date_accuse") is not None:
        return row["date_reponse_annoncee"]
    return reply_due


def promise_broken(row: dict, today: date) -> bool:
    promised = row.get("date_reponse_annoncee")
    return promised is not None and today > promised and row.get("date_reponse") is None


def complaint_status(row: dict, zone: str, today: date, notice_days: int) -> dict:
    received = row["date_reclamation"]
    ack_due, reply_due = ack_deadline(received, zone), reply_deadline(received)
    replied = row.get("date_reponse") is not None
    promised = row.get("date_reponse_annoncee")
    return {
        "numero": row["numero"],
        "ligne": row["ligne"],
        "date_reclamation": received.isoformat(),
        "echeance_accuse": ack_due.isoformat(),
        "echeance_reponse": reply_due.isoformat(),
        "statut_accuse": deadline_status(ack_due, row.get("date_accuse"), today),
        "statut_reponse": deadline_status(reply_due, row.get("date_reponse"), today),
        "jours_restants": None if replied else
        (counted_deadline(row, ack_due, reply_due) - today).days,
        "prochaine_action": next_action(row, ack_due, reply_due, today, notice_days),
        "date_reponse_annoncee": promised.isoformat() if promised else None,
        "promesse_non_tenue": promise_broken(row, today),
    }


def is_overdue(status: dict) -> bool:
    return status["promesse_non_tenue"] or EN_RETARD in (status["statut_accuse"],
                                                          status["statut_reponse"])


def is_closed(status: dict) -> bool:
    return status["statut_reponse"] in (ENVOYE_A_TEMPS, ENVOYE_EN_RETARD)


def urgency(status: dict) -> tuple:
    """Overdue first (most late first), then open by days left, then closed; ties by
    reception date, then row."""
    group = 0 if is_overdue(status) else 1 if not is_closed(status) else 2
    return (group, status["jours_restants"] or 0, status["date_reclamation"], status["ligne"])


def statuses(rows: list[dict], zone: str, today: date, notice_days: int) -> list[dict]:
    return sorted((complaint_status(row, zone, today, notice_days) for row in rows),
                  key=urgency)
