"""``write_values``: any input column on existing rows; None or "" clears the cell."""

from __future__ import annotations

from datetime import date

from helpers.register_files import complaint

from toolkit.register.reading import read_register
from toolkit.register.writeback import write_values


def test_write_values_writes_and_clears_any_column(make_register):
    register = make_register([complaint("2026-001", telephone="06 11 22 33 44"),
                              complaint("2026-002", nom="Autre Client")])
    made = write_values(register, [(2, "nom", "effacé le 06/12/2026"), (2, "courriel", None),
                                   (2, "telephone", ""), (2, "date_accuse", date(2026, 11, 3)),
                                   (2, "canal", "Courrier")])
    assert made is not None and made.is_file()  # the backup of the register as it was
    rows = read_register(register).frame.to_dict("records")
    assert rows[0]["nom"] == "effacé le 06/12/2026"
    assert rows[0]["courriel"] is None and rows[0]["telephone"] is None
    assert rows[0]["date_accuse"] == date(2026, 11, 3) and rows[0]["canal"] == "Courrier"
    assert rows[1]["nom"] == "Autre Client" and rows[1]["courriel"] == "lea.moreau@exemple.fr"
    assert write_values(register, []) is None
