"""Cases of the letter rules and of the dossier names that the other letter tests leave open.

What it proves: every field a Word template may use comes out of ``toolkit letters`` with
the value worked out by hand (dates of both zones, the late progress promise, empty fields
left empty); the refusals and skips carry their exact French reason; a blank cell counts as
empty; the dossier of a complaint keeps its exact name (long names cut at 60 characters,
numbers with ``_``, an existing folder reused) and never leaves the dossiers folder.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers.letter_files import (
    copy_templates,
    docx_text,
    edit_template_xml,
    letters_in,
    run_letters,
)
from helpers.register_files import complaint

from toolkit.cli import main
from toolkit.errors import LetterRefused, UsageError
from toolkit.letters.dossiers import dossier_dir, dossier_index, safe_name
from toolkit.rules.letters import build_context, is_due, one_line, place_and_date
from toolkit.rules.records import Parameters

MEDIATOR = {"mediateur": "CM2C", "site_mediateur": "https://www.cm2c.net",
            "adresse_mediateur": "14 rue Saint-Jean\n75017 Paris"}
LETTERHEAD = {"adresse": "12 rue des Lilas\n75011 PARIS", "signataire": "Claire Martin"}
# Every context field the default acknowledgement does not print, added after its reply date.
ALL_FIELDS = (
    "{{ echeance_reponse }} [lettre {{ date_lettre }}] [lieu {{ lieu_date }}] "
    "[accusé {{ echeance_accuse }}] [retard {{ reponse_en_retard }}] "
    "[prévue {{ date_reponse_prevue }}] [civilité {{ client_civilite }}] "
    "[nom {{ client_nom }}] [courriel {{ client_courriel }}] [décision {{ decision }}] "
    "[texte {{ decision_texte }}] [médiation {{ mediation }}] "
    "[pro {{ professionnel }} {{ recours_professionnel }}] "
    "[résolution {{ resolution }}] [infos {{ informations_manquantes|join(' / ') }}] "
    "[médiateur {{ mediateur_nom }} | {{ mediateur_adresse }} | {{ mediateur_site }}] "
    "[société {{ societe_nom }} {{ societe_courriel }} {{ societe_telephone }}] "
    "[mentions {{ mentions_legales }}] [données {{ donnees_contact }} "
    "{{ duree_conservation }}] [numéro {{ numero }}]"
)


def _acknowledgement_fields(make_register, tmp_path: Path, row: dict, today: str,
                            params: dict) -> str:
    """The text of the acknowledgement made with a template that prints every field."""
    templates = copy_templates(tmp_path / "modeles")
    edit_template_xml(templates / "accuse.docx", "{{ numero }}", ALL_FIELDS)
    register = make_register([row], params={**MEDIATOR, **params})
    assert run_letters(register, "--type", "accuse", "--templates", str(templates),
                       today=today) == 0
    return docx_text(letters_in(tmp_path / "dossiers")["accuse"])


@pytest.mark.parametrize(("zone", "ack_due"), [
    # Received Monday 21 December 2026; counting Monday to Saturday from the 22nd:
    # 22, 23, 24, (25 Noël), 26, (27 Sunday), 28, 29, 30, 31, (1 January), 2, (3 Sunday),
    # 4 -> Monday 4 January 2027. Alsace-Moselle also skips Saturday 26 December: the tenth
    # day is Tuesday 5 January 2027.
    ("Métropole", "4 janvier 2027"),
    ("Alsace-Moselle", "5 janvier 2027"),
])
def test_every_field_of_a_letter_sent_in_time(make_register, tmp_path, zone, ack_due):
    row = complaint(received=date(2026, 12, 21), civilite="Monsieur", nom="Paul Roy",
                    courriel="paul.roy@exemple.fr")
    text = _acknowledgement_fields(make_register, tmp_path, row, "2026-12-22", {"zone": zone})
    # One month after 21 December 2026 is 21 January 2027, also the reply promised.
    assert ("21 janvier 2027 [lettre 22 décembre 2026] [lieu Paris, le 22 décembre 2026] "
            f"[accusé {ack_due}] [retard False] [prévue 21 janvier 2027] "
            "[civilité Monsieur] [nom Paul Roy] [courriel paul.roy@exemple.fr] [décision ] "
            "[texte ] [médiation False] [pro False False] [résolution ] [infos ] "
            "[médiateur CM2C | 14 rue Saint-Jean, 75017 Paris | https://www.cm2c.net] "
            "[société ONLY PERMIS contact@onlypermis.fr 09.87.77.84.79] [mentions ] "
            "[données contact@onlypermis.fr 5] [numéro 2026-001]") in text
    assert "Monsieur Paul Roy" in text and "Monsieur," in text


@pytest.mark.parametrize(("zone", "promised"), [
    # Reply due Wednesday 2 December 2026; the letter is dated Thursday 10 December, so it
    # promises 15 days later: Friday 25 December (Noël), moved to Saturday 26 December, a
    # jour ouvrable in Métropole. In Alsace-Moselle the 26th is a holiday and the 27th a
    # Sunday: Monday 28 December 2026.
    ("Métropole", "26 décembre 2026"),
    ("Alsace-Moselle", "28 décembre 2026"),
])
def test_every_field_of_a_letter_sent_after_the_reply_deadline(make_register, tmp_path, zone,
                                                               promised):
    row = complaint(received=date(2026, 11, 2), civilite=None, nom="Léa Moreau",
                    infos_manquantes="Copie du contrat ; Facture", actions="Appel.",
                    resolution="Leçon offerte.", decision="Favorable")
    text = _acknowledgement_fields(make_register, tmp_path, row, "2026-12-10", {"zone": zone})
    # Received Monday 2 November 2026: the tenth jour ouvrable is Saturday 14 November
    # (Wednesday 11 November skipped), in both zones.
    assert ("2 décembre 2026 [lettre 10 décembre 2026] [lieu Paris, le 10 décembre 2026] "
            f"[accusé 14 novembre 2026] [retard True] [prévue {promised}] [civilité ] "
            "[nom Léa Moreau] [courriel lea.moreau@exemple.fr] [décision Favorable] "
            "[texte Au terme de cet examen, nous faisons droit à votre réclamation.] "
            "[médiation True] [pro False False] [résolution Leçon offerte.] "
            "[infos Copie du contrat / Facture]") in text
    # The internal note never reaches the letter.
    assert "Appel." not in text
    assert "\nLéa Moreau\n" in f"\n{text}\n" and "Madame, Monsieur," in text


def test_progress_letter_replaced_by_a_ready_reply(make_register, tmp_path, capsys):
    register = make_register([complaint(received=date(2026, 11, 2),
                                        date_accuse=date(2026, 11, 3), resolution="Oui.",
                                        decision="Favorable")])
    # 28 November is 4 days before the reply deadline (2 December): the progress letter is
    # due, but the reply is ready.
    assert run_letters(register, "--type", "suivi", today="2026-11-28") == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.endswith("information sur l'avancement  sans objet : la réponse est prête, "
                             "l'envoyer plutôt qu'un courrier d'attente") for line in lines)
    assert letters_in(tmp_path / "dossiers") == {}


def test_status_after_a_reply_date_typed_as_text(make_register, capsys):
    # The reply is recorded, though not as a date: the acknowledgement (not sent) is no
    # longer the next step. Received Monday 2 November 2026: reply due 2 December 2026.
    register = make_register([complaint(received=date(2026, 11, 2), resolution="Oui.",
                                        decision="Favorable",
                                        date_reponse="la semaine dernière")])
    assert main(["status", "--register", str(register), "--today", "2026-11-20"]) == 0
    assert "Instruire et répondre (au plus tard le 02/12/2026)" in capsys.readouterr().out


# --- refusals, word for word --------------------------------------------------------------

def _refusal(type_id: str, row_values: dict, today: date = date(2026, 11, 20),
             **params) -> str:
    row = {"ligne": 2, **complaint(received=date(2026, 11, 2), **row_values)}
    with pytest.raises(LetterRefused) as refused:
        build_context(type_id, row, Parameters(**params), today)
    return str(refused.value)


def test_refusal_names_the_complaint_the_letter_and_the_empty_letterhead():
    assert _refusal("accuse", {}, adresse="", signataire="") == (
        "Réclamation 2026-001, accusé de réception : en-tête ou signature vide : renseignez "
        "« Adresse » et « Signataire » dans la feuille Paramètres.")


@pytest.mark.parametrize(("given", "named"), [
    ({}, "« Médiateur » et « Site du médiateur » et « Adresse du médiateur »"),
    ({"mediateur": "CM2C", "adresse_mediateur": "14 rue Saint-Jean\n75017 Paris"},
     "« Site du médiateur »"),
    ({"site_mediateur": "https://www.cm2c.net"}, "« Médiateur » et « Adresse du médiateur »"),
])
def test_refused_reply_names_the_missing_mediator_fields(given, named):
    message = _refusal("reponse", {"resolution": "Non.", "decision": "Défavorable"},
                       **LETTERHEAD, **given)
    assert message == (
        "Réclamation 2026-001, réponse : médiateur de la consommation à indiquer (Code de la "
        f"consommation L612-1, L616-1) : renseignez {named} dans la feuille Paramètres.")


def test_progress_letter_after_the_reply_deadline_needs_the_mediator():
    # Received 2 November 2026, reply due 2 December: a letter of 3 December is late.
    message = _refusal("suivi", {"date_accuse": date(2026, 11, 3)}, date(2026, 12, 3),
                       **LETTERHEAD)
    assert message.startswith("Réclamation 2026-001, information sur l'avancement : "
                              "médiateur de la consommation à indiquer")


def test_refused_reply_explains_the_list_of_mediators():
    message = _refusal("reponse", {"resolution": "Non.", "decision": "Partiellement favorable"},
                       **LETTERHEAD, mediateur="CM2C", adresse_mediateur="14 rue Saint-Jean",
                       site_mediateur="https://www.economie.gouv.fr/mediation-conso")
    assert message == (
        "Réclamation 2026-001, réponse : « Site du médiateur » indique la liste officielle des "
        "médiateurs (https://www.economie.gouv.fr/mediation-conso), pas le site de votre "
        "médiateur : cherchez-y le médiateur auquel la société a adhéré et recopiez "
        "l'adresse de son propre site dans la feuille Paramètres.")


# --- a blank cell is an empty cell ------------------------------------------------------------

@pytest.mark.parametrize(("type_id", "values", "due"), [
    ("accuse", {"date_accuse": "   "}, True),
    ("accuse", {"date_accuse": "03/11/2026"}, False),
    ("complements", {"infos_manquantes": " \n "}, False),
    ("reponse", {"resolution": "  ", "decision": "Favorable"}, False),
    ("confirmation", {"canal": "Téléphone", "date_demande_confirmation": "\t"}, True),
], ids=["blank-ack", "text-ack", "blank-missing", "blank-resolution", "blank-request"])
def test_blank_cells_count_as_empty(type_id, values, due):
    row = {"ligne": 2, **complaint(received=date(2026, 11, 2), **values)}
    assert is_due(type_id, row, date(2026, 11, 20)) is due


@pytest.mark.parametrize(("address", "shown"), [
    ("3 place de la Gare\n59650 Villeneuve-d'Ascq", "Villeneuve-d'Ascq, le 2 novembre 2026"),
    ("BP 12\n13001 MARSEILLE CEDEX 01", "Marseille, le 2 novembre 2026"),
    ("Sans code postal", "Le 2 novembre 2026"),
])
def test_place_of_the_letter_keeps_the_town_as_typed(address, shown):
    assert place_and_date(address, date(2026, 11, 2)) == shown



@pytest.mark.parametrize(("typed", "printed"), [
    # commas typed at a line's end are not doubled; a letter X at either end stays
    ("Bâtiment X,\n14 rue Saint-Jean ,\n75017 Paris", "Bâtiment X, 14 rue Saint-Jean, 75017 Paris"),
    ("  CM2C\n\n  X rue du Port\n", "CM2C, X rue du Port"),
])
def test_the_mediators_address_is_printed_on_one_line(typed, printed):
    assert one_line(typed) == printed


# --- dossier names ----------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "safe"), [
    (". " + "x" * 70, "x" * 60),  # the leading dot goes before the name is cut
    ("x" * 59 + ".y", "x" * 59),  # a dot left at the cut goes too
    ("Xavier MAX", "Xavier MAX"),
])
def test_safe_name_cuts_after_trimming(raw, safe):
    assert safe_name(raw) == safe


def test_number_with_underscore_reuses_only_its_own_folder(tmp_path):
    root = tmp_path / "dossiers"
    root.mkdir()
    assert dossier_dir(root, "A_1", "Paul Roy") == root / "A_1_Paul Roy"  # nothing yet
    (root / "A_1").mkdir()
    assert dossier_dir(root, "A_1", "Paul Roy") == root / "A_1"
    (root / "A_1").rmdir()
    # "A_1_Ancien nom" may as well be the dossier of a number "A": a malformed number finds
    # only a folder named exactly like it (never another client's papers).
    (root / "A_1_Ancien nom").mkdir()
    assert dossier_dir(root, "A_1", "Paul Roy") == root / "A_1_Paul Roy"


def test_batch_index_is_what_is_looked_up(tmp_path):
    root = tmp_path / "dossiers"
    root.mkdir()
    index = dossier_index(root)
    (root / "2026-001_Créé ensuite").mkdir()  # after the batch listed the folder
    assert dossier_dir(root, "2026-001", "Léa Moreau", index) == root / "2026-001_Léa Moreau"


def test_complaint_without_number_message():
    with pytest.raises(UsageError) as refused:
        dossier_dir(Path("dossiers"), " ", "Léa Moreau")
    assert str(refused.value) == "Réclamation sans numéro : pas de dossier possible."


def test_linked_dossier_message(tmp_path):
    root = tmp_path / "dossiers"
    root.mkdir()
    link = root / "2026-001_Léa Moreau"
    link.symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(UsageError) as refused:
        dossier_dir(root, "2026-001", "Léa Moreau")
    assert str(refused.value) == (f"Chemin de dossier refusé (hors de {root}) : {link} est un "
                                  "lien vers un autre dossier.")


def test_folder_with_a_backslash_is_refused(make_register, tmp_path, capsys):
    # Made on Linux, "2026-001_a\\..\\b" would be a path on the office's Windows drives.
    folder = tmp_path / "dossiers" / "2026-001_a\\..\\b"
    folder.mkdir(parents=True)
    with pytest.raises(UsageError) as refused:
        dossier_dir(tmp_path / "dossiers", "2026-001", "Léa Moreau")
    assert str(refused.value) == (
        f"Chemin de dossier refusé (hors de {tmp_path / 'dossiers'}) : {folder}")
    register = make_register([complaint()])
    assert run_letters(register, today="2026-11-05") == 2
    assert "Chemin de dossier refusé" in capsys.readouterr().err
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("outside", ["other", "parent", "itself"])
def test_an_index_entry_outside_the_root_is_refused(tmp_path, outside):
    root = tmp_path / "dossiers"
    if outside == "other":  # an index listed from another folder
        other = tmp_path / "autres"
        (other / "2026-001_Léa Moreau").mkdir(parents=True)
        index = dossier_index(other)
    elif outside == "parent":
        index = {"2026-001": root / ".."}
    else:  # the dossiers folder "." itself
        root, index = Path("."), {"2026-001": Path(".")}
    with pytest.raises(UsageError, match="Chemin de dossier refusé"):
        dossier_dir(root, "2026-001", "Léa Moreau", index)


@pytest.mark.parametrize(("type_id", "row", "due", "reason"), [
    ("suivi", {"date_reponse": date(2026, 11, 20)}, ["suivi"],
     "sans objet : réponse déjà envoyée le 20/11/2026"),
    ("suivi", {}, ["reponse", "suivi"],
     "sans objet : la réponse est prête, l'envoyer plutôt qu'un courrier d'attente"),
    ("suivi", {}, ["accuse", "suivi"],
     "sans objet : l'accusé de réception, dû aussi, donne la date de réponse (une nouvelle "
     "date s'il part après l'échéance)"),
    ("reponse", {"date_reponse": date(2026, 11, 20)}, ["reponse"], None),
])
def test_the_reason_a_due_letter_is_left_out_is_shown_as_written(type_id, row, due, reason):
    # Staff read it in the « courriers dus non produits » table: every word of it counts.
    from toolkit.rules.letters import superseded

    assert superseded(type_id, row, due) == reason


def test_a_progress_date_typed_in_words_is_no_letter_sent():
    # « envoyé » in « Date d'information » is no date (check reports the cell): once the
    # promised date has passed, the progress letter is still due, and nothing breaks.
    row = {"ligne": 2, **complaint(received=date(2026, 10, 1), date_information="envoyé")}
    assert is_due("suivi", row, date(2026, 11, 20)) is True


def test_a_progress_letter_sent_on_the_promised_day_does_not_stop_the_late_one():
    # docs/product-rules.md, "Letters": due again once the latest promise has passed with no
    # progress letter sent *after* it. Received 1 October: the reply is promised for
    # 1 November; a letter of that very day is not after it.
    received = date(2026, 10, 1)
    on_the_day = {"ligne": 2, **complaint(received=received, date_accuse=date(2026, 10, 5),
                                          date_information=date(2026, 11, 1))}
    the_day_after = {**on_the_day, "date_information": date(2026, 11, 2)}
    assert is_due("suivi", on_the_day, date(2026, 11, 2)) is True
    assert is_due("suivi", the_day_after, date(2026, 11, 3)) is False


def test_words_in_the_progress_date_before_the_deadline_hold_the_early_letter():
    # Within the notice days before the deadline (5 by default) the early progress letter
    # is due once, unless « Date d'information » holds something: staff typed words there
    # (« envoyé »), which check reports; the letter is not made again behind their back.
    row = {"ligne": 2, **complaint(received=date(2026, 10, 1), date_accuse=date(2026, 10, 5))}
    assert is_due("suivi", row, date(2026, 10, 29)) is True
    assert is_due("suivi", {**row, "date_information": "envoyé"}, date(2026, 10, 29)) is False
