"""Output that cannot crash: legacy Windows code pages, closed pipes, Ctrl-C, a wrong
TOOLKIT_SOFFICE, and a complaint saved whose confirmation letter could not be made."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from helpers.register_files import complaint, toolkit_script

from toolkit.register.reading import read_register


def run_with(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """The real console script; stdout decoded with the encoding it was told to use."""
    encoding = env.get("PYTHONIOENCODING", "utf-8")
    return subprocess.run([toolkit_script(), *args], capture_output=True, cwd=cwd,
                          env={**os.environ, **env}, timeout=300, check=False,
                          text=True, encoding=encoding)


def names(register: Path) -> list[str]:
    return list(read_register(register).frame["nom"])


@pytest.mark.parametrize("encoding", ["cp850", "cp1252"])
def test_new_with_a_name_the_console_cannot_show(make_register, tmp_path, encoding):
    register = make_register([complaint()])
    done = run_with(["new", "--register", str(register), "--today", "2026-11-20",
                     "--canal", "Courriel", "--nom", "Łukasz Wałęsa", "--courriel",
                     "l.walesa@exemple.fr", "--description", "Leçon annulée — sans préavis…"],
                    tmp_path, PYTHONIOENCODING=encoding)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Réclamation 2026-002 enregistrée" in done.stdout
    assert "?ukasz Wa??sa" in done.stdout  # shown as well as the code page allows
    assert names(register) == ["Léa Moreau", "Łukasz Wałęsa"]  # the register keeps it all
    as_json = ["status", "--register", str(register), "--today", "2026-11-20", "--json"]
    legacy = run_with(as_json, tmp_path, PYTHONIOENCODING=encoding).stdout
    assert json.loads(legacy) == json.loads(run_with(as_json, tmp_path).stdout)  # nothing lost


@pytest.mark.parametrize("args", [["status", "--today", "2026-11-20"], ["templates"],
                                  ["new", "--help"], ["--help"]])
def test_commands_write_dashes_and_ellipses_to_cp850(make_register, tmp_path, args):
    register = make_register([complaint()])
    done = run_with([*args, *(["--register", str(register)] if args[0] != "--help" else [])],
                    tmp_path, PYTHONIOENCODING="cp850")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and done.stdout


def test_a_closed_pipe_ends_quietly(make_register, tmp_path):
    register = make_register([complaint(f"2026-{n:03d}") for n in range(1, 200)])
    child = subprocess.Popen([toolkit_script(), "status", "--register", str(register)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    child.stdout.close()  # the reader is gone before anything is written (| head -0)
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=120) == 141
    assert stderr == ""


def wait_until_blocked(pid: int) -> None:
    """Wait for the process to sleep in its read of the answer.

    input() flushes the question, then reads: a signal that lands between the two is handled
    before the read starts, and the read then waits for an answer that never comes (a race
    of a few microseconds at a desk, met under load). Once the process sleeps, the read has
    started and the signal interrupts it."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        time.sleep(1)
        return
    deadline = time.monotonic() + 60
    # the state follows the command name, which is in brackets and may hold spaces
    while stat.read_text().rpartition(")")[2].split()[0] != "S" and time.monotonic() < deadline:
        time.sleep(0.01)


