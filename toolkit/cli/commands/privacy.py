"""``rgpd``: personal data — a person's export, their erasure, the purge of old complaints."""

from __future__ import annotations

import argparse
from pathlib import Path

from toolkit import api
from toolkit.cli.console import EXIT_OK, EXIT_PROBLEMS
from toolkit.cli.options import Command, add_dossiers_option, today_of


def _person_options(parser: argparse.ArgumentParser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--client", metavar="NOM",
                     help="nom du client (casse et accents indifférents) ; si plusieurs "
                          "personnes portent ce nom, précisez --courriel ou --numero")
    who.add_argument("--courriel", metavar="ADRESSE", help="adresse électronique du client")
    who.add_argument("--numero", metavar="N",
                     help="numéro d'une réclamation : désigne la personne qui l'a faite")
    add_dossiers_option(parser)


def _export_options(parser: argparse.ArgumentParser) -> None:
    _person_options(parser)
    parser.add_argument("--out", type=Path, metavar="FICHIER.zip",
                        help="archive à écrire (par défaut : rgpd/export_AAAA-MM-JJ_N.zip à "
                             "côté du registre)")


def _removal_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", action="store_true",
                        help="ne pas poser la question (scripts) : effacer directement")
    parser.add_argument("--dry-run", action="store_true",
                        help="montrer seulement ce qui serait effacé, sans rien effacer")


def _erase_options(parser: argparse.ArgumentParser) -> None:
    _person_options(parser)
    _removal_options(parser)


def _purge_options(parser: argparse.ArgumentParser) -> None:
    add_dossiers_option(parser)
    _removal_options(parser)


def _selector(args: argparse.Namespace):
    from toolkit.privacy.people import Selector

    return Selector(args.client, args.courriel, args.numero)


def _ask(action: str):
    """The question asked with the plan (no unless the answer starts with o/y)."""
    from toolkit.privacy.display import plan_text

    def confirm(plan) -> bool:
        print(plan_text(plan, action))
        try:
            answer = input("Effacer définitivement ces données ? [o/N] ")
        except EOFError:
            return False
        return answer.strip().lower().startswith(("o", "y"))
    return confirm


def _options(args: argparse.Namespace, action: str, selector=None):
    from toolkit.privacy.erase import EraseOptions

    confirm = None if args.yes or args.dry_run else _ask(action)
    return EraseOptions(today_of(args), selector, args.dossiers, args.dry_run, confirm)


def _print_result(result, action: str) -> int:
    from toolkit.privacy.display import result_text

    print(result_text(result, action))
    return EXIT_PROBLEMS if result.refused else EXIT_OK


def rgpd_export(args: argparse.Namespace) -> int:
    from toolkit.privacy.display import export_text
    from toolkit.privacy.export import ExportOptions

    options = ExportOptions(_selector(args), today_of(args), args.out, args.dossiers)
    print(export_text(api.export_person(args.register, options)))
    return EXIT_OK


def rgpd_erase(args: argparse.Namespace) -> int:
    result = api.erase_person(args.register, _options(args, "Effacement", _selector(args)))
    return _print_result(result, "Effacement")


def rgpd_purge(args: argparse.Namespace) -> int:
    result = api.purge_register(args.register, _options(args, "Purge"))
    return _print_result(result, "Purge")


COMMANDS = (
    Command("rgpd", "données personnelles : export, effacement, purge (RGPD)", None,
            subcommands=(
                Command("export", "tout ce qui est détenu sur une personne, dans un zip "
                        "(droit d'accès, portabilité)", rgpd_export, _export_options),
                Command("erase", "effacer une personne du registre et de toutes les copies "
                        "(droit à l'effacement)", rgpd_erase, _erase_options),
                Command("purge", "effacer les réclamations répondues depuis plus que la durée "
                        "de conservation", rgpd_purge, _purge_options),
            )),
)
