"""The workbook ``toolkit init`` writes, and its formulas recalculated by LibreOffice.

The headers and list values are spelled out here from SPEC, not imported from
``toolkit.rules.columns``: renaming a column in the code must fail a test.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from helpers.register_files import complaint
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from toolkit.cli import main
from toolkit.libreoffice import convert
from toolkit.rules.deadlines import ack_deadline, public_holidays, reply_deadline

SPEC_HEADERS = [
    "Numéro", "Date de réclamation", "Canal", "Civilité", "Nom du client", "Type de client",
    "Adresse",
    "Courriel", "Téléphone", "Catégorie", "Description", "Informations manquantes",
    "Date de demande de confirmation écrite", "Date de confirmation écrite",
    "Date d'accusé de réception", "Date de demande de compléments",
    "Date de réception des compléments", "Date d'information du client",
    "Date de réponse annoncée", "Actions", "Résolution", "Décision", "Date de réponse au client",
    "Satisfaction du client", "Responsable", "Observations",
    "Échéance accusé de réception", "Échéance réponse", "Statut",
]
SPEC_LISTS = {
    "Canal": ["Courrier", "Courriel", "Téléphone"],
    "Civilité": ["Madame", "Monsieur"],
    "Catégorie": ["Pédagogie", "Planning / leçons", "Examen", "Facturation / financement",
                  "Administratif", "Accueil", "Véhicule", "Autre"],
    "Décision": ["Favorable", "Partiellement favorable", "Défavorable"],
    "Satisfaction du client": ["Satisfait", "Partiellement satisfait", "Non satisfait",
                               "Sans retour"],
    "Type de client": ["Particulier", "Professionnel"],
}
# Free-text columns whose cells show a help message: what is sent to the client, what not.
HELP_HEADERS = {"Informations manquantes": "Envoyé au client", "Actions": "jamais envoyée",
                "Résolution": "Envoyé au client", "Responsable": "jamais envoyée",
                "Observations": "jamais envoyée"}
SPEC_DATE_HEADERS = [h for h in SPEC_HEADERS if h.startswith("Date ")]
FORMULA_HEADERS = ["Échéance accusé de réception", "Échéance réponse", "Statut"]
LETTER = {header: get_column_letter(i) for i, header in enumerate(SPEC_HEADERS, start=1)}


@pytest.fixture(scope="module")
def init_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("init") / "registre.xlsx"
    assert main(["init", "--register", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def workbook(init_path):
    return load_workbook(init_path)


@pytest.fixture(scope="module")
def register(workbook):
    return workbook["Registre"]


def _validations(ws) -> dict[str, object]:
    """First column letter of each validation's range → the validation."""
    return {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv
            for dv in ws.data_validations.dataValidation}


def _range_values(workbook, reference: str) -> list[object]:
    sheet, cells = reference.lstrip("=").split("!")
    return [cell.value for (cell,) in workbook[sheet.strip("'")][cells.replace("$", "")]]


def test_sheets(workbook):
    assert workbook.sheetnames == ["Registre", "Paramètres", "Jours fériés", "Listes"]


def test_headers_exactly_as_spec(register):
    assert [cell.value for cell in register[1]] == SPEC_HEADERS


def test_header_row_is_frozen(register):
    assert register.freeze_panes is not None
    assert register[register.freeze_panes].row == 2


@pytest.mark.parametrize("header", list(SPEC_LISTS))
def test_drop_down_lists_with_error_message(workbook, register, header):
    dv = _validations(register)[LETTER[header]]
    assert dv.type == "list"
    assert dv.allow_blank  # filled as the complaint goes on: empty until then
    assert dv.showErrorMessage and dv.error
    assert str(dv.sqref).startswith(f"{LETTER[header]}2:")
    assert _range_values(workbook, dv.formula1) == SPEC_LISTS[header]


