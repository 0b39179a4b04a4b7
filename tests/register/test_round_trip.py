"""A register re-saved by LibreOffice stays writable, and every write keeps what SPEC says
the register holds.

The register is made by the toolkit (plus what staff add: another sheet, another column),
saved again by a real LibreOffice (which adds an empty drawing part to every sheet), then
every command that writes runs on it through the installed console script: ``new``,
``intake``, ``letters --mark-sent`` and ``sent``. What the
test checks is listed in ``ROUND_TRIP_CHECKS``.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers.mail_files import plain_qp
from helpers.register_files import cell_styles, complaint, run_toolkit
from helpers.rich_registers import changed_parts
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from toolkit.libreoffice import convert
from toolkit.register.reading import read_register
from toolkit.register.sample import SAMPLE_PARAMETERS
from toolkit.register.template import create_register
from toolkit.register.writeback import append_complaints, mark_dates
from toolkit.rules.columns import COLUMNS
from toolkit.rules.deadlines import ack_deadline, reply_deadline

TODAY = "2026-11-20"
LETTER = {column.key: get_column_letter(i) for i, column in enumerate(COLUMNS, start=1)}
EXTRA_COLUMN = get_column_letter(len(COLUMNS) + 1)
ROUND_TRIP_CHECKS = (
    "LibreOffice wrote an empty drawing part, and the writes were not refused for it",
    "new, intake, letters --mark-sent and sent each exit 0",
    "the new complaints got 2026-002 and 2026-003, the acknowledgement date is recorded",
    "drop-down lists (Canal, Civilité, Catégorie, Décision) still point at Listes",
    "date validations on every date column",
    "red and orange colour rules on both deadline columns",
    "the three formula columns, recalculated by LibreOffice, equal the Python deadlines",
    "the extra sheet and its cells, the extra column's header and value",
    "dates typed by staff are still dates (not text), written dates are dates",
    "check finds no error afterwards",
)


def _staff_register(folder: Path) -> Path:
    path = create_register(folder / "registre.xlsx", [complaint("2026-001", date(2026, 11, 2))],
                           SAMPLE_PARAMETERS)
    workbook = load_workbook(path)
    notes = workbook.create_sheet("Notes de l'agence")
    notes["A1"], notes["B2"] = "Réunion qualité", date(2026, 11, 6)
    sheet = workbook["Registre"]
    sheet[f"{EXTRA_COLUMN}1"], sheet[f"{EXTRA_COLUMN}2"] = "Suivi interne", "rappeler lundi"
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def resaved(tmp_path_factory) -> Path:
    """The staff register as LibreOffice saves it."""
    folder = tmp_path_factory.mktemp("aller-retour")
    return convert(_staff_register(folder), "xlsx", folder / "libreoffice")


def _has_empty_drawing(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        drawings = [archive.read(n) for n in archive.namelist()
                    if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)]
    return bool(drawings) and all(b"Anchor" not in part for part in drawings)


def _write_everything(path: Path, tmp_path: Path) -> list[str]:
    """Run each writing command on the register; return the commands run."""
    mail = tmp_path / "courriel.eml"
    mail.write_bytes(plain_qp())
    runs = {
        "new": run_toolkit("new", "--register", str(path), "--today", TODAY, "--canal",
                           "Courrier", "--date", "09/11/2026", "--nom", "Hugo Petit",
                           "--description", "Examen reporté sans explication."),
        "intake": run_toolkit("intake", "--register", str(path), "--today", TODAY, str(mail)),
        "letters --mark-sent": run_toolkit("letters", "--register", str(path), "--today",
                                           TODAY, "--type", "accuse", "--numero",
                                           "2026-001", "--mark-sent"),
    }
    # Record again, as staff do when the letter left a day later (the date is already there).
    runs["sent"] = run_toolkit("sent", "--register", str(path), "--today", TODAY,
                               "--numero", "2026-001", "--type", "accuse", "--force")
    for command, run in runs.items():
        assert run.code == 0, (command, run.stdout, run.stderr)
        assert "Erreur" not in run.stderr, (command, run.stderr)
    return list(runs)


@pytest.mark.libreoffice
def test_every_write_command_works_on_a_libreoffice_register(resaved, tmp_path):
    path = Path(shutil.copy(resaved, tmp_path / "registre.xlsx"))
    assert _has_empty_drawing(path)
    commands = _write_everything(path, tmp_path)
    print(f"\nCommandes d'écriture sur le registre enregistré par LibreOffice : {commands}")

    frame = read_register(path).frame
    assert list(frame["numero"]) == ["2026-001", "2026-002", "2026-003"]
    assert frame.loc[0, "date_accuse"] == date(2026, 11, 20)
    assert list(frame["date_reclamation"]) == [date(2026, 11, 2), date(2026, 11, 9),
                                               date(2026, 11, 3)]

    workbook = load_workbook(path)
    sheet = workbook["Registre"]
    _assert_lists_and_date_checks(sheet)
    _assert_colour_rules(sheet)
    _assert_staff_additions(workbook)
    for line in (2, 3, 4):
        assert isinstance(sheet[f"{LETTER['date_reclamation']}{line}"].value, datetime)
    assert isinstance(sheet[f"{LETTER['date_accuse']}2"].value, datetime)
    assert "WORKDAY.INTL(INT(B2)" in sheet[f"{LETTER['echeance_accuse']}2"].value
    _assert_recalculated_deadlines(path, tmp_path, frame)
    assert run_toolkit("check", "--register", str(path), "--today", TODAY).code == 0


@pytest.mark.libreoffice
def test_a_complaint_written_in_a_libreoffice_register_reuses_its_prepared_styles(resaved,
                                                                                  tmp_path):
    # LibreOffice writes its booleans "true"/"false" (locked="false", applyAlignment="true"):
    # the prepared rows' cells are already unlocked, top-aligned, wrapped or dated, so the
    # new complaint takes their styles as they are; read as "locked", the next write added
    # five copies of them to the workbook.
    path = Path(shutil.copy(resaved, tmp_path / "registre.xlsx"))
    before = cell_styles(path)
    assert any('locked="false"' in style for style in before)
    assert append_complaints(path, [complaint("2026-002", date(2026, 11, 5))]) == [3]
    assert cell_styles(path) == before
    frame = read_register(path).frame
    assert frame["date_reclamation"].tolist() == [date(2026, 11, 2), date(2026, 11, 5)]


def _assert_lists_and_date_checks(sheet) -> None:
    validations = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv
                   for dv in sheet.data_validations.dataValidation}
    for key in ("canal", "civilite", "categorie", "decision"):
        assert validations[LETTER[key]].type == "list"
        # LibreOffice stores the list's range without "=": kept as it saved it.
        assert validations[LETTER[key]].formula1.lstrip("=").startswith("Listes!"), key
    for column in COLUMNS:
        if column.kind == "date":
            assert validations[LETTER[column.key]].type == "date", column.key


def _assert_colour_rules(sheet) -> None:
    rules = {str(rng.sqref).split(":")[0]: rules
             for rng, rules in sheet.conditional_formatting._cf_rules.items()}
    for key in ("echeance_accuse", "echeance_reponse"):
        # LibreOffice stores a highlight's colour as the fill's background: kept as it saved it.
        colours = [_fill_colour(rule.dxf.fill) for rule in rules[f"{LETTER[key]}2"]]
        assert colours == ["F8CBAD", "FFE699"], key


def _fill_colour(fill) -> str:
    colours = [c.rgb[-6:] for c in (fill.fgColor, fill.bgColor)
               if isinstance(c.rgb, str) and c.rgb[-6:] not in ("000000", "FFFFFF")]
    return colours[0] if colours else ""


def _assert_staff_additions(workbook) -> None:
    notes = workbook["Notes de l'agence"]
    assert notes["A1"].value == "Réunion qualité"
    assert notes["B2"].value.date() == date(2026, 11, 6)
    sheet = workbook["Registre"]
    assert sheet[f"{EXTRA_COLUMN}1"].value == "Suivi interne"
    assert sheet[f"{EXTRA_COLUMN}2"].value == "rappeler lundi"


def _assert_recalculated_deadlines(path: Path, tmp_path: Path, frame) -> None:
    sheet = load_workbook(convert(path, "xlsx", tmp_path / "recalcule"),
                          data_only=True)["Registre"]
    for line, received in zip(frame["ligne"], frame["date_reclamation"], strict=True):
        ack = sheet[f"{LETTER['echeance_accuse']}{line}"].value
        reply = sheet[f"{LETTER['echeance_reponse']}{line}"].value
        assert (ack.date(), reply.date()) == (ack_deadline(received), reply_deadline(received))


# --- drawings: the empty part is nothing; real ones are kept ------------------------------

SHAPE_ANCHOR = (b'<xdr:twoCellAnchor><xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff>'
                b'<xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to>'
                b'<xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>4</xdr:row>'
                b'<xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:sp><xdr:nvSpPr><xdr:cNvPr id="2" '
                b'name="Zone de texte 1"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr></xdr:sp>'
                b'<xdr:clientData/></xdr:twoCellAnchor>')


def _with_a_text_box(source: Path, target: Path) -> Path:
    with zipfile.ZipFile(source) as archive:
        parts = {item.filename: archive.read(item) for item in archive.infolist()}
    name = next(n for n in parts if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n))
    parts[name] = parts[name].replace(b"></xdr:wsDr>", b">" + SHAPE_ANCHOR + b"</xdr:wsDr>")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for part_name, data in parts.items():
            archive.writestr(part_name, data)
    return target


@pytest.mark.libreoffice
def test_a_real_drawing_is_kept_by_every_write(resaved, tmp_path):
    path = _with_a_text_box(resaved, tmp_path / "registre.xlsx")
    original = Path(shutil.copy(path, tmp_path / "avant.xlsx"))
    append_complaints(path, [complaint("2026-002")])
    mark_dates(path, [(2, "date_accuse", date(2026, 11, 20))])
    run = run_toolkit("new", "--register", str(path), "--today", TODAY, "--canal", "Courrier",
                      "--nom", "Hugo Petit", "--description", "Examen reporté.")
    assert run.code == 0, run.stderr
    assert changed_parts(original, path) == []
    assert list(read_register(path).frame["numero"]) == ["2026-001", "2026-002", "2026-003"]
