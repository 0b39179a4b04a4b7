"""Dossiers: safe folder names that stay inside the dossiers folder, and the summary sheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers.letter_files import docx_text, run_letters
from helpers.register_files import complaint

from toolkit.errors import UsageError
from toolkit.letters.dossiers import dossier_dir, letter_path, safe_name


@pytest.mark.parametrize(("raw", "safe"), [
    ("Dupont & Fils <SARL>", "Dupont & Fils SARL"),
    ("../../etc/passwd", "etc passwd"),
    ("..", ""),
    ("a/b\\c:d*e?f\"g|h", "a b c d e f g h"),
    ("CON", "_CON"),
    ("lpt1.txt", "_lpt1.txt"),
    ("  Léa   Moreau.  ", "Léa Moreau"),
    ("x" * 200, "x" * 60),
    # cut at 60 characters right after a dot or a space: Windows drops a trailing dot, and
    # the folder would not be found again under the name the toolkit gave it
    ("x" * 59 + ".Compagnie", "x" * 59), ("x" * 58 + ". Compagnie", "x" * 58),
    ("Zoé\x00\x07\nMartin", "Zoé Martin"),
])
def test_safe_name(raw, safe):
    assert safe_name(raw) == safe


@pytest.mark.parametrize(("numero", "nom", "folder"), [
    ("../2026-001", "../../x", "2026-001_x"),
    ("2026/002", "a\\..\\b", "2026 002_a . b"),
    ("..\\..\\2026-003", None, "2026-003"),
])
def test_dossier_names_from_hostile_cells_stay_inside_root(tmp_path, numero, nom, folder):
    root = tmp_path / "dossiers"
    assert dossier_dir(root, numero, nom) == root / folder


def test_dossier_without_usable_number_is_refused(tmp_path):
    with pytest.raises(UsageError):
        dossier_dir(tmp_path / "dossiers", "..", "..")


def test_dossier_linked_outside_the_root_is_refused(make_register, tmp_path, capsys):
    # A dossier folder that is a link to elsewhere (a shortcut made on the shared drive):
    # the letters must not land outside the dossiers folder.
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    root = tmp_path / "dossiers"
    root.mkdir()
    (root / "2026-001_Léa Moreau").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UsageError, match="hors de"):
        dossier_dir(root, "2026-001", "Léa Moreau")
    register = make_register([complaint()])
    assert run_letters(register, today="2026-11-10") == 2
    assert "Chemin de dossier refusé" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == []


def test_dossier_naming_and_reuse(tmp_path):
    root = tmp_path / "dossiers"
    assert dossier_dir(root, "2026-001", "Léa Moreau").name == "2026-001_Léa Moreau"
    assert dossier_dir(root, "2026-001", None).name == "2026-001"
    existing = root / "2026-001_Ancien nom"
    existing.mkdir(parents=True)
    (root / "2026-0010_Autre").mkdir()
    assert dossier_dir(root, "2026-001", "Nouveau nom") == existing
    assert dossier_dir(root, "2026-0010", "x") == root / "2026-0010_Autre"
    assert letter_path(existing, "2026-001", "accuse").name == "2026-001_accuse.docx"


def test_complaint_without_number_has_no_dossier(tmp_path):
    with pytest.raises(UsageError):
        dossier_dir(tmp_path, "  ", "x")


def test_summary_sheet_is_refreshed_with_letters_and_documents(make_register, tmp_path):
    register = make_register([complaint(nom="Dupont & Fils <SARL>",
                                        date_accuse=date(2026, 11, 3))])
    run_letters(register, today="2026-11-28")
    (dossier,) = [path for path in (tmp_path / "dossiers").iterdir() if path.is_dir()]
    fiche = dossier / "2026-001_fiche-synthese.docx"
    text = docx_text(fiche)
    assert "Fiche de synthèse — réclamation n° 2026-001" in text
    # staff are told not to edit it, and why
    assert ("Mise à jour le 28/11/2026 à partir du registre des réclamations (ne pas "
            "modifier : refaite par « toolkit letters » et « toolkit sent » quand son contenu "
            "change).") in text
    assert "Dupont & Fils <SARL>" in text and "03/11/2026" in text
    assert "14/11/2026\nenvoyé à temps" in text  # acknowledgement deadline
    assert "02/12/2026\nà faire" in text  # reply deadline
    assert "2026-001_suivi.docx" in text
    assert "aucune : à déposer dans ce dossier" in text
    (dossier / "reclamation-ecrite.pdf").write_bytes(b"%PDF-1.4")
    run_letters(register, today="2026-11-28")
    assert "reclamation-ecrite.pdf" in docx_text(fiche)


def test_every_complaint_gets_a_dossier(make_register, tmp_path):
    rows = [complaint("2026-001", date_accuse=date(2026, 11, 3)),
            complaint("2026-002", nom="Paul Roy", date_accuse=date(2026, 11, 3))]
    register = make_register(rows)
    assert run_letters(register, today="2026-11-10") == 0
    names = sorted(p.name for p in (tmp_path / "dossiers").iterdir() if p.is_dir())
    assert names == ["2026-001_Léa Moreau", "2026-002_Paul Roy"]


def test_summary_sheet_shows_the_client_satisfaction(make_register, tmp_path):
    closed = complaint("2026-001", date_accuse=date(2026, 11, 3), actions="Appel du moniteur.",
                       resolution="Deux leçons offertes.", decision="Favorable",
                       date_reponse=date(2026, 11, 20), satisfaction="Partiellement satisfait")
    register = make_register([closed, complaint("2026-002", nom="Paul Roy",
                                                date_accuse=date(2026, 11, 3))])
    assert run_letters(register, today="2026-11-28") == 0
    sheets = {path.parent.name: docx_text(path)
              for path in (tmp_path / "dossiers").glob("*/*_fiche-synthese.docx")}
    assert "Satisfaction du client\nPartiellement satisfait" in sheets["2026-001_Léa Moreau"]
    assert "Satisfaction du client\n—" in sheets["2026-002_Paul Roy"]  # not replied yet


def _fiche(tmp_path) -> Path:
    (fiche,) = (tmp_path / "dossiers").rglob("*_fiche-synthese.docx")
    return fiche


def test_summary_sheet_shows_the_run_after_mark_sent(make_register, tmp_path):
    register = make_register([complaint()])
    run_letters(register, "--type", "accuse", "--mark-sent", today="2026-11-05")
    text = docx_text(_fiche(tmp_path))
    assert "Date d'accusé de réception\n05/11/2026" in text
    assert "14/11/2026\nenvoyé à temps" in text  # not "à faire": written after the register
    # the date the letter carries, not the day the file was written
    assert "accusé de réception\n05/11/2026\n2026-001_accuse.docx" in text


def test_summary_sheet_lists_the_draft_beside_its_letter(make_register, tmp_path):
    register = make_register([complaint()])
    run_letters(register, "--type", "accuse", "--eml", today="2026-11-05")
    assert "2026-001_accuse.docx, 2026-001_accuse.eml" in docx_text(_fiche(tmp_path))


def test_summary_sheet_rewritten_only_when_it_changes(make_register, tmp_path, capsys):
    register = make_register([complaint(date_accuse=date(2026, 11, 3))])
    run_letters(register, today="2026-11-10")
    fiche = _fiche(tmp_path)
    written = fiche.stat().st_mtime_ns
    capsys.readouterr()
    run_letters(register, today="2026-11-11")  # nothing it shows has changed
    assert "0 fiche de synthèse mise à jour" in capsys.readouterr().out
    assert fiche.stat().st_mtime_ns == written
    (fiche.parent / "contrat.pdf").write_bytes(b"%PDF-1.4")
    run_letters(register, today="2026-11-11")
    assert "1 fiche de synthèse mise à jour" in capsys.readouterr().out
    assert "contrat.pdf" in docx_text(fiche)
    fiche.unlink()  # deleted by hand: made again even though the digest is known
    run_letters(register, today="2026-11-11")
    assert fiche.exists()


@pytest.mark.parametrize(("numero", "other"), [
    ("2026-01", "2026-015_Olivier Garnier"),
    ("A", "A_1"),
    ("2026", "2026-015_Olivier Garnier"),
])
def test_a_dossier_is_found_by_its_exact_number_only(tmp_path, numero, other):
    root = tmp_path / "dossiers"
    (root / other).mkdir(parents=True)
    assert dossier_dir(root, numero, "Lucas Petit") == root / f"{numero}_Lucas Petit"


def test_an_existing_dossier_keeps_its_folder_whatever_the_name(tmp_path):
    root = tmp_path / "dossiers"
    for name in ("2026-015_Olivier Garnier", "2026-0150_Autre", "A"):
        (root / name).mkdir(parents=True)
    assert dossier_dir(root, "2026-015", "Lucas Petit") == root / "2026-015_Olivier Garnier"
    assert dossier_dir(root, "A", "Lucas Petit") == root / "A"