@pytest.mark.parametrize("header", SPEC_DATE_HEADERS)
def test_date_columns_have_a_date_validation(register, header):
    dv = _validations(register)[LETTER[header]]
    assert dv.type == "date"
    assert dv.allow_blank
    assert dv.showErrorMessage and "JJ/MM/AAAA" in dv.error
    assert register[f"{LETTER[header]}2"].number_format.lower() == "dd/mm/yyyy"


def test_no_validation_on_free_text(register):
    assert set(_validations(register)) == {
        LETTER[h] for h in [*SPEC_LISTS, *SPEC_DATE_HEADERS, *HELP_HEADERS]}


@pytest.mark.parametrize("header", list(HELP_HEADERS))
def test_help_says_what_goes_to_the_client_and_restricts_nothing(register, header):
    dv = _validations(register)[LETTER[header]]
    assert dv.type is None and dv.formula1 is None  # any value is accepted
    assert dv.showInputMessage and HELP_HEADERS[header] in dv.prompt


def test_formulas_in_the_three_computed_columns(register):
    ack, reply, status = (register[f"{LETTER[h]}2"].value for h in FORMULA_HEADERS)
    # The holiday list is picked by the zone typed in Paramètres (B9), a date-time by its day.
    assert ack == ('=IF(B2="","",WORKDAY.INTL(INT(B2),10,"0000001",'
                   "INDEX('Jours fériés'!$A$2:$B$1500,0,"
                   "IF(TRIM('Paramètres'!$B$9)=\"Alsace-Moselle\",2,1))))")
    assert reply == '=IF(B2="","",EDATE(INT(B2),1))'
    assert status.startswith('=IF(B2="",""') and "TODAY()" in status
    last = register.max_row
    assert last >= 500
    for header in FORMULA_HEADERS:
        assert str(register[f"{LETTER[header]}{last}"].value).startswith("=IF(")


def test_no_xlfn_prefix_anywhere(init_path):
    # LibreOffice answers #NAME? to "_xlfn.WORKDAY.INTL"; Excel reads the bare name.
    with zipfile.ZipFile(init_path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "WORKDAY.INTL" in sheet
    assert "_xlfn" not in sheet


def test_the_protection_leaves_staff_the_formatting_rows_sorting_and_filters(register):
    # docs/guide/registre.md: no password; format, insert and delete rows, sort, filter and
    # links allowed ("False": not protected), columns kept.
    protection = register.protection
    assert (protection.sheet, protection.password) == (True, None)
    assert {name for name in protection.__attrs__ if getattr(protection, name) is False} == {
        "formatCells", "formatColumns", "formatRows", "insertRows", "deleteRows", "sort",
        "autoFilter", "insertHyperlinks", "objects", "scenarios", "selectLockedCells",
        "selectUnlockedCells"}
    assert protection.insertColumns and protection.deleteColumns


def test_formula_cells_are_locked_and_input_cells_are_not(register):
    assert register.protection.sheet
    for row in (2, 500):
        for header in SPEC_HEADERS:
            locked = register[f"{LETTER[header]}{row}"].protection.locked
            assert locked is (header in FORMULA_HEADERS), (header, row)


# The French public holidays of 2026 and 2027, worked out from the calendar: eight fixed days,
# then Easter Monday, Ascension (Easter + 39 days) and Whit Monday (Easter + 50 days), with
# Easter on 5 April 2026 and 28 March 2027.
HOLIDAYS_2026_2027 = {
    date(2026, 1, 1), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 8), date(2026, 5, 14),
    date(2026, 5, 25), date(2026, 7, 14), date(2026, 8, 15), date(2026, 11, 1),
    date(2026, 11, 11), date(2026, 12, 25),
    date(2027, 1, 1), date(2027, 3, 29), date(2027, 5, 1), date(2027, 5, 6), date(2027, 5, 8),
    date(2027, 5, 17), date(2027, 7, 14), date(2027, 8, 15), date(2027, 11, 1),
    date(2027, 11, 11), date(2027, 12, 25),
}
# Alsace-Moselle adds Vendredi saint (Good Friday) and 26 December.
ALSACE_MOSELLE_EXTRA_2026_2027 = {date(2026, 4, 3), date(2026, 12, 26), date(2027, 3, 26),
                                  date(2027, 12, 26)}


