"""Deadlines and statuses of every complaint on a given day, and the next thing to do.

Pure logic over the rows read from the register; the toolkit never reads the workbook's
formula columns, it computes everything here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from toolkit.dates import as_date, date_fr
from toolkit.rules import letters as rules
from toolkit.rules.columns import DEFAULT_NOTICE_DAYS, INPUT_COLUMNS, INTERNAL_KEYS
from toolkit.rules.deadlines import (
    A_FAIRE,
    EN_RETARD,
    ENVOYE_A_TEMPS,
    ENVOYE_EN_RETARD,
    ack_deadline,
    deadline_status,
    reply_deadline,
)
from toolkit.rules.records import frame_records

STATUS_LABELS = {
    ENVOYE_A_TEMPS: "envoyé à temps",
    ENVOYE_EN_RETARD: "envoyé en retard",
    A_FAIRE: "à faire",
    EN_RETARD: "EN RETARD",
}


@dataclass(frozen=True, slots=True)
class ComplaintStatus:
    """Where one complaint stands on ``today``."""

    numero: str
    ligne: int
    date_reclamation: date
    echeance_accuse: date
    echeance_reponse: date
    statut_accuse: str
    statut_reponse: str
    jours_restants: int | None  # to the next open deadline; negative when late
    prochaine_action: str
    date_reponse_annoncee: date | None = None  # promised by a late progress letter
    promesse_non_tenue: bool = False

    @property
    def en_retard(self) -> bool:
        return self.promesse_non_tenue or EN_RETARD in (self.statut_accuse, self.statut_reponse)

    @property
    def cloturee(self) -> bool:
        return self.statut_reponse in (ENVOYE_A_TEMPS, ENVOYE_EN_RETARD)

    def to_json(self) -> dict[str, object]:
        # Not dataclasses.asdict: it deep-copies every value, 10x slower on 100k complaints.
        promised = self.date_reponse_annoncee
        return {"numero": self.numero, "ligne": self.ligne,
                "date_reclamation": self.date_reclamation.isoformat(),
                "echeance_accuse": self.echeance_accuse.isoformat(),
                "echeance_reponse": self.echeance_reponse.isoformat(),
                "statut_accuse": self.statut_accuse, "statut_reponse": self.statut_reponse,
                "jours_restants": self.jours_restants,
                "prochaine_action": self.prochaine_action,
                "date_reponse_annoncee": promised.isoformat() if promised is not None
                else None,
                "promesse_non_tenue": self.promesse_non_tenue}


def held_to(deadline: date, today: date) -> str:
    """« au plus tard le … » while the deadline lies ahead, « en retard depuis le … » (the
    first day past it) once it has passed: never a past date as a limit."""
    if today > deadline:
        return f"en retard depuis le {date_fr(deadline + timedelta(days=1))}"
    return f"au plus tard le {date_fr(deadline)}"


def _letter_action(type_id: str, row: dict[str, object], zone: str, today: date,
                   ready: bool) -> str:
    """The letter's next step, with the command that does it."""
    letter = rules.LETTERS[type_id]
    numero = str(row.get("numero") or "")
    if ready:
        return (f"Courrier « {letter.label} » prêt à envoyer : toolkit sent --numero {numero} "
                f"--type {type_id}")
    when = f" ({held_to(letter.deadline(row, zone), today)})" if letter.deadline else ""
    return f"{letter.action}{when} : toolkit letters --numero {numero} --type {type_id}"


def next_action(row: dict[str, object], zone: str, today: date, notice_days: int,
                ready: Collection[str] = ()) -> str:
    """The one thing staff should do next for this complaint, in French, with the command
    to run: the first letter the letters' due rules find due (so that ``status`` and
    ``letters`` always agree) — ready to send when it was produced and not yet recorded as
    sent (``ready``: those letter types) —, then the reply itself, held to the latest
    promise (the legal deadline, then each announced date)."""
    if as_date(row.get("date_reponse")):
        return "Clôturée"
    due = rules.due_types(row, today, notice_days)
    for type_id in due:
        if rules.superseded(type_id, row, due) is None:
            return _letter_action(type_id, row, zone, today, type_id in ready)
    promise = rules.latest_promise(row)
    if as_date(row.get("date_reponse_annoncee")) is not None:
        return f"Envoyer la réponse annoncée ({held_to(promise, today)})"
    return f"Instruire et répondre ({held_to(promise, today)})"


def promise_broken(row: dict[str, object], today: date) -> bool:
    """A late progress letter announced a reply date, it has passed, and no reply was sent."""
    promised = as_date(row.get("date_reponse_annoncee"))
    return (promised is not None and today > promised
            and as_date(row.get("date_reponse")) is None)


