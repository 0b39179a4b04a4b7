"""``toolkit new``: with options, with prompts (a real process fed on stdin), numbering."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from helpers.register_files import ROOT, complaint
from openpyxl import load_workbook

from toolkit.cli import main
from toolkit.intake.fields import FieldError, looks_like_a_phone_number, parse_field
from toolkit.intake.recording import numbers_for
from toolkit.register.reading import read_register


def test_numbers_follow_the_year_of_reception():
    existing = ["2026-035", "2026-036", "REC-12", None]
    assert numbers_for(existing, [date(2027, 1, 4)]) == ["2027-001"]
    assert numbers_for(existing, [date(2026, 12, 30), date(2027, 1, 2), date(2027, 1, 2)]) == [
        "2026-037", "2027-001", "2027-002"]
    assert numbers_for([], [date(2026, 5, 4)]) == ["2026-001"]


@pytest.fixture
def register(make_register):
    return make_register([complaint("2026-036", date(2026, 12, 28))])


def _row(register: Path, numero: str) -> dict:
    frame = read_register(register).frame
    return frame[frame["numero"] == numero].iloc[0].to_dict()


def test_new_with_options_crosses_the_year(register, tmp_path, capsys):
    scan = tmp_path / "Courrier scanné.PDF"
    scan.write_bytes(b"%PDF-1.4 scan")
    code = main(["new", "--register", str(register), "--today", "2027-01-05",
                 "--canal", "courrier", "--date", "04/01/2027", "--nom", "=Dupont & Fils",
                 "--adresse", r"4 quai de Jemmapes\n75010 Paris", "--categorie", "examen",
                 "--description", "=HYPERLINK(\"http://x\")", "--fichier", str(scan)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Réclamation 2027-001 enregistrée" in out
    row = _row(register, "2027-001")
    assert (row["date_reclamation"], row["canal"], row["categorie"], row["adresse"]) == (
        date(2027, 1, 4), "Courrier", "Examen", "4 quai de Jemmapes\n75010 Paris")
    sheet = load_workbook(register)["Registre"]
    cells = {sheet.cell(1, c).value: sheet.cell(3, c) for c in range(1, sheet.max_column + 1)}
    assert cells["Description"].data_type == "s"  # text from outside never becomes a formula
    assert cells["Nom du client"].value == "=Dupont & Fils"
    dossier = register.parent / "dossiers" / "2027-001_=Dupont & Fils"
    assert (dossier / "2027-001_reclamation-ecrite.pdf").read_bytes() == b"%PDF-1.4 scan"


def test_new_with_bad_options_writes_nothing(register, capsys):
    before = register.read_bytes()
    code = main(["new", "--register", str(register), "--today", "2026-12-30",
                 "--canal", "fax", "--nom", "X", "--date", "31/12/2026",
                 "--courriel", "pas-une-adresse"])
    err = capsys.readouterr().err
    assert code == 2
    assert "« fax » n'est pas une valeur de la liste" in err
    assert "postérieur à aujourd'hui" in err
    assert "Description : valeur obligatoire manquante." in err
    assert "n'est pas une adresse électronique valide" in err
    assert register.read_bytes() == before
    assert not (register.parent / "dossiers").exists()


def test_telephone_complaint_gets_its_confirmation_letter(register, capsys):
    code = main(["new", "--register", str(register), "--today", "2026-12-30",
                 "--canal", "Téléphone", "--nom", "Karim Benali", "--description", "Appel.",
                 "--adresse", r"27 avenue Gambetta\n75020 Paris", "--courrier-confirmation"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "une confirmation écrite doit être demandée" in out
    letter = register.parent / "dossiers" / "2026-037_Karim Benali" / \
        "2026-037_confirmation.docx"
    assert letter.is_file()
    # Once sent, the letter is recorded by the command, not typed into the register.
    assert "Une fois le courrier envoyé : toolkit sent --numero 2026-037 --type confirmation" \
        in out
    assert "inscrivez la date" not in out


def test_telephone_complaint_without_address_nor_email_says_what_to_fill(register, capsys):
    code = main(["new", "--register", str(register), "--today", "2026-12-30",
                 "--canal", "Téléphone", "--nom", "Karim Benali", "--description", "Appel."])
    out = capsys.readouterr().out
    assert code == 0, out
    assert ("Pour produire le courrier de demande de confirmation, inscrivez d'abord l'adresse "
            "postale ou le courriel du client dans le registre (ligne 3)") in out
    assert "Pour le produire :" not in out


def _run_prompts(register: Path, answers: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "new", "--register", str(register),
         "--today", "2026-12-30"],
        input=answers, capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env,
        timeout=120, check=False)


def test_new_with_prompts(register):
    answers = "\n".join([
        "fax", "téléphone",              # a wrong channel is asked again
        "",                               # date: today
        "Monsieur", "Karim Benali",
        "27 avenue Gambetta", "75020 Paris", "",
        "karim@", "karim.benali@exemple.fr",
        "06 12 34 56 78", "planning / leçons",
        "Trois leçons annulées.", "Aucune proposition de report.", "",
        "",                               # record (Entrée = oui)
        "n",                              # no confirmation letter now
    ]) + "\n"
    result = _run_prompts(register, answers)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Recommencez.") == 2
    assert "Canal (1. Courrier  2. Courriel  3. Téléphone) : " in result.stdout
    assert "  Adresse : 27 avenue Gambetta\n      75020 Paris\n" in result.stdout
    assert "  Téléphone : 06 12 34 56 78\n" in result.stdout
    assert "Enregistrer ? [O/n] " in result.stdout
    assert "Réclamation 2026-037 enregistrée" in result.stdout
    assert "toolkit letters --type confirmation --numero 2026-037" in result.stdout
    row = _row(register, "2026-037")
    assert row["date_reclamation"] == date(2026, 12, 30)
    assert row["canal"] == "Téléphone"
    assert row["adresse"] == "27 avenue Gambetta\n75020 Paris"
    assert row["description"] == "Trois leçons annulées.\nAucune proposition de report."
    assert row["categorie"] == "Planning / leçons"
    assert row["telephone"] == "06 12 34 56 78"
    assert (register.parent / "dossiers" / "2026-037_Karim Benali").is_dir()


def test_prompts_ask_for_a_way_to_write_to_a_telephone_client(register):
    answers = "\n".join([
        "Téléphone", "", "", "Karim Benali",
        "",                               # no address
        "",                               # no e-mail
        "", "", "Appel au sujet du code.", "",
        "",                               # asked again: still no address
        "karim.benali@exemple.fr",        # an e-mail, then
        "o",                              # record
        "n",                              # no confirmation letter now
    ]) + "\n"
    result = _run_prompts(register, answers)
    assert result.returncode == 0, result.stderr
    assert "Indiquez au moins l'un des deux." in result.stdout
    assert _row(register, "2026-037")["courriel"] == "karim.benali@exemple.fr"
    assert "toolkit letters --type confirmation --numero 2026-037" in result.stdout


@pytest.mark.parametrize(("typed", "phone"), [
    ("06 12 34 56 78", True), ("+33 6 12 34 56 78 (portable)", True), ("01.23.45.67.89", True),
    ("01 23 45 67 89 poste 12", True), ("123456", True), ("12345", False),
    ("123456 abcdef", True), ("123456 abcdefg", False),
    ("Leçons annulées le 14/11/2026", False), ("voir courriel", False),
])
def test_a_phone_answer_is_a_number_from_six_digits_with_no_more_letters_than_digits(
        typed, phone):
    assert looks_like_a_phone_number(typed) is phone


def _answers_with_phone(*phone_answers: str) -> str:
    return "\n".join([
        "Téléphone", "", "", "Karim Benali", "27 avenue Gambetta", "75020 Paris", "", "",
        *phone_answers,
        "", "Appel au sujet du code.", "",
        "o",                              # record
        "n",                              # no confirmation letter now
    ]) + "\n"


def test_a_description_typed_at_the_phone_question_is_asked_again(register):
    result = _run_prompts(register, _answers_with_phone(
        "Leçons annulées le 14/11/2026",  # the description, one question early
        "",                               # not kept (Entrée = non): asked again
        "06 12 34 56 78"))
    assert result.returncode == 0, result.stderr
    assert ("  « Leçons annulées le 14/11/2026 » ne ressemble pas à un numéro de téléphone. "
            "Le garder ? [o/N] Téléphone (Entrée = aucun) : ") in result.stdout
    assert _row(register, "2026-037")["telephone"] == "06 12 34 56 78"


def test_a_long_odd_phone_answer_is_shown_back_cut_within_its_line(register):
    result = _run_prompts(register, _answers_with_phone(
        "Le moniteur est arrivé en retard à chaque leçon de novembre", "", "06 12 34 56 78"))
    assert result.returncode == 0, result.stderr
    assert ("  « Le moniteur est arrivé en retard à chaq… » ne ressemble pas à un numéro de "
            "téléphone.") in result.stdout
    assert _row(register, "2026-037")["telephone"] == "06 12 34 56 78"


def test_an_odd_phone_answer_is_kept_when_staff_say_so(register):
    result = _run_prompts(register, _answers_with_phone("standard, poste 12", "o"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ne ressemble pas à un numéro de téléphone") == 1
    assert _row(register, "2026-037")["telephone"] == "standard, poste 12"


def test_prompts_abandoned_write_nothing(register):
    before = register.read_bytes()
    result = _run_prompts(register, "Courrier\n\nMadame\n")
    assert result.returncode == 2
    assert "Saisie interrompue" in result.stderr
    # After Ctrl-D the question's line is ended: the message does not follow the prompt.
    assert result.stdout.endswith("Nom du client : \n")
    assert register.read_bytes() == before


def test_prompts_take_numbers_abbreviations_and_words(register):
    answers = "\n".join([
        "3", "06/11/2026", "mme", "Inès Haddad", "", "ines@exemple.fr", "", "planning",
        "Leçon annulée.", "",
        "n",                              # not recorded
    ]) + "\n"
    before = register.read_bytes()
    result = _run_prompts(register, answers)
    assert result.returncode == 0, result.stderr
    assert "Recommencez." not in result.stdout
    assert ("À enregistrer :\n  Canal : Téléphone\n  Date de réclamation : "
            "06/11/2026\n  Civilité : Madame\n  Nom du client : Inès Haddad\n"
            "  Courriel : ines@exemple.fr\n  Catégorie : Planning / leçons\n") in result.stdout
    assert "Réclamation non enregistrée : rien n'a été écrit." in result.stdout
    assert register.read_bytes() == before


@pytest.mark.parametrize(("key", "typed", "value"), [
    ("civilite", "Mme", "Madame"), ("civilite", "M.", "Monsieur"), ("civilite", "Mr", "Monsieur"),
    ("civilite", "MADAME", "Madame"), ("canal", "telephone", "Téléphone"),
    ("canal", "tél", "Téléphone"), ("canal", "e-mail", "Courriel"),
    ("categorie", "examen", "Examen"), ("categorie", "Pedagogie", "Pédagogie"),
    ("categorie", "financement", "Facturation / financement"),
])
def test_choices_as_people_type_them(key, typed, value):
    assert parse_field(key, typed, date(2026, 12, 30)) == value


@pytest.mark.parametrize(("key", "typed"), [("canal", "courri"), ("canal", "fax"),
                                            ("civilite", "Mx"), ("categorie", "a")])
def test_ambiguous_or_unknown_choices_are_refused(key, typed):
    with pytest.raises(FieldError, match="n'est pas une valeur de la liste"):
        parse_field(key, typed, date(2026, 12, 30))


def test_new_options_take_abbreviations(register, capsys):
    code = main(["new", "--register", str(register), "--today", "2026-12-30",
                 "--canal", "telephone", "--civilite", "Mme", "--categorie", "examen",
                 "--nom", "Inès Haddad", "--courriel", "ines@exemple.fr",
                 "--description", "Appel."])
    assert code == 0, capsys.readouterr().err
    row = _row(register, "2026-037")
    assert (row["canal"], row["civilite"], row["categorie"]) == ("Téléphone", "Madame", "Examen")


def test_a_description_too_long_for_a_cell_is_kept_whole_in_the_dossier(register, capsys):
    text = "".join(f"Ligne {n} : la leçon du {n % 28 + 1}/11 a été annulée.\n"
                   for n in range(1, 1001))
    text += "x" * 1000  # 45,000-odd characters: well beyond Excel's 32,767
    assert len(text) > 40_000
    code = main(["new", "--register", str(register), "--today", "2027-01-05", "--canal",
                 "Courrier", "--date", "04/01/2027", "--nom", "Léa Moreau",
                 "--description", text])
    out = capsys.readouterr().out
    assert code == 0, out
    copy = register.parent / "dossiers" / "2027-001_Léa Moreau" / "2027-001_description.txt"
    assert copy.read_text(encoding="utf-8") == text
    assert "texte complet dans" in out and "2027-001_description.txt" in out
    cell = _row(register, "2027-001")["description"]
    assert len(cell) == 32_767  # Excel's limit, counted by hand from its documentation
    assert cell.startswith("Ligne 1 :") and cell.endswith("fichier 2027-001_description.txt)")
