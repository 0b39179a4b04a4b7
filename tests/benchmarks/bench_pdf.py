"""Benchmark of ``toolkit letters --pdf``: one LibreOffice process converts a run's letters.

    .venv/bin/python tests/benchmarks/bench_pdf.py [--count 15] [--publish]

A register of ``count`` complaints gets its acknowledgements made, then their PDF copies are
made by ``toolkit letters --pdf --force`` twice: for one complaint (``--numero``), and for
all of them. Both are the real command in this process, best of 3, interleaved. LibreOffice's
start-up is most of one letter's conversion; with one process per run the whole batch costs
little more. Goal: ``count`` letters' PDFs in at most 2 times one letter's.

``--publish`` replaces the figures between ``<!-- bench-pdf:start -->`` and
``<!-- bench-pdf:end -->`` in docs/developer/benchmarks.md (``make bench`` asks for it).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from helpers.register_files import complaint  # noqa: E402
from publish import add_publish_option, replace_section  # noqa: E402

from toolkit.cli import main  # noqa: E402
from toolkit.register.template import create_register  # noqa: E402

TODAY = "04/11/2026"
GOAL = 2.0
REPEATS = 3
LETTERHEAD = {"adresse": "12 rue des Lilas\n75011 Paris", "signataire": "Claire Martin"}


def _letters(register: Path, *options: str) -> float:
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["letters", "--register", str(register), "--today", TODAY,
                     "--type", "accuse", *options])
    elapsed = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"toolkit letters {' '.join(options)} : code {code}")
    return elapsed


def run(count: int, folder: Path) -> dict[str, float]:
    rows = [complaint(f"2026-{n:03d}", date(2026, 11, 2), nom=f"Client {n}")
            for n in range(1, count + 1)]
    register = create_register(folder / "registre.xlsx", rows, LETTERHEAD)
    _letters(register)  # the letters themselves, once
    best = {"one": float("inf"), "all": float("inf")}
    for _ in range(REPEATS):
        best["one"] = min(best["one"], _letters(register, "--force", "--pdf",
                                                "--numero", "2026-001"))
        best["all"] = min(best["all"], _letters(register, "--force", "--pdf"))
    pdfs = list((folder / "dossiers").rglob("*_accuse.pdf"))
    if len(pdfs) != count:
        raise SystemExit(f"{len(pdfs)} PDF au lieu de {count}")
    return {**best, "ratio": best["all"] / best["one"]}


def doc_text(count: int, figures: dict[str, float]) -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return "\n".join([
        "| Courriers refaits avec `letters --force --pdf` | Temps (s) |", "|---|---|",
        f"| 1 | {figures['one']:.2f} |", f"| {count} | {figures['all']:.2f} |", "",
        f"Ratio {figures['ratio']:.2f}× (goal ≤ {GOAL}×): one LibreOffice process converts "
        "every letter of a run. Best of 3, interleaved, the whole command (register read, "
        "letters, PDFs, summary sheets).",
        f"Machine: {cpus} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}."])


def main_bench(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=15)
    add_publish_option(parser)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(args.count, Path(tmp))
    print(f"PDF de 1 courrier : {figures['one']:.2f} s ; de {args.count} courriers : "
          f"{figures['all']:.2f} s ; rapport {figures['ratio']:.2f}x (objectif <= {GOAL}x)")
    if args.publish:
        replace_section("bench-pdf", doc_text(args.count, figures))
    return 0 if figures["ratio"] <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main_bench())
