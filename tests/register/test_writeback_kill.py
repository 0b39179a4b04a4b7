"""A write killed with SIGKILL at any moment leaves the register whole: the old content or
the new one, never a broken file, and the next write removes what the killed one left.

Its own file so that it runs beside tests/test_writeback.py under ``pytest -n 2``.
``TOOLKIT_KILLS`` sets the number of kills; tests/benchmarks/bench_writeback.py runs many.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import zipfile
from datetime import date

from helpers.kills import kill_writes, leftovers
from helpers.register_files import complaint

from toolkit.register.writeback import (
    BACKUP_DAYS_KEPT,
    BACKUP_DIRNAME,
    BACKUPS_KEPT,
    backups_of,
    mark_dates,
)

KILLS = int(os.environ.get("TOOLKIT_KILLS", "25"))


def test_a_killed_save_never_breaks_the_register(make_register):
    path = make_register([complaint(description="x" * 2000), complaint("2026-002")])
    report = kill_writes(path, KILLS)
    assert report.intact == report.kills == KILLS
    assert report.changed > 0  # the writers did write between kills
    # Some kills hit the save itself: the new register was on disk, not yet in place.
    assert report.during_save > 0
    mark_dates(path, [(2, "date_accuse", date(2026, 11, 9))])
    assert not leftovers(path)
    assert len(backups_of(path)) <= BACKUPS_KEPT + BACKUP_DAYS_KEPT
    for kept in backups_of(path):  # a backup is renamed into place only once complete
        with zipfile.ZipFile(kept) as archive:
            assert archive.testzip() is None


# A backup killed once its copy is on disk, before the rename that puts it in place.
_KILLED_WHILE_BACKING_UP = """
import os, shutil, signal, sys
from pathlib import Path
from toolkit.register.writeback import backup

copy = shutil.copy2

def copy_then_killed(source, target):
    copy(source, target)
    os.kill(os.getpid(), signal.SIGKILL)

shutil.copy2 = copy_then_killed
backup(Path(sys.argv[1]))
"""


def test_a_backup_killed_while_copying_is_removed_by_the_next_write(make_register):
    # A half-made backup is a copy of clients' data: the next write must find it and erase
    # it, so it bears the name the cleaning looks for.
    path = make_register([complaint()])
    killed = subprocess.run([sys.executable, "-c", _KILLED_WHILE_BACKING_UP, str(path)],
                            check=False)
    assert killed.returncode == -signal.SIGKILL
    folder = path.parent / BACKUP_DIRNAME
    [left] = folder.iterdir()
    assert left.name.startswith(".") and not backups_of(path)
    mark_dates(path, [(2, "date_accuse", date(2026, 11, 9))])
    assert [kept.name for kept in folder.iterdir()] == [backups_of(path)[0].name]
