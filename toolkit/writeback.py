"""Writing to the register — the one path every command that writes goes through.

The register is a legal record, so a write:

1. refuses while Excel (``~$name.xlsx``) or LibreOffice (``.~lock.name.xlsx#``) holds it,
   and takes an inter-process lock (a separate lock file) so two runs never write at once;
2. refuses when the file changed on disk since it was read (someone saved in between);
3. refuses, before touching anything, a workbook holding what openpyxl would silently drop
   (images, charts, pivot tables, slicers, sparklines);
4. changes only the intended cells, then recreates the validations, formulas and
   conditional formats the toolkit owns (openpyxl drops Excel's extensions of them);
5. saves a dated backup in ``sauvegardes/`` (the last 20 are kept), writes a temporary file
   in the same folder, re-opens it as a check, then ``os.replace`` — so a crash at any
   moment leaves either the old or the new register, never a broken one.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .columns import BY_KEY, DATE, INPUT_COLUMNS
from .errors import RegisterChangedError, RegisterFileError, RegisterLockedError, UnsafeWriteError

BACKUP_DIRNAME = "sauvegardes"
BACKUPS_KEPT = 20
LOCK_TIMEOUT_S = 15
TEXT_LEADERS = ("=", "+", "-", "@", "\t", "\x00")
# Parts openpyxl cannot carry over: writing would lose them without a word.
_UNSAFE_PARTS = (
    (re.compile(r"xl/drawings/drawing\d*\.xml$"), "des images ou des formes"),
    (re.compile(r"xl/charts/"), "des graphiques"),
    (re.compile(r"xl/pivotTables/"), "des tableaux croisés dynamiques"),
    (re.compile(r"xl/slicers/|xl/slicerCaches/"), "des segments (slicers)"),
    (re.compile(r"xl/timelines/"), "des chronologies"),
)
_UNSAFE_SHEET_MARKERS = ((b"sparklineGroups", "des graphiques sparkline"),
                         (b"x14:conditionalFormatting", "des mises en forme conditionnelles "
                                                        "avancées (Excel 2010+)"))


@dataclass(frozen=True)
class WriteTarget:
    """The open workbook during a write, with where the register's columns are."""

    workbook: object
    sheet: object
    column_index: dict[str, int]
    header_row: int


# --- pure helpers ------------------------------------------------------------------------

def next_numero(taken: Sequence[object], year: int) -> str:
    """``AAAA-NNN``: one more than the highest sequence already used for ``year``."""
    pattern = re.compile(rf"^{year}-(\d+)$")
    used = [int(m.group(1)) for m in (pattern.match(str(n).strip()) for n in taken if n) if m]
    return f"{year}-{max(used, default=0) + 1:03d}"


