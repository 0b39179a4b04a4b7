"""Monthly statistics of the register: `toolkit stats` and the management report.

Pure functions over the register frame (as :func:`toolkit.register.reading.read_register` returns
it), its parameters and the day the figures are judged on. Conventions, stated once:

* a month's **cohort** is the complaints *received* in that month; every monthly figure,
  the 12-month series included, is about a cohort, judged on ``today``;
* deadlines and their statuses come from :mod:`toolkit.rules.status` (itself built on
  :mod:`toolkit.rules.deadlines`): nothing here knows the legal rules;
* rows whose reception date is not a date are ignored (``toolkit check`` reports them);
* reply times are calendar days, acknowledgement times jours ouvrables;
* several registers (one per agency) are one set of complaints: each is judged with its own
  parameters (holiday zone), then the figures are summed; a number found in two registers
  is two complaints, not a duplicate.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import PurePath

import pandas as pd

from toolkit.dates import as_date, month_end, parse_month, shift_month
from toolkit.rules.columns import CANAUX, CATEGORIES, DECISIONS, SATISFACTIONS
from toolkit.rules.deadlines import (
    A_FAIRE,
    EN_RETARD,
    ENVOYE_A_TEMPS,
    ENVOYE_EN_RETARD,
    count_jours_ouvrables,
)
from toolkit.rules.status import complaint_statuses

SERIES_MONTHS = 12
QUARTER_MONTHS = 3
TOP_CATEGORIES = 3
WATCH_DAYS = 7
# Labels for an empty cell, so that every breakdown adds up to the number received.
NOT_SET = "Non renseigné"
NO_DECISION = "Sans décision"
# Satisfaction is recorded at closure: an empty cell is the common case, always counted.
SATISFACTION_COUNTS = (*SATISFACTIONS, NOT_SET)
LATE = (ENVOYE_EN_RETARD, EN_RETARD)
JUDGED = (ENVOYE_A_TEMPS, *LATE)

FACT_COLUMNS = ("ligne", "numero", "recue", "mois", "canal", "categorie", "decision",
                "satisfaction", "actions", "responsable", "date_accuse", "date_reponse",
                "echeance_accuse", "echeance_reponse", "statut_accuse", "statut_reponse",
                "jours_restants", "prochaine_action", "delai_reponse_jours",
                "delai_accuse_jours_ouvrables")
_ROW_COLUMNS = ("ligne", "canal", "categorie", "decision", "satisfaction", "actions",
                "responsable", "date_accuse", "date_reponse")
# The same reception and sending days come back on many rows: count their gap once.
_jours_ouvrables = lru_cache(maxsize=65536)(count_jours_ouvrables)


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

_STATUS_FIELDS = ("ligne", "numero", "echeance_accuse", "echeance_reponse", "statut_accuse",
                  "statut_reponse", "jours_restants", "prochaine_action")


def complaint_facts(frame: pd.DataFrame, params, today: date) -> pd.DataFrame:
    """One row per complaint with a usable reception date: what it is, its deadlines,
    their statuses on ``today`` (from :func:`toolkit.rules.status.complaint_statuses`) and how
    long the acknowledgement and the reply took. Overdue complaints first.

    Built column by column (a register may hold 100,000 complaints): the register's values
    are taken by Excel row, in the order of the statuses."""
    statuses = complaint_statuses(frame, params, today)
    facts = pd.DataFrame({name: [getattr(status, name) for status in statuses]
                          for name in _STATUS_FIELDS})
    values = frame.set_index("ligne")[list(_ROW_COLUMNS[1:])].reindex(facts["ligne"])
    for key in _ROW_COLUMNS[1:]:
        facts[key] = values[key].to_numpy(dtype=object)
    received = [status.date_reclamation for status in statuses]
    ack_sent = [as_date(value) for value in facts["date_accuse"]]
    reply_sent = [as_date(value) for value in facts["date_reponse"]]
    facts["recue"] = received
    facts["mois"] = [month_key(day.year, day.month) for day in received]
    facts["date_accuse"], facts["date_reponse"] = ack_sent, reply_sent
    facts["delai_reponse_jours"] = pd.Series(
        [(sent - day).days if sent else None for day, sent in zip(received, reply_sent,
                                                                  strict=True)], dtype=float)
    facts["delai_accuse_jours_ouvrables"] = pd.Series(
        [_jours_ouvrables(day, sent, params.zone) if sent else None
         for day, sent in zip(received, ack_sent, strict=True)], dtype=float)
    facts = facts.reindex(columns=list(FACT_COLUMNS))
    # The two days as timestamps too, for the backlog counts (vectorised; no reply is NaT).
    facts["recue_le"] = pd.to_datetime(facts["recue"])
    facts["repondue_le"] = pd.to_datetime(facts["date_reponse"])
    return facts


def ignored_rows(frame: pd.DataFrame, facts: pd.DataFrame) -> list[int]:
    """Excel rows left out of every figure (no usable reception date)."""
    kept = set(facts["ligne"])
    return [int(line) for line in frame["ligne"] if line not in kept]


# --- several registers ----------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    """One register as the statistics see it."""

    name: str  # its file name, made unique among the registers: the key of ``par_registre``
    agency: str  # how the per-agency table names it
    frame: pd.DataFrame
    params: object


def unique_names(paths: Sequence[PurePath]) -> list[str]:
    """File names, with as many parent folders as it takes to tell different files apart
    (``nord/registre.xlsx``, ``sud/registre.xlsx``); a file given again is numbered
    (``registre.xlsx (2)``). The root (``/``, ``C:\\``) is never part of a name."""
    parts = [_parts_below_root(PurePath(path)) for path in paths]
    files = len(set(parts))
    depth = 1
    while len({part[-depth:] for part in parts}) < files:
        depth += 1
    return _numbered(["/".join(part[-depth:]) for part in parts])


def _parts_below_root(path: PurePath) -> tuple[str, ...]:
    return path.parts[1:] if path.anchor else path.parts


def _numbered(names: list[str]) -> list[str]:
    """``name (2)``, ``name (3)``… for the second and later occurrences of a name."""
    seen: Counter[str] = Counter()
    numbered = []
    for name in names:
        seen[name] += 1
        numbered.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return numbered


def sources_of(registers: Sequence) -> list[Source]:
    """Sources from registers as :func:`toolkit.register.reading.read_register` returns them.
    An agency is named by the ``Société`` of its Paramètres, or by the file name when another
    register has the same ``Société`` (the default one, for instance)."""
    names = unique_names([register.path for register in registers])
    companies = Counter(register.params.societe for register in registers)
    return [Source(name, register.params.societe if companies[register.params.societe] == 1
                   else name, register.frame, register.params)
            for name, register in zip(names, registers, strict=True)]


def sources_facts(sources: Sequence[Source], today: date) -> pd.DataFrame:
    """:func:`complaint_facts` of every source, each judged with its own parameters, plus
    the columns ``registre`` (the source's name) and ``agence`` (its agency)."""
    parts = [complaint_facts(source.frame, source.params, today).assign(
        registre=source.name, agence=source.agency) for source in sources]
    return pd.concat(parts, ignore_index=True)


# --- the month's figures (docs/product-rules.md, "Command line": toolkit stats) -----------------

def _number(value: float) -> int | float:
    """JSON-friendly: 12.0 → 12, 12.5 stays. Only ever given a median of whole days or a
    rounded average, never a missing value (the callers say ``None`` themselves)."""
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
    """The figures of ``toolkit stats`` (docs/product-rules.md, "Command line") for complaints
    received in month ``key``."""
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
        "par_satisfaction": counts(complaints["satisfaction"], SATISFACTION_COUNTS),
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


def sources_month_figures(sources: Sequence[Source], year: int, month: int,
                          today: date) -> dict[str, object]:
    """:func:`month_figures` of several registers together (counts summed, the median over
    all their replies), plus ``par_registre``: each register's complaints received."""
    facts = sources_facts(sources, today)
    key = month_key(year, month)
    complaints = cohort(facts, key)
    received = Counter(complaints["registre"])
    return {**cohort_figures(complaints, key),
            "par_registre": {source.name: received[source.name] for source in sources}}


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
    moment = pd.Timestamp(day)
    received = facts["recue_le"] <= moment
    replied = facts["repondue_le"] <= moment  # NaT (no reply) compares False
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


def satisfaction_by_month(facts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """What the clients of each month's *replied* complaints said at closure (rows: months);
    a complaint still open has nothing to be satisfied with yet."""
    replied = facts[facts["date_reponse"].notna()]
    return breakdown_by_month(replied, keys, "satisfaction", SATISFACTIONS)


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
    found = quarter_categories(facts, keys)
    order = {category: i for i, category in enumerate(found)}
    ranked = sorted((item for item in found.items() if item[1]),
                    key=lambda item: (-item[1], order[item[0]]))
    return ranked[:count]


def leading_categories(totals: dict[str, int], most: int = TOP_CATEGORIES) -> list[str]:
    """All the categories tied for first place when they stand out, else none.

    They stand out when they are at most ``most`` and not every category with complaints
    (seven bars of eight at the same length: none stands out). Never some of the tied ones:
    picking three of seven equal bars would single out three by the list's order."""
    shown = {category: n for category, n in totals.items() if n}
    top = max(shown.values(), default=0)
    leaders = [category for category, n in shown.items() if n == top]
    return leaders if len(leaders) <= most and len(leaders) < len(shown) else []


def quarter_categories(facts: pd.DataFrame, quarter: list[str]) -> dict[str, int]:
    """Complaints per category over ``quarter`` (list order; empty cells left out)."""
    found = counts(facts[facts["mois"].isin(quarter)]["categorie"], CATEGORIES)
    found.pop(NOT_SET, None)
    return found


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
    # Several registers are each sorted already: merge them, most overdue first. A sort on
    # two columns is stable (pandas ignores ``kind`` then): ties keep the registers' order.
    return watched.sort_values(["jours_restants", "recue"]).reset_index(drop=True)


# --- headline figures ----------------------------------------------------------------------

HEADLINE_KEYS = ("recues", "accuse_a_temps_pct", "reponse_a_temps_pct",
                 "delai_reponse_median_jours", "en_cours")


def open_on(facts: pd.DataFrame, key: str, today: date) -> int:
    """Complaints without a reply at the end of month ``key`` (today for the current one)."""
    return open_at(facts, min(month_end(*parse_month(key)), today))


def period_figures(facts: pd.DataFrame, keys: list[str], today: date) -> dict[str, object]:
    """The headline figures over the months ``keys``: received and open complaints are a
    monthly average, the on-time shares and the median reply time are over all the
    complaints received in those months (a month with one complaint weighs one complaint).
    ``None`` everywhere when ``keys`` is empty."""
    if not keys:
        return dict.fromkeys(HEADLINE_KEYS)
    complaints = facts[facts["mois"].isin(keys)]
    backlog = [open_on(facts, key, today) for key in keys]
    return {
        "recues": _number(round(len(complaints) / len(keys), 1)),
        **on_time_rates(complaints),
        "delai_reponse_median_jours": median_days(complaints["delai_reponse_jours"]),
        "en_cours": _number(round(sum(backlog) / len(keys), 1)),
    }


@dataclass(frozen=True)
class Headline:
    """One headline figure: the month, the month before and the 12 months before."""

    key: str
    month: int | float | None
    previous: int | float | None
    average: int | float | None


@dataclass(frozen=True)
class Headlines:
    """The report's first line, and the months it compares with."""

    figures: list[Headline]
    previous: str  # the month before (``AAAA-MM``)
    earlier: list[str]  # the months averaged: the 12 before, since the register's first


def headline(facts: pd.DataFrame, year: int, month: int, today: date) -> Headlines:
    """Received, acknowledgements and replies on time (%), median reply time and open
    complaints, for the month, the previous month and on average over the 12 months before
    it. Months before the register's first complaint are not months without complaints:
    they are left out (``None`` when nothing is left)."""
    first = min(facts["mois"], default=None)
    previous = month_key(*shift_month(year, month, -1))
    earlier = [key for key in month_keys(*shift_month(year, month, -1))
               if first is not None and key >= first]
    columns = (period_figures(facts, [month_key(year, month)], today),
               period_figures(facts, [previous] if previous in earlier else [], today),
               period_figures(facts, earlier, today))
    return Headlines([Headline(key, *(column[key] for column in columns))
                      for key in HEADLINE_KEYS], previous, earlier)


# --- the agencies --------------------------------------------------------------------------

@dataclass(frozen=True)
class AgencyRow:
    agency: str
    recues: int
    accuse_a_temps_pct: float | None
    reponse_a_temps_pct: float | None
    en_cours: int


def agencies(sources: Sequence[Source], facts: pd.DataFrame, key: str,
             today: date) -> list[AgencyRow]:
    """Per register, the month's complaints received, the on-time shares of their judged
    deadlines and the complaints open at the month's end (as the headline counts them)."""
    rows = []
    for source in sources:
        own = facts[facts["registre"] == source.name]
        month = cohort(own, key)
        rates = on_time_rates(month)
        rows.append(AgencyRow(source.agency, len(month), rates["accuse_a_temps_pct"],
                              rates["reponse_a_temps_pct"], open_on(own, key, today)))
    return rows


# --- everything the report shows -------------------------------------------------------------

@dataclass
class ReportData:
    """Every number the monthly report shows, computed once."""

    mois: str
    today: date
    figures: dict[str, object]
    headline: Headlines
    series: pd.DataFrame
    channels: pd.DataFrame
    decisions: pd.DataFrame
    categories: pd.DataFrame
    satisfaction: pd.DataFrame
    delays: pd.DataFrame
    top_categories: list[tuple[str, int]]
    leading_categories: list[str]
    quarter: list[str]
    improvements: list[ImprovementLead]
    watch: pd.DataFrame
    total: int
    registers: list[str] = field(default_factory=list)  # the sources' names
    totals: dict[str, int] = field(default_factory=dict)  # complaints followed, per register
    agencies: list[AgencyRow] = field(default_factory=list)
    ignored_rows: dict[str, list[int]] = field(default_factory=dict)  # per register


def report_data(sources: Sequence[Source], year: int, month: int, today: date) -> ReportData:
    """The month's figures, the 12-month series up to it and what is due on ``today``, for
    one register or several together."""
    facts = sources_facts(sources, today)
    key, keys = month_key(year, month), window_keys(facts, year, month)
    quarter = month_keys(year, month, QUARTER_MONTHS)
    totals = Counter(facts["registre"])
    ignored = {source.name: ignored_rows(source.frame, facts[facts["registre"] == source.name])
               for source in sources}
    return ReportData(
        mois=key,
        today=today,
        figures=cohort_figures(cohort(facts, key), key),
        headline=headline(facts, year, month, today),
        series=monthly_series(facts, keys, today),
        channels=breakdown_by_month(facts, keys, "canal", CANAUX),
        decisions=breakdown_by_month(facts, keys, "decision", DECISIONS, NO_DECISION),
        categories=breakdown_by_month(facts, keys, "categorie", CATEGORIES),
        satisfaction=satisfaction_by_month(facts, keys),
        delays=delays(facts, keys),
        top_categories=top_categories(facts, quarter),
        leading_categories=leading_categories(quarter_categories(facts, quarter)),
        quarter=quarter,
        improvements=improvement_leads(facts, quarter),
        watch=watch_list(facts),
        total=len(facts),
        registers=[source.name for source in sources],
        totals={source.name: totals[source.name] for source in sources},
        agencies=agencies(sources, facts, key, today),
        ignored_rows={name: rows for name, rows in ignored.items() if rows},
    )
