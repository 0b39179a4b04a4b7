"""Shared fixtures: real registers on disk, and LibreOffice or Chromium when the test
needs it (skipped when absent, failed when CI requires it)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pytest
from helpers.browser import find_chromium

from toolkit.libreoffice import find_soffice
from toolkit.places import CONFIG_DIR_VARIABLE, REGISTER_VARIABLE
from toolkit.register.template import create_register

REQUIRE_LIBREOFFICE = os.environ.get("TOOLKIT_REQUIRE_LIBREOFFICE") == "1"
REQUIRE_CHROMIUM = os.environ.get("TOOLKIT_REQUIRE_CHROMIUM") == "1"


@pytest.fixture(autouse=True)
def private_settings(tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every toolkit it runs) gets its own empty settings folder and no
    TOOLKIT_REGISTRE: the real user profile is never read or written."""
    folder = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv(CONFIG_DIR_VARIABLE, str(folder))
    monkeypatch.delenv(REGISTER_VARIABLE, raising=False)
    return folder


# A register set up as SPEC asks before any letter: letters refuse an empty letterhead.
LETTERHEAD = {"adresse": "12 rue de la République\n75011 Paris", "signataire": "Claire Martin"}


@pytest.fixture
def make_register(tmp_path: Path) -> Callable[..., Path]:
    """Write a real register .xlsx from rows keyed by column keys; return its path.
    ``params`` complete :data:`LETTERHEAD` (give ``""`` to leave one empty)."""

    def _make(rows: Iterable[Mapping[str, object]] = (), params: Mapping[str, str] | None = None,
              name: str = "registre.xlsx") -> Path:
        return create_register(tmp_path / name, list(rows), {**LETTERHEAD, **(params or {})})

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


def _chromium_or_skip() -> str:
    browser = find_chromium()
    if browser is None:
        if REQUIRE_CHROMIUM:
            pytest.fail("Chromium et poppler-utils sont exigés (TOOLKIT_REQUIRE_CHROMIUM=1) "
                        "mais absents.")
        pytest.skip("Chromium ou poppler-utils absent")
    return browser


@pytest.fixture
def needs_chromium() -> str:
    """The headless browser's path; skips without it (or poppler), fails when CI requires it."""
    return _chromium_or_skip()


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("libreoffice"):
        _libreoffice_or_skip()
    if item.get_closest_marker("chromium"):
        _chromium_or_skip()


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
