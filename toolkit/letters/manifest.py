"""What the toolkit remembers about the dossiers it keeps: ``.toolkit-manifest.json`` in the
dossiers folder.

Two things, both to keep a run's cost proportional to what changed: the date each letter
carries and the reply date a late progress letter promised (``toolkit sent`` records that
promise later, and the summary sheet shows the letter's own date, not the file's), and the
digest of what each summary sheet shows (a sheet is rewritten only when it differs).
Losing the file costs one full rewrite of the sheets, nothing else.

It also names the register the dossiers are kept for (its file name): two registers in one
folder would otherwise share ``dossiers/``, and each would take the other's dossier of the
same number for its own client's (docs/product-rules.md, "Letters").
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from toolkit.dates import date_fr
from toolkit.errors import DossiersInUseError

MANIFEST_NAME = ".toolkit-manifest.json"
_VERSION = 1


@dataclass
class LetterRecord:
    """The date a letter carries, and the reply date it promised (late progress letter)."""

    day: date
    promised: date | None = None


@dataclass
class Manifest:
    path: Path
    letters: dict[str, LetterRecord] = field(default_factory=dict)  # "dossier/file.docx"
    fiches: dict[str, str] = field(default_factory=dict)  # "dossier/fiche.docx" → digest
    changed: bool = False
    register: str | None = None  # the file name of the register the dossiers are kept for
    _by_dossier: dict[str, dict[str, str]] | None = field(default=None, repr=False)

    @staticmethod
    def key(path: Path) -> str:
        return f"{path.parent.name}/{path.name}"

    def record_letter(self, path: Path, day: date, promised: date | None) -> None:
        self.letters[self.key(path)] = LetterRecord(day, promised)
        self._by_dossier = None
        self.changed = True

    def letter(self, path: Path) -> LetterRecord | None:
        return self.letters.get(self.key(path))

    def letter_dates(self, dossier: Path) -> dict[str, str]:
        """File name → date shown (JJ/MM/AAAA) of the letters recorded for ``dossier``."""
        if self._by_dossier is None:  # indexed once: a batch asks for every dossier
            self._by_dossier = {}
            for key, record in self.letters.items():
                folder, _, name = key.partition("/")
                self._by_dossier.setdefault(folder, {})[name] = f"{date_fr(record.day)}"
        return self._by_dossier.get(dossier.name, {})

    def rename_dossier(self, old: str, new: str) -> None:
        """Carry the records of dossier folder ``old`` over to its new name ``new``."""
        prefix = f"{old}/"
        for records in (self.letters, self.fiches):
            for key in [key for key in records if key.startswith(prefix)]:
                records[f"{new}/{key.removeprefix(prefix)}"] = records.pop(key)
                self.changed = True
        self._by_dossier = None

    def keep_for(self, register: Path, record: bool = True) -> None:
        """Make the dossiers ``register``'s: refused (``DossiersInUseError``) when they are
        kept for another register that is still beside it; else, with ``record`` (commands
        that write in the dossiers), ``register`` is recorded as their keeper (first use, or
        the register renamed or moved) once the dossiers folder exists: the folder is never
        created for this alone."""
        keeper, name = self.register, Path(register).name
        if keeper is not None and keeper.casefold() != name.casefold() and \
                (Path(register).parent / keeper).is_file():
            raise DossiersInUseError(
                f"Le dossier {self.path.parent} range les dossiers du registre « {keeper} », "
                f"qui est à côté de « {name} » : les deux registres donneraient les mêmes "
                "numéros à des clients différents. Rangez chaque registre dans un dossier à "
                "lui, ou indiquez d'autres dossiers avec --dossiers (rien n'a été modifié).")
        if record and keeper != name and self.path.parent.is_dir():
            self.register = name
            self.changed = True

    def record_fiche(self, path: Path, digest: str) -> None:
        self.fiches[self.key(path)] = digest
        self.changed = True


def _letter_record(data: dict) -> LetterRecord:
    promised = data.get("promesse")
    return LetterRecord(date.fromisoformat(data["date"]),
                        date.fromisoformat(promised) if promised else None)


def load_manifest(root: Path) -> Manifest:
    """The manifest of the dossiers folder ``root``; an empty one when absent or unreadable."""
    path = root / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        letters = {key: _letter_record(value) for key, value in data["courriers"].items()}
        keeper = data.get("registre")
        return Manifest(path, letters, dict(data["fiches"]),
                        register=keeper if isinstance(keeper, str) and keeper else None)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Manifest(path)


def save_manifest(manifest: Manifest) -> None:
    """Write the manifest atomically, when something changed."""
    if not manifest.changed:
        return
    data = {"version": _VERSION,
            **({"registre": manifest.register} if manifest.register else {}),
            "courriers": {key: {"date": record.day.isoformat(),
                                "promesse": record.promised.isoformat()
                                if record.promised else None}
                          for key, record in sorted(manifest.letters.items())},
            "fiches": dict(sorted(manifest.fiches.items()))}
    manifest.path.parent.mkdir(parents=True, exist_ok=True)
    temporary = manifest.path.with_name(f"{manifest.path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, manifest.path)
    finally:
        temporary.unlink(missing_ok=True)
    manifest.changed = False


def keep_dossiers_for(root: Path, register: Path, record: bool = True) -> None:
    """:meth:`Manifest.keep_for` on the manifest of the dossiers folder ``root``, saved."""
    manifest = load_manifest(root)
    manifest.keep_for(register, record)
    save_manifest(manifest)
