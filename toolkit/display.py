"""Shared French formatting of what users read: aligned tables, shown paths, plurals (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


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


def shown_path(path: Path) -> str:
    """Relative to the current folder when inside it: shorter in a terminal."""
    absolute, here = Path(path).absolute(), Path.cwd()
    return str(absolute.relative_to(here) if absolute.is_relative_to(here) else absolute)


def agree(count: float, singular: str, plural_form: str) -> str:
    """The phrase agreeing with ``count``: French is singular below 2 (0, 1 and 1,5 too)."""
    return singular if abs(count) < 2 else plural_form


def plural(count: int, singular: str, plural_form: str) -> str:
    """``count`` then its phrase, given whole in both forms because every word may agree:
    ``plural(2, "réclamation enregistrée", "réclamations enregistrées")``."""
    return f"{count} {agree(count, singular, plural_form)}"
