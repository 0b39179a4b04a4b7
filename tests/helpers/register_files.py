"""Registers laid out by hand (any header, any cell) and a way to run the real CLI.

``make_register`` (conftest) writes the official layout; the tests of forgiving reading and
of bad input need what staff really produce: renamed headers, title rows above the header,
extra columns, values of every type.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from toolkit.rules.columns import (
    COLUMNS,
    INPUT_COLUMNS,
    PARAMETERS,
    SHEET_PARAMETERS,
    SHEET_REGISTER,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_REGISTER = ROOT / "register" / "exemple_registre.xlsx"
HEADERS = [column.header for column in INPUT_COLUMNS]
ALL_HEADERS = [column.header for column in COLUMNS]
# Column letter of each register column in the official layout, by key.
COLUMN_LETTER = {column.key: get_column_letter(index)
                 for index, column in enumerate(COLUMNS, start=1)}


def complaint(numero: str = "2026-001", received: date = date(2026, 11, 2), **values) -> dict:
    """A valid complaint row (column keys), with ``values`` overriding the defaults."""
    row = {"numero": numero, "date_reclamation": received, "canal": "Courriel",
           "civilite": "Madame", "nom": "Léa Moreau", "adresse": "8 rue des Lilas\n75020 Paris",
           "courriel": "lea.moreau@exemple.fr", "categorie": "Planning / leçons",
           "description": "Leçons annulées sans préavis."}
    row.update(values)
    return row


def write_grid(path: Path, rows: Iterable[Sequence[object]], sheet: str = SHEET_REGISTER,
               parameters: dict[str, object] | None = None) -> Path:
    """Write ``rows`` cell by cell from A1 into a one-sheet workbook (plus ``Paramètres``)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    if parameters is not None:
        sheet_params = wb.create_sheet(SHEET_PARAMETERS)
        sheet_params.append(["Paramètre", "Valeur"])
        labels = {p.key: p.label for p in PARAMETERS}
        for key, value in parameters.items():
            sheet_params.append([labels.get(key, key), value])
    wb.save(path)
    return path


def row_of(values: dict[str, object], headers: Sequence[str] = HEADERS) -> list[object]:
    """A row in the order of ``headers`` from values keyed by column key."""
    key_of = {column.header: column.key for column in COLUMNS}
    return [values.get(key_of.get(header, "")) for header in headers]


def write_register(path: Path, rows: Iterable[dict[str, object]],
                   headers: Sequence[str] = ALL_HEADERS,
                   parameters: dict[str, object] | None = None) -> Path:
    """The official header and complaint rows (column keys), without the template's
    formulas and formats: what the reader sees of a register, written in milliseconds."""
    return write_grid(path, [headers, *(row_of(values, headers) for values in rows)],
                      parameters=parameters)


def toolkit_script() -> str:
    """The installed ``toolkit`` console script of this environment."""
    beside = Path(sys.executable).with_name("toolkit")
    found = str(beside) if beside.exists() else shutil.which("toolkit")
    assert found, "le script « toolkit » n'est pas installé (pip install -e .)"
    return found


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    peak_mb: float = 0.0  # peak resident memory of the toolkit process (run_measured)

    def json(self) -> object:
        return json.loads(self.stdout)


def run_toolkit(*args: str, timeout: float = 120) -> Run:
    """Run the real console script in a subprocess."""
    done = subprocess.run([toolkit_script(), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, check=False)
    return Run(done.returncode, done.stdout, done.stderr)


# A fresh interpreter runs the command as its only child, so RUSAGE_CHILDREN's peak is the
# command's own peak, whatever ran before in the test process (LibreOffice, other runs).
_MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=False)
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps([done.returncode, done.stdout, done.stderr, peak_kb / 1024]))
"""


def run_measured(*args: str, timeout: float = 300) -> Run:
    """Run the real console script and measure its peak memory (Linux, macOS: ru_maxrss)."""
    return measure_command([toolkit_script(), *args], timeout)


def measure_command(argv: Sequence[str], timeout: float = 300) -> Run:
    """Run any command in a subprocess; its exit code, output and peak memory."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, *argv],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          check=True)
    code, stdout, stderr, peak_mb = json.loads(done.stdout)
    if sys.platform == "darwin":  # bytes there, kilobytes on Linux
        peak_mb /= 1024
    return Run(code, stdout, stderr, peak_mb)


