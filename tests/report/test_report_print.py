"""The printed report with a full priority table: many complaints open and late, the 30 most
urgent listed, every row of that table on one A4 page (headless Chromium, read back with
poppler)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import browser
from helpers.register_files import complaint

from toolkit.cli import main
from toolkit.report.display import WATCH_ROWS


def _many_open(make_register) -> Path:
    """45 complaints of October never acknowledged (long next actions), 24 of November."""
    rows = [complaint(f"2026-{n:03d}", date(2026, 10, 1 + n % 28), nom=f"Client {n}",
                      description="Leçon annulée sans préavis. " * 6)
            for n in range(1, 46)]
    rows += [complaint(f"2026-{n:03d}", date(2026, 11, 1 + n % 18), nom=f"Client {n}")
             for n in range(46, 70)]
    return make_register(rows)


@pytest.mark.chromium
def test_printed_priority_table_is_whole_on_one_page(make_register, tmp_path, needs_chromium):
    register = _many_open(make_register)
    out = tmp_path / "rapports"
    assert main(["report", "--register", str(register), "--month", "2026-11",
                 "--today", "20/11/2026", "--out", str(out)]) == 0
    html = (out / "rapport_2026-11.html").read_text(encoding="utf-8")
    watch = next(rows for rows in browser.html_tables(html.split("<body", 1)[1])
                 if rows[0].startswith("Numéro Reçue le"))
    assert len(watch) == WATCH_ROWS + 1  # the heading row and the 30 most urgent
    pages = browser.pages_text(browser.print_to_pdf(needs_chromium, out / "rapport_2026-11.html",
                                                    tmp_path / "rapport.pdf"))
    numbers = [row.split()[0] for row in watch[1:]]
    holding = [index for index, text in enumerate(pages, start=1)
               if any(f"{numero} " in text for numero in numbers)]
    assert len(set(holding)) == 1, f"tableau des priorités sur les pages {sorted(set(holding))}"
    assert all(f"{numero} " in pages[holding[0] - 1] for numero in numbers)
