"""``audit``: the zip archive an auditor asks for."""

from __future__ import annotations

import argparse
from pathlib import Path

from toolkit import api
from toolkit.cli.console import EXIT_OK, EXIT_PROBLEMS
from toolkit.cli.options import (
    DAY_METAVAR,
    Command,
    add_dossiers_option,
    day_argument,
    today_of,
)


def _audit_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--du", type=day_argument, required=True, metavar=DAY_METAVAR,
                        help="premier jour de la période (date de réception), JJ/MM/AAAA, "
                             "J/M/AA ou AAAA-MM-JJ")
    parser.add_argument("--au", type=day_argument, required=True, metavar=DAY_METAVAR,
                        help="dernier jour de la période, inclus (même écriture que --du)")
    parser.add_argument("--out", type=Path, metavar="FICHIER.zip",
                        help="archive à écrire (par défaut : audit_reclamations_DU_AU.zip à "
                             "côté du registre)")
    parser.add_argument("--rapports", type=Path, default=None, metavar="DOSSIER",
                        help="dossier des rapports mensuels (par défaut : rapports/ à côté du "
                             "registre)")
    add_dossiers_option(parser)


def audit(args: argparse.Namespace) -> int:
    from toolkit.audit.archive import AuditOptions
    from toolkit.audit.display import audit_summary_text

    options = AuditOptions(args.du, args.au, today_of(args), args.out, args.dossiers,
                           args.rapports)
    result = api.build_audit(args.register, options)
    print(audit_summary_text(result))
    missing = result.contents.missing_dossiers or result.contents.report_failures
    return EXIT_PROBLEMS if missing else EXIT_OK


COMMANDS = (
    Command("audit", "archive zip pour un audit (registre, dossiers, rapports, synthèse)",
            audit, _audit_options),
)
