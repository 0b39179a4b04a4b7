"""The mutation runner (tests/mutation/run.py) makes mutmut record again which tests call
each function when the mutated code changed: otherwise a changed function keeps only the
calls of tests added since, and its mutants survive untested."""

from __future__ import annotations

import importlib.util
from pathlib import Path

RUNNER = Path(__file__).parent / "mutation" / "run.py"


def _runner():
    spec = importlib.util.spec_from_file_location("mutation_run", RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_record_of_calls_is_dropped_when_the_mutated_code_changed(tmp_path):
    run = _runner()
    stats = tmp_path / "mutmut-stats.json"
    stats.write_text("{}")
    run.drop_stale_stats(tmp_path, "a")  # no digest yet: a record of unknown age
    assert not stats.exists()
    stats.write_text("{}")  # mutmut records again during the run
    run.drop_stale_stats(tmp_path, "a")  # the same code: the record is kept
    assert stats.exists()
    run.drop_stale_stats(tmp_path, "b")  # a mutated module changed
    assert not stats.exists()


def test_the_digest_follows_every_mutated_module(tmp_path):
    run = _runner()
    for module in run.core_modules():
        copy = tmp_path / module
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes((run.ROOT / module).read_bytes())
    before = run._core_digest(tmp_path)
    assert before == run._core_digest()
    for module in run.core_modules():  # one byte more in any of them changes it
        copy = tmp_path / module
        original = copy.read_bytes()
        copy.write_bytes(original + b"\n")
        assert run._core_digest(tmp_path) != before, module
        copy.write_bytes(original)
