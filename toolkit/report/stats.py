"""Monthly statistics of the register: `toolkit stats` and the management report.

Pure functions over the register frame (as :func:`toolkit.register.reading.read_register` returns
it), its parameters and the day the figures are judged on. Conventions, stated once:

* a month's **cohort** is the complaints *received* in that month; every monthly figure,
  the 12-month series included, is about a cohort, judged on ``today``;
* deadlines and their statuses come from :mod:`toolkit.register.status` (itself built on
  :mod:`toolkit.register.deadlines`): nothing here knows the legal rules;
* rows whose reception date is not a date are ignored (``toolkit check`` reports them);
* reply times are calendar days, acknowledgement times jours ouvrables.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from toolkit.dates import as_date, month_end, parse_month, shift_month
from toolkit.register.columns import CANAUX, CATEGORIES, DECISIONS
from toolkit.register.deadlines import (
    A_FAIRE,
    EN_RETARD,
    ENVOYE_A_TEMPS,
    ENVOYE_EN_RETARD,
    count_jours_ouvrables,
)
from toolkit.register.status import complaint_statuses

SERIES_MONTHS = 12
QUARTER_MONTHS = 3
TOP_CATEGORIES = 3
WATCH_DAYS = 7
# Labels for an empty cell, so that every breakdown adds up to the number received.
NOT_SET = "Non renseigné"
NO_DECISION = "Sans décision"
LATE = (ENVOYE_EN_RETARD, EN_RETARD)
JUDGED = (ENVOYE_A_TEMPS, *LATE)

FACT_COLUMNS = ("ligne", "numero", "recue", "mois", "canal", "categorie", "decision",
                "actions", "responsable", "date_accuse", "date_reponse", "echeance_accuse",
                "echeance_reponse", "statut_accuse", "statut_reponse", "jours_restants",
                "prochaine_action", "delai_reponse_jours", "delai_accuse_jours_ouvrables")
_ROW_COLUMNS = ("ligne", "canal", "categorie", "decision", "actions", "responsable",
                "date_accuse", "date_reponse")


# --- months -------------------------------------------------------------------------------

def month_key(year: int, month: int) -> str:
    """``AAAA-MM``, the key of a month everywhere (JSON, series index)."""
    return f"{year:04d}-{month:02d}"


def month_keys(year: int, month: int, count: int = SERIES_MONTHS) -> list[str]:
    """The ``count`` months ending with ``year-month``, oldest first."""
    return [month_key(*shift_month(year, month, offset)) for offset in range(1 - count, 1)]


def window_keys(facts: pd.DataFrame, year: int, month: int) -> list[str]:
    """The 12 months up to ``year-month``, less those before the register's first
    complaint: months before the register existed are not months without complaints."""
    keys = month_keys(year, month)
    first = min(facts["mois"], default=keys[-1])
    return [key for key in keys if key >= first] or keys[-1:]


# --- one row per complaint ------------------------------------------------------------------

def _fact(row: dict, status, zone: str) -> dict:
    received = status.date_reclamation
    ack_sent, reply_sent = as_date(row["date_accuse"]), as_date(row["date_reponse"])
    return {
        **row,
        "numero": status.numero,
        "recue": received,
        "mois": month_key(received.year, received.month),
        "date_accuse": ack_sent,
        "date_reponse": reply_sent,
        "echeance_accuse": status.echeance_accuse,
        "echeance_reponse": status.echeance_reponse,
        "statut_accuse": status.statut_accuse,
        "statut_reponse": status.statut_reponse,
        "jours_restants": status.jours_restants,
        "prochaine_action": status.prochaine_action,
        "delai_reponse_jours": (reply_sent - received).days if reply_sent else None,
        "delai_accuse_jours_ouvrables":
            count_jours_ouvrables(received, ack_sent, zone) if ack_sent else None,
    }


def complaint_facts(frame: pd.DataFrame, params, today: date) -> pd.DataFrame:
    """One row per complaint with a usable reception date: what it is, its deadlines,
    their statuses on ``today`` (from :func:`toolkit.register.status.complaint_statuses`) and how
    long the acknowledgement and the reply took. Overdue complaints first."""
    statuses = complaint_statuses(frame, params, today)
    rows = {row["ligne"]: row for row in frame[list(_ROW_COLUMNS)].to_dict("records")}
    facts = [_fact(rows[status.ligne], status, params.zone) for status in statuses]
    return pd.DataFrame(facts, columns=list(FACT_COLUMNS))


def ignored_rows(frame: pd.DataFrame, facts: pd.DataFrame) -> list[int]:
    """Excel rows left out of every figure (no usable reception date)."""
    kept = set(facts["ligne"])
    return [int(line) for line in frame["ligne"] if line not in kept]


# --- the month's figures (SPEC `toolkit stats`) ---------------------------------------------

def _number(value: float | None) -> int | float | None:
    """JSON-friendly: 12.0 → 12, 12.5 stays, NaN → None."""
    if value is None or pd.isna(value):
        return None
    return int(value) if float(value).is_integer() else float(value)


def _days(values: pd.Series) -> list[int]:
    return [int(v) for v in values if v is not None and not pd.isna(v)]


def median_days(values: pd.Series) -> int | float | None:
    days = _days(values)
    return _number(statistics.median(days)) if days else None


def counts(values: pd.Series, known: tuple[str, ...], empty_label: str = NOT_SET
           ) -> dict[str, int]:
    """Count of each list value (zeros included, list order), then any other value typed
    by hand and the empty cells, so that the counts always add up to the cohort."""
    found = Counter(empty_label if value is None or pd.isna(value) else value
                    for value in values)
    result = {value: found.pop(value, 0) for value in known}
    result.update(sorted(found.items(), key=lambda item: (item[0] == empty_label, item[0])))
    return result


def cohort(facts: pd.DataFrame, key: str) -> pd.DataFrame:
    return facts[facts["mois"] == key]


def cohort_figures(complaints: pd.DataFrame, key: str) -> dict[str, object]:
    """SPEC's figures for complaints received in month ``key``."""
    ack, reply = complaints["statut_accuse"], complaints["statut_reponse"]
    return {
        "mois": key,
        "recues": len(complaints),
        "accuse_a_temps": int((ack == ENVOYE_A_TEMPS).sum()),
        "accuse_en_retard": int(ack.isin(LATE).sum()),
        "reponse_a_temps": int((reply == ENVOYE_A_TEMPS).sum()),
        "reponse_en_retard": int(reply.isin(LATE).sum()),
        "en_cours": int((reply == A_FAIRE).sum()),
        "delai_reponse_median_jours": median_days(complaints["delai_reponse_jours"]),
        "par_canal": counts(complaints["canal"], CANAUX),
        "par_categorie": counts(complaints["categorie"], CATEGORIES),
        "par_decision": counts(complaints["decision"], DECISIONS, NO_DECISION),
    }


