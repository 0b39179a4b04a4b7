"""``init``, ``check``, ``status``: the register itself."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit import api
from toolkit.cli.console import (
    EXIT_OK,
    EXIT_PROBLEMS,
    print_json,
    print_json_list,
    stdout_is_utf8,
)
from toolkit.cli.options import Command, today_of
from toolkit.dates import date_fr
from toolkit.display import format_table, plural
from toolkit.rules.codes import AVERTISSEMENT
from toolkit.rules.columns import ZONES, Zone

if TYPE_CHECKING:
    from toolkit.rules.status import ComplaintStatus

STATUS_SKIPPED_SHOWN = 20  # rows `status` names when it leaves some out


# The company's details asked by ``toolkit init`` in a terminal, in this order.
COMPANY_QUESTIONS = ("societe", "adresse", "courriel", "telephone", "signataire", "mediateur",
                     "site_mediateur")
_MULTILINE_PARAMETERS = ("adresse",)


def _init_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--zone", choices=ZONES, default=Zone.METROPOLE,
                        help="jours fériés appliqués (par défaut : Métropole)")
    parser.add_argument("--sans-questions", action="store_true",
                        help="ne pas demander les coordonnées de la société (dans un "
                             "terminal, elles sont demandées ; la feuille « Paramètres » "
                             "garde sinon ses valeurs par défaut)")


def _ask_line(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        print()
        from toolkit.errors import UsageError

        raise UsageError("Saisie interrompue : aucun registre créé.") from None


def _ask_parameter(key: str) -> str:
    """One answer; Enter keeps the default shown in brackets."""
    from toolkit.rules.columns import PARAMETERS

    parameter = next(p for p in PARAMETERS if p.key == key)
    shown = parameter.default.replace("\n", ", ")
    default = f" [{shown}]" if shown else ""
    if key not in _MULTILINE_PARAMETERS:
        return _ask_line(f"{parameter.label}{default} : ").strip() or parameter.default
    lines = [_ask_line(f"{parameter.label}{default} (une ligne à la fois, ligne vide pour "
                       "finir) :\n> ").strip()]
    while lines[-1]:
        lines.append(_ask_line("> ").strip())
    return "\n".join(line for line in lines if line) or parameter.default


def _company_details() -> dict[str, str]:
    print("Coordonnées de la société, imprimées sur chaque courrier (Entrée = valeur entre "
          "crochets ; modifiables ensuite dans la feuille « Paramètres ») :")
    return {key: _ask_parameter(key) for key in COMPANY_QUESTIONS}


def init(args: argparse.Namespace) -> int:
    # No questions for a file that exists: init refuses it anyway, after nothing was typed.
    asked = sys.stdin.isatty() and not args.sans_questions and not Path(args.register).exists()
    company = _company_details() if asked else None
    path, settings = api.init_default_register(args.register, zone=args.zone, company=company)
    print(f"Registre créé : {path}")
    print(f"C'est désormais le registre par défaut (réglage enregistré dans {settings}).")
    if asked:
        print("Les coordonnées saisies sont dans la feuille « Paramètres » ; saisissez les "
              "réclamations dans « Registre » ou avec « toolkit new ».")
    else:
        print("Ouvrez-le dans Excel, complétez la feuille « Paramètres » (adresse, signataire, "
              "médiateur), puis saisissez les réclamations dans « Registre ».")
    return EXIT_OK


def check(args: argparse.Namespace) -> int:
    report = api.check_register(args.register, today_of(args))
    status = EXIT_OK if report.ok else EXIT_PROBLEMS  # warnings alone: still 0
    if args.json:
        print_json(report.to_json_list())
        return status
    if not report.problems:
        print(f"Aucun problème dans {args.register}.")
        return EXIT_OK
    for problem in report.problems:
        # its level, not a search of the warnings: 40,000 warnings made that quadratic
        level = " (avertissement)" if problem.niveau == AVERTISSEMENT else ""
        print(f"ligne {problem.ligne}, colonne « {problem.colonne} »{level} : "
              f"{problem.message} [{problem.code}]")
    errors, warnings = len(report.errors), len(report.warnings)
    lines = len({p.ligne for p in report.errors})
    headline = (f"{plural(errors, 'erreur', 'erreurs')} sur {plural(lines, 'ligne', 'lignes')}"
                if errors else "Aucune erreur")
    noted = plural(warnings, "avertissement", "avertissements")
    print(f"\n{headline}, {noted} dans {args.register}.")
    return status


def _delay_text(status: ComplaintStatus) -> str:
    days = status.jours_restants
    if days is None:
        return "—"
    text = f"{-days} j de retard" if days < 0 else (
        "aujourd'hui" if days == 0 else f"reste {days} j")
    # Counted to the date announced to the client, not to the « Réponse avant » beside it:
    # said, so that « EN RETARD » next to « reste 4 j » reads as what it is.
    if status.date_reponse_annoncee == status.echeance_comptee != status.echeance_reponse:
        text += " (date annoncée)"
    return text


def _left_out_text(result) -> str:
    """What `status` could not follow, and where to look (empty when nothing)."""
    lines = []
    if result.missing_columns:
        lines.append("Colonnes obligatoires absentes de l'en-tête : "
                     + ", ".join(f"« {header} »" for header in result.missing_columns) + ".")
    if result.skipped_reasons:
        shown = [f"ligne {line} ({reason})" for line, reason in
                 list(result.skipped_reasons.items())[:STATUS_SKIPPED_SHOWN]]
        more = len(result.skipped_reasons) - len(shown)
        lines.append(f"{plural(len(result.skipped_reasons), 'ligne laissée', 'lignes laissées')}"
                     f" de côté, sans délais calculés : {', '.join(shown)}"
                     + (f" et {more} autre{'s' if more > 1 else ''}" if more else "") + ".")
    if lines:
        lines.append("Voir « toolkit check » pour les corriger.")
    return "\n".join(lines)


def _status_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ouvertes", action="store_true",
                        help="n'afficher que les réclamations sans réponse")


def status(args: argparse.Namespace) -> int:
    from toolkit.rules.status import STATUS_LABELS, statuses_json

    today = today_of(args)
    result = api.register_status(args.register, today)
    statuses = [s for s in result.statuses if not (args.ouvertes and s.cloturee)]
    exit_code = EXIT_OK if result.complete else EXIT_PROBLEMS
    left_out = _left_out_text(result)
    if args.json:
        print_json_list(statuses_json(statuses, ensure_ascii=not stdout_is_utf8()))
        if left_out:
            print(left_out, file=sys.stderr)
        return exit_code
    late = sum(1 for s in result.statuses if s.en_retard and not s.cloturee)
    open_count = sum(1 for s in result.statuses if not s.cloturee)
    rows_read = len(result.statuses) + len(result.skipped_rows)
    print(f"{plural(len(result.statuses), 'réclamation suivie', 'réclamations suivies')} "
          f"sur {plural(rows_read, 'ligne', 'lignes')} au {date_fr(today)} : "
          f"{open_count} en cours dont {late} en retard.\n")
    rows = [(s.numero, date_fr(s.date_reclamation), date_fr(s.echeance_accuse),
             STATUS_LABELS[s.statut_accuse], date_fr(s.echeance_reponse),
             STATUS_LABELS[s.statut_reponse], _delay_text(s),
             s.prochaine_action) for s in statuses]
    print(format_table(("Numéro", "Reçue le", "Accusé avant", "Accusé", "Réponse avant",
                        "Réponse", "Délai", "Prochaine action"), rows))
    if left_out:
        print(f"\n{left_out}")
    return exit_code


COMMANDS = (
    Command("init", "créer un registre vide (jamais d'écrasement)", init,
            _init_options, today=False),
    Command("check", "vérifier le registre", check, json=True),
    Command("status", "délais et statuts, retards d'abord", status, _status_options,
            json=True),
)
