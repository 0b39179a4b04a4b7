"""Benchmark: 500 letters by the toolkit's batch renderer against a bare docxtpl loop.

    .venv/bin/python tests/benchmarks/bench_letters.py [COUNT]

The baseline is what one would write without the toolkit: for each letter, load the
template, render it (autoescape on, as the toolkit does) and save, in one process. Both
sides get the same template and the same 500 contexts. Goal (issue 3): at least 1.5 times
faster on a 2-core machine. The whole ``toolkit letters`` command (register read,
validation, 500 letters and 500 summary sheets) is timed too, for information.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from docxtpl import DocxTemplate

from toolkit.cli import main
from toolkit.letters.batch import TEMPLATES_DIR
from toolkit.letters.rendering import RenderJob, render_all
from toolkit.letters.rules import build_context
from toolkit.register.reading import Parameters
from toolkit.register.template import create_register

TODAY = date(2026, 11, 20)
TEMPLATE = TEMPLATES_DIR / "accuse.docx"
GOAL = 1.5


def rows(count: int) -> list[dict]:
    return [{"numero": f"2026-{n:04d}", "date_reclamation": date(2026, 11, 2),
             "canal": "Courrier", "civilite": "Madame", "nom": f"Cliente {n} & Fils <SARL>",
             "adresse": f"{n} rue des Lilas\n75020 Paris", "description": "Leçon annulée.",
             "categorie": "Planning / leçons"} for n in range(1, count + 1)]


def bare_loop(contexts: list[dict], out: Path) -> float:
    start = time.perf_counter()
    for index, context in enumerate(contexts):
        template = DocxTemplate(TEMPLATE)
        template.render(context, autoescape=True)
        template.save(out / f"{index}.docx")
    return time.perf_counter() - start


def toolkit_batch(contexts: list[dict], out: Path) -> float:
    jobs = [RenderJob(TEMPLATE, context, out / f"{index}.docx")
            for index, context in enumerate(contexts)]
    start = time.perf_counter()
    render_all(jobs)
    return time.perf_counter() - start


def whole_command(count: int, folder: Path) -> float:
    register = create_register(folder / "registre.xlsx", rows(count))
    start = time.perf_counter()
    main(["letters", "--register", str(register), "--today", TODAY.isoformat(),
          "--type", "accuse"])
    return time.perf_counter() - start


def run(count: int) -> float:
    params = Parameters(adresse="12 rue des Lilas\n75011 Paris", signataire="Claire Martin")
    contexts = [build_context("accuse", {"ligne": n + 2, **row}, params, TODAY)
                for n, row in enumerate(rows(count))]
    with tempfile.TemporaryDirectory() as tmp:
        base, tool = Path(tmp) / "bare", Path(tmp) / "toolkit"
        base.mkdir()
        tool.mkdir()
        bare = bare_loop(contexts, base)
        batch = toolkit_batch(contexts, tool)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the command's table is not the point
        try:
            command = whole_command(count, Path(tmp))
        finally:
            sys.stdout.close()
            sys.stdout = sys.__stdout__
    ratio = bare / batch
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{count} courriers, {cpus} cœurs")
    print(f"  boucle docxtpl simple (1 processus) : {bare:6.2f} s ({count / bare:5.0f}/s)")
    print(f"  toolkit (render_all)                : {batch:6.2f} s ({count / batch:5.0f}/s)")
    print(f"  rapport : {ratio:.2f}x (objectif >= {GOAL}x)")
    print(f"  commande complète (lecture, validation, {count} courriers + {count} fiches) : "
          f"{command:.2f} s")
    return ratio


if __name__ == "__main__":
    result = run(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
    sys.exit(0 if result >= GOAL else 1)
