"""``new`` and ``intake`` say when the same client already has an open complaint."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import mail_files as mh
from helpers.register_files import complaint

from toolkit.cli import main


@pytest.fixture
def register(make_register):
    return make_register([
        complaint("2026-003", date(2026, 11, 2), nom="Lucas Petit",
                  courriel="lucas.petit@exemple.fr"),
        complaint("2026-004", date(2026, 11, 2), nom="Eva Roy", courriel="eva@exemple.fr",
                  date_reponse=date(2026, 11, 10)),
    ])


def _new(register, *options: str) -> int:
    return main(["new", "--register", str(register), "--today", "2026-11-20", "--canal",
                 "Courrier", "--description", "Encore un problème.", *options])


@pytest.mark.parametrize("options", [
    ("--nom", "PETIT  Lucas"),                                     # same name, other order
    ("--nom", "L. P.", "--courriel", "Lucas.Petit@exemple.fr"),   # same e-mail
])
def test_new_names_the_clients_open_complaint(register, capsys, options):
    assert _new(register, *options) == 0
    out = capsys.readouterr().out
    assert "Attention : ce client a déjà une réclamation en cours : 2026-003" in out


@pytest.mark.parametrize("options", [
    ("--nom", "Eva Roy"),            # her complaint is answered
    ("--nom", "Lucas Petitjean"),    # another client
])
def test_new_is_silent_without_an_open_complaint(register, capsys, options):
    assert _new(register, *options) == 0
    assert "Attention" not in capsys.readouterr().out


def test_intake_names_the_clients_open_complaint(register, tmp_path, capsys):
    source = mh.write(tmp_path / "in", "nouvelle.eml", mh.simple(
        "Réclamation : encore annulé", "<re-lucas@exemple.fr>",
        sender="Lucas Petit <lucas.petit@exemple.fr>"))
    assert main(["intake", "--register", str(register), "--today", "2026-11-20",
                 str(source)]) == 0
    out = capsys.readouterr().out
    assert "1 réclamation enregistrée." in out
    assert "ce client a déjà une réclamation en cours : 2026-003" in out
