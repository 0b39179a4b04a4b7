"""Shared French formatting of what users read: aligned tables, shown paths, plurals,
shortened texts (pure, but for reading the console's encoding, so that tables stay aligned
once it is written)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

# What a console that lacks a character writes instead (cp850, cp1252… on Windows); any
# other missing character becomes "?". Used by toolkit.cli.console when writing.
CONSOLE_FALLBACKS = {"—": "-", "–": "-", "…": "...", "’": "'", "‘": "'", "“": '"',
                     "”": '"', "«": '"', "»": '"', "\u202f": " ", "\xa0": " ", "œ": "oe",
                     "Œ": "OE", "\u2011": "-", "→": "->", "›": ">", "€": "EUR"}


def console_width(text: str, encoding: str | None = None) -> int:
    """How many characters ``text`` takes once written to the console (``encoding``: the
    console's, by default standard output's): « … » takes three under cp850."""
    encoding = encoding or getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
        return len(text)
    except UnicodeEncodeError:
        pass
    except LookupError:
        return len(text)
    width = 0
    for char in text:
        try:
            char.encode(encoding)
            width += 1
        except UnicodeEncodeError:
            width += len(CONSOLE_FALLBACKS.get(char, "?"))
    return width


def shortened(text: str, limit: int, mark: str = "…") -> str:
    """``text`` whole when it fits in ``limit`` characters, else cut so that it still
    does once ``mark`` ends it."""
    return text if len(text) <= limit else text[:limit - len(mark)] + mark


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]],
                 encoding: str | None = None) -> str:
    """Columns aligned on the widest cell, as the console will show them (``encoding``);
    no cell is ever cut."""
    texts = [[str(cell) for cell in row] for row in [headers, *rows]]
    sizes = [[console_width(cell, encoding) for cell in row] for row in texts]
    widths = [max(column) for column in zip(*sizes, strict=True)]

    def line(cells: list[str], cell_sizes: list[int]) -> str:
        return "  ".join(cell + " " * (width - size) for cell, size, width
                         in zip(cells, cell_sizes, widths, strict=True)).rstrip()

    lines = [line(texts[0], sizes[0]), "  ".join("-" * w for w in widths)]
    lines += [line(row, row_sizes) for row, row_sizes in zip(texts[1:], sizes[1:], strict=True)]
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
