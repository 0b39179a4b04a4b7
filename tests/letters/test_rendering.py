"""Template rendering: safe Jinja, control characters, broken templates, ``toolkit templates``,
the parallel batch, PDF copies."""

from __future__ import annotations

from datetime import date

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
from toolkit.errors import TemplateError
from toolkit.letters.batch import TEMPLATES_DIR
from toolkit.letters.rendering import (
    RenderJob,
    check_template,
    inspect_template,
    parallel_map,
    render_all,
    render_one,
)
from toolkit.rules.letters import LETTER_TYPES, build_context
from toolkit.rules.records import Parameters

TODAY = date(2026, 11, 20)


def _context(**values) -> dict:
    row = {"ligne": 2, **complaint(**values)}
    params = Parameters(adresse="1 rue de Paris\n75001 Paris", signataire="Claire Martin")
    return build_context("accuse", row, params, TODAY)


def test_shipped_templates_use_only_known_fields():
    for type_id in LETTER_TYPES:
        report = inspect_template(TEMPLATES_DIR / f"{type_id}.docx")
        assert report.ok, report
        assert {"numero", "date_reclamation", "salutation", "signataire"} <= set(report.fields)


def test_control_characters_cannot_break_the_document(tmp_path):
    context = _context(nom="Léa\a Mo\freau\v\x00\x1b", adresse="1 rue A\r\n75001 Paris\tFrance")
    target = render_one(RenderJob(TEMPLATES_DIR / "accuse.docx", context, tmp_path / "a.docx"))
    text = docx_text(target)
    assert "Madame Léa Moreau" in text
    assert "1 rue A\n75001 Paris\tFrance" in text
    assert text.count("Objet") == 1  # no paragraph or page break was injected


def test_missing_field_is_an_error_not_a_blank(tmp_path):
    context = _context()
    del context["numero"]
    with pytest.raises(TemplateError, match="« numero »"):
        render_one(RenderJob(TEMPLATES_DIR / "accuse.docx", context, tmp_path / "a.docx"))
    assert not (tmp_path / "a.docx").exists()


def test_unknown_field_is_named_before_any_letter(tmp_path):
    folder = copy_templates(tmp_path / "modeles")
    edit_template_xml(folder / "accuse.docx", "date_reponse_prevue", "date_reponse_prevu")
    with pytest.raises(TemplateError, match=r"accuse\.docx.*« date_reponse_prevu »"):
        check_template(folder / "accuse.docx")


def test_broken_template_stops_the_command_naming_the_field(make_register, tmp_path, capsys):
    folder = copy_templates(tmp_path / "modeles")
    edit_template_xml(folder / "accuse.docx", "date_reponse_prevue", "date_reponse_prevu")
    register = make_register([complaint()])
    assert run_letters(register, "--templates", str(folder)) == 2
    err = capsys.readouterr().err
    assert "accuse.docx" in err and "date_reponse_prevu" in err
    assert letters_in(tmp_path / "dossiers") == {}


def test_malformed_tag_is_reported(tmp_path):
    folder = copy_templates(tmp_path / "modeles")
    edit_template_xml(folder / "accuse.docx", "{{ numero }}", "{{ numero }")
    report = inspect_template(folder / "accuse.docx")
    assert not report.ok and "balise mal formée" in report.error


def test_templates_command_lists_fields_and_unknown_ones(tmp_path, capsys):
    assert main(["templates"]) == 0
    out = capsys.readouterr().out
    assert "reponse.docx : ok" in out and "mediateur_site" in out
    folder = copy_templates(tmp_path / "modeles")
    edit_template_xml(folder / "reponse.docx", "mediateur_site", "site_du_mediateur")
    (folder / "suivi.docx").unlink()
    assert main(["templates", "--templates", str(folder)]) == 2
    out = capsys.readouterr().out
    assert "champs inconnus (à corriger dans Word) : site_du_mediateur" in out
    assert "suivi.docx : ERREUR — modèle absent" in out


def test_parallel_batch_matches_sequential(tmp_path):
    jobs = [RenderJob(TEMPLATES_DIR / "accuse.docx", _context(numero=f"2026-{n:03d}"),
                      tmp_path / f"{n}.docx") for n in range(25)]
    ticks = []
    assert render_all(jobs, progress=ticks.append) == [job.target for job in jobs]
    assert len(ticks) == 25
    for n in range(25):
        assert f"n° 2026-{n:03d}" in docx_text(tmp_path / f"{n}.docx")


def test_parallel_map_keeps_order_and_propagates_errors():
    assert parallel_map(abs, list(range(-30, 0)), threshold=5) == list(range(30, 0, -1))
    with pytest.raises(TypeError):
        parallel_map(abs, [*range(-30, 0), "x"], threshold=5)


@pytest.mark.libreoffice
def test_pdf_copies(make_register, tmp_path):
    register = make_register([complaint()])
    assert run_letters(register, "--type", "accuse", "--pdf") == 0
    (pdf,) = (tmp_path / "dossiers").rglob("2026-001_accuse.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_pdf_without_libreoffice_stops_before_any_letter(make_register, tmp_path, monkeypatch,
                                                          capsys):
    monkeypatch.delenv("TOOLKIT_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "vide"))
    register = make_register([complaint()])
    assert run_letters(register, "--pdf") == 2
    assert "LibreOffice" in capsys.readouterr().err
    assert letters_in(tmp_path / "dossiers") == {}
