"""Replace a generated section of README.md, between ``<!-- name:start -->`` and
``<!-- name:end -->`` markers, leaving everything else as it is."""

from __future__ import annotations

from pathlib import Path


def replace_section(readme: Path, name: str, text: str) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    content = readme.read_text(encoding="utf-8")
    if start not in content or end not in content:
        raise SystemExit(f"{readme} : marqueurs {start} / {end} introuvables.")
    before, rest = content.split(start, 1)
    after = rest.split(end, 1)[1]
    readme.write_text(f"{before}{start}\n{text.strip()}\n{end}{after}", encoding="utf-8")
