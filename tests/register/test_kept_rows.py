"""Which rows of a sheet are complaints: a row counts when any known column holds a value
(not None, not empty, not only blanks), whatever the cell types and however short the
row calamine gave. Compared with that rule written out, cell by cell."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.register.reading import kept_rows

CELLS = st.sampled_from([None, "", " ", "\t\n", "x", " x ", 0, 0.0, 1.5, date(2026, 1, 1),
                         True, False])


def _has_value(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and value.strip() == "")


@settings(max_examples=500, deadline=None)
@given(rows=st.lists(st.lists(CELLS, max_size=6), max_size=8), header=st.integers(0, 2),
       positions=st.lists(st.integers(0, 5), min_size=1, max_size=4, unique=True))
def test_a_row_is_kept_when_a_known_column_holds_a_value(rows, header, positions) -> None:
    expected_lines, expected_cells = [], []
    for line, row in enumerate(rows[header + 1:], start=header + 2):
        cells = tuple(row[p] if p < len(row) else None for p in positions)
        if any(_has_value(value) for value in cells):
            expected_lines.append(line)
            expected_cells.append(cells)
    assert kept_rows(rows, header, positions) == (expected_lines, expected_cells)
