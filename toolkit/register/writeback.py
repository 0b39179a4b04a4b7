"""Writing to the register — the one path every command that writes goes through.

The register is a legal record, so a write (:func:`write_session`):

1. refuses while Excel (``~$name.xlsx``) or LibreOffice (``.~lock.name.xlsx#``) holds it,
   and takes an inter-process lock (``.name.xlsx.toolkit.lock`` beside it) so that two
   runs never write at once; commands take it (:func:`register_lock`) before they read
   the register, and a second run waits for the first instead of being refused;
2. refuses when the file changed on disk since the command read it (``expected_mtime_ns``);
3. refuses, before touching anything, a workbook holding what openpyxl would silently drop
   (images, charts, pivot tables...: see :mod:`toolkit.register.write_checks`);
4. changes only the intended cells — outside text always as text, never a formula — then
   recreates the validations, formulas and conditional formats the toolkit owns (openpyxl
   drops Excel's extensions of them) and asks Excel to recalculate on opening;
5. copies the register into ``sauvegardes/`` (the last 20 copies are kept), saves a
   temporary file in the same folder, re-opens it (openpyxl, then the toolkit's own reader,
   which must find every written value), then ``os.replace``: a crash at any moment leaves
   the old or the new register, never a broken one. A temporary file left by a killed run
   is removed by the next write.
"""

from __future__ import annotations

import os
import re
import shutil
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl.utils import get_column_letter

from toolkit.atomic import atomic_replace
from toolkit.errors import RegisterFileError, RegisterLockedError
from toolkit.places import BACKUPS_DIRNAME as BACKUP_DIRNAME
from toolkit.places import backups_dir
from toolkit.register.write_checks import (
    HIGHLIGHTS,
    VALIDATIONS,
    office_locks,
    refuse_foreign_extensions,
    refuse_if_changed,
    refuse_if_open,
    refuse_unsafe,
    scan_workbook,
)
from toolkit.rules.columns import BY_KEY, DATE, DATE_KEYS, FORMULA

__all__ = ["BACKUPS_KEPT", "BACKUP_DIRNAME", "append_complaints", "backup", "is_empty_value",
           "mark_dates",
           "next_numero", "office_locks", "refuse_if_changed", "refuse_if_open",
           "register_lock", "write_session", "write_values"]

BACKUPS_KEPT = 20
LOCK_TIMEOUT_S = 300  # how long a writer waits for the others (eight writes take about a minute)
# A value starting with one of these would be a formula (or a DDE payload) if typed in Excel.
TEXT_LEADERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
EXCEL_CELL_MAX_CHARS = 32_767  # Excel reports a damaged file beyond this
TRUNCATION_NOTE = " […] (texte tronqué : l'original est dans le dossier)"
_STAMP_FORMAT = "%Y%m%d-%H%M%S"


# --- pure helpers ------------------------------------------------------------------------

def next_numero(taken: Sequence[object], year: int) -> str:
    """``AAAA-NNN``: one more than the highest sequence already used for ``year``."""
    pattern = re.compile(rf"^{year}-(\d+)$")
    used = [int(m.group(1)) for m in (pattern.match(str(n).strip()) for n in taken if n) if m]
    return f"{year}-{max(used, default=0) + 1:03d}"


