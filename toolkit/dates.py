"""Dates and months: parsing what users type, month arithmetic, French formats (pure, no I/O).

Every day a person types (command-line options, the questions of ``new``, text cells of the
register) is read by one grammar: ``JJ/MM/AAAA``, ``J/M/AA`` (day first, always; ``/``, ``.``
or ``-`` between the parts) or ``AAAA-MM-JJ``. A two-digit year is of this century (``26`` →
2026): a complaint register holds recent dates only. Months are typed ``AAAA-MM``. Tables show
``02/11/2026``, letters ``2 novembre 2026``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from toolkit.errors import UsageError

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")
TABLE_FORMAT = "%d/%m/%Y"
_MONTH = re.compile(r"\s*(\d{4})-(\d{2})\s*")
_DAY_FIRST = re.compile(
    r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$")


# --- parsing ------------------------------------------------------------------------------

def as_date(value: object) -> date | None:
    """``value`` when it is a date, else ``None`` (a cell the reader could not parse)."""
    return value if isinstance(value, date) else None


def parse_month(text: str) -> tuple[int, int]:
    """``"2026-11"`` → ``(2026, 11)``; a French :class:`UsageError` otherwise."""
    match = _MONTH.fullmatch(str(text))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise UsageError(f"mois invalide « {text} » (attendu : AAAA-MM)")
    return int(match.group(1)), int(match.group(2))


DAY_SYNTAX = "JJ/MM/AAAA, J/M/AA ou AAAA-MM-JJ"
CENTURY = 2000  # a two-digit year is 20AA


def _full_year(text: str) -> int:
    return int(text) + CENTURY if len(text) == 2 else int(text)


def _day_parts(text: str) -> tuple[int, int, int] | None:
    """``(year, month, day)`` as typed, not yet checked against the calendar; ``None`` when
    the text follows none of the accepted forms."""
    match = _DAY_FIRST.match(text)
    if match:
        return _full_year(match.group(3)), int(match.group(2)), int(match.group(1))
    match = _ISO.match(text)
    if match:
        return int(match.group(1)), int(match.group(2)), int(match.group(3))
    return None


def parse_day(text: str) -> date:
    """A day typed by a person: ``20/11/2026``, ``20/11/26``, ``2026-11-20`` → a date; a
    French :class:`UsageError` naming the accepted forms otherwise (no such day, other
    form)."""
    parsed = parse_date_text(str(text))
    if not isinstance(parsed, date):
        raise UsageError(f"date invalide « {text} » (attendu : {DAY_SYNTAX})")
    return parsed


def parse_date_text(text: str) -> date | str | None:
    """A date typed as :func:`parse_day` reads it; the stripped text when it is not a date
    (for validation to report); ``None`` when empty."""
    if not text.strip():
        return None
    parts = _day_parts(text)
    if parts is None:
        return text.strip()
    try:
        return date(*parts)
    except ValueError:
        return text.strip()


# --- month arithmetic -----------------------------------------------------------------------

def shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    """The month ``months`` after ``year-month`` (before, when negative)."""
    year, index = divmod(year * 12 + month - 1 + months, 12)
    return year, index + 1


def add_months(start: date, months: int) -> date:
    """Same day-number ``months`` later, or that month's last day (like Excel EDATE)."""
    year, month = shift_month(start.year, start.month, months)
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def months_between(first: date, last: date) -> list[tuple[int, int]]:
    """Every ``(year, month)`` from ``first``'s month to ``last``'s, in order."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [shift_month(first.year, first.month, offset) for offset in range(max(count, 0))]


# --- French formats -------------------------------------------------------------------------

def date_fr(day: date | None) -> str:
    """``02/11/2026``, as tables show dates; empty for no date."""
    return day.strftime(TABLE_FORMAT) if day else ""


def date_long_fr(day: date) -> str:
    """``2 novembre 2026``, as letters show dates (``1er`` for the first of the month)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS_FR[day.month - 1]} {day.year}"


def month_long_fr(year: int, month: int) -> str:
    """``novembre 2026``."""
    return f"{MONTHS_FR[month - 1]} {year}"
