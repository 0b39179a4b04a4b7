"""The legal calendar: jours ouvrables, the two deadlines and their statuses.

Pure functions, no I/O. The rules are docs/product-rules.md, "Deadlines":

* acknowledgement: the 10th jour ouvrable *after* reception (the day of reception is not
  counted, Code de procédure civile art. 641); jours ouvrables are Monday to Saturday
  except French public holidays (Code du travail L3133-1), plus Vendredi saint and
  26 décembre in Alsace-Moselle (L3134-13);
* reply: one month after reception, the same day-number or the month's last day (art. 641
  al. 2);
* deadlines are strict maxima, never pushed past a Sunday or a holiday.

The workbook expresses the same rules with ``WORKDAY.INTL(date;10;"0000001";holidays)``
and ``EDATE(date;1)``.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache, lru_cache

from toolkit.dates import add_months
from toolkit.rules.columns import Zone
from toolkit.rules.holiday_table import FIRST_YEAR, HOLIDAYS, LAST_YEAR

ACK_WORKING_DAYS = 10
SUNDAY = 6

ENVOYE_A_TEMPS = "envoye_a_temps"
ENVOYE_EN_RETARD = "envoye_en_retard"
A_FAIRE = "a_faire"
EN_RETARD = "en_retard"
STATUSES = (ENVOYE_A_TEMPS, ENVOYE_EN_RETARD, A_FAIRE, EN_RETARD)

# holidays' subdivision "57" (Moselle) carries exactly the two local days of L3134-13;
# Bas-Rhin and Haut-Rhin have the same ones.
_SUBDIVISION = {Zone.METROPOLE: None, Zone.ALSACE_MOSELLE: "57"}


@cache
def _holidays_of_year(year: int, zone: str) -> dict[date, str]:
    if zone not in _SUBDIVISION:
        raise ValueError(f"zone inconnue : {zone!r}")
    # Imported here: the holiday tables load only when a deadline is computed, not for
    # `toolkit --help`.
    import holidays as holidays_lib

    table = holidays_lib.France(years=year, subdiv=_SUBDIVISION[zone], language="fr")
    return dict(table.items())


def public_holidays(first_year: int, last_year: int, zone: str = Zone.METROPOLE) -> dict[date, str]:
    """French public holidays (date → French name) of the zone, both years included."""
    found: dict[date, str] = {}
    for year in range(first_year, last_year + 1):
        found.update(_holidays_of_year(year, zone))
    return dict(sorted(found.items()))


@cache
def _table_days(zone: str) -> frozenset[date]:
    """The zone's holidays of :mod:`toolkit.rules.holiday_table` (the same dates as the
    library, checked by a test), without loading the library."""
    if zone not in HOLIDAYS:
        raise ValueError(f"zone inconnue : {zone!r}")
    return frozenset(map(date.fromisoformat, HOLIDAYS[zone]))


def is_public_holiday(day: date, zone: str = Zone.METROPOLE) -> bool:
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return day in _table_days(zone)
    return day in _holidays_of_year(day.year, zone)


def is_jour_ouvrable(day: date, zone: str = Zone.METROPOLE) -> bool:
    """Monday to Saturday, not a public holiday of the zone."""
    return day.weekday() != SUNDAY and not is_public_holiday(day, zone)


@lru_cache(maxsize=65536)
def add_jours_ouvrables(start: date, count: int, zone: str = Zone.METROPOLE) -> date:
    """The ``count``-th jour ouvrable after ``start`` (``start`` itself never counts)."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_jour_ouvrable(day, zone):
            remaining -= 1
    return day


def ack_deadline(received: date, zone: str = Zone.METROPOLE) -> date:
    """Latest day to send the acknowledgement: 10 jours ouvrables after reception."""
    return add_jours_ouvrables(received, ACK_WORKING_DAYS, zone)


def reply_deadline(received: date) -> date:
    """Latest day to send the reply: one month after reception."""
    return add_months(received, 1)


def deadline_status(deadline: date, sent: date | None, today: date) -> str:
    """One of the four statuses of a deadline on ``today`` (docs/product-rules.md, "Deadlines")."""
    if sent is not None:
        return ENVOYE_A_TEMPS if sent <= deadline else ENVOYE_EN_RETARD
    return A_FAIRE if today <= deadline else EN_RETARD


def count_jours_ouvrables(after: date, until: date, zone: str = Zone.METROPOLE) -> int:
    """Jours ouvrables in (after, until]: how long an acknowledgement took, the art. 641 way."""
    if until <= after:
        return 0
    return sum(
        1
        for offset in range(1, (until - after).days + 1)
        if is_jour_ouvrable(after + timedelta(days=offset), zone)
    )
