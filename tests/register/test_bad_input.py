"""Bad input is always explained: generated registers of any content, and broken files.

The generated registers (hypothesis) hold values of every type staff or other tools put in
cells. ``check`` must never crash, must locate every problem, and must exit 1 exactly when
it reports one. The default run tries a few dozen registers; ``tests/benchmarks/
bench_bad_input.py`` runs thousands (``TOOLKIT_FUZZ_EXAMPLES``).

Broken files must give a French message and exit 2, never a traceback, and a file built to
exhaust memory must be refused within bounded memory.
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import tempfile
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from helpers.register_files import (
    ALL_HEADERS,
    SAMPLE_REGISTER,
    complaint,
    row_of,
    run_measured,
    run_toolkit,
    with_part,
    write_grid,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from toolkit.api import check_register, register_status
from toolkit.cli import main
from toolkit.errors import RegisterFileError
from toolkit.register.reading import check_container, read_register, sheet_extent
from toolkit.register.sample import SAMPLE_PARAMETERS
from toolkit.rules.columns import COLUMNS, PARAMETERS, header_of

TODAY = date(2026, 11, 20)
FUZZ_EXAMPLES = int(os.environ.get("TOOLKIT_FUZZ_EXAMPLES", "25"))
CODES = {"colonne_manquante", "colonne_en_double", "parametre_invalide", "obligatoire",
         "date_invalide", "valeur_hors_liste", "courriel_invalide", "numero_en_double",
         "date_future", "date_avant_reclamation", "complements_avant_demande",
         "reponse_sans_resolution", "reponse_sans_decision", "decision_sans_resolution",
         "numero_mal_forme", "complements_sans_demande", "date_en_texte",
         "parametre_manquant", "site_mediateur_invalide", "conservation_depassee",
         "parametre_en_double"}
PARAMETER_CODES = {"parametre_invalide", "parametre_manquant", "site_mediateur_invalide",
                   "parametre_en_double"}
ROW_CODES = CODES - {"colonne_manquante", "colonne_en_double"} - PARAMETER_CODES
KNOWN_COLUMNS = {c.header for c in COLUMNS} | {p.label for p in PARAMETERS}
MB = 1_000_000


# --- generated registers ------------------------------------------------------------------

def _clean(text: str) -> str:
    # openpyxl refuses the control characters XML 1.0 forbids; Excel never stores them.
    return ILLEGAL_CHARACTERS_RE.sub("", text)


SPECIAL_TEXTS = [
    "#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "NA", "None", "nan", "NULL", "-", "0",
    "=1/0", "=A1", "=SUM(A1:A3)", '="a"&"b"', "=", "+33 6 12 34 56 78", "@SOMME(A1)",
    "02/11/2026", "31/02/2026", "2026-11-02", "00/00/0000", "2/11/26", "0612345678",
    "😀📮🚗", "é\u0301", "\u200b", "\t", " ", "\n", "x" * 40_000, "Courriel", "Téléphone",
    "Favorable", "Défavorable", "Madame", "Autre", "lea@exemple.fr", "a@b", "Numéro",
]
CELLS = st.one_of(
    st.none(),
    st.text(max_size=30).map(_clean),
    st.sampled_from(SPECIAL_TEXTS),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=date(1, 1, 1)),
    st.datetimes(min_value=datetime(1, 1, 1)),
    st.times(),
    st.timedeltas(min_value=timedelta(days=-10_000), max_value=timedelta(days=10_000)),
    st.sampled_from([date(2026, 11, 2), date(2026, 10, 1), date(2026, 11, 19)]),
)
HEADER_FORMS = [str, str.upper, str.lower, lambda h: f"  {h} ",
                lambda h: h.replace("'", "’"), lambda h: h.replace("é", "e")]


REQUIRED_HEADERS = [c.header for c in COLUMNS if c.required]
HEADER_SETS = st.one_of(
    st.just(ALL_HEADERS),
    st.permutations(ALL_HEADERS),
    st.lists(st.sampled_from(ALL_HEADERS), unique=True).map(
        lambda more: REQUIRED_HEADERS + [h for h in more if h not in REQUIRED_HEADERS]),
    st.lists(st.sampled_from(ALL_HEADERS), max_size=30),
)


@st.composite
def headers(draw) -> tuple[list[str], list[str]]:
    """Headers as staff type them: often complete, in any order and spelling, sometimes
    missing columns, repeating one or adding their own. (official, as typed)."""
    chosen = list(draw(HEADER_SETS))
    chosen += draw(st.lists(st.sampled_from(["Commentaire", "", "Code postal", "Numéro"]),
                            max_size=2))
    forms = draw(st.lists(st.sampled_from(HEADER_FORMS), min_size=len(chosen),
                          max_size=len(chosen)))
    return chosen, [form(h) for form, h in zip(forms, chosen, strict=True)]


@st.composite
def register_grids(draw) -> dict:
    official, header = draw(headers())
    width = max(len(header), 1)
    any_row = st.lists(CELLS, min_size=width, max_size=width)
    valid_row = st.builds(lambda n, day: row_of(complaint(f"2026-{n:03d}", day), official),
                          st.integers(1, 999), st.dates(date(2026, 1, 1), TODAY))
    return {
        "above": draw(st.lists(st.lists(CELLS, max_size=4), max_size=3)),
        "header": header,
        "rows": draw(st.lists(st.one_of(valid_row, valid_row, any_row, st.just([None] * width)),
                              max_size=6)),
        "merges": draw(st.lists(st.tuples(st.integers(1, 9), st.integers(1, 27),
                                          st.integers(0, 2), st.integers(0, 2)), max_size=2)),
        "hidden": draw(st.lists(st.integers(1, 10), max_size=2)),
        "sheet": draw(st.sampled_from(["Registre", "REGISTRE ", "Feuil1"])),
        "params": draw(st.none() | st.dictionaries(st.sampled_from([p.key for p in PARAMETERS]),
                                                   CELLS, max_size=3)),
    }


def _cell_value(value: object) -> object:
    return _clean(value) if isinstance(value, str) else value


def write_generated(path: Path, grid: dict) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = grid["sheet"]
    for row in [*grid["above"], grid["header"], *grid["rows"]]:
        ws.append([_cell_value(v) for v in row])
    for row, column, down, right in grid["merges"]:
        ws.merge_cells(start_row=row, start_column=column, end_row=row + down,
                       end_column=column + right)
    for row in grid["hidden"]:
        ws.row_dimensions[row].hidden = True
    if grid["params"] is not None:
        sheet = wb.create_sheet("Paramètres")
        labels = {p.key: p.label for p in PARAMETERS}
        for key, value in grid["params"].items():
            sheet.append([labels[key], _cell_value(value)])
    wb.save(path)
    return path


def _cli_check(path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["check", "--json", "--register", str(path), "--today", TODAY.isoformat()])
    return code, out.getvalue(), err.getvalue()


def assert_explained(path: Path) -> None:
    """The properties every register must have, whatever it holds."""
    register = read_register(path)
    report = check_register(path, TODAY)
    lines = set(register.frame["ligne"])
    for problem in report.problems:
        assert type(problem.ligne) is int and problem.ligne >= 1, problem
        assert isinstance(problem.colonne, str) and problem.colonne.strip(), problem
        assert problem.code in CODES and problem.message, problem
        if problem.code in ROW_CODES:
            assert problem.ligne in lines and problem.colonne in KNOWN_COLUMNS, problem
    code, out, err = _cli_check(path)
    assert code == (1 if report.errors else 0), (code, err)
    assert json.loads(out) == report.to_json_list()
    statuses = register_status(path, TODAY)  # status must never crash either
    assert {s.ligne for s in statuses.statuses} <= lines


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(grid=register_grids())
def test_generated_registers_are_always_explained(grid):
    with tempfile.TemporaryDirectory() as folder:
        assert_explained(write_generated(Path(folder) / "registre.xlsx", grid))


def test_a_row_answered_long_ago_is_explained_too(tmp_path):
    # Found by the generated registers: a reply dated 1900 (a 1 typed in the column) gives
    # a retention warning, which must be a known code on a known row and column.
    reply = ALL_HEADERS.index(header_of("date_reponse"))
    old = [None] * len(ALL_HEADERS)
    old[reply] = 1
    path = write_generated(tmp_path / "registre.xlsx", {
        "above": [], "header": ALL_HEADERS, "rows": [row_of(complaint(), ALL_HEADERS), old],
        "merges": [], "hidden": [], "sheet": "Registre", "params": None})
    assert "conservation_depassee" in {p.code for p in check_register(path, TODAY).problems}
    assert_explained(path)


@pytest.mark.parametrize("value", [
    date(1, 1, 1), date(1899, 12, 31), datetime(9999, 12, 31, 23, 59), time(10, 30),
    timedelta(days=3), 10**19, -1.5e308, True, "#N/A", "=1/0", "x" * 40_000, "😀", "\u200b",
])
def test_odd_values_in_every_column(tmp_path, value):
    # The same value in every column of a row, next to a valid row: a fixed sample of
    # what the generated test explores, so that a regression shows in every run.
    rows = [ALL_HEADERS, row_of(complaint()), [value] * len(ALL_HEADERS)]
    assert_explained(write_grid(tmp_path / "r.xlsx", rows))


def test_reception_date_at_the_end_of_the_calendar(tmp_path):
    path = write_grid(tmp_path / "r.xlsx", [ALL_HEADERS, row_of(complaint()),
                                            row_of(complaint("2026-002", date(9999, 12, 31)))])
    result = register_status(path, TODAY)
    assert [s.numero for s in result.statuses] == ["2026-001"]
    assert result.skipped_rows == [3]
    assert [(p.ligne, p.code) for p in check_register(path, TODAY).errors] == \
        [(3, "date_future")]


# --- broken files -----------------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_file(path: Path, stream: str) -> Path:
    """An OLE compound file: the container of an old .xls and of an encrypted .xlsx
    (whose directory names the streams EncryptionInfo and EncryptedPackage)."""
    header = OLE_MAGIC + bytes(16) + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9)
    names = b"".join(name.encode("utf-16-le").ljust(128, b"\0") for name in
                     ("Root Entry", stream, "EncryptedPackage"))
    path.write_bytes(header.ljust(512, b"\0") + names.ljust(512, b"\0"))
    return path


def _sample_copy(tmp_path: Path) -> Path:
    target = tmp_path / "registre.xlsx"
    target.write_bytes(SAMPLE_REGISTER.read_bytes())
    return target


def _text(path: Path) -> Path:
    path.write_text("Bonjour, ceci n'est pas un classeur.", encoding="utf-8")
    return path


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _csv(path: Path) -> Path:
    path.write_text("Numéro;Date de réclamation;Canal\n2026-001;02/11/2026;Courriel\n",
                    encoding="utf-8")
    return path


def _truncated(path: Path) -> Path:
    data = SAMPLE_REGISTER.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _not_a_workbook_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("lisez-moi.txt", "Ceci est une archive, pas un classeur.")
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


BROKEN_FILES = {
    "texte": (_text, "n'est pas un classeur Excel .xlsx"),
    "xls": (lambda p: ole_file(p, "Workbook"), "ancien format .xls"),
    "mot-de-passe": (lambda p: ole_file(p, "EncryptionInfo"), "protégé par mot de passe"),
    "csv": (_csv, "n'est pas un classeur Excel .xlsx"),
    "vide": (_empty, "le fichier est vide"),
    "dossier": (_directory, "est un dossier"),
    "tronque": (_truncated, "n'est pas un classeur Excel .xlsx"),
    "zip": (_not_a_workbook_zip, "ne peut pas être lu"),
    "absent": (lambda p: p, "Registre introuvable"),
}


@pytest.mark.parametrize("kind", list(BROKEN_FILES))
def test_broken_file_gives_a_french_message_and_exit_2(tmp_path, capsys, kind):
    build, message = BROKEN_FILES[kind]
    path = build(tmp_path / "registre.xlsx")
    assert main(["check", "--register", str(path)]) == 2
    out, err = capsys.readouterr()
    assert message in err
    assert err.startswith("Erreur : ") and "Traceback" not in out + err


@pytest.mark.parametrize("command", ["check", "status"])
def test_broken_file_real_command_has_no_traceback(tmp_path, command):
    path = ole_file(tmp_path / "registre.xlsx", "EncryptionInfo")
    run = run_toolkit(command, "--register", str(path))
    assert run.code == 2
    assert "protégé par mot de passe" in run.stderr and "Traceback" not in run.stderr


def test_workbook_without_a_registre_sheet_uses_the_first(tmp_path, capsys):
    path = write_grid(tmp_path / "r.xlsx", [ALL_HEADERS, row_of(complaint())], sheet="Feuil1",
                      parameters=SAMPLE_PARAMETERS)
    assert main(["check", "--register", str(path), "--today", TODAY.isoformat()]) == 0
    assert "Aucun problème" in capsys.readouterr().out


def test_workbook_with_an_empty_first_sheet_says_what_is_missing(tmp_path, capsys):
    path = write_grid(tmp_path / "r.xlsx", [], sheet="Feuil1")
    assert main(["check", "--json", "--register", str(path)]) == 1
    problems = [p for p in json.loads(capsys.readouterr().out) if p["niveau"] == "erreur"]
    assert {(p["ligne"], p["code"]) for p in problems} == {(1, "colonne_manquante")}
    assert len(problems) == 5


# --- files built to exhaust memory --------------------------------------------------------

def rebuild(source: Path, target: Path, parts: dict[str, object]) -> Path:
    """Copy a workbook, replacing or adding parts; a part may be (head, filler, count,
    tail), streamed so that hundreds of MB never sit in the test's memory."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as new:
        names = [info.filename for info in old.infolist()]
        for name in [*names, *(n for n in parts if n not in names)]:
            part = parts.get(name)
            if part is None:
                new.writestr(name, old.read(name))
            elif isinstance(part, bytes):
                new.writestr(name, part)
            else:
                head, filler, count, tail = part
                with new.open(name, "w") as writer:
                    writer.write(head)
                    for _ in range(count):
                        writer.write(filler)
                    writer.write(tail)
    return target


