"""Large realistic registers for the benchmarks, written fast with openpyxl's write-only mode.

The rows are the sample register's complaints, each copy moved back in time as a whole (so
its dates stay coherent) and renumbered, plus a few deliberate mistakes, as a real register
has. The three formula columns are written on every row, as ``toolkit init`` prepares them.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import tempfile
import zipfile
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from toolkit.register.sample import REFERENCE_DAY, SAMPLE_PARAMETERS, sample_rows
from toolkit.register.template import ack_formula, reply_formula
from toolkit.rules.columns import (
    COLUMNS,
    DATE_KEYS,
    PARAMETERS,
    SHEET_PARAMETERS,
    SHEET_REGISTER,
)

GENERATOR_VERSION = 3
CACHE_DIR = Path(tempfile.gettempdir()) / "toolkit-bench"
# The cache folder is shared by every checkout on the machine: a register is named by the
# column layout it was written with, too.
LAYOUT = hashlib.sha1("|".join(c.header for c in COLUMNS).encode()).hexdigest()[:8]
MISTAKE_EVERY = 997  # about 0.1 % of rows carry a problem for `check` to report
_LETTER = {column.key: get_column_letter(i) for i, column in enumerate(COLUMNS, start=1)}


def _shifted(row: dict, days: int) -> dict:
    moved = dict(row)
    for key in DATE_KEYS:
        if isinstance(moved.get(key), date):
            moved[key] = moved[key] - timedelta(days=days)
    return moved


def big_rows(count: int, seed: int = 7):
    """``count`` complaint rows (column keys), received before ``REFERENCE_DAY``."""
    rng = random.Random(seed)
    base = sample_rows()
    for index in range(count):
        row = _shifted(base[index % len(base)], rng.randint(0, 3650))
        row["numero"] = f"{row['date_reclamation'].year}-{index + 1:06d}"
        if index % MISTAKE_EVERY == MISTAKE_EVERY - 1:
            row["canal"] = "Fax"
        yield row


def _formula_cells(ws, line: int) -> list:
    received = f"{_LETTER['date_reclamation']}{line}"
    return [WriteOnlyCell(ws, ack_formula(received)), WriteOnlyCell(ws, reply_formula(received)),
            WriteOnlyCell(ws, None)]


def _row_cells(ws, row: dict, line: int) -> list:
    cells = []
    for column in COLUMNS[:-3]:
        value = row.get(column.key)
        cell = WriteOnlyCell(ws, value)
        if value is not None and column.key in DATE_KEYS:
            cell.number_format = "dd/mm/yyyy"
        cells.append(cell)
    return cells + _formula_cells(ws, line)


REQUIRED = [column for column in COLUMNS if column.required]


def _narrow_cells(ws, row: dict) -> list:
    cells = []
    for column in REQUIRED:
        cell = WriteOnlyCell(ws, row.get(column.key))
        if column.key in DATE_KEYS:
            cell.number_format = "dd/mm/yyyy"
        cells.append(cell)
    return cells


def write_big_register(path: Path, count: int, seed: int = 7,
                       parameters: dict[str, str] | None = None, narrow: bool = False) -> Path:
    """Write a register of ``count`` complaints at ``path`` (write-only: fast, low memory);
    ``parameters`` (keys of ``columns.PARAMETERS``) override the sample's Paramètres;
    ``narrow``: only the mandatory columns (a register another tool made)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_REGISTER)
    ws.append([column.header for column in (REQUIRED if narrow else COLUMNS)])
    for line, row in enumerate(big_rows(count, seed), start=2):
        ws.append(_narrow_cells(ws, row) if narrow else _row_cells(ws, row, line))
    params = wb.create_sheet(SHEET_PARAMETERS)
    params.append(["Paramètre", "Valeur"])
    values = {**SAMPLE_PARAMETERS, **(parameters or {})}
    for parameter in PARAMETERS:
        params.append([parameter.label, values.get(parameter.key, parameter.default)])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    last = get_column_letter(len(REQUIRED)) if narrow else _LETTER["statut"]
    add_dimension(path, f"A1:{last}{count + 1}")
    return path


def add_dimension(path: Path, reference: str, part: str = "xl/worksheets/sheet1.xml") -> None:
    """Write the ``<dimension>`` that Excel always writes and openpyxl's write-only mode
    cannot (it streams the rows): the reader sizes a sheet from it."""
    source = path.with_suffix(".nodim.xlsx")
    path.replace(source)
    with zipfile.ZipFile(source) as old, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != part:
                new.writestr(info, old.read(info))
                continue
            with old.open(info) as reader, new.open(part, "w") as writer:
                head = reader.read(1 << 16)
                writer.write(head.replace(b"</sheetPr>", b'</sheetPr><dimension ref="'
                                          + reference.encode() + b'"/>', 1))
                shutil.copyfileobj(reader, writer, 1 << 22)
    source.unlink()


def cached_big_register(count: int, cache_dir: Path = CACHE_DIR, agency: int = 0,
                        narrow: bool = False) -> Path:
    """The register of ``count`` rows, written once per generator version. ``agency`` > 0:
    one of a network's registers, with its own rows, name and (every third one)
    Alsace-Moselle's holidays; ``narrow``: the mandatory columns only."""
    suffix = (f"_agence{agency}" if agency else "") + ("_etroit" if narrow else "")
    path = cache_dir / f"registre_{count}{suffix}_v{GENERATOR_VERSION}_{LAYOUT}.xlsx"
    if not path.exists():
        partial = path.with_suffix(".partial.xlsx")
        parameters = {"societe": f"ONLY PERMIS agence {agency}",
                      "zone": "Alsace-Moselle" if agency % 3 == 0 else "Métropole"}
        write_big_register(partial, count, seed=7 + agency,
                           parameters=parameters if agency else None, narrow=narrow)
        partial.replace(path)
    return path


TODAY = REFERENCE_DAY
