"""Deadlines and statuses of every complaint on a given day, and the next thing to do.

Pure logic over the rows read from the register; the toolkit never reads the workbook's
formula columns, it computes everything here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import date, timedelta
from functools import lru_cache
from itertools import chain
from operator import attrgetter, le
from typing import NamedTuple

from toolkit.dates import as_date, date_fr
from toolkit.rules import letters as rules
from toolkit.rules.columns import DEFAULT_NOTICE_DAYS
from toolkit.rules.deadlines import (
    A_FAIRE,
    EN_RETARD,
    ENVOYE_A_TEMPS,
    ENVOYE_EN_RETARD,
    ack_deadline,
    deadline_status,
    reply_deadline,
)
from toolkit.rules.records import column_values, is_filled

STATUS_LABELS = {
    ENVOYE_A_TEMPS: "envoyé à temps",
    ENVOYE_EN_RETARD: "envoyé en retard",
    A_FAIRE: "à faire",
    EN_RETARD: "EN RETARD",
}


class ComplaintStatus(NamedTuple):
    """Where one complaint stands on ``today``. A named tuple rather than a frozen
    dataclass: ``status`` makes one per complaint, and a frozen dataclass's constructor
    costs four times as much (100,000 complaints)."""

    numero: str
    ligne: int
    date_reclamation: date
    echeance_accuse: date
    echeance_reponse: date
    statut_accuse: str
    statut_reponse: str
    jours_restants: int | None  # to ``echeance_comptee``; negative when late
    prochaine_action: str
    date_reponse_annoncee: date | None = None  # promised by a letter sent after a deadline
    promesse_non_tenue: bool = False

    @property
    def en_retard(self) -> bool:
        return self.promesse_non_tenue or EN_RETARD in (self.statut_accuse, self.statut_reponse)

    @property
    def cloturee(self) -> bool:
        return self.statut_reponse in (ENVOYE_A_TEMPS, ENVOYE_EN_RETARD)

    @property
    def echeance_comptee(self) -> date | None:
        """The date ``jours_restants`` counts to (``None`` once the reply is sent). Not part
        of ``to_json``: that output is a contract, and this follows from its fields."""
        return counted_deadline(self.echeance_accuse, self.echeance_reponse,
                                self.statut_accuse in (ENVOYE_A_TEMPS, ENVOYE_EN_RETARD),
                                self.jours_restants is None, self.date_reponse_annoncee)

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


# The fields around the next action: complaints alike share them (_open_statuses,
# statuses_json); the number and line come before them.
_ACTION = ComplaintStatus._fields.index("prochaine_action")
_HEAD, _TAIL = slice(2, _ACTION), slice(_ACTION + 1, None)
_HEAD_FIELDS, _TAIL_FIELDS = ComplaintStatus._fields[_HEAD], ComplaintStatus._fields[_TAIL]


def statuses_json(statuses: Iterable[ComplaintStatus],
                  ensure_ascii: bool = True) -> Iterator[str]:
    """Each status's :meth:`ComplaintStatus.to_json` as ``json.dumps`` writes it (default
    separators). Complaints alike but for their number and line share the text of every
    other field, their next action too once the number is marked in it: that text is
    encoded once, and each complaint's own number is put back. On 100,000 complaints,
    encoding each one whole was the largest cost of ``status --json``."""
    from json.encoder import encode_basestring, encode_basestring_ascii

    quoted = encode_basestring_ascii if ensure_ascii else encode_basestring
    encode = json.JSONEncoder(ensure_ascii=ensure_ascii).encode
    shared: dict[tuple, tuple[str, list[str], str]] = {}
    for status in statuses:
        numero = status.numero
        # Reversible: the mark is in no text read from a workbook.
        action = status.prochaine_action.replace(numero, _NUMBER_MARK) if numero \
            else status.prochaine_action
        key = (status[_HEAD], action, status[_TAIL])
        try:
            head, action_pieces, tail = shared[key]
        except KeyError:
            fields = status.to_json()
            head, action_pieces, tail = shared[key] = (
                ", " + encode({name: fields[name] for name in _HEAD_FIELDS})[1:-1] +
                ', "prochaine_action": "',
                # JSON escapes character by character: the pieces' escapes, joined, are
                # the whole text's.
                [quoted(piece)[1:-1] for piece in action.split(_NUMBER_MARK)],
                '", ' + encode({name: fields[name] for name in _TAIL_FIELDS})[1:-1] + "}")
        number = quoted(numero)
        yield (f'{{"numero": {number}, "ligne": {status.ligne}{head}'
               f'{number[1:-1].join(action_pieces)}{tail}')


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
    action = f"{letter.action}{when} : toolkit letters --numero {numero} --type {type_id}"
    missing = rules.missing_contact(row)
    if missing is None:
        return action
    # The command alone would refuse: the advice starts with what makes it work.
    return f"Inscrire au registre {missing} du client, puis {action[0].lower()}{action[1:]}"


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


def counted_deadline(ack_due: date, reply_due: date, ack_sent: bool, reply_sent: bool,
                     promised: date | None) -> date | None:
    """The next deadline of a complaint, the one its days left count to: the
    acknowledgement's while neither letter is sent, then the reply's, or the reply date a
    letter sent after a deadline announced once one did (a late progress letter or a late
    acknowledgement: the date the client now expects); ``None`` once the reply is sent."""
    if reply_sent:
        return None
    if not ack_sent:
        return ack_due
    return reply_due if promised is None else promised


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
    promised = as_date(row.get("date_reponse_annoncee"))
    counted = counted_deadline(ack_due, reply_due, ack_sent is not None,
                               reply_sent is not None, promised)
    remaining = None if counted is None else (counted - today).days
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


# What an open complaint's status reads: the reception date, the channel and the columns the
# letters' due rules look at. Never a name, an address or a text meant for the client: two
# complaints alike in these columns have the same status, but for their number and line.
# tests/register/test_status_inputs.py records what the rules read, so that a rule reading a
# new column cannot be forgotten here.
STATUS_INPUTS = ("date_reclamation", "canal", "date_demande_confirmation",
                 "date_confirmation", "date_accuse", "infos_manquantes",
                 "date_demande_complements", "date_information", "date_reponse_annoncee",
                 "resolution", "decision", "date_reponse")
# The advice also reads whether the client can be reached (rules.missing_contact): only
# whether these are filled, so complaints alike but for their client still share a status.
CONTACT_INPUTS = ("adresse", "courriel")
OPEN_ROW_COLUMNS = ["ligne", "numero", *STATUS_INPUTS, *CONTACT_INPUTS]
# Stands for the complaint's number in a status worked out once for several complaints.
_NUMBER_MARK = "\x00"
# Stands for a client's address or e-mail there: the rules only ask whether it is filled.
_FILLED_MARK = "\x01"


def complaint_statuses(table, params, today: date,
                       ready: Mapping[str, Collection[str]] | None = None
                       ) -> list[ComplaintStatus]:
    """Statuses of every row with a usable reception date, in :func:`urgency_key` order.
    ``table``: a register's ``columns`` (or a DataFrame of them); ``ready``: complaint
    number → the letter types produced and not yet recorded as sent.

    The same as :func:`complaint_status` on each row, sorted, but built for 100,000 rows:
    the complaints already answered (most of a register that has lived) take a short way
    that needs neither the letters' rules nor a row dict; complaints alike share one
    computed status (:func:`_open_statuses`); and the statuses are gathered by the first
    three parts of their urgency key (rows come in line order), so that only those few
    keys are sorted.
    """
    zone = params.zone
    lines = column_values(table, "ligne")
    columns = [lines, *(column_values(table, name) for name in
                        ("numero", "date_reclamation", "date_accuse", "date_reponse",
                         "date_reponse_annoncee"))]
    answered: defaultdict[tuple, list[ComplaintStatus]] = defaultdict(list)
    open_rows = []
    new_status = ComplaintStatus
    for index, (line, numero, received, ack_sent, reply_sent, promised) in enumerate(
            zip(*columns, strict=True)):
        if not isinstance(received, date) or not isinstance(reply_sent, date):
            open_rows.append(index)
            continue
        deadlines = _deadlines(received, zone)
        if deadlines is None:
            continue
        ack_due, reply_due = deadlines
        ack_status = deadline_status(ack_due, ack_sent if isinstance(ack_sent, date) else None,
                                     today)
        status = new_status(
            str(numero or ""), int(line), received, ack_due, reply_due, ack_status,
            ENVOYE_A_TEMPS if reply_sent <= reply_due else ENVOYE_EN_RETARD,
            None, "Clôturée", promised if isinstance(promised, date) else None, False)
        answered[urgency_key(status)[:3]].append(status)
    rest = _rows_of(table, tuple(OPEN_ROW_COLUMNS), open_rows, len(lines))
    unanswered = _open_statuses(rest, zone, today, params.preavis_suivi, ready or {})
    statuses = _in_urgency_order(answered, unanswered)
    if not all(map(le, lines, lines[1:])):  # rows not in the sheet's order
        statuses.sort(key=urgency_key)
    return statuses


def _rows_of(table, names: tuple[str, ...], rows: list[int], total: int) -> dict[str, list]:
    """The columns ``names`` of ``table``, only at positions ``rows`` (of ``total``)."""
    picked = {name: column_values(table, name) for name in names}
    if len(rows) == total:
        return picked
    return {name: [values[row] for row in rows] for name, values in picked.items()}


def _in_urgency_order(*groups: Mapping[tuple, list[ComplaintStatus]]) -> list[ComplaintStatus]:
    """Statuses gathered by urgency key prefix, each group in line order, as one list."""
    statuses: list[ComplaintStatus] = []
    for prefix in sorted({prefix for group in groups for prefix in group}):
        found = [group[prefix] for group in groups if prefix in group]
        statuses += found[0] if len(found) == 1 else sorted(chain(*found),
                                                            key=attrgetter("ligne"))
    return statuses


def _open_statuses(columns: Mapping[str, list], zone: str, today: date, notice: int,
                   ready: Mapping[str, Collection[str]]
                   ) -> defaultdict[tuple, list[ComplaintStatus]]:
    """:func:`complaint_status` of complaints not yet answered, gathered by urgency key
    prefix. Complaints alike in every column the rules read (``STATUS_INPUTS``) and in the
    letters ready for them share one status, worked out once with a mark in place of the
    number, then given each one's own number and line: a register of 100,000 open
    complaints holds far fewer distinct ones."""
    shared: dict[tuple, tuple | None] = {}
    statuses: defaultdict[tuple, list[ComplaintStatus]] = defaultdict(list)
    new_tuple = tuple.__new__
    all_inputs = zip(*(columns[column] for column in STATUS_INPUTS),
                     *(map(is_filled, columns[column]) for column in CONTACT_INPUTS),
                     strict=True)
    for line, numero, inputs in zip(columns["ligne"], columns["numero"], all_inputs,
                                    strict=True):
        numero = str(numero or "")
        found = ready.get(numero.strip()) if ready else None
        ready_types = tuple(sorted(found)) if found else ()
        try:
            parts = shared[inputs, ready_types]
        except KeyError:
            parts = shared[inputs, ready_types] = _status_parts(
                inputs, line, zone, today, notice, ready_types)
        except TypeError:  # a value that cannot be a key (never from a read register)
            parts = _status_parts(inputs, line, zone, today, notice, ready_types)
        if parts is not None:
            prefix, head, action, tail = parts
            # tuple.__new__: _replace or the named constructor would cost more than the
            # loop's other steps together
            statuses[prefix].append(new_tuple(ComplaintStatus, (
                numero, line, *head, action.replace(_NUMBER_MARK, numero), *tail)))
    return statuses


def _status_parts(inputs: tuple, line: int, zone: str, today: date, notice: int,
                  ready_types: tuple[str, ...]) -> tuple | None:
    """The status of complaints with these ``inputs`` (the ``STATUS_INPUTS`` values, then
    whether each of ``CONTACT_INPUTS`` is filled), as its urgency key prefix, the fields
    before the next action, the next action (the number marked), the fields after it."""
    values, contact = inputs[:len(STATUS_INPUTS)], inputs[len(STATUS_INPUTS):]
    row = dict(zip(STATUS_INPUTS, values, strict=True), ligne=line, numero=_NUMBER_MARK)
    row |= {column: _FILLED_MARK if filled else None
            for column, filled in zip(CONTACT_INPUTS, contact, strict=True)}
    status = complaint_status(row, zone, today, notice, ready_types)
    if status is None:
        return None
    return urgency_key(status)[:3], status[_HEAD], status.prochaine_action, status[_TAIL]
