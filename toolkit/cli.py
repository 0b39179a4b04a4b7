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

from toolkit import __version__
from toolkit.errors import ToolkitError

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


# --- argument types ---------------------------------------------------------------------

def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date invalide « {text} » (attendu : AAAA-MM-JJ)") from None


def iso_month(text: str) -> tuple[int, int]:
    from toolkit.display import month_of

    month = month_of(text)
    if month is None:
        raise argparse.ArgumentTypeError(f"mois invalide « {text} » (attendu : AAAA-MM)")
    return month


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
    from toolkit.api import init_register

    path = init_register(args.register, zone=args.zone)
    print(f"Registre créé : {path}")
    print("Ouvrez-le dans Excel, complétez la feuille « Paramètres » (adresse, signataire, "
          "médiateur), puis saisissez les réclamations dans « Registre ».")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from toolkit.api import check_register

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
    from toolkit.api import register_status
    from toolkit.display import date_fr, format_table
    from toolkit.register.status import STATUS_LABELS

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


def _progress_bar(total: int):
    from tqdm import tqdm

    from toolkit.letters.rendering import PARALLEL_THRESHOLD

    tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked after it
    return tqdm(total=total, file=sys.stderr, unit="fichier", desc="Courriers et fiches",
                disable=True if total < PARALLEL_THRESHOLD else None, leave=False)


def _cmd_letters(args: argparse.Namespace) -> int:
    from toolkit.api import produce_letters
    from toolkit.letters.batch import LETTER_TYPES, LetterOptions
    from toolkit.letters.display import letters_summary, needs_attention, sent_dates_summary

    options = LetterOptions(types=tuple(args.type or LETTER_TYPES), numero=args.numero,
                            dossiers=args.dossiers, templates=args.templates,
                            force=args.force, pdf=args.pdf, eml=args.eml)
    result = produce_letters(args.register, today_of(args), options,
                             mark_sent=args.mark_sent, progress_bar=_progress_bar)
    print(letters_summary(result))
    if result.updates:
        print(sent_dates_summary(result))
    return EXIT_PROBLEMS if needs_attention(result) else EXIT_OK


def _cmd_sent(args: argparse.Namespace) -> int:
    from toolkit.api import record_sent
    from toolkit.letters.display import sent_summary

    result = record_sent(args.register, args.numero, args.type, args.date or today_of(args),
                         today_of(args), dossiers=args.dossiers, force=args.force,
                         pdf=args.pdf)
    print(sent_summary(result))
    return EXIT_OK


def _cmd_templates(args: argparse.Namespace) -> int:
    from toolkit.letters.batch import LETTER_TYPES, TEMPLATES_DIR
    from toolkit.letters.display import templates_summary
    from toolkit.letters.rendering import inspect_template

    folder = args.templates or TEMPLATES_DIR
    reports = [inspect_template(folder / f"{type_id}.docx") for type_id in LETTER_TYPES]
    print(f"Modèles de courriers : {folder}\n")
    print(templates_summary(reports))
    return EXIT_OK if all(report.ok for report in reports) else EXIT_USAGE


def _cmd_stats(args: argparse.Namespace) -> int:
    from toolkit.api import month_statistics
    from toolkit.report.display import month_figures_text

    figures = month_statistics(args.register, *args.month, today_of(args))
    if args.json:
        print_json(figures)
    else:
        print(month_figures_text(figures, today_of(args)))
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from toolkit.report.notebook import write_monthly_report

    print("Exécution du notebook du rapport…", file=sys.stderr)
    print(write_monthly_report(args.register, *args.month, today_of(args), args.out))
    return EXIT_OK


def _add_report_commands(subparsers) -> None:
    stats = _add_command(subparsers, "stats", "chiffres du mois (réclamations reçues dans le "
                         "mois)", _cmd_stats, json_output=True)
    report = _add_command(subparsers, "report", "rapport mensuel HTML (exécute le notebook)",
                          _cmd_report)
    for parser in (stats, report):
        parser.add_argument("--month", type=iso_month, required=True, metavar="AAAA-MM",
                            help="mois des réclamations reçues, par exemple 2026-11")
    report.add_argument("--out", type=Path, default=Path("rapports"), metavar="DOSSIER",
                        help="dossier du rapport (par défaut : rapports/)")