def as_text_cell_value(value: str) -> str:
    """Client text as stored: characters Excel forbids removed, cut at Excel's cell limit."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(text) > EXCEL_CELL_MAX_CHARS:
        text = text[:EXCEL_CELL_MAX_CHARS - len(TRUNCATION_NOTE)] + TRUNCATION_NOTE
    return text


def set_cell(cell, kind: str, value: object) -> object:
    """Store one value; return it as stored. Text stays text: ``=1+1`` typed by a client
    is a string cell (and quote-prefixed, so that editing it in Excel keeps it text)."""
    from toolkit.register.template import DATE_FORMAT

    if kind == DATE and isinstance(value, date):
        cell.value = value.date() if isinstance(value, datetime) else value
        cell.number_format = DATE_FORMAT
        return cell.value
    text = as_text_cell_value(value if isinstance(value, str) else str(value))
    cell.value = text
    cell.data_type = "s"
    if text.startswith(TEXT_LEADERS):
        cell.quotePrefix = True
    return text


def _as_read(key: str, stored: object) -> object:
    """What :func:`toolkit.register.reading.read_register` gives for a value stored by set_cell."""
    from toolkit.register.reading import cell_to_date, cell_to_text, phone_to_text

    if key in DATE_KEYS:
        return cell_to_date(stored)
    return phone_to_text(stored) if key == "telephone" else cell_to_text(stored)


# --- the open workbook --------------------------------------------------------------------

@dataclass
class WriteTarget:
    """The register open for a write, and what this write changed."""

    path: Path
    workbook: object
    sheet: object
    column_index: dict[str, int]
    header_row: int
    mtime_ns: int  # the file as opened: it must still be so when replaced
    format_from_row: int | None = None  # rows from here get the input formats
    written: dict[tuple[int, str], object] = field(default_factory=dict)
    backup: Path | None = None

    def set_value(self, row: int, key: str, value: object) -> None:
        """Write one input column of one Excel row."""
        column = BY_KEY.get(key)
        if column is None or column.kind == FORMULA:
            raise ValueError(f"{key!r} is not an input column of the register")
        if row <= self.header_row:
            raise ValueError(f"row {row} is not below the header (row {self.header_row})")
        if key not in self.column_index:
            self.add_column(key)
        cell = self.sheet.cell(row=row, column=self.column_index[key])
        self.written[(row, key)] = set_cell(cell, column.kind, value)

    def add_column(self, key: str) -> None:
        """Add the header of an optional column the register lacks, after the last used
        column (docs/product-rules.md, "New register columns": an older register keeps working)."""
        from copy import copy

        last = max((column for (_, column), cell in self.sheet._cells.items()
                    if cell.value not in (None, "")), default=0)
        header = self.sheet.cell(row=self.header_row, column=last + 1, value=BY_KEY[key].header)
        style_from = max(self.column_index.values(), default=0)
        if style_from:
            header._style = copy(self.sheet.cell(row=self.header_row, column=style_from)._style)
        self.sheet.column_dimensions[header.column_letter].width = BY_KEY[key].width
        self.column_index[key] = last + 1

    def last_data_row(self) -> int:
        """Last row holding a typed value. The toolkit's formula columns, and formulas
        staff filled down, reach far below the last complaint: they do not count; nor
        does the totals row of an Excel table."""
        formula_columns = {index for key, index in self.column_index.items()
                           if BY_KEY[key].kind == FORMULA}
        table = register_table(self.sheet, self.header_row)
        totals = _table_bounds(table)[3] if table is not None and table.totalsRowCount \
            else None
        last = self.header_row
        # _cells holds only existing cells; sheet.cell() would create every one it visits.
        for (row, column), cell in self.sheet._cells.items():
            if row > last and row != totals and column not in formula_columns \
                    and cell.data_type != "f" and cell.value not in (None, ""):
                last = row
        return last

    def make_room(self, first: int, count: int) -> None:
        """New rows ``first``… go inside the register's Excel table, if it has one: its
        range grows, and its totals row moves down below them."""
        table = register_table(self.sheet, self.header_row)
        if table is None:
            return
        min_col, min_row, max_col, max_row = _table_bounds(table)
        totals = table.totalsRowCount or 0
        data_end = max_row - totals
        if first > data_end + 1:  # something else stands between the table and the rows
            return
        new_data_end = max(data_end, first + count - 1)
        shift = new_data_end - data_end
        if totals and shift:
            self.sheet.move_range(f"{get_column_letter(min_col)}{data_end + 1}:"
                                  f"{get_column_letter(max_col)}{max_row}",
                                  rows=shift, translate=True)
        span = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}"
        table.ref = f"{span}{new_data_end + totals}"
        if table.autoFilter is not None:
            table.autoFilter.ref = f"{span}{new_data_end}"


def register_table(sheet, header_row: int):
    """The Excel table (Insert › Table) whose header is the register's header, if any."""
    for table in sheet.tables.values():
        _, min_row, _, _ = _table_bounds(table)
        if min_row == header_row and (table.headerRowCount is None or table.headerRowCount):
            return table
    return None


