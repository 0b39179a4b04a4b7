"""The ``toolkit`` command: parse arguments, call one library function, print.

Only this module prints or chooses exit codes: 0 ok, 1 the register has problems,
2 usage or file errors, 130 interrupted (Ctrl-C), 141 output cut by a closed pipe
(``| head``). Heavy libraries are imported inside the commands so that
``toolkit --help`` answers at once.

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
from datetime import date
from pathlib import Path

from toolkit import __version__
from toolkit.dates import date_fr, parse_day, parse_month
from toolkit.errors import ToolkitError, UsageError
from toolkit.places import FALLBACK_REGISTER, FROM_OPTION, REGISTER_VARIABLE, locate_register

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_CLOSED_PIPE = 130, 141  # 128 + SIGINT, 128 + SIGPIPE, as shells do
CONSOLE_ERRORS = "toolkit-console"
_CONSOLE_FALLBACKS = {"—": "-", "–": "-", "…": "...", "’": "'", "‘": "'", "“": '"',
                      "”": '"', "«": '"', "»": '"', "\u202f": " ", "\xa0": " ", "œ": "oe",
                      "Œ": "OE"}
STATUS_SKIPPED_SHOWN = 20  # rows `status` names when it leaves some out

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
        return parse_day(text)
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def iso_month(text: str) -> tuple[int, int]:
    try:
        return parse_month(text)
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_register_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--register", type=Path, default=None, metavar="CHEMIN",
                        help=f"classeur du registre (par défaut : variable {REGISTER_VARIABLE}, "
                             f"sinon le registre enregistré par « toolkit init » ou « toolkit "
                             f"config --register », sinon {FALLBACK_REGISTER} ; voir « toolkit "
                             "config »)")


def resolve_registers(args: argparse.Namespace) -> None:
    """Replace the ``--register`` value(s) by the register(s) in force (``places``); keep
    where a single one came from, for messages naming a later command."""
    if not hasattr(args, "register"):
        return
    if isinstance(args.register, list):
        args.register = [locate_register(value).path for value in args.register]
        return
    located = locate_register(args.register)
    args.register, args.register_source = located.path, located.source


def add_today_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--today", type=iso_date, default=None, metavar="AAAA-MM-JJ",
                        help="date du jour pour les délais (par défaut : aujourd'hui)")


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="sortie JSON (pour d'autres outils)")


def today_of(args: argparse.Namespace) -> date:
    return args.today or date.today()


def print_json(data: object) -> None:
    """JSON on stdout. A list of objects is printed one object a line: json's C encoder
    does that, where ``indent`` falls back to the pure-Python encoder (on 100,000
    complaints, most of ``status --json``'s time)."""
    utf8 = (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "") == "utf8"
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        encode = json.JSONEncoder(ensure_ascii=not utf8).encode
        sys.stdout.write("[\n  " + ",\n  ".join(map(encode, data)) + "\n]\n")
        return
    print(json.dumps(data, ensure_ascii=not utf8, indent=2))


def _console_fallback(error: UnicodeError) -> tuple[str, int]:
    text = error.object[error.start:error.end]
    return "".join(_CONSOLE_FALLBACKS.get(char, "?") for char in text), error.end


def safe_console() -> None:
    """Make stdout and stderr unable to fail on a character their encoding lacks."""
    codecs.register_error(CONSOLE_ERRORS, _console_fallback)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):  # not a reconfigurable stream
            stream.reconfigure(errors=CONSOLE_ERRORS)


def _silence_closed_stdout() -> None:
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


# --- commands -------------------------------------------------------------------------

def _cmd_init(args: argparse.Namespace) -> int:
    from toolkit.api import init_default_register

    path, settings = init_default_register(args.register, zone=args.zone)
    print(f"Registre créé : {path}")
    print(f"C'est désormais le registre par défaut (réglage enregistré dans {settings}).")
    print("Ouvrez-le dans Excel, complétez la feuille « Paramètres » (adresse, signataire, "
          "médiateur), puis saisissez les réclamations dans « Registre ».")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from toolkit.api import check_register
    from toolkit.display import plural

    report = check_register(args.register, today_of(args))
    status = EXIT_OK if report.ok else EXIT_PROBLEMS  # warnings alone: still 0
    if args.json:
        print_json(report.to_json_list())
        return status
    if not report.problems:
        print(f"Aucun problème dans {args.register}.")
        return EXIT_OK
    for problem in report.problems:
        level = " (avertissement)" if problem in report.warnings else ""
        print(f"ligne {problem.ligne}, colonne « {problem.colonne} »{level} : "
              f"{problem.message} [{problem.code}]")
    errors, warnings = len(report.errors), len(report.warnings)
    lines = len({p.ligne for p in report.errors})
    headline = (f"{plural(errors, 'erreur', 'erreurs')} sur {plural(lines, 'ligne', 'lignes')}"
                if errors else "Aucune erreur")
    noted = plural(warnings, "avertissement", "avertissements")
    print(f"\n{headline}, {noted} dans {args.register}.")
    return status


