"""Build step only: copy the shipped files into the package (everything else is in
pyproject.toml).

The top-level ``letters/``, ``notebooks/`` and ``register/`` folders stay the sources (edited
and rebuilt there); the wheel carries copies under ``toolkit/resources/`` where
``toolkit.resources`` finds them with ``importlib.resources``. Build scripts and the
notebook's jupytext pair are not shipped.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

# source folder -> file patterns shipped from it
SHIPPED = {
    "letters": ("*.docx",),
    "notebooks": ("rapport_mensuel.ipynb",),
    "register": ("exemple_registre.xlsx",),
}


class BuildPyWithResources(build_py):
    """``build_py`` that also copies the shipped files into ``toolkit/resources/<folder>/``."""

    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the source folders directly
            return
        for folder, patterns in SHIPPED.items():
            target = Path(self.build_lib, "toolkit", "resources", folder)
            self.mkpath(str(target))
            for pattern in patterns:
                for source in sorted(Path(folder).glob(pattern)):
                    self.copy_file(str(source), str(target / source.name))


setup(cmdclass={"build_py": BuildPyWithResources})
