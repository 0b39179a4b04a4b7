"""Benchmark: `toolkit report` (and `toolkit stats`) on the sample, on a 10,000-row register
and on five agencies' registers of 20,000 rows each, reported together.

    .venv/bin/python tests/benchmarks/bench_report.py [--count 10000] [--agencies 5]
        [--agency-rows 20000] [--publish]

Each command runs as users run it, in a fresh process (interpreter start, registers read,
kernel start, notebook, HTML export), so the times are what management waits for.
Goals: the report within 15 s on 10,000 complaints (issue 4), and within 30 s on five
registers of 20,000 (issue 14). ``--publish`` replaces the text between
``<!-- bench-report:start -->`` and ``<!-- bench-report:end -->`` in
docs/developer/benchmarks.md; ``make bench`` asks for it (TOOLKIT_BENCH_PUBLISH=1).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_register import machine
from big_register import TODAY, cached_big_register
from publish import add_publish_option, replace_section

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "register" / "exemple_registre.xlsx"
MONTH = f"{TODAY:%Y-%m}"
GOAL_SECONDS = 15.0
NETWORK_GOAL_SECONDS = 30.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: str, registers: list[Path], *extra: str) -> tuple[float, float]:
    """Elapsed and processor seconds of one command (the report's Python kernel included:
    on a busy shared machine the second says what the command itself costs)."""
    options = [part for register in registers for part in ("--register", str(register))]
    argv = [sys.executable, "-m", "toolkit.cli", command, *options, "--month", MONTH,
            "--today", TODAY.isoformat(), *extra]
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode != 0:
        sys.exit(f"échec de {' '.join(argv)} :\n{done.stderr}")
    return elapsed, cpu


def measure(label: str, registers: list[Path], out: Path) -> tuple[float, float, float]:
    stats, _ = timed("stats", registers, "--json")
    report, cpu = timed("report", registers, "--out", str(out))
    size = (out / f"rapport_{MONTH}.html").stat().st_size // 1024
    print(f"{label:<34} stats {stats:5.1f} s   report {report:5.1f} s (processeur "
          f"{cpu:4.1f} s)   HTML {size} Ko", flush=True)
    return stats, report, cpu


def _verdict(seconds: float, goal: float) -> str:
    return "atteint" if seconds <= goal else "NON ATTEINT"


def published_text(rows: list[tuple[str, float, float, float]],
                goals: list[tuple[str, float, float]], load: float) -> str:
    lines = ["| Registres | `stats --json` (s) | `report` (s) | `report`, temps processeur (s) |",
             "|---|---|---|---|"]
    lines += [f"| {label} | {stats:.1f} | {report:.1f} | {cpu:.1f} |"
              for label, stats, report, cpu in rows]
    lines.append("")
    lines += [f"Objectif : rapport en {goal:.0f} s au plus sur {label} — {seconds:.1f} s, "
              f"{_verdict(seconds, goal)}." for label, seconds, goal in goals]
    lines.append(f"Une seule mesure par commande (nouveau processus), charge moyenne de la "
                 f"machine au départ : {load:.1f}. Machine : {machine()}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--agencies", type=int, default=5)
    parser.add_argument("--agency-rows", type=int, default=20_000)
    add_publish_option(parser)
    args = parser.parse_args(argv)
    big = cached_big_register(args.count)
    network = [cached_big_register(args.agency_rows, agency=number)
               for number in range(1, args.agencies + 1)]
    labels = ("registre d'exemple", f"1 registre de {args.count} lignes",
              f"{args.agencies} registres de {args.agency_rows} lignes")
    load = os.getloadavg()[0]
    runs = zip(labels, ([SAMPLE], [big], network), strict=True)
    with tempfile.TemporaryDirectory() as folder:
        rows = [(label, *measure(label, registers, Path(folder) / str(index)))
                for index, (label, registers) in enumerate(runs)]
    goals = [(labels[1], rows[1][2], GOAL_SECONDS), (labels[2], rows[2][2],
                                                      NETWORK_GOAL_SECONDS)]
    text = published_text(rows, goals, load)
    print(text)
    if args.publish:
        replace_section("bench-report", text)
    return 0 if all(seconds <= goal for _, seconds, goal in goals) else 1


if __name__ == "__main__":
    sys.exit(main())
