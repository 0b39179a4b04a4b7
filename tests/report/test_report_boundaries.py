"""Report figures at the edges: the holiday zone in acknowledgement times, and the last day
of the report's "à échéance sous 7 jours" list. Expected values worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.register_files import complaint

from toolkit.register.reading import read_register
from toolkit.rules import stats


def _report(make_register, rows, today: date, zone: str = "Métropole"):
    register = read_register(make_register(rows, params={"zone": zone}))
    return stats.report_data(stats.sources_of([register]), today.year, today.month, today)


@pytest.mark.parametrize(("zone", "working_days", "on_time_pct"), [
    # Received Monday 22 December 2025, acknowledged Tuesday 6 January 2026. Jours
    # ouvrables after the 22nd: 23, 24, (25 holiday), 26, 27, 29, 30, 31, (1 January
    # holiday), 2, 3, 5, 6 -> 11, the deadline (10th) being Monday 5 January: late.
    ("Métropole", 11, 0.0),
    # 26 December is a holiday in Alsace-Moselle: 10, the deadline is the 6th: on time.
    ("Alsace-Moselle", 10, 100.0),
])
def test_acknowledgement_time_counts_the_zone_holidays(make_register, zone, working_days,
                                                       on_time_pct):
    row = complaint("2025-050", date(2025, 12, 22), date_accuse=date(2026, 1, 6))
    report = _report(make_register, [row], date(2026, 1, 15), zone)
    december = report.series.loc["2025-12"]
    assert december["delai_accuse_median_jours_ouvrables"] == working_days
    assert december["accuse_a_temps_pct"] == on_time_pct
    assert list(report.delays["delai_accuse_jours_ouvrables"]) == [working_days]


def test_watch_list_ends_seven_days_ahead(make_register):
    today = date(2026, 11, 20)
    rows = [
        # Acknowledged; replies due on 27 November (7 days ahead) and 28 November (8 days).
        complaint("2026-101", date(2026, 10, 27), date_accuse=date(2026, 10, 28)),
        complaint("2026-102", date(2026, 10, 28), date_accuse=date(2026, 10, 29)),
    ]
    watch = _report(make_register, rows, today).watch
    assert list(watch["numero"]) == ["2026-101"]
    assert list(watch["echeance"]) == [date(2026, 11, 27)]
    assert list(watch["jours_restants"]) == [7]


def test_backlog_at_month_end_leaves_out_a_reply_sent_that_day(make_register):
    rows = [
        # Replied on 31 October, the month's last day: no longer open at the month's end.
        complaint("2026-201", date(2026, 10, 2), date_accuse=date(2026, 10, 5),
                  date_reponse=date(2026, 10, 31), decision="Favorable", resolution="Fait."),
        # Received on 31 October: open at the month's end.
        complaint("2026-202", date(2026, 10, 31)),
        # Replied on 20 November, today: no longer open today.
        complaint("2026-203", date(2026, 11, 2), date_accuse=date(2026, 11, 3),
                  date_reponse=date(2026, 11, 20), decision="Favorable", resolution="Fait."),
    ]
    series = _report(make_register, rows, date(2026, 11, 20)).series
    assert list(series.index) == ["2026-10", "2026-11"]
    assert list(series["en_cours_fin_de_mois"]) == [1, 1]


def test_acknowledgement_sent_the_day_of_reception_took_no_working_day(make_register):
    rows = [complaint("2026-301", date(2026, 11, 3), date_accuse=date(2026, 11, 3)),
            complaint("2026-302", date(2026, 11, 3), date_accuse=date(2026, 11, 4))]
    report = _report(make_register, rows, date(2026, 11, 20))
    assert list(report.delays["delai_accuse_jours_ouvrables"]) == [0, 1]
    assert report.series.loc["2026-11", "delai_accuse_median_jours_ouvrables"] == 0.5


def test_a_reply_date_typed_as_text_leaves_the_complaint_open(make_register):
    # « envoyée » typed in the reply date column is no date: the reply is not counted as
    # sent, and the report still builds (toolkit check reports the cell).
    rows = [complaint("2026-401", date(2026, 10, 5), date_accuse=date(2026, 10, 6),
                      date_reponse="envoyée")]
    report = _report(make_register, rows, date(2026, 11, 20))
    assert list(report.series["en_cours_fin_de_mois"]) == [1, 1]
    assert report.series.loc["2026-10", "reponse_a_temps_pct"] == 0.0  # 5 Nov passed


def test_watch_list_says_what_to_do_next(make_register):
    # Received Saturday 31 October 2026, not acknowledged: due Friday 13 November (1 November
    # is a Sunday, 11 November a holiday), late since the 14th: never « au plus tard » a
    # passed date.
    rows = [complaint("2026-501", date(2026, 10, 31), canal="Courriel")]
    watch = _report(make_register, rows, date(2026, 11, 20)).watch
    assert list(watch["prochaine_action"]) == [
        "Envoyer l'accusé de réception (en retard depuis le 14/11/2026) : "
        "toolkit letters --numero 2026-501 --type accuse"]
