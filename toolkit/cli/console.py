"""What the command line shares: French argparse, exit codes, a console that never fails on
a character its encoding lacks, JSON output.

Output never crashes on the console's encoding: a character the console cannot show
(cp850, cp1252...) is written as a close ASCII equivalent or ``?``; JSON is then written
with ASCII escapes, which lose nothing.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import json
import os
import re
import sys
from collections.abc import Iterable
from itertools import islice

from toolkit.display import CONSOLE_FALLBACKS

# Exit codes, as docs/guide/commandes.md lists them.
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_UNEXPECTED = 3  # a fault of the tool itself: the traceback is in the log file
EXIT_INTERRUPTED, EXIT_CLOSED_PIPE = 130, 141  # 128 + SIGINT, 128 + SIGPIPE, as shells do
JSON_BATCH = 1000  # items of a JSON list written at once
CONSOLE_ERRORS = "toolkit-console"

_ARGPARSE_FR = (
    (r"unrecognized arguments: (.*)", r"option ou argument inconnu : \1"),
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)",
     r"\1 : choix invalide \2 (choix possibles : \3)"),
    (r"argument (\S+): expected one argument", r"\1 : une valeur est attendue"),
    (r"argument (\S+): not allowed with argument (\S+)", r"\1 ne peut pas être donnée avec \2"),
    (r"argument (\S+): (.*)", r"\1 : \2"),
    (r"one of the arguments (.*) is required", r"une de ces options est obligatoire : \1"),
    (r"ambiguous option: (\S+) could match (.*)", r"option ambiguë \1 (elle peut désigner \2)"),
    (r"invalid choice: (.*?) \(choose from (.*)\)", r"commande inconnue \1 (commandes : \2)"),
)


def _french(message: str) -> str:
    for pattern, replacement in _ARGPARSE_FR:
        if re.match(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class FrenchHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups,
                          "Utilisation : " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse speaking French, exiting 2 on usage errors (never a traceback)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog} : erreur : {_french(message)}\n")


def stdout_is_utf8() -> bool:
    return (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "") == "utf8"


def print_json(data: object) -> None:
    """JSON on stdout. A list of objects is printed one object a line: json's C encoder
    does that, where ``indent`` falls back to the pure-Python encoder (on 100,000
    complaints, most of ``status --json``'s time)."""
    utf8 = stdout_is_utf8()
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        print_json_list(map(json.JSONEncoder(ensure_ascii=not utf8).encode, data))
        return
    print(json.dumps(data, ensure_ascii=not utf8, indent=2))


def print_json_list(items: Iterable[str]) -> None:
    """A JSON list of items already encoded, one a line, written as they come, a thousand
    at a time: the whole text is never held in memory, and a write per item cost more
    than the encoding."""
    items = iter(items)
    batch = list(islice(items, JSON_BATCH))
    if not batch:
        sys.stdout.write("[]\n")
        return
    sys.stdout.write("[\n  " + ",\n  ".join(batch))
    while batch := list(islice(items, JSON_BATCH)):
        sys.stdout.write(",\n  " + ",\n  ".join(batch))
    sys.stdout.write("\n]\n")


def _console_fallback(error: UnicodeError) -> tuple[str, int]:
    text = error.object[error.start:error.end]
    return "".join(CONSOLE_FALLBACKS.get(char, "?") for char in text), error.end


def safe_console() -> None:
    """Make stdout and stderr unable to fail on a character their encoding lacks."""
    codecs.register_error(CONSOLE_ERRORS, _console_fallback)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):  # not a reconfigurable stream
            stream.reconfigure(errors=CONSOLE_ERRORS)


def silence_closed_stdout() -> None:
    """After a closed pipe: point stdout at the null device, so that Python's final flush
    does not fail again (Python documentation, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def say_waiting(message: str) -> None:
    """Another toolkit run is writing the register: say why we pause (on stderr)."""
    print(message, file=sys.stderr, flush=True)
