"""A complaint number is never given twice: the register, the dossiers folder and the letters
manifest all count (SPEC, "The desk's day")."""

from __future__ import annotations

import json
from datetime import date

import pytest
from helpers import mail_files as mh
from helpers.register_files import complaint

from toolkit.cli import main
from toolkit.register.reading import read_register


@pytest.fixture
def register(make_register):
    # 2026-015 was a duplicate row that staff deleted in Excel: only 2026-014 is left.
    return make_register([complaint(f"2026-{n:03d}", date(2026, 11, 2), nom=f"Client {n}")
                          for n in (13, 14)])


def _new(register, *extra: str) -> int:
    return main(["new", "--register", str(register), "--today", "2026-11-20", "--canal",
                 "Courrier", "--nom", "Lucas Petit", "--description", "Examen annulé.", *extra])


def test_a_deleted_last_row_keeps_its_number_when_its_dossier_remains(register, capsys):
    old = register.parent / "dossiers" / "2026-015_Olivier Garnier"
    old.mkdir(parents=True)
    (old / "2026-015_reclamation-ecrite.pdf").write_bytes(b"%PDF-1.4 scan")
    assert _new(register) == 0
    assert "Réclamation 2026-016 enregistrée" in capsys.readouterr().out
    assert list(old.iterdir()) == [old / "2026-015_reclamation-ecrite.pdf"]
    assert (register.parent / "dossiers" / "2026-016_Lucas Petit").is_dir()


def test_a_number_in_the_letters_manifest_is_not_given_again(register, capsys):
    root = register.parent / "dossiers"
    root.mkdir()
    # The dossier itself was removed, but letters were made for 2026-017 and 2026-018.
    (root / ".toolkit-manifest.json").write_text(json.dumps({
        "version": 1,
        "courriers": {"2026-017_Olivier Garnier/2026-017_accuse.docx":
                      {"date": "2026-11-03", "promesse": None}},
        "fiches": {"2026-018_Eva Roy/2026-018_fiche-synthese.docx": "abc"}}),
        encoding="utf-8")
    assert _new(register) == 0
    assert "Réclamation 2026-019 enregistrée" in capsys.readouterr().out


def test_intake_counts_the_dossiers_folder_too(register, tmp_path, capsys):
    (register.parent / "dossiers" / "2026-015_Olivier Garnier").mkdir(parents=True)
    mail = mh.write(tmp_path / "in", "plainte.eml", mh.plain_qp())
    assert main(["intake", "--register", str(register), "--today", "2026-11-20",
                 str(mail)]) == 0
    capsys.readouterr()
    numbers = list(read_register(register).frame["numero"])
    assert numbers == ["2026-013", "2026-014", "2026-016"]
