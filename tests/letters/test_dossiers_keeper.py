"""Two registers in one folder never share dossiers: each complaint number starts again in
each register, so the other register's dossier of the same number is another client's.
The dossiers' manifest names the register they are kept for (docs/product-rules.md,
"Letters"); a command on another register beside it is refused before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.register_files import complaint

from toolkit.cli import main
from toolkit.errors import DossiersInUseError
from toolkit.intake.recording import record_complaint
from toolkit.letters.manifest import MANIFEST_NAME

TODAY = "2026-11-04"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _keeper(dossiers: Path) -> str | None:
    return json.loads((dossiers / MANIFEST_NAME).read_text(encoding="utf-8")).get("registre")


@pytest.fixture
def agencies(make_register):
    """Agency A's register, its letters made; agency B's register beside it, whose first
    complaint has the same number, for another client."""
    agency_a = make_register([complaint(nom="Hugo Petit", courriel="hugo.petit@exemple.fr")],
                             name="registre_agence_a.xlsx")
    agency_b = make_register([complaint(nom="Léa Moreau")], name="registre_agence_b.xlsx")
    assert main(["letters", "--register", str(agency_a), "--today", TODAY]) == 0
    return agency_a, agency_b


def test_the_first_letters_record_their_register_as_the_dossiers_keeper(agencies):
    agency_a, _ = agencies
    dossiers = agency_a.parent / "dossiers"
    assert [p.name for p in dossiers.iterdir() if p.is_dir()] == ["2026-001_Hugo Petit"]
    assert _keeper(dossiers) == "registre_agence_a.xlsx"


@pytest.mark.parametrize("command", [
    ["letters"], ["status", "--json"], ["sent", "--numero", "2026-001", "--type", "accuse"],
    ["rgpd", "erase", "--numero", "2026-001", "--yes"], ["rgpd", "export", "--numero", "2026-001"],
    ["audit", "--du", "2026-11-01", "--au", "2026-11-30"],
])
def test_another_register_beside_it_is_refused_and_nothing_is_touched(agencies, command,
                                                                       capsys):
    agency_a, agency_b = agencies
    folder = agency_a.parent
    before = _snapshot(folder)
    assert main([*command, "--register", str(agency_b), "--today", TODAY]) == 2
    error = capsys.readouterr().err
    assert f"Le dossier {folder / 'dossiers'} range les dossiers du registre " \
           "« registre_agence_a.xlsx », qui est à côté de « registre_agence_b.xlsx »" in error
    assert "--dossiers" in error
    # Neither register, nor Hugo Petit's dossier (not renamed after Léa Moreau, not erased)
    assert _snapshot(folder) == before


def test_a_complaint_typed_for_the_other_register_is_not_recorded(agencies):
    agency_a, agency_b = agencies
    before = agency_b.read_bytes()
    with pytest.raises(DossiersInUseError):
        record_complaint(agency_b, complaint(numero=None, nom="Zoé Martin"))
    assert agency_b.read_bytes() == before
    dossiers = agency_a.parent / "dossiers"
    assert [p.name for p in dossiers.iterdir() if p.is_dir()] == ["2026-001_Hugo Petit"]


def test_its_own_dossiers_folder_given_with_the_option_is_kept_for_it(agencies):
    agency_a, agency_b = agencies
    own = agency_a.parent / "dossiers_agence_b"
    assert main(["letters", "--register", str(agency_b), "--today", TODAY,
                 "--dossiers", str(own)]) == 0
    assert [p.name for p in own.iterdir() if p.is_dir()] == ["2026-001_Léa Moreau"]
    assert _keeper(own) == "registre_agence_b.xlsx"
    assert _keeper(agency_a.parent / "dossiers") == "registre_agence_a.xlsx"


def test_a_renamed_register_keeps_its_dossiers(agencies):
    # Its old name is gone: nothing else can claim them (agency B, beside it, still cannot).
    agency_a, agency_b = agencies
    renamed = agency_a.rename(agency_a.with_name("registre 2026.xlsx"))
    assert main(["sent", "--register", str(renamed), "--today", TODAY, "--numero", "2026-001",
                 "--type", "accuse"]) == 0
    assert _keeper(renamed.parent / "dossiers") == "registre 2026.xlsx"
    assert main(["letters", "--register", str(agency_b), "--today", TODAY]) == 2


def test_a_command_that_only_reads_records_nothing(make_register):
    register = make_register([complaint()])
    dossiers = register.parent / "dossiers"
    dossiers.mkdir()
    manifest = dossiers / MANIFEST_NAME
    manifest.write_text('{"version": 1, "courriers": {}, "fiches": {}}', encoding="utf-8")
    before = manifest.read_bytes()
    assert main(["status", "--json", "--register", str(register), "--today", TODAY]) == 0
    assert manifest.read_bytes() == before
    assert main(["letters", "--register", str(register), "--today", TODAY]) == 0
    assert _keeper(dossiers) == "registre.xlsx"