def _holiday_days(sheet, column: int) -> list[date]:
    """The dates of one zone's column (A: Métropole, B: Alsace-Moselle)."""
    return [c.value.date() for (c,) in sheet.iter_rows(min_row=2, min_col=column,
                                                      max_col=column) if c.value]


def test_holiday_range_covers_the_holiday_sheet(workbook):
    holidays_sheet = workbook["Jours fériés"]
    assert holidays_sheet.max_row <= 1500
    metropole, alsace = _holiday_days(holidays_sheet, 1), _holiday_days(holidays_sheet, 2)
    assert {d for d in metropole if d.year in (2026, 2027)} == HOLIDAYS_2026_2027
    assert {d for d in alsace if d.year in (2026, 2027)} == (
        HOLIDAYS_2026_2027 | ALSACE_MOSELLE_EXTRA_2026_2027)
    # One holiday less when two fall on one day (Ascension on 1 or 8 May: 2008, 2059, 2070,
    # 2081, 2092) and in 2005-2007, when Whit Monday was the "journée de solidarité".
    shared_day = {2005, 2006, 2007, 2008, 2059, 2070, 2081, 2092}
    for days, per_year in ((metropole, 11), (alsace, 13)):
        years = Counter(day.year for day in days)
        assert set(years) == set(range(2000, 2101))  # every year of the sheet is there
        assert {year: count for year, count in years.items() if count != per_year} == {
            year: per_year - 1 for year in shared_day}


def test_alsace_moselle_zone(tmp_path):
    path = tmp_path / "alsace.xlsx"
    assert main(["init", "--register", str(path), "--zone", "Alsace-Moselle"]) == 0
    wb = load_workbook(path, read_only=True)
    params = dict(wb["Paramètres"].iter_rows(min_row=2, max_col=2, values_only=True))
    assert params["Zone des jours fériés"] == "Alsace-Moselle"


def test_conditional_formats_red_and_orange(register):
    rules = {str(rng.sqref).split(":")[0]: rules
             for rng, rules in register.conditional_formatting._cf_rules.items()}
    for due, sent in (("Échéance accusé de réception", "Date d'accusé de réception"),
                      ("Échéance réponse", "Date de réponse au client")):
        late, soon = rules[f"{LETTER[due]}2"]
        colors = [rule.dxf.fill.fgColor.rgb[-6:] for rule in (late, soon)]
        assert colors == ["F8CBAD", "FFE699"]
        assert f'${LETTER[sent]}2=""' in late.formula[0]
        assert f"TODAY()>${LETTER[due]}2" in late.formula[0]
        assert f"${LETTER[due]}2-TODAY()<=3" in soon.formula[0]


def test_parameter_defaults(workbook):
    params = dict(workbook["Paramètres"].iter_rows(min_row=2, max_col=2, values_only=True))
    assert params["Société"] == "ONLY PERMIS"
    assert params["Courriel"] == "contact@onlypermis.fr"
    assert params["Téléphone"] == "09.87.77.84.79"
    assert params["Zone des jours fériés"] == "Métropole"
    assert str(params["Jours de préavis de suivi"]) == "5"
    assert params["Site du médiateur"] is None  # no default: the company's own mediator
    assert params["Médiateur"] is None
    assert str(params["Délai annoncé dans le courrier de suivi"]) == "15"


def test_lists_sheet(workbook):
    lists = workbook["Listes"]
    found = {lists.cell(1, col).value: [c.value for (c,) in lists.iter_rows(
        min_row=2, min_col=col, max_col=col) if c.value] for col in range(1, 8)}
    assert found == {**SPEC_LISTS, "Zone des jours fériés": ["Métropole", "Alsace-Moselle"]}


