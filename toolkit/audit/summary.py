"""The figures an auditor checks (Qualiopi indicators 31 and 32), from the register alone.

Pure: rows in, :class:`AuditSummary` out. The deadlines and their statuses come from
:mod:`toolkit.rules.status`, so the audit says exactly what ``toolkit status`` says.

Shares are computed over the complaints whose outcome is known on ``today`` (letter sent,
or deadline passed): a complaint received yesterday is neither a success nor a failure yet,
and is counted apart as "en cours".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from toolkit.intake.mail import without_intake_lines
from toolkit.rules.columns import CANAUX, CATEGORIES
from toolkit.rules.deadlines import A_FAIRE, EN_RETARD, ENVOYE_A_TEMPS, ENVOYE_EN_RETARD
from toolkit.rules.status import ComplaintStatus, complaint_statuses

ACK_LABEL = "accusé de réception (10 jours ouvrables)"
REPLY_LABEL = "réponse (un mois)"


@dataclass(frozen=True)
class Share:
    """How one deadline was kept over the period."""

    on_time: int = 0
    late: int = 0
    pending: int = 0  # not sent, deadline not passed

    @property
    def judged(self) -> int:
        return self.on_time + self.late

    @property
    def percent(self) -> float | None:
        return 100 * self.on_time / self.judged if self.judged else None


@dataclass(frozen=True)
class LateCase:
    numero: str
    nom: str
    date_reclamation: date
    echeance: str  # which deadline, in French
    deadline: date
    sent: date | None
    days_late: int
    reason: str  # from Observations; empty when staff recorded none


@dataclass(frozen=True)
class ActionRecord:
    numero: str
    categorie: str
    actions: str
    resolution: str
    decision: str


@dataclass
class AuditSummary:
    du: date
    au: date
    today: date
    numeros: list[str]
    ack: Share
    reply: Share
    late_cases: list[LateCase]
    actions: list[ActionRecord]
    par_canal: dict[str, int]
    par_categorie: dict[str, int]
    satisfaction: dict[str, int]  # closed complaints of the period, by the client's answer
    rows_without_date: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.numeros)


def share_of(statuses: list[str]) -> Share:
    counts = Counter(statuses)
    return Share(on_time=counts[ENVOYE_A_TEMPS],
                 late=counts[ENVOYE_EN_RETARD] + counts[EN_RETARD],
                 pending=counts[A_FAIRE])


def _text(value: object) -> str:
    return str(value).strip() if value is not None else ""


def _late(row: dict, label: str, deadline: date, sent: object, status: str,
          today: date) -> LateCase | None:
    if status not in (ENVOYE_EN_RETARD, EN_RETARD):
        return None
    sent_day = sent if isinstance(sent, date) else None
    days = ((sent_day or today) - deadline).days
    return LateCase(_text(row.get("numero")), _text(row.get("nom")), row["date_reclamation"],
                    label, deadline, sent_day, days, without_intake_lines(row.get("observations")))


def late_cases(row: dict, status: ComplaintStatus, today: date) -> list[LateCase]:
    """The complaint's missed deadlines (zero, one or both)."""
    found = [_late(row, ACK_LABEL, status.echeance_accuse, row.get("date_accuse"),
                   status.statut_accuse, today),
             _late(row, REPLY_LABEL, status.echeance_reponse, row.get("date_reponse"),
                   status.statut_reponse, today)]
    return [case for case in found if case is not None]


def action_record(row: dict) -> ActionRecord | None:
    if not _text(row.get("actions")):
        return None
    return ActionRecord(_text(row.get("numero")), _text(row.get("categorie")) or "—",
                        _text(row.get("actions")), _text(row.get("resolution")),
                        _text(row.get("decision")) or "en cours")


def counts_in_order(rows: list[dict], key: str, order: tuple[str, ...]) -> dict[str, int]:
    """Counts in the list's own order (as the drop-down shows it), others and blanks last."""
    counts = Counter(_text(row.get(key)) or "—" for row in rows)
    rank = {value: index for index, value in enumerate(order)}
    return dict(sorted(counts.items(), key=lambda item: rank.get(item[0], len(rank))))


def satisfaction_counts(rows: list[dict]) -> dict[str, int]:
    """What the clients of the replied complaints answered at closure, counted as
    ``toolkit stats`` counts ``par_satisfaction`` (every value of the list, then any other
    value typed, then ``Non renseigné``)."""
    import pandas as pd

    from toolkit.rules.stats import SATISFACTION_COUNTS, counts

    replied = [row.get("satisfaction") for row in rows
               if isinstance(row.get("date_reponse"), date)]
    return counts(pd.Series(replied, dtype=object), SATISFACTION_COUNTS)


def in_period(row: dict, du: date, au: date) -> bool:
    received = row.get("date_reclamation")
    return isinstance(received, date) and du <= received <= au


def open_in_period(row: dict, du: date, au: date) -> bool:
    """Received in the period, or received before it and not yet answered when it began:
    what the audit's register copy keeps (docs/product-rules.md, "Personal data": data
    minimisation, GDPR art. 5(1)(c))."""
    if in_period(row, du, au):
        return True
    received, replied = row.get("date_reclamation"), row.get("date_reponse")
    return isinstance(received, date) and received < du and \
        not (isinstance(replied, date) and replied < du)


def audit_summary(frame, params, du: date, au: date, today: date) -> AuditSummary:
    """Figures of the complaints received from ``du`` to ``au`` (both included)."""
    records = frame.to_dict("records")
    rows = {int(row["ligne"]): row for row in records if in_period(row, du, au)}
    statuses = sorted((s for s in complaint_statuses(frame, params, today) if s.ligne in rows),
                      key=lambda s: (s.date_reclamation, s.ligne))
    period_rows = [rows[s.ligne] for s in statuses]
    return AuditSummary(
        du=du, au=au, today=today,
        numeros=[s.numero for s in statuses],
        ack=share_of([s.statut_accuse for s in statuses]),
        reply=share_of([s.statut_reponse for s in statuses]),
        late_cases=[case for s in statuses for case in late_cases(rows[s.ligne], s, today)],
        actions=[record for row in period_rows if (record := action_record(row))],
        par_canal=counts_in_order(period_rows, "canal", CANAUX),
        par_categorie=counts_in_order(period_rows, "categorie", CATEGORIES),
        satisfaction=satisfaction_counts(period_rows),
        rows_without_date=[int(row["ligne"]) for row in records
                           if not isinstance(row.get("date_reclamation"), date)],
    )
