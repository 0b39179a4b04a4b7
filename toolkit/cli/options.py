"""How a command is declared, and the options several commands share.

A command is one :class:`Command`: its name, its help, the function that adds its own
options and the handler that calls one :mod:`toolkit.api` function and prints the result.
Each stage's commands sit in one module of :mod:`toolkit.cli.commands`, options next to
their handler.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from toolkit.dates import parse_day, parse_month
from toolkit.errors import UsageError
from toolkit.places import FALLBACK_REGISTER, REGISTER_VARIABLE, locate_register
from toolkit.rules.letters import LABELS, LETTER_TYPES

DAY_METAVAR = "JJ/MM/AAAA"  # J/M/AA and AAAA-MM-JJ are read too (toolkit.dates.parse_day)

Handler = Callable[[argparse.Namespace], int]


def _no_options(parser: argparse.ArgumentParser) -> None:
    """A command with only the shared options."""


@dataclass(frozen=True)
class Command:
    """One ``toolkit`` command. ``register``: the usual ``--register`` option (one register);
    ``today``: ``--today``; ``json``: ``--json``; ``resolve_register``: replace ``--register``
    by the register in force before the handler runs (``config`` takes the option as
    given). ``subcommands``: a command grouping others (``rgpd export``…): it has no
    handler and no options of its own; each sub-command is declared as a command is."""

    name: str
    help: str
    handler: Handler | None
    add_options: Callable[[argparse.ArgumentParser], None] = _no_options
    description: str | None = None
    register: bool = True
    today: bool = True
    json: bool = False
    resolve_register: bool = True
    subcommands: tuple[Command, ...] = ()

    def add_to(self, subparsers) -> argparse.ArgumentParser:
        parser = subparsers.add_parser(self.name, help=self.help,
                                       description=self.description or self.help)
        if self.subcommands:
            nested = parser.add_subparsers(title="sous-commandes", metavar="SOUS-COMMANDE",
                                           parser_class=type(parser), required=True)
            for command in self.subcommands:
                command.add_to(nested)
            return parser
        if self.register:
            add_register_option(parser)
        if self.today:
            parser.add_argument("--today", type=day_argument, default=None,
                                metavar=DAY_METAVAR,
                                help="date du jour pour les délais, JJ/MM/AAAA, J/M/AA ou "
                                     "AAAA-MM-JJ (par défaut : aujourd'hui)")
        if self.json:
            parser.add_argument("--json", action="store_true",
                                help="sortie JSON (pour d'autres outils)")
        self.add_options(parser)
        parser.set_defaults(handler=self.handler, resolve_register=self.resolve_register)
        return parser


# --- argument types ---------------------------------------------------------------------

def day_argument(text: str) -> date:
    try:
        return parse_day(text)
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


# Words typed around a letter's name that do not tell one type from another.
_FILLERS = {"de", "d", "des", "du", "la", "le", "l", "sur", "courrier", "lettre"}
# Usual short names staff type, beside each type's id and French label.
_ALIASES = {"ar": "accuse", "accuse reception": "accuse", "information": "suivi",
            "avancement": "suivi", "retard": "suivi", "complement": "complements"}
_MIN_PREFIX = 3


def _words(text: str) -> str:
    """Lower case, no accents, words only: « Accusé-de-Réception » → ``accuse de reception``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


def _letter_names() -> dict[str, str]:
    """Every accepted spelling (as :func:`_words` writes it) → letter type id."""
    names = {}
    for type_id in LETTER_TYPES:
        label = _words(LABELS[type_id])
        core = " ".join(word for word in label.split() if word not in _FILLERS)
        names.update({type_id: type_id, label: type_id, core: type_id})
    return {**names, **_ALIASES}


def letter_type(text: str) -> str:
    """The letter type id meant by ``text``: its id, its French label or the label's main
    words, in any case, with or without accents (``accusé``, ``Réponse``,
    ``accuse-reception``), or the unambiguous start of one of these; a French
    :class:`UsageError` listing the types otherwise."""
    typed = _words(text)
    core = " ".join(word for word in typed.split() if word not in _FILLERS)
    names = _letter_names()
    for candidate in (typed, core):
        if candidate in names:
            return names[candidate]
    if len(core) >= _MIN_PREFIX:
        found = {type_id for name, type_id in names.items() if name.startswith(core)}
        if len(found) == 1:
            return found.pop()
    choices = ", ".join(f"{type_id} ({LABELS[type_id]})" for type_id in LETTER_TYPES)
    raise UsageError(f"type de courrier inconnu « {text} » (attendu : {choices})")


def letter_type_argument(text: str) -> str:
    try:
        return letter_type(text)
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def month_argument(text: str) -> tuple[int, int]:
    try:
        return parse_month(text)
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


# --- shared options -------------------------------------------------------------------

def add_register_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--register", type=Path, default=None, metavar="CHEMIN",
                        help=f"classeur du registre (par défaut : variable {REGISTER_VARIABLE}, "
                             f"sinon le registre enregistré par « toolkit init » ou « toolkit "
                             f"config --register », sinon {FALLBACK_REGISTER} ; voir « toolkit "
                             "config »)")


def add_registers_option(parser: argparse.ArgumentParser) -> None:
    """``--register`` repeated: several agencies' registers added together."""
    parser.add_argument("--register", type=Path, action="append", metavar="CHEMIN",
                        help="classeur du registre (par défaut : celui de « toolkit config ») ; "
                             "option répétable : les registres de plusieurs agences sont "
                             "additionnés")


def add_dossiers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dossiers", type=Path, metavar="DOSSIER",
                        help="dossier des dossiers de réclamation (par défaut : dossiers/ "
                             "à côté du registre)")


def add_templates_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--templates", type=Path, default=None, metavar="DOSSIER",
                        help="dossier des modèles Word (par défaut : ceux de modeles/ à côté "
                             "du registre, sinon les modèles livrés)")


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


def today_of(args: argparse.Namespace) -> date:
    return args.today or date.today()


def registers_of(args: argparse.Namespace) -> list[Path]:
    """``--register`` repeated (several agencies), or the one register in force."""
    return args.register if isinstance(args.register, list) else [args.register]
