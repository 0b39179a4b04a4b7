"""Write toolkit/rules/holiday_table.py: the French public holidays of both zones, as the
pinned ``holidays`` library gives them, for the years the register's holiday sheet covers.

    python scripts/make_holiday_table.py

Run it after changing the ``holidays`` pin; tests/register/test_holiday_table.py fails
until it is run. Deadlines read the table: loading the library and its France calendar
costs a command about 0.15 s, more than the dates it gives.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.register.layout import HOLIDAY_YEARS  # noqa: E402
from toolkit.rules.columns import ZONES  # noqa: E402
from toolkit.rules.deadlines import public_holidays  # noqa: E402

TABLE = ROOT / "toolkit" / "rules" / "holiday_table.py"


def table_text() -> str:
    first, last = HOLIDAY_YEARS
    lines = ['"""French public holidays by zone (ISO dates), written by',
             "scripts/make_holiday_table.py from holidays "
             f'{version("holidays")}: do not edit by hand."""', "",
             f"FIRST_YEAR, LAST_YEAR = {first}, {last}", "HOLIDAYS = {"]
    for zone in ZONES:
        days = [day.isoformat() for day in public_holidays(first, last, zone)]
        lines.append(f'    "{zone}": (')
        lines += ["        " + " ".join(f'"{d}",' for d in days[i:i + 6])
                  for i in range(0, len(days), 6)]
        lines.append("    ),")
    return "\n".join([*lines, "}", ""])


if __name__ == "__main__":
    TABLE.write_text(table_text(), encoding="utf-8")
    print(f"{TABLE.relative_to(ROOT)} écrit.")
