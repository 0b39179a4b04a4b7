"""What the toolkit remembers of personal-data requests, without personal data.

``rgpd/`` beside the register holds:

- ``journal.txt``: one line per export, erasure or purge (date, what was done, complaint
  numbers and counts; never a name, an address or a text of the complaint);
- ``exports.json``: where each export was written, when, and the complaint numbers it holds,
  so that an erasure finds and removes these copies too;
- ``archives.json``: where each audit archive was written (``toolkit audit --out`` may put
  one outside the register's folder, on a USB key for the auditor), so that an erasure
  finds it there too;
- ``effacement-en-cours.json`` while an erasure runs: the numbers being erased. An erasure
  interrupted after the register was written finishes on the next ``rgpd`` run (the
  backups and archives are matched by these numbers).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from toolkit.atomic import atomic_replace
from toolkit.places import beside

PRIVACY_DIRNAME = "rgpd"
JOURNAL_NAME = "journal.txt"
EXPORTS_NAME = "exports.json"
ARCHIVES_NAME = "archives.json"
PENDING_NAME = "effacement-en-cours.json"


def privacy_dir(register: Path) -> Path:
    return beside(register, PRIVACY_DIRNAME)


def append_journal(register: Path, line: str, now: datetime | None = None) -> Path:
    path = privacy_dir(register) / JOURNAL_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).isoformat(timespec="seconds")
    with path.open("a", encoding="utf-8") as journal:
        journal.write(f"{stamp} {line}\n")
    return path


def _read_json(path: Path, default):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
    except (OSError, ValueError):
        return default  # a damaged record must not stop an erasure


def _write_json(path: Path, data) -> None:
    with atomic_replace(path) as temporary:
        temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")


def recorded_exports(register: Path) -> list[dict]:
    """``{"fichier": path, "date": AAAA-MM-JJ, "numeros": [...]}`` of each export."""
    data = _read_json(privacy_dir(register) / EXPORTS_NAME, [])
    return [entry for entry in data if isinstance(entry, dict) and entry.get("fichier")]


def record_export(register: Path, path: Path, day: date, numeros: list[str]) -> None:
    entries = [e for e in recorded_exports(register)
               if Path(e["fichier"]) != Path(path).resolve()]
    entries.append({"fichier": str(Path(path).resolve()), "date": day.isoformat(),
                    "numeros": list(numeros)})
    _write_json(privacy_dir(register) / EXPORTS_NAME, entries)


def forget_exports(register: Path, paths: list[Path]) -> None:
    gone = {str(Path(p).resolve()) for p in paths}
    entries = [e for e in recorded_exports(register) if e["fichier"] not in gone]
    _write_json(privacy_dir(register) / EXPORTS_NAME, entries)


def recorded_archives(register: Path) -> list[Path]:
    """Every audit archive written for this register, wherever it was written (those
    since deleted included)."""
    data = _read_json(privacy_dir(register) / ARCHIVES_NAME, [])
    return [Path(entry) for entry in data if isinstance(entry, str)] \
        if isinstance(data, list) else []


def record_archive(register: Path, path: Path) -> None:
    known = [str(p) for p in recorded_archives(register)]
    written = str(Path(path).resolve())
    if written not in known:
        _write_json(privacy_dir(register) / ARCHIVES_NAME, [*known, written])


def pending_numbers(register: Path) -> list[str]:
    """The numbers of an erasure that did not finish (empty when none)."""
    data = _read_json(privacy_dir(register) / PENDING_NAME, {})
    return [str(n) for n in data.get("numeros", [])] if isinstance(data, dict) else []


def mark_pending(register: Path, numeros: list[str]) -> None:
    _write_json(privacy_dir(register) / PENDING_NAME, {"numeros": sorted(set(numeros))})


def clear_pending(register: Path) -> None:
    (privacy_dir(register) / PENDING_NAME).unlink(missing_ok=True)
