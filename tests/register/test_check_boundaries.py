"""Both sides of every ``check`` pattern and date rule: the last value accepted and the
first one refused, so that a pattern loosened or tightened by one step, or a comparison
moved by one day, fails here.

Each case writes a real register (no template: only what the reader sees) and runs the
library call behind ``toolkit check``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from helpers.register_files import complaint, write_grid, write_register

from toolkit.api import check_register
from toolkit.rules.codes import Code
from toolkit.rules.columns import DATE_KEYS, header_of

TODAY = date(2026, 11, 20)
RECEIVED = date(2026, 11, 2)
FILLED_PARAMETERS = {"adresse": "12 rue de la République\n75011 Paris",
                     "signataire": "Claire Martin", "mediateur": "Médiateur CNPM",
                     "site_mediateur": "https://www.cnpm-mediation-consommation.eu"}


def _codes(tmp_path, column: str, parameters=None, **values) -> set[str]:
    """The codes ``check`` finds on ``column`` (a header or a parameter's label)."""
    path = write_register(tmp_path / "registre.xlsx", [complaint(received=RECEIVED, **values)],
                          parameters={**FILLED_PARAMETERS, **(parameters or {})})
    return {problem.code for problem in check_register(path, TODAY).problems
            if problem.colonne == column}


# --- Numéro: AAAA-NNN -------------------------------------------------------------------

@pytest.mark.parametrize(("numero", "accepted"), [
    ("2026-001", True), ("2026-01", False),      # three digits at least
    ("2026-0001", True), ("2026-12345", True),
    ("026-001", False), ("20261-001", False),    # four digits of year, exactly
    ("2026-001 ", True),                         # spaces around are not typed text
    ("2026 -001", False), ("2026_001", False), ("2026/001", False),
    ("2026-00a", False), ("a2026-001", False), ("2026-001-2", False),
])
def test_numero_form(tmp_path, numero, accepted):
    codes = _codes(tmp_path, "Numéro", numero=numero)
    assert (Code.NUMERO_MAL_FORME not in codes) is accepted


# --- Courriel ------------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "accepted"), [
    ("a@b.fr", True), ("a@b.f", False),          # two letters of top-level domain at least
    ("lea.moreau@exemple.com", True), ("prénom.nom@exemple.fr", True),
    ("a@b", False), ("a@b.fr.", False), ("a@b.f1", False),
    ("@b.fr", False), ("a@.fr", False), ("a@@b.fr", False),
    ("a b@c.fr", False), ("a@b c.fr", False), ("a<b@c.fr", False), ("a;b@c.fr", False),
    ("a,b@c.fr", False), ("a:b@c.fr", False), ('a"b@c.fr', False), ("a(b)@c.fr", False),
])
def test_courriel_form(tmp_path, address, accepted):
    codes = _codes(tmp_path, "Courriel", courriel=address)
    assert (Code.COURRIEL_INVALIDE not in codes) is accepted


# --- list values --------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "value", "accepted"), [
    ("canal", "Courriel", True), ("canal", "courriel", False), ("canal", "Courriel ", True),
    ("canal", "Mail", False), ("civilite", "Madame", True), ("civilite", "Mme", False),
    ("categorie", "Autre", True), ("categorie", "Autres", False),
    ("decision", "Défavorable", True), ("decision", "Defavorable", False),
    ("satisfaction", "Sans retour", True), ("satisfaction", "Sans réponse", False),
])
def test_list_values(tmp_path, key, value, accepted):
    values = {key: value}
    if key in ("decision", "satisfaction"):
        values["resolution"] = "Leçon offerte."
    codes = _codes(tmp_path, header_of(key), **values)
    assert (Code.VALEUR_HORS_LISTE not in codes) is accepted


@pytest.mark.parametrize(("key", "value", "code"), [
    ("numero", None, Code.OBLIGATOIRE), ("canal", None, Code.OBLIGATOIRE),
    ("nom", "   ", Code.OBLIGATOIRE), ("description", "", Code.OBLIGATOIRE),
    ("date_reclamation", None, Code.OBLIGATOIRE),
])
def test_a_required_value_left_empty_is_refused(tmp_path, key, value, code):
    assert code in _codes(tmp_path, header_of(key), **{key: value})


@pytest.mark.parametrize("key", ["civilite", "adresse", "courriel", "categorie", "decision"])
def test_an_optional_value_left_empty_is_accepted(tmp_path, key):
    assert _codes(tmp_path, header_of(key), **{key: None}) == set()


