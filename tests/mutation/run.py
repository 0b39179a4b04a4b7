"""Mutation testing of the core: ``make mutation``.

Runs mutmut (configured in pyproject.toml, ``[tool.mutmut]`` and ``[tool.toolkit.mutation]``)
over the core modules (one worker per core, or ``MUTATION_WORKERS``), then prints, per
module and in total, how many mutants the tests killed, and every surviving mutant.
Mutants listed in tests/mutation-equivalents.md (one per line, ``- `name`: why``) change
nothing a user could see: they are counted apart and not shown.

``python tests/mutation/run.py [module ...]`` limits the run to some modules
(``toolkit/rules/deadlines.py``); ``--report`` only prints the last results; ``--resume``
runs only the mutants without a result (an interrupted run goes on); ``--sample N``
(with ``--seed S``, 0 by default) runs, or with ``--report`` reports on, N mutants drawn at
random among those not listed as equivalent: the score of a sample, with its 95 % interval,
estimates the modules' score in a fraction of the time. The draw is kept in
``mutants/sample-N-S.txt``, so that the report names the mutants that ran. ``--quick S``
runs the chosen mutants without a result against the fastest of their tests only (up to S
seconds of them) and keeps the kills; the others are left for a full run (``--resume``).
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EQUIVALENTS = ROOT / "tests" / "mutation-equivalents.md"
SESSION = Path(__file__).with_name("session.py")
TARGET_SCORE = 95.0
NOT_RUN = "not checked"  # mutmut's word for a mutant without a result yet
# In mutants/: the core modules' digest when mutmut last recorded which tests call what.
STATS_SOURCES = "stats-sources.sha256"
# In mutants/ while a quick pass runs: mutmut's whole record and the mutants the pass runs.
QUICK_PASS = "quick-pass.json"
_RESULT_LINE = re.compile(r"^\s+(\S+): (.+)$")
_EQUIVALENT_LINE = re.compile(r"^- `([^`]+)`")


def _configuration() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["tool"]


def core_modules() -> list[str]:
    return _configuration()["mutmut"]["only_mutate"]


def dotted(module: str) -> str:
    return module.removesuffix(".py").replace("/", ".")


def mutant_patterns(module: str) -> list[str]:
    """mutmut's names of the module's mutants to run: all, or those of the listed functions."""
    functions = _configuration()["toolkit"]["mutation"]["functions"].get(module)
    if not functions:
        return [f"{dotted(module)}.*"]
    return [f"{dotted(module)}.x_{function}__mutmut_*" for function in functions]


def patterns_of(modules: list[str], sample: list[str] | None = None) -> list[str]:
    """mutmut's names of the mutants to take: the ``sample``'s, or all of ``modules``'."""
    return sample or [pattern for module in modules for pattern in mutant_patterns(module)]


def workers() -> str:
    """How many mutants run at once: ``MUTATION_WORKERS``, or one per core."""
    return os.environ.get("MUTATION_WORKERS") or str(os.cpu_count() or 1)


def mutmut(*arguments: str) -> subprocess.CompletedProcess:
    """mutmut's command line, through tests/mutation/session.py (which skips a second pass
    of the unmutated tests, and adds ``generate``)."""
    # Tests that run the installed CLI in a subprocess must import the mutated copy too.
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "mutants")}
    command = [sys.executable, str(SESSION), *arguments]
    return subprocess.run(command, cwd=ROOT, env=environment, text=True,
                          capture_output=arguments[0] == "results")


def refresh_unmutated_copies() -> None:
    """Copy into mutants/ the source files changed since mutmut first copied them: mutmut
    regenerates the mutated modules, but copies the others only once, and tests would then
    run against stale code (and fail, "killing" mutants for the wrong reason)."""
    mutated = set(core_modules())
    for source in (ROOT / "toolkit").rglob("*.py"):
        relative = source.relative_to(ROOT)
        copy = ROOT / "mutants" / relative
        if relative.as_posix() in mutated or (copy.exists() and
                                              copy.read_bytes() == source.read_bytes()):
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)


