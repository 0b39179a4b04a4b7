"""``toolkit check``: the exact row, column, code and French message of problems of the
workbook's layout and of the ``Paramètres`` sheet, as staff read them in ``--json``.

An empty parameter is named by its label and said why letters need it; a mediator's site
that is not one is quoted back with what to type instead (capital letters are no fault). A
parameter with no row of its own in ``Paramètres`` (or no such sheet at all) is located on
the sheet's first row. A missing column is named with the header's row, a duplicated one
with which copy is read, a refused parameter with its value and what was expected. Problems
of one row come in the order of the register's columns, those of ``Paramètres`` after.
A badly formed Numéro and incoherent dates are quoted back, the dates as tables show them.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from helpers.register_files import HEADERS, complaint, row_of, write_grid, write_register

from toolkit.cli import main
from toolkit.register.sample import SAMPLE_PARAMETERS

TODAY = date(2026, 11, 20)
PREFIX = "feuille « Paramètres » : "


def _check_json(capsys, path) -> tuple[int, list[dict[str, object]]]:
    code = main(["check", "--register", str(path), "--today", TODAY.isoformat(), "--json"])
    return code, json.loads(capsys.readouterr().out)


def _warning(row: int, column: str, code: str, message: str) -> dict[str, object]:
    return {"ligne": row, "colonne": column, "code": code, "message": PREFIX + message,
            "niveau": "avertissement"}


def test_a_register_without_parameters_sheet_lists_each_missing_parameter_on_row_one(
        capsys, tmp_path):
    # No Paramètres sheet: no row to point at, so the sheet's first row. Same row: sorted by
    # column label (none of them is a column of the Registre sheet).
    path = write_register(tmp_path / "registre.xlsx", [complaint()])
    assert _check_json(capsys, path) == (0, [
        _warning(1, "Adresse", "parametre_manquant",
                 "« Adresse » est vide ; l'en-tête des courriers postaux en a besoin."),
        _warning(1, "Adresse du médiateur", "parametre_manquant",
                 "« Adresse du médiateur » est vide ; ces mêmes courriers doivent donner "
                 "l'adresse postale du médiateur."),
        _warning(1, "Mentions légales", "parametre_manquant",
                 "« Mentions légales » est vide ; le pied de chaque courrier doit porter la "
                 "forme juridique, le capital et l'immatriculation de la société (Code de "
                 "commerce R123-237)."),
        _warning(1, "Médiateur", "parametre_manquant",
                 "« Médiateur » est vide ; les réponses défavorables ou partiellement "
                 "favorables et les courriers annonçant une nouvelle date de réponse doivent "
                 "nommer le médiateur de la consommation."),
        _warning(1, "Signataire", "parametre_manquant",
                 "« Signataire » est vide ; les courriers sont signés de ce nom."),
        _warning(1, "Site du médiateur", "parametre_manquant",
                 "« Site du médiateur » est vide ; ces mêmes courriers doivent donner le site "
                 "du médiateur."),
    ])


def test_an_empty_signatory_row_is_named_by_its_label_on_its_own_row(capsys, tmp_path):
    # write_grid lays Paramètres out as: title row 1, then one row per key in order, so
    # société 2, adresse 3, courriel 4, téléphone 5, signataire 6.
    path = write_register(tmp_path / "registre.xlsx", [complaint()],
                          parameters={**SAMPLE_PARAMETERS, "signataire": ""})
    assert _check_json(capsys, path) == (0, [
        _warning(6, "Signataire", "parametre_manquant",
                 "« Signataire » est vide ; les courriers sont signés de ce nom.")])


def test_a_site_without_https_is_quoted_back_with_what_to_type_instead(capsys, tmp_path):
    # Site du médiateur is the 7th parameter written: row 8.
    path = write_register(tmp_path / "registre.xlsx", [complaint()],
                          parameters={**SAMPLE_PARAMETERS, "site_mediateur": "www.cm2c.net"})
    assert _check_json(capsys, path) == (0, [
        _warning(8, "Site du médiateur", "site_mediateur_invalide",
                 "« www.cm2c.net » n'est pas le site du médiateur ; la page "
                 "https://www.economie.gouv.fr/mediation-conso est la liste des médiateurs "
                 "agréés ; inscrivez l'adresse du site de votre médiateur (https://…).")])


def test_the_list_of_mediators_is_not_taken_for_the_mediators_site(capsys, tmp_path):
    path = write_register(tmp_path / "registre.xlsx", [complaint()],
                          parameters={**SAMPLE_PARAMETERS,
                                      "site_mediateur": "https://www.economie.gouv.fr/"
                                                        "mediation-conso"})
    code = main(["check", "--register", str(path), "--today", TODAY.isoformat()])
    out = capsys.readouterr().out
    assert code == 0  # a warning: the register itself is fine
    assert out.splitlines()[0] == (
        "ligne 8, colonne « Site du médiateur » (avertissement) : feuille « Paramètres » : "
        "« https://www.economie.gouv.fr/mediation-conso » n'est pas le site du médiateur ; "
        "la page https://www.economie.gouv.fr/mediation-conso est la liste des médiateurs "
        "agréés ; inscrivez l'adresse du site de votre médiateur (https://…). "
        "[site_mediateur_invalide]")


def test_a_site_typed_in_capital_letters_is_accepted(capsys, tmp_path):
    path = write_register(tmp_path / "registre.xlsx", [complaint()],
                          parameters={**SAMPLE_PARAMETERS,
                                      "site_mediateur": "HTTPS://WWW.CM2C.NET"})
    assert _check_json(capsys, path) == (0, [])


def test_a_missing_column_is_named_with_the_row_of_the_header(capsys, tmp_path):
    # A title on row 1: the header is on row 2.
    headers = [header for header in HEADERS if header != "Canal"]
    path = write_grid(tmp_path / "registre.xlsx",
                      [["Registre des réclamations"], headers, row_of(complaint(), headers)],
                      parameters=SAMPLE_PARAMETERS)
    assert _check_json(capsys, path) == (1, [
        {"ligne": 2, "colonne": "Canal", "code": "colonne_manquante",
         "message": "la colonne obligatoire « Canal » est absente de l'en-tête (ligne 2).",
         "niveau": "erreur"}])


def test_a_duplicated_column_says_only_the_first_is_read(capsys, tmp_path):
    path = write_grid(tmp_path / "registre.xlsx",
                      [[*HEADERS, "Courriel"], [*row_of(complaint()), "autre@exemple.fr"]],
                      parameters=SAMPLE_PARAMETERS)
    assert _check_json(capsys, path) == (1, [
        {"ligne": 1, "colonne": "Courriel", "code": "colonne_en_double",
         "message": "la colonne « Courriel » apparaît deux fois ; seule la première est lue.",
         "niveau": "erreur"}])


def test_a_refused_parameter_is_quoted_with_what_was_expected(capsys, tmp_path):
    # Zone is the 8th parameter written (row 9), the notice days the 9th (row 10).
    path = write_register(tmp_path / "registre.xlsx", [complaint()],
                          parameters={**SAMPLE_PARAMETERS, "zone": "Corse",
                                      "preavis_suivi": "cinq"})
    assert _check_json(capsys, path) == (1, [
        {"ligne": 9, "colonne": "Zone des jours fériés", "code": "parametre_invalide",
         "message": "feuille « Paramètres » : « Corse » refusé, « Métropole » ou "
                    "« Alsace-Moselle » attendu ; la valeur par défaut s'applique.",
         "niveau": "erreur"},
        {"ligne": 10, "colonne": "Jours de préavis de suivi", "code": "parametre_invalide",
         "message": "feuille « Paramètres » : « cinq » refusé, un nombre entier de jours est "
                    "attendu ; la valeur par défaut s'applique.",
         "niveau": "erreur"}])


def test_a_date_typed_as_text_is_quoted_back_with_advice(capsys, tmp_path):
    path = write_register(tmp_path / "registre.xlsx",
                          [complaint(date_accuse="16/11/2026")], parameters=SAMPLE_PARAMETERS)
    assert _check_json(capsys, path) == (0, [
        {"ligne": 2, "colonne": "Date d'accusé de réception", "code": "date_en_texte",
         "message": "« 16/11/2026 » est saisi comme du texte, pas comme une date : les "
                    "formules du classeur peuvent afficher #VALEUR! (Excel dans une autre "
                    "langue). Ressaisissez une vraie date (Ctrl+; inscrit la date du jour).",
         "niveau": "avertissement"}])


def test_problems_of_one_row_follow_the_columns_then_the_parameters_sheet(capsys, tmp_path):
    # The fifth complaint is on row 6 of Registre, the empty Signataire on row 6 of
    # Paramètres: Numéro (1st column) then Canal (3rd), then the parameter, whatever the
    # alphabetical order of the columns or of the codes.
    rows = [complaint(f"2026-00{n}") for n in range(1, 5)] + [complaint("2026-5", canal="Fax")]
    path = write_register(tmp_path / "registre.xlsx", rows,
                          parameters={**SAMPLE_PARAMETERS, "signataire": ""})
    code, problems = _check_json(capsys, path)
    assert code == 1
    assert [(p["ligne"], p["colonne"], p["code"]) for p in problems] == [
        (6, "Numéro", "numero_mal_forme"),
        (6, "Canal", "valeur_hors_liste"),
        (6, "Signataire", "parametre_manquant")]


@pytest.mark.parametrize(("values", "column", "code", "message"), [
    ({"numero": "2026-19"}, "Numéro", "numero_mal_forme",
     "« 2026-19 » n'a pas la forme AAAA-NNN (année de réception, tiret, numéro d'au moins "
     "trois chiffres, par exemple 2026-019)."),
    # Received Monday 2 November; today is Friday 20 November.
    ({"date_accuse": date(2026, 11, 21)}, "Date d'accusé de réception", "date_future",
     "le 21/11/2026 est postérieur à aujourd'hui (20/11/2026)."),
    ({"date_accuse": date(2026, 11, 1)}, "Date d'accusé de réception",
     "date_avant_reclamation",
     "le 01/11/2026 est antérieur à la date de réclamation (02/11/2026)."),
    ({"date_demande_complements": date(2026, 11, 10),
      "date_reception_complements": date(2026, 11, 5)},
     "Date de réception des compléments", "complements_avant_demande",
     "les compléments sont reçus avant d'avoir été demandés (10/11/2026)."),
], ids=["numero", "future", "avant-reclamation", "complements"])
def test_an_incoherent_row_is_told_with_its_values(capsys, tmp_path, values, column, code,
                                                   message):
    path = write_register(tmp_path / "registre.xlsx",
                          [complaint("2026-001"), complaint(**{"numero": "2026-002", **values})],
                          parameters=SAMPLE_PARAMETERS)
    assert _check_json(capsys, path) == (1, [
        {"ligne": 3, "colonne": column, "code": code, "message": message,
         "niveau": "erreur"}])