def _table_bounds(table) -> tuple[int, int, int, int]:
    from openpyxl.utils.cell import range_boundaries

    return range_boundaries(table.ref)


def _locate_columns(sheet) -> tuple[int, dict[str, int]]:
    from toolkit.register.reading import HEADER_SEARCH_ROWS, find_header_row, map_headers

    rows = [list(r) for r in sheet.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS,
                                             values_only=True)]
    header_index = find_header_row(rows)
    positions, _, _ = map_headers(rows[header_index] if rows else [])
    return header_index + 1, {key: position + 1 for key, position in positions.items()}


def _load(path: Path, **options):
    from openpyxl import load_workbook

    # openpyxl warns about each extension it drops: writeback_checks has already decided
    # about every one of them, and staff must not read English warnings.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        # keep_vba: an .xlsm keeps its macros. rich_text: a word put in bold stays bold.
        return load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", **options)


def _open_for_write(path: Path) -> WriteTarget:
    from toolkit.register.reading import register_sheet_name

    mtime_ns = path.stat().st_mtime_ns
    try:
        workbook = _load(path, rich_text=True)
    except PermissionError:
        raise
    except Exception as error:  # openpyxl raises many unrelated types for a broken part
        raise RegisterFileError(
            f"{path.name} ne peut pas être ouvert pour y écrire : classeur endommagé ou "
            f"piégé ({type(error).__name__}). Rien n'a été écrit.") from error
    sheet = workbook[register_sheet_name(workbook.sheetnames)]
    header_row, column_index = _locate_columns(sheet)
    return WriteTarget(path, workbook, sheet, column_index, header_row, mtime_ns)


def _refuse_foreign_extensions(target: WriteTarget, scan) -> None:
    from toolkit.register.reading import sheet_part
    from toolkit.register.template import HIGHLIGHTED_KEYS, VALIDATED_KEYS

    if not scan.extensions:
        return
    with zipfile.ZipFile(target.path) as archive:
        part = sheet_part(archive, target.sheet.title)
    owned = {kind: [target.column_index[k] for k in keys if k in target.column_index]
             for kind, keys in ((VALIDATIONS, VALIDATED_KEYS), (HIGHLIGHTS, HIGHLIGHTED_KEYS))}
    refuse_foreign_extensions(target.path, scan, part, owned)


# --- files beside the register --------------------------------------------------------------

def toolkit_lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.toolkit.lock")


def _temp_path(path: Path) -> Path:
    return path.with_name(f".{path.stem}.toolkit-{os.getpid()}.tmp{path.suffix}")


def clean_stale_temps(path: Path) -> None:
    """Remove what a killed write left: only the lock holder writes these, and we hold it."""
    leftovers = [*path.parent.glob(f".{path.stem}.toolkit-*.tmp{path.suffix}"),
                 *(path.parent / BACKUP_DIRNAME).glob(f".{path.stem}_*{path.suffix}.partial")]
    for stale in leftovers:
        with suppress(OSError):
            stale.unlink()


def _backup_pattern(path: Path) -> re.Pattern[str]:
    # Exact names only: a neighbour register "registre_2025.xlsx" shares the folder.
    return re.compile(rf"{re.escape(path.stem)}_(\d{{8}}-\d{{6}})(?:-(\d+))?"
                      rf"{re.escape(path.suffix)}")


def backups_of(path: Path) -> list[Path]:
    """The register's backups, oldest first (by the date and time in their names)."""
    pattern = _backup_pattern(path)
    found = []
    for candidate in (path.parent / BACKUP_DIRNAME).glob(f"{path.stem}_*{path.suffix}"):
        match = pattern.fullmatch(candidate.name)
        if match:
            found.append(((match.group(1), int(match.group(2) or 1)), candidate))
    return [candidate for _, candidate in sorted(found)]


