"""The toolkit as an office installs it, for benchmarks that time what staff wait for: the
wheel built from this checkout, in a virtualenv of its own with the runtime dependencies
only (no pytest, no hypothesis: a development environment imports more, and pandera loads
hypothesis's strategies when it finds it).

The virtualenv is created once (in the benchmarks' cache folder, beside the generated
registers); each call rebuilds the wheel and reinstalls it, so the code timed is the
checkout's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

from big_register import CACHE_DIR

ROOT = Path(__file__).resolve().parents[2]


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


class Install(NamedTuple):
    """One runtime-only install of this checkout: its Python (for the bare reads and
    openpyxl, timed in the same environment) and its ``toolkit`` console script."""

    python: str
    toolkit: str


def installed(cache_dir: Path = CACHE_DIR) -> Install:
    """Build the wheel of this checkout and install it in the benchmarks' virtualenv (its
    modules compiled at install, as pip does for an office)."""
    venv = cache_dir / "installed-venv"
    python = _bin(venv, "python")
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    with tempfile.TemporaryDirectory() as dist:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(ROOT),
                        "-w", dist], check=True)
        (wheel,) = Path(dist).glob("*.whl")
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, str(wheel)], check=True)  # the dependencies, when missing
        subprocess.run([*pip, "--no-deps", "--force-reinstall", str(wheel)], check=True)
    return Install(str(python), str(_bin(venv, "toolkit.exe" if os.name == "nt" else "toolkit")))
