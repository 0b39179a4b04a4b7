"""SPEC `toolkit status --json`: each complaint's deadlines, their statuses and the next
thing to do, overdue first.

The next-action wording is the product's (SPEC gives none); "The desk's day" decides its
shape: a past deadline reads « en retard depuis le … », never « au plus tard » a passed
date, and the advice names the command to run next, after what the register must first
hold when that command would be refused for want of a way to reach the client. (A letter
produced and not yet sent reads « prêt à envoyer »: these registers have no letters yet.)
"""

from __future__ import annotations

from datetime import date, timedelta

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


def held_to(deadline: date, today: date) -> str:
    """Never a past date as a limit: « en retard depuis » the first day past it."""
    if today > deadline:
        return f"en retard depuis le {table_date(deadline + timedelta(days=1))}"
    return f"au plus tard le {table_date(deadline)}"


ACTIONS = {
    letters.CONFIRMATION: "Demander la confirmation écrite",
    letters.ACCUSE: "Envoyer l'accusé de réception",
    letters.COMPLEMENTS: "Demander les informations complémentaires",
    letters.SUIVI: "Informer le client de l'avancement et de la date de réponse",
    letters.REPONSE: "Envoyer la réponse",
}


def letter_action(kind: str, row: dict, ack_due: date, today: date) -> str:
    """What to do, held to its day where it has one, and the command that does it."""
    held = {letters.ACCUSE: ack_due, letters.SUIVI: letters.latest_promise(row),
            letters.REPONSE: letters.latest_promise(row)}.get(kind)
    when = f" ({held_to(held, today)})" if held is not None else ""
    command = f"toolkit letters --numero {row['numero']} --type {kind}"
    missing = {None: None, letters.NO_POSTAL_ADDRESS: "l'adresse postale",
               letters.NO_WAY_TO_REACH: "l'adresse postale ou le courriel"}[
        letters.delivery_refusal(row)]
    if missing is None:
        return f"{ACTIONS[kind]}{when} : {command}"
    # The command alone would be refused: first what the register lacks.
    action = ACTIONS[kind][0].lower() + ACTIONS[kind][1:]
    return f"Inscrire au registre {missing} du client, puis {action}{when} : {command}"


def next_action(row: dict, ack_due: date, reply_due: date, today: date,
                notice_days: int) -> str:
    """Closed; else the first due letter that is not pointless (so that ``status`` and
    ``letters`` agree); else the reply, held to the latest promise."""
    if row.get("date_reponse") is not None:
        return "Clôturée"
    due = letters.due_letters(row, today, notice_days)
    for kind in due:
        if not letters.pointless(kind, row, due):
            return letter_action(kind, row, ack_due, today)
    promise = letters.latest_promise(row)
    if row.get("date_reponse_annoncee") is not None:
        return f"Envoyer la réponse annoncée ({held_to(promise, today)})"
    return f"Instruire et répondre ({held_to(promise, today)})"


def counted_deadline(row: dict, ack_due: date, reply_due: date) -> date:
    """The deadline ``jours_restants`` counts to: the acknowledgement's while nothing is
    sent, then the reply's, or the date a late ``suivi`` promised once acknowledged."""
    if row.get("date_accuse") is None and row.get("date_reponse") is None:
        return ack_due
    if row.get("date_reponse_annoncee") is not None and row.get("date_accuse") is not None:
        return row["date_reponse_annoncee"]
    return reply_due


def days_counted_to(row: dict, zone: str) -> date | None:
    """The date ``jours_restants`` counts to, ``None`` once the reply is sent."""
    if row.get("date_reponse") is not None:
        return None
    received = row["date_reclamation"]
    return counted_deadline(row, ack_deadline(received, zone), reply_deadline(received))


def promise_broken(row: dict, today: date) -> bool:
    promised = row.get("date_reponse_annoncee")
    return promised is not None and today > promised and row.get("date_reponse") is None


def complaint_status(row: dict, zone: str, today: date, notice_days: int) -> dict:
    received = row["date_reclamation"]
    ack_due, reply_due = ack_deadline(received, zone), reply_deadline(received)
    promised = row.get("date_reponse_annoncee")
    counted = days_counted_to(row, zone)
    return {
        "numero": row["numero"],
        "ligne": row["ligne"],
        "date_reclamation": received.isoformat(),
        "echeance_accuse": ack_due.isoformat(),
        "echeance_reponse": reply_due.isoformat(),
        "statut_accuse": deadline_status(ack_due, row.get("date_accuse"), today),
        "statut_reponse": deadline_status(reply_due, row.get("date_reponse"), today),
        "jours_restants": None if counted is None else (counted - today).days,
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
