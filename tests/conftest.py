"""Shared fixtures: real registers on disk, and LibreOffice when the test needs it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path

import pytest

from toolkit.libreoffice import find_soffice
from toolkit.template import create_register

REQUIRE_LIBREOFFICE = os.environ.get("TOOLKIT_REQUIRE_LIBREOFFICE") == "1"
ROOT = Path(__file__).resolve().parent.parent
SAMPLE_REGISTER = ROOT / "register" / "exemple_registre.xlsx"


def complaint(numero: str = "2026-001", received: date = date(2026, 11, 2), **values) -> dict:
    """A valid complaint row (column keys), with ``values`` overriding the defaults."""
    row = {"numero": numero, "date_reclamation": received, "canal": "Courriel",
           "civilite": "Madame", "nom": "Léa Moreau", "adresse": "8 rue des Lilas\n75020 Paris",
           "courriel": "lea.moreau@exemple.fr", "categorie": "Planning / leçons",
           "description": "Leçons annulées sans préavis."}
    row.update(values)
    return row


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
