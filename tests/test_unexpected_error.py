"""A fault of the tool itself: one French sentence, the traceback in a log file, exit 3."""

from __future__ import annotations

import pytest

from toolkit import api
from toolkit.cli import main
from toolkit.cli.console import EXIT_UNEXPECTED


@pytest.fixture
def broken_check(monkeypatch, tmp_path):
    """`toolkit check` as if the library had a bug (the one stand-in: our own function)."""
    def fault(path, today):
        return {}["missing"]

    monkeypatch.setattr(api, "check_register", fault)
    monkeypatch.setenv("TOOLKIT_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path


def test_an_unexpected_error_prints_one_sentence_and_logs_the_traceback(broken_check, capsys):
    code = main(["check", "--register", str(broken_check / "registre.xlsx")])
    err = capsys.readouterr().err
    log = broken_check / "config" / "erreurs.log"
    assert code == EXIT_UNEXPECTED == 3
    assert "Traceback" not in err
    assert err.count("\n") == 1  # one sentence, one line
    assert err.startswith("Erreur inattendue de la boîte à outils (KeyError)")
    assert str(log) in err
    written = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in written
    assert "KeyError: 'missing'" in written
    assert written.splitlines()[0].endswith(" check")
    assert "registre.xlsx" not in written  # options may name a client: never logged


def test_each_unexpected_error_is_added_to_the_log(broken_check, capsys):
    main(["check", "--register", str(broken_check / "a.xlsx")])
    main(["check", "--register", str(broken_check / "b.xlsx")])
    written = (broken_check / "config" / "erreurs.log").read_text(encoding="utf-8")
    assert written.count("Traceback (most recent call last)") == 2
    headers = [line for line in written.splitlines() if line.startswith("--- ")]
    assert len(headers) == 2 and all(line.endswith(" check") for line in headers)
