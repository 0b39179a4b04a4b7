"""``stats`` and ``report``: the month's figures and the monthly report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from toolkit import api
from toolkit.cli.console import EXIT_OK, print_json
from toolkit.cli.options import (
    Command,
    add_registers_option,
    month_argument,
    registers_of,
    today_of,
)


def _month_options(parser: argparse.ArgumentParser) -> None:
    add_registers_option(parser)
    parser.add_argument("--month", type=month_argument, required=True, metavar="AAAA-MM",
                        help="mois des réclamations reçues, par exemple 2026-11")


def stats(args: argparse.Namespace) -> int:
    from toolkit.report.display import month_figures_text

    figures = api.month_statistics(registers_of(args), *args.month, today_of(args))
    if args.json:
        print_json(figures)
    else:
        print(month_figures_text(figures, today_of(args)))
    return EXIT_OK


def _report_options(parser: argparse.ArgumentParser) -> None:
    _month_options(parser)
    parser.add_argument("--out", type=Path, default=None, metavar="DOSSIER",
                        help="dossier du rapport (par défaut : rapports/ à côté du registre)")


def report(args: argparse.Namespace) -> int:
    print("Exécution du notebook du rapport…", file=sys.stderr)
    print(api.write_monthly_report(registers_of(args), *args.month, today_of(args), args.out))
    return EXIT_OK


COMMANDS = (
    Command("stats", "chiffres du mois (réclamations reçues dans le mois)", stats,
            _month_options, register=False, json=True),
    Command("report", "rapport mensuel HTML (exécute le notebook)", report, _report_options,
            register=False),
)
