"""Mutation testing of the core: ``make mutation``.

Runs mutmut (configured in pyproject.toml, ``[tool.mutmut]`` and ``[tool.toolkit.mutation]``)
over the core modules (one worker per core, or ``MUTATION_WORKERS``), then prints, per
module and in total, how many mutants the tests killed, and every surviving mutant.
Mutants listed in tests/mutation-equivalents.md (one per line, ``- `name`: why``) change
nothing a user could see: they are counted apart and not shown.

``python tests/mutation/run.py [module ...]`` limits the run to some modules
(``toolkit/register/deadlines.py``); ``--report`` only prints the last results.
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EQUIVALENTS = ROOT / "tests" / "mutation-equivalents.md"
TARGET_SCORE = 95.0
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


def mutmut(*arguments: str) -> subprocess.CompletedProcess:
    # Tests that run the installed CLI in a subprocess must import the mutated copy too.
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "mutants")}
    command = [str(Path(sys.executable).with_name("mutmut")), *arguments]
    return subprocess.run(command, cwd=ROOT, env=environment, text=True,
                          capture_output=arguments[0] == "results")


def run(modules: list[str]) -> float:
    started = time.perf_counter()
    # mutmut puts mutants/ first on its import path only when the folder exists at its
    # start: on a first run the tests would otherwise import the unmutated code.
    (ROOT / "mutants").mkdir(exist_ok=True)
    # One mutmut session for all: each session first runs every test the chosen mutants
    # need on the unmutated code, minutes that one session per module would repeat.
    # mutmut then takes the mutants cheapest first.
    workers = os.environ.get("MUTATION_WORKERS") or str(os.cpu_count() or 1)
    print(f"== mutmut ({workers} processus) : {', '.join(modules)}", flush=True)
    mutmut("run", "--max-children", workers,
           *(pattern for module in modules for pattern in mutant_patterns(module)))
    return time.perf_counter() - started


def equivalents() -> set[str]:
    if not EQUIVALENTS.exists():
        return set()
    lines = EQUIVALENTS.read_text(encoding="utf-8").splitlines()
    return {match.group(1) for match in map(_EQUIVALENT_LINE.match, lines) if match}


def module_of(mutant: str) -> str:
    """``toolkit.register.deadlines.x_ack_deadline__mutmut_3`` → ``toolkit.register.deadlines``."""
    return mutant.rsplit(".", 1)[0]


def results() -> dict[str, str]:
    output = mutmut("results", "--all", "true").stdout
    return {match.group(1): match.group(2).strip()
            for match in map(_RESULT_LINE.match, output.splitlines()) if match}


def report(modules: list[str]) -> bool:
    """Print the score per module and in total, and the survivors; True when on target."""
    patterns = [pattern for module in modules for pattern in mutant_patterns(module)]
    known_equivalent = equivalents()
    by_module: dict[str, Counter] = defaultdict(Counter)
    survivors = []
    for mutant, status in sorted(results().items()):
        if not any(fnmatch.fnmatchcase(mutant, pattern) for pattern in patterns):
            continue
        if status != "killed" and mutant in known_equivalent:
            status = "equivalent"
        by_module[module_of(mutant)][status] += 1
        if status not in ("killed", "equivalent"):
            survivors.append(f"{mutant}: {status}")
    total = Counter()
    for name in sorted(by_module):
        total.update(by_module[name])
        print(_score_line(name, by_module[name]))
    print(_score_line("total", total))
    for line in survivors:
        print(f"  survivor {line}")
    return _score(total) >= TARGET_SCORE


def _score(counts: Counter) -> float:
    judged = sum(counts.values()) - counts["equivalent"]
    return 100 * counts["killed"] / judged if judged else 100.0


def _score_line(name: str, counts: Counter) -> str:
    others = ", ".join(f"{status} {number}" for status, number in sorted(counts.items())
                       if status not in ("killed", "equivalent"))
    return (f"{name:40} {sum(counts.values()):5} mutants, killed {counts['killed']:5}, "
            f"equivalent {counts['equivalent']:3}, score {_score(counts):5.1f} %"
            + (f" ({others})" if others else ""))


def main(arguments: list[str]) -> int:
    only_report = "--report" in arguments
    modules = [a for a in arguments if not a.startswith("--")] or core_modules()
    if not only_report:
        print(f"run time: {run(modules) / 60:.1f} min", flush=True)
    return 0 if report(modules) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