def with_part(path: Path, name: str, transform) -> None:
    """Rewrite (or add) one part of the archive, as Excel would have written it."""
    with zipfile.ZipFile(path) as archive:
        parts = {item.filename: archive.read(item) for item in archive.infolist()}
    parts[name] = transform(parts.get(name, b""))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part_name, data in parts.items():
            archive.writestr(part_name, data)


def cell_styles(path: Path) -> list[str]:
    """The workbook's cell styles (``<cellXfs>``'s ``<xf>`` elements, whole), in index order:
    what a cell's ``s`` attribute counts in."""
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
    cell_formats = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.DOTALL).group(1)
    return re.findall(r"<xf\b[^>]*/>|<xf\b.*?</xf>", cell_formats, re.DOTALL)


def stated_extent(path: Path, sheet: str = SHEET_REGISTER) -> tuple[int, int]:
    """(last row, last column) as the sheet's ``<dimension>`` states them: what openpyxl's
    read-only mode, and the scripts that loop up to its ``max_row``, take as the sheet's end."""
    workbook = load_workbook(path, read_only=True)
    try:
        return workbook[sheet].max_row, workbook[sheet].max_column
    finally:
        workbook.close()


# What Excel (2016 and later) adds to the parts it saves, beside what openpyxl writes:
# namespaces declared once on each root and used by prefixed attributes (on every row,
# the row's descent; unique ids for validations and revisions), listed in mc:Ignorable.
_EXCEL_NAMESPACES = {
    b"r": b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    b"mc": b"http://schemas.openxmlformats.org/markup-compatibility/2006",
    b"x14ac": b"http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac",
    b"x15": b"http://schemas.microsoft.com/office/spreadsheetml/2010/11/main",
    b"xr": b"http://schemas.microsoft.com/office/spreadsheetml/2014/revision",
    b"xr2": b"http://schemas.microsoft.com/office/spreadsheetml/2015/revision2",
    b"xr3": b"http://schemas.microsoft.com/office/spreadsheetml/2016/revision3",
    b"xr6": b"http://schemas.microsoft.com/office/spreadsheetml/2016/revision6",
    b"xr10": b"http://schemas.microsoft.com/office/spreadsheetml/2016/revision10",
}


def _excel_root(xml: bytes, element: bytes, prefixes: list[bytes], extra: bytes = b"") -> bytes:
    root = re.search(rb"<" + element + rb"\b[^>]*?(/?)>", xml)
    declared = root.group(0)
    added = b"".join(b' xmlns:' + prefix + b'="' + _EXCEL_NAMESPACES[prefix] + b'"'
                     for prefix in [b"mc", *prefixes] if b"xmlns:" + prefix + b"=" not in declared)
    ignorable = b' mc:Ignorable="' + b" ".join(p for p in prefixes if p != b"r") + b'"'
    end = root.end() - len(root.group(1)) - 1
    return xml[:end] + added + ignorable + extra + xml[end:]


def as_saved_by_excel(source: Path, target: Path) -> Path:
    """``source`` as Excel would give it back after a save: the same cells, with Excel's
    namespaces and prefixed attributes in the sheets, the workbook and the styles."""
    shutil.copyfile(source, target)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
    uid = b'{00000000-0001-0000-0000-000000000000}'
    for name in names:
        if name.startswith("xl/worksheets/sheet"):
            def sheet(xml: bytes) -> bytes:
                xml = _excel_root(xml, b"worksheet", [b"r", b"x14ac", b"xr", b"xr2", b"xr3"],
                                  b' xr:uid="' + uid + b'"')
                xml = re.sub(rb"<(row|sheetFormatPr)\b([^>]*?)(/?)>",
                             rb'<\1\2 x14ac:dyDescent="0.25"\3>', xml)
                return re.sub(rb"<dataValidation\b", b'<dataValidation xr:uid="' + uid + b'"',
                              xml)
            with_part(target, name, sheet)
    with_part(target, "xl/workbook.xml", lambda xml: re.sub(
        rb"(<workbookPr\b[^>]*>)", rb'\1<xr:revisionPtr revIDLastSave="0" documentId="8_{0}" '
        rb'xr6:coauthVersionLast="47" xr6:coauthVersionMax="47" '
        rb'xr10:uidLastSave="{00000000-0000-0000-0000-000000000000}"/>',
        _excel_root(xml, b"workbook", [b"x15", b"xr", b"xr6", b"xr10", b"xr2"]), count=1))
    with_part(target, "xl/styles.xml", lambda xml: re.sub(
        rb"<fonts\b", b'<fonts x14ac:knownFonts="1"',
        _excel_root(xml, b"styleSheet", [b"x14ac", b"xr"]), count=1))
    return target