def _confirmation_offer(args: argparse.Namespace, numero: str, interactive: bool) -> None:
    """A telephone complaint needs a written confirmation: offer the letter at once."""
    from toolkit.intake.prompts import ask_yes

    wanted = args.courrier_confirmation or (
        interactive and ask_yes("Produire maintenant le courrier de demande de confirmation ?"))
    if not wanted:
        print(f"Pour le produire : toolkit letters --type confirmation --numero {numero}")
        return
    from toolkit.intake.recording import confirmation_letter
    from toolkit.letters.display import letters_summary

    print(letters_summary(confirmation_letter(args.register, numero, today_of(args),
                                              args.dossiers)))
    print("Une fois envoyé, inscrivez la date dans « Date de demande de confirmation écrite ».")


def _cmd_new(args: argparse.Namespace) -> int:
    from toolkit.intake.display import new_summary
    from toolkit.intake.fields import NEW_FIELDS, TELEPHONE, advice, complaint_row
    from toolkit.intake.recording import record_complaint

    given = {key: getattr(args, key) for key in NEW_FIELDS}
    interactive = all(value is None for value in given.values())
    if interactive:
        from toolkit.intake.prompts import ask_complaint

        row = ask_complaint(today_of(args))
    else:
        row = complaint_row(given, today_of(args))
    filed = record_complaint(args.register, row, args.dossiers, args.fichier)
    print(new_summary(filed))
    for note in advice(row):
        print(note)
    if row["canal"] == TELEPHONE:
        _confirmation_offer(args, filed.numero, interactive)
    return EXIT_OK


def _cmd_intake(args: argparse.Namespace) -> int:
    from toolkit.intake.display import intake_summary
    from toolkit.intake.recording import intake_mails

    result = intake_mails(args.register, args.chemins, today_of(args), args.dossiers,
                          dry_run=args.dry_run)
    print(intake_summary(result))
    return EXIT_USAGE if result.failures else EXIT_OK


def _cmd_audit(args: argparse.Namespace) -> int:
    from toolkit.audit.archive import AuditOptions, build_audit
    from toolkit.intake.display import audit_summary_text

    options = AuditOptions(args.du, args.au, today_of(args), args.out, args.dossiers,
                           args.rapports)
    print(audit_summary_text(build_audit(args.register, options)))
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


def _add_templates_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--templates", type=Path, default=None, metavar="DOSSIER",
                        help="dossier des modèles Word (par défaut : letters/ de la boîte "
                             "à outils)")


def _add_letters_commands(subparsers) -> None:
    from toolkit.letters.rules import LETTER_TYPES

    letters = _add_command(subparsers, "letters", "produire les courriers dus, dossier par "
                           "réclamation", _cmd_letters)
    letters.add_argument("--type", action="append", choices=LETTER_TYPES, metavar="TYPE",
                         help=f"seulement ce type de courrier ({', '.join(LETTER_TYPES)}) ; "
                              "option répétable")
    letters.add_argument("--numero", metavar="N", help="seulement cette réclamation")
    _add_dossiers_option(letters)
    _add_templates_option(letters)
    letters.add_argument("--mark-sent", action="store_true",
                         help="inscrire la date du jour (--today) comme date d'envoi dans le "
                              "registre, pour chaque courrier produit")
    letters.add_argument("--force", action="store_true",
                         help="refaire un courrier déjà produit (il est remplacé)")
    letters.add_argument("--pdf", action="store_true",
                         help="produire aussi une copie PDF (LibreOffice)")
    letters.add_argument("--eml", action="store_true",
                         help="écrire aussi un brouillon de courriel (.eml) prêt à envoyer, "
                              "pour les réclamations qui ont un courriel")
    sent = _add_command(subparsers, "sent", "inscrire au registre l'envoi d'un courrier "
                        "produit plus tôt", _cmd_sent)
    sent.add_argument("--numero", required=True, metavar="N", help="numéro de la réclamation")
    sent.add_argument("--type", required=True, choices=LETTER_TYPES, metavar="TYPE",
                      help=f"type du courrier envoyé ({', '.join(LETTER_TYPES)})")
    sent.add_argument("--date", type=iso_date, default=None, metavar="AAAA-MM-JJ",
                      help="date d'envoi (par défaut : --today)")
    sent.add_argument("--force", action="store_true",
                      help="remplacer une date d'envoi déjà inscrite")
    sent.add_argument("--pdf", action="store_true",
                      help="produire la copie PDF du courrier si elle manque (LibreOffice)")
    _add_dossiers_option(sent)
    templates = subparsers.add_parser(
        "templates", help="lister les champs des modèles de courriers et les champs inconnus",
        description="Lister les champs des modèles de courriers et signaler les champs "
                    "inconnus (balise abîmée en modifiant le modèle dans Word).")
    _add_templates_option(templates)
    templates.set_defaults(handler=_cmd_templates)


