"""Killing a real writer process with SIGKILL at random moments of its saves.

A "zygote" process imports the toolkit once, then forks one writer per kill: forking is
cheap, so many kills fit in a short run. Each writer loops on ``mark_dates`` (a new date
each time, the values of kill ``n`` all within its own block of days) until it is killed.
After each kill the register must open with openpyxl and with the toolkit's reader, every
other value must be as before, and the date must be the previous one or one of this
writer's: the old content or a new one, never a mix and never a broken file.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

BASE_DAY = date(2026, 11, 3)
ROW, KEY = 2, "date_accuse"
DAYS_PER_WRITER = 1000

ZYGOTE = r"""
import os, sys, traceback
from datetime import date, timedelta
import defusedxml, filelock, openpyxl, pandas, python_calamine  # noqa: loaded before forking
import defusedxml.ElementTree  # noqa: loaded before forking
import toolkit.register.template, toolkit.register.reading, toolkit.register.write_checks  # noqa
from toolkit.register.writeback import mark_dates

path, base, row, key, block = sys.argv[1], date.fromisoformat(sys.argv[2]), int(sys.argv[3]), \
    sys.argv[4], int(sys.argv[5])
# One write before forking: every module the write path imports on its way is loaded, so
# that a forked writer starts writing at once (a write takes a few hundredths of a second).
mark_dates(path, [(row, key, base)])
zygote = os.getpid()
for line in sys.stdin:
    writer = int(line)
    pid = os.fork()
    if pid == 0:
        try:
            step = 0
            while os.getppid() == zygote:  # never outlive a test that stopped early
                step += 1
                mark_dates(path, [(row, key, base + timedelta(days=block * writer + step))])
        except BaseException:
            traceback.print_exc()
            os._exit(3)
        os._exit(0)
    print(pid, flush=True)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
"""


@dataclass
class KillReport:
    kills: int = 0
    intact: int = 0
    during_save: int = 0  # killed after the temporary file was written, before the replace
    changed: int = 0  # kills after which the register held a new date
    write_seconds: float = 0.0
    seconds: float = 0.0


def temporary_registers(path: Path) -> list[Path]:
    """The new register a write saves beside the old one before replacing it."""
    return list(path.parent.glob(f".{path.stem}.toolkit-*.tmp{path.suffix}"))


def leftovers(path: Path) -> list[Path]:
    """Temporary files of a write beside the register or among its backups."""
    return [*path.parent.glob(f".{path.stem}.toolkit-*"),
            *(path.parent / "sauvegardes").glob(".*.partial")]


def _state(path: Path):
    import openpyxl

    from toolkit.register.reading import read_register

    openpyxl.load_workbook(path).close()
    frame = read_register(path).frame
    return frame.drop(columns=[KEY]), frame[KEY].iloc[ROW - 2]


def _writer_of(day: date) -> int:
    return (day - BASE_DAY).days // DAYS_PER_WRITER


def _start_zygote(path: Path) -> subprocess.Popen:
    # One BLAS thread: a forked child must not inherit a pool it cannot use.
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", ZYGOTE, str(path), BASE_DAY.isoformat(), str(ROW), KEY,
         str(DAYS_PER_WRITER)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment)


def _kill_one(zygote: subprocess.Popen, writer: int, delay: float) -> int:
    zygote.stdin.write(f"{writer}\n")
    zygote.stdin.flush()
    pid = int(zygote.stdout.readline())
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    return int(zygote.stdout.readline())


def kill_writes(path: Path, kills: int, seed: int = 7) -> KillReport:
    """Kill ``kills`` writers of the register at ``path``; raise AssertionError at the
    first kill after which the register is not intact."""
    from toolkit.register.writeback import mark_dates

    report, rng, started = KillReport(), random.Random(seed), time.perf_counter()
    clock = time.perf_counter()
    mark_dates(path, [(ROW, KEY, BASE_DAY)])
    report.write_seconds = time.perf_counter() - clock
    baseline, previous = _state(path)
    zygote = _start_zygote(path)
    try:
        for writer in range(1, kills + 1):
            # Up to 2.5 saves long: every moment of a save, and the start of the next ones (a
            # save takes a few hundredths of a second: a forked writer takes a little more).
            status = _kill_one(zygote, writer, rng.uniform(0, 2.5 * report.write_seconds))
            assert status == -signal.SIGKILL, f"writer {writer} ended by itself ({status})"
            report.kills += 1
            report.during_save += bool(temporary_registers(path))
            others, day = _state(path)
            assert others.equals(baseline), f"kill {writer}: other values changed"
            assert day == previous or _writer_of(day) == writer, f"kill {writer}: {day}"
            report.changed += day != previous
            report.intact += 1
            previous = day
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=30)
    report.seconds = time.perf_counter() - started
    return report
