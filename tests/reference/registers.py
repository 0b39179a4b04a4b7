"""Random registers for the reference models: hypothesis strategies, and the .xlsx they
are written to (the tests' own helper, real files read by the real reader).

Every register holds each status kind at least once (``KINDS``, in a random order, plus
random extra rows): a reply sent on time, on the deadline day, late; not sent and still
running, due today, overdue; received on the last day of a month. The acknowledgement of
each row is drawn apart (not sent, on time, on its deadline day, late). ``today`` is drawn
near the days that differ between the holiday zones (Vendredi saint, 26 décembre) as often
as anywhere else.
"""

from __future__ import annotations

import calendar
import io
import json
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from helpers.register_files import write_register
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from reference import legal_calendar as cal
from reference.figures import CANAUX, CATEGORIES, DECISIONS, SATISFACTIONS

EXAMPLES = 40  # random registers each reference test compares per run
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
KINDS = ("reply_on_time", "reply_on_deadline_day", "reply_late", "open_running",
         "open_due_today", "open_overdue", "received_month_end")
ACK_KINDS = ("none", "on_time", "deadline_day", "late")
LATEST_RECEPTION = 75  # days before today
COMPANY_ADDRESS = "12 rue de la République\n75011 Paris"
CLIENT_ADDRESS = "8 rue des Lilas\n67000 Strasbourg"


@dataclass
class Case:
    """A random register: its rows (column keys; ``ligne`` is the Excel row), parameters."""

    today: date
    zone: str
    notice_days: int
    params: dict[str, object]
    rows: list[dict] = field(default_factory=list)

    def months(self) -> list[str]:
        """Every month from the first reception to today's."""
        first = min(row["date_reclamation"] for row in self.rows)
        keys, day = [], first.replace(day=1)
        while day <= self.today:
            keys.append(f"{day.year:04d}-{day.month:02d}")
            day = (day + timedelta(days=32)).replace(day=1)
        return keys

    def write(self, path: Path) -> Path:
        columns = [{k: v for k, v in row.items() if k != "ligne"} for row in self.rows]
        return write_register(path, columns, parameters=self.params)


def _day_between(draw, first: date, last: date) -> date:
    return first + timedelta(days=draw(st.integers(0, max((last - first).days, 0))))


def _today(draw) -> date:
    year = draw(st.integers(2025, 2028))
    anchor = draw(st.sampled_from(("anywhere", "good_friday", "26_december")))
    if anchor == "anywhere":
        return _day_between(draw, date(year, 1, 1), date(year, 12, 31))
    start = cal.easter(year) - timedelta(days=2) if anchor == "good_friday" else \
        date(year, 12, 26)
    return start + timedelta(days=draw(st.integers(0, 25)))


def _received(draw, kind: str, today: date) -> date:
    if kind == "open_running":
        return today - timedelta(days=draw(st.integers(0, 27)))
    if kind == "open_due_today":
        candidates = [today - timedelta(days=n) for n in range(28, 32)
                      if cal.reply_deadline(today - timedelta(days=n)) == today]
        return draw(st.sampled_from(candidates)) if candidates else today
    if kind in ("reply_late", "open_overdue", "reply_on_deadline_day"):
        return today - timedelta(days=draw(st.integers(32, LATEST_RECEPTION)))
    if kind == "received_month_end":
        day = today - timedelta(days=draw(st.integers(0, LATEST_RECEPTION)))
        end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        return end if end <= today else end.replace(day=1) - timedelta(days=1)
    return today - timedelta(days=draw(st.integers(0, LATEST_RECEPTION)))


def _reply(draw, kind: str, received: date, today: date) -> date | None:
    deadline = cal.reply_deadline(received)
    if kind == "received_month_end":
        kind = draw(st.sampled_from(("reply_on_time", "open_running")))
    if kind == "reply_on_time":
        return _day_between(draw, received, min(deadline, today))
    if kind == "reply_on_deadline_day":
        return deadline
    if kind == "reply_late":
        return _day_between(draw, deadline + timedelta(days=1), today)
    return None


def _ack(draw, received: date, today: date, zone: str) -> date | None:
    deadline = cal.ack_deadline(received, zone)
    kind = draw(st.sampled_from(ACK_KINDS))
    if kind == "late" and deadline < today:
        return _day_between(draw, deadline + timedelta(days=1), today)
    if kind == "deadline_day" and deadline <= today:
        return deadline
    if kind in ("on_time", "deadline_day"):
        return _day_between(draw, received, min(deadline, today))
    return None


