"""Writers that wait for each other: real ``toolkit`` processes started together.

Each writing command takes the register's lock before it reads the register, so a second
run waits (saying so, in French) instead of being refused, and numbers never collide. A
change made in Excel meanwhile is still refused.
"""

from __future__ import annotations

import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from filelock import FileLock
from helpers.register_files import ROOT, complaint, toolkit_script

from toolkit.register.reading import read_register
from toolkit.register.sample import SAMPLE_PARAMETERS
from toolkit.register.template import create_register
from toolkit.register.writeback import toolkit_lock_path

TODAY = "2026-11-20"
WRITERS = 8
EXISTING = [complaint(f"2026-{n:03d}", date(2026, 11, n + 1)) for n in range(1, WRITERS + 1)]
WAITING = "en attente…"


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([toolkit_script(), *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _new(path: Path, index: int) -> subprocess.Popen:
    return _start("new", "--register", str(path), "--today", TODAY, "--canal", "Courrier",
                  "--date", "16/11/2026", "--nom", f"Client {index}",
                  "--description", f"Réclamation numéro {index} de la série.")


def _finish(processes: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    return [(p.wait(timeout=600), *p.communicate()) for p in processes]


@pytest.fixture
def register(tmp_path) -> Path:
    return create_register(tmp_path / "registre.xlsx", EXISTING, SAMPLE_PARAMETERS)


def test_eight_writers_started_together_all_write(register):
    start = time.perf_counter()
    news = [_new(register, index) for index in range(WRITERS // 2)]
    letters = [_start("letters", "--register", str(register), "--today", TODAY, "--type",
                      "accuse", "--numero", row["numero"], "--mark-sent")
               for row in EXISTING[:WRITERS // 2]]
    results = _finish(news + letters)
    seconds = time.perf_counter() - start
    for code, out, err in results:
        assert code == 0, (out, err)
    waited = sum(WAITING in err for _, _, err in results)
    frame = read_register(register).frame
    added = frame[frame["numero"] > EXISTING[-1]["numero"]]
    print(f"\n{WRITERS} écritures lancées ensemble : {seconds:.1f} s, {len(added)} lignes "
          f"ajoutées, {WRITERS // 2} dates d'accusé inscrites, {waited} ont attendu.")
    assert sorted(added["numero"]) == [f"2026-{n:03d}" for n in range(9, 9 + WRITERS // 2)]
    assert sorted(added["description"]) == sorted(
        f"Réclamation numéro {index} de la série." for index in range(WRITERS // 2))
    marked = frame.set_index("numero")["date_accuse"]
    assert [marked[row["numero"]] for row in EXISTING[:WRITERS // 2]] == \
        [date(2026, 11, 20)] * (WRITERS // 2)
    assert marked[EXISTING[-1]["numero"]] is None


def test_eight_new_complaints_at_once_get_distinct_numbers(register):
    start = time.perf_counter()
    results = _finish([_new(register, index) for index in range(WRITERS)])
    seconds = time.perf_counter() - start
    assert [code for code, _, _ in results] == [0] * WRITERS, results
    numbers = list(read_register(register).frame["numero"])
    print(f"\n{WRITERS} « toolkit new » lancés ensemble : {seconds:.1f} s, "
          f"{len(numbers) - len(EXISTING)} lignes ajoutées.")
    assert numbers[len(EXISTING):] == sorted(numbers[len(EXISTING):])
    assert sorted(numbers[len(EXISTING):]) == [f"2026-{n:03d}"
                                                for n in range(9, 9 + WRITERS)]


def _wait_for(process: subprocess.Popen, text: str, seconds: float = 120) -> str:
    """Read the process's stderr until ``text`` shows (it is still running)."""
    seen = ""
    deadline = time.monotonic() + seconds
    while text not in seen:
        assert time.monotonic() < deadline, seen
        line = process.stderr.readline()
        assert line or process.poll() is None, seen
        seen += line
    return seen


def test_a_writer_waits_for_the_lock_and_says_so(register):
    with FileLock(toolkit_lock_path(register)):
        process = _new(register, 1)
        said = _wait_for(process, WAITING)
        assert "Une autre commande toolkit écrit dans registre.xlsx" in said
        assert process.poll() is None  # still waiting
    code, out, err = _finish([process])[0]
    assert code == 0, err
    assert "Réclamation 2026-009 enregistrée" in out


def test_a_change_made_in_excel_meanwhile_is_refused(register):
    original = register.read_bytes()
    with FileLock(toolkit_lock_path(register)):
        process = _new(register, 1)
        _wait_for(process, WAITING)
        # Meanwhile someone opens the register in Excel, which keeps its owner file beside it.
        name = "Élodie Martin"
        owner = bytes([len(name)]) + name.encode("cp1252")
        register.with_name(f"~${register.name}").write_bytes(owner.ljust(165, b" "))
    code, _, err = _finish([process])[0]
    assert code == 2
    assert "ouvert dans Excel par Élodie Martin" in err and "rien n'a été écrit" in err
    assert register.read_bytes() == original
