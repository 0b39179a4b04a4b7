"""Benchmark: `toolkit report` (and `toolkit stats`) on the sample and on a 10,000-row register.

    .venv/bin/python tests/benchmarks/bench_report.py [COUNT]

Each command runs as users run it, in a fresh process (interpreter start, register read,
kernel start, notebook, HTML export), so the times are what management waits for.
Goal (issue 4): the report within 15 s on 10,000 complaints.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from big_register import TODAY, cached_big_register

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "register" / "exemple_registre.xlsx"
MONTH = f"{TODAY:%Y-%m}"
GOAL_SECONDS = 15.0


def timed(command: str, register: Path, *extra: str) -> float:
    argv = [sys.executable, "-m", "toolkit.cli", command, "--register", str(register),
            "--month", MONTH, "--today", TODAY.isoformat(), *extra]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"échec de {' '.join(argv)} :\n{done.stderr}")
    return elapsed


def measure(label: str, register: Path, out: Path) -> float:
    stats = timed("stats", register, "--json")
    report = timed("report", register, "--out", str(out))
    size = (out / f"rapport_{MONTH}.html").stat().st_size // 1024
    print(f"{label:<28} stats {stats:5.1f} s   report {report:5.1f} s   HTML {size} Ko")
    return report


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    big = cached_big_register(count)
    with tempfile.TemporaryDirectory() as folder:
        measure("registre d'exemple", SAMPLE, Path(folder) / "sample")
        slowest = measure(f"registre de {count} lignes", big, Path(folder) / "big")
    verdict = "OK" if slowest <= GOAL_SECONDS else "TROP LENT"
    print(f"objectif : rapport en {GOAL_SECONDS:.0f} s au plus sur {count} lignes — {verdict}")
    return 0 if slowest <= GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