def _core_digest(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for module in sorted(core_modules()):
        digest.update(module.encode() + b"\0" + (root / module).read_bytes())
    return digest.hexdigest()


def drop_stale_stats(mutants: Path, digest: str) -> None:
    """Make mutmut record again which tests call each function when a mutated module
    changed since it last did. mutmut records it once, then only adds the calls of tests
    that are new: a function changed since keeps only those (seen: ``_first_wrong_value``
    selected 1 test of the 155 that call it), and its mutants survive for want of a test
    run. Killed mutants stay killed; a survivor is one only after a full record.
    ``digest``: the mutated modules' (:func:`_core_digest`)."""
    marker = mutants / STATS_SOURCES
    if not marker.exists() or marker.read_text(encoding="utf-8") != digest:
        (mutants / "mutmut-stats.json").unlink(missing_ok=True)
        marker.write_text(digest, encoding="utf-8")


def sample_of(names: list[str], size: int, seed: int) -> list[str]:
    """``size`` of ``names`` drawn at random, the same for the same names, size and seed."""
    return sorted(random.Random(seed).sample(sorted(names), min(size, len(names))))


def drawn_mutants(modules: list[str], size: int, seed: int, root: Path = ROOT) -> list[str]:
    """The sample of ``modules``' mutants that ``--sample size --seed seed`` names, drawn
    among the mutants of the code as it is (mutmut writes them first). The first draw is
    kept in mutants/ and used from then on: mutmut renumbers a changed function's mutants
    when it runs, and a new draw would then name other mutants than those that ran
    (another seed gives a new draw)."""
    patterns = patterns_of(modules)
    kept = root / "mutants" / f"sample-{size}-{seed}.txt"
    if kept.exists():
        return [name for name in kept.read_text(encoding="utf-8").split()
                if _matches(name, patterns)]
    known_equivalent = equivalents()
    # mutmut's list is of the code it last mutated: a function changed since keeps its old
    # numbers until mutmut writes its mutants again (seen: a draw naming _check_tail's
    # mutant 16, when the function now has 8). On a new checkout the list is empty.
    mutmut("generate", workers())
    mutants = results()
    candidates = [name for name in mutants
                  if _matches(name, patterns) and name not in known_equivalent]
    if not candidates:
        # An empty draw would be taken for "no sample" and run every mutant of the core.
        raise RuntimeError(f"no mutant to draw among {', '.join(modules)}")
    drawn = sample_of(candidates, size, seed)
    kept.parent.mkdir(exist_ok=True)
    kept.write_text("".join(f"{name}\n" for name in drawn), encoding="utf-8")
    return drawn


def wilson_interval(killed: int, judged: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % interval of a score measured on a random sample (Wilson's, in %): it stays
    inside 0–100 and is not empty when every sampled mutant was killed."""
    if not judged:
        return 0.0, 100.0
    share = killed / judged
    spread = z * z / judged
    centre = (share + spread / 2) / (1 + spread)
    half = z * math.sqrt(share * (1 - share) / judged + spread / (4 * judged)) / (1 + spread)
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def run(modules: list[str], resume: bool = False, sample: list[str] | None = None) -> float:
    """Run the mutants of ``modules``: all of them, those without a result yet
    (``resume``, so that an interrupted run goes on where it stopped), or the ``sample``."""
    started = time.perf_counter()
    # mutmut puts mutants/ first on its import path only when the folder exists at its
    # start: on a first run the tests would otherwise import the unmutated code.
    (ROOT / "mutants").mkdir(exist_ok=True)
    end_quick_pass()
    refresh_unmutated_copies()
    drop_stale_stats(ROOT / "mutants", _core_digest())
    patterns = patterns_of(modules, sample)
    if resume:
        patterns = [name for name, status in results().items()
                    if status == NOT_RUN and _matches(name, patterns)]
        if not patterns:
            return time.perf_counter() - started
    # One mutmut session for all: each session first runs every test the chosen mutants
    # need on the unmutated code, minutes that one session per module would repeat.
    # mutmut then takes the mutants cheapest first.
    count = workers()
    print(f"== mutmut ({count} processus) : {', '.join(modules)}", flush=True)
    mutmut("run", "--max-children", count, *patterns)
    return time.perf_counter() - started


def fastest_tests(tests: list[str], durations: dict[str, float], budget: float) -> list[str]:
    """The fastest of ``tests``, as many as fit in ``budget`` seconds of their recorded
    ``durations``, and at least one."""
    chosen, total = [], 0.0
    for test in sorted(tests, key=lambda test: (durations.get(test, 0.0), test)):
        total += durations.get(test, 0.0)
        if chosen and total > budget:
            break
        chosen.append(test)
    return chosen


def quick_record(stats: dict, budget: float) -> dict:
    """mutmut's record of which tests call what, each function's tests cut to the
    :func:`fastest_tests` within ``budget``."""
    durations = stats["duration_by_test"]
    return {**stats, "tests_by_mangled_function_name": {
        function: fastest_tests(tests, durations, budget)
        for function, tests in stats["tests_by_mangled_function_name"].items()}}


def forget_unkilled(names: set[str], root: Path = ROOT) -> int:
    """Set the results of ``names`` other than kills back to "not checked" (mutmut's
    ``.meta`` files), so that a full run judges them; the number set back."""
    from mutmut.stats import status_by_exit_code

    forgotten = 0
    for meta_path in (root / "mutants").rglob("*.py.meta"):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        codes = meta["exit_code_by_key"]
        unkilled = [name for name in names & codes.keys()
                    if codes[name] is not None and status_by_exit_code[codes[name]] != "killed"]
        for name in unkilled:
            codes[name] = None
        if unkilled:
            meta_path.write_text(json.dumps(meta, indent=4), encoding="utf-8")
            forgotten += len(unkilled)
    return forgotten


def end_quick_pass(root: Path = ROOT) -> None:
    """Put back mutmut's whole record and set the quick pass's non-kills back to "not
    checked" (:func:`forget_unkilled`); run again before any run, for a pass that was
    killed before it could (no survivor of a cut record may stay one)."""
    state = root / "mutants" / QUICK_PASS
    if not state.exists():
        return
    saved = json.loads(state.read_text(encoding="utf-8"))
    (root / "mutants" / "mutmut-stats.json").write_text(saved["record"], encoding="utf-8")
    forget_unkilled(set(saved["mutants"]), root)
    state.unlink()


def quick(modules: list[str], budget: float, sample: list[str] | None = None) -> Counter:
    """Run the mutants of ``modules`` (or the ``sample``) that have no result against the
    :func:`fastest_tests` of their function only, and keep only the kills: the others go
    back to "not checked" for a full run (only a full run calls a mutant a survivor).
    A mutant of a function that hundreds of tests call is usually killed by one of its
    first; a survivor then costs ``budget`` seconds instead of all its tests. mutmut's
    record is cut for this one session and put back whatever happens."""
    end_quick_pass()
    record = ROOT / "mutants" / "mutmut-stats.json"
    marker = ROOT / "mutants" / STATS_SOURCES
    if not record.exists() or not marker.exists() or \
            marker.read_text(encoding="utf-8") != _core_digest():
        # The record would be made again, whole, by the session meant to use a cut one.
        raise RuntimeError("the core changed since mutmut last recorded which tests call "
                           "what: run it first (--resume)")
    patterns = patterns_of(modules, sample)
    waiting = [name for name, status in results().items()
               if status == NOT_RUN and _matches(name, patterns)]
    if not waiting:
        return Counter()
    full = record.read_text(encoding="utf-8")
    (ROOT / "mutants" / QUICK_PASS).write_text(
        json.dumps({"record": full, "mutants": waiting}), encoding="utf-8")
    try:
        record.write_text(json.dumps(quick_record(json.loads(full), budget)), encoding="utf-8")
        refresh_unmutated_copies()
        mutmut("run", "--max-children", workers(), *waiting)
    finally:
        end_quick_pass()
    statuses = results()
    killed = sum(statuses.get(name) == "killed" for name in waiting)
    return Counter({"killed": killed, "left for a full run": len(waiting) - killed})


def _matches(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def equivalents() -> set[str]:
    if not EQUIVALENTS.exists():
        return set()
    lines = EQUIVALENTS.read_text(encoding="utf-8").splitlines()
    return {match.group(1) for match in map(_EQUIVALENT_LINE.match, lines) if match}


def module_of(mutant: str) -> str:
    """``toolkit.rules.deadlines.x_ack_deadline__mutmut_3`` → ``toolkit.rules.deadlines``."""
    return mutant.rsplit(".", 1)[0]


def results() -> dict[str, str]:
    output = mutmut("results", "--all", "true").stdout
    return {match.group(1): match.group(2).strip()
            for match in map(_RESULT_LINE.match, output.splitlines()) if match}


def report(modules: list[str], sample: list[str] | None = None) -> bool:
    """Print the score per module and in total, and the survivors; True when on target.
    For a ``sample``: its mutants only, and the interval the modules' score lies in."""
    patterns = patterns_of(modules, sample)
    known_equivalent = equivalents()
    by_module: dict[str, Counter] = defaultdict(Counter)
    survivors = []
    for mutant, status in sorted(results().items()):
        if not _matches(mutant, patterns):
            continue
        if status not in ("killed", NOT_RUN) and mutant in known_equivalent:
            status = "equivalent"
        by_module[module_of(mutant)][status] += 1
        if status not in ("killed", "equivalent", NOT_RUN):
            survivors.append(f"{mutant}: {status}")
    total = Counter()
    for name in sorted(by_module):
        total.update(by_module[name])
        print(_score_line(name, by_module[name]))
    print(_score_line("total", total))
    for line in survivors:
        print(f"  survivor {line}")
    if sample is None:
        return _score(total) >= TARGET_SCORE and not total[NOT_RUN]
    judged = sum(total.values()) - total["equivalent"] - total[NOT_RUN]
    low, high = wilson_interval(total["killed"], judged)
    print(f"sample of {len(sample)} mutants: score of the modules between {low:.1f} % "
          f"and {high:.1f} % (95 % interval)")
    return low >= TARGET_SCORE and not total[NOT_RUN]


def _score(counts: Counter) -> float:
    """Killed among the mutants run (a mutant not run yet is not counted as killed)."""
    judged = sum(counts.values()) - counts["equivalent"] - counts[NOT_RUN]
    return 100 * counts["killed"] / judged if judged else 100.0


def _score_line(name: str, counts: Counter) -> str:
    others = ", ".join(f"{status} {number}" for status, number in sorted(counts.items())
                       if status not in ("killed", "equivalent"))
    return (f"{name:40} {sum(counts.values()):5} mutants, killed {counts['killed']:5}, "
            f"equivalent {counts['equivalent']:3}, score {_score(counts):5.1f} %"
            + (f" ({others})" if others else ""))


def _parsed(arguments: list[str]) -> tuple[list[str], set[str], dict[str, int]]:
    """Modules, flags (``--report``, ``--resume``) and numbers (``--sample N``, ``--seed S``,
    ``--quick S``). An unknown option stops here: taken for a module, it started a whole run."""
    parser = argparse.ArgumentParser(prog="tests/mutation/run.py", description=(
        "Mutation testing of the core (docs/developer/mutation.md)."))
    parser.add_argument("modules", nargs="*", help="modules to mutate (all of the core by default)")
    parser.add_argument("--report", action="store_true", help="only print the last results")
    parser.add_argument("--resume", action="store_true", help="run only mutants without a result")
    parser.add_argument("--sample", type=int, metavar="N", help="N mutants drawn at random")
    parser.add_argument("--seed", type=int, metavar="S", help="the draw's seed (0 by default)")
    parser.add_argument("--quick", type=int, metavar="S",
                        help="each mutant against its fastest tests only, up to S seconds")
    options = parser.parse_args(arguments)
    flags = {f"--{name}" for name in ("report", "resume") if getattr(options, name)}
    numbers = {f"--{name}": getattr(options, name) for name in ("sample", "seed", "quick")
               if getattr(options, name) is not None}
    return options.modules or core_modules(), flags, numbers


def main(arguments: list[str]) -> int:
    modules, flags, numbers = _parsed(arguments)
    try:
        sample = None
        if "--sample" in numbers:
            sample = drawn_mutants(modules, numbers["--sample"], numbers.get("--seed", 0))
        if "--quick" in numbers:
            started = time.perf_counter()
            counts = quick(modules, numbers["--quick"], sample)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 2
    if "--quick" in numbers:
        print(f"quick tests ({(time.perf_counter() - started) / 60:.1f} min): "
              + ", ".join(f"{status} {number}" for status, number in sorted(counts.items())))
    elif "--report" not in flags:
        minutes = run(modules, resume="--resume" in flags, sample=sample) / 60
        print(f"run time: {minutes:.1f} min", flush=True)
    return 0 if report(modules, sample) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
