"""The files shipped with the toolkit: Word templates, report notebook, sample register.

In an installed wheel they are package data under ``toolkit/resources/<folder>/`` (put there
by the build backend: ``force-include`` in ``pyproject.toml``) and are found with
:mod:`importlib.resources`. In a checkout (editable install, tests) the package is imported
from the checkout itself, where ``toolkit/resources/`` holds no copies: the same names then
resolve to the top-level source folders ``letters/``, ``notebooks/`` and ``register/``, which
stay the only place they are edited.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

LETTERS = "letters"
NOTEBOOKS = "notebooks"
REGISTER = "register"

_CHECKOUT = Path(__file__).resolve().parents[2]


def shipped_dir(folder: str) -> Path:
    """The folder holding the shipped files of ``folder`` (one of the names above)."""
    packaged = files(__name__) / folder
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return _CHECKOUT / folder


def shipped_file(folder: str, name: str) -> Path:
    return shipped_dir(folder) / name