def _delay_text(days: int | None) -> str:
    if days is None:
        return "—"
    if days < 0:
        return f"{-days} j de retard"
    return "aujourd'hui" if days == 0 else f"reste {days} j"


def _left_out_text(result) -> str:
    """What `status` could not follow, and where to look (empty when nothing)."""
    from toolkit.display import plural

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


def _cmd_status(args: argparse.Namespace) -> int:
    from toolkit.api import register_status
    from toolkit.display import format_table, plural
    from toolkit.rules.status import STATUS_LABELS

    result = register_status(args.register, today_of(args))
    statuses = [s for s in result.statuses if not (args.ouvertes and s.cloturee)]
    exit_code = EXIT_OK if result.complete else EXIT_PROBLEMS
    left_out = _left_out_text(result)
    if args.json:
        print_json([status.to_json() for status in statuses])
        if left_out:
            print(left_out, file=sys.stderr)
        return exit_code
    late = sum(1 for s in result.statuses if s.en_retard and not s.cloturee)
    open_count = sum(1 for s in result.statuses if not s.cloturee)
    rows_read = len(result.statuses) + len(result.skipped_rows)
    print(f"{plural(len(result.statuses), 'réclamation suivie', 'réclamations suivies')} "
          f"sur {plural(rows_read, 'ligne', 'lignes')} au {date_fr(today_of(args))} : "
          f"{open_count} en cours dont {late} en retard.\n")
    rows = [(s.numero, date_fr(s.date_reclamation), date_fr(s.echeance_accuse),
             STATUS_LABELS[s.statut_accuse], date_fr(s.echeance_reponse),
             STATUS_LABELS[s.statut_reponse], _delay_text(s.jours_restants),
             s.prochaine_action) for s in statuses]
    print(format_table(("Numéro", "Reçue le", "Accusé avant", "Accusé", "Réponse avant",
                        "Réponse", "Délai", "Prochaine action"), rows))
    if left_out:
        print(f"\n{left_out}")
    return exit_code


def _progress_bar(total: int):
    from tqdm import tqdm

    from toolkit.letters.rendering import PARALLEL_THRESHOLD

    class QuietBar(tqdm):
        monitor_interval = 0  # no monitor thread: worker processes are forked after it

    return QuietBar(total=total, file=sys.stderr, unit="fichier", desc="Courriers et fiches",
                disable=True if total < PARALLEL_THRESHOLD else None, leave=False)


def _cmd_letters(args: argparse.Namespace) -> int:
    from toolkit.letters.batch import LETTER_TYPES, LetterOptions
    from toolkit.letters.display import letters_summary, needs_attention, sent_dates_summary
    from toolkit.letters.pipeline import produce_letters

    options = LetterOptions(types=tuple(args.type or LETTER_TYPES), numero=args.numero,
                            dossiers=args.dossiers, templates=args.templates,
                            force=args.force, pdf=args.pdf, eml=args.eml)
    result = produce_letters(args.register, today_of(args), options,
                             mark_sent=args.mark_sent, progress_bar=_progress_bar,
                             on_wait=say_waiting)
    print(letters_summary(result))
    if result.updates:
        print(sent_dates_summary(result))
    return EXIT_PROBLEMS if needs_attention(result) else EXIT_OK


def _cmd_sent(args: argparse.Namespace) -> int:
    from toolkit.letters.display import sent_summary
    from toolkit.letters.pipeline import record_sent

    result = record_sent(args.register, args.numero, args.type, args.date or today_of(args),
                         today_of(args), dossiers=args.dossiers, force=args.force,
                         pdf=args.pdf, on_wait=say_waiting)
    print(sent_summary(result))
    return EXIT_OK


def _cmd_templates(args: argparse.Namespace) -> int:
    from toolkit.letters.display import templates_summary
    from toolkit.letters.rendering import inspect_template
    from toolkit.places import template_path
    from toolkit.rules.letters import LETTER_TYPES

    if args.copy:
        return _copy_templates(args.register)
    paths = [template_path(type_id, args.register, args.templates) for type_id in LETTER_TYPES]
    print("Modèles de courriers :")
    print("\n".join(f"  {path}" for path in paths) + "\n")
    reports = [inspect_template(path) for path in paths]
    print(templates_summary(reports))
    return EXIT_OK if all(report.ok for report in reports) else EXIT_USAGE


