"""``new`` and ``intake``: complaints coming in, typed or by e-mail."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from toolkit import api
from toolkit.cli.console import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, say_waiting
from toolkit.cli.options import Command, add_dossiers_option, today_of
from toolkit.errors import ToolkitError
from toolkit.places import FROM_OPTION

NEW_OPTIONS = (
    ("--canal", "canal", "Courrier, Courriel ou Téléphone (casse et accents indifférents ; "
                         "« tel », « mail » acceptés)"),
    ("--date", "date_reclamation", "date de réception, JJ/MM/AAAA (par défaut : aujourd'hui)"),
    ("--civilite", "civilite", "Madame ou Monsieur (« Mme », « M. », « Mr » acceptés)"),
    ("--nom", "nom", "nom du client"),
    ("--adresse", "adresse", "adresse postale (\\n sépare les lignes)"),
    ("--courriel", "courriel", "courriel du client"),
    ("--telephone", "telephone", "téléphone du client"),
    ("--categorie", "categorie", "catégorie (liste du registre ; le début d'un mot suffit "
                                 "quand une seule convient : « examen », « planning »)"),
    ("--description", "description", "description de la réclamation"),
)


def _new_options(parser: argparse.ArgumentParser) -> None:
    for flag, dest, help_text in NEW_OPTIONS:
        parser.add_argument(flag, dest=dest, metavar="TEXTE", help=help_text)
    parser.add_argument("--fichier", type=Path, metavar="CHEMIN",
                        help="réclamation écrite (scan, courrier…) à copier dans le dossier")
    parser.add_argument("--courrier-confirmation", action="store_true",
                        help="réclamation téléphonique : produire aussitôt le courrier de "
                             "demande de confirmation écrite")
    add_dossiers_option(parser)


def _letter_command(args: argparse.Namespace, numero: str) -> str:
    """The command that makes the confirmation letter later, naming the same register."""
    command = f"toolkit letters --type confirmation --numero {numero}"
    if getattr(args, "register_source", "") == FROM_OPTION:
        command += f' --register "{args.register}"'
    return command


def _sent_command(args: argparse.Namespace, numero: str) -> str:
    """The command that records the confirmation letter as sent, naming the same register."""
    command = f"toolkit sent --numero {numero} --type confirmation"
    if getattr(args, "register_source", "") == FROM_OPTION:
        command += f' --register "{args.register}"'
    return command


def _confirmation_offer(args: argparse.Namespace, filed, interactive: bool) -> int:
    """A telephone complaint needs a written confirmation: offer the letter at once.

    The complaint is already saved: a letter that cannot be made is reported with the
    command that makes it later, and exit code 1 (never 2, which would invite running
    ``new`` again and registering the complaint twice). Without an address or an e-mail no
    letter can go: say what to fill first, not a command that would fail."""
    from toolkit.intake.prompts import ask_yes

    numero = filed.numero
    if not (filed.row.get("adresse") or filed.row.get("courriel")):
        fill = (f"inscrivez d'abord l'adresse postale ou le courriel du client dans le registre "
                f"(ligne {filed.ligne}), puis : {_letter_command(args, numero)}")
        if not args.courrier_confirmation:
            print(f"Pour produire le courrier de demande de confirmation, {fill}")
            return EXIT_OK
        print(f"Réclamation enregistrée sous {numero}, mais le courrier de demande de "
              f"confirmation n'a pas été produit : ni adresse postale ni courriel.\nNe refaites "
              f"pas « toolkit new ». Pour produire le courrier, {fill}", file=sys.stderr)
        return EXIT_PROBLEMS
    wanted = args.courrier_confirmation or (
        interactive and ask_yes("Produire maintenant le courrier de demande de confirmation ?"))
    if not wanted:
        print(f"Pour le produire : {_letter_command(args, numero)}")
        return EXIT_OK
    from toolkit.letters.display import letters_summary

    try:
        result = api.confirmation_letter(args.register, numero, today_of(args), args.dossiers)
    except ToolkitError as error:
        reason = str(error)
    else:
        print(letters_summary(result))
        run = result.run
        if run.made:
            print(f"Une fois le courrier envoyé : {_sent_command(args, numero)}")
            return EXIT_OK
        reason = "; ".join(o.reason for o in run.plan.skipped) or "aucun courrier n'était dû"
    print(f"Réclamation enregistrée sous {numero}, mais le courrier de demande de confirmation "
          f"n'a pas été produit : {reason}\nNe refaites pas « toolkit new ». Pour produire le "
          f"courrier plus tard : {_letter_command(args, numero)}", file=sys.stderr)
    return EXIT_PROBLEMS


def new(args: argparse.Namespace) -> int:
    from toolkit.intake.display import new_summary
    from toolkit.intake.fields import NEW_FIELDS, advice, complaint_row
    from toolkit.rules.columns import Canal

    given = {key: getattr(args, key) for key in NEW_FIELDS}
    interactive = all(value is None for value in given.values())
    if interactive:
        from toolkit.intake.prompts import ask_complaint, confirm_complaint

        row = ask_complaint(today_of(args))
        if not confirm_complaint(row):
            print("Réclamation non enregistrée : rien n'a été écrit.")
            return EXIT_OK
    else:
        row = complaint_row(given, today_of(args))
    filed = api.record_complaint(args.register, row, args.dossiers, args.fichier,
                                 on_wait=say_waiting)
    print(new_summary(filed))
    for note in advice(row):
        print(note)
    if row["canal"] == Canal.TELEPHONE:
        return _confirmation_offer(args, filed, interactive)
    return EXIT_OK


def _intake_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("chemins", nargs="+", type=Path, metavar="CHEMIN",
                        help="fichier .eml ou .msg (Outlook), dossier de ces fichiers, Maildir "
                             "ou fichier mbox")
    parser.add_argument("--dry-run", action="store_true",
                        help="montrer ce qui serait fait, sans rien écrire")
    parser.add_argument("--numero", metavar="AAAA-NNN",
                        help="classer ces courriels dans le dossier de cette réclamation, quel "
                             "qu'en soit l'expéditeur (confirmation écrite d'un appel, client "
                             "écrivant d'une autre adresse…)")
    add_dossiers_option(parser)


def intake(args: argparse.Namespace) -> int:
    from toolkit.intake.display import intake_summary
    from toolkit.intake.recording import IntakeOptions

    options = IntakeOptions(args.dossiers, args.dry_run, say_waiting, args.numero)
    result = api.intake_mails(args.register, args.chemins, today_of(args), options)
    print(intake_summary(result))
    return EXIT_USAGE if result.failures else EXIT_OK


COMMANDS = (
    Command("new", "enregistrer une réclamation (options, ou questions posées une à une sans "
            "option)", new, _new_options),
    Command("intake", "enregistrer les réclamations reçues par courriel (.eml, .msg, dossier, "
            "Maildir ou mbox)", intake, _intake_options),
)