def month_figures(frame: pd.DataFrame, params, year: int, month: int,
                  today: date) -> dict[str, object]:
    """The figures of ``toolkit stats --month``: complaints received in the month, judged
    on ``today``.

    ``accuse_en_retard`` and ``reponse_en_retard`` count both "sent late" and "not sent,
    deadline passed"; ``en_cours`` is "no reply, deadline not passed", so that
    ``reponse_a_temps + reponse_en_retard + en_cours == recues``.
    ``delai_reponse_median_jours`` is in calendar days over the replied ones (``None``
    when none is).
    """
    facts = complaint_facts(frame, params, today)
    key = month_key(year, month)
    return cohort_figures(cohort(facts, key), key)


# --- 12-month series -----------------------------------------------------------------------

def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def on_time_rates(complaints: pd.DataFrame) -> dict[str, float | None]:
    """Percent sent on time among the *judged* deadlines (sent, or not sent and passed):
    a deadline still running is neither a success nor a failure yet."""
    ack, reply = complaints["statut_accuse"], complaints["statut_reponse"]
    return {
        "accuse_a_temps_pct": _share(int((ack == ENVOYE_A_TEMPS).sum()),
                                     int(ack.isin(JUDGED).sum())),
        "reponse_a_temps_pct": _share(int((reply == ENVOYE_A_TEMPS).sum()),
                                      int(reply.isin(JUDGED).sum())),
    }


def open_at(facts: pd.DataFrame, day: date) -> int:
    """Complaints received on or before ``day`` and not yet replied to on that day."""
    received = facts["recue"] <= day
    replied = facts["date_reponse"].map(lambda sent: sent is not None and sent <= day)
    return int((received & ~replied).sum())


def _series_row(facts: pd.DataFrame, key: str, today: date) -> dict[str, object]:
    complaints = cohort(facts, key)
    replies = _days(complaints["delai_reponse_jours"])
    acks = _days(complaints["delai_accuse_jours_ouvrables"])
    return {
        "recues": len(complaints),
        "delai_reponse_median_jours": median_days(complaints["delai_reponse_jours"]),
        "delai_reponse_max_jours": max(replies) if replies else None,
        "delai_accuse_median_jours_ouvrables": _number(statistics.median(acks))
        if acks else None,
        **on_time_rates(complaints),
        # The current month ends today: later replies are not known yet.
        "en_cours_fin_de_mois": open_at(facts, min(month_end(*parse_month(key)), today)),
    }


def monthly_series(facts: pd.DataFrame, keys: list[str], today: date) -> pd.DataFrame:
    """One row per month of ``keys`` (the index): received, median and maximum reply
    time, median acknowledgement time, on-time rates, and the complaints still open at
    the month's end (backlog)."""
    return pd.DataFrame([_series_row(facts, key, today) for key in keys], index=keys)