def backup(path: Path) -> Path:
    """Copy the register into ``sauvegardes/`` with the date and time; keep the last 20.

    The copy is made under a temporary name then renamed: a killed run never leaves a
    truncated file that looks like a backup.
    """
    folder = backups_dir(path)
    folder.mkdir(exist_ok=True)
    stamp = datetime.now().strftime(_STAMP_FORMAT)
    target, counter = folder / f"{path.stem}_{stamp}{path.suffix}", 2
    while target.exists():
        target = folder / f"{path.stem}_{stamp}-{counter}{path.suffix}"
        counter += 1
    with atomic_replace(target, folder / f".{target.name}.partial") as partial:
        shutil.copy2(path, partial)
    for old in backups_of(path)[:-BACKUPS_KEPT]:
        old.unlink()
    return target


def _sync(path: Path) -> None:
    """Flush to the disk, so that a power cut after the replace cannot lose the content."""
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    # POSIX only: makes the rename itself durable. Windows cannot open a folder this way.
    with suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# --- the write session ----------------------------------------------------------------------

def _verify(temp: Path, target: WriteTarget) -> None:
    """Re-open the saved file: openpyxl must load it and the toolkit's reader must find
    every written value, else the register is not replaced."""
    from toolkit.register.reading import read_register

    with zipfile.ZipFile(temp) as archive:
        damaged = archive.testzip()
    _load(temp, read_only=True).close()
    wrong = _unread_values(read_register(temp).frame, target.written)
    if damaged or wrong:
        raise RegisterFileError(
            f"{target.path.name} : l'enregistrement n'a pas pu être vérifié "
            f"({damaged or f'ligne {wrong[0][0]}, {BY_KEY[wrong[0][1]].header}'}). Le "
            "registre n'a pas été modifié.")


def _unread_values(frame, written: Mapping[tuple[int, str], object]) -> list[tuple[int, str]]:
    """The written cells whose value the reader does not find as it was written."""
    position = {int(line): index for index, line in enumerate(frame["ligne"])}
    columns = {key: frame[key].tolist() for key in {key for _, key in written}}
    wrong = []
    for (row, key), stored in written.items():
        found = columns[key][position[row]] if row in position else None
        if found != _as_read(key, stored):
            wrong.append((row, key))
    return wrong


def _save_atomically(target: WriteTarget) -> None:
    path = target.path
    with atomic_replace(path, _temp_path(path)) as temp:
        target.workbook.save(temp)
        _sync(temp)
        _verify(temp, target)
        shutil.copymode(path, temp)  # a register shared with a group stays shared
        refuse_if_changed(path, target.mtime_ns)  # last look before replacing
    _sync_folder(path.parent)


def _finish(target: WriteTarget) -> None:
    from toolkit.register.template import apply_owned_features

    apply_owned_features(target.sheet, target.column_index, target.last_data_row(),
                         format_from_row=target.format_from_row)
    target.workbook.calculation.fullCalcOnLoad = True
    refuse_if_open(target.path)  # Excel may have opened it while we were working
    target.backup = backup(target.path)
    _save_atomically(target)


# Locks this process holds, by register: a command holding the lock while it reads the
# register must not wait for itself when write_session takes it again.
_HELD: dict[str, int] = {}


def _lock_key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


def _real_path(given: Path) -> Path:
    # Through a link, write where the register lives: os.replace would put a plain file
    # in place of the link. Excel's lock file may be beside either name.
    return given.resolve() if given.is_symlink() else given