def test_init_register_checks_clean_but_asks_for_what_letters_need(capsys, init_path):
    assert main(["check", "--json", "--register", str(init_path)]) == 0
    problems = json.loads(capsys.readouterr().out)
    assert {(p["colonne"], p["niveau"]) for p in problems} == {
        (label, "avertissement") for label in ("Adresse", "Signataire", "Médiateur",
                                               "Site du médiateur", "Adresse du médiateur",
                                               "Mentions légales")}
    # The site is empty, or the government's list of mediators: either way, not accepted.
    assert {p["code"] for p in problems} <= {"parametre_manquant", "site_mediateur_invalide"}


def test_init_never_overwrites(capsys, init_path):
    before = init_path.read_bytes()
    assert main(["init", "--register", str(init_path)]) == 2
    assert "existe déjà" in capsys.readouterr().err
    assert init_path.read_bytes() == before


def test_init_refuses_other_extensions(capsys, tmp_path):
    assert main(["init", "--register", str(tmp_path / "registre.csv")]) == 2
    assert not (tmp_path / "registre.csv").exists()
    assert ".xlsx" in capsys.readouterr().err


# --- LibreOffice recalculation ------------------------------------------------------------

def tricky_days(zone: str) -> list[date]:
    """Reception days around holidays, Sundays, month and year ends, 29 February."""
    days = set()
    for holiday in public_holidays(2025, 2027, zone):
        days.update({holiday - timedelta(days=1), holiday})
    for year in (2024, 2026, 2027, 2028):
        days.update(date(year, month, 1) - timedelta(days=1) for month in (2, 3, 5, 9, 11))
        days.update(date(year, 12, 31) - timedelta(days=d) for d in range(0, 9, 2))
    days.update({date(2024, 2, 29), date(2028, 2, 29), date(2028, 2, 28), date(2027, 1, 31),
                 date(2026, 1, 31), date(2026, 3, 29), date(2026, 11, 1), date(2026, 11, 2)})
    return sorted(days)


def _recalculated(make_register, tmp_path, zone: str, days: list[date]):
    rows = [complaint(f"T-{i:03d}", day) for i, day in enumerate(days, start=1)]
    source = make_register(rows, params={"zone": zone}, name=f"{zone}.xlsx")
    converted = convert(source, "xlsx", tmp_path / "recalcule")
    return load_workbook(converted, data_only=True)["Registre"]


def _as_date(value: object) -> object:
    return value.date() if isinstance(value, datetime) else value


@pytest.mark.libreoffice
@pytest.mark.parametrize("zone", ["Métropole", "Alsace-Moselle"])
def test_libreoffice_formulas_agree_with_python(make_register, tmp_path, zone):
    days = tricky_days(zone)
    assert len(days) >= 50
    assert {date(2024, 2, 29), date(2026, 12, 31)} <= set(days)
    assert any(d.weekday() == 6 for d in days)
    ws = _recalculated(make_register, tmp_path, zone, days)
    ack, reply, status = (column_index_from_string(LETTER[h]) for h in FORMULA_HEADERS)
    for row, day in enumerate(days, start=2):
        assert ws.cell(row, 2).value.date() == day
        assert _as_date(ws.cell(row, ack).value) == ack_deadline(day, zone), (row, day)
        assert _as_date(ws.cell(row, reply).value) == reply_deadline(day), (row, day)
        assert ws.cell(row, status).value in ("Accusé en retard", "Accusé à envoyer",
                                              "Réponse en retard", "En cours")
    assert ws.cell(len(days) + 2, ack).value in ("", None)


def test_tricky_days_differ_between_zones():
    # Vendredi saint and 26 décembre make the Alsace-Moselle run test other deadlines.
    assert set(tricky_days("Alsace-Moselle")) > set(tricky_days("Métropole"))
    assert any(ack_deadline(d, "Alsace-Moselle") != ack_deadline(d) for d in
               tricky_days("Alsace-Moselle"))
