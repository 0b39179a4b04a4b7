"""The intake table stays aligned on a console that lacks « … » (cp850: written « ... »)."""

from __future__ import annotations

import os
import subprocess
import sys

from helpers import mail_files as mh
from helpers.register_files import ROOT

from toolkit.display import console_width, format_table


def test_console_width_counts_what_the_console_writes():
    assert console_width("Objet très long…", "utf-8") == 16
    assert console_width("Objet très long…", "cp850") == 18
    assert console_width("Cœur", "cp850") == 5


def test_table_aligned_for_cp850():
    table = format_table(("Objet", "Fin"), [("court", "x"), ("long…", "y")], "cp850")
    lines = table.replace("…", "...").split("\n")  # as the console writes it
    assert [line.index(end) for line, end in zip(lines[2:], "xy", strict=True)] == [9, 9]


def test_intake_table_aligned_under_cp850(make_register, tmp_path):
    register = make_register()
    folder = tmp_path / "in"
    mh.write(folder, "long.eml", mh.simple(
        "Réclamation : " + "leçons annulées sans report ni remboursement, " * 2,
        "<long@exemple.fr>", sender="Léa Moreau <lea@exemple.fr>",
        date="Mon, 02 Nov 2026 10:00:00 +0100"))
    mh.write(folder, "court.eml", mh.simple("Réclamation", "<court@exemple.fr>",
                                            sender="Eva Roy <eva@exemple.fr>",
                                            date="Tue, 03 Nov 2026 10:00:00 +0100"))
    done = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "intake", "--register", str(register),
         "--today", "2026-11-20", str(folder)],
        capture_output=True, cwd=ROOT, timeout=120, check=False,
        env={**os.environ, "PYTHONIOENCODING": "cp850"})
    out = done.stdout.decode("cp850")
    assert done.returncode == 0, done.stderr.decode("cp850")
    rows = [line for line in out.splitlines() if line.startswith("2026-00")]
    assert len(rows) == 2 and any("..." in row for row in rows)
    # « Au dossier » starts at the same column on every row, under its header.
    header = next(line for line in out.splitlines() if line.startswith("Numéro"))
    starts = {line.index("1 fichier") for line in rows}
    assert starts == {header.index("Au dossier")}