def _maybe_day(draw, first: date, last: date) -> date | None:
    return _day_between(draw, first, last) if draw(st.booleans()) else None


def _handling(draw, row: dict, today: date) -> None:
    """Letters' columns: confirmation, missing information, progress letter, decision."""
    received = row["date_reclamation"]
    if row["canal"] == "Téléphone":
        row["date_demande_confirmation"] = _maybe_day(draw, received, today)
        row["date_confirmation"] = _maybe_day(draw, received, today)
    if draw(st.booleans()):
        row["infos_manquantes"] = "Copie du contrat\nRelevé des leçons"
        asked = row["date_demande_complements"] = _maybe_day(draw, received, today)
        if asked is not None:
            row["date_reception_complements"] = _maybe_day(draw, asked, today)
    row["date_information"] = _maybe_day(draw, received, today)
    late_from = cal.reply_deadline(received) + timedelta(days=1)
    if late_from <= today and draw(st.booleans()):  # a late suivi sent, and its promise
        informed = row["date_information"] = _day_between(draw, late_from, today)
        row["date_reponse_annoncee"] = informed + timedelta(days=draw(st.integers(0, 20)))
    if row.get("date_reponse") is not None:
        row["resolution"], row["decision"] = "Leçon offerte.", draw(st.sampled_from(DECISIONS))
        row["satisfaction"] = draw(st.sampled_from((None, *SATISFACTIONS)))
    elif draw(st.booleans()):
        row["resolution"] = "Leçon offerte."
        row["decision"] = draw(st.sampled_from((None, *DECISIONS)))


def _row(draw, kind: str, number: int, today: date, zone: str) -> dict:
    received = _received(draw, kind, today)
    row = {"numero": f"{received.year}-{number:03d}", "ligne": number + 1,
           "date_reclamation": received, "canal": draw(st.sampled_from(CANAUX)),
           "civilite": draw(st.sampled_from((None, "Madame", "Monsieur"))),
           "nom": f"Client {number}", "description": "Leçon annulée sans préavis.",
           "type_client": draw(st.sampled_from((None, "Particulier", "Professionnel"))),
           "adresse": draw(st.sampled_from((CLIENT_ADDRESS, None))),
           "courriel": draw(st.sampled_from((f"client{number}@exemple.fr", None))),
           "categorie": draw(st.sampled_from((None, *CATEGORIES))),
           "date_accuse": _ack(draw, received, today, zone),
           "date_reponse": _reply(draw, kind, received, today)}
    _handling(draw, row, today)
    return row


def _params(draw, zone: str) -> tuple[int, dict[str, object]]:
    notice = draw(st.integers(0, 10))
    params = {"zone": zone, "preavis_suivi": notice,
              "adresse": draw(st.sampled_from((COMPANY_ADDRESS,) * 3 + ("",))),
              "signataire": draw(st.sampled_from(("Claire Martin",) * 3 + ("",))),
              "mediateur": draw(st.sampled_from(("Médiateur CNPM", "Médiateur CNPM", ""))),
              "site_mediateur": draw(st.sampled_from((
                  "https://www.cnpm-mediation-consommation.eu",
                  "https://www.cnpm-mediation-consommation.eu",
                  "https://www.economie.gouv.fr/mediation-conso", ""))),
              "adresse_mediateur": draw(st.sampled_from((
                  "14 rue Saint-Jean\n75017 Paris", "14 rue Saint-Jean\n75017 Paris", "")))}
    return notice, params


@st.composite
def registers(draw) -> Case:
    today = _today(draw)
    zone = draw(st.sampled_from(cal.ZONES))
    notice, params = _params(draw, zone)
    kinds = [*draw(st.permutations(KINDS)),
             *draw(st.lists(st.sampled_from(KINDS), max_size=5))]
    rows = [_row(draw, kind, number, today, zone) for number, kind in enumerate(kinds, 1)]
    return Case(today, zone, notice, params, rows)


def cli_json(*argv: str) -> object:
    """What ``toolkit <argv>`` prints, as JSON (the real CLI entry point, in this process)."""
    from toolkit.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        main(list(argv))
    return json.loads(out.getvalue())