# --- dates typed as text --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "accepted"), [
    ("03/11/2026", True), ("3/11/2026", True), ("03.11.2026", True), ("2026-11-03", True),
    ("32/11/2026", False), ("31/11/2026", False), ("30/11/2026", True),
    # J/M/AA is one of the date forms staff type (docs/product-rules.md, "The desk's day").
    ("29/02/2028", True), ("29/02/2027", False),   # leap years
    ("03/13/2026", False), ("03/11/26", True), ("3 novembre 2026", False),
])
def test_a_date_typed_as_text(tmp_path, text, accepted):
    parameters_today = {"date_accuse": text}
    codes = _codes(tmp_path, header_of("date_accuse"), **parameters_today)
    assert (Code.DATE_INVALIDE not in codes) is accepted
    assert (Code.DATE_EN_TEXTE in codes) is accepted  # a warning: the workbook may not read it


# --- dates against today and against the reception ------------------------------------------

OTHER_DATES = [key for key in DATE_KEYS if key != "date_reclamation"]
# A date announced to the client lies ahead by nature.
NEVER_FUTURE = [key for key in DATE_KEYS if key != "date_reponse_annoncee"]


def _coherent(key: str, day: date) -> dict[str, object]:
    """``key`` set to ``day``, with what the other rules then require (no other problem)."""
    values = {key: day}
    if key == "date_reception_complements":
        values["date_demande_complements"] = RECEIVED
    if key == "date_reponse":
        values.update(resolution="Leçon offerte.", decision="Favorable")
    if key == "date_reclamation":
        values = {"received": day}
    return values


@pytest.mark.parametrize("key", NEVER_FUTURE)
@pytest.mark.parametrize(("day", "accepted"), [(TODAY, True), (TODAY + timedelta(days=1), False)])
def test_no_date_after_today(tmp_path, key, day, accepted):
    values = _coherent(key, day)
    path = write_register(tmp_path / "registre.xlsx",
                          [complaint(**{"received": RECEIVED, **values})],
                          parameters=FILLED_PARAMETERS)
    codes = {p.code for p in check_register(path, TODAY).problems
             if p.colonne == header_of(key)}
    assert (Code.DATE_FUTURE not in codes) is accepted


def test_a_date_time_counts_by_its_day(tmp_path):
    late_evening = datetime(TODAY.year, TODAY.month, TODAY.day, 23, 59)
    assert _codes(tmp_path, header_of("date_accuse"), date_accuse=late_evening) == set()


def test_the_announced_reply_date_may_lie_ahead(tmp_path):
    ahead = TODAY + timedelta(days=15)
    assert _codes(tmp_path, header_of("date_reponse_annoncee"),
                  date_reponse_annoncee=ahead) == set()


@pytest.mark.parametrize("key", OTHER_DATES)
@pytest.mark.parametrize(("offset", "accepted"), [(0, True), (-1, False)])
def test_no_date_before_the_reception(tmp_path, key, offset, accepted):
    values = _coherent(key, RECEIVED + timedelta(days=offset))
    if key == "date_reception_complements":
        values["date_demande_complements"] = values[key]
    codes = _codes(tmp_path, header_of(key), **values)
    assert (Code.DATE_AVANT_RECLAMATION not in codes) is accepted


@pytest.mark.parametrize(("offset", "accepted"), [(0, True), (-1, False)])
def test_complements_not_received_before_asked(tmp_path, offset, accepted):
    asked = date(2026, 11, 10)
    codes = _codes(tmp_path, header_of("date_reception_complements"),
                   date_demande_complements=asked,
                   date_reception_complements=asked + timedelta(days=offset))
    assert (Code.COMPLEMENTS_AVANT_DEMANDE not in codes) is accepted


@pytest.mark.parametrize(("asked", "accepted"), [(date(2026, 11, 10), True), (None, False)])
def test_complements_not_received_without_a_request(tmp_path, asked, accepted):
    codes = _codes(tmp_path, header_of("date_reception_complements"),
                   date_demande_complements=asked, date_reception_complements=date(2026, 11, 12))
    assert (Code.COMPLEMENTS_SANS_DEMANDE not in codes) is accepted


# --- a reply and its decision -----------------------------------------------------------------

