"""``toolkit check``: one small broken register per rule, forgiving reading, CLI and JSON.

Every broken register holds a valid complaint on row 2 and the broken one on row 3, so a
wrong Excel row number shows. Each case asserts the exact list of (row, column, code).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from helpers.register_files import (
    HEADERS,
    complaint,
    row_of,
    run_toolkit,
    write_grid,
    write_register,
)
from openpyxl import load_workbook

from toolkit.api import check_register
from toolkit.cli import main
from toolkit.register.columns import DATE_KEYS, INPUT_COLUMNS, PARAMETERS, header_of
from toolkit.register.reading import read_register

TODAY = date(2026, 11, 20)
RECEIVED = date(2026, 11, 2)
REPLIED = {"actions": "Leçons reprogrammées.", "resolution": "Deux leçons offertes.",
           "decision": "Favorable"}


def found(path) -> list[tuple[int, str, str]]:
    return [(p.ligne, p.colonne, p.code) for p in check_register(path, TODAY).problems]


@pytest.fixture
def registers(tmp_path):
    """Write rows (column keys) under the official header: a fast real register file."""
    count = iter(range(1000))
    return lambda rows: write_register(tmp_path / f"registre{next(count)}.xlsx", rows)


def broken(registers, **values):
    """A register whose row 3 is ``complaint(**values)``, after a valid row 2."""
    row = complaint("2026-002")
    row.update(values)
    return registers([complaint("2026-001"), row])


# --- one rule at a time --------------------------------------------------------------------

REQUIRED = [c.key for c in INPUT_COLUMNS if c.required]
LISTS = {"canal": "Fax", "civilite": "Mademoiselle", "categorie": "Tarifs",
         "decision": "Refusé"}
LATER_DATES = [key for key in DATE_KEYS if key != "date_reclamation"]


def test_the_valid_base_register_has_no_problem(registers):
    assert found(broken(registers)) == []


@pytest.mark.parametrize("key", REQUIRED)
def test_missing_required_value(registers, key):
    assert found(broken(registers, **{key: None})) == [(3, header_of(key), "obligatoire")]


@pytest.mark.parametrize("key", REQUIRED)
def test_blank_text_counts_as_missing(registers, key):
    assert found(broken(registers, **{key: "   "})) == [(3, header_of(key), "obligatoire")]


@pytest.mark.parametrize("text", ["32/13/2026", "hier", "2026/11/02", "31/02/2026", "1.5"])
def test_invalid_date_text(registers, text):
    assert found(broken(registers, date_accuse=text)) == [
        (3, "Date d'accusé de réception", "date_invalide")]


def test_invalid_reception_date_is_reported_alone(registers):
    path = broken(registers, date_reclamation="le 2 novembre", date_accuse=RECEIVED)
    assert found(path) == [(3, "Date de réclamation", "date_invalide")]


@pytest.mark.parametrize(("key", "value"), LISTS.items())
def test_unknown_list_value(registers, key, value):
    values = {key: value, **({"resolution": "Geste commercial."} if key == "decision" else {})}
    assert found(broken(registers, **values)) == [(3, header_of(key), "valeur_hors_liste")]


def test_list_values_are_exact(registers):
    # "courriel" is not "Courriel": the drop-down offers one spelling, and letters rely on it.
    assert found(broken(registers, canal="courriel")) == [(3, "Canal", "valeur_hors_liste")]


@pytest.mark.parametrize("address", ["lea.moreau", "lea@", "@exemple.fr", "lea moreau@exemple.fr",
                                     "lea@exemple", "lea@@exemple.fr"])
def test_malformed_email(registers, address):
    assert found(broken(registers, courriel=address)) == [(3, "Courriel", "courriel_invalide")]


def test_duplicate_numero_names_every_copy(registers):
    path = registers([complaint("2026-001"), complaint("2026-002"), complaint("2026-001")])
    assert found(path) == [(2, "Numéro", "numero_en_double"), (4, "Numéro", "numero_en_double")]


def test_missing_numero(registers):
    assert found(broken(registers, numero=None)) == [(3, "Numéro", "obligatoire")]


@pytest.mark.parametrize("key", [key for key in DATE_KEYS if key != "date_reponse_annoncee"])
def test_date_in_the_future(registers, key):
    values = {key: TODAY + timedelta(days=1)}
    if key == "date_reponse":
        values.update(REPLIED)
    assert found(broken(registers, **values)) == [(3, header_of(key), "date_future")]


def test_announced_reply_date_may_lie_ahead(registers):
    values = {"date_information": TODAY, "date_reponse_annoncee": TODAY + timedelta(days=15)}
    assert found(broken(registers, **values)) == []


def test_today_is_not_the_future(registers):
    assert found(broken(registers, date_reclamation=TODAY, date_accuse=TODAY)) == []


@pytest.mark.parametrize("key", LATER_DATES)
def test_date_before_reception(registers, key):
    values = {key: RECEIVED - timedelta(days=1)}
    if key == "date_reponse":
        values.update(REPLIED)
    assert found(broken(registers, **values)) == [
        (3, header_of(key), "date_avant_reclamation")]


@pytest.mark.parametrize("key", LATER_DATES)
def test_date_on_reception_day_is_fine(registers, key):
    values = {key: RECEIVED, **(REPLIED if key == "date_reponse" else {})}
    assert found(broken(registers, **values)) == []


def test_complements_received_before_asked(registers):
    path = broken(registers, date_demande_complements=date(2026, 11, 10),
                  date_reception_complements=date(2026, 11, 5))
    assert found(path) == [(3, "Date de réception des compléments", "complements_avant_demande")]


def test_reply_date_without_resolution_nor_decision(registers):
    assert found(broken(registers, date_reponse=date(2026, 11, 10))) == [
        (3, "Résolution", "reponse_sans_resolution"), (3, "Décision", "reponse_sans_decision")]


def test_reply_date_without_decision(registers):
    path = broken(registers, date_reponse=date(2026, 11, 10), resolution="Avoir émis.")
    assert found(path) == [(3, "Décision", "reponse_sans_decision")]


def test_reply_date_without_resolution(registers):
    path = broken(registers, date_reponse=date(2026, 11, 10), decision="Défavorable")
    assert found(path) == [(3, "Résolution", "decision_sans_resolution"),
                           (3, "Résolution", "reponse_sans_resolution")]


def test_decision_without_resolution(registers):
    assert found(broken(registers, decision="Favorable")) == [
        (3, "Résolution", "decision_sans_resolution")]


def test_a_complete_reply_is_fine(registers):
    assert found(broken(registers, date_reponse=date(2026, 11, 10), **REPLIED)) == []


@pytest.mark.parametrize("key", REQUIRED)
def test_missing_required_column(tmp_path, key):
    headers = [h for h in HEADERS if h != header_of(key)]
    values = complaint()
    path = write_grid(tmp_path / "r.xlsx", [headers, row_of(values, headers)])
    assert found(path) == [(1, header_of(key), "colonne_manquante")]


def test_duplicate_header(tmp_path):
    headers = [*HEADERS, "Courriel"]
    row = [*row_of(complaint()), "autre@exemple.fr"]
    path = write_grid(tmp_path / "r.xlsx", [headers, row])
    assert found(path) == [(1, "Courriel", "colonne_en_double")]
    assert read_register(path).frame.loc[0, "courriel"] == "lea.moreau@exemple.fr"


@pytest.mark.parametrize(("label", "value", "row"), [
    ("Zone des jours fériés", "Corse", 9),
    ("Jours de préavis de suivi", "cinq", 10),
    ("Jours de préavis de suivi", "-3", 10),
])
def test_bad_parameter_value(tmp_path, label, value, row):
    parameters = {p.key: p.default for p in PARAMETERS}
    parameters[next(p.key for p in PARAMETERS if p.label == label)] = value
    path = write_register(tmp_path / "r.xlsx", [complaint()], parameters=parameters)
    assert load_workbook(path)["Paramètres"].cell(row=row, column=1).value == label
    assert found(path) == [(row, label, "parametre_invalide")]
    assert read_register(path).params.zone == "Métropole"


def test_problems_of_several_rows_come_sorted(registers):
    path = registers([complaint("2026-001", canal="Fax"), complaint("2026-002"),
                          complaint("2026-003", nom=None, courriel="x")])
    assert found(path) == [(2, "Canal", "valeur_hors_liste"), (4, "Nom du client", "obligatoire"),
                           (4, "Courriel", "courriel_invalide")]


# --- forgiving reading ----------------------------------------------------------------------

def _grid_register(tmp_path, headers, *rows, name="r.xlsx"):
    return write_grid(tmp_path / name, [headers, *(row_of(r, headers) for r in rows)])


def test_headers_differ_in_case_accents_apostrophes_and_spaces(tmp_path):
    typed = {"Numéro": "NUMERO", "Date de réclamation": " date de reclamation ",
             "Nom du client": "nom  du CLIENT", "Date d'accusé de réception":
             "Date d’accusé de réception", "Catégorie": "categorie", "Décision": "DÉCISION"}
    headers = [typed.get(h, h) for h in HEADERS]
    key_of = {c.header: c.key for c in INPUT_COLUMNS}
    values = complaint(date_accuse=date(2026, 11, 5))
    row = [values.get(key_of[h]) for h in HEADERS]
    path = write_grid(tmp_path / "r.xlsx", [headers, row])
    register = read_register(path)
    assert found(path) == []
    assert register.frame.loc[0, "date_accuse"] == date(2026, 11, 5)
    assert register.column_index["nom"] == HEADERS.index("Nom du client") + 1
    assert register.headers_found["nom"] == "nom  du CLIENT"


def test_only_the_required_columns(tmp_path):
    headers = [header_of(key) for key in REQUIRED]
    path = _grid_register(tmp_path, headers, complaint())
    register = read_register(path)
    assert found(path) == []
    assert register.frame.loc[0, "courriel"] is None
    assert register.frame.loc[0, "date_accuse"] is None


def test_extra_columns_are_ignored(tmp_path):
    headers = ["Commentaire interne", *HEADERS[:5], "Code postal", *HEADERS[5:]]
    values = complaint()
    row = ["à rappeler", *row_of(values, HEADERS[:5]), "75020", *row_of(values, HEADERS[5:])]
    path = write_grid(tmp_path / "r.xlsx", [headers, row])
    register = read_register(path)
    assert found(path) == []
    assert register.column_index["numero"] == 2
    assert register.frame.loc[0, "nom"] == "Léa Moreau"


def test_blank_rows_are_skipped_and_rows_keep_their_excel_number(tmp_path):
    rows = [HEADERS, row_of(complaint("2026-001")), [None] * len(HEADERS),
            ["  ", None, "", *([None] * (len(HEADERS) - 3))],
            row_of(complaint("2026-002", canal="Fax"))]
    path = write_grid(tmp_path / "r.xlsx", rows)
    assert list(read_register(path).frame["ligne"]) == [2, 5]
    assert found(path) == [(5, "Canal", "valeur_hors_liste")]


@pytest.mark.parametrize(("cell", "expected"), [
    (date(2026, 11, 2), date(2026, 11, 2)),
    (datetime(2026, 11, 2, 17, 45), date(2026, 11, 2)),
    ("02/11/2026", date(2026, 11, 2)),
    ("2/11/2026", date(2026, 11, 2)),
    (" 02/11/2026 ", date(2026, 11, 2)),
    ("02.11.2026", date(2026, 11, 2)),
    ("2026-11-02", date(2026, 11, 2)),
    (46328, date(2026, 11, 2)),  # a serial typed in a cell formatted as a number
], ids=["date", "datetime", "text", "short-day", "spaces", "dots", "iso", "serial"])
def test_date_forms(tmp_path, cell, expected):
    path = _grid_register(tmp_path, HEADERS, complaint(date_reclamation=cell))
    assert read_register(path).frame.loc[0, "date_reclamation"] == expected
    assert found(path) == []


def test_day_comes_first_always(tmp_path):
    path = _grid_register(tmp_path, HEADERS, complaint(date_reclamation="03/11/2026",
                                                       date_accuse="11/03/2026"))
    frame = read_register(path).frame
    assert frame.loc[0, "date_reclamation"] == date(2026, 11, 3)
    assert found(path) == [(2, "Date d'accusé de réception", "date_avant_reclamation")]


@pytest.mark.parametrize(("cell", "expected"), [
    ("0612345678", "0612345678"),
    (612345678, "0612345678"),
    ("06 12 34 56 78", "06 12 34 56 78"),
    ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
])
def test_phone_keeps_its_leading_zero(tmp_path, cell, expected):
    path = _grid_register(tmp_path, HEADERS, complaint(telephone=cell))
    assert read_register(path).frame.loc[0, "telephone"] == expected


@pytest.mark.parametrize("text", ["NA", "None", "N/A", "null", "nan", "#N/A ", "0"])
def test_text_that_pandas_would_guess_stays_text(tmp_path, text):
    path = _grid_register(tmp_path, HEADERS, complaint(nom=text, description=text,
                                                       adresse=text))
    frame = read_register(path).frame
    assert (frame.loc[0, "nom"], frame.loc[0, "description"], frame.loc[0, "adresse"]) == \
        (text.strip(),) * 3
    assert found(path) == []


def test_excel_error_cell_reads_as_empty(tmp_path):
    # openpyxl stores "#N/A" as an error cell, as a failed formula leaves it; python-calamine
    # gives no value for it, so a required column says what is missing.
    path = _grid_register(tmp_path, HEADERS, complaint(nom="#N/A", observations="#REF!"))
    assert read_register(path).frame.loc[0, "observations"] is None
    assert found(path) == [(2, "Nom du client", "obligatoire")]


def test_header_not_on_row_one(tmp_path):
    rows = [["Registre des réclamations — ONLY PERMIS"], [], HEADERS,
            row_of(complaint("2026-001")), row_of(complaint("2026-002", courriel="x"))]
    path = write_grid(tmp_path / "r.xlsx", rows)
    register = read_register(path)
    assert register.header_row == 3
    assert list(register.frame["ligne"]) == [4, 5]
    assert found(path) == [(5, "Courriel", "courriel_invalide")]


def test_first_sheet_is_the_register_when_none_is_named_so(tmp_path):
    path = write_grid(tmp_path / "r.xlsx", [HEADERS, row_of(complaint(canal="Fax"))],
                      sheet="Réclamations 2026")
    assert found(path) == [(2, "Canal", "valeur_hors_liste")]


def test_parameters_are_read(make_register):
    path = make_register([complaint()], params={"zone": "Alsace-Moselle",
                                                "preavis_suivi": "8", "mediateur": "CM2C"})
    params = read_register(path).params
    assert (params.zone, params.preavis_suivi, params.mediateur) == ("Alsace-Moselle", 8, "CM2C")


# --- the command line -------------------------------------------------------------------

def _check(capsys, path, *options):
    code = main(["check", "--register", str(path), "--today", TODAY.isoformat(), *options])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_check_clean_register(capsys, make_register):
    code, out, err = _check(capsys, make_register([complaint()]))
    assert (code, err) == (0, "")
    assert "Aucun problème" in out


def test_cli_check_lists_problems_with_row_and_column(capsys, registers):
    code, out, _ = _check(capsys, broken(registers, canal="Fax", courriel="x"))
    assert code == 1
    assert "ligne 3, colonne « Canal » : « Fax » n'est pas une valeur de la liste" in out
    assert "ligne 3, colonne « Courriel »" in out
    assert "2 problèmes sur 1 ligne" in out


def test_cli_check_json_is_the_library_report(capsys, registers):
    path = broken(registers, canal="Fax", date_accuse="demain", decision="Favorable")
    code, out, _ = _check(capsys, path, "--json")
    assert code == 1
    assert json.loads(out) == check_register(path, TODAY).to_json_list()
    assert [set(p) for p in json.loads(out)] == [{"ligne", "colonne", "code", "message"}] * 3


def test_cli_check_json_clean_is_an_empty_array(capsys, registers):
    code, out, _ = _check(capsys, registers([complaint()]), "--json")
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize("arguments", [
    ["check", "--register", "absent.xlsx"],
    ["check", "--today", "20/11/2026"],
    ["check", "--inconnue"],
    ["commande-inconnue"],
    [],
])
def test_cli_usage_and_file_errors_exit_2(capsys, tmp_path, arguments):
    arguments = [a.replace("absent.xlsx", str(tmp_path / "absent.xlsx")) for a in arguments]
    code = main(arguments)
    out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in out + err


def test_cli_missing_register_message_is_french(capsys, tmp_path):
    code = main(["check", "--register", str(tmp_path / "absent.xlsx")])
    assert code == 2
    assert "Registre introuvable" in capsys.readouterr().err


def test_real_console_script_check_json(registers):
    path = broken(registers, canal="Fax", numero=None)
    run = run_toolkit("check", "--json", "--register", str(path), "--today", TODAY.isoformat())
    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert run.json() == check_register(path, TODAY).to_json_list()
    assert [(p["ligne"], p["colonne"], p["code"]) for p in run.json()] == [
        (3, "Numéro", "obligatoire"), (3, "Canal", "valeur_hors_liste")]


# --- status -------------------------------------------------------------------------------

STATUS_ROWS = [
    # answered on time: closed, last
    complaint("2026-001", date(2026, 10, 1), date_accuse=date(2026, 10, 5),
              date_reponse=date(2026, 10, 20), **REPLIED),
    # open, nothing late: ack due Fri 27 Nov 2026, reply due 16 Dec 2026
    complaint("2026-002", date(2026, 11, 16)),
    # acknowledgement late: received 2 Nov, ack due 14 Nov, nothing sent
    complaint("2026-003", date(2026, 11, 2)),
    # reply late: received 5 Oct, ack sent on time, reply due 5 Nov
    complaint("2026-004", date(2026, 10, 5), date_accuse=date(2026, 10, 8)),
]


def _status_json(capsys, path, *options):
    code = main(["status", "--json", "--register", str(path), "--today", TODAY.isoformat(),
                 *options])
    out, _ = capsys.readouterr()
    assert code == 0
    return json.loads(out)


def test_status_json_values_and_overdue_first(capsys, make_register):
    data = _status_json(capsys, make_register(STATUS_ROWS))
    assert [item["numero"] for item in data] == ["2026-004", "2026-003", "2026-002", "2026-001"]
    by_number = {item["numero"]: item for item in data}
    assert by_number["2026-003"]["ligne"] == 4
    expected = {
        "2026-001": ("2026-10-01", "2026-10-13", "2026-11-01", "envoye_a_temps",
                     "envoye_a_temps"),
        "2026-002": ("2026-11-16", "2026-11-27", "2026-12-16", "a_faire", "a_faire"),
        "2026-003": ("2026-11-02", "2026-11-14", "2026-12-02", "en_retard", "a_faire"),
        "2026-004": ("2026-10-05", "2026-10-16", "2026-11-05", "envoye_a_temps", "en_retard"),
    }
    keys = ("date_reclamation", "echeance_accuse", "echeance_reponse", "statut_accuse",
            "statut_reponse")
    assert {n: tuple(item[k] for k in keys) for n, item in by_number.items()} == expected
    assert by_number["2026-004"]["jours_restants"] == -15


def test_status_json_has_the_spec_keys(capsys, registers):
    data = _status_json(capsys, registers(STATUS_ROWS[:1]))
    assert {"numero", "date_reclamation", "echeance_accuse", "echeance_reponse",
            "statut_accuse", "statut_reponse"} <= set(data[0])


def test_status_json_shows_no_personal_data(capsys, registers):
    text = json.dumps(_status_json(capsys, registers(STATUS_ROWS)), ensure_ascii=False)
    client = complaint()
    for key in ("nom", "adresse", "courriel", "description"):
        assert client[key].split("\n")[0] not in text, key


def test_status_open_only(capsys, registers):
    data = _status_json(capsys, registers(STATUS_ROWS), "--ouvertes")
    assert [item["numero"] for item in data] == ["2026-004", "2026-003", "2026-002"]


def test_status_table_names_numbers_not_clients(capsys, registers):
    code = main(["status", "--register", str(registers(STATUS_ROWS)), "--today",
                 TODAY.isoformat()])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "4 réclamations au 20/11/2026 : 3 en cours dont 2 en retard." in out
    assert out.index("2026-004") < out.index("2026-003") < out.index("2026-002")
    assert "Léa Moreau" not in out  # personal data stays in the register


def test_status_skips_rows_without_a_reception_date(capsys, registers):
    rows = [complaint("2026-001"), complaint("2026-002", date_reclamation="hier")]
    data = _status_json(capsys, registers(rows))
    assert [item["numero"] for item in data] == ["2026-001"]
