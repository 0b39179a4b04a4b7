"""Plain-text tables and French labels for the command line (pure: returns strings)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns aligned on the widest cell; no cell is ever cut."""
    texts = [[str(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in texts:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in texts]
    return "\n".join(lines)


def date_fr(day: date | None) -> str:
    """``02/11/2026``, as tables show dates."""
    return day.strftime("%d/%m/%Y") if day else ""


def date_long_fr(day: date) -> str:
    """``2 novembre 2026``, as letters show dates (``1er`` for the first of the month)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS_FR[day.month - 1]} {day.year}"


def month_long_fr(year: int, month: int) -> str:
    """``novembre 2026``."""
    return f"{MONTHS_FR[month - 1]} {year}"


def shown_path(path: Path) -> str:
    """Relative to the current folder when inside it: shorter in a terminal."""
    absolute, here = Path(path).absolute(), Path.cwd()
    return str(absolute.relative_to(here) if absolute.is_relative_to(here) else absolute)


def month_of(text: str) -> tuple[int, int] | None:
    """``"2026-11"`` → ``(2026, 11)``, or ``None`` when it is not a month."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{2})\s*", str(text))
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return int(match.group(1)), int(match.group(2))


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count in (0, 1) else (plural_form or singular + 's')}"
