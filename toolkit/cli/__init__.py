"""The ``toolkit`` command: parse arguments, call one :mod:`toolkit.api` function, print.

Only this package prints or chooses exit codes: 0 ok, 1 the register has problems,
2 usage or file errors, 3 a fault of the tool itself (the traceback goes to a log file whose
path is printed), 130 interrupted (Ctrl-C), 141 output cut by a closed pipe (``| head``).
Heavy libraries are imported inside the handlers so that ``toolkit --help`` answers at once.
"""

from __future__ import annotations

import gc
import sys
import traceback
from datetime import datetime
from pathlib import Path

from toolkit import __version__
from toolkit.cli.commands import audit, intake, letters, privacy, register, report, setup
from toolkit.cli.console import (
    EXIT_CLOSED_PIPE,
    EXIT_INTERRUPTED,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    Parser,
    safe_console,
    silence_closed_stdout,
)
from toolkit.cli.options import resolve_registers
from toolkit.errors import ToolkitError
from toolkit.places import error_log_path

# In the order ``toolkit --help`` lists them.
COMMAND_MODULES = (register, letters, report, intake, audit, privacy, setup)


def build_parser() -> Parser:
    parser = Parser(prog="toolkit", description=(
        "Registre des réclamations clients : vérification, délais légaux, courriers, "
        "rapport mensuel."))
    parser.add_argument("--version", action="version", version=f"toolkit {__version__}",
                        help="afficher la version et quitter")
    subparsers = parser.add_subparsers(title="commandes", metavar="COMMANDE",
                                       parser_class=Parser)
    for module in COMMAND_MODULES:
        for command in module.COMMANDS:
            command.add_to(subparsers)
    return parser


def log_unexpected(error: BaseException, argv: list[str]) -> Path | None:
    """Append the traceback of ``error`` to the error log; its path, or None when even the
    log cannot be written."""
    path = error_log_path()
    # The command's name only: its options may name a client (personal data has no place
    # in a log nobody purges).
    command = next((word for word in argv if not word.startswith("-")), "")
    entry = (f"--- {datetime.now().isoformat(timespec='seconds')} toolkit {__version__} "
             f"{command}\n"
             + "".join(traceback.format_exception(error)))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(entry + "\n")
    except OSError:
        return None
    return path


def _unexpected(error: BaseException, argv: list[str]) -> int:
    path = log_unexpected(error, argv)
    where = (f"le détail est enregistré dans {path}" if path
             else "le détail n'a pas pu être enregistré")
    print(f"Erreur inattendue de la boîte à outils ({type(error).__name__}) : rien d'autre "
          f"n'a été fait ; {where}. Transmettez ce fichier à la personne qui assure le "
          "support.", file=sys.stderr)
    return EXIT_UNEXPECTED


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version and usage errors
        return int(stop.code or 0)
    if not hasattr(args, "handler"):
        parser.print_help()
        return EXIT_USAGE
    args.parser = parser  # `demo` parses its steps as typed
    try:
        if args.resolve_register:
            resolve_registers(args)
        code = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handling below
        return code
    except ToolkitError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return error.exit_code


# One command runs, then the process ends. The cyclic collector's default pace (a pass every
# 700 new objects) re-walks every status already made: on a register of 100,000 open
# complaints, a tenth of `status --json`. Passes every 100,000 objects do the same work
# for a short-lived process (mypy sets its threshold the same way).
GC_THRESHOLD = (100_000, 50, 100)


def main(argv: list[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLD)
    safe_console()
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        return _run(arguments)
    except BrokenPipeError:
        silence_closed_stdout()
        return EXIT_CLOSED_PIPE
    except KeyboardInterrupt:
        print("\nInterrompu.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a fault of the tool: one French sentence, the log
        return _unexpected(error, arguments)
