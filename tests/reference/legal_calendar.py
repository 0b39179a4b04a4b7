"""SPEC "Deadlines": jours ouvrables, the two deadlines and the four statuses.

The public holidays are listed from the law itself (Code du travail L3133-1, and L3134-13
for Alsace-Moselle), with Easter from dateutil: not from the ``holidays`` package the
product uses.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import cache

from dateutil.easter import easter

METROPOLE, ALSACE_MOSELLE = "Métropole", "Alsace-Moselle"
ZONES = (METROPOLE, ALSACE_MOSELLE)
ENVOYE_A_TEMPS, ENVOYE_EN_RETARD = "envoye_a_temps", "envoye_en_retard"
A_FAIRE, EN_RETARD = "a_faire", "en_retard"
ACK_JOURS_OUVRABLES = 10
SUNDAY = 6


@cache
def public_holidays(year: int, zone: str) -> frozenset[date]:
    """L3133-1's eleven days; Alsace-Moselle adds Vendredi saint and 26 décembre."""
    sunday = easter(year)
    days = {date(year, 1, 1), sunday + timedelta(days=1), date(year, 5, 1), date(year, 5, 8),
            sunday + timedelta(days=39), sunday + timedelta(days=50), date(year, 7, 14),
            date(year, 8, 15), date(year, 11, 1), date(year, 11, 11), date(year, 12, 25)}
    if zone == ALSACE_MOSELLE:
        days |= {sunday - timedelta(days=2), date(year, 12, 26)}
    return frozenset(days)


def is_jour_ouvrable(day: date, zone: str) -> bool:
    """Monday to Saturday, not a public holiday of the zone."""
    return day.weekday() != SUNDAY and day not in public_holidays(day.year, zone)


def jours_ouvrables_between(after: date, until: date, zone: str) -> int:
    """Jours ouvrables in (after, until]: the day of reception never counts (art. 641)."""
    return sum(1 for n in range(1, (until - after).days + 1)
               if is_jour_ouvrable(after + timedelta(days=n), zone))


def ack_deadline(received: date, zone: str) -> date:
    """The 10th jour ouvrable after reception."""
    day = received
    while jours_ouvrables_between(received, day, zone) < ACK_JOURS_OUVRABLES:
        day += timedelta(days=1)
    return day


def reply_deadline(received: date) -> date:
    """The same day-number next month, or that month's last day (art. 641 al. 2)."""
    year, month = (received.year + 1, 1) if received.month == 12 else \
        (received.year, received.month + 1)
    return date(year, month, min(received.day, calendar.monthrange(year, month)[1]))


def deadline_met(deadline: date, sent: date) -> bool:
    """A deadline is met when the sending date is on or before it."""
    return sent <= deadline


def deadline_status(deadline: date, sent: date | None, today: date) -> str:
    if sent is not None:
        return ENVOYE_A_TEMPS if deadline_met(deadline, sent) else ENVOYE_EN_RETARD
    return A_FAIRE if today <= deadline else EN_RETARD
