"""Speed and memory of ``toolkit check`` and ``toolkit status`` on 1k, 10k and 100k rows.

Each figure stands next to a bare ``pandas.read_excel(path, engine="calamine")`` of the same
file, measured in the same run (interleaved, best of several), as library calls and as
real commands in a subprocess (the wheel installed in a virtualenv of its own,
tests/benchmarks/installed.py); on the largest size, the narrow register too (the mandatory
columns only). Goals (issue 24): ``status --json`` at most 1.3× the bare read's time and 1.5×
its peak memory on 100k rows, full and narrow registers; ``toolkit --help`` cold start
<= 0.3 s.

    python tests/benchmarks/bench_register.py [--sizes 1000 10000] [--publish]

``--publish`` replaces the table between ``<!-- bench:start -->`` and
``<!-- bench:end -->`` in docs/developer/benchmarks.md; ``make bench`` asks for it
(TOOLKIT_BENCH_PUBLISH=1).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from big_register import TODAY, cached_big_register  # noqa: E402
from helpers.register_files import ROOT, measure_command  # noqa: E402
from installed import installed  # noqa: E402
from publish import add_publish_option, replace_section  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
REPEATS = {1_000: 5, 10_000: 3, 100_000: 2}
GOAL_RATIO, GOAL_MEMORY, GOAL_COLD_START_S = 1.3, 1.5, 0.3
DOCS = ROOT / "docs" / "developer" / "benchmarks.md"
PANDAS_CODE = "import sys, pandas; pandas.read_excel(sys.argv[1], engine='calamine')"
COMMANDS = {"check": ["check"], "status": ["status"], "status --json": ["status", "--json"]}


def best_of(repeats: int, runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Best time of each run, the runs interleaved so that they share the machine's moods."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            gc.collect()
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def library_runs(path: Path) -> dict[str, Callable[[], object]]:
    import pandas as pd

    from toolkit.api import check_register, register_status

    def status_json() -> object:
        return [s.to_json() for s in register_status(path, TODAY).statuses]

    return {"pandas": lambda: pd.read_excel(path, engine="calamine"),
            "check": lambda: check_register(path, TODAY),
            "status": lambda: register_status(path, TODAY),
            "status --json": status_json}


def _quiet(argv: list[str]) -> Callable[[], object]:
    return lambda: subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  cwd=ROOT, check=False)


def command_runs(path: Path, python: str, toolkit: str) -> dict[str, Callable[[], object]]:
    today = TODAY.isoformat()
    runs = {"pandas": _quiet([python, "-c", PANDAS_CODE, str(path)])}
    for name, args in COMMANDS.items():
        runs[name] = _quiet([toolkit, *args, "--register", str(path), "--today", today])
    return runs


def peak_memory(path: Path, python: str, toolkit: str) -> dict[str, float]:
    """Peak resident memory (MB) of each command on ``path``, one subprocess each."""
    today = TODAY.isoformat()
    peaks = {"pandas": measure_command([python, "-c", PANDAS_CODE, str(path)]).peak_mb}
    for name, args in COMMANDS.items():
        run = measure_command([toolkit, *args, "--register", str(path), "--today", today])
        peaks[name] = run.peak_mb
    return peaks


def cold_start(toolkit: str, repeats: int = 7) -> float:
    return best_of(repeats, {"help": _quiet([toolkit, "--help"])})["help"]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                  if line.startswith("model name")]
        cpu = models[0] if models else cpu
    try:
        ram = f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} Go"
    except (ValueError, OSError, AttributeError):
        ram = "RAM inconnue"
    return (f"{os.cpu_count()} cœurs (nproc), {cpu}, {ram}, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def _thousands(number: int) -> str:
    return f"{number:_}".replace("_", "\u202f")


def _row(label: str, times: dict[str, float]) -> str:
    base = times["pandas"]
    cells = [f"{times['pandas']:.2f}"]
    for name in COMMANDS:
        cells += [f"{times[name]:.2f}", f"{times[name] / base:.2f}×"]
    return f"| {label} | " + " | ".join(cells) + " |"


def report(results: dict[str, dict[str, dict[str, float]]],
           peaks: dict[str, dict[str, float]], cold: float) -> str:
    head = ("| Registre | `pandas.read_excel` (s) | `check` (s) | ratio | `status` (s) | ratio "
            "| `status --json` (s) | ratio |\n|---|---|---|---|---|---|---|---|")
    lines = [head]
    for label, modes in results.items():
        lines.append(_row(f"{label}, bibliothèque", modes["library"]))
        lines.append(_row(f"{label}, commande", modes["command"]))
    lines.append("")
    for label, peak in peaks.items():
        timed = results[label]["command"]
        ratio = timed["status --json"] / timed["pandas"]
        memory = peak["status --json"] / peak["pandas"]
        verdict = "atteint" if ratio <= GOAL_RATIO and memory <= GOAL_MEMORY else "NON ATTEINT"
        lines.append(f"{label} : `status --json` {ratio:.2f}× le temps de la lecture seule "
                     f"(objectif ≤ {GOAL_RATIO}×), mémoire maximale {memory:.2f}× (objectif ≤ "
                     f"{GOAL_MEMORY}×) : {verdict}. Mémoire : " + ", ".join(
                         f"`{name}` {mb:.0f} Mo" for name, mb in peak.items()) + ".")
    lines.append(f"Démarrage à froid de `toolkit --help` : {cold:.3f} s (meilleur de 7, "
                 f"objectif ≤ {GOAL_COLD_START_S} s).")
    lines.append(f"Machine : {machine()}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    add_publish_option(parser)
    args = parser.parse_args(argv)
    results: dict[str, dict[str, dict[str, float]]] = {}
    # The commands run as an office installs them; the bare read in the same environment.
    python, toolkit = installed()
    largest = max(args.sizes)
    registers = [(f"{_thousands(size)} lignes", cached_big_register(size), size)
                 for size in args.sizes]
    registers.append((f"{_thousands(largest)} lignes, colonnes obligatoires seules",
                      cached_big_register(largest, narrow=True), largest))
    for label, path, size in registers:
        repeats = REPEATS.get(size, 2)
        print(f"{label} : {path}", flush=True)
        results[label] = {"library": best_of(repeats, library_runs(path)),
                          "command": best_of(repeats, command_runs(path, python, toolkit))}
    peaks = {label: peak_memory(path, python, toolkit) for label, path, size in registers
             if size == largest}
    text = report(results, peaks, cold_start(toolkit))
    print(text)
    if args.publish:
        replace_section("bench", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
