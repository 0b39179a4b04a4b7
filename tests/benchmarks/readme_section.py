"""Replace a generated section of README.md, between ``<!-- name:start -->`` and
``<!-- name:end -->`` markers, leaving everything else as it is."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def replace_section(readme: Path, name: str, text: str) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    content = readme.read_text(encoding="utf-8")
    if start not in content or end not in content:
        raise SystemExit(f"{readme} : marqueurs {start} / {end} introuvables.")
    before, rest = content.split(start, 1)
    after = rest.split(end, 1)[1]
    readme.write_text(f"{before}{start}\n{text.strip()}\n{end}{after}", encoding="utf-8")


def add_write_readme_option(parser: argparse.ArgumentParser) -> None:
    """``--write-readme``, on by default under ``make bench`` (TOOLKIT_BENCH_README=1)."""
    parser.add_argument("--write-readme", action="store_true",
                        default=os.environ.get("TOOLKIT_BENCH_README") == "1",
                        help="update README.md (default with TOOLKIT_BENCH_README=1, "
                             "as `make bench` sets)")