def _copy_templates(register: Path) -> int:
    from toolkit.api import copy_templates

    done = copy_templates(register)
    print(f"Modèles personnalisables : {done.folder}")
    for path in done.copied:
        print(f"  copié : {path.name}")
    for path in done.kept:
        print(f"  déjà présent, laissé tel quel : {path.name}")
    print("Modifiez-les dans Word : ils remplacent les modèles livrés, fichier par fichier.")
    return EXIT_OK


def registers_of(args: argparse.Namespace) -> list[Path]:
    """``--register`` repeated (several agencies), or the one register in force."""
    return args.register if isinstance(args.register, list) else [args.register]


def _cmd_stats(args: argparse.Namespace) -> int:
    from toolkit.api import month_statistics
    from toolkit.report.display import month_figures_text

    figures = month_statistics(registers_of(args), *args.month, today_of(args))
    if args.json:
        print_json(figures)
    else:
        print(month_figures_text(figures, today_of(args)))
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from toolkit.report.notebook import write_monthly_report

    print("Exécution du notebook du rapport…", file=sys.stderr)
    print(write_monthly_report(registers_of(args), *args.month, today_of(args), args.out))
    return EXIT_OK


def _add_report_commands(subparsers) -> None:
    stats = _add_command(subparsers, "stats", "chiffres du mois (réclamations reçues dans le "
                         "mois)", _cmd_stats, json_output=True, register=False)
    report = _add_command(subparsers, "report", "rapport mensuel HTML (exécute le notebook)",
                          _cmd_report, register=False)
    for parser in (stats, report):
        parser.add_argument("--register", type=Path, action="append", metavar="CHEMIN",
                            help="classeur du registre (par défaut : celui de « toolkit "
                                 "config ») ; "
                                 "option répétable : les registres de plusieurs agences sont "
                                 "additionnés")
        parser.add_argument("--month", type=iso_month, required=True, metavar="AAAA-MM",
                            help="mois des réclamations reçues, par exemple 2026-11")
    report.add_argument("--out", type=Path, default=None, metavar="DOSSIER",
                        help="dossier du rapport (par défaut : rapports/ à côté du registre)")


def _letter_command(args: argparse.Namespace, numero: str) -> str:
    """The command that makes the confirmation letter later, naming the same register."""
    command = f"toolkit letters --type confirmation --numero {numero}"
    if getattr(args, "register_source", "") == FROM_OPTION:
        command += f' --register "{args.register}"'
    return command


def _confirmation_offer(args: argparse.Namespace, numero: str, interactive: bool) -> int:
    """A telephone complaint needs a written confirmation: offer the letter at once.

    The complaint is already saved: a letter that cannot be made is reported with the
    command that makes it later, and exit code 1 (never 2, which would invite running
    ``new`` again and registering the complaint twice)."""
    from toolkit.intake.prompts import ask_yes

    wanted = args.courrier_confirmation or (
        interactive and ask_yes("Produire maintenant le courrier de demande de confirmation ?"))
    if not wanted:
        print(f"Pour le produire : {_letter_command(args, numero)}")
        return EXIT_OK
    from toolkit.intake.recording import confirmation_letter
    from toolkit.letters.display import letters_summary

    try:
        result = confirmation_letter(args.register, numero, today_of(args), args.dossiers)
    except ToolkitError as error:
        reason = str(error)
    else:
        print(letters_summary(result))
        run = result.run
        if run.made:
            print("Une fois envoyé, inscrivez la date dans « Date de demande de confirmation "
                  "écrite ».")
            return EXIT_OK
        reason = "; ".join(o.reason for o in run.plan.skipped) or "aucun courrier n'était dû"
    print(f"Réclamation enregistrée sous {numero}, mais le courrier de demande de confirmation "
          f"n'a pas été produit : {reason}\nNe refaites pas « toolkit new ». Pour produire le "
          f"courrier plus tard : {_letter_command(args, numero)}", file=sys.stderr)
    return EXIT_PROBLEMS


