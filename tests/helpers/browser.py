"""Printing an HTML page to A4 PDF in headless Chromium, and reading the PDF back with
poppler's command-line tools (``pdftotext``, ``pdfimages``, ``pdfinfo``).

Chromium is Debian's ``chromium`` package (``chromium-browser`` or Google Chrome elsewhere).
Every run gets its own throw-away profile and never touches the network.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
POPPLER = ("pdftotext", "pdfimages", "pdfinfo")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-pdf-header-footer")
_XHTML = "{http://www.w3.org/1999/xhtml}"


def find_chromium() -> str | None:
    """The browser, or ``None`` when it or one of poppler's tools is missing."""
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    return browser if all(shutil.which(tool) for tool in POPPLER) else None


def print_to_pdf(browser: str, page: Path, pdf: Path, timeout: float = 120) -> Path:
    """Print ``page`` as the browser's "Print to PDF" would (A4 from the page's @page rule)."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                        f"--print-to-pdf={pdf}", page.resolve().as_uri()],
                       capture_output=True, timeout=timeout, check=True)
    assert pdf.is_file() and pdf.stat().st_size, f"Chromium n'a pas écrit {pdf}"
    return pdf


def _run(*argv: str) -> str:
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


def page_count(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(pdf)), re.M).group(1))


def page_size_points(pdf: Path) -> tuple[float, float]:
    match = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", _run("pdfinfo", str(pdf)), re.M)
    return float(match.group(1)), float(match.group(2))


def pages_text(pdf: Path) -> list[str]:
    """Each page's text in reading order, every run of white space made one space."""
    return [" ".join(_run("pdftotext", "-raw", "-f", str(number), "-l", str(number),
                          str(pdf), "-").split())
            for number in range(1, page_count(pdf) + 1)]


@dataclass(frozen=True)
class PlacedImage:
    page: int
    object_id: int


def images(pdf: Path) -> list[PlacedImage]:
    """Every image drawn, with its page and the PDF object it draws: an image cut across
    a page break is drawn on two pages."""
    lines = _run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    return [PlacedImage(int(fields[0]), int(fields[10]))
            for fields in (line.split() for line in lines) if fields]


@dataclass(frozen=True)
class Block:
    x: float
    y: float
    text: str


def text_blocks(pdf: Path, page: int) -> list[Block]:
    """The page's text blocks as poppler lays them out, with their top-left corner."""
    xhtml = _run("pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-")
    root = ET.fromstring(xhtml)
    return [Block(float(block.get("xMin")), float(block.get("yMin")),
                  " ".join(word.text or "" for word in block.iter(f"{_XHTML}word")))
            for block in root.iter(f"{_XHTML}block")]


def column_below(blocks: list[Block], label: str, depth: float = 120) -> list[str]:
    """The texts lined up under the block reading ``label`` (same left edge), top to bottom,
    within ``depth`` points: one box of a row of boxes."""
    top = next(block for block in blocks if block.text == label)
    return [block.text for block in sorted(blocks, key=lambda b: b.y)
            if abs(block.x - top.x) < 1 and top.y < block.y <= top.y + depth]


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(html: str) -> list[list[str]]:
    """Each table of the page as its rows' texts (cells joined by a space)."""
    parser = _Tables()
    parser.feed(html)
    return [[" ".join(cell for cell in row if cell) for row in table if row]
            for table in parser.tables]
