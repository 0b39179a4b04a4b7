"""A write killed with SIGKILL at any moment leaves the register whole: the old content or
the new one, never a broken file, and the next write removes what the killed one left.

Its own file so that it runs beside tests/test_writeback.py under ``pytest -n 2``.
``TOOLKIT_KILLS`` sets the number of kills; tests/benchmarks/bench_writeback.py runs many.
"""

from __future__ import annotations

import os
import zipfile
from datetime import date

from helpers.kills import kill_writes, leftovers
from helpers.register_files import complaint

from toolkit.register.writeback import BACKUP_DAYS_KEPT, BACKUPS_KEPT, backups_of, mark_dates

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