def breakdown_by_month(facts: pd.DataFrame, keys: list[str], column: str,
                       known: tuple[str, ...], empty_label: str = NOT_SET) -> pd.DataFrame:
    """Counts of ``column``'s values in each month's cohort (rows: months)."""
    rows = [counts(cohort(facts, key)[column], known, empty_label) for key in keys]
    return pd.DataFrame(rows, index=keys).fillna(0).astype(int)


def delays(facts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per complaint of the window: reply time (calendar days) and acknowledgement time
    (jours ouvrables), each with whether that deadline was met (for the charts)."""
    window = facts[facts["mois"].isin(keys)]
    return pd.DataFrame({
        "numero": window["numero"],
        "delai_reponse_jours": window["delai_reponse_jours"],
        "reponse_a_temps": window["statut_reponse"] == ENVOYE_A_TEMPS,
        "delai_accuse_jours_ouvrables": window["delai_accuse_jours_ouvrables"],
        "accuse_a_temps": window["statut_accuse"] == ENVOYE_A_TEMPS,
    }).reset_index(drop=True)


# --- what management acts on ---------------------------------------------------------------

def top_categories(facts: pd.DataFrame, keys: list[str],
                   count: int = TOP_CATEGORIES) -> list[tuple[str, int]]:
    """The most frequent categories over the months ``keys`` (ties: list order)."""
    found = counts(facts[facts["mois"].isin(keys)]["categorie"], CATEGORIES)
    found.pop(NOT_SET, None)
    order = {category: i for i, category in enumerate(found)}
    ranked = sorted((item for item in found.items() if item[1]),
                    key=lambda item: (-item[1], order[item[0]]))
    return ranked[:count]


@dataclass(frozen=True)
class ImprovementLead:
    """A dominant category and the actions staff recorded for its complaints."""

    categorie: str
    reclamations: int
    actions: list[tuple[str, int]]  # distinct action text, how many complaints
    sans_action: int


def improvement_leads(facts: pd.DataFrame, keys: list[str]) -> list[ImprovementLead]:
    """The procedure's improvement loop: for each dominant category of the period, the
    recorded ``Actions`` (most frequent first) and how many complaints have none yet."""
    window = facts[facts["mois"].isin(keys)]
    leads = []
    for category, number in top_categories(facts, keys):
        actions = window.loc[window["categorie"] == category, "actions"]
        texts = [text for text in actions if isinstance(text, str) and text.strip()]
        leads.append(ImprovementLead(category, number, Counter(texts).most_common(),
                                     number - len(texts)))
    return leads


def watch_list(facts: pd.DataFrame, days: int = WATCH_DAYS) -> pd.DataFrame:
    """Open complaints that are late, or whose next deadline falls within ``days`` days,
    overdue first. ``echeance`` is the deadline ``jours_restants`` counts to."""
    open_ = facts[facts["jours_restants"].notna()]
    late = (open_["statut_accuse"] == EN_RETARD) | (open_["statut_reponse"] == EN_RETARD)
    watched = open_[late | (open_["jours_restants"] <= days)].copy()
    watched["jours_restants"] = watched["jours_restants"].astype(int)
    # As register.status does: the acknowledgement while it is not sent, then the reply.
    ack_open = watched["statut_accuse"].isin((A_FAIRE, EN_RETARD))
    watched["echeance_de"] = ack_open.map({True: "accuse", False: "reponse"})
    watched["echeance"] = watched["echeance_accuse"].where(ack_open, watched["echeance_reponse"])
    return watched.reset_index(drop=True)


# --- everything the report shows -------------------------------------------------------------

@dataclass
class ReportData:
    """Every number the monthly report shows, computed once."""

    mois: str
    today: date
    figures: dict[str, object]
    series: pd.DataFrame
    channels: pd.DataFrame
    decisions: pd.DataFrame
    categories: pd.DataFrame
    delays: pd.DataFrame
    top_categories: list[tuple[str, int]]
    quarter: list[str]
    improvements: list[ImprovementLead]
    watch: pd.DataFrame
    total: int
    ignored_rows: list[int] = field(default_factory=list)


def report_data(frame: pd.DataFrame, params, year: int, month: int, today: date) -> ReportData:
    """The month's figures, the 12-month series up to it and what is due on ``today``."""
    facts = complaint_facts(frame, params, today)
    key, keys = month_key(year, month), window_keys(facts, year, month)
    quarter = month_keys(year, month, QUARTER_MONTHS)
    return ReportData(
        mois=key,
        today=today,
        figures=cohort_figures(cohort(facts, key), key),
        series=monthly_series(facts, keys, today),
        channels=breakdown_by_month(facts, keys, "canal", CANAUX),
        decisions=breakdown_by_month(facts, keys, "decision", DECISIONS, NO_DECISION),
        categories=breakdown_by_month(facts, keys, "categorie", CATEGORIES),
        delays=delays(facts, keys),
        top_categories=top_categories(facts, quarter),
        quarter=quarter,
        improvements=improvement_leads(facts, quarter),
        watch=watch_list(facts),
        total=len(facts),
        ignored_rows=ignored_rows(frame, facts),
    )