def _add_dossiers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dossiers", type=Path, metavar="DOSSIER",
                        help="dossier des dossiers de réclamation (par défaut : dossiers/ "
                             "à côté du registre)")


_NEW_OPTIONS = (
    ("--canal", "canal", "Courrier, Courriel ou Téléphone"),
    ("--date", "date_reclamation", "date de réception, JJ/MM/AAAA (par défaut : aujourd'hui)"),
    ("--civilite", "civilite", "Madame ou Monsieur"),
    ("--nom", "nom", "nom du client"),
    ("--adresse", "adresse", "adresse postale (\\n sépare les lignes)"),
    ("--courriel", "courriel", "courriel du client"),
    ("--telephone", "telephone", "téléphone du client"),
    ("--categorie", "categorie", "catégorie (liste du registre)"),
    ("--description", "description", "description de la réclamation"),
)


def _add_intake_commands(subparsers) -> None:
    new = _add_command(subparsers, "new", "enregistrer une réclamation (options, ou questions "
                       "posées une à une sans option)", _cmd_new)
    for flag, dest, help_text in _NEW_OPTIONS:
        new.add_argument(flag, dest=dest, metavar="TEXTE", help=help_text)
    new.add_argument("--fichier", type=Path, metavar="CHEMIN",
                     help="réclamation écrite (scan, courrier…) à copier dans le dossier")
    new.add_argument("--courrier-confirmation", action="store_true",
                     help="réclamation téléphonique : produire aussitôt le courrier de "
                          "demande de confirmation écrite")
    intake = _add_command(subparsers, "intake", "enregistrer les réclamations reçues par "
                          "courriel (.eml, dossier, Maildir ou mbox)", _cmd_intake)
    intake.add_argument("chemins", nargs="+", type=Path, metavar="CHEMIN",
                        help="fichier .eml, dossier de .eml, Maildir ou fichier mbox")
    intake.add_argument("--dry-run", action="store_true",
                        help="montrer ce qui serait fait, sans rien écrire")
    audit = _add_command(subparsers, "audit", "archive zip pour un audit (registre, dossiers, "
                         "rapports, synthèse)", _cmd_audit)
    audit.add_argument("--du", type=iso_date, required=True, metavar="AAAA-MM-JJ",
                       help="premier jour de la période (date de réception)")
    audit.add_argument("--au", type=iso_date, required=True, metavar="AAAA-MM-JJ",
                       help="dernier jour de la période, inclus")
    audit.add_argument("--out", type=Path, metavar="FICHIER.zip",
                       help="archive à écrire (par défaut : audit_reclamations_DU_AU.zip)")
    audit.add_argument("--rapports", type=Path, default=Path("rapports"), metavar="DOSSIER",
                       help="dossier des rapports mensuels (par défaut : rapports/)")
    for parser in (new, intake, audit):
        _add_dossiers_option(parser)


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
    _add_letters_commands(subparsers)
    _add_report_commands(subparsers)
    _add_intake_commands(subparsers)
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
