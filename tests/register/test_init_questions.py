"""``toolkit init`` in a terminal asks for the company's details (SPEC, "The desk's day");
driven through a real pseudo-terminal, so that stdin is a terminal as it is for staff."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from helpers.register_files import ROOT

from toolkit.register.reading import read_register


def _run_in_terminal(folder: Path, answers: list[str], *options: str) -> tuple[int, str]:
    """``toolkit init`` with a pseudo-terminal as stdin and stdout; each answer is typed
    once the question it answers has been printed."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "toolkit.cli", "init", "--register", "registre.xlsx", *options],
        stdin=follower, stdout=follower, stderr=follower, cwd=folder, env=env)
    os.close(follower)
    output, pending = b"", list(answers)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the process ended
                break
            if not chunk:
                break
            output += chunk
            if pending and output.rstrip().endswith((b":", b">")):
                os.write(leader, pending.pop(0).encode("utf-8") + b"\r")
        elif process.poll() is not None:
            break
    os.close(leader)
    return process.wait(timeout=60), output.decode("utf-8", errors="replace")


def test_init_in_a_terminal_asks_for_the_company_details(tmp_path):
    answers = ["Auto-école du Canal", "4 quai de Jemmapes", "75010 Paris", "",
               "", "01 23 45 67 89", "Claire Martin", "CNPM Médiation",
               "https://www.cnpm-mediation-consommation.eu"]
    code, output = _run_in_terminal(tmp_path, answers)
    assert code == 0, output
    assert "Société [ONLY PERMIS] : " in output
    assert "Courriel [contact@onlypermis.fr] : " in output
    params = read_register(tmp_path / "registre.xlsx").params
    assert (params.societe, params.adresse, params.courriel, params.telephone) == (
        "Auto-école du Canal", "4 quai de Jemmapes\n75010 Paris", "contact@onlypermis.fr",
        "01 23 45 67 89")
    assert (params.signataire, params.mediateur, params.site_mediateur) == (
        "Claire Martin", "CNPM Médiation", "https://www.cnpm-mediation-consommation.eu")


def test_init_sans_questions_asks_nothing_even_in_a_terminal(tmp_path):
    code, output = _run_in_terminal(tmp_path, [], "--sans-questions")
    assert code == 0, output
    assert "Société" not in output
    assert read_register(tmp_path / "registre.xlsx").params.signataire == ""


def test_init_without_a_terminal_asks_nothing(tmp_path):
    done = subprocess.run([sys.executable, "-m", "toolkit.cli", "init", "--register",
                           "registre.xlsx"], cwd=tmp_path, input="", capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0, done.stderr
    assert "Société" not in done.stdout
    assert read_register(tmp_path / "registre.xlsx").params.societe == "ONLY PERMIS"
