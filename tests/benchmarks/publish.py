"""Publish a benchmark's figures: replace its section of docs/developer/benchmarks.md, between
``<!-- name:start -->`` and ``<!-- name:end -->`` markers, leaving everything else as it is."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "developer" / "benchmarks.md"
PUBLISH_VARIABLE = "TOOLKIT_BENCH_PUBLISH"


def replace_section(name: str, text: str, page: Path = PAGE) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    content = page.read_text(encoding="utf-8")
    if start not in content or end not in content:
        raise SystemExit(f"{page} : marqueurs {start} / {end} introuvables.")
    before, rest = content.split(start, 1)
    after = rest.split(end, 1)[1]
    page.write_text(f"{before}{start}\n{text.strip()}\n{end}{after}", encoding="utf-8")
    print(f"{page} mis à jour.")


def add_publish_option(parser: argparse.ArgumentParser) -> None:
    """``--publish``, on by default under ``make bench`` (TOOLKIT_BENCH_PUBLISH=1)."""
    parser.add_argument("--publish", action="store_true",
                        default=os.environ.get(PUBLISH_VARIABLE) == "1",
                        help="update docs/developer/benchmarks.md (default with "
                             "TOOLKIT_BENCH_PUBLISH=1, as `make bench` sets)")
