"""The ``toolkit`` command: parse arguments, call one library function, print.

Only this module prints or chooses exit codes: 0 ok, 1 the register has problems,
2 usage or file errors. Heavy libraries are imported inside the commands so that
``toolkit --help`` answers at once.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from pathlib import Path

from . import __version__
from .errors import ToolkitError

DEFAULT_REGISTER = Path("register") / "registre_reclamations.xlsx"
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

_ARGPARSE_FR = (
    (r"unrecognized arguments: (.*)", r"option ou argument inconnu : \1"),
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)",
     r"\1 : choix invalide \2 (choix possibles : \3)"),
    (r"argument (\S+): expected one argument", r"\1 : une valeur est attendue"),
    (r"argument (\S+): (.*)", r"\1 : \2"),
    (r"invalid choice: (.*?) \(choose from (.*)\)", r"commande inconnue \1 (commandes : \2)"),
)


def _french(message: str) -> str:
    for pattern, replacement in _ARGPARSE_FR:
        if re.match(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class FrenchHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix or "Utilisation : ")


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


# --- argument types ---------------------------------------------------------------------

def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date invalide « {text} » (attendu : AAAA-MM-JJ)") from None


def iso_month(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"mois invalide « {text} » (attendu : AAAA-MM)")
    return int(match.group(1)), int(match.group(2))


def add_register_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--register", type=Path, default=DEFAULT_REGISTER, metavar="CHEMIN",
                        help=f"classeur du registre (par défaut : {DEFAULT_REGISTER})")


def add_today_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--today", type=iso_date, default=None, metavar="AAAA-MM-JJ",
                        help="date du jour pour les délais (par défaut : aujourd'hui)")


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="sortie JSON (pour d'autres outils)")


def today_of(args: argparse.Namespace) -> date:
    return args.today or date.today()


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


# --- commands -------------------------------------------------------------------------

def _cmd_init(args: argparse.Namespace) -> int:
    from .api import init_register

    path = init_register(args.register, zone=args.zone)
    print(f"Registre créé : {path}")
    print("Ouvrez-le dans Excel, complétez la feuille « Paramètres » (adresse, signataire, "
          "médiateur), puis saisissez les réclamations dans « Registre ».")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from .api import check_register

    report = check_register(args.register, today_of(args))
    if args.json:
        print_json(report.to_json_list())
        return EXIT_OK if report.ok else EXIT_PROBLEMS
    if report.ok:
        print(f"Aucun problème dans {args.register}.")
        return EXIT_OK
    for problem in report.problems:
        print(f"ligne {problem.ligne}, colonne « {problem.colonne} » : {problem.message} "
              f"[{problem.code}]")
    count, lines = len(report.problems), len(report.rows_with_problems)
    print(f"\n{count} problème{'s' if count > 1 else ''} sur {lines} ligne"
          f"{'s' if lines > 1 else ''} de {args.register}.")
    return EXIT_PROBLEMS


def _delay_text(days: int | None) -> str:
    if days is None:
        return "—"
    if days < 0:
        return f"{-days} j de retard"
    return "aujourd'hui" if days == 0 else f"reste {days} j"


def _cmd_status(args: argparse.Namespace) -> int:
    from .api import register_status
    from .display import date_fr, format_table
    from .status import STATUS_LABELS

    result = register_status(args.register, today_of(args))
    statuses = [s for s in result.statuses if not (args.ouvertes and s.cloturee)]
    if args.json:
        print_json([status.to_json() for status in statuses])
        return EXIT_OK
    late = sum(1 for s in result.statuses if s.en_retard and not s.cloturee)
    open_count = sum(1 for s in result.statuses if not s.cloturee)
    print(f"{len(result.statuses)} réclamations au {date_fr(today_of(args))} : "
          f"{open_count} en cours dont {late} en retard.\n")
    rows = [(s.numero, date_fr(s.date_reclamation), date_fr(s.echeance_accuse),
             STATUS_LABELS[s.statut_accuse], date_fr(s.echeance_reponse),
             STATUS_LABELS[s.statut_reponse], _delay_text(s.jours_restants),
             s.prochaine_action) for s in statuses]
    print(format_table(("Numéro", "Reçue le", "Accusé avant", "Accusé", "Réponse avant",
                        "Réponse", "Délai", "Prochaine action"), rows))
    if result.skipped_rows:
        print(f"\nLignes sans date de réclamation valide, non suivies : "
              f"{', '.join(map(str, result.skipped_rows[:20]))} (voir « toolkit check »).")
    return EXIT_OK


# --- the parser -------------------------------------------------------------------------

def _add_command(subparsers, name: str, help_text: str, handler, *, today: bool = True,
                 json_output: bool = False) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    add_register_option(parser)
    if today:
        add_today_option(parser)
    if json_output:
        add_json_option(parser)
    parser.set_defaults(handler=handler)
    return parser


def build_parser() -> Parser:
    parser = Parser(prog="toolkit", description=(
        "Registre des réclamations clients : vérification, délais légaux, courriers, "
        "rapport mensuel."))
    parser.add_argument("--version", action="version", version=f"toolkit {__version__}",
                        help="afficher la version et quitter")
    subparsers = parser.add_subparsers(title="commandes", metavar="COMMANDE",
                                       parser_class=Parser)
    init = _add_command(subparsers, "init", "créer un registre vide (jamais d'écrasement)",
                        _cmd_init, today=False)
    init.add_argument("--zone", choices=("Métropole", "Alsace-Moselle"), default="Métropole",
                      help="jours fériés appliqués (par défaut : Métropole)")
    _add_command(subparsers, "check", "vérifier le registre", _cmd_check, json_output=True)
    status = _add_command(subparsers, "status", "délais et statuts, retards d'abord",
                          _cmd_status, json_output=True)
    status.add_argument("--ouvertes", action="store_true",
                        help="n'afficher que les réclamations sans réponse")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version and usage errors
        return int(stop.code or 0)
    if not hasattr(args, "handler"):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.handler(args)
    except ToolkitError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
