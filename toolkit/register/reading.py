"""Reading the register workbook, forgiving where staff are.

Values are read with python-calamine (much faster than openpyxl on large registers);
openpyxl is used only to write. Nothing goes through pandas' type guessing: a phone number
keeps its leading zero and the text "NA" stays text. Every value keeps its Excel row.
"""

from __future__ import annotations

import gc
import re
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from itertools import compress
from operator import itemgetter
from pathlib import Path

from toolkit.dates import TABLE_FORMAT, date_fr, parse_date_text
from toolkit.errors import RegisterFileError
from toolkit.rules.columns import (
    DATE_KEYS,
    INPUT_COLUMNS,
    INTEGER,
    KEY_BY_NORMALIZED_HEADER,
    PARAMETER_BY_KEY,
    PARAMETER_BY_NORMALIZED_LABEL,
    PARAMETERS,
    SHEET_PARAMETERS,
    SHEET_REGISTER,
    TEXT_KEYS,
    Parameter,
    normalize_header,
)
from toolkit.rules.records import ParameterIssue, Parameters, Register, frame_records  # noqa: F401

HEADER_SEARCH_ROWS = 20
MIN_RECOGNIZED_HEADERS = 3
# Refuse archives that would expand past this: a register of 100k rows is ~150 MB inside.
MAX_UNCOMPRESSED_BYTES = 1_000_000_000
MAX_COMPRESSION_RATIO = 250
# calamine allocates a sheet as a dense grid from A1 to its last cell (32 bytes a cell) and
# aborts the whole process when that fails: 30M cells is ~1M rows of 26 columns.
MAX_SHEET_CELLS = 30_000_000
_XML_HEAD_BYTES = 65_536
# Attributes in every spelling XML allows (either quote, blanks around "="): a forged
# extent or count written otherwise must not slip past these checks to calamine.
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_ROW_NUMBER = re.compile(rb"row\s[^>]*?\br\s*=\s*[\"'](\d{1,7})[\"']")  # <row r=, <x:row r=
_WIDE_CELL_REF = re.compile(rb"\br\s*=\s*[\"']([A-Z]{2,3})\d")
_UNIQUE_COUNT = re.compile(rb"<(?:\w+:)?sst\b[^>]*?\buniqueCount\s*=\s*[\"'](\d+)[\"']")
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 1, 2958465  # 01/01/1900 .. 31/12/9999
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# --- cell values --------------------------------------------------------------------

def cell_to_text(value: object) -> str | None:
    """Text of a cell as staff see it; ``None`` for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime(f"{TABLE_FORMAT} %H:%M") if value.time() != time() else \
            date_fr(value)
    if isinstance(value, date):
        return date_fr(value)
    return str(value)


def phone_to_text(value: object) -> str | None:
    """A phone number typed as a number has lost its leading zero in Excel: give it back."""
    text = cell_to_text(value)
    if text is not None and isinstance(value, (int, float)) and re.fullmatch(r"[1-9]\d{8}", text):
        return "0" + text
    return text


def cell_to_date(value: object) -> date | str | None:
    """A date from an Excel date, a date-time (time dropped), a serial or ``JJ/MM/AAAA`` text.

    Anything else comes back as its text, for validation to report.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return cell_to_text(value)
    if isinstance(value, (int, float)):
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            return EXCEL_EPOCH + timedelta(days=int(value))
        return cell_to_text(value)
    if isinstance(value, str):
        return parse_date_text(value)
    return cell_to_text(value) or "?"


# --- the file -------------------------------------------------------------------------

def check_container(path: Path) -> None:
    """Refuse what is not a workbook, or an archive built to exhaust memory, before parsing."""
    if not path.exists():
        raise RegisterFileError(f"Registre introuvable : {path}")
    if path.is_dir():
        raise RegisterFileError(f"{path} est un dossier, pas un classeur Excel.")
    with path.open("rb") as handle:
        magic = handle.read(8)
    if not magic:
        raise RegisterFileError(f"{path} : le fichier est vide.")
    if magic == _OLE_MAGIC:
        raise RegisterFileError(
            f"{path} : classeur protégé par mot de passe ou ancien format .xls. Ouvrez-le "
            "dans Excel, retirez le mot de passe et enregistrez-le au format .xlsx.")
    if not magic.startswith(_ZIP_MAGIC) or not zipfile.is_zipfile(path):
        raise RegisterFileError(
            f"{path} : ce n'est pas un classeur Excel .xlsx (fichier CSV ou texte renommé ?). "
            "Enregistrez-le depuis Excel au format « Classeur Excel (.xlsx) ».")
    _check_archive_size(path)