def _cmd_new(args: argparse.Namespace) -> int:
    from toolkit.intake.display import new_summary
    from toolkit.intake.fields import NEW_FIELDS, advice, complaint_row
    from toolkit.intake.recording import record_complaint
    from toolkit.rules.columns import Canal

    given = {key: getattr(args, key) for key in NEW_FIELDS}
    interactive = all(value is None for value in given.values())
    if interactive:
        from toolkit.intake.prompts import ask_complaint

        row = ask_complaint(today_of(args))
    else:
        row = complaint_row(given, today_of(args))
    filed = record_complaint(args.register, row, args.dossiers, args.fichier,
                             on_wait=say_waiting)
    print(new_summary(filed))
    for note in advice(row):
        print(note)
    if row["canal"] == Canal.TELEPHONE:
        return _confirmation_offer(args, filed.numero, interactive)
    return EXIT_OK


def _cmd_intake(args: argparse.Namespace) -> int:
    from toolkit.intake.display import intake_summary
    from toolkit.intake.recording import intake_mails

    result = intake_mails(args.register, args.chemins, today_of(args), args.dossiers,
                          dry_run=args.dry_run, on_wait=say_waiting)
    print(intake_summary(result))
    return EXIT_USAGE if result.failures else EXIT_OK


def _cmd_audit(args: argparse.Namespace) -> int:
    from toolkit.audit.archive import AuditOptions, build_audit
    from toolkit.audit.display import audit_summary_text

    options = AuditOptions(args.du, args.au, today_of(args), args.out, args.dossiers,
                           args.rapports)
    result = build_audit(args.register, options)
    print(audit_summary_text(result))
    missing = result.contents.missing_dossiers or result.contents.report_failures
    return EXIT_PROBLEMS if missing else EXIT_OK


def _cmd_config(args: argparse.Namespace) -> int:
    from toolkit.api import places, set_default_register

    if args.register is not None:
        settings = set_default_register(args.register)
        print(f"Registre par défaut enregistré dans {settings}.")
    where = places()  # what is now in force (TOOLKIT_REGISTRE still wins over the file)
    absent = "" if where.register.exists() else " (fichier absent)"
    print(f"Registre : {where.register}{absent}\n  choisi par : {where.source}")
    print(f"Fichier de réglages : {where.settings}"
          f"{'' if where.settings_exist else ' (pas encore créé)'}")
    print(f"Dossiers des réclamations : {where.dossiers}")
    print(f"Sauvegardes du registre : {where.backups}")
    print(f"Rapports mensuels et archives d'audit : {where.reports} ; {where.register.parent}")
    if where.templates_override.is_dir():
        print(f"Modèles de courriers : {where.templates_override} (ils remplacent les modèles "
              f"livrés, fichier par fichier : {where.templates_shipped})")
    else:
        print(f"Modèles de courriers : livrés avec la boîte à outils ({where.templates_shipped}) ;"
              " « toolkit templates --copy » crée modeles/ à côté du registre pour les modifier")
    print(f"LibreOffice (PDF) : {where.soffice or 'introuvable'}")
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    """The sample register through check, status, letters --mark-sent and report."""
    from toolkit.api import prepare_demo
    from toolkit.register.sample import REFERENCE_DAY

    register = prepare_demo(args.dir)
    common = ["--register", str(register), "--today", REFERENCE_DAY.isoformat()]
    month = f"{REFERENCE_DAY.year}-{REFERENCE_DAY.month:02d}"
    # Each step parsed as typed, so that it gets every option's default.
    steps = (["check"], ["status"], ["letters", "--mark-sent"], ["report", "--month", month])
    print(f"Démonstration avec une copie du registre d'exemple : {register} "
          f"(date du jour simulée : {date_fr(REFERENCE_DAY)})")
    parser, codes = build_parser(), []
    for step in steps:
        print(f"\n== toolkit {' '.join(step)}", flush=True)
        step_args = parser.parse_args([*step, *common])
        resolve_registers(step_args)
        codes.append(step_args.handler(step_args))
    print(f"\nÀ regarder : le registre {register}, les courriers dans "
          f"{register.parent / 'dossiers'}, le rapport dans {register.parent / 'rapports'}.")
    return max(codes)  # the worst step: a sample register with problems would show here


# --- the parser -------------------------------------------------------------------------

def _add_command(subparsers, name: str, help_text: str, handler, *, today: bool = True,
                 json_output: bool = False, register: bool = True) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    if register:
        add_register_option(parser)
    if today:
        add_today_option(parser)
    if json_output:
        add_json_option(parser)
    parser.set_defaults(handler=handler)
    return parser


def _add_templates_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--templates", type=Path, default=None, metavar="DOSSIER",
                        help="dossier des modèles Word (par défaut : ceux de modeles/ à côté "
                             "du registre, sinon les modèles livrés)")


