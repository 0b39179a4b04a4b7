"""Tests of the legal calendar (SPEC "Deadlines").

Every expected date in the tables below was worked out by hand from a printed calendar and
the list of French public holidays; none was produced by the code under test. Each case id
spells out the count (the day of reception never counts; Sundays and holidays are skipped;
a Saturday is a jour ouvrable unless it is a holiday).

Easter Sundays used: 2022-04-17, 2024-03-31, 2025-04-20, 2026-04-05, 2027-03-28, 2028-04-16.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from dateutil.easter import easter
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.rules.columns import Zone
from toolkit.rules.deadlines import (
    A_FAIRE,
    EN_RETARD,
    ENVOYE_A_TEMPS,
    ENVOYE_EN_RETARD,
    STATUSES,
    ack_deadline,
    count_jours_ouvrables,
    deadline_status,
    is_jour_ouvrable,
    public_holidays,
    reply_deadline,
)

M = Zone.METROPOLE
AM = Zone.ALSACE_MOSELLE

# ---------------------------------------------------------------------------------------------
# Hand-worked acknowledgement deadlines: (received, zone, expected)
# ---------------------------------------------------------------------------------------------
# fmt: off
ACK_CASES = [
    pytest.param(
        date(2026, 11, 2), M, date(2026, 11, 14),
        id="SPEC example: Mon 2 Nov 2026 -> Sat 14 Nov 2026, Wed 11 Nov skipped",
    ),
    pytest.param(
        date(2026, 11, 2), AM, date(2026, 11, 14),
        id="same in Alsace-Moselle: no local holiday in the window -> Sat 14 Nov 2026",
    ),
    pytest.param(
        date(2026, 3, 9), M, date(2026, 3, 20),
        id="plain fortnight: Mon 9 Mar 2026 -> Fri 20 Mar 2026 (Sat 14 counts, Sun 15 not)",
    ),
    pytest.param(
        date(2026, 3, 8), M, date(2026, 3, 19),
        id="received Sun 8 Mar 2026 -> Thu 19 Mar 2026 (only 11 calendar days)",
    ),
    pytest.param(
        date(2026, 11, 1), M, date(2026, 11, 13),
        id="received on Sun holiday 1 Nov 2026 -> Fri 13 Nov 2026, Sun 8 and Wed 11 skipped",
    ),
    pytest.param(
        date(2026, 11, 7), M, date(2026, 11, 20),
        id="received Sat 7 Nov 2026 -> Fri 20 Nov 2026, Sun 8, Wed 11, Sun 15 skipped",
    ),
    pytest.param(
        date(2026, 10, 30), M, date(2026, 11, 12),
        id="month end: Fri 30 Oct 2026 -> Thu 12 Nov 2026 (Sat 31 counts; 1 and 11 Nov not)",
    ),
    pytest.param(
        date(2026, 8, 12), M, date(2026, 8, 25),
        id="Saturday holiday: Wed 12 Aug 2026 -> Tue 25 Aug 2026, Sat 15 Aug not ouvrable",
    ),
    pytest.param(
        date(2026, 7, 10), M, date(2026, 7, 23),
        id="Fri 10 Jul 2026 -> Thu 23 Jul 2026, Tue 14 Jul skipped",
    ),
    pytest.param(
        date(2026, 4, 30), M, date(2026, 5, 15),
        id="May bridges: Thu 30 Apr 2026 -> Fri 15 May 2026, Fri 1, Fri 8, Thu 14 (Ascension) out",
    ),
    pytest.param(
        date(2026, 5, 11), M, date(2026, 5, 23),
        id="Ascension week: Mon 11 May 2026 -> Sat 23 May 2026, Thu 14 May skipped",
    ),
    pytest.param(
        date(2026, 5, 14), M, date(2026, 5, 27),
        id="received on Ascension Thu 14 May 2026 -> Wed 27 May 2026, Whit Mon 25 May skipped",
    ),
    pytest.param(
        date(2026, 3, 30), M, date(2026, 4, 11),
        id="Easter week Metropole: Mon 30 Mar 2026 -> Sat 11 Apr 2026, Easter Mon 6 Apr out",
    ),
    pytest.param(
        date(2026, 3, 30), AM, date(2026, 4, 13),
        id="Easter week Alsace: Mon 30 Mar 2026 -> Mon 13 Apr 2026, Good Fri 3 Apr also out",
    ),
    pytest.param(
        date(2026, 12, 21), M, date(2027, 1, 4),
        id="year end Metropole: Mon 21 Dec 2026 -> Mon 4 Jan 2027, 25 Dec and 1 Jan out",
    ),
    pytest.param(
        date(2026, 12, 21), AM, date(2027, 1, 5),
        id="year end Alsace: Mon 21 Dec 2026 -> Tue 5 Jan 2027, Sat 26 Dec also out",
    ),
    pytest.param(
        date(2026, 1, 31), M, date(2026, 2, 12),
        id="month end: Sat 31 Jan 2026 -> Thu 12 Feb 2026 (Sun 1 and Sun 8 Feb skipped)",
    ),
    pytest.param(
        date(2026, 2, 28), M, date(2026, 3, 12),
        id="non-leap Feb end: Sat 28 Feb 2026 -> Thu 12 Mar 2026",
    ),
    pytest.param(
        date(2026, 8, 31), M, date(2026, 9, 11),
        id="month end: Mon 31 Aug 2026 -> Fri 11 Sep 2026, only Sun 6 Sep skipped",
    ),
    pytest.param(
        date(2024, 2, 29), M, date(2024, 3, 12),
        id="leap day: Thu 29 Feb 2024 -> Tue 12 Mar 2024 (Sun 3 and Sun 10 skipped)",
    ),
    pytest.param(
        date(2024, 3, 27), M, date(2024, 4, 9),
        id="Easter 2024 Metropole: Wed 27 Mar -> Tue 9 Apr 2024, Easter Mon 1 Apr out",
    ),
    pytest.param(
        date(2024, 3, 27), AM, date(2024, 4, 10),
        id="Easter 2024 Alsace: Wed 27 Mar -> Wed 10 Apr 2024, Good Fri 29 Mar also out",
    ),
    pytest.param(
        date(2024, 4, 30), M, date(2024, 5, 15),
        id="Tue 30 Apr 2024 -> Wed 15 May 2024, Wed 1, Wed 8 and Thu 9 (Ascension) May out",
    ),
    pytest.param(
        date(2024, 5, 11), M, date(2024, 5, 24),
        id="Pentecost: Sat 11 May 2024 -> Fri 24 May 2024, Whit Mon 20 May out",
    ),
    pytest.param(
        date(2024, 8, 12), M, date(2024, 8, 24),
        id="Mon 12 Aug 2024 -> Sat 24 Aug 2024, Thu 15 Aug skipped",
    ),
    pytest.param(
        date(2024, 12, 20), M, date(2025, 1, 3),
        id="year end Metropole: Fri 20 Dec 2024 -> Fri 3 Jan 2025, 25 Dec and 1 Jan out",
    ),
    pytest.param(
        date(2024, 12, 20), AM, date(2025, 1, 4),
        id="year end Alsace: Fri 20 Dec 2024 -> Sat 4 Jan 2025, Thu 26 Dec also out",
    ),
    pytest.param(
        date(2024, 12, 31), M, date(2025, 1, 13),
        id="New Year's Eve: Tue 31 Dec 2024 -> Mon 13 Jan 2025, Wed 1 Jan out",
    ),
    pytest.param(
        date(2025, 10, 29), M, date(2025, 11, 12),
        id="Saturday holiday: Wed 29 Oct 2025 -> Wed 12 Nov 2025, Sat 1 Nov and Tue 11 Nov out",
    ),
    pytest.param(
        date(2025, 4, 15), M, date(2025, 4, 28),
        id="Good Friday 2025 Metropole: Tue 15 Apr -> Mon 28 Apr 2025, Fri 18 Apr counts",
    ),
    pytest.param(
        date(2025, 4, 15), AM, date(2025, 4, 29),
        id="Good Friday 2025 Alsace: Tue 15 Apr -> Tue 29 Apr 2025, Fri 18 Apr skipped",
    ),
    pytest.param(
        date(2025, 4, 30), M, date(2025, 5, 14),
        id="Wed 30 Apr 2025 -> Wed 14 May 2025, Thu 1 and Thu 8 May out",
    ),
    pytest.param(
        date(2025, 5, 27), M, date(2025, 6, 10),
        id="Tue 27 May 2025 -> Tue 10 Jun 2025, Ascension 29 May and Whit Mon 9 Jun out",
    ),
    pytest.param(
        date(2025, 7, 13), M, date(2025, 7, 25),
        id="received Sun 13 Jul 2025 -> Fri 25 Jul 2025, Mon 14 Jul out",
    ),
    pytest.param(
        date(2025, 12, 22), M, date(2026, 1, 5),
        id="year end Metropole: Mon 22 Dec 2025 -> Mon 5 Jan 2026, 25 Dec and 1 Jan out",
    ),
    pytest.param(
        date(2025, 12, 22), AM, date(2026, 1, 6),
        id="year end Alsace: Mon 22 Dec 2025 -> Tue 6 Jan 2026, Fri 26 Dec also out",
    ),
    pytest.param(
        date(2025, 12, 25), M, date(2026, 1, 7),
        id="received on Christmas Thu 25 Dec 2025 (Metropole) -> Wed 7 Jan 2026",
    ),
    pytest.param(
        date(2025, 12, 25), AM, date(2026, 1, 8),
        id="received on Christmas Thu 25 Dec 2025 (Alsace) -> Thu 8 Jan 2026",
    ),
    pytest.param(
        date(2027, 4, 29), M, date(2027, 5, 14),
        id="Saturday holidays: Thu 29 Apr 2027 -> Fri 14 May 2027, Sat 1 and Sat 8 May out",
    ),
    pytest.param(
        date(2027, 3, 23), M, date(2027, 4, 5),
        id="Easter 2027 Metropole: Tue 23 Mar -> Mon 5 Apr 2027, Easter Mon 29 Mar out",
    ),
    pytest.param(
        date(2027, 3, 23), AM, date(2027, 4, 6),
        id="Easter 2027 Alsace: Tue 23 Mar -> Tue 6 Apr 2027, Good Fri 26 Mar also out",
    ),
    pytest.param(
        date(2027, 10, 29), M, date(2027, 11, 12),
        id="Fri 29 Oct 2027 -> Fri 12 Nov 2027, Mon 1 Nov and Thu 11 Nov out",
    ),
    pytest.param(
        date(2027, 12, 22), M, date(2028, 1, 5),
        id="year end 2027 Metropole: Wed 22 Dec -> Wed 5 Jan 2028, Sat 25 Dec and Sat 1 Jan out",
    ),
    pytest.param(
        date(2027, 12, 22), AM, date(2028, 1, 5),
        id="year end 2027 Alsace: same Wed 5 Jan 2028, 26 Dec is a Sunday anyway",
    ),
    pytest.param(
        date(2028, 2, 28), M, date(2028, 3, 10),
        id="leap Feb: Mon 28 Feb 2028 -> Fri 10 Mar 2028, Tue 29 Feb counts",
    ),
    pytest.param(
        date(2028, 2, 29), M, date(2028, 3, 11),
        id="leap day: Tue 29 Feb 2028 -> Sat 11 Mar 2028 (Sun 5 Mar skipped)",
    ),
    pytest.param(
        date(2028, 4, 12), M, date(2028, 4, 25),
        id="Easter 2028 Metropole: Wed 12 Apr -> Tue 25 Apr 2028, Easter Mon 17 Apr out",
    ),
    pytest.param(
        date(2028, 4, 12), AM, date(2028, 4, 26),
        id="Easter 2028 Alsace: Wed 12 Apr -> Wed 26 Apr 2028, Good Fri 14 Apr also out",
    ),
    pytest.param(
        date(2028, 4, 29), M, date(2028, 5, 13),
        id="Sat 29 Apr 2028 -> Sat 13 May 2028, Mon 1 and Mon 8 May out",
    ),
    pytest.param(
        date(2028, 12, 22), M, date(2029, 1, 5),
        id="year end 2028 Metropole: Fri 22 Dec -> Fri 5 Jan 2029, Mon 25 Dec and Mon 1 Jan out",
    ),
    pytest.param(
        date(2028, 12, 22), AM, date(2029, 1, 6),
        id="year end 2028 Alsace: Fri 22 Dec -> Sat 6 Jan 2029, Tue 26 Dec also out",
    ),
    pytest.param(
        date(2035, 4, 28), M, date(2035, 5, 15),
        id="widest span: Sat 28 Apr 2035 -> Tue 15 May 2035, 1, 3 (Ascension), 8, 14 May out",
    ),
    pytest.param(
        date(2022, 12, 23), M, date(2023, 1, 4),
        id="Christmas on Sunday: Fri 23 Dec 2022 -> Wed 4 Jan 2023 (Mon 26 Dec counts)",
    ),
    pytest.param(
        date(2022, 12, 23), AM, date(2023, 1, 5),
        id="Christmas on Sunday, Alsace: Fri 23 Dec 2022 -> Thu 5 Jan 2023, Mon 26 Dec out",
    ),
]
# fmt: on


@pytest.mark.parametrize(("received", "zone", "expected"), ACK_CASES)
def test_ack_deadline_hand_worked(received: date, zone: str, expected: date) -> None:
    assert ack_deadline(received, zone) == expected


def test_ack_deadline_default_zone_is_metropole() -> None:
    # Fri 15 Apr 2025 case: Good Friday counts in Métropole.
    assert ack_deadline(date(2025, 4, 15)) == date(2025, 4, 28)


# ---------------------------------------------------------------------------------------------
# Hand-worked reply deadlines: (received, expected)
# ---------------------------------------------------------------------------------------------
# fmt: off
REPLY_CASES = [
    pytest.param(date(2026, 1, 31), date(2026, 2, 28), id="SPEC example: 31 Jan 2026 -> 28 Feb"),
    pytest.param(date(2024, 1, 31), date(2024, 2, 29), id="31 Jan 2024 -> 29 Feb (leap)"),
    pytest.param(date(2024, 1, 30), date(2024, 2, 29), id="30 Jan 2024 -> 29 Feb (leap)"),
    pytest.param(date(2028, 1, 31), date(2028, 2, 29), id="31 Jan 2028 -> 29 Feb (leap)"),
    pytest.param(date(2026, 1, 29), date(2026, 2, 28), id="29 Jan 2026 -> 28 Feb (no 29 Feb)"),
    pytest.param(date(2025, 3, 31), date(2025, 4, 30), id="31 Mar 2025 -> 30 Apr"),
    pytest.param(date(2026, 5, 31), date(2026, 6, 30), id="31 May 2026 -> 30 Jun"),
    pytest.param(date(2026, 8, 31), date(2026, 9, 30), id="31 Aug 2026 -> 30 Sep"),
    pytest.param(date(2024, 12, 31), date(2025, 1, 31), id="31 Dec 2024 -> 31 Jan 2025"),
    pytest.param(
        date(2026, 12, 31), date(2027, 1, 31),
        id="31 Dec 2026 -> Sun 31 Jan 2027, stays on the Sunday",
    ),
    pytest.param(
        date(2024, 2, 29), date(2024, 3, 29),
        id="29 Feb 2024 -> 29 Mar 2024 (Good Friday, irrelevant to the reply)",
    ),
    pytest.param(date(2028, 2, 29), date(2028, 3, 29), id="29 Feb 2028 -> 29 Mar 2028"),
    pytest.param(
        date(2026, 2, 28), date(2026, 3, 28),
        id="28 Feb 2026 -> 28 Mar, not 'end of month' to end of month",
    ),
    pytest.param(
        date(2026, 6, 12), date(2026, 7, 12),
        id="Fri 12 Jun 2026 -> Sun 12 Jul 2026, not pushed to Mon 13",
    ),
    pytest.param(
        date(2026, 4, 14), date(2026, 5, 14),
        id="Tue 14 Apr 2026 -> Thu 14 May 2026 (Ascension), not pushed",
    ),
    pytest.param(
        date(2026, 11, 25), date(2026, 12, 25),
        id="Wed 25 Nov 2026 -> Fri 25 Dec 2026 (Christmas), not pushed",
    ),
    pytest.param(
        date(2026, 11, 1), date(2026, 12, 1),
        id="received on Sun holiday 1 Nov 2026 -> Tue 1 Dec 2026",
    ),
    pytest.param(date(2025, 12, 15), date(2026, 1, 15), id="15 Dec 2025 -> 15 Jan 2026"),
]
# fmt: on


@pytest.mark.parametrize(("received", "expected"), REPLY_CASES)
def test_reply_deadline_hand_worked(received: date, expected: date) -> None:
    assert reply_deadline(received) == expected


@pytest.mark.parametrize(
    ("received", "zone", "expected"),
    [
        pytest.param(
            date(2026, 11, 2),
            M,
            date(2026, 11, 14),
            id="ack on Sat 14 Nov 2026 stays there although Sun 15 follows",
        ),
        pytest.param(
            date(2025, 7, 1),
            M,
            date(2025, 7, 12),
            id="Tue 1 Jul 2025 -> Sat 12 Jul 2025, not pushed past Sun 13 and Mon 14 Jul",
        ),
        pytest.param(
            date(2025, 7, 3),
            M,
            date(2025, 7, 16),
            id="Thu 3 Jul 2025 -> Wed 16 Jul 2025: Sun 6, Sun 13 and Mon 14 Jul skipped",
        ),
    ],
)
def test_ack_deadline_is_not_pushed(received: date, zone: str, expected: date) -> None:
    """The deadline is the 10th jour ouvrable itself, whatever follows it."""
    deadline = ack_deadline(received, zone)
    assert deadline == expected
    assert is_jour_ouvrable(deadline, zone)


# ---------------------------------------------------------------------------------------------
# Statuses
# ---------------------------------------------------------------------------------------------
DEADLINE = date(2026, 11, 14)


@pytest.mark.parametrize(
    ("sent", "today", "expected"),
    [
        pytest.param(date(2026, 11, 10), date(2026, 11, 20), ENVOYE_A_TEMPS, id="sent early"),
        pytest.param(DEADLINE, date(2026, 11, 20), ENVOYE_A_TEMPS, id="sent on the deadline"),
        pytest.param(DEADLINE, DEADLINE, ENVOYE_A_TEMPS, id="sent on deadline, today=deadline"),
        pytest.param(
            date(2026, 11, 15), date(2026, 11, 20), ENVOYE_EN_RETARD, id="sent the day after"
        ),
        pytest.param(
            date(2026, 12, 1), date(2026, 12, 1), ENVOYE_EN_RETARD, id="sent late, today=sent"
        ),
        pytest.param(
            date(2026, 11, 10),
            date(2026, 11, 5),
            ENVOYE_A_TEMPS,
            id="sent date wins over today (today before sending)",
        ),
        pytest.param(None, date(2026, 11, 3), A_FAIRE, id="not sent, well before"),
        pytest.param(None, DEADLINE, A_FAIRE, id="not sent, today is the deadline"),
        pytest.param(None, date(2026, 11, 15), EN_RETARD, id="not sent, the day after"),
        pytest.param(None, date(2027, 3, 1), EN_RETARD, id="not sent, months later"),
    ],
)
def test_deadline_status(sent: date | None, today: date, expected: str) -> None:
    assert deadline_status(DEADLINE, sent, today) == expected
    assert expected in STATUSES


def test_statuses_are_the_four_of_the_spec() -> None:
    assert set(STATUSES) == {"envoye_a_temps", "envoye_en_retard", "a_faire", "en_retard"}


# ---------------------------------------------------------------------------------------------
# Independent oracle: holidays from fixed rules, and a day-by-day count
# ---------------------------------------------------------------------------------------------
FIRST_YEAR, LAST_YEAR = 2020, 2040
_FIXED = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
# Easter Monday, Ascension Thursday, Whit Monday
_EASTER_OFFSETS = [1, 39, 50]


def oracle_holidays(year: int, zone: str) -> set[date]:
    """French public holidays of ``year`` from the legal rules, independent of toolkit."""
    days = {date(year, month, day) for month, day in _FIXED}
    sunday = easter(year)
    days |= {sunday + timedelta(days=offset) for offset in _EASTER_OFFSETS}
    if zone == Zone.ALSACE_MOSELLE:
        days |= {sunday - timedelta(days=2), date(year, 12, 26)}
    return days


# One extra year: a deadline for a late-December 2040 complaint lands in January 2041.
ORACLE = {
    zone: set().union(*(oracle_holidays(y, zone) for y in range(FIRST_YEAR, LAST_YEAR + 2)))
    for zone in (M, AM)
}


def oracle_ouvrable(day: date, zone: str) -> bool:
    return day.weekday() != 6 and day not in ORACLE[zone]


def oracle_ack(received: date, zone: str) -> date:
    day, counted = received, 0
    while counted < 10:
        day += timedelta(days=1)
        if oracle_ouvrable(day, zone):
            counted += 1
    return day


def test_oracle_agrees_with_the_hand_worked_table() -> None:
    """Guards the oracle itself: it must reproduce every hand-worked case."""
    for case in ACK_CASES:
        received, zone, expected = case.values
        assert oracle_ack(received, zone) == expected, case.id


dates = st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31))
zones = st.sampled_from([M, AM])


@settings(max_examples=500)
@given(received=dates, zone=zones)
def test_ack_deadline_matches_day_by_day_count(received: date, zone: str) -> None:
    assert ack_deadline(received, zone) == oracle_ack(received, zone)


@settings(max_examples=300)
@given(received=dates, zone=zones)
def test_ack_deadline_is_a_jour_ouvrable(received: date, zone: str) -> None:
    deadline = ack_deadline(received, zone)
    assert deadline.weekday() != 6
    assert deadline not in ORACLE[zone]
    assert is_jour_ouvrable(deadline, zone)


@settings(max_examples=300)
@given(received=dates, zone=zones)
def test_ack_deadline_calendar_span(received: date, zone: str) -> None:
    # Any 11 consecutive days hold at least one Sunday, so the span is at least 11 days (e.g.
    # received Sun 8 Mar 2026 -> Thu 19 Mar 2026). The widest span over 2020-2040 is 17 days
    # (received Sat 28 Apr 2035: 3 Sundays plus 1 May, Ascension 3 May, 8 May, Whit Mon 14 May).
    span = (ack_deadline(received, zone) - received).days
    assert 11 <= span <= 17


@settings(max_examples=300)
@given(received=dates, zone=zones)
def test_ack_deadline_counts_ten_jours_ouvrables(received: date, zone: str) -> None:
    deadline = ack_deadline(received, zone)
    assert count_jours_ouvrables(received, deadline, zone) == 10
    # the day before the deadline is still short of ten
    assert count_jours_ouvrables(received, deadline - timedelta(days=1), zone) == 9


@settings(max_examples=300)
@given(received=dates)
def test_alsace_never_earlier_than_metropole(received: date) -> None:
    assert ack_deadline(received, AM) >= ack_deadline(received, M)


@settings(max_examples=500)
@given(received=dates)
def test_reply_deadline_is_same_day_next_month_or_its_end(received: date) -> None:
    deadline = reply_deadline(received)
    year, month = (
        (received.year + 1, 1) if received.month == 12 else (received.year, received.month + 1)
    )
    assert (deadline.year, deadline.month) == (year, month)
    assert deadline.day == min(received.day, calendar.monthrange(year, month)[1])


# ---------------------------------------------------------------------------------------------
# Holiday tables
# ---------------------------------------------------------------------------------------------
def test_alsace_moselle_local_holidays() -> None:
    alsace = public_holidays(FIRST_YEAR, LAST_YEAR, AM)
    metropole = public_holidays(FIRST_YEAR, LAST_YEAR, M)
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        good_friday = easter(year) - timedelta(days=2)
        st_stephen = date(year, 12, 26)
        assert good_friday in alsace, year
        assert st_stephen in alsace, year
        assert good_friday not in metropole, year
        assert st_stephen not in metropole, year


@pytest.mark.parametrize("zone", [M, AM])
def test_public_holidays_match_the_legal_rules(zone: str) -> None:
    table = public_holidays(FIRST_YEAR, LAST_YEAR, zone)
    expected = set().union(*(oracle_holidays(y, zone) for y in range(FIRST_YEAR, LAST_YEAR + 1)))
    assert set(table) == expected
