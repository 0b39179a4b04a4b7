"""The register prints like a register: landscape A4, header row and Numéro column on every
page, complaints only; LibreOffice turns the sample into a PDF of a few pages (it made 43
portrait pages of four columns each before the page setup)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.register_files import SAMPLE_REGISTER, complaint, with_part
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from toolkit.libreoffice import convert
from toolkit.register.reading import read_register
from toolkit.register.template import create_register
from toolkit.register.writeback import append_complaints
from toolkit.rules.columns import COLUMNS

A4_LANDSCAPE = (841.9, 595.3)  # points
# 36 complaints over 26 columns: two pages wide, two pages tall; one page each for
# Paramètres and Listes. A little room for fonts that differ between machines.
MAX_PAGES = 8
MAX_REGISTER_PAGES = 6

LAST = get_column_letter(len(COLUMNS))  # the print area covers every column


def test_page_setup_of_the_register_sheet():
    sheet = load_workbook(SAMPLE_REGISTER)["Registre"]
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9)  # 9: A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth, setup.fitToHeight) == (2, 0)
    assert (sheet.print_title_rows, sheet.print_title_cols) == ("$1:$1", "$A:$A")
    complaints = len(read_register(SAMPLE_REGISTER).frame)
    assert sheet.print_area == f"'Registre'!$A$1:${LAST}${complaints + 1}"


@pytest.mark.parametrize("complaints", [0, 2])
def test_a_new_register_prints_its_complaints_only(tmp_path, complaints):
    # (an empty register: its header and the first prepared row)
    rows = [complaint(f"2026-00{n}") for n in range(1, complaints + 1)]
    sheet = load_workbook(create_register(tmp_path / "registre.xlsx", rows))["Registre"]
    assert sheet.print_area == f"'Registre'!$A$1:${LAST}${max(complaints + 1, 2)}"


def test_a_write_keeps_the_page_setup_and_prints_the_new_row(tmp_path):
    path = Path(shutil.copy(SAMPLE_REGISTER, tmp_path / "registre.xlsx"))
    (line,) = append_complaints(path, [complaint("2026-900", description="x" * 300)])
    sheet = load_workbook(path)["Registre"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_cols == "$A:$A"
    assert sheet.print_area == f"'Registre'!$A$1:${LAST}${line}"
    # 300 characters in the 45-wide Description: 7 lines of 15 points, worked out by hand.
    assert sheet.row_dimensions[line].height == 105


def test_a_print_area_short_of_the_last_column_reaches_it_after_a_write(tmp_path):
    # A print area set before the register's last column was there: the new row is
    # printed with every column, not cut before the last one.
    path = Path(shutil.copy(SAMPLE_REGISTER, tmp_path / "registre.xlsx"))
    short = get_column_letter(len(COLUMNS) - 1)
    with_part(path, "xl/workbook.xml", lambda xml: re.sub(
        rb"(_xlnm\.Print_Area[^>]*>[^<]*!\$A\$1:\$)" + LAST.encode() + rb"\$",
        rb"\g<1>" + short.encode() + rb"$", xml))
    complaints = len(read_register(path).frame)
    assert load_workbook(path)["Registre"].print_area == \
        f"'Registre'!$A$1:${short}${complaints + 1}"
    (line,) = append_complaints(path, [complaint("2026-900")])
    assert load_workbook(path)["Registre"].print_area == f"'Registre'!$A$1:${LAST}${line}"


def _pages(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height of each page of a PDF LibreOffice wrote (uncompressed page tree)."""
    boxes = re.findall(rb"/Type\s*/Page\b(?!s).*?/MediaBox\s*\[([^\]]*)\]", pdf, re.DOTALL)
    return [tuple(float(v) for v in box.split()[2:4]) for box in boxes]


@pytest.mark.libreoffice
def test_the_sample_prints_on_a_few_landscape_pages(tmp_path):
    pdf = convert(SAMPLE_REGISTER, "pdf", tmp_path).read_bytes()
    pages = _pages(pdf)
    count = int(re.findall(rb"/Count\s+(\d+)", pdf)[-1])
    assert len(pages) == count
    print(f"\nexemple_registre.xlsx → PDF LibreOffice : {count} pages")
    assert 4 <= count <= MAX_PAGES
    for width, height in pages:
        assert (round(width, 1), round(height, 1)) == A4_LANDSCAPE
    assert _register_pages(tmp_path, pdf) <= MAX_REGISTER_PAGES


def _register_pages(tmp_path: Path, pdf: bytes) -> int:
    """Pages headed as the register's (read with poppler's pdftotext; 0 without it)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return 0

    path = tmp_path / "registre.pdf"
    path.write_bytes(pdf)
    text = subprocess.run([tool, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    heading = [page for page in pages if page.lstrip().startswith("Registre des réclamations")]
    # Every register page repeats the header row and the Numéro column.
    assert all("Numéro" in page and "2026-0" in page for page in heading)
    return len(heading)