SHEET_HEAD = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
SHEET_TAIL = b"</t></is></c></row></sheetData></worksheet>"
SST_HEAD = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'count="1" uniqueCount="1"><si><t>')
SST_TAIL = b"</t></si></sst>"
SST_RELATION = (b'<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>')
SST_TYPE = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')


def with_shared_strings(tmp_path: Path, table: object) -> Path:
    with zipfile.ZipFile(SAMPLE_REGISTER) as sample:
        rels = sample.read("xl/_rels/workbook.xml.rels")
        types = sample.read("[Content_Types].xml")
    return rebuild(SAMPLE_REGISTER, tmp_path / "registre.xlsx", {
        "xl/_rels/workbook.xml.rels": rels.replace(b"</Relationships>",
                                                   SST_RELATION + b"</Relationships>"),
        "[Content_Types].xml": types.replace(b"</Types>", SST_TYPE + b"</Types>"),
        "xl/sharedStrings.xml": table,
    })


def zip_bomb(tmp_path: Path, megabytes: int = 400) -> Path:
    """The register sheet replaced by hundreds of MB of zeros: about 1 MB on disk."""
    return rebuild(SAMPLE_REGISTER, tmp_path / "registre.xlsx", {
        "xl/worksheets/sheet1.xml": (SHEET_HEAD, b"0" * MB, megabytes, SHEET_TAIL)})