@pytest.mark.parametrize(("values", "column", "code", "refused"), [
    ({"date_reponse": TODAY, "decision": "Favorable"}, "resolution",
     Code.REPONSE_SANS_RESOLUTION, True),
    ({"date_reponse": TODAY, "decision": "Favorable", "resolution": "R."}, "resolution",
     Code.REPONSE_SANS_RESOLUTION, False),
    ({"date_reponse": TODAY, "resolution": "R."}, "decision", Code.REPONSE_SANS_DECISION, True),
    ({"date_reponse": TODAY, "resolution": "R.", "decision": "Favorable"}, "decision",
     Code.REPONSE_SANS_DECISION, False),
    ({"decision": "Favorable"}, "resolution", Code.DECISION_SANS_RESOLUTION, True),
    ({"decision": "Favorable", "resolution": "R."}, "resolution",
     Code.DECISION_SANS_RESOLUTION, False),
    ({"resolution": "R."}, "resolution", Code.DECISION_SANS_RESOLUTION, False),
])
def test_reply_needs_resolution_and_decision(tmp_path, values, column, code, refused):
    assert (code in _codes(tmp_path, header_of(column), **values)) is refused


def test_a_number_used_twice_is_refused_and_its_neighbour_accepted(tmp_path):
    path = write_register(tmp_path / "registre.xlsx",
                          [complaint("2026-001"), complaint("2026-001"), complaint("2026-002")],
                          parameters=FILLED_PARAMETERS)
    rows = {p.ligne for p in check_register(path, TODAY).problems
            if p.code == Code.NUMERO_EN_DOUBLE}
    assert 4 not in rows and rows  # the third row's number is its own


# --- Paramètres ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("site", "accepted"), [
    ("https://www.cnpm-mediation-consommation.eu", True), ("http://mediateur.fr", True),
    ("HTTPS://MEDIATEUR.FR", True), ("https://mediateur.fr/saisir?x=1", True),
    ("ftp://mediateur.fr", False), ("https://mediateur", False), ("mediateur.fr", False),
    ("www.mediateur.fr", False), ("https:// mediateur.fr", False),
    ("https://www.economie.gouv.fr/mediation-conso", False),
    ("economie.gouv.fr/mediation-conso/", False),
    ("https://www.economie.gouv.fr/mediation-conso/comment-saisir", False),
    ("https://www.economie.gouv.fr/dgccrf", True),
])
def test_mediator_site(tmp_path, site, accepted):
    codes = _codes(tmp_path, "Site du médiateur", parameters={"site_mediateur": site})
    assert (Code.SITE_MEDIATEUR_INVALIDE not in codes) is accepted


@pytest.mark.parametrize(("value", "accepted"), [
    ("0", True), ("5", True), ("99", True), ("100", False), ("-1", False), ("5.5", False),
    ("cinq", False), (7, True),
])
@pytest.mark.parametrize("label", ["Jours de préavis de suivi",
                                   "Délai annoncé dans le courrier de suivi"])
def test_day_count_parameters(tmp_path, label, value, accepted):
    path = write_grid(tmp_path / "registre.xlsx", [["Numéro", "Date de réclamation", "Canal"]],
                      parameters={label: value})
    codes = {p.code for p in check_register(path, TODAY).problems if p.colonne == label}
    assert (Code.PARAMETRE_INVALIDE not in codes) is accepted


@pytest.mark.parametrize(("value", "accepted"), [
    ("Métropole", True), ("metropole", True), (" Alsace-Moselle ", True),
    ("ALSACE-MOSELLE", True), ("Alsace Moselle", False), ("Alsace", False), ("Corse", False),
])
def test_holiday_zone_parameter(tmp_path, value, accepted):
    codes = _codes(tmp_path, "Zone des jours fériés", parameters={"zone": value})
    assert (Code.PARAMETRE_INVALIDE not in codes) is accepted


@pytest.mark.parametrize("key", ["adresse", "signataire", "mediateur", "site_mediateur"])
@pytest.mark.parametrize(("value", "missing"), [("X", False), ("   ", True), ("", True)])
def test_parameters_letters_need(tmp_path, key, value, missing):
    labels = {"adresse": "Adresse", "signataire": "Signataire", "mediateur": "Médiateur",
              "site_mediateur": "Site du médiateur"}
    if key == "site_mediateur" and value == "X":
        value = "https://mediateur.fr"
    codes = _codes(tmp_path, labels[key], parameters={key: value})
    assert (Code.PARAMETRE_MANQUANT in codes) is missing
