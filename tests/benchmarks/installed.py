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

from big_register import CACHE_DIR

ROOT = Path(__file__).resolve().parents[2]


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def installed_toolkit(cache_dir: Path = CACHE_DIR) -> str:
    """The ``toolkit`` console script of a runtime-only install of this checkout."""
    return str(Path(installed_python(cache_dir)).with_name(_bin(Path(), "toolkit").name))


def installed_python(cache_dir: Path = CACHE_DIR) -> str:
    """The Python of a runtime-only install of this checkout (its modules compiled at
    install, as pip does for an office)."""
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
    return str(python)
