"""The month's figures (``stats --json``) and the report's, against the reference model
written from SPEC (tests/reference/figures.py), on random registers mixing every status
kind in both holiday zones."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from hypothesis import given
from reference import figures
from reference.registers import SETTINGS, Case, cli_json, registers

from toolkit.api import stats_registers
from toolkit.rules.stats import report_data, sources_of


def _stats_json(path: Path, month: str, case: Case) -> dict:
    return cli_json("stats", "--register", str(path), "--month", month, "--json",
                    "--today", case.today.isoformat())


def _plain(value: object) -> object:
    """A figure as JSON would carry it: NaN is no value, 12.0 is 12."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value.item() if hasattr(value, "item") else value


@SETTINGS
@given(case=registers())
def test_stats_json_gives_the_reference_figures_for_every_month(case: Case) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = case.write(Path(folder) / "registre.xlsx")
        for month in case.months():
            expected = figures.month_figures(case.rows, case.zone, month, case.today)
            expected["par_registre"] = {path.name: expected["recues"]}
            assert _stats_json(path, month, case) == expected, month


@SETTINGS
@given(case=registers())
def test_report_shows_the_reference_figures_for_every_month(case: Case) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = case.write(Path(folder) / "registre.xlsx")
        sources = sources_of(stats_registers([path]))
        for month in case.months():
            data = report_data(sources, int(month[:4]), int(month[5:]), case.today)
            expected_row = figures.report_month_row(case.rows, case.zone, month, case.today)
            found_row = {key: _plain(data.series.loc[month, key]) for key in expected_row}
            assert found_row == expected_row, month
            expected = figures.month_figures(case.rows, case.zone, month, case.today)
            assert {k: data.figures[k] for k in expected} == expected, month
            headline = {item.key: item.month for item in data.headline.figures}
            assert headline == {
                "recues": expected["recues"],
                "accuse_a_temps_pct": expected_row["accuse_a_temps_pct"],
                "reponse_a_temps_pct": expected_row["reponse_a_temps_pct"],
                "delai_reponse_median_jours": expected["delai_reponse_median_jours"],
                "en_cours": expected_row["en_cours_fin_de_mois"]}, month
