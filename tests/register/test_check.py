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

from toolkit.api import check_register, register_status
from toolkit.cli import main
from toolkit.register.reading import read_register
from toolkit.register.sample import SAMPLE_PARAMETERS
from toolkit.rules.columns import DATE_KEYS, INPUT_COLUMNS, PARAMETERS, header_of

TODAY = date(2026, 11, 20)
RECEIVED = date(2026, 11, 2)
REPLIED = {"actions": "Leçons reprogrammées.", "resolution": "Deux leçons offertes.",
           "decision": "Favorable"}


# Most registers here have no Paramètres sheet: what letters miss there is tested apart.
PARAMETER_CODES = ("parametre_manquant", "site_mediateur_invalide")


def found(path) -> list[tuple[int, str, str]]:
    return [(p.ligne, p.colonne, p.code) for p in check_register(path, TODAY).problems
            if p.code not in PARAMETER_CODES]


@pytest.fixture
def registers(tmp_path):
    """Write rows (column keys) under the official header: a fast real register file."""
    count = iter(range(1000))
    return lambda rows: write_register(tmp_path / f"registre{next(count)}.xlsx", rows,
                                       parameters=SAMPLE_PARAMETERS)


def broken(registers, **values):
    """A register whose row 3 is ``complaint(**values)``, after a valid row 2."""
    row = complaint("2026-002")
    row.update(values)
    return registers([complaint("2026-001"), row])


# --- one rule at a time --------------------------------------------------------------------

REQUIRED = [c.key for c in INPUT_COLUMNS if c.required]
LISTS = {"canal": "Fax", "civilite": "Mademoiselle", "categorie": "Tarifs",
         "decision": "Refusé", "satisfaction": "Content"}
LATER_DATES = [key for key in DATE_KEYS if key != "date_reclamation"]


def dated(key: str, day: date) -> dict[str, object]:
    """``key`` set to ``day``, with what that date needs to be coherent: a reply needs its
    resolution and decision, compléments received need their request (the same day)."""
    values: dict[str, object] = {key: day}
    if key == "date_reponse":
        values.update(REPLIED)
    if key == "date_reception_complements":
        values["date_demande_complements"] = day
    return values


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
    values = dated(key, TODAY + timedelta(days=1))
    assert found(broken(registers, **values)) == [(3, header_of(k), "date_future")
                                                  for k in DATE_KEYS if k in values]


def test_announced_reply_date_may_lie_ahead(registers):
    values = {"date_information": TODAY, "date_reponse_annoncee": TODAY + timedelta(days=15)}
    assert found(broken(registers, **values)) == []


def test_today_is_not_the_future(registers):
    assert found(broken(registers, date_reclamation=TODAY, date_accuse=TODAY)) == []


@pytest.mark.parametrize("key", LATER_DATES)
def test_date_before_reception(registers, key):
    values = dated(key, RECEIVED - timedelta(days=1))
    assert found(broken(registers, **values)) == [
        (3, header_of(k), "date_avant_reclamation") for k in DATE_KEYS if k in values]


@pytest.mark.parametrize("key", LATER_DATES)
def test_date_on_reception_day_is_fine(registers, key):
    assert found(broken(registers, **dated(key, RECEIVED))) == []


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


def test_a_parameter_given_twice_is_read_on_its_first_line(tmp_path):
    """Staff typed « Zone des jours fériés » and « Signataire » again below the others (the
    label in other capitals, without accents): only the first line of a label is read, the
    one the workbook's deadline formulas read; each later one is reported where it is."""
    path = write_register(tmp_path / "r.xlsx", [complaint()], parameters=SAMPLE_PARAMETERS)
    workbook = load_workbook(path)
    sheet = workbook["Paramètres"]
    rows = {label: row for row, (label,) in
            enumerate(sheet.iter_rows(max_col=1, values_only=True), start=1)}
    last = sheet.max_row
    sheet.append(["zone des jours feries", "Alsace-Moselle"])
    sheet.append(["Signataire", "Quelqu'un d'autre"])
    sheet.append(["Zone des jours fériés", None])
    workbook.save(path)
    zone_row, signer_row = rows["Zone des jours fériés"], rows["Signataire"]
    assert found(path) == [
        (last + 1, "Zone des jours fériés", "parametre_en_double"),
        (last + 2, "Signataire", "parametre_en_double"),
        (last + 3, "Zone des jours fériés", "parametre_en_double")]
    register = read_register(path)
    assert (register.params.zone, register.params.signataire) == (
        SAMPLE_PARAMETERS["zone"], SAMPLE_PARAMETERS["signataire"])
    assert (register.parameter_rows["zone"], register.parameter_rows["signataire"]) == (
        zone_row, signer_row)
    (problem,) = [p for p in check_register(path, TODAY).problems if p.ligne == last + 2]
    assert problem.message == (
        f"feuille « Paramètres » : « Signataire » figure déjà à la ligne {signer_row} ; "
        "seule cette première ligne est lue (par l'outil comme par les formules du "
        "registre) : effacez l'une des deux.")
    assert problem.niveau == "erreur"


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


