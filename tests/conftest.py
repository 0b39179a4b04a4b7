"""Shared fixtures: real registers on disk, and LibreOffice when the test needs it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pytest

from toolkit.libreoffice import find_soffice
from toolkit.register.template import create_register

REQUIRE_LIBREOFFICE = os.environ.get("TOOLKIT_REQUIRE_LIBREOFFICE") == "1"


@pytest.fixture
def make_register(tmp_path: Path) -> Callable[..., Path]:
    """Write a real register .xlsx from rows keyed by column keys; return its path."""

    def _make(rows: Iterable[Mapping[str, object]] = (), params: Mapping[str, str] | None = None,
              name: str = "registre.xlsx") -> Path:
        return create_register(tmp_path / name, list(rows), params)

    return _make


def _libreoffice_or_skip() -> str:
    soffice = find_soffice()
    if soffice is None:
        if REQUIRE_LIBREOFFICE:
            pytest.fail("LibreOffice est exigé (TOOLKIT_REQUIRE_LIBREOFFICE=1) mais absent.")
        pytest.skip("LibreOffice absent")
    return soffice


@pytest.fixture
def needs_libreoffice() -> str:
    """The ``soffice`` path; skips without LibreOffice, fails when CI requires it."""
    return _libreoffice_or_skip()


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("libreoffice"):
        _libreoffice_or_skip()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ``make mutation`` (tests/mutation/run.py), fastest tests first: each mutant runs
    with ``-x``, so the first failing test ends its run."""
    if os.environ.get("MUTANT_UNDER_TEST") in (None, "", "stats"):
        return
    stats = Path(__file__).resolve().parents[1] / "mutmut-stats.json"
    if not stats.exists():
        return
    seconds = json.loads(stats.read_text(encoding="utf-8"))["duration_by_test"]
    items.sort(key=lambda item: seconds.get(item.nodeid, 0.0))
