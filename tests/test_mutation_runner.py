"""The mutation runner (tests/mutation/run.py) makes mutmut record again which tests call
each function when the mutated code changed: otherwise a changed function keeps only the
calls of tests added since, and its mutants survive untested. It draws samples the same
way each time, and its quick pass keeps only the kills of a session with a cut record."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

RUNNER = Path(__file__).parent / "mutation" / "run.py"
SESSION = RUNNER.with_name("session.py")


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


def test_a_sample_is_the_same_for_the_same_names_size_and_seed():
    run = _runner()
    names = [f"toolkit.rules.stats.x_f__mutmut_{number}" for number in range(1, 501)]
    drawn = run.sample_of(names, 40, 0)
    assert len(drawn) == len(set(drawn)) == 40 and set(drawn) <= set(names)
    assert run.sample_of(list(reversed(names)), 40, 0) == drawn  # mutmut lists in any order
    assert run.sample_of(names, 40, 1) != drawn
    assert run.sample_of(names[:10], 40, 0) == sorted(names[:10])


def test_the_interval_of_a_sample_score():
    run = _runner()
    low, high = run.wilson_interval(250, 250)
    # Every sampled mutant killed: the interval is not [100, 100] but starts at n / (n + z²).
    assert high == 100.0 and abs(low - 100 * 250 / (250 + 1.96**2)) < 1e-9
    low, high = run.wilson_interval(50, 100)  # the textbook value: 40.38 % to 59.62 %
    assert (round(low, 2), round(high, 2)) == (40.38, 59.62)
    assert run.wilson_interval(0, 0) == (0.0, 100.0)


def test_the_options_of_the_runner():
    run = _runner()
    modules, flags, numbers = run._parsed(
        ["--report", "--sample", "300", "toolkit/rules/stats.py", "--seed", "7"])
    assert modules == ["toolkit/rules/stats.py"]
    assert flags == {"--report"} and numbers == {"--sample": 300, "--seed": 7}
    assert run._parsed([])[0] == run.core_modules()


def test_a_kept_draw_is_used_again_for_the_modules_asked(tmp_path):
    # mutmut renumbers a changed function's mutants: a new draw would name others than
    # those that ran, so the first one is read back (here without asking mutmut anything).
    run = _runner()
    kept = tmp_path / "mutants" / "sample-3-0.txt"
    kept.parent.mkdir()
    kept.write_text("toolkit.rules.stats.x_counts__mutmut_2\n"
                    "toolkit.rules.deadlines.x_ack_deadline__mutmut_1\n"
                    "toolkit.rules.stats.x_delays__mutmut_7\n", encoding="utf-8")
    assert run.drawn_mutants(["toolkit/rules/stats.py"], 3, 0, root=tmp_path) == [
        "toolkit.rules.stats.x_counts__mutmut_2", "toolkit.rules.stats.x_delays__mutmut_7"]


def test_the_quick_record_keeps_the_fastest_callers_within_the_budget():
    run = _runner()
    stats = {"duration_by_test": {"t::slow": 20.0, "t::fast": 0.5, "t::mid": 4.0,
                                  "t::other": 0.1, "t::alone": 90.0},
             "tests_by_mangled_function_name": {
                 "toolkit.register.sheet_xml.xǁSheetǁparse": ["t::slow", "t::mid", "t::fast"],
                 "toolkit.register.sheet_xml.x_column_letters": ["t::other"],
                 "toolkit.rules.stats.x_counts": ["t::alone"]},
             "stats_time": 12.0}

    def cut(budget: float) -> dict:
        return run.quick_record(stats, budget)["tests_by_mangled_function_name"]

    parse = "toolkit.register.sheet_xml.xǁSheetǁparse"
    assert cut(5.0)[parse] == ["t::fast", "t::mid"]
    assert cut(4.4)[parse] == ["t::fast"]
    assert cut(60.0)[parse] == ["t::fast", "t::mid", "t::slow"]
    # Over the budget alone, the fastest caller still runs.
    assert cut(5.0)["toolkit.rules.stats.x_counts"] == ["t::alone"]
    # The rest of mutmut's record is kept as it was, and the record itself is not changed.
    assert {key: value for key, value in run.quick_record(stats, 5.0).items()
            if key != "tests_by_mangled_function_name"} == {
        "duration_by_test": stats["duration_by_test"], "stats_time": 12.0}
    assert stats["tests_by_mangled_function_name"][parse] == ["t::slow", "t::mid", "t::fast"]


def test_after_a_quick_pass_only_kills_keep_their_result(tmp_path):
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code

    run = _runner()
    meta = tmp_path / "mutants" / "toolkit" / "rules" / "stats.py.meta"
    meta.parent.mkdir(parents=True)
    # survived, killed, pytest's internal error (a kill), timeout, not checked; and a
    # survivor of an earlier full run, outside the quick pass.
    codes = {"x_counts__mutmut_1": 0, "x_counts__mutmut_2": 1, "x_counts__mutmut_3": 3,
             "x_counts__mutmut_4": 36, "x_counts__mutmut_5": None, "x_delays__mutmut_1": 0}
    codes = {f"toolkit.rules.stats.{name}": code for name, code in codes.items()}
    meta.write_text(json.dumps({
        "exit_code_by_key": codes, "hash_by_function_name": {}, "type_check_error_by_key": {},
        "durations_by_key": {}, "estimated_durations_by_key": {}}), encoding="utf-8")
    quick_pass = {name for name in codes if "x_counts" in name}
    assert run.forget_unkilled(quick_pass, root=tmp_path) == 2
    data = SourceFileMutationData(path="toolkit/rules/stats.py")
    data.meta_path = meta
    data.load()
    statuses = {name.rsplit(".", 1)[1]: status_by_exit_code[code]
                for name, code in data.exit_code_by_key.items()}
    assert statuses == {"x_counts__mutmut_1": "not checked", "x_counts__mutmut_2": "killed",
                        "x_counts__mutmut_3": "killed", "x_counts__mutmut_4": "not checked",
                        "x_counts__mutmut_5": "not checked", "x_delays__mutmut_1": "survived"}


def test_a_quick_pass_stopped_before_its_end_is_ended_by_the_next_run(tmp_path):
    # Killed outright (the machine stopped, a kill -9), the pass left its cut record and
    # its survivors behind: the next run puts the record back and forgets them.
    run = _runner()
    mutants = tmp_path / "mutants"
    (mutants / "toolkit" / "rules").mkdir(parents=True)
    survivor = "toolkit.rules.stats.x_counts__mutmut_1"
    killed = "toolkit.rules.stats.x_counts__mutmut_2"
    (mutants / "toolkit" / "rules" / "stats.py.meta").write_text(json.dumps({
        "exit_code_by_key": {survivor: 0, killed: 1}, "hash_by_function_name": {},
        "type_check_error_by_key": {}, "durations_by_key": {},
        "estimated_durations_by_key": {}}), encoding="utf-8")
    (mutants / "mutmut-stats.json").write_text('{"cut": true}', encoding="utf-8")
    (mutants / run.QUICK_PASS).write_text(json.dumps(
        {"record": '{"whole": true}', "mutants": [survivor, killed]}), encoding="utf-8")
    run.end_quick_pass(tmp_path)
    assert (mutants / "mutmut-stats.json").read_text(encoding="utf-8") == '{"whole": true}'
    codes = json.loads((mutants / "toolkit" / "rules" / "stats.py.meta").read_text())
    assert codes["exit_code_by_key"] == {survivor: None, killed: 1}
    assert not (mutants / run.QUICK_PASS).exists()
    run.end_quick_pass(tmp_path)  # nothing left to end: nothing changes
    assert (mutants / "mutmut-stats.json").read_text(encoding="utf-8") == '{"whole": true}'


@pytest.mark.parametrize("arguments", [["--help"], ["--sample"], ["--echantillon", "10"]])
def test_the_runner_stops_at_an_option_it_does_not_know(arguments, capsys):
    # before, any word starting with -- was a flag: « --help » started a run of the whole core
    with pytest.raises(SystemExit):
        _runner()._parsed(arguments)
    printed = capsys.readouterr()
    assert "usage: tests/mutation/run.py" in printed.out + printed.err


def _session():
    spec = importlib.util.spec_from_file_location("mutation_session", SESSION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _project(root: Path) -> None:
    for relative, text in {"pyproject.toml": "[project]\n", "toolkit/rules/stats.py": "A = 1\n",
                           "tests/test_stats.py": "def test_a(): pass\n"}.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    (root / "mutants").mkdir()


class _Runner:
    def __init__(self):
        self.clean_passes = 0
        self.submitted = []

    def run_clean_tests(self, tests):
        self.clean_passes += 1
        return 0

    def submit(self, mutant_name, tests, cpu_time_limit, estimated_time):
        self.submitted.append((mutant_name, tests, cpu_time_limit, estimated_time))


@pytest.mark.parametrize(("changed", "skipped"), [
    (None, True), ("tests/mutation/run.py", True),  # the runner's own files: no test runs them
    ("toolkit/rules/stats.py", False), ("tests/test_stats.py", False), ("pyproject.toml", False)])
def test_the_clean_pass_is_skipped_only_after_a_whole_record_on_the_same_code(
        tmp_path, monkeypatch, changed, skipped):
    import mutmut.__main__ as mutmut_main

    session = _session()
    _project(tmp_path)
    recorded = []
    monkeypatch.setattr(mutmut_main, "run_stats_collection",
                        lambda runner, tests=None: recorded.append(tests))
    monkeypatch.setattr(mutmut_main, "get_mutant_runner", lambda *arguments: _Runner())
    session.skip_repeated_clean_pass(tmp_path)
    runner = mutmut_main.get_mutant_runner(2)  # mutmut makes it before it records

    mutmut_main.run_stats_collection(runner, ["tests/test_stats.py::test_a"])  # new tests only
    assert not session.unmutated_tests_passed(tmp_path)
    assert runner.run_clean_tests([]) == 0
    assert runner.clean_passes == 1

    mutmut_main.run_stats_collection(runner)  # every test, and they passed
    assert recorded == [["tests/test_stats.py::test_a"], None]
    if changed:
        (tmp_path / changed).parent.mkdir(parents=True, exist_ok=True)
        with (tmp_path / changed).open("a", encoding="utf-8") as handle:
            handle.write("# changed\n")
    assert runner.run_clean_tests([]) == 0
    assert runner.clean_passes == (1 if skipped else 2)


def test_each_mutants_tests_are_handed_to_the_runner_fastest_first(tmp_path, monkeypatch):
    import mutmut.__main__ as mutmut_main
    from mutmut.state import state

    session = _session()
    monkeypatch.setattr(mutmut_main, "get_mutant_runner", lambda *arguments: _Runner())
    for test, seconds in {"t::slow": 9.5, "t::fast": 0.2, "t::b_tie": 1.0, "t::a_tie": 1.0}.items():
        monkeypatch.setitem(state().duration_by_test, test, seconds)
    session.skip_repeated_clean_pass(tmp_path)
    runner = mutmut_main.get_mutant_runner(2)
    # mutmut's fork server receives a set's order; a test it has no time for goes last.
    runner.submit("m__mutmut_1", ["t::unknown", "t::slow", "t::b_tie", "t::fast", "t::a_tie"],
                  30, 10.7)
    assert runner.submitted == [("m__mutmut_1", ["t::fast", "t::a_tie", "t::b_tie", "t::slow",
                                                 "t::unknown"], 30, 10.7)]


def test_a_failed_record_does_not_skip_the_clean_pass(tmp_path, monkeypatch):
    import mutmut.__main__ as mutmut_main

    def failing_record(runner, tests=None):
        raise SystemExit(1)  # what mutmut does when a test fails during its record

    session = _session()
    _project(tmp_path)
    monkeypatch.setattr(mutmut_main, "run_stats_collection", failing_record)
    session.skip_repeated_clean_pass(tmp_path)
    with pytest.raises(SystemExit):
        mutmut_main.run_stats_collection(None)
    assert not session.unmutated_tests_passed(tmp_path)


def test_a_draw_among_no_mutant_stops_instead_of_running_the_whole_core(tmp_path, monkeypatch):
    run = _runner()
    calls = []
    monkeypatch.setattr(run, "results", dict)  # mutmut has written no mutant, even after:
    monkeypatch.setattr(run, "mutmut", lambda *arguments: calls.append(arguments))
    with pytest.raises(RuntimeError, match="no mutant to draw"):
        run.drawn_mutants(["toolkit/rules/stats.py"], 10, 0, tmp_path)
    assert calls == [("generate", run.workers())]
    assert not (tmp_path / "mutants" / "sample-10-0.txt").exists()


def test_a_new_draw_is_made_among_the_mutants_of_the_code_as_it_is(tmp_path, monkeypatch):
    # mutmut's list still names the mutants of the code it last mutated until it writes
    # them again: a function that shrank since has numbers that no longer exist.
    run = _runner()
    calls = []
    listed = {"toolkit.rules.stats.x_shrunk__mutmut_16": "not checked"}

    def mutmut(*arguments):
        calls.append(arguments)
        listed.clear()
        listed.update({f"toolkit.rules.stats.x_shrunk__mutmut_{n}": "not checked"
                       for n in range(1, 9)})

    monkeypatch.setattr(run, "results", lambda: dict(listed))
    monkeypatch.setattr(run, "mutmut", mutmut)
    drawn = run.drawn_mutants(["toolkit/rules/stats.py"], 20, 0, tmp_path)
    assert calls == [("generate", run.workers())]
    assert drawn == sorted(f"toolkit.rules.stats.x_shrunk__mutmut_{n}" for n in range(1, 9))
    assert (tmp_path / "mutants" / "sample-20-0.txt").read_text(encoding="utf-8").split() \
        == drawn