def test_satisfaction_is_read_from_an_older_register_that_staff_extended(tmp_path):
    # A register made before the column existed; staff typed the header at the far right.
    older = [header for header in HEADERS if header != "Satisfaction du client"]
    values = {**complaint(), **REPLIED, "date_reponse": date(2026, 11, 12)}
    rows = [[*older, "satisfaction du client "],
            [*row_of(values, older), "Partiellement satisfait"],
            [*row_of({**values, "numero": "2026-002"}, older), "Ravi"]]
    path = write_grid(tmp_path / "r.xlsx", rows)
    assert read_register(path).frame["satisfaction"].tolist() == ["Partiellement satisfait",
                                                                  "Ravi"]
    assert found(path) == [(3, "Satisfaction du client", "valeur_hors_liste")]


def test_a_register_without_the_satisfaction_column_is_fine(tmp_path):
    older = [header for header in HEADERS if header != "Satisfaction du client"]
    path = write_grid(tmp_path / "r.xlsx", [older, row_of(complaint(), older)])
    assert found(path) == []
    assert read_register(path).frame.loc[0, "satisfaction"] is None


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
    # Read all the same; a date typed as text is a warning (the sheet's formulas may not
    # read it), never an error.
    as_text = [(2, "Date de réclamation", "date_en_texte")] if isinstance(cell, str) else []
    assert found(path) == as_text
    assert check_register(path, TODAY).ok


def test_day_comes_first_always(tmp_path):
    path = _grid_register(tmp_path, HEADERS, complaint(date_reclamation="03/11/2026",
                                                       date_accuse="11/03/2026"))
    frame = read_register(path).frame
    assert frame.loc[0, "date_reclamation"] == date(2026, 11, 3)
    assert found(path) == [(2, "Date de réclamation", "date_en_texte"),
                           (2, "Date d'accusé de réception", "date_avant_reclamation"),
                           (2, "Date d'accusé de réception", "date_en_texte")]


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
    code, out, err = _check(capsys, make_register([complaint()], params=SAMPLE_PARAMETERS))
    assert (code, err) == (0, "")
    assert "Aucun problème" in out


def test_cli_check_lists_problems_with_row_and_column(capsys, registers):
    code, out, _ = _check(capsys, broken(registers, canal="Fax", courriel="x"))
    assert code == 1
    assert "ligne 3, colonne « Canal » : « Fax » n'est pas une valeur de la liste" in out
    assert "ligne 3, colonne « Courriel »" in out
    assert "2 erreurs sur 1 ligne, 0 avertissement" in out


def test_cli_check_json_is_the_library_report(capsys, registers):
    path = broken(registers, canal="Fax", date_accuse="demain", decision="Favorable")
    code, out, _ = _check(capsys, path, "--json")
    assert code == 1
    assert json.loads(out) == check_register(path, TODAY).to_json_list()
    assert [set(p) for p in json.loads(out)] == [
        {"ligne", "colonne", "code", "message", "niveau"}] * 3


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


def _status_json(capsys, path, *options, code: int = 0):
    assert main(["status", "--json", "--register", str(path), "--today", TODAY.isoformat(),
                 *options]) == code
    out, _ = capsys.readouterr()
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
    assert "4 réclamations suivies sur 4 lignes au 20/11/2026 : 3 en cours dont 2 en retard." \
        in out
    assert out.index("2026-004") < out.index("2026-003") < out.index("2026-002")
    assert "Léa Moreau" not in out  # personal data stays in the register


def test_status_skips_rows_without_a_reception_date(capsys, registers):
    rows = [complaint("2026-001"), complaint("2026-002", date_reclamation="hier")]
    data = _status_json(capsys, registers(rows), code=1)
    assert [item["numero"] for item in data] == ["2026-001"]