def declare_smaller(path: Path, part: str, size: int) -> Path:
    """Forge the sizes a zip declares for ``part`` (local header and central directory)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(part).header_offset
    struct.pack_into("<I", data, offset + 22, size)
    for match in re.finditer(rb"PK\x01\x02", data):
        start = match.start()
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46:start + 46 + name_length] == part.encode():
            struct.pack_into("<I", data, start + 24, size)
    path.write_bytes(bytes(data))
    return path


def far_cell(tmp_path: Path, reference: str = "XFD1048576", dimension: bool = True) -> Path:
    """A few-KB workbook with one value in a far corner: calamine would allocate every
    cell up to it (here 17 billion) and abort the process."""
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             + (f'<dimension ref="A1:{reference}"/>'.encode() if dimension else b"")
             + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Num\xc3\xa9ro</t></is>'
             + f'</c></row><row r="{reference.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">'
               f'<c r="{reference}" t="inlineStr"><is><t>note</t></is></c></row>'.encode()
             + b"</sheetData></worksheet>")
    return rebuild(SAMPLE_REGISTER, tmp_path / "registre.xlsx",
                   {"xl/worksheets/sheet1.xml": sheet})


@pytest.fixture(scope="module")
def baseline_peak_mb(tmp_path_factory) -> float:
    """Peak memory of ``check`` on the small sample register: the yardstick."""
    run = run_measured("check", "--register", str(SAMPLE_REGISTER), "--today", "2026-11-20")
    assert run.code == 0, run.stderr
    return run.peak_mb


MEMORY_ATTACKS = {
    "zip-bomb": (zip_bomb, "taille anormale"),
    "shared-strings-enormes": (
        lambda tmp: with_shared_strings(tmp, (SST_HEAD, b"0" * MB, 300, SST_TAIL)),
        "taille anormale"),
    "shared-strings-compte-force": (
        lambda tmp: with_shared_strings(tmp, SST_HEAD.replace(b'uniqueCount="1"',
                                                              b'uniqueCount="4294967295"')
                                        + b"a" + SST_TAIL),
        "annonce 4294967295 textes"),
    "taille-declaree-fausse": (
        lambda tmp: declare_smaller(zip_bomb(tmp, 200), "xl/worksheets/sheet1.xml", 5000),
        "endommagé ou piégé"),
    "cellule-lointaine": (far_cell, "s'étend jusqu'à la cellule XFD1048576"),
    "cellule-lointaine-sans-dimension": (lambda tmp: far_cell(tmp, dimension=False),
                                         "s'étend jusqu'à la cellule XFD1048576"),
}


@pytest.mark.parametrize("attack", list(MEMORY_ATTACKS))
def test_memory_attack_is_refused_within_bounded_memory(tmp_path, baseline_peak_mb, attack):
    build, message = MEMORY_ATTACKS[attack]
    path = build(tmp_path)
    assert path.stat().st_size < 2 * MB
    run = run_measured("check", "--register", str(path))
    assert run.code == 2, run.stderr
    assert message in run.stderr and "Traceback" not in run.stderr
    assert run.peak_mb < baseline_peak_mb + 100, (run.peak_mb, baseline_peak_mb)


def test_far_cell_within_limits_is_read(tmp_path):
    # A stray note in column AZ of a small register is no attack: it is read normally.
    path = far_cell(tmp_path, "AZ40")
    report = check_register(path, TODAY)
    assert {p.code for p in report.problems} == {"colonne_manquante"}


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'.encode()
                     .replace(b"&lol0;", b"&lol;") for i in range(1, 10))
          + b"]>")


def test_xml_bomb_in_the_workbook_part_is_refused(tmp_path):
    with zipfile.ZipFile(SAMPLE_REGISTER) as sample:
        workbook = sample.read("xl/workbook.xml")
    bomb = LAUGHS + workbook.replace(b'name="Registre"', b'name="&lol9;"', 1)
    path = rebuild(SAMPLE_REGISTER, tmp_path / "registre.xlsx", {"xl/workbook.xml": bomb})
    run = run_measured("check", "--register", str(path))
    assert run.code == 2, run.stderr
    assert run.stderr.startswith("Erreur : ") and "Traceback" not in run.stderr
    assert run.peak_mb < 400


def test_xml_bomb_is_refused_by_the_sheet_lookup_too(tmp_path):
    # calamine refuses this one first; the toolkit's own look into workbook.xml, done
    # before calamine sizes a sheet, must not expand the entities either.
    with zipfile.ZipFile(SAMPLE_REGISTER) as sample:
        workbook = sample.read("xl/workbook.xml")
    bomb = LAUGHS + workbook.replace(b'name="Listes"', b'name="&lol9;"')
    path = rebuild(SAMPLE_REGISTER, tmp_path / "registre.xlsx", {"xl/workbook.xml": bomb})
    with pytest.raises(RegisterFileError, match="XML interdit"):
        sheet_extent(path, "Registre")


SPELLINGS = {"double-quotes": lambda xml: xml,
             "single-quotes": lambda xml: re.sub(rb'(\s[\w:]+)="([^"]*)"', rb"\1='\2'", xml),
             "blanks": lambda xml: re.sub(rb'(\s[\w:]+)="', rb'\1 = "', xml)}


@pytest.mark.parametrize("dimension", [True, False], ids=["dimension", "rows"])
@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_a_far_cell_is_seen_however_its_attributes_are_written(tmp_path, spelling, dimension):
    # XML allows either quote and blanks around "=": calamine reads them all, so the
    # extent checked before it allocates must be read in every spelling too.
    path = far_cell(tmp_path, dimension=dimension)
    with_part(path, "xl/worksheets/sheet1.xml", SPELLINGS[spelling])
    assert sheet_extent(path, "Registre") == (1048576, 16384)


@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_a_forged_count_of_texts_is_refused_however_it_is_written(tmp_path, spelling):
    path = with_shared_strings(tmp_path, SST_HEAD.replace(b'uniqueCount="1"',
                                                          b'uniqueCount="4294967295"')
                               + b"a" + SST_TAIL)
    with_part(path, "xl/sharedStrings.xml", SPELLINGS[spelling])
    with pytest.raises(RegisterFileError, match="annonce 4294967295 textes"):
        check_container(path)


def test_sheet_extent_without_dimension_and_with_prefixes(tmp_path):
    sheet = (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/'
             b'main"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
             b'<x:row r="70000"><x:c r="AB70000"><x:v>2</x:v></x:c></x:row>'
             b"</x:sheetData></x:worksheet>")
    path = rebuild(SAMPLE_REGISTER, tmp_path / "registre.xlsx",
                   {"xl/worksheets/sheet1.xml": sheet})
    assert sheet_extent(path, "Registre") == (70000, 28)
    assert sheet_extent(SAMPLE_REGISTER, "Registre") == (1000, len(COLUMNS))
    assert sheet_extent(SAMPLE_REGISTER, "Feuille absente") is None


def test_sample_register_is_not_mistaken_for_an_attack(tmp_path):
    assert check_register(_sample_copy(tmp_path), date(2026, 11, 20)).ok
