"""How long a complaint keeps its personal data, and what an erased row looks like (pure).

docs/product-rules.md, "Personal data": a complaint answered more than
``Durée de conservation (années)`` ago is due for purge; an erased text reads
« effacé le JJ/MM/AAAA ».
"""

from __future__ import annotations

from datetime import date

from toolkit.dates import date_fr
from toolkit.rules.records import is_filled

ERASED_PREFIX = "effacé le "
# Texts that can identify a person: replaced by the erasure mark.
IDENTIFYING_TEXT_KEYS = ("nom", "adresse", "description", "infos_manquantes", "actions",
                         "resolution", "observations")
# Identifying values that a mark would make invalid (a list, an address, a phone): emptied.
IDENTIFYING_CLEARED_KEYS = ("civilite", "courriel", "telephone")
IDENTIFYING_KEYS = IDENTIFYING_TEXT_KEYS + IDENTIFYING_CLEARED_KEYS


def erasure_mark(day: date) -> str:
    return f"{ERASED_PREFIX}{date_fr(day)}"


def is_erased(value: object) -> bool:
    """A name already replaced by an erasure mark."""
    return isinstance(value, str) and value.strip().startswith(ERASED_PREFIX)


def erased_values(row: dict, day: date) -> dict[str, object]:
    """The new values of a row's identifying cells: the mark in place of each text, the
    others emptied. Number, dates, channel, category, decision and satisfaction stay, so
    that the statistics do not change."""
    mark = erasure_mark(day)
    values: dict[str, object] = {key: mark for key in IDENTIFYING_TEXT_KEYS
                                 if is_filled(row.get(key)) and not is_erased(row.get(key))}
    values.update({key: None for key in IDENTIFYING_CLEARED_KEYS if is_filled(row.get(key))})
    return values


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def purge_from(row: dict, years: int) -> date | None:
    """The first day the complaint is due for purge: the day after its reply's
    ``years``-th anniversary; None while it has no reply, is already erased, or its
    reply date lies so far ahead that the day is past the calendar (a typo ``check``
    reports as a future date)."""
    replied = row.get("date_reponse")
    if not isinstance(replied, date) or is_erased(row.get("nom")):
        return None
    if replied.year + years > date.max.year - 1:
        return None
    return date.fromordinal(add_years(replied, years).toordinal() + 1)


def due_for_purge(row: dict, years: int, today: date) -> bool:
    """Answered more than ``years`` years before ``today``, not yet erased."""
    start = purge_from(row, years)
    return start is not None and today >= start