def test_ctrl_c_exits_130(make_register, tmp_path):
    register = make_register([complaint()])
    # Started with Ctrl+C delivered, as from a console: a test run started in the background
    # (CI) hands its children Ctrl+C ignored, and Python would then keep ignoring it.
    child = subprocess.Popen([toolkit_script(), "new", "--register", str(register)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=tmp_path,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait for the first question: input() is reading
        if select.select([child.stdout], [], [], 1)[0]:
            break
    assert os.read(child.stdout.fileno(), 4096)
    wait_until_blocked(child.pid)
    child.send_signal(signal.SIGINT)
    # stdin stays open until the end, as a terminal's does: communicate() would close it, and
    # an end of input reaching the question before the signal is a different stop (exit 2).
    child.wait(timeout=60)
    stderr = child.stderr.read()
    child.stdin.close()
    child.stdout.close()
    child.stderr.close()
    assert child.returncode == 130
    assert "Interrompu." in stderr.decode() and b"Traceback" not in stderr
    assert names(register) == ["Léa Moreau"]


def test_a_wrong_toolkit_soffice_stops_before_any_letter(make_register, tmp_path):
    register = make_register([complaint()])
    done = run_with(["letters", "--register", str(register), "--today", "2026-11-03", "--pdf"],
                    tmp_path, TOOLKIT_SOFFICE=str(tmp_path / "pas-de-soffice.exe"))
    assert done.returncode == 2
    assert "TOOLKIT_SOFFICE désigne" in done.stderr and "Traceback" not in done.stderr
    assert not (register.parent / "dossiers").exists()


def test_confirmation_letter_impossible_says_the_complaint_is_saved(make_register, tmp_path):
    register = make_register([complaint(received=date(2026, 11, 2))])
    done = run_with(["new", "--register", str(register), "--today", "2026-11-20",
                     "--canal", "Téléphone", "--nom", "Karim Benali", "--description",
                     "Appel.", "--courrier-confirmation"], tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Réclamation enregistrée sous 2026-002" in done.stderr
    assert "ni adresse postale ni courriel" in done.stderr
    assert "Ne refaites pas « toolkit new »" in done.stderr
    assert (f'toolkit letters --type confirmation --numero 2026-002 --register "{register}"'
            in done.stderr)
    assert names(register) == ["Léa Moreau", "Karim Benali"]


def test_a_json_list_written_as_it_comes_is_valid_json_even_empty(capsys) -> None:
    from toolkit.cli.console import print_json_list

    print_json_list(iter([]))
    assert capsys.readouterr().out == "[]\n"
    print_json_list(iter(['{"numero": "2026-001"}', '{"numero": "2026-002"}']))
    assert json.loads(capsys.readouterr().out) == [{"numero": "2026-001"},
                                                  {"numero": "2026-002"}]


@pytest.mark.parametrize("count", [1, 999, 1000, 1001, 2003])
def test_a_json_list_written_by_batches_keeps_every_item_once(capsys, count) -> None:
    from toolkit.cli.console import JSON_BATCH, print_json_list

    assert JSON_BATCH == 1000  # the counts above sit around its boundaries
    items = [json.dumps({"numero": f"2026-{n:04d}"}) for n in range(count)]
    print_json_list(items)  # a list too, not only an iterator
    out = capsys.readouterr().out
    assert out == "[\n  " + ",\n  ".join(items) + "\n]\n"
    assert [item["numero"] for item in json.loads(out)] == [f"2026-{n:04d}"
                                                            for n in range(count)]


def _message_characters() -> dict[str, str]:
    """Each character of the toolkit's own texts (string constants that are neither a
    docstring nor a pattern) that cp850 or cp1252 cannot write → a module using it."""
    import ast
    import re
    import unicodedata

    found: dict[str, str] = {}
    package = Path(__file__).parents[1] / "toolkit"
    for module in sorted(set(package.rglob("*.py")) - {package / "display.py"}):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        skipped = {id(node.body[0].value) for node in ast.walk(tree)
                   if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                   and node.body and isinstance(node.body[0], ast.Expr)}
        skipped |= {id(argument) for node in ast.walk(tree) if isinstance(node, ast.Call)
                    and getattr(node.func, "attr", None) in ("compile", "sub", "match")
                    for argument in node.args[:1]}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in skipped:
                for char in re.sub(r"[\x00-\x7f]", "", node.value):
                    if unicodedata.category(char).startswith("C"):
                        continue
                    for encoding in ("cp850", "cp1252"):
                        try:
                            char.encode(encoding)
                        except UnicodeEncodeError:
                            found.setdefault(char, str(module.relative_to(package)))
    return found


def test_every_character_of_the_messages_has_a_console_stand_in():
    # A legacy console shows « ? » for a character its code page lacks: each one the
    # toolkit writes has a readable stand-in instead (→ as ->, € as EUR, … as ...).
    from toolkit.display import CONSOLE_FALLBACKS

    missing = {char: module for char, module in _message_characters().items()
               if char not in CONSOLE_FALLBACKS}
    assert missing == {}
    # The scan finds the ones already handled (the stand-ins' own table is not scanned).
    assert {"—", "…", "’", "€", "→", "›"} <= set(_message_characters())


@pytest.mark.parametrize(("args", "error"), [
    (["rgpd", "erase"], "toolkit rgpd erase : erreur : une de ces options est obligatoire : "
     "--client --courriel --numero"),
    (["rgpd", "erase", "--client", "Léa Moreau", "--numero", "2026-001"],
     "toolkit rgpd erase : erreur : --numero ne peut pas être donnée avec --client"),
    (["rgpd", "erase", "--c", "Léa"],
     "toolkit rgpd erase : erreur : option ambiguë --c (elle peut désigner --client, --courriel)"),
    (["sent", "--type", "accuse"],
     "toolkit sent : erreur : une de ces options est obligatoire : --numero --tous"),
    (["status", "--today"], "toolkit status : erreur : --today : une valeur est attendue"),
    (["status", "--bogus"], "toolkit : erreur : option ou argument inconnu : --bogus"),
    (["statut"], "toolkit : erreur : COMMANDE : choix invalide 'statut' (choix possibles : "
     "'init', 'check', 'status', 'letters', 'sent', 'templates', 'stats', 'report', 'new', "
     "'intake', 'audit', 'rgpd', 'config', 'demo')"),
])
def test_a_command_line_mistake_is_told_in_french(tmp_path, args, error):
    # argparse's own messages are English: each one staff can meet is said in French, with
    # the usage line above it, and nothing is done (exit 2).
    done = run_with(args, tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("Utilisation : toolkit")
    assert done.stderr.splitlines()[-1] == error
    assert list(tmp_path.iterdir()) == []
