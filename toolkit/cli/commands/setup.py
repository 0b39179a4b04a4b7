"""``config`` and ``demo``: where things are, and the tour on the sample register."""

from __future__ import annotations

import argparse
from pathlib import Path

from toolkit import api
from toolkit.cli.console import EXIT_OK
from toolkit.cli.options import Command, resolve_registers
from toolkit.dates import date_fr
from toolkit.places import dossiers_dir, reports_dir


def _config_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--register", type=Path, default=None, metavar="CHEMIN",
                        help="enregistrer ce classeur comme registre par défaut")


def config(args: argparse.Namespace) -> int:
    if args.register is not None:
        settings = api.set_default_register(args.register)
        print(f"Registre par défaut enregistré dans {settings}.")
    where = api.places()  # what is now in force (TOOLKIT_REGISTRE still wins over the file)
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


def _demo_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, default=Path("demo"), metavar="DOSSIER",
                        help="dossier de la démonstration (par défaut : demo/)")


def demo(args: argparse.Namespace) -> int:
    """The sample register through check, status, letters --mark-sent and report."""
    from toolkit.register.sample import REFERENCE_DAY

    register = api.prepare_demo(args.dir)
    common = ["--register", str(register), "--today", REFERENCE_DAY.isoformat()]
    month = f"{REFERENCE_DAY.year}-{REFERENCE_DAY.month:02d}"
    # Each step parsed as typed, so that it gets every option's default.
    steps = (["check"], ["status"], ["letters", "--mark-sent"], ["report", "--month", month])
    print(f"Démonstration avec une copie du registre d'exemple : {register} "
          f"(date du jour simulée : {date_fr(REFERENCE_DAY)})")
    codes = []
    for step in steps:
        print(f"\n== toolkit {' '.join(step)}", flush=True)
        step_args = args.parser.parse_args([*step, *common])
        resolve_registers(step_args)
        codes.append(step_args.handler(step_args))
    print(f"\nÀ regarder : le registre {register}, les courriers dans "
          f"{dossiers_dir(register)}, le rapport dans {reports_dir(register)}.")
    return max(codes)  # the worst step: a sample register with problems would show here


COMMANDS = (
    Command("config", "afficher où se trouvent le registre, les dossiers, les rapports "
            "(et pourquoi) ; --register enregistre le registre par défaut", config,
            _config_options, register=False, today=False, resolve_register=False,
            description="Afficher le registre utilisé, d'où vient ce choix, et les "
                        "dossiers à côté de lui. Avec --register, enregistrer ce registre "
                        "comme registre par défaut de cet utilisateur."),
    Command("demo", "démonstration sur une copie du registre d'exemple", demo,
            _demo_options, register=False, today=False,
            description="Copier le registre d'exemple dans DOSSIER, puis vérifier, "
                        "afficher les délais, produire les courriers (--mark-sent) et le "
                        "rapport du mois."),
)