def _check_archive_size(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_sizes(path, members)
            _check_shared_strings(path, archive, members)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise RegisterFileError(f"{path} : classeur endommagé ({error}).") from error


def _check_sizes(path: Path, members: list[zipfile.ZipInfo]) -> None:
    # calamine stops reading a part at its declared size, so declared sizes can be trusted.
    total = sum(member.file_size for member in members)
    suspicious = [m for m in members if m.file_size > 10_000_000 and
                  m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1)]
    if total > MAX_UNCOMPRESSED_BYTES or suspicious:
        raise RegisterFileError(
            f"{path} : le classeur se décompresse en {total // 1_000_000} Mo "
            "(taille anormale, fichier piégé ?). Il n'est pas lu.")


def _xml_head(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as handle:
        return handle.read(_XML_HEAD_BYTES)


def _check_shared_strings(path: Path, archive: zipfile.ZipFile,
                          members: list[zipfile.ZipInfo]) -> None:
    """Refuse a shared-strings table announcing more strings than its bytes can hold.

    calamine reserves memory for ``uniqueCount`` strings before reading them; a forged
    count of four billion aborts the process. Each string takes at least five bytes.
    """
    for member in members:
        if not member.filename.lower().endswith("sharedstrings.xml"):
            continue
        match = _UNIQUE_COUNT.search(_xml_head(archive, member.filename))
        if match and int(match.group(1)) > member.file_size // 5 + 1:
            raise RegisterFileError(
                f"{path} : la table des textes du classeur annonce {int(match.group(1))} "
                "textes, bien plus qu'elle n'en contient (fichier endommagé ou piégé). "
                "Il n'est pas lu.")


# --- the extent of a sheet, before calamine allocates it ---------------------------------

def _cell_position(reference: str) -> tuple[int, int]:
    """(row, column), 1-based, of ``AB12``; (0, 0) when unreadable."""
    match = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})", reference.strip())
    if not match:
        return 0, 0
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)), column


def sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The archive member holding ``sheet_name``, from the workbook and its relationships."""
    from defusedxml import ElementTree

    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    for sheet in workbook.iter():
        if sheet.tag.rsplit("}", 1)[-1] == "sheet" and sheet.get("name") == sheet_name:
            target = targets.get(sheet.get(f"{_REL_NS}id"), "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def table_totals_rows(path: Path, sheet_name: str) -> set[int]:
    """Excel rows that are the totals row of an Excel table on the sheet: they hold
    "Total" and subtotals, never a complaint."""
    import posixpath

    from defusedxml import ElementTree

    found: set[int] = set()
    with zipfile.ZipFile(path) as archive:
        part = sheet_part(archive, sheet_name)
        if part is None:
            return found
        folder, name = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", f"{name}.rels")
        if rels_name not in archive.namelist():
            return found
        for rel in ElementTree.fromstring(archive.read(rels_name)):
            if not rel.get("Type", "").endswith("/table"):
                continue
            given = rel.get("Target", "")  # "/xl/tables/table1.xml" or "../tables/table1.xml"
            target = given.lstrip("/") if given.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, given))
            if target not in archive.namelist():
                continue
            table = ElementTree.fromstring(archive.read(target))
            count = int(table.get("totalsRowCount") or 0)
            last = _cell_position(table.get("ref", "A1").split(":")[-1])[0]
            found.update(range(last - count + 1, last + 1))
    return found


def _scanned_extent(archive: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """Last row and column from the cell references (only for sheets without <dimension>).

    Kept cheap for large sheets (a tenth of calamine's own time): rows come from the row
    elements, and only references of two or three letters (past column Z) are decoded.
    """
    last_row, last_column = 0, 26
    tail = b""
    with archive.open(part) as handle:
        while chunk := handle.read(1 << 22):
            text = tail + chunk
            last_row = max([last_row, *map(int, _ROW_NUMBER.findall(text))])
            for letters in set(_WIDE_CELL_REF.findall(text)):
                last_column = max(last_column, _cell_position(letters.decode() + "1")[1])
            tail = text[-32:]
    return last_row, last_column


def sheet_extent(path: Path, sheet_name: str) -> tuple[int, int] | None:
    """(last row, last column) of a sheet as stored, without loading it; None if unknown."""
    from defusedxml import DefusedXmlException

    try:
        with zipfile.ZipFile(path) as archive:
            part = sheet_part(archive, sheet_name)
            if part is None or part not in archive.NameToInfo:
                return None
            match = _DIMENSION.search(_xml_head(archive, part))
            if match:
                return _cell_position(match.group(1).decode("ascii", "replace").split(":")[-1])
            return _scanned_extent(archive, part)
    except DefusedXmlException as error:
        raise RegisterFileError(
            f"{path} : le classeur contient du XML interdit ({type(error).__name__}, "
            "fichier piégé ?). Il n'est pas lu.") from error
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, SyntaxError):
        return None  # calamine reports what is broken, in its own words


def check_sheet_extent(path: Path, sheet_name: str) -> None:
    """Refuse a sheet whose last cell lies so far that reading it would exhaust memory."""
    extent = sheet_extent(path, sheet_name)
    if extent is None or extent[0] * extent[1] <= MAX_SHEET_CELLS:
        return
    from openpyxl.utils import get_column_letter

    last = f"{get_column_letter(extent[1])}{extent[0]}"
    raise RegisterFileError(
        f"{path} : la feuille « {sheet_name} » s'étend jusqu'à la cellule {last} "
        f"({extent[0]} lignes × {extent[1]} colonnes) : trop grande pour être lue. Une valeur "
        "a sans doute été saisie loin du tableau : dans Excel, Ctrl+Fin montre la dernière "
        "cellule utilisée ; supprimez les lignes et colonnes en trop, puis enregistrez.")


def _open_workbook(path: Path):
    from python_calamine import CalamineWorkbook

    check_container(path)
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several unrelated types for broken files
        raise RegisterFileError(
            f"{path} : le classeur ne peut pas être lu ({type(error).__name__}). "
            "Est-ce bien un classeur Excel .xlsx ?") from error


def _sheet_rows(workbook, name: str, path: Path) -> list[list[object]]:
    check_sheet_extent(path, name)
    try:
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as error:
        raise RegisterFileError(
            f"{path} : la feuille « {name} » ne peut pas être lue : classeur endommagé ou "
            f"piégé (détail technique : {error}).") from error


def register_sheet_name(sheet_names: list[str]) -> str:
    """``Registre`` (any case, any accents), else the first sheet (docs/product-rules.md,
    "The register workbook")."""
    wanted = normalize_header(SHEET_REGISTER)
    for name in sheet_names:
        if normalize_header(name) == wanted:
            return name
    return sheet_names[0]


def find_header_row(rows: list[list[object]]) -> int:
    """0-based index of the row that names the most known columns (row 1 normally)."""
    best_index, best_count = 0, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        count = sum(1 for v in row if normalize_header(v) in KEY_BY_NORMALIZED_HEADER)
        if count > best_count:
            best_index, best_count = index, count
    return best_index if best_count >= MIN_RECOGNIZED_HEADERS else 0


def map_headers(header: list[object]) -> tuple[dict[str, int], dict[str, str],
                                                list[tuple[int, str]]]:
    """Column key → 0-based position; key → header as typed; duplicate headers found."""
    positions: dict[str, int] = {}
    typed: dict[str, str] = {}
    duplicates: list[tuple[int, str]] = []
    for position, value in enumerate(header):
        key = KEY_BY_NORMALIZED_HEADER.get(normalize_header(value))
        if key is None:
            continue
        if key in positions:
            duplicates.append((position + 1, str(value).strip()))
            continue
        positions[key] = position
        typed[key] = str(value).strip()
    return positions, typed, duplicates


def _texts(values: tuple[object, ...]) -> list[str | None]:
    # Inline fast path for the common str cell: this loop runs over every cell of the sheet.
    return [(v.strip() or None) if type(v) is str else cell_to_text(v) for v in values]


def _dates(values: tuple[object, ...]) -> list[date | str | None]:
    return [v if type(v) is date else (None if v == "" else cell_to_date(v)) for v in values]


def _converted(key: str, values: tuple[object, ...]) -> list[object]:
    if key in DATE_KEYS:
        return _dates(values)
    if key == "telephone":
        return [phone_to_text(v) for v in values]
    return _texts(values)


def _is_filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def kept_rows(rows: list[list[object]], header_index: int,
              positions: list[int]) -> tuple[list[int], list[tuple[object, ...]]]:
    """Excel row number and cells at ``positions`` of every row below the header that has
    something in a known column (a row with only an extra column filled is blank)."""
    if not positions:
        return [], []
    width = max(positions) + 1
    pick = itemgetter(*positions) if len(positions) > 1 else \
        (lambda row: (row[positions[0]],))
    body = rows[header_index + 1:]
    if any(len(row) < width for row in body):
        body = [row if len(row) >= width else [*row, *[None] * (width - len(row))]
                for row in body]
    cells = list(map(pick, body))
    # The first known column (the number, most often) is filled in nearly every row: its
    # test is written out, and only the other rows have every cell looked at.
    filled = [(first.strip() != "" if (first := row[0]).__class__ is str else first is not None)
              or any(map(_is_filled, row)) for row in cells]
    start = header_index + 2
    return (list(compress(range(start, start + len(cells)), filled)),
            list(compress(cells, filled)))


class SheetColumns(Mapping[str, list]):
    """``ligne`` (the Excel rows) and each input column's values, normalized by column kind,
    one per complaint row. A column is converted from the sheet's cells when first asked
    for: ``new`` reads five columns of sixteen."""

    def __init__(self, lines: list[int], cells: dict[str, tuple[object, ...]]) -> None:
        self._keys = ["ligne", *(column.key for column in INPUT_COLUMNS)]
        self._cells = {key: values for key, values in cells.items() if key in self._keys}
        self._converted: dict[str, list] = {"ligne": lines}

    def __getitem__(self, key: str) -> list:
        found = self._converted.get(key)
        if found is not None:
            return found
        if key not in self._keys:
            raise KeyError(key)
        values = self._cells.pop(key, None)
        found = self._converted[key] = [None] * len(self._converted["ligne"]) \
            if values is None else _converted(key, values)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def rows_to_columns(rows: list[list[object]], header_index: int, positions: dict[str, int],
                    text_dates_found: list[tuple[int, str, str]] | None = None
                    ) -> SheetColumns:
    """The register's columns (:class:`SheetColumns`), one value per non-blank register
    row. ``text_dates_found`` receives, when given, what :func:`text_dates` finds (in the
    same pass over the cells)."""
    lines, picked = kept_rows(rows, header_index, list(positions.values()))
    by_key = dict(zip(positions, zip(*picked, strict=True), strict=True)) if picked else {}
    if text_dates_found is not None:
        text_dates_found += _text_dates_of(lines, {k: v for k, v in by_key.items()
                                                   if k in DATE_KEYS})
    return SheetColumns(lines, by_key)


def _text_dates_of(lines: list[int], columns: dict[str, tuple[object, ...]]
                   ) -> list[tuple[int, str, str]]:
    found = []
    for key, values in columns.items():
        # calamine gives "" for an empty cell: most cells of a date column, never a date
        for index in [i for i, v in enumerate(values) if type(v) is str and v]:
            value = values[index]
            if isinstance(parse_date_text(value), date):
                found.append((lines[index], key, value.strip()))
    order = {key: position for position, key in enumerate(columns)}
    found.sort(key=lambda item: (item[0], order[item[1]]))
    return found


def text_dates(rows: list[list[object]], header_index: int,
               positions: dict[str, int]) -> list[tuple[int, str, str]]:
    """(Excel row, key, text) of every date cell holding text that reads as a date."""
    keys = [key for key in positions if key in DATE_KEYS]
    lines, picked = kept_rows(rows, header_index, [positions[key] for key in keys])
    return _text_dates_of(lines, dict(zip(keys, zip(*picked, strict=True), strict=True))
                          if picked else {})


def parameter_lines(rows: list[list[object]]) -> tuple[dict[str, int], list[tuple[int, str, int]]]:
    """(parameter key → the first ``Paramètres`` row holding its label, the one read; the
    (row, label, first row) of each later line with the same label, which nothing reads)."""
    first: dict[str, int] = {}
    doubles: list[tuple[int, str, int]] = []
    for index, row in enumerate(rows, start=1):
        parameter = PARAMETER_BY_NORMALIZED_LABEL.get(normalize_header(row[0])) if row else None
        if parameter is not None and parameter.key in first:
            doubles.append((index, parameter.label, first[parameter.key]))
        elif parameter is not None:
            first[parameter.key] = index
    return first, doubles


def read_parameters(rows: list[list[object]],
                    first: dict[str, int]) -> tuple[Parameters, list[ParameterIssue]]:
    """The ``Paramètres`` lines, each read as its declaration's ``kind`` says; a value that
    cannot be read is an issue and its default applies. Only a label's first line is read
    (``first``, from :func:`parameter_lines`): the workbook's formulas read the zone there
    (a later line is reported, never read)."""
    values: dict[str, object] = {}
    issues: list[ParameterIssue] = []
    for key, index in first.items():
        parameter, row = PARAMETER_BY_KEY[key], rows[index - 1]
        text = cell_to_text(row[1]) if len(row) > 1 else None
        if text is None:
            continue
        value, reason = _parameter_value(parameter, text)
        if reason:
            issues.append(ParameterIssue(index, parameter.label, text, reason))
        else:
            values[parameter.key] = value
    return Parameters(**values), issues


def _parameter_value(parameter: Parameter, text: str) -> tuple[object, str]:
    """(value, "") or (None, why the text is refused)."""
    if parameter.kind == INTEGER:
        years = parameter.key == "duree_conservation"
        # Zero years would erase every answered complaint at the next purge.
        if not re.fullmatch(r"\d{1,2}", text) or (years and int(text) == 0):
            unit = "d'années (au moins 1)" if years else "de jours"
            return None, f"un nombre entier {unit} est attendu"
        return int(text), ""
    if parameter.choices:
        for choice in parameter.choices:
            if normalize_header(choice) == normalize_header(text):
                return choice, ""
        return None, " ou ".join(f"« {choice} »" for choice in parameter.choices) + " attendu"
    return text, ""


@contextmanager
def _collector_paused():
    """Pause the cyclic garbage collector while millions of cells become Python objects.

    They hold no reference cycles, yet each collection would walk all of them again:
    on 100k rows that cost a tenth of the reading time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_register(path: Path | str) -> Register:
    """Read the register and its parameters; raise :class:`RegisterFileError` on file errors."""
    with _collector_paused():
        return _read_register(Path(path))


def _read_register(path: Path) -> Register:
    workbook = _open_workbook(path)
    mtime_ns = path.stat().st_mtime_ns
    sheet_names = list(workbook.sheet_names)
    if not sheet_names:
        raise RegisterFileError(f"{path} : le classeur ne contient aucune feuille.")
    sheet_name = register_sheet_name(sheet_names)
    rows = _sheet_rows(workbook, sheet_name, path)
    for line in table_totals_rows(path, sheet_name):
        if 1 < line <= len(rows):
            rows[line - 1] = []  # read as blank: not a complaint
    header_index = find_header_row(rows)
    positions, typed, duplicates = map_headers(rows[header_index] if rows else [])
    found_text_dates: list[tuple[int, str, str]] = []
    columns = rows_to_columns(rows, header_index, positions, found_text_dates)
    del rows  # the columns hold what is needed: the cells go before the parameters are read
    params_sheet = next((n for n in sheet_names
                         if normalize_header(n) == normalize_header(SHEET_PARAMETERS)), None)
    params_rows = _sheet_rows(workbook, params_sheet, path) if params_sheet else []
    first_lines, doubled_lines = parameter_lines(params_rows)
    params, issues = read_parameters(params_rows, first_lines)
    workbook.close()
    return Register(
        path=path,
        sheet_name=sheet_name,
        header_row=header_index + 1,
        columns=columns,
        params=params,
        column_index={key: position + 1 for key, position in positions.items()},
        headers_found=typed,
        duplicate_headers=[(header_index + 1, name) for _, name in duplicates],
        parameter_issues=issues,
        mtime_ns=mtime_ns,
        text_dates=found_text_dates,
        parameter_rows=first_lines,
        duplicate_parameters=doubled_lines,
    )


assert {p.key for p in PARAMETERS} == set(Parameters.__dataclass_fields__)
assert set(TEXT_KEYS) | set(DATE_KEYS) == {c.key for c in INPUT_COLUMNS}
