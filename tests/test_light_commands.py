"""The commands staff run most often read the register without loading pandas (and numpy):
the import alone costs them more than the read (docs/developer/benchmarks.md). A change that
brings pandas back into ``status`` or ``new`` fails here, not only in a benchmark."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from helpers.register_files import complaint

from toolkit.register.reading import read_register

# Runs one command in a fresh interpreter, then says which heavy modules it imported.
_RUN = """
import json, sys
from toolkit.cli import main
code = main(sys.argv[1:])
print(json.dumps([code, sorted({"pandas", "numpy", "pandera"} & set(sys.modules))]))
"""


def _run(args: list[str], cwd) -> tuple[int, list[str], str]:
    done = subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, check=False)
    code, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    return code, loaded, done.stdout


@pytest.mark.parametrize("command", [
    ["status", "--json", "--today", "2026-11-20"],
    ["status", "--today", "2026-11-20"],
    ["new", "--today", "2026-11-20", "--canal", "Courriel", "--nom", "Hugo Petit",
     "--courriel", "hugo.petit@exemple.fr", "--description", "Leçon annulée."],
])
def test_status_and_new_run_without_pandas(make_register, tmp_path, command):
    register = make_register([complaint(), complaint("2026-002", date(2026, 11, 5),
                                                     date_reponse=date(2026, 11, 9))])
    code, loaded, output = _run([*command, "--register", str(register)], tmp_path)
    assert code == 0, output
    assert loaded == []
    if "--json" in command:  # the statuses, then the line printed by _RUN
        statuses = json.loads(output.rsplit("\n", 2)[0])
        assert sorted(s["numero"] for s in statuses) == ["2026-001", "2026-002"]
    if command[0] == "new":
        assert list(read_register(register).frame["nom"])[-1] == "Hugo Petit"
