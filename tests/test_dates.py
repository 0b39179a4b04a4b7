"""Dates and months: every expected value worked out by hand on a calendar."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.dates import (
    add_months,
    as_date,
    date_fr,
    date_long_fr,
    month_end,
    month_long_fr,
    months_between,
    parse_date_text,
    parse_day,
    parse_month,
    shift_month,
)
from toolkit.errors import UsageError


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "nov 2026", "", "2026-00"])
def test_parse_month_refuses_in_french(text):
    with pytest.raises(UsageError, match="mois invalide"):
        parse_month(text)


def test_parse_month_and_day():
    assert parse_month(" 2026-11 ") == (2026, 11)
    assert parse_day("2026-11-20") == date(2026, 11, 20)


@pytest.mark.parametrize(("text", "expected"), [
    ("15/12/2026", date(2026, 12, 15)),
    ("15/12/26", date(2026, 12, 15)),
    ("6/11/26", date(2026, 11, 6)),
    ("06/11/2026", date(2026, 11, 6)),
    (" 1/1/00 ", date(2000, 1, 1)),
    ("31/12/99", date(2099, 12, 31)),  # a two-digit year is 20AA
    ("2026-11-06", date(2026, 11, 6)),
    ("06.11.2026", date(2026, 11, 6)),
])
def test_parse_day_reads_every_form_people_type(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize("text", ["31/02/2026", "29/02/27", "2026-13-01", "15/12", "demain",
                                  "", "15/12/026", "12/15/2026", "20261115"])
def test_parse_day_refuses_in_french_naming_the_forms(text):
    with pytest.raises(UsageError, match=r"date invalide .*JJ/MM/AAAA, J/M/AA ou AAAA-MM-JJ"):
        parse_day(text)


def _unpadded(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year % 100:02d}"


DAYS = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
CENTURY_DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@given(DAYS)
def test_any_day_round_trips_through_the_four_digit_forms(day):
    assert parse_day(day.strftime("%d/%m/%Y")) == day
    assert parse_day(f"{day.day}/{day.month}/{day.year}") == day
    assert parse_day(day.isoformat()) == day
    assert parse_date_text(day.strftime("%d/%m/%Y")) == day


@given(CENTURY_DAYS)
def test_any_day_of_the_century_round_trips_through_two_digit_years(day):
    assert parse_day(_unpadded(day)) == day
    assert parse_day(day.strftime("%d/%m/%y")) == day
    assert parse_date_text(_unpadded(day)) == day


@pytest.mark.parametrize(("text", "expected"), [
    ("02/11/2026", date(2026, 11, 2)),
    ("2/11/2026", date(2026, 11, 2)),
    (" 02.11.2026 ", date(2026, 11, 2)),
    ("2026-11-02", date(2026, 11, 2)),
    ("2/11/26", date(2026, 11, 2)),
    ("31/02/2026", "31/02/2026"),  # no such day: the text, for validation to report
    ("demain", "demain"),
    ("  ", None),
])
def test_day_first_text(text, expected):
    assert parse_date_text(text) == expected


def test_as_date_keeps_only_dates():
    assert as_date(date(2026, 11, 2)) == date(2026, 11, 2)
    assert as_date("02/11/2026") is None
    assert as_date(None) is None


def test_month_arithmetic():
    assert shift_month(2026, 11, 2) == (2027, 1)
    assert shift_month(2026, 2, -3) == (2025, 11)
    assert shift_month(2026, 12, 0) == (2026, 12)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 2), 1) == date(2026, 12, 2)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert month_end(2026, 2) == date(2026, 2, 28)
    assert month_end(2026, 12) == date(2026, 12, 31)


def test_months_between():
    assert months_between(date(2026, 11, 20), date(2027, 2, 1)) == [
        (2026, 11), (2026, 12), (2027, 1), (2027, 2)]
    assert months_between(date(2026, 11, 1), date(2026, 11, 30)) == [(2026, 11)]
    assert months_between(date(2026, 12, 1), date(2026, 11, 30)) == []


def test_french_formats():
    assert date_fr(date(2026, 11, 2)) == "02/11/2026"
    assert date_fr(None) == ""
    assert date_long_fr(date(2026, 11, 2)) == "2 novembre 2026"
    assert date_long_fr(date(2026, 8, 1)) == "1er août 2026"
    assert month_long_fr(2027, 2) == "février 2027"
