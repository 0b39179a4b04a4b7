"""mutmut's command line, with two steps of the mutation runner's around it
(tests/mutation/run.py starts mutmut through this file).

``python tests/mutation/session.py generate [WORKERS]`` writes the mutants into mutants/
without running any test: a sample is drawn among them, and on a new checkout there are
none before a first run.

``python tests/mutation/session.py ARGUMENTS`` is mutmut's own command line, except that
``run`` skips mutmut's pass of the unmutated tests when its record of which tests call
what was made, whole and passing, on the same code and tests. That record runs every test
on the unmutated code (mutmut stops when one fails), so a second pass proves nothing new,
and it costs about 35 minutes in one process on the reference machine. And each mutant's
tests run fastest first, by the times mutmut recorded: its fork server (the isolation set
in pyproject.toml) passes them in the order of a set, so that a mutant which the first
fast test kills could run minutes of slow tests first.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# In mutants/: the code and tests' digest when a whole record of calls last passed.
PASSED_RECORD = "record-passed.sha256"


def code_and_tests_digest(root: Path = ROOT) -> str:
    """The digest of what the tests run: the package, the tests and the project file (not
    the mutation runner's own files, which no test runs)."""
    digest = hashlib.sha256()
    tests = [path for path in sorted((root / "tests").rglob("*.py"))
             if path.parent != root / "tests" / "mutation"]
    files = [root / "pyproject.toml", *sorted((root / "toolkit").rglob("*.py")), *tests]
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def unmutated_tests_passed(root: Path = ROOT) -> bool:
    """True when a whole record of calls passed on the code and tests as they are now."""
    marker = root / "mutants" / PASSED_RECORD
    return marker.exists() and marker.read_text(encoding="utf-8") == code_and_tests_digest(root)


def generate(workers: int) -> None:
    """Write mutants/ as ``mutmut run`` does before its first test."""
    from mutmut import __main__ as mutmut_main

    mutmut_main.set_mutant_under_test("mutant_generation")
    (ROOT / "mutants").mkdir(exist_ok=True)
    mutmut_main.copy_src_dir()
    mutmut_main.copy_also_copy_files()
    mutmut_main.setup_source_paths()
    mutmut_main.store_lines_covered_by_tests()
    mutmut_main.create_mutants(workers)


def fastest_first(tests, seconds_by_test) -> list[str]:
    """The tests in the order of their recorded times (a test without one last); ties by
    name, so that a mutant runs its tests in the same order each time."""
    return sorted(tests, key=lambda test: (seconds_by_test.get(test, float("inf")), test))


def skip_repeated_clean_pass(root: Path = ROOT) -> None:
    """Make ``mutmut run`` note a whole record that passed, skip the clean pass after one,
    and hand each mutant's tests to the runner fastest first."""
    from mutmut import __main__ as mutmut_main
    from mutmut.state import state

    record_calls = mutmut_main.run_stats_collection
    make_runner = mutmut_main.get_mutant_runner

    def record_and_note(runner, tests=None):
        record_calls(runner, tests)  # mutmut exits here when a test fails
        if not tests:  # mutmut's word for "every test"
            (root / "mutants" / PASSED_RECORD).write_text(code_and_tests_digest(root),
                                                          encoding="utf-8")

    def runner_without_repeated_pass(*arguments, **options):
        runner = make_runner(*arguments, **options)
        clean_pass = runner.run_clean_tests
        # Asked when the pass is due: the runner is made before the record of calls.
        runner.run_clean_tests = lambda tests: (0 if unmutated_tests_passed(root)
                                                else clean_pass(tests))
        submit = runner.submit
        runner.submit = lambda name, tests, *limits: submit(
            name, fastest_first(tests, state().duration_by_test), *limits)
        return runner

    mutmut_main.run_stats_collection = record_and_note
    mutmut_main.get_mutant_runner = runner_without_repeated_pass


def main(arguments: list[str]) -> None:
    os.chdir(ROOT)
    if arguments[:1] == ["generate"]:
        generate(int(arguments[1]) if len(arguments) > 1 else os.cpu_count() or 1)
        return
    from mutmut import __main__ as mutmut_main

    skip_repeated_clean_pass()
    mutmut_main.cli(arguments, prog_name="mutmut")


if __name__ == "__main__":
    main(sys.argv[1:])
