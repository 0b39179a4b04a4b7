"""Where things live: the register, the settings file, and the folders beside the register.

The register is found in this order (docs/product-rules.md, "Where things live"):

1. ``--register PATH`` on the command line;
2. the environment variable ``TOOLKIT_REGISTRE``;
3. the per-user settings file (written by ``toolkit init`` and ``toolkit config --register``);
4. ``register/registre_reclamations.xlsx`` under the current folder.

Everything the toolkit writes or reads next to the register (``dossiers/``, ``sauvegardes/``,
``rapports/``, audit archives, a ``modeles/`` folder overriding the shipped Word templates)
is placed beside the register, never in the current folder, so that a register in a shared
or OneDrive folder can be used from any terminal. The functions below are the only place
these folders are decided; the rest of the toolkit calls them.

The settings file is ``config.json`` in the OS's per-user configuration folder
(platformdirs); the environment variable ``TOOLKIT_CONFIG_DIR`` replaces that folder (tests
use it to stay away from the real user profile).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.resources import LETTERS, shipped_dir

APP_NAME = "toolkit-reclamations"
SETTINGS_NAME = "config.json"
ERROR_LOG_NAME = "erreurs.log"
REGISTER_VARIABLE = "TOOLKIT_REGISTRE"
CONFIG_DIR_VARIABLE = "TOOLKIT_CONFIG_DIR"
FALLBACK_REGISTER = Path("register") / "registre_reclamations.xlsx"
DOSSIERS_DIRNAME = "dossiers"
BACKUPS_DIRNAME = "sauvegardes"
REPORTS_DIRNAME = "rapports"
TEMPLATES_DIRNAME = "modeles"

# Where the register path came from, as `toolkit config` says it.
FROM_OPTION = "option --register"
FROM_VARIABLE = f"variable d'environnement {REGISTER_VARIABLE}"
FROM_SETTINGS = "fichier de réglages"
FROM_DEFAULT = "valeur par défaut (dossier courant)"


@dataclass(frozen=True)
class Located:
    """The register in force and where that choice comes from."""

    path: Path
    source: str


def settings_path() -> Path:
    """The per-user settings file (it may not exist yet)."""
    folder = os.environ.get(CONFIG_DIR_VARIABLE)
    if not folder:
        from platformdirs import user_config_dir

        folder = user_config_dir(APP_NAME, appauthor=False, roaming=False)
    return Path(folder) / SETTINGS_NAME


def error_log_path() -> Path:
    """The log of unexpected errors (tracebacks): the OS's per-user log folder, or the
    ``TOOLKIT_CONFIG_DIR`` folder when that variable is set."""
    folder = os.environ.get(CONFIG_DIR_VARIABLE)
    if not folder:
        from platformdirs import user_log_dir

        folder = user_log_dir(APP_NAME, appauthor=False)
    return Path(folder) / ERROR_LOG_NAME


def read_settings() -> dict[str, str]:
    """The settings file's values; an absent file is no settings."""
    path = settings_path()
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise UsageError(f"Fichier de réglages illisible : {path} ({error}). Corrigez-le ou "
                         "supprimez-le, puis « toolkit config --register CHEMIN ».") from None
    return values if isinstance(values, dict) else {}


def save_default_register(register: Path) -> Path:
    """Record ``register`` (made absolute) as the default register; return the settings file."""
    path = settings_path()
    values = {**read_settings(), "registre": str(Path(register).expanduser().resolve())}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(json.dumps(values, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        raise UsageError(f"Impossible d'écrire le fichier de réglages {path} : "
                         f"{error.strerror or error}") from None
    return path


def locate_register(option: Path | str | None = None) -> Located:
    """The register to use for one ``--register`` value (``None``: option not given)."""
    if option:
        return Located(Path(option).expanduser(), FROM_OPTION)
    variable = os.environ.get(REGISTER_VARIABLE, "").strip()
    if variable:
        return Located(Path(variable).expanduser(), FROM_VARIABLE)
    saved = str(read_settings().get("registre") or "").strip()
    if saved:
        return Located(Path(saved), FROM_SETTINGS)
    return Located(FALLBACK_REGISTER, FROM_DEFAULT)


def resolve_register(option: Path | str | None = None) -> Path:
    return locate_register(option).path


def beside(register: Path, name: str) -> Path:
    """A folder or file next to the register."""
    return Path(register).parent / name


def dossiers_dir(register: Path, option: Path | None = None) -> Path:
    """``--dossiers`` when given, else ``dossiers/`` beside the register: one folder per
    complaint (docs/product-rules.md, "Letters")."""
    return option or beside(register, DOSSIERS_DIRNAME)


def backups_dir(register: Path) -> Path:
    """``sauvegardes/`` beside the register: its copies before each write."""
    return beside(register, BACKUPS_DIRNAME)


def reports_dir(register: Path, option: Path | None = None) -> Path:
    """``--out``/``--rapports`` when given, else ``rapports/`` beside the register."""
    return option or beside(register, REPORTS_DIRNAME)


def templates_dir(register: Path) -> Path:
    """``modeles/`` beside the register: its ``.docx`` replace the shipped ones by name."""
    return beside(register, TEMPLATES_DIRNAME)


override_templates_dir = templates_dir  # the name older code imports


def audit_archive(register: Path, du: date, au: date) -> Path:
    """The default audit archive of the period, beside the register."""
    return beside(register, f"audit_reclamations_{du.isoformat()}_{au.isoformat()}.zip")


def template_path(type_id: str, register: Path | None = None,
                  folder: Path | None = None) -> Path:
    """The Word template of ``type_id``: from ``folder`` (``--templates``) when given, else
    ``modeles/<type>.docx`` beside the register when it exists, else the shipped one."""
    name = f"{type_id}.docx"
    if folder is not None:
        return Path(folder) / name
    if register is not None:
        override = templates_dir(register) / name
        if override.is_file():
            return override
    return shipped_dir(LETTERS) / name