def test_status_says_which_rows_it_left_out_and_why(capsys, registers):
    rows = [complaint("2026-001"), complaint("2026-002", date_reclamation="hier"),
            complaint("2026-003", date_reclamation=None),
            complaint("2026-004", date_reclamation=date(9999, 12, 31))]
    path = registers(rows)
    result = register_status(path, TODAY)
    assert result.skipped_reasons == {
        3: "date de réclamation illisible « hier »",
        4: "date de réclamation vide",
        5: "date de réclamation hors du calendrier (31/12/9999)"}
    code = main(["status", "--register", str(path), "--today", TODAY.isoformat()])
    out = capsys.readouterr().out
    assert code == 1
    assert "1 réclamation suivie sur 4 lignes" in out
    assert ("3 lignes laissées de côté, sans délais calculés : ligne 3 (date de réclamation "
            "illisible « hier »), ligne 4 (date de réclamation vide), ligne 5") in out
    assert "toolkit check" in out


def test_status_fails_without_the_required_columns(capsys, tmp_path):
    path = write_grid(tmp_path / "r.xlsx", [["Remarques", "Suivi"], ["a", "b"]])
    code = main(["status", "--register", str(path), "--today", TODAY.isoformat()])
    out = capsys.readouterr().out
    assert code == 1
    assert "Colonnes obligatoires absentes de l'en-tête : « Numéro », « Date de réclamation »" \
        in out and "toolkit check" in out


def test_status_of_a_complete_register_exits_0(capsys, registers):
    assert register_status(registers(STATUS_ROWS), TODAY).complete
    _status_json(capsys, registers(STATUS_ROWS), code=0)


# --- errors and warnings ---------------------------------------------------------------------

def levels(path) -> list[tuple[int, str, str, str]]:
    return [(p.ligne, p.colonne, p.code, p.niveau) for p in check_register(path, TODAY).problems]


@pytest.mark.parametrize("numero", ["2026-19", "26-001", "2026/001", "R2026-001", "2026-0a1"])
def test_numero_not_in_aaaa_nnn_form_is_an_error(registers, numero):
    assert levels(broken(registers, numero=numero)) == [
        (3, "Numéro", "numero_mal_forme", "erreur")]


def test_longer_sequences_are_well_formed(registers):
    assert found(broken(registers, numero="2026-1000")) == []


def test_complements_received_without_a_request_is_an_error(registers):
    path = broken(registers, date_reception_complements=date(2026, 11, 6))
    assert levels(path) == [(3, "Date de réception des compléments",
                             "complements_sans_demande", "erreur")]


def test_a_date_typed_as_text_is_a_warning_with_advice(capsys, registers):
    path = broken(registers, date_accuse="16/11/2026")
    assert levels(path) == [(3, "Date d'accusé de réception", "date_en_texte", "avertissement")]
    code, out, _ = _check(capsys, path)
    assert code == 0  # warnings alone do not fail the check
    assert "(avertissement)" in out and "Ctrl+;" in out and "« 16/11/2026 »" in out
    assert "Aucune erreur, 1 avertissement" in out


# Rows of SAMPLE_PARAMETERS as write_grid lays them out (title on row 1), counted by hand.
PARAMETER_ROW = {"adresse": 3, "signataire": 6, "mediateur": 7, "site_mediateur": 8}


@pytest.mark.parametrize(("key", "value", "code"), [
    ("adresse", "", "parametre_manquant"),
    ("signataire", "  ", "parametre_manquant"),
    ("mediateur", "", "parametre_manquant"),
    ("site_mediateur", "https://www.economie.gouv.fr/mediation-conso", "site_mediateur_invalide"),
    ("site_mediateur", "economie.gouv.fr/mediation-conso/", "site_mediateur_invalide"),
    ("site_mediateur", "www.cm2c.net", "site_mediateur_invalide"),
    ("site_mediateur", "CM2C", "site_mediateur_invalide"),
])
def test_parameters_letters_need_are_warnings(capsys, tmp_path, key, value, code):
    label = {p.key: p.label for p in PARAMETERS}[key]
    path = write_register(tmp_path / "r.xlsx", [complaint()],
                          parameters={**SAMPLE_PARAMETERS, key: value})
    assert levels(path) == [(PARAMETER_ROW[key], label, code, "avertissement")]
    message = check_register(path, TODAY).problems[0].message
    assert message.startswith("feuille « Paramètres » :")
    if value.strip() and key == "site_mediateur":
        assert f"« {value} »" in message and "liste des médiateurs" in message
    assert _check(capsys, path)[0] == 0


def test_a_mediators_own_site_is_accepted(registers):
    assert levels(registers([complaint()])) == []


def test_every_code_has_a_french_message_and_a_level():
    from toolkit.rules.validation import MESSAGES, WARNING_CODES

    assert set(MESSAGES) >= WARNING_CODES
    for code in ("numero_mal_forme", "complements_sans_demande", "date_en_texte",
                 "parametre_manquant", "site_mediateur_invalide"):
        assert MESSAGES[code].strip()
