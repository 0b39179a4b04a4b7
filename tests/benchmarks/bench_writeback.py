"""Benchmark: writing back to large registers, and many kills in the middle of saves.

    .venv/bin/python tests/benchmarks/bench_writeback.py [KILLS]

- one ``mark_dates`` (one cell), one ``append_complaints`` (one row) and one
  ``record_complaint`` (what ``toolkit new`` does: lock, read, number, write, dossier) on
  1k and 10k-row registers, next to a bare openpyxl load and save of the same file: the
  floor of any write through openpyxl, so the ratio is the price of the safety (checks,
  backup, recreated features, verification);
- eight ``toolkit new`` processes started together on a fresh register: they queue on the
  register's lock; wall time and rows written;
- KILLS (default 200; 0 skips this part) SIGKILLs at random moments of a write loop on a
  small register, and 20 on the 10k-row register, whose saves last longer: every register
  must stay whole.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from big_register import cached_big_register
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: helpers.kills

from helpers.kills import kill_writes

from toolkit.intake.recording import record_complaint
from toolkit.register.reading import read_register
from toolkit.register.template import create_register
from toolkit.register.writeback import append_complaints, mark_dates

SIZES = (1_000, 10_000)
BIG_KILLS = 20


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bare_save(path: Path) -> float:
    return _timed(lambda: load_workbook(path).save(path.with_name("bare.xlsx")))


def write_figures(size: int, folder: Path) -> tuple[float, float, float, float]:
    path = Path(shutil.copy(cached_big_register(size), folder / f"registre_{size}.xlsx"))
    bare = bare_save(path)
    mark = _timed(lambda: mark_dates(path, [(size // 2, "date_accuse", date(2026, 11, 20))]))
    row = {"date_reclamation": date(2026, 11, 20), "canal": "Courriel", "nom": "=1+1",
           "description": "Leçon annulée.", "numero": "2026-999999"}
    append = _timed(lambda: append_complaints(path, [row]))
    new_row = {key: value for key, value in row.items() if key != "numero"}
    new = _timed(lambda: record_complaint(path, new_row, folder / f"dossiers_{size}"))
    return bare, mark, append, new


def parallel_writers(folder: Path, count: int = 8) -> tuple[float, int]:
    """``count`` real ``toolkit new`` started together; wall time and rows added."""
    path = create_register(folder / "parallele.xlsx")
    command = [str(Path(sys.executable).with_name("toolkit")), "new", "--register", str(path),
               "--canal", "Courrier", "--nom", "Client", "--description", "Leçon annulée."]
    start = time.perf_counter()
    processes = [subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for _ in range(count)]
    codes = [process.wait() for process in processes]
    seconds = time.perf_counter() - start
    assert codes == [0] * count, codes
    return seconds, len(read_register(path).frame)


def main() -> None:
    kills = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        print("| Lignes | openpyxl seul (charger + enregistrer) | mark_dates (1 cellule) | "
              "append_complaints (1 ligne) | toolkit new (bibliothèque) |\n"
              "|---|---|---|---|---|")
        for size in SIZES:
            bare, mark, append, new = write_figures(size, folder)
            print(f"| {size:,} | {bare:.2f} s | {mark:.2f} s ({mark / bare:.1f}×) | "
                  f"{append:.2f} s ({append / bare:.1f}×) | {new:.2f} s ({new / bare:.1f}×) |"
                  .replace(",", " "))
        seconds, rows = parallel_writers(folder)
        print(f"\n8 « toolkit new » lancés ensemble : {seconds:.1f} s, {rows} lignes écrites.")
        if not kills:
            return
        small = create_register(folder / "petit.xlsx", [
            {"numero": "2026-001", "date_reclamation": date(2026, 11, 2), "canal": "Courriel",
             "nom": "Léa Moreau", "description": "x" * 2000}])
        for label, path, count in (("petit registre", small, kills),
                                   ("10 000 lignes", Path(shutil.copy(
                                       cached_big_register(10_000), folder / "gros.xlsx")),
                                    BIG_KILLS)):
            report = kill_writes(path, count)
            print(f"\nSIGKILL pendant l'écriture ({label}) : {report.kills} arrêts, "
                  f"{report.intact} registres intacts, {report.during_save} pendant "
                  f"l'enregistrement du fichier temporaire, {report.changed} après lesquels "
                  f"le registre portait la nouvelle valeur ; une écriture : "
                  f"{report.write_seconds:.2f} s ; durée totale {report.seconds:.0f} s.")


if __name__ == "__main__":
    main()
