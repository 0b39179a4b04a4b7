"""The workbook's deadline formulas follow the zone typed in ``Paramètres``.

Only the zone cell is changed (as staff would in Excel), LibreOffice recalculates, and
every formula deadline is compared with the toolkit's Python deadlines: both directions,
every reception day of two years, each day once as a date and once as a date-time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from helpers.register_files import complaint
from openpyxl import load_workbook

from toolkit.libreoffice import convert
from toolkit.register.template import create_register
from toolkit.rules.columns import COLUMNS
from toolkit.rules.deadlines import ack_deadline, public_holidays, reply_deadline

COLUMN = {column.key: index for index, column in enumerate(COLUMNS, start=1)}
FIRST_DAY, DAYS = date(2026, 1, 1), 730  # every day of 2026 and 2027
AFTERNOON = time(16, 30)


def _reception_days() -> list[date]:
    return [FIRST_DAY + timedelta(days=offset) for offset in range(DAYS)]


def _rows() -> list[dict]:
    """Each day as a date, then each day at 16:30 with a reply sent at 16:30 on its
    deadline day (on time: the time of day must not make it late)."""
    days = _reception_days()
    plain = [complaint(f"D-{i:04d}", day) for i, day in enumerate(days)]
    timed = [complaint(f"H-{i:04d}", datetime.combine(day, AFTERNOON),
                       resolution="Geste commercial.", decision="Favorable",
                       date_reponse=datetime.combine(reply_deadline(day), AFTERNOON))
             for i, day in enumerate(days)]
    return plain + timed


def _zone_row(path: Path) -> int:
    sheet = load_workbook(path, read_only=True)["Paramètres"]
    return next(index for index, (label,) in
                enumerate(sheet.iter_rows(max_col=1, values_only=True), start=1)
                if label == "Zone des jours fériés")


def _with_zone_changed(path: Path, zone: str) -> Path:
    """Change the zone cell and nothing else, as staff would in Excel."""
    workbook = load_workbook(path)
    workbook["Paramètres"].cell(row=_zone_row(path), column=2, value=zone)
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def base_registers(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("zones")
    rows = _rows()
    return {zone: create_register(folder / f"{zone}.xlsx", rows, {"zone": zone})
            for zone in ("Métropole", "Alsace-Moselle")}


def _as_day(value: object) -> object:
    return value.date() if isinstance(value, datetime) else value


def test_the_holiday_sheet_holds_both_zones_2000_to_2100(base_registers):
    sheet = load_workbook(base_registers["Métropole"], read_only=True)["Jours fériés"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Métropole", "Alsace-Moselle")
    for column, zone in enumerate(("Métropole", "Alsace-Moselle")):
        days = {_as_day(row[column]) for row in rows[1:] if row[column] is not None}
        assert days == set(public_holidays(2000, 2100, zone))
        # Checked by hand: Vendredi saint 2000 was 21 April; 26 December is local.
        assert (date(2000, 4, 21) in days) is (zone == "Alsace-Moselle")
        assert (date(2100, 12, 26) in days) is (zone == "Alsace-Moselle")
        assert {date(2000, 1, 1), date(2100, 12, 25), date(2100, 11, 11)} <= days


def test_holidays_library_covers_2000_to_2100_for_moselle():
    for year in (2000, 2050, 2100):
        local = set(public_holidays(year, year, "Alsace-Moselle")) - \
            set(public_holidays(year, year))
        assert date(year, 12, 26) in local and len(local) == 2, year


@pytest.mark.libreoffice
@pytest.mark.parametrize(("before", "after"), [("Métropole", "Alsace-Moselle"),
                                               ("Alsace-Moselle", "Métropole")])
def test_changing_only_the_zone_cell_changes_every_deadline(base_registers, tmp_path,
                                                            before, after):
    source = Path(tmp_path / "registre.xlsx")
    source.write_bytes(base_registers[before].read_bytes())
    _with_zone_changed(source, after)
    sheet = load_workbook(convert(source, "xlsx", tmp_path / "recalcule"),
                          data_only=True)["Registre"]
    compared, wrong, zone_matters = 0, [], 0
    for line, row in enumerate(_rows(), start=2):
        day = _as_day(row["date_reclamation"])
        expected = {"echeance_accuse": ack_deadline(day, after),
                    "echeance_reponse": reply_deadline(day)}
        zone_matters += expected["echeance_accuse"] != ack_deadline(day, before)
        for key, due in expected.items():
            compared += 1
            found = _as_day(sheet.cell(line, COLUMN[key]).value)
            if found != due:
                wrong.append((line, key, day, found, due))
        if row.get("date_reponse"):
            assert sheet.cell(line, COLUMN["statut"]).value == "Répondu", (line, day)
    print(f"\n{before} → {after} : {compared} échéances comparées, {len(wrong)} écart(s)")
    assert compared == 4 * DAYS
    assert not wrong, wrong[:5]
    assert zone_matters > 20  # the change of zone really moved deadlines


def test_a_write_leaves_an_older_holiday_sheet_and_its_formulas_together(tmp_path):
    """Registers made before both zones were in the sheet: a write copies the holiday sheet
    byte for byte and rewrites no formula of the rows it does not write, so the sheet and
    the formulas made for it never disagree (SPEC 2026-12-06, "Register writes")."""
    import zipfile

    from toolkit.register.writeback import mark_dates

    path = create_register(tmp_path / "ancien.xlsx", [complaint()])
    workbook = load_workbook(path)
    old = workbook["Jours fériés"]
    old.delete_rows(1, old.max_row)
    old.delete_cols(1, old.max_column)
    old.append(["Date", "Jour férié"])
    old.append([date(2026, 11, 11), "Armistice"])
    workbook["Registre"].cell(row=2, column=COLUMN["echeance_accuse"]).value = "=B2+14"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        before = archive.read("xl/worksheets/sheet3.xml")
    mark_dates(path, [(2, "date_accuse", date(2026, 11, 9))])
    with zipfile.ZipFile(path) as archive:
        assert archive.read("xl/worksheets/sheet3.xml") == before
    formula = load_workbook(path)["Registre"].cell(row=2, column=COLUMN["echeance_accuse"])
    assert formula.value == "=B2+14"


def test_new_rows_take_the_zone_of_the_parameters_sheet_not_of_a_copy_of_it(tmp_path):
    """Excel's « Déplacer ou copier » leaves a copy « Paramètres (2) » that staff may place
    first and try another zone in: the deadlines follow « Paramètres » only."""
    from helpers.register_files import write_register

    from toolkit.register.writeback import append_complaints
    from toolkit.rules.columns import PARAMETERS

    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")],
                          parameters={"zone": "Métropole"})
    workbook = load_workbook(path)
    copy = workbook.create_sheet("Paramètres (2)", 0)
    label = next(parameter.label for parameter in PARAMETERS if parameter.key == "zone")
    for row in (["Paramètre", "Valeur"], [None, None], [label, "Alsace-Moselle"]):
        copy.append(row)
    workbook.save(path)
    (line,) = append_complaints(path, [complaint("2026-002")])
    formula = load_workbook(path)["Registre"].cell(row=line, column=COLUMN["echeance_accuse"])
    assert "'Paramètres'!$B$2" in formula.value and "(2)" not in formula.value, formula.value


def test_new_rows_take_the_zone_line_the_reading_reads_wherever_it_is(tmp_path):
    """« Paramètres » with the zone's line at row 130 (notes above it), then the same label
    again below: new rows read the zone where the toolkit reads it, the first line."""
    from helpers.register_files import write_register

    from toolkit.register.reading import read_register
    from toolkit.register.writeback import append_complaints

    path = write_register(tmp_path / "registre.xlsx", [complaint("2026-001")],
                          parameters={"signataire": "Claire Martin"})
    workbook = load_workbook(path)
    sheet = workbook["Paramètres"]
    for row in range(3, 130):
        sheet.cell(row=row, column=1, value=f"Note {row}")
    sheet.cell(row=130, column=1, value="Zone des jours fériés")
    sheet.cell(row=130, column=2, value="Alsace-Moselle")
    sheet.cell(row=131, column=1, value="Zone des jours fériés")
    sheet.cell(row=131, column=2, value="Métropole")
    workbook.save(path)
    assert read_register(path).params.zone == "Alsace-Moselle"
    (line,) = append_complaints(path, [complaint("2026-002")])
    formula = load_workbook(path)["Registre"].cell(row=line, column=COLUMN["echeance_accuse"])
    assert "TRIM('Paramètres'!$B$130)" in formula.value, formula.value
