"""``letters``, ``sent``, ``templates``: the Word letters."""

from __future__ import annotations

import argparse
import sys

from toolkit import api
from toolkit.cli.console import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, say_waiting
from toolkit.cli.options import (
    DAY_METAVAR,
    Command,
    add_dossiers_option,
    add_templates_option,
    day_argument,
    letter_type_argument,
    today_of,
)
from toolkit.rules.letters import LETTER_TYPES

_TYPE_HELP = (f"{', '.join(LETTER_TYPES)} ; la casse, les accents et le libellé français sont "
              "acceptés (accusé, réponse, accusé-de-réception…)")


def _progress_bar(total: int):
    from tqdm import tqdm

    from toolkit.letters.rendering import PARALLEL_THRESHOLD

    class QuietBar(tqdm):
        monitor_interval = 0  # no monitor thread: worker processes are forked after it

    return QuietBar(total=total, file=sys.stderr, unit="fichier", desc="Courriers et fiches",
                    disable=True if total < PARALLEL_THRESHOLD else None, leave=False)


def _letters_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--type", action="append", type=letter_type_argument, metavar="TYPE",
                        help=f"seulement ce type de courrier ({_TYPE_HELP}) ; option "
                             "répétable")
    parser.add_argument("--numero", action="append", metavar="N",
                        help="seulement cette réclamation ; option répétable (chaque numéro "
                             "est traité, un numéro inconnu est signalé)")
    add_dossiers_option(parser)
    add_templates_option(parser)
    parser.add_argument("--mark-sent", action="store_true",
                        help="inscrire la date du jour (--today) comme date d'envoi dans le "
                             "registre, pour chaque courrier produit")
    parser.add_argument("--force", action="store_true",
                        help="refaire un courrier déjà produit (il est remplacé)")
    parser.add_argument("--pdf", action="store_true",
                        help="produire aussi une copie PDF (LibreOffice)")
    parser.add_argument("--eml", action="store_true",
                        help="écrire aussi un brouillon de courriel (.eml) prêt à envoyer, "
                             "pour les réclamations qui ont un courriel")


def letters(args: argparse.Namespace) -> int:
    from toolkit.letters.batch import LetterOptions
    from toolkit.letters.display import letters_summary, needs_attention, sent_dates_summary

    options = LetterOptions(types=tuple(dict.fromkeys(args.type or LETTER_TYPES)),
                            numeros=tuple(args.numero or ()),
                            dossiers=args.dossiers, templates=args.templates,
                            force=args.force, pdf=args.pdf, eml=args.eml)
    result = api.produce_letters(args.register, today_of(args), options,
                                 mark_sent=args.mark_sent, progress_bar=_progress_bar,
                                 on_wait=say_waiting)
    print(letters_summary(result))
    if result.updates:
        print(sent_dates_summary(result))
    return EXIT_PROBLEMS if needs_attention(result) else EXIT_OK


def _sent_options(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--numero", action="append", metavar="N",
                       help="numéro de la réclamation ; option répétable : tous les envois "
                            "sont inscrits en une seule écriture du registre")
    which.add_argument("--tous", action="store_true",
                       help="inscrire l'envoi de chaque courrier de ce type produit et pas "
                            "encore inscrit")
    parser.add_argument("--type", required=True, type=letter_type_argument, metavar="TYPE",
                        help=f"type du courrier envoyé ({_TYPE_HELP})")
    parser.add_argument("--date", type=day_argument, default=None, metavar=DAY_METAVAR,
                        help="date d'envoi, JJ/MM/AAAA, J/M/AA ou AAAA-MM-JJ (par défaut : "
                             "--today)")
    parser.add_argument("--force", action="store_true",
                        help="remplacer une date d'envoi déjà inscrite")
    parser.add_argument("--pdf", action="store_true",
                        help="produire la copie PDF du courrier si elle manque (LibreOffice)")
    add_dossiers_option(parser)


def sent(args: argparse.Namespace) -> int:
    from toolkit.letters.display import sent_refusals, sent_summary
    from toolkit.letters.pipeline import SentOptions

    options = SentOptions(tuple(args.numero or ()), args.type, args.date or today_of(args),
                          dossiers=args.dossiers, force=args.force, pdf=args.pdf,
                          every_made=args.tous)
    result = api.record_sent(args.register, options, today_of(args), on_wait=say_waiting)
    print(sent_summary(result))
    if result.refused:
        print(sent_refusals(result), file=sys.stderr)
    return EXIT_PROBLEMS if result.refused or result.pdf_failures else EXIT_OK


def _templates_options(parser: argparse.ArgumentParser) -> None:
    add_templates_option(parser)
    parser.add_argument("--copy", action="store_true",
                        help="créer le dossier modeles/ à côté du registre avec les modèles "
                             "livrés, pour les personnaliser (rien n'est écrasé)")


def templates(args: argparse.Namespace) -> int:
    if args.copy:
        return _copy_templates(args)
    from toolkit.letters.display import templates_summary

    inspected = api.inspect_templates(args.register, args.templates)
    print("Modèles de courriers :")
    print("\n".join(f"  {report.path}" for report in inspected) + "\n")
    print(templates_summary(inspected))
    return EXIT_OK if all(report.ok for report in inspected) else EXIT_USAGE


def _copy_templates(args: argparse.Namespace) -> int:
    done = api.copy_templates(args.register)
    print(f"Modèles personnalisables : {done.folder}")
    for path in done.copied:
        print(f"  copié : {path.name}")
    for path in done.kept:
        print(f"  déjà présent, laissé tel quel : {path.name}")
    print("Modifiez-les dans Word : ils remplacent les modèles livrés, fichier par fichier.")
    return EXIT_OK


COMMANDS = (
    Command("letters", "produire les courriers dus, dossier par réclamation", letters,
            _letters_options),
    Command("sent", "inscrire au registre l'envoi de courriers produits plus tôt", sent,
            _sent_options),
    Command("templates", "lister les champs des modèles de courriers et les champs inconnus",
            templates, _templates_options, today=False,
            description="Lister les champs des modèles de courriers et signaler les champs "
                        "inconnus (balise abîmée en modifiant le modèle dans Word)."),
)
