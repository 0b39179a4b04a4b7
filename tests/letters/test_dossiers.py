"""Dossiers: safe folder names that stay inside the dossiers folder, and the summary sheet."""

from __future__ import annotations

from datetime import date

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
    (dossier,) = (tmp_path / "dossiers").iterdir()
    fiche = dossier / "2026-001_fiche-synthese.docx"
    text = docx_text(fiche)
    assert "Fiche de synthèse — réclamation n° 2026-001" in text
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
    names = sorted(p.name for p in (tmp_path / "dossiers").iterdir())
    assert names == ["2026-001_Léa Moreau", "2026-002_Paul Roy"]