@contextmanager
def register_lock(path: Path | str,
                  on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the register's inter-process lock: one toolkit writer at a time.

    A command that writes takes it *before* reading the register, so that what it read
    is still the register when it writes. When another run holds it, wait (at most
    ``LOCK_TIMEOUT_S``), telling ``on_wait`` once, in French, that we are waiting.
    Re-entrant within the process.
    """
    from filelock import FileLock, Timeout

    from toolkit.register.reading import check_container

    given = Path(path)
    path = _real_path(given)
    key = _lock_key(path)
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    check_container(path)  # a missing file, not a workbook, or a zip bomb: say so
    for name in {given, path}:
        refuse_if_open(name)  # before waiting for our own lock: that wait would be vain
    lock = FileLock(toolkit_lock_path(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait(f"Une autre commande toolkit écrit dans {path.name} : en attente… "
                    f"(au plus {LOCK_TIMEOUT_S} s)")
        try:
            lock.acquire(timeout=LOCK_TIMEOUT_S)
        except Timeout as error:
            raise RegisterLockedError(
                f"Une autre commande toolkit écrit dans {path.name} depuis plus de "
                f"{LOCK_TIMEOUT_S} s. Réessayez dans un instant : rien n'a été écrit."
            ) from error
    _HELD[key] = 1
    try:
        yield
    finally:
        del _HELD[key]
        lock.release()


@contextmanager
def write_session(path: Path | str,
                  expected_mtime_ns: int | None = None) -> Iterator[WriteTarget]:
    """Open the register for a write; on normal exit, save it safely (module doc).

    Leaving the block with an exception writes nothing.
    """
    path = _real_path(Path(path))
    try:
        with register_lock(path):
            refuse_if_open(path)
            refuse_if_changed(path, expected_mtime_ns)
            scan = scan_workbook(path)
            refuse_unsafe(path, scan)
            clean_stale_temps(path)
            target = _open_for_write(path)
            _refuse_foreign_extensions(target, scan)
            yield target
            _finish(target)
    except PermissionError as error:
        raise RegisterLockedError(
            f"{path.name} ne peut pas être écrit (accès refusé) : fermez le classeur dans "
            "Excel ou LibreOffice, puis relancez la commande. S'il est fermé, vérifiez que "
            f"le dossier {path.parent} n'est pas en lecture seule. Rien n'a été écrit."
        ) from error


# --- what commands write ------------------------------------------------------------------

def mark_dates(register_path: Path | str, updates: Sequence[tuple[int, str, date]],
               expected_mtime_ns: int | None = None) -> Path | None:
    """Write each (Excel row, date column key, date); return the backup made (None when
    there was nothing to write)."""
    if not updates:
        return None
    with write_session(register_path, expected_mtime_ns) as target:
        for row, key, day in updates:
            if key not in DATE_KEYS or not isinstance(day, date):
                raise ValueError(f"({row}, {key!r}, {day!r}) is not a date for a date column")
            target.set_value(row, key, day)
    return target.backup


def is_empty_value(value: object) -> bool:
    """``None``, ``""`` or only spaces: left blank, never written as a cell of spaces that
    the workbook's formulas (``=""``) would take for a value."""
    return value is None or (isinstance(value, str) and not value.strip())


def append_complaints(register_path: Path | str, rows: Sequence[Mapping[str, object]],
                      expected_mtime_ns: int | None = None) -> list[int]:
    """Append complaints (values by column key) after the last used row; return their
    Excel rows. Empty values (:func:`is_empty_value`) are left blank."""
    from toolkit.register.template import fit_row_height

    if not rows:
        return []
    with write_session(register_path, expected_mtime_ns) as target:
        first = target.last_data_row() + 1
        target.make_room(first, len(rows))
        target.format_from_row = first
        for line, values in enumerate(rows, start=first):
            for key, value in values.items():
                if not is_empty_value(value):
                    target.set_value(line, key, value)
            fit_row_height(target.sheet, line, target.column_index)
    return list(range(first, first + len(rows)))


def write_values(register_path: Path | str, updates: Sequence[tuple[int, str, object]],
                 expected_mtime_ns: int | None = None) -> Path | None:
    """Write each (Excel row, column key, value) on existing rows, any input column kind;
    None or "" clears the cell. Return the backup made (None when nothing was written)."""
    if not updates:
        return None
    with write_session(register_path, expected_mtime_ns) as target:
        for row, key, value in updates:
            if value is None or value == "":
                if key not in target.column_index:
                    continue
                target.sheet.cell(row=row, column=target.column_index[key]).value = None
                target.written[(row, key)] = None
            else:
                target.set_value(row, key, value)
    return target.backup