@lru_cache(maxsize=16384)
def _deadlines(received: date, zone: str) -> tuple[date, date] | None:
    # A large register has many complaints per reception day: compute each day once.
    try:
        return ack_deadline(received, zone), reply_deadline(received)
    except (OverflowError, ValueError):  # a typo like 31/12/9999: the calendar ends there
        return None


def complaint_status(row: dict[str, object], zone: str, today: date,
                     notice_days: int = DEFAULT_NOTICE_DAYS,
                     ready: Collection[str] = ()) -> ComplaintStatus | None:
    """Status of one row, or ``None`` when its reception date is not a usable date."""
    received = as_date(row.get("date_reclamation"))
    deadlines = None if received is None else _deadlines(received, zone)
    if deadlines is None:
        return None
    ack_due, reply_due = deadlines
    ack_sent, reply_sent = as_date(row.get("date_accuse")), as_date(row.get("date_reponse"))
    ack_status = deadline_status(ack_due, ack_sent, today)
    reply_status = deadline_status(reply_due, reply_sent, today)
    open_deadline = ack_due if ack_sent is None and reply_sent is None else reply_due
    promised = as_date(row.get("date_reponse_annoncee"))
    if promised is not None and reply_sent is None and ack_sent is not None:
        open_deadline = promised  # the date the client now expects
    remaining = None if reply_sent is not None else (open_deadline - today).days
    return ComplaintStatus(
        numero=str(row.get("numero") or ""),
        ligne=int(row["ligne"]),
        date_reclamation=received,
        echeance_accuse=ack_due,
        echeance_reponse=reply_due,
        statut_accuse=ack_status,
        statut_reponse=reply_status,
        jours_restants=remaining,
        prochaine_action=next_action(row, zone, today, notice_days, ready),
        date_reponse_annoncee=promised,
        promesse_non_tenue=promise_broken(row, today),
    )


def left_out_reason(received: object) -> str:
    """Why a row has no deadlines, in French (its ``Date de réclamation`` as read)."""
    if received is None:
        return "date de réclamation vide"
    if isinstance(received, date):
        return f"date de réclamation hors du calendrier ({date_fr(received)})"
    return f"date de réclamation illisible « {received} »"


def urgency_key(status: ComplaintStatus) -> tuple:
    """Overdue first (most late first), then open by days left, then closed by date."""
    if status.en_retard:
        group = 0
    elif not status.cloturee:
        group = 1
    else:
        group = 2
    days = status.jours_restants if status.jours_restants is not None else 0
    return (group, days, status.date_reclamation, status.ligne)


# What an open complaint's status reads: every input column the rules may use.
OPEN_ROW_COLUMNS = ["ligne", *(c.key for c in INPUT_COLUMNS if c.key not in INTERNAL_KEYS)]


def complaint_statuses(frame, params, today: date,
                       ready: Mapping[str, Collection[str]] | None = None
                       ) -> list[ComplaintStatus]:
    """Statuses of every row with a usable reception date, overdue first. ``ready``:
    complaint number → the letter types produced and not yet recorded as sent.

    The same as :func:`complaint_status` on each row, with a short way for the complaints
    already answered (most of a register that has lived): their statuses need neither the
    letters' rules nor a row dict. On 100,000 rows this loop was ``status``'s largest cost.
    """
    zone, notice = params.zone, params.preavis_suivi
    columns = {name: frame[name].tolist() for name in
               ("ligne", "numero", "date_reclamation", "date_accuse", "date_reponse",
                "date_reponse_annoncee")}
    statuses = []
    open_rows = []
    new_status = ComplaintStatus
    for index, (line, numero, received, ack_sent, reply_sent, promised) in enumerate(zip(
            columns["ligne"], columns["numero"], columns["date_reclamation"],
            columns["date_accuse"], columns["date_reponse"], columns["date_reponse_annoncee"],
            strict=True)):
        if not isinstance(received, date) or not isinstance(reply_sent, date):
            open_rows.append(index)
            continue
        deadlines = _deadlines(received, zone)
        if deadlines is None:
            continue
        ack_due, reply_due = deadlines
        ack_sent = ack_sent if isinstance(ack_sent, date) else None
        statuses.append(new_status(
            str(numero or ""), int(line), received, ack_due, reply_due,
            deadline_status(ack_due, ack_sent, today),
            ENVOYE_A_TEMPS if reply_sent <= reply_due else ENVOYE_EN_RETARD,
            None, "Clôturée", promised if isinstance(promised, date) else None, False))
    if open_rows:
        ready = ready or {}
        rest = frame.iloc[open_rows] if len(open_rows) < len(frame) else frame
        for row in frame_records(rest, OPEN_ROW_COLUMNS):
            status = complaint_status(row, zone, today, notice,
                                      ready.get(str(row.get("numero") or "").strip(), ()))
            if status is not None:
                statuses.append(status)
    statuses.sort(key=urgency_key)
    return statuses
