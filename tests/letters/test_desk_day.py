"""The desk's day on letters: French dates on every option, letter types typed as staff say
them, ``--numero`` repeated (each number done and reported) and ``sent`` in batch (one
register write, one backup)."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest
from helpers.letter_files import run_letters
from helpers.register_files import complaint

from toolkit.cli import main
from toolkit.errors import UsageError
from toolkit.register.reading import read_register


def _sent(register: Path, *options: str, today: str = "15/12/2026") -> int:
    return main(["sent", "--register", str(register), "--today", today, *options])


def _values(register: Path, key: str) -> dict[str, object]:
    frame = read_register(register).frame
    return dict(zip(frame["numero"], frame[key], strict=True))


def _backups(folder: Path) -> list[Path]:
    saved = folder / "sauvegardes"
    return sorted(saved.iterdir()) if saved.is_dir() else []


def _three(make_register) -> Path:
    return make_register([complaint("2026-001"), complaint("2026-002", nom="Paul Roy"),
                          complaint("2026-003", nom="Inès Bah")])


# --- dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("today", ["04/11/2026", "4/11/26", "2026-11-04"])
def test_today_takes_every_date_form(make_register, tmp_path, today):
    register = make_register([complaint()])
    assert run_letters(register, "--type", "accuse", today=today) == 0
    assert (tmp_path / "dossiers" / "2026-001_Léa Moreau" / "2026-001_accuse.docx").is_file()


def test_sent_date_in_french_with_a_two_digit_year(make_register, capsys):
    register = make_register([complaint()])
    run_letters(register, "--type", "accuse", today="04/11/2026")
    assert _sent(register, "--numero", "2026-001", "--type", "accuse",
                 "--date", "5/11/26") == 0
    assert _values(register, "date_accuse")["2026-001"] == date(2026, 11, 5)
    assert "Date d'accusé de réception = 05/11/2026" in capsys.readouterr().out


def test_a_wrong_date_names_the_accepted_forms(make_register, capsys):
    register = make_register([complaint()])
    assert _sent(register, "--numero", "2026-001", "--type", "accuse", "--date", "31/11/2026") == 2
    assert "JJ/MM/AAAA, J/M/AA ou AAAA-MM-JJ" in capsys.readouterr().err


def test_audit_period_in_french(make_register, tmp_path):
    register = make_register([complaint()])
    out = tmp_path / "audit.zip"
    assert main(["audit", "--register", str(register), "--du", "1/11/26", "--au", "30/11/2026",
                 "--out", str(out), "--today", "01/12/2026"]) in (0, 1)
    assert out.is_file()


@pytest.mark.parametrize("command", ["letters", "sent", "audit", "status"])
def test_help_shows_the_french_date_form(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "JJ/MM/AAAA" in out and "AAAA-MM-JJ" in out


# --- letter types --------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "type_id"), [
    ("accusé", "accuse"), ("Accusé", "accuse"), ("ACCUSE", "accuse"),
    ("accuse-reception", "accuse"), ("accusé de réception", "accuse"), ("AR", "accuse"),
    ("réponse", "reponse"), ("Reponse", "reponse"),
    ("confirmation", "confirmation"), ("demande de confirmation écrite", "confirmation"),
    ("compléments", "complements"), ("demande-de-complements", "complements"),
    ("suivi", "suivi"), ("information sur l'avancement", "suivi"), ("avancement", "suivi"),
    ("accus", "accuse"), ("rép", "reponse"),
])
def test_letter_type_as_staff_type_it(typed, type_id):
    from toolkit.cli.options import letter_type

    assert letter_type(typed) == type_id


@pytest.mark.parametrize("typed", ["demande", "lettre", "xyz", "", "ac"])
def test_an_unknown_or_ambiguous_letter_type_lists_the_types(typed):
    from toolkit.cli.options import letter_type

    with pytest.raises(UsageError, match=r"type de courrier inconnu .*accuse \(accusé de "):
        letter_type(typed)


def test_letters_and_sent_take_french_type_names(make_register, tmp_path):
    register = make_register([complaint()])
    assert run_letters(register, "--type", "Accusé", today="04/11/2026") == 0
    assert _sent(register, "--numero", "2026-001", "--type", "accusé-de-réception") == 0
    assert _values(register, "date_accuse")["2026-001"] == date(2026, 12, 15)


# --- repeated --numero ---------------------------------------------------------------------

def test_letters_makes_every_number_given(make_register, tmp_path, capsys):
    register = _three(make_register)
    assert run_letters(register, "--type", "accuse", "--numero", "2026-001",
                       "--numero", "2026-003", today="04/11/2026") == 0
    made = sorted(path.name for path in (tmp_path / "dossiers").rglob("*_accuse.docx"))
    assert made == ["2026-001_accuse.docx", "2026-003_accuse.docx"]
    assert "2 courriers produits" in capsys.readouterr().out


def test_letters_names_an_unknown_number_and_does_the_others(make_register, tmp_path, capsys):
    register = _three(make_register)
    assert run_letters(register, "--type", "accuse", "--numero", "2026-002",
                       "--numero", "2026-099", today="04/11/2026") == 1
    out = capsys.readouterr().out
    assert "Réclamation n° 2026-099 introuvable dans le registre" in out
    assert [p.name for p in (tmp_path / "dossiers").rglob("*_accuse.docx")] == \
        ["2026-002_accuse.docx"]


def test_letters_refuses_when_no_number_is_known(make_register, capsys):
    register = _three(make_register)
    assert run_letters(register, "--numero", "2026-098", "--numero", "2026-099",
                       today="04/11/2026") == 2
    assert "Réclamations n° 2026-098, 2026-099 introuvables" in capsys.readouterr().err


def test_sent_records_every_number_in_one_write(make_register, tmp_path, capsys):
    register = _three(make_register)
    run_letters(register, "--type", "accuse", today="04/11/2026")
    capsys.readouterr()
    assert _sent(register, "--numero", "2026-001", "--numero", "2026-002", "--type", "accuse",
                 "--date", "05/11/2026") == 0
    out = capsys.readouterr().out
    assert "2 envois du courrier « accusé de réception » inscrits au registre en une fois" in out
    assert "n° 2026-001 : Date d'accusé de réception = 05/11/2026 (ligne 2)" in out
    assert "n° 2026-002 : Date d'accusé de réception = 05/11/2026 (ligne 3)" in out
    assert _values(register, "date_accuse") == {
        "2026-001": date(2026, 11, 5), "2026-002": date(2026, 11, 5), "2026-003": None}
    assert len(_backups(tmp_path)) == 1  # one write, one backup


def test_sent_reports_each_refusal_and_records_the_others(make_register, tmp_path, capsys):
    register = _three(make_register)
    run_letters(register, "--type", "accuse", "--numero", "2026-001", "--numero", "2026-002",
                today="04/11/2026")
    capsys.readouterr()
    assert _sent(register, "--type", "accuse", "--numero", "2026-001", "--numero", "2026-003",
                 "--numero", "2026-099", "--date", "05/11/2026") == 1
    captured = capsys.readouterr()
    assert "Envoi du courrier « accusé de réception » de la réclamation n° 2026-001" in \
        captured.out
    assert "2 envois non inscrits" in captured.err
    assert "n° 2026-003 : Aucun courrier « accusé de réception »" in captured.err
    assert "n° 2026-099 : Réclamation n° 2026-099 introuvable" in captured.err
    assert _values(register, "date_accuse")["2026-001"] == date(2026, 11, 5)


def test_sent_refuses_when_none_can_be_recorded(make_register, capsys):
    register = _three(make_register)
    before = register.read_bytes()
    assert _sent(register, "--type", "accuse", "--numero", "2026-001",
                 "--numero", "2026-002") == 2
    err = capsys.readouterr().err
    assert "Aucun envoi inscrit" in err and "2026-001" in err and "2026-002" in err
    assert register.read_bytes() == before


def test_sent_tous_records_every_letter_made_and_not_recorded(make_register, tmp_path, capsys):
    register = _three(make_register)
    run_letters(register, "--type", "accuse", "--numero", "2026-001", "--numero", "2026-003",
                today="04/11/2026")
    run_letters(register, "--type", "accuse", "--numero", "2026-003", "--force", "--mark-sent",
                today="04/11/2026")
    backups = len(_backups(tmp_path))
    capsys.readouterr()
    assert _sent(register, "--type", "accuse", "--tous", "--date", "06/11/26") == 0
    assert "de la réclamation n° 2026-001 inscrit" in capsys.readouterr().out
    assert _values(register, "date_accuse") == {
        "2026-001": date(2026, 11, 6), "2026-002": None, "2026-003": date(2026, 11, 4)}
    assert len(_backups(tmp_path)) == backups + 1
    assert _sent(register, "--type", "accuse", "--tous") == 0
    assert "rien à inscrire" in capsys.readouterr().out


def test_sent_needs_a_number_or_tous(make_register, capsys):
    register = _three(make_register)
    assert _sent(register, "--type", "accuse") == 2
    assert "--numero --tous" in capsys.readouterr().err  # one or the other is asked for
    assert _sent(register, "--type", "accuse", "--tous", "--numero", "2026-001") == 2
    assert "--tous" in capsys.readouterr().err


# --- a dossier follows its client's corrected name; a PDF is remade with its letter ---------

def _rename_client(register: Path, numero: str, nom: str) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(register)
    sheet = workbook["Registre"]
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[headers.index("Numéro")].value == numero:
            row[headers.index("Nom du client")].value = nom
    workbook.save(register)


def test_letters_renames_the_dossier_after_a_name_correction(make_register, tmp_path, capsys):
    register = _three(make_register)
    run_letters(register, "--type", "accuse", today="04/11/2026")
    old = tmp_path / "dossiers" / "2026-002_Paul Roy"
    (old / "2026-002_reclamation.pdf").write_bytes(b"%PDF scan")
    _rename_client(register, "2026-002", "Paul Leroy")
    capsys.readouterr()
    assert run_letters(register, "--type", "accuse", "--numero", "2026-002", "--force",
                       today="05/11/2026") == 0
    new = tmp_path / "dossiers" / "2026-002_Paul Leroy"
    assert not old.exists()
    assert sorted(p.name for p in new.iterdir()) == [
        "2026-002_accuse.docx", "2026-002_fiche-synthese.docx", "2026-002_reclamation.pdf"]
    assert "2026-002_Paul Roy → 2026-002_Paul Leroy" in capsys.readouterr().out
    from helpers.letter_files import docx_text

    sheet = docx_text(new / "2026-002_fiche-synthese.docx")
    assert "Paul Leroy" in sheet and "2026-002_reclamation.pdf" in sheet


def test_sent_renames_the_dossier_and_keeps_the_letter_date(make_register, tmp_path):
    register = _three(make_register)
    run_letters(register, "--type", "accuse", today="04/11/2026")
    _rename_client(register, "2026-001", "Léa Moreau-Petit")
    assert _sent(register, "--numero", "2026-001", "--type", "accuse", "--date", "05/11/26") == 0
    new = tmp_path / "dossiers" / "2026-001_Léa Moreau-Petit"
    assert (new / "2026-001_accuse.docx").is_file()
    assert not (tmp_path / "dossiers" / "2026-001_Léa Moreau").exists()
    import json

    manifest = json.loads((tmp_path / "dossiers" / ".toolkit-manifest.json").read_text())
    assert manifest["courriers"]["2026-001_Léa Moreau-Petit/2026-001_accuse.docx"]["date"] == \
        "2026-11-04"


def test_a_dossier_is_never_merged_into_another_folder(make_register, tmp_path):
    register = _three(make_register)
    run_letters(register, "--type", "accuse", today="04/11/2026")
    taken = tmp_path / "dossiers" / "2026-002_Zoé Bah"  # sorts after: not the one found
    taken.mkdir()
    (taken / "note.txt").write_text("autre dossier", encoding="utf-8")
    _rename_client(register, "2026-002", "Zoé Bah")
    run_letters(register, "--numero", "2026-002", today="05/11/2026")
    assert (tmp_path / "dossiers" / "2026-002_Paul Roy" / "2026-002_accuse.docx").is_file()
    assert sorted(p.name for p in taken.iterdir()) == ["note.txt"]


def test_letters_force_drops_the_stale_pdf(make_register, tmp_path):
    register = make_register([complaint()])
    run_letters(register, "--type", "accuse", today="04/11/2026")
    letter = tmp_path / "dossiers" / "2026-001_Léa Moreau" / "2026-001_accuse.docx"
    letter.with_suffix(".pdf").write_bytes(b"%PDF-1.4 ancienne version")
    assert run_letters(register, "--type", "accuse", "--force", today="05/11/2026") == 0
    assert letter.is_file() and not letter.with_suffix(".pdf").exists()
    from helpers.letter_files import docx_text

    assert "2026-001_accuse.pdf" not in docx_text(letter.with_name("2026-001_fiche-synthese.docx"))


def test_letters_force_without_eml_drops_the_stale_draft(make_register, tmp_path):
    register = make_register([complaint()])
    run_letters(register, "--type", "accuse", "--eml", today="04/11/2026")
    draft = tmp_path / "dossiers" / "2026-001_Léa Moreau" / "2026-001_accuse.eml"
    assert draft.is_file()
    assert run_letters(register, "--type", "accuse", "--force", today="05/11/2026") == 0
    assert draft.with_suffix(".docx").is_file() and not draft.exists()
    assert run_letters(register, "--type", "accuse", "--force", "--eml",
                       today="06/11/2026") == 0
    assert draft.is_file()


@pytest.mark.libreoffice
def test_letters_force_pdf_remakes_the_pdf_from_the_new_letter(make_register, tmp_path,
                                                              needs_libreoffice):
    import subprocess

    register = make_register([complaint()])
    run_letters(register, "--type", "accuse", "--pdf", today="04/11/2026")
    pdf = tmp_path / "dossiers" / "2026-001_Léa Moreau" / "2026-001_accuse.pdf"
    _rename_client(register, "2026-001", "Léa Moreau")  # same name: no rename
    assert run_letters(register, "--type", "accuse", "--force", "--pdf",
                       today="09/11/2026") == 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "9 novembre 2026" in text and "4 novembre 2026" not in text


# --- one LibreOffice process for a run's PDFs ------------------------------------------------

def _counting_soffice(folder: Path, soffice: str) -> tuple[Path, Path]:
    """A ``soffice`` that writes one line per start into a log, then runs the real one."""
    log = folder / "soffice-starts.log"
    wrapper = folder / "soffice-counting"
    wrapper.write_text(f'#!/bin/sh\necho start >> "{log}"\nexec "{soffice}" "$@"\n',
                       encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper, log


@pytest.mark.libreoffice
def test_letters_pdf_starts_libreoffice_once_for_the_whole_run(make_register, tmp_path,
                                                              needs_libreoffice, monkeypatch,
                                                              capsys):
    register = _three(make_register)
    wrapper, log = _counting_soffice(tmp_path, needs_libreoffice)
    monkeypatch.setenv("TOOLKIT_SOFFICE", str(wrapper))
    assert run_letters(register, "--type", "accuse", "--pdf", today="04/11/2026") == 0
    pdfs = sorted((tmp_path / "dossiers").rglob("*.pdf"))
    assert [p.name for p in pdfs] == [f"2026-00{n}_accuse.pdf" for n in (1, 2, 3)]
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    assert log.read_text().count("start") == 1
    assert "PDF : 3 copies produites" in capsys.readouterr().out
    assert not list((tmp_path / "dossiers").glob(".toolkit-pdf-*"))  # scratch folder gone


@pytest.mark.libreoffice
def test_sent_pdf_converts_every_missing_pdf_at_once(make_register, tmp_path,
                                                    needs_libreoffice, monkeypatch, capsys):
    register = _three(make_register)
    run_letters(register, "--type", "accuse", today="04/11/2026")
    wrapper, log = _counting_soffice(tmp_path, needs_libreoffice)
    monkeypatch.setenv("TOOLKIT_SOFFICE", str(wrapper))
    capsys.readouterr()
    assert _sent(register, "--type", "accuse", "--tous", "--pdf", "--date", "05/11/2026") == 0
    assert len(list((tmp_path / "dossiers").rglob("*_accuse.pdf"))) == 3
    assert log.read_text().count("start") == 1
    assert capsys.readouterr().out.count("Copie PDF produite") == 3


def test_a_pdf_scratch_folder_left_by_a_run_stopped_short_is_removed(tmp_path):
    from toolkit.letters.pdf import LEFTOVER_AGE_S, remove_leftover_scratch

    dossiers = tmp_path / "dossiers"
    old, running = dossiers / ".toolkit-pdf-ab12", dossiers / ".toolkit-pdf-cd34"
    for scratch in (old, running):
        scratch.mkdir(parents=True)
        (scratch / "2026-001_accuse.pdf").write_bytes(b"%PDF-1.4 Marie Dupont")
    (dossiers / "2026-001_Marie Dupont").mkdir()
    now = time.time()
    os.utime(old, (now - LEFTOVER_AGE_S - 60,) * 2)
    assert remove_leftover_scratch(dossiers, now) == [old]
    assert not old.exists() and running.is_dir()  # a conversion may be running elsewhere
    assert (dossiers / "2026-001_Marie Dupont").is_dir()