def as_text_cell_value(value: str) -> str:
    """Client text as stored: characters Excel forbids removed, nothing else changed."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)


# --- refusals ----------------------------------------------------------------------------

def _lock_owner(lock: Path) -> str:
    """Who holds an Excel or LibreOffice lock file, as far as the file says."""
    try:
        data = lock.read_bytes()[:512]
    except OSError:
        return "inconnu"
    if lock.name.startswith(".~lock."):
        fields = data.decode("utf-8", "replace").split(",")
        return fields[1].strip() or "inconnu" if len(fields) > 1 else "inconnu"
    length = data[0] if data else 0
    name = data[1:1 + length].decode("latin-1", "replace").strip()
    return name or "inconnu"


def office_locks(path: Path) -> list[Path]:
    return [lock for lock in (path.with_name(f"~${path.name}"),
                              path.with_name(f".~lock.{path.name}#")) if lock.exists()]


def refuse_if_open(path: Path) -> None:
    for lock in office_locks(path):
        minutes = int((time.time() - lock.stat().st_mtime) // 60)
        raise RegisterLockedError(
            f"{path.name} est ouvert dans Excel ou LibreOffice (par {_lock_owner(lock)}, "
            f"depuis {minutes} min ; fichier {lock.name}). Fermez le classeur puis "
            "relancez la commande : rien n'a été écrit.")


def refuse_if_changed(path: Path, expected_mtime_ns: int | None) -> None:
    if expected_mtime_ns is not None and path.stat().st_mtime_ns != expected_mtime_ns:
        raise RegisterChangedError(
            f"{path.name} a été modifié pendant la commande (enregistré par quelqu'un "
            "d'autre ?). Rien n'a été écrit : relancez la commande.")


def refuse_if_unsafe(path: Path) -> None:
    """Refuse a workbook holding parts openpyxl would drop on save."""
    found: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            found += [what for pattern, what in _UNSAFE_PARTS
                      if pattern.search(name) and what not in found]
            if re.match(r"xl/worksheets/sheet\d+\.xml$", name):
                content = archive.read(name)
                found += [what for marker, what in _UNSAFE_SHEET_MARKERS
                          if marker in content and what not in found]
    if found:
        raise UnsafeWriteError(
            f"{path.name} contient {', '.join(found)}, que l'outil ne sait pas conserver. "
            "Rien n'a été écrit : déplacez-les dans un autre classeur, ou saisissez les "
            "dates à la main.")


# --- the write session ---------------------------------------------------------------------

def _temp_path(path: Path) -> Path:
    return path.with_name(f".{path.stem}.toolkit-{os.getpid()}.tmp{path.suffix}")


def clean_stale_temps(path: Path) -> None:
    """Remove temporary files left by a write that was killed (we hold the lock now)."""
    for stale in path.parent.glob(f".{path.stem}.toolkit-*.tmp{path.suffix}"):
        with suppress(OSError):
            stale.unlink()


def backup(path: Path) -> Path:
    """Copy the register into ``sauvegardes/`` with the date and time; keep the last 20."""
    folder = path.parent / BACKUP_DIRNAME
    folder.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}_{stamp}{path.suffix}"
    counter = 2
    while target.exists():
        target = folder / f"{path.stem}_{stamp}-{counter}{path.suffix}"
        counter += 1
    shutil.copy2(path, target)
    for old in _backups(path)[:-BACKUPS_KEPT]:
        old.unlink()
    return target


def _locate_columns(sheet) -> tuple[int, dict[str, int]]:
    from .workbook import find_header_row, map_headers

    rows = [list(r) for r in sheet.iter_rows(min_row=1, max_row=20, values_only=True)]
    header_index = find_header_row(rows)
    positions, _, _ = map_headers(rows[header_index] if rows else [])
    return header_index + 1, {key: position + 1 for key, position in positions.items()}


def _open_for_write(path: Path) -> WriteTarget:
    from openpyxl import load_workbook

    from .workbook import register_sheet_name

    workbook = load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    sheet = workbook[register_sheet_name(workbook.sheetnames)]
    header_row, column_index = _locate_columns(sheet)
    return WriteTarget(workbook, sheet, column_index, header_row)


def last_data_row(target: WriteTarget) -> int:
    """Last row holding an input value (formula columns reach far below it)."""
    columns = [index for key, index in target.column_index.items() if key in BY_KEY
               and BY_KEY[key].kind != "formula"]
    for row in range(target.sheet.max_row, target.header_row, -1):
        if any(target.sheet.cell(row=row, column=c).value not in (None, "") for c in columns):
            return row
    return target.header_row


def _save_atomically(target: WriteTarget, path: Path) -> None:
    from openpyxl import load_workbook

    temp = _temp_path(path)
    try:
        target.workbook.save(temp)
        load_workbook(temp, read_only=True, keep_vba=path.suffix.lower() == ".xlsm").close()
        os.replace(temp, path)
    finally:
        with suppress(FileNotFoundError):
            temp.unlink()


@contextmanager
def write_session(path: Path | str, expected_mtime_ns: int | None = None,
                  format_from_row: int | None = None) -> Iterator[WriteTarget]:
    """Open the register for a write; on normal exit, save it safely (see module doc)."""
    from filelock import FileLock, Timeout

    path = Path(path)
    if not path.exists():
        raise RegisterFileError(f"Registre introuvable : {path}")
    refuse_if_open(path)
    lock = FileLock(str(path.with_name(f".{path.name}.toolkit.lock")))
    try:
        with lock.acquire(timeout=LOCK_TIMEOUT_S):
            refuse_if_changed(path, expected_mtime_ns)
            refuse_if_unsafe(path)
            clean_stale_temps(path)
            target = _open_for_write(path)
            yield target
            _finish(target, path, format_from_row)
    except Timeout as error:
        raise RegisterLockedError(
            f"Une autre commande toolkit écrit déjà dans {path.name}. Réessayez dans un "
            "instant.") from error
    except PermissionError as error:
        raise RegisterLockedError(
            f"{path.name} ne peut pas être écrit (accès refusé) : fermez le classeur dans "
            "Excel ou LibreOffice, puis relancez la commande.") from error


def _finish(target: WriteTarget, path: Path, format_from_row: int | None) -> None:
    from .template import apply_owned_features

    apply_owned_features(target.sheet, target.column_index, last_data_row(target),
                         format_from_row=format_from_row)
    target.workbook.calculation.fullCalcOnLoad = True
    refuse_if_open(path)  # Excel may have opened it while we were working
    backup(path)
    _save_atomically(target, path)


# --- what commands write ------------------------------------------------------------------

def set_cell(sheet, row: int, column: int, value: object) -> None:
    """One value, dates as dates and outside text always as text (never a formula)."""
    from .template import DATE_FORMAT

    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = as_text_cell_value(value)
        cell.data_type = "s"  # "=1+1" typed by a client stays text
    else:
        cell.value = value
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT


def mark_dates(register_path: Path | str, updates: Sequence[tuple[int, str, date]],
               expected_mtime_ns: int | None = None) -> Path | None:
    """Write each (Excel row, column key, date); return the backup made, if any."""
    if not updates:
        return None
    path = Path(register_path)
    with write_session(path, expected_mtime_ns) as target:
        for row, key, day in updates:
            if key not in target.column_index:
                raise RegisterFileError(
                    f"La colonne « {BY_KEY[key].header} » est absente du registre : "
                    "ajoutez-la à l'en-tête pour y enregistrer les dates.")
            set_cell(target.sheet, row, target.column_index[key], day)
    return latest_backup(path)


def append_complaints(register_path: Path | str, rows: Sequence[Mapping[str, object]],
                      expected_mtime_ns: int | None = None) -> list[int]:
    """Append complaints (by column key) after the last one; return their Excel rows."""
    if not rows:
        return []
    path = Path(register_path)
    with write_session(path, expected_mtime_ns) as target:
        first = last_data_row(target) + 1
        for offset, values in enumerate(rows):
            for key, value in values.items():
                if key in target.column_index and value is not None and key in BY_KEY:
                    set_cell(target.sheet, first + offset, target.column_index[key], value)
        lines = list(range(first, first + len(rows)))
    return lines


def latest_backup(path: Path) -> Path | None:
    backups = _backups(path)
    return backups[-1] if backups else None


def _backups(path: Path) -> list[Path]:
    """Backups oldest first. copy2 keeps the register's own mtime, so order by creation."""
    folder = path.parent / BACKUP_DIRNAME
    return sorted(folder.glob(f"{path.stem}_*{path.suffix}"),
                  key=lambda p: (p.stat().st_ctime_ns, p.name))


assert all(BY_KEY[c.key].kind != DATE or c.key.startswith("date") for c in INPUT_COLUMNS)
