"""Reading the register workbook, forgiving where staff are.

Values are read with python-calamine (much faster than openpyxl on large registers);
openpyxl is used only to write. Nothing goes through pandas' type guessing: a phone number
keeps its leading zero and the text "NA" stays text. Every value keeps its Excel row.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from .columns import (
    DATE_KEYS,
    INPUT_COLUMNS,
    KEY_BY_NORMALIZED_HEADER,
    PARAMETER_BY_NORMALIZED_LABEL,
    PARAMETERS,
    SHEET_PARAMETERS,
    SHEET_REGISTER,
    TEXT_KEYS,
    normalize_header,
)
from .errors import RegisterFileError

HEADER_SEARCH_ROWS = 20
MIN_RECOGNIZED_HEADERS = 3
# Refuse archives that would expand past this: a real register of 100k rows is ~40 MB inside.
MAX_UNCOMPRESSED_BYTES = 1_500_000_000
MAX_COMPRESSION_RATIO = 250
EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 1, 2958465  # 01/01/1900 .. 31/12/9999
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Parameters:
    """The ``Paramètres`` sheet, defaults filled in."""

    societe: str = "ONLY PERMIS"
    adresse: str = ""
    courriel: str = "contact@onlypermis.fr"
    telephone: str = "09.87.77.84.79"
    signataire: str = ""
    mediateur: str = ""
    site_mediateur: str = "https://www.economie.gouv.fr/mediation-conso"
    zone: str = "Métropole"
    preavis_suivi: int = 5


@dataclass(frozen=True)
class ParameterIssue:
    """A ``Paramètres`` value that could not be used (the default applies)."""

    row: int
    label: str
    value: str
    reason: str


@dataclass
class Register:
    """A register as read: the rows (``frame``), its parameters and where columns are."""

    path: Path
    sheet_name: str
    header_row: int
    frame: object  # pandas.DataFrame; typed loosely so that importing this module stays cheap
    params: Parameters
    column_index: dict[str, int]
    headers_found: dict[str, str] = field(default_factory=dict)
    duplicate_headers: list[tuple[int, str]] = field(default_factory=list)
    parameter_issues: list[ParameterIssue] = field(default_factory=list)
    mtime_ns: int = 0

    @property
    def missing_required(self) -> list[str]:
        return [c.header for c in INPUT_COLUMNS if c.required and c.key not in self.column_index]


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
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != time() else \
            value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
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


def parse_date_text(text: str) -> date | str | None:
    if not text.strip():
        return None
    for pattern, order in ((_DAY_FIRST, (2, 1, 0)), (_ISO, (0, 1, 2))):
        match = pattern.match(text)
        if match:
            parts = [int(match.group(i + 1)) for i in range(3)]
            try:
                return date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                return text.strip()
    return text.strip()


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
    except (zipfile.BadZipFile, OSError) as error:
        raise RegisterFileError(f"{path} : classeur endommagé ({error}).") from error
    total = sum(member.file_size for member in members)
    suspicious = [m for m in members if m.file_size > 10_000_000 and
                  m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1)]
    if total > MAX_UNCOMPRESSED_BYTES or suspicious:
        raise RegisterFileError(
            f"{path} : le classeur se décompresse en {total // 1_000_000} Mo "
            "(taille anormale, fichier piégé ?). Il n'est pas lu.")


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
    try:
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as error:
        raise RegisterFileError(
            f"{path} : la feuille « {name} » ne peut pas être lue ({error}).") from error


def register_sheet_name(sheet_names: list[str]) -> str:
    """``Registre`` (any case, any accents), else the first sheet, as SPEC says."""
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


def _converter(key: str):
    if key in DATE_KEYS:
        return cell_to_date
    if key == "telephone":
        return phone_to_text
    return cell_to_text


def _is_blank_row(row: list[object], positions: list[int]) -> bool:
    for position in positions:
        if position < len(row):
            value = row[position]
            if value is not None and not (isinstance(value, str) and not value.strip()):
                return False
    return True


def rows_to_frame(rows: list[list[object]], header_index: int, positions: dict[str, int]):
    """One DataFrame row per non-blank register row, values normalized by column kind."""
    import pandas as pd

    input_positions = list(positions.values())
    kept = [(header_index + 2 + offset, row)
            for offset, row in enumerate(rows[header_index + 1:])
            if not _is_blank_row(row, input_positions)]
    data: dict[str, list[object]] = {"ligne": [line for line, _ in kept]}
    for column in INPUT_COLUMNS:
        position = positions.get(column.key)
        if position is None:
            data[column.key] = [None] * len(kept)
            continue
        convert = _converter(column.key)
        data[column.key] = [convert(row[position]) if position < len(row) else None
                            for _, row in kept]
    frame = pd.DataFrame({key: pd.Series(values, dtype=object) for key, values in data.items()})
    frame["ligne"] = frame["ligne"].astype("int64")
    return frame


def read_parameters(rows: list[list[object]]) -> tuple[Parameters, list[ParameterIssue]]:
    values: dict[str, object] = {}
    issues: list[ParameterIssue] = []
    for index, row in enumerate(rows, start=1):
        if len(row) < 2:
            continue
        parameter = PARAMETER_BY_NORMALIZED_LABEL.get(normalize_header(row[0]))
        text = cell_to_text(row[1])
        if parameter is None or text is None:
            continue
        if parameter.key == "preavis_suivi":
            if not re.fullmatch(r"\d{1,2}", text):
                issues.append(ParameterIssue(index, parameter.label, text,
                                             "un nombre entier de jours est attendu"))
                continue
            values[parameter.key] = int(text)
        elif parameter.key == "zone":
            zone = _match_zone(text)
            if zone is None:
                issues.append(ParameterIssue(index, parameter.label, text,
                                             "« Métropole » ou « Alsace-Moselle » attendu"))
                continue
            values[parameter.key] = zone
        else:
            values[parameter.key] = text
    return Parameters(**values), issues


def _match_zone(text: str) -> str | None:
    from .columns import ZONES

    for zone in ZONES:
        if normalize_header(zone) == normalize_header(text):
            return zone
    return None


def read_register(path: Path | str) -> Register:
    """Read the register and its parameters; raise :class:`RegisterFileError` on file errors."""
    path = Path(path)
    workbook = _open_workbook(path)
    mtime_ns = path.stat().st_mtime_ns
    sheet_names = list(workbook.sheet_names)
    if not sheet_names:
        raise RegisterFileError(f"{path} : le classeur ne contient aucune feuille.")
    sheet_name = register_sheet_name(sheet_names)
    rows = _sheet_rows(workbook, sheet_name, path)
    header_index = find_header_row(rows)
    positions, typed, duplicates = map_headers(rows[header_index] if rows else [])
    frame = rows_to_frame(rows, header_index, positions)
    params_sheet = next((n for n in sheet_names
                         if normalize_header(n) == normalize_header(SHEET_PARAMETERS)), None)
    params, issues = (read_parameters(_sheet_rows(workbook, params_sheet, path))
                      if params_sheet else (Parameters(), []))
    workbook.close()
    return Register(
        path=path,
        sheet_name=sheet_name,
        header_row=header_index + 1,
        frame=frame,
        params=params,
        column_index={key: position + 1 for key, position in positions.items()},
        headers_found=typed,
        duplicate_headers=[(header_index + 1, name) for _, name in duplicates],
        parameter_issues=issues,
        mtime_ns=mtime_ns,
    )


assert {p.key for p in PARAMETERS} == set(Parameters.__dataclass_fields__)
assert set(TEXT_KEYS) | set(DATE_KEYS) == {c.key for c in INPUT_COLUMNS}
