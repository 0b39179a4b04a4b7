"""``toolkit check`` says, in French, what is wrong with a cell: the exact message of a cell
problem, as staff read it in ``toolkit check`` and as other tools read it in ``--json``.

A value outside a drop-down list is answered with the list it should come from, a
duplicated Numéro with the number, a bad e-mail address with the address, an empty
required cell with what is missing. Every register here is a real .xlsx file whose row 3
holds the broken complaint, after a valid row 2.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from helpers.register_files import complaint, write_register

from toolkit.api import check_register
from toolkit.cli import main
from toolkit.register.sample import SAMPLE_PARAMETERS

TODAY = date(2026, 11, 20)


def _register(tmp_path, *rows):
    # The sample's Paramètres: no warning about what letters need gets in the way.
    return write_register(tmp_path / "registre.xlsx", rows, parameters=SAMPLE_PARAMETERS)


def _check_json(capsys, path) -> tuple[int, list[dict[str, object]]]:
    code = main(["check", "--register", str(path), "--today", TODAY.isoformat(), "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("key", "value", "header", "message"), [
    ("canal", "Fax", "Canal",
     "« Fax » n'est pas une valeur de la liste (Courrier, Courriel, Téléphone)."),
    ("civilite", "Mademoiselle", "Civilité",
     "« Mademoiselle » n'est pas une valeur de la liste (Madame, Monsieur)."),
    ("categorie", "Tarifs", "Catégorie",
     "« Tarifs » n'est pas une valeur de la liste (Pédagogie, Planning / leçons, Examen, "
     "Facturation / financement, Administratif, Accueil, Véhicule, Autre)."),
    ("decision", "Refusé", "Décision",
     "« Refusé » n'est pas une valeur de la liste (Favorable, Partiellement favorable, "
     "Défavorable)."),
    ("satisfaction", "Content", "Satisfaction du client",
     "« Content » n'est pas une valeur de la liste (Satisfait, Partiellement satisfait, "
     "Non satisfait, Sans retour)."),
])
def test_a_value_outside_a_drop_down_names_the_values_of_its_list(capsys, tmp_path, key, value,
                                                                  header, message):
    extra = {"resolution": "Geste commercial."} if key == "decision" else {}
    path = _register(tmp_path, complaint("2026-001"),
                     complaint("2026-002", **{key: value}, **extra))
    assert _check_json(capsys, path) == (1, [
        {"ligne": 3, "colonne": header, "code": "valeur_hors_liste", "message": message,
         "niveau": "erreur"}])


def test_the_text_report_gives_row_column_message_and_code_on_one_line(capsys, tmp_path):
    path = _register(tmp_path, complaint("2026-001"), complaint("2026-002", canal="Fax"))
    code = main(["check", "--register", str(path), "--today", TODAY.isoformat()])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines()[0] == (
        "ligne 3, colonne « Canal » : « Fax » n'est pas une valeur de la liste "
        "(Courrier, Courriel, Téléphone). [valeur_hors_liste]")


def test_a_duplicated_numero_is_named_on_every_row_that_holds_it(capsys, tmp_path):
    path = _register(tmp_path, complaint("2026-001"), complaint("2026-001"))
    message = "le numéro « 2026-001 » est déjà utilisé par une autre réclamation."
    assert _check_json(capsys, path) == (1, [
        {"ligne": 2, "colonne": "Numéro", "code": "numero_en_double", "message": message,
         "niveau": "erreur"},
        {"ligne": 3, "colonne": "Numéro", "code": "numero_en_double", "message": message,
         "niveau": "erreur"}])


def test_a_bad_email_address_is_quoted_back(tmp_path):
    path = _register(tmp_path, complaint("2026-001"),
                     complaint("2026-002", courriel="lea.moreau@exemple"))
    assert [(p.ligne, p.colonne, p.code, p.message)
            for p in check_register(path, TODAY).problems] == [
        (3, "Courriel", "courriel_invalide",
         "« lea.moreau@exemple » n'est pas une adresse électronique valide.")]


def test_an_empty_required_cell_says_a_value_is_missing(tmp_path):
    path = _register(tmp_path, complaint("2026-001"), complaint("2026-002", nom=None))
    assert [(p.ligne, p.colonne, p.code, p.message)
            for p in check_register(path, TODAY).problems] == [
        (3, "Nom du client", "obligatoire", "valeur obligatoire manquante.")]
