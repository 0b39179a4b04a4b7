"""Where things live: register resolution order, the settings file, folders beside the
register, ``modeles/`` overriding the shipped templates, ``toolkit demo``."""

from __future__ import annotations

import ast
import json
import os
import subprocess
from datetime import date
from pathlib import Path

from docx import Document
from helpers.register_files import ROOT, complaint, toolkit_script

from toolkit.api import places
from toolkit.places import (
    FROM_DEFAULT,
    FROM_OPTION,
    FROM_SETTINGS,
    FROM_VARIABLE,
    Located,
    audit_archive,
    backups_dir,
    dossiers_dir,
    locate_register,
    reports_dir,
    save_default_register,
    settings_path,
    template_path,
    templates_dir,
)
from toolkit.register.writeback import backup
from toolkit.resources import LETTERS, NOTEBOOKS, REGISTER, shipped_dir
from toolkit.rules.letters import LETTER_TYPES


def run_in(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """The real console script, started from ``folder`` (not the checkout)."""
    return subprocess.run([toolkit_script(), *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=folder, env={**os.environ, **env},
                          timeout=300, check=False)


def test_register_resolution_order(tmp_path, monkeypatch, private_settings):
    assert locate_register(None).path == Path("register") / "registre_reclamations.xlsx"
    assert locate_register(None).source == FROM_DEFAULT
    written = save_default_register(tmp_path / "saved.xlsx")
    assert written == private_settings / "config.json" == settings_path()
    assert json.loads(written.read_text(encoding="utf-8")) == {
        "registre": str((tmp_path / "saved.xlsx").resolve())}
    assert locate_register(None) == Located((tmp_path / "saved.xlsx").resolve(), FROM_SETTINGS)
    monkeypatch.setenv("TOOLKIT_REGISTRE", str(tmp_path / "env.xlsx"))
    assert locate_register(None) == Located(tmp_path / "env.xlsx", FROM_VARIABLE)
    assert locate_register(tmp_path / "opt.xlsx") == Located(tmp_path / "opt.xlsx", FROM_OPTION)


def test_unreadable_settings_file_is_a_french_usage_error(private_settings):
    (private_settings / "config.json").write_text("{pas du json", encoding="utf-8")
    from toolkit.cli import main

    assert main(["config"]) == 2


def test_init_records_the_register_and_config_shows_it_from_anywhere(tmp_path):
    office = tmp_path / "OneDrive" / "Réclamations"
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    office.mkdir(parents=True)
    done = run_in(office, "init", "--register", "registre.xlsx")
    assert done.returncode == 0, done.stderr
    shown = run_in(elsewhere, "config")
    assert shown.returncode == 0, shown.stderr
    assert f"Registre : {office / 'registre.xlsx'}\n  choisi par : fichier de réglages" in \
        shown.stdout
    assert f"Dossiers des réclamations : {office / 'dossiers'}" in shown.stdout
    status = run_in(elsewhere, "status", "--today", "2026-11-20")
    assert status.returncode == 0, status.stderr
    assert "0 réclamation suivie sur 0 ligne au 20/11/2026" in status.stdout
    assert not (elsewhere / "register").exists()


def test_config_register_writes_the_settings_and_the_variable_still_wins(tmp_path):
    done = run_in(tmp_path, "config", "--register", "reg/registre.xlsx")
    assert done.returncode == 0, done.stderr
    assert "(fichier absent)" in done.stdout
    shown = run_in(tmp_path, "config", TOOLKIT_REGISTRE=str(tmp_path / "autre.xlsx"))
    assert f"Registre : {tmp_path / 'autre.xlsx'} (fichier absent)\n  choisi par : " \
        "variable d'environnement TOOLKIT_REGISTRE" in shown.stdout


def test_the_folders_beside_the_register_and_what_uses_them(make_register, tmp_path):
    register = make_register([complaint()])
    here = register.parent
    assert (dossiers_dir(register), backups_dir(register), reports_dir(register),
            templates_dir(register)) == (here / "dossiers", here / "sauvegardes",
                                         here / "rapports", here / "modeles")
    assert audit_archive(register, date(2026, 11, 1), date(2026, 11, 30)) == \
        here / "audit_reclamations_2026-11-01_2026-11-30.zip"
    chosen = tmp_path / "ailleurs"
    assert dossiers_dir(register, chosen) == reports_dir(register, chosen) == chosen
    assert backup(register).parent == backups_dir(register)
    shown = places(register)
    assert (shown.dossiers, shown.backups, shown.reports, shown.templates_override) == (
        dossiers_dir(register), backups_dir(register), reports_dir(register),
        templates_dir(register))


# cli.py's `toolkit demo` message still joins two of these names itself (to be moved).
_JOINS_ALLOWED_IN = {"places.py"}


def test_no_module_but_places_joins_a_folder_name_beside_the_register():
    names = {"dossiers", "sauvegardes", "rapports", "modeles"}
    joins = []
    for module in sorted((ROOT / "toolkit").rglob("*.py")):
        if module.name in _JOINS_ALLOWED_IN and module.parent.name == "toolkit":
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                joins += [f"{module.relative_to(ROOT)}:{node.lineno}"
                          for side in (node.left, node.right)
                          if isinstance(side, ast.Constant) and side.value in names]
    assert joins == []


def test_templates_copy_then_override_file_by_file(make_register, tmp_path):
    register = make_register([complaint(adresse="8 rue des Lilas\n75020 Paris")])
    done = run_in(tmp_path, "templates", "--copy", "--register", str(register))
    assert done.returncode == 0, done.stderr
    modeles = register.parent / "modeles"
    assert sorted(p.name for p in modeles.iterdir()) == sorted(f"{t}.docx" for t in LETTER_TYPES)
    assert (modeles / "accuse.docx").read_bytes() == \
        (shipped_dir(LETTERS) / "accuse.docx").read_bytes()
    # A customised template: one paragraph added; the others still come from the package.
    custom = Document(modeles / "accuse.docx")
    custom.add_paragraph("Agence de Montreuil : horaires d'été.")
    custom.save(modeles / "accuse.docx")
    (modeles / "suivi.docx").unlink()
    assert template_path("accuse", register) == modeles / "accuse.docx"
    assert template_path("suivi", register) == shipped_dir(LETTERS) / "suivi.docx"
    again = run_in(tmp_path, "templates", "--copy", "--register", str(register))
    assert "déjà présent, laissé tel quel : accuse.docx" in again.stdout
    assert "copié : suivi.docx" in again.stdout
    letters = run_in(tmp_path, "letters", "--register", str(register), "--today", "2026-11-03",
                     "--type", "accuse")
    assert letters.returncode == 0, letters.stdout + letters.stderr
    made = next((register.parent / "dossiers").glob("*/2026-001_accuse.docx"))
    assert "Agence de Montreuil : horaires d'été." in [p.text for p in Document(made).paragraphs]


def test_report_and_audit_write_beside_the_register(make_register, tmp_path):
    register = make_register([complaint(received=date(2026, 11, 2))])
    cwd = tmp_path / "ailleurs"
    cwd.mkdir()
    (register.parent / "rapports").mkdir()
    # An existing report is reused by the audit: no notebook run needed here.
    (register.parent / "rapports" / "rapport_2026-11.html").write_text("<p>r</p>",
                                                                        encoding="utf-8")
    (register.parent / "dossiers" / "2026-001_Léa Moreau").mkdir(parents=True)
    done = run_in(cwd, "audit", "--register", str(register), "--du", "2026-11-01", "--au",
                  "2026-11-30", "--today", "2026-11-30")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (register.parent / "audit_reclamations_2026-11-01_2026-11-30.zip").is_file()
    assert list(cwd.iterdir()) == []


def test_audit_with_a_missing_dossier_exits_1(make_register, tmp_path):
    register = make_register([complaint(received=date(2026, 11, 2))])
    (register.parent / "rapports").mkdir()
    (register.parent / "rapports" / "rapport_2026-11.html").write_text("<p>r</p>",
                                                                        encoding="utf-8")
    done = run_in(tmp_path, "audit", "--register", str(register), "--du", "2026-11-01",
                  "--au", "2026-11-30", "--today", "2026-11-30")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Dossier absent : 2026-001." in done.stdout


def test_shipped_files_are_found_in_the_checkout():
    assert sorted(p.name for p in shipped_dir(LETTERS).glob("*.docx")) == sorted(
        f"{t}.docx" for t in LETTER_TYPES)
    assert (shipped_dir(NOTEBOOKS) / "rapport_mensuel.ipynb").is_file()
    assert (shipped_dir(REGISTER) / "exemple_registre.xlsx").is_file()
    assert shipped_dir(LETTERS) == ROOT / "letters"


def test_demo_runs_every_step_in_its_folder(tmp_path):
    name = "démo agence"
    done = run_in(tmp_path, "demo", "--dir", name)
    assert done.returncode == 0, done.stdout + done.stderr
    folder = tmp_path / name
    for step in ("check", "status", "letters --mark-sent", "report"):
        assert f"== toolkit {step}" in done.stdout
    assert (folder / "rapports" / "rapport_2026-11.html").is_file()
    assert any((folder / "dossiers").glob("*/*_accuse.docx"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