def _add_letters_commands(subparsers) -> None:
    from toolkit.rules.letters import LETTER_TYPES

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
    add_register_option(templates)
    templates.add_argument("--copy", action="store_true",
                           help="créer le dossier modeles/ à côté du registre avec les modèles "
                                "livrés, pour les personnaliser (rien n'est écrasé)")
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
                          "courriel (.eml, .msg, dossier, Maildir ou mbox)", _cmd_intake)
    intake.add_argument("chemins", nargs="+", type=Path, metavar="CHEMIN",
                        help="fichier .eml ou .msg (Outlook), dossier de ces fichiers, Maildir "
                             "ou fichier mbox")
    intake.add_argument("--dry-run", action="store_true",
                        help="montrer ce qui serait fait, sans rien écrire")
    audit = _add_command(subparsers, "audit", "archive zip pour un audit (registre, dossiers, "
                         "rapports, synthèse)", _cmd_audit)
    audit.add_argument("--du", type=iso_date, required=True, metavar="AAAA-MM-JJ",
                       help="premier jour de la période (date de réception)")
    audit.add_argument("--au", type=iso_date, required=True, metavar="AAAA-MM-JJ",
                       help="dernier jour de la période, inclus")
    audit.add_argument("--out", type=Path, metavar="FICHIER.zip",
                       help="archive à écrire (par défaut : audit_reclamations_DU_AU.zip à "
                            "côté du registre)")
    audit.add_argument("--rapports", type=Path, default=None, metavar="DOSSIER",
                       help="dossier des rapports mensuels (par défaut : rapports/ à côté du "
                            "registre)")
    for parser in (new, intake, audit):
        _add_dossiers_option(parser)


def build_parser() -> Parser:
    from toolkit.rules.columns import ZONES, Zone

    parser = Parser(prog="toolkit", description=(
        "Registre des réclamations clients : vérification, délais légaux, courriers, "
        "rapport mensuel."))
    parser.add_argument("--version", action="version", version=f"toolkit {__version__}",
                        help="afficher la version et quitter")
    subparsers = parser.add_subparsers(title="commandes", metavar="COMMANDE",
                                       parser_class=Parser)
    init = _add_command(subparsers, "init", "créer un registre vide (jamais d'écrasement)",
                        _cmd_init, today=False)
    init.add_argument("--zone", choices=ZONES, default=Zone.METROPOLE,
                      help="jours fériés appliqués (par défaut : Métropole)")
    _add_command(subparsers, "check", "vérifier le registre", _cmd_check, json_output=True)
    status = _add_command(subparsers, "status", "délais et statuts, retards d'abord",
                          _cmd_status, json_output=True)
    status.add_argument("--ouvertes", action="store_true",
                        help="n'afficher que les réclamations sans réponse")
    _add_letters_commands(subparsers)
    _add_report_commands(subparsers)
    _add_intake_commands(subparsers)
    _add_setup_commands(subparsers)
    return parser


def _add_setup_commands(subparsers) -> None:
    config = subparsers.add_parser(
        "config", help="afficher où se trouvent le registre, les dossiers, les rapports "
        "(et pourquoi) ; --register enregistre le registre par défaut",
        description="Afficher le registre utilisé, d'où vient ce choix, et les dossiers à "
                    "côté de lui. Avec --register, enregistrer ce registre comme registre "
                    "par défaut de cet utilisateur.")
    config.add_argument("--register", type=Path, default=None, metavar="CHEMIN",
                        help="enregistrer ce classeur comme registre par défaut")
    config.set_defaults(handler=_cmd_config, keeps_register_option=True)
    demo = subparsers.add_parser(
        "demo", help="démonstration sur une copie du registre d'exemple",
        description="Copier le registre d'exemple dans DOSSIER, puis vérifier, afficher les "
                    "délais, produire les courriers (--mark-sent) et le rapport du mois.")
    demo.add_argument("--dir", type=Path, default=Path("demo"), metavar="DOSSIER",
                      help="dossier de la démonstration (par défaut : demo/)")
    demo.set_defaults(handler=_cmd_demo)


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version and usage errors
        return int(stop.code or 0)
    if not hasattr(args, "handler"):
        parser.print_help()
        return EXIT_USAGE
    try:
        if not getattr(args, "keeps_register_option", False):
            resolve_registers(args)
        code = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handling below
        return code
    except ToolkitError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return error.exit_code


def main(argv: list[str] | None = None) -> int:
    safe_console()
    try:
        return _run(argv)
    except BrokenPipeError:
        _silence_closed_stdout()
        return EXIT_CLOSED_PIPE
    except KeyboardInterrupt:
        print("\nInterrompu.", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
