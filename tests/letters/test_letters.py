"""``toolkit letters``: due rules per type, the letters' text read back with python-docx,
the mediator rule, reruns and ``--force``. Real registers, real Word files."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.letter_files import docx_text, letters_in, run_letters
from helpers.register_files import complaint

from toolkit.errors import LetterRefused
from toolkit.rules.letters import (
    CONTEXT_FIELDS,
    build_context,
    clean_text,
    due_types,
    french_date,
    is_due,
    place_and_date,
    split_items,
)
from toolkit.rules.records import Parameters

TODAY = date(2026, 11, 20)
RECEIVED = date(2026, 11, 2)  # ack deadline Sat 14 Nov 2026; reply deadline 2 Dec 2026
MEDIATOR = {"mediateur": "CM2C — Centre de la médiation", "site_mediateur": "https://www.cm2c.net",
            "adresse_mediateur": "14 rue Saint-Jean\n75017 Paris",
            "adresse": "12 rue des Lilas\n75011 PARIS", "signataire": "Claire Martin"}
NAME = "Dupont & Fils <SARL>"
LETTERHEAD = Parameters(adresse="12 rue des Lilas\n75011 PARIS", signataire="Claire Martin")


# --- pure rules ------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "text"), [
    (date(2026, 11, 2), "2 novembre 2026"),
    (date(2027, 1, 1), "1er janvier 2027"),
    (date(2026, 8, 15), "15 août 2026"),
    (date(2026, 12, 31), "31 décembre 2026"),
])
def test_french_dates(day, text):
    assert french_date(day) == text


def _row(**values) -> dict:
    return {"ligne": 2, **complaint(**values)}


@pytest.mark.parametrize(("values", "due"), [
    ({"canal": "Téléphone"}, True),
    ({"canal": "Téléphone", "date_demande_confirmation": RECEIVED}, False),
    ({"canal": "Téléphone", "date_confirmation": RECEIVED}, False),
    ({"canal": "Courriel"}, False),
    ({"canal": "Courrier"}, False),
], ids=["phone", "requested", "confirmed", "email", "letter"])
def test_confirmation_due(values, due):
    assert is_due("confirmation", _row(**values), TODAY) is due


@pytest.mark.parametrize(("values", "due"), [
    ({}, True),
    ({"date_accuse": date(2026, 11, 5)}, False),
], ids=["not-sent", "sent"])
def test_accuse_due(values, due):
    assert is_due("accuse", _row(**values), TODAY) is due


@pytest.mark.parametrize(("values", "due"), [
    ({}, False),
    ({"infos_manquantes": "Copie du contrat"}, True),
    ({"infos_manquantes": "Copie du contrat", "date_demande_complements": TODAY}, False),
], ids=["nothing-missing", "missing", "asked"])
def test_complements_due(values, due):
    assert is_due("complements", _row(**values), TODAY) is due


@pytest.mark.parametrize(("today", "values", "due"), [
    (date(2026, 11, 26), {}, False),  # 6 days before 2 Dec: notice is 5 days
    (date(2026, 11, 27), {}, True),  # 5 days before
    (date(2026, 12, 10), {}, True),  # deadline passed
    (date(2026, 11, 27), {"date_information": date(2026, 11, 27)}, False),
    (date(2026, 12, 10), {"date_reponse": date(2026, 12, 1), "resolution": "r",
                          "decision": "Favorable"}, False),
], ids=["too-early", "notice-reached", "late", "already-informed", "replied"])
def test_suivi_due(today, values, due):
    assert is_due("suivi", _row(**values), today, notice_days=5) is due


def test_suivi_notice_comes_from_parameters():
    assert is_due("suivi", _row(), date(2026, 11, 22), notice_days=10)
    assert not is_due("suivi", _row(), date(2026, 11, 22), notice_days=5)


@pytest.mark.parametrize(("values", "due"), [
    ({"resolution": "Leçon offerte", "decision": "Favorable"}, True),
    ({"resolution": "Leçon offerte"}, False),
    ({"decision": "Favorable"}, False),
    ({"resolution": "Leçon offerte", "decision": "Favorable", "date_reponse": TODAY}, False),
], ids=["ready", "no-decision", "no-resolution", "sent"])
def test_reponse_due(values, due):
    assert is_due("reponse", _row(**values), TODAY) is due


def test_due_types_in_letter_order():
    row = _row(canal="Téléphone", infos_manquantes="x", resolution="r", decision="Favorable")
    assert due_types(row, date(2026, 12, 10)) == [
        "confirmation", "accuse", "complements", "suivi", "reponse"]


def test_clean_text_keeps_line_breaks_and_drops_controls():
    raw = "ligne 1\r\nligne\t2\rligne 3\a\f\v\x00\x1b\x85fin"
    assert clean_text(raw) == "ligne 1\nligne\t2\nligne 3fin"


def test_split_items_removes_bullets_and_blank_lines():
    assert split_items("- Copie du contrat\n\n• Facture ; 2) RIB") == [
        "Copie du contrat", "Facture", "RIB"]


def test_place_and_date():
    assert place_and_date("12 rue des Lilas\n75011 PARIS", RECEIVED) == \
        "Paris, le 2 novembre 2026"
    assert place_and_date("", RECEIVED) == "Le 2 novembre 2026"


@pytest.mark.parametrize("decision", ["Défavorable", "Partiellement favorable"])
def test_reply_refused_without_mediator(decision):
    row = _row(resolution="Non", decision=decision)
    with pytest.raises(LetterRefused, match="médiateur"):
        build_context("reponse", row, LETTERHEAD, TODAY)


def test_context_has_every_declared_field():
    context = build_context("accuse", _row(), LETTERHEAD, TODAY)
    assert set(context) == set(CONTEXT_FIELDS)
    assert context["salutation"] == "Madame"
    assert context["echeance_reponse"] == "2 décembre 2026"


# --- the command, letters read back -------------------------------------------------

def _full_register(make_register, params=MEDIATOR, **values):
    row = complaint(received=RECEIVED, canal="Téléphone", civilite=None, nom=NAME,
                    adresse="Bâtiment « B »\n3 rue de l'Église\n13001 Marseille",
                    infos_manquantes="- Copie du contrat\n- Facture d'octobre",
                    actions="Entretien avec le moniteur.\nVérification du planning.",
                    resolution="Deux leçons vous sont offertes.", decision="Défavorable")
    row.update(values)
    return make_register([row], params)


def test_every_letter_reads_back_exactly(make_register, tmp_path):
    register = _full_register(make_register)
    assert run_letters(register, today="2026-12-10") == 0
    made = letters_in(tmp_path / "dossiers")
    assert set(made) == {"confirmation", "accuse", "complements", "reponse"}
    for type_id, path in made.items():
        text = docx_text(path)
        assert "2026-001" in text, type_id
        assert "2 novembre 2026" in text, type_id
        assert "Paris, le 10 décembre 2026" in text, type_id
        assert f"\n{NAME}\n" in f"\n{text}\n", type_id
        assert "Bâtiment « B »\n3 rue de l'Église\n13001 Marseille" in text, type_id
        assert "Madame, Monsieur," in text, type_id
        assert "Claire Martin" in text, type_id
        assert "{{" not in text and "{%" not in text and "}}" not in text, type_id


def test_letter_specific_content(make_register, tmp_path):
    register = _full_register(make_register)
    run_letters(register, today="2026-12-10")
    made = letters_in(tmp_path / "dossiers")
    # Made on 10 December, after the reply deadline (2 December): the acknowledgement
    # announces a new date, 10 + 15 = Friday 25 December (Noël), moved to Saturday 26.
    accuse = docx_text(made["accuse"])
    assert "au plus tard le 26 décembre 2026" in accuse
    assert "2 décembre 2026" not in accuse
    complements = docx_text(made["complements"])
    assert "– Copie du contrat\n– Facture d'octobre" in complements
    confirmation = docx_text(made["confirmation"])
    assert "« Réclamation »" in confirmation and "contact@onlypermis.fr" in confirmation
    reponse = docx_text(made["reponse"])
    # Actions are the investigation notes: never sent to the client.
    assert "Entretien avec le moniteur" not in reponse
    assert "Deux leçons vous sont offertes." in reponse


@pytest.mark.parametrize(("decision", "mediation"), [
    ("Défavorable", True), ("Partiellement favorable", True), ("Favorable", False)])
def test_mediator_named_exactly_when_required(make_register, tmp_path, decision, mediation):
    register = _full_register(make_register, decision=decision)
    run_letters(register, "--type", "reponse")
    text = docx_text(letters_in(tmp_path / "dossiers")["reponse"])
    assert (MEDIATOR["mediateur"] in text) is mediation
    assert (MEDIATOR["site_mediateur"] in text) is mediation
    assert ("médiateur" in text) is mediation


def test_reply_without_mediator_is_refused(make_register, tmp_path, capsys):
    register = _full_register(make_register, params={"mediateur": ""})
    assert run_letters(register, "--type", "reponse") == 1
    assert "médiateur de la consommation à indiquer" in capsys.readouterr().out
    assert "reponse" not in letters_in(tmp_path / "dossiers")


@pytest.mark.parametrize(("today", "promised", "late"), [
    ("2026-11-28", "2 décembre 2026", False),  # the reply deadline itself
    # deadline passed: 15 days later is Fri 25 Dec (Noël), moved to Sat 26 Dec, apologies
    ("2026-12-10", "26 décembre 2026", True),
])
def test_suivi_letter_promises_a_date(make_register, tmp_path, today, promised, late):
    register = _full_register(make_register, resolution=None, decision=None,
                              date_accuse=date(2026, 11, 3))
    run_letters(register, "--type", "suivi", today=today)
    text = docx_text(letters_in(tmp_path / "dossiers")["suivi"])
    assert f"au plus tard le {promised}" in text
    assert ("ce dont nous vous prions de bien vouloir nous excuser" in text) is late
    assert "circonstances particulières" not in text  # whatever the cause, none is claimed


def test_a_promise_missed_again_gets_a_second_progress_letter_beside_the_first(
        make_register, tmp_path):
    register = _full_register(make_register, resolution=None, decision=None,
                              date_accuse=date(2026, 11, 3))
    assert run_letters(register, "--type", "suivi", "--mark-sent", today="2026-12-10") == 0
    first = letters_in(tmp_path / "dossiers")["suivi"]
    written = first.read_bytes()
    # 26/12/2026 announced, passed without a reply: a new progress letter, a new date
    assert run_letters(register, "--type", "suivi", today="2027-01-05") == 0
    made = letters_in(tmp_path / "dossiers")
    assert (sorted(made), made["suivi"].read_bytes()) == (["suivi", "suivi_2"], written)
    assert "au plus tard le 20 janvier 2027" in docx_text(made["suivi_2"])


def test_client_text_is_data_not_template_code(make_register, tmp_path):
    register = _full_register(make_register, nom="{{ societe_nom }} {% if x %}",
                              resolution="Prix < 30 € & \"garanti\" 'vraiment'")
    run_letters(register, "--type", "reponse")
    text = docx_text(letters_in(tmp_path / "dossiers")["reponse"])
    assert "{{ societe_nom }} {% if x %}" in text
    assert "Prix < 30 € & \"garanti\" 'vraiment'" in text


def test_second_run_makes_nothing_new(make_register, tmp_path, capsys):
    register = _full_register(make_register)
    run_letters(register)
    made = letters_in(tmp_path / "dossiers")
    stamps = {path: path.stat().st_mtime_ns for path in made.values()}
    capsys.readouterr()
    assert run_letters(register) == 0
    out = capsys.readouterr().out
    assert out.startswith("0 courrier produit.")
    assert "déjà produit" in out
    assert letters_in(tmp_path / "dossiers") == made
    assert {path: path.stat().st_mtime_ns for path in made.values()} == stamps


def test_force_remakes_letters(make_register, tmp_path, capsys):
    register = _full_register(make_register)
    run_letters(register, "--type", "accuse")
    path = letters_in(tmp_path / "dossiers")["accuse"]
    path.write_bytes(b"not a letter")
    capsys.readouterr()
    run_letters(register, "--type", "accuse", "--force")
    assert capsys.readouterr().out.startswith("1 courrier produit.")
    assert "2026-001" in docx_text(path)


def test_type_and_numero_select(make_register, tmp_path):
    rows = [complaint("2026-001", RECEIVED), complaint("2026-002", RECEIVED, nom="Paul Roy")]
    register = make_register(rows, MEDIATOR)
    assert run_letters(register, "--type", "accuse", "--numero", "2026-002") == 0
    letters = [p.name for p in (tmp_path / "dossiers").rglob("*.docx") if "fiche" not in p.name]
    assert letters == ["2026-002_accuse.docx"]


def test_unknown_numero_is_a_usage_error(make_register, capsys):
    register = make_register([complaint()], MEDIATOR)
    assert run_letters(register, "--numero", "2099-999") == 2
    assert "2099-999 introuvable" in capsys.readouterr().err


def test_postal_letter_without_address_is_skipped(make_register, tmp_path, capsys):
    register = make_register([complaint(canal="Courrier", adresse=None)], MEDIATOR)
    assert run_letters(register, "--type", "accuse") == 1
    assert "adresse manquante pour un courrier" in capsys.readouterr().out
    assert letters_in(tmp_path / "dossiers") == {}


def test_email_complaint_without_address_still_gets_letters(make_register, tmp_path):
    register = make_register([complaint(canal="Courriel", adresse=None)], MEDIATOR)
    assert run_letters(register, "--type", "accuse") == 0
    assert "accuse" in letters_in(tmp_path / "dossiers")


def test_row_with_problems_is_skipped_with_reason(make_register, tmp_path, capsys):
    rows = [complaint("2026-001", RECEIVED, courriel="pas-une-adresse"),
            complaint("2026-002", RECEIVED)]
    register = make_register(rows, MEDIATOR)
    assert run_letters(register, "--type", "accuse") == 1
    out = capsys.readouterr().out
    assert "ligne à corriger" in out and "toolkit check" in out
    letters = [p.name for p in (tmp_path / "dossiers").rglob("*.docx") if "fiche" not in p.name]
    assert letters == ["2026-002_accuse.docx"]


def test_letters_after_the_reply_are_superseded(make_register, tmp_path, capsys):
    register = make_register([complaint(received=RECEIVED, resolution="r", decision="Favorable",
                                        date_reponse=date(2026, 11, 10))], MEDIATOR)
    assert run_letters(register) == 0
    assert "réponse déjà envoyée le 10/11/2026" in capsys.readouterr().out
    assert letters_in(tmp_path / "dossiers") == {}


def test_many_letters_are_rendered_in_parallel_and_correctly(make_register, tmp_path):
    rows = [complaint(f"2026-{n:03d}", RECEIVED, nom=f"Client {n} & Cie") for n in range(1, 31)]
    register = make_register(rows, MEDIATOR)
    assert run_letters(register, "--type", "accuse") == 0
    for n in range(1, 31):
        (path,) = (tmp_path / "dossiers").glob(f"2026-{n:03d}_*/2026-{n:03d}_accuse.docx")
        text = docx_text(path)
        assert f"n° 2026-{n:03d}" in text and f"Client {n} & Cie" in text


def test_dossiers_option(make_register, tmp_path):
    register = make_register([complaint()], MEDIATOR)
    assert run_letters(register, "--type", "accuse", "--dossiers", str(tmp_path / "ailleurs")) == 0
    assert "accuse" in letters_in(tmp_path / "ailleurs")
    assert not (tmp_path / "dossiers").exists()


def test_type_option_repeats(make_register, tmp_path):
    register = make_register([complaint(canal="Téléphone", infos_manquantes="RIB")], MEDIATOR)
    assert run_letters(register, "--type", "confirmation", "--type", "complements") == 0
    assert set(letters_in(tmp_path / "dossiers")) == {"confirmation", "complements"}


# --- mediator and letterhead (Code de la consommation L612-1, L616-1) -------------------

@pytest.mark.parametrize("site", [
    "https://www.economie.gouv.fr/mediation-conso",
    "http://economie.gouv.fr/mediation-conso/",
    "www.economie.gouv.fr/mediation-conso/liste-des-mediateurs",
    "  HTTPS://WWW.ECONOMIE.GOUV.FR/MEDIATION-CONSO  ",
])
def test_the_list_of_mediators_is_not_a_mediator_site(site):
    params = Parameters(adresse="1 rue A\n75001 Paris", signataire="C. Martin",
                        mediateur="CM2C", site_mediateur=site, adresse_mediateur="1 rue B")
    with pytest.raises(LetterRefused, match="liste officielle des médiateurs"):
        build_context("reponse", _row(resolution="Non", decision="Défavorable"), params, TODAY)


def test_no_default_mediator():
    assert Parameters().mediateur == "" and Parameters().site_mediateur == ""


@pytest.mark.parametrize(("today", "refused"), [
    (date(2026, 12, 1), False),  # the day before the reply deadline: the deadline holds
    # On the deadline day itself a letter never promises that very day: it announces a new
    # date, so it names the mediator.
    (date(2026, 12, 2), True),
    (date(2026, 12, 3), True),
])
def test_late_suivi_needs_the_mediator(today, refused):
    row = _row(date_accuse=date(2026, 11, 3))
    if refused:
        with pytest.raises(LetterRefused, match="Médiateur"):
            build_context("suivi", row, LETTERHEAD, today)
    else:
        assert build_context("suivi", row, LETTERHEAD, today)["mediation"] is False


def test_late_suivi_names_the_mediator(make_register, tmp_path):
    register = _full_register(make_register, resolution=None, decision=None,
                              date_accuse=date(2026, 11, 3))
    run_letters(register, "--type", "suivi", today="2026-12-10")
    text = docx_text(letters_in(tmp_path / "dossiers")["suivi"])
    assert ("vous pouvez recourir gratuitement au médiateur de la consommation dont nous "
            "relevons, en vue de la résolution amiable du litige (article L612-1 du Code de la "
            f"consommation) :\n{MEDIATOR['mediateur']}, 14 rue Saint-Jean, 75017 Paris ; site "
            f"internet : {MEDIATOR['site_mediateur']}.") in text


def test_list_page_refused_in_the_not_made_table(make_register, tmp_path, capsys):
    register = _full_register(make_register, params={
        **MEDIATOR, "site_mediateur": "https://www.economie.gouv.fr/mediation-conso"})
    assert run_letters(register, "--type", "reponse") == 1
    out = capsys.readouterr().out
    assert "courrier dû non produit" in out and "liste officielle des médiateurs" in out
    assert "reponse" not in letters_in(tmp_path / "dossiers")


@pytest.mark.parametrize(("empty", "named"), [
    ({"adresse": ""}, "« Adresse »"),
    ({"signataire": ""}, "« Signataire »"),
    ({"adresse": "", "signataire": ""}, "« Adresse » et « Signataire »"),
])
def test_no_letter_with_an_empty_letterhead(make_register, tmp_path, capsys, empty, named):
    register = _full_register(make_register, params={**MEDIATOR, **empty})
    assert run_letters(register) == 1
    out = capsys.readouterr().out
    assert f"en-tête ou signature vide : renseignez {named}" in out
    assert letters_in(tmp_path / "dossiers") == {}
