"""The holiday table deadlines read (toolkit/rules/holiday_table.py) is the pinned
``holidays`` library's own answer: same dates for every year and both zones, and the file
is what scripts/make_holiday_table.py writes today. After a change of the pin, these
tests fail until the script is run again."""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from pathlib import Path

import pytest

from toolkit.register.layout import HOLIDAY_YEARS
from toolkit.rules import deadlines
from toolkit.rules.columns import ZONES
from toolkit.rules.holiday_table import FIRST_YEAR, HOLIDAYS, LAST_YEAR

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("make_holiday_table",
                                                  ROOT / "scripts" / "make_holiday_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_is_what_the_script_writes_from_the_pinned_library() -> None:
    script = _script()
    assert script.TABLE.read_text(encoding="utf-8") == script.table_text()


@pytest.mark.parametrize("zone", ZONES)
def test_every_day_of_the_covered_years_is_a_holiday_as_the_library_says(zone) -> None:
    assert (FIRST_YEAR, LAST_YEAR) == HOLIDAY_YEARS  # the workbook's holiday sheet's years
    assert set(HOLIDAYS) == set(ZONES)
    day, last = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
    while day <= last:
        assert deadlines.is_public_holiday(day, zone) == \
            (day in deadlines._holidays_of_year(day.year, zone)), day
        day += timedelta(days=1)


def test_an_unknown_zone_is_refused_inside_and_outside_the_table() -> None:
    for year in (FIRST_YEAR, LAST_YEAR + 1):
        with pytest.raises(ValueError, match="zone inconnue"):
            deadlines.is_public_holiday(date(year, 5, 1), "Corse")
