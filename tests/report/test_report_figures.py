"""What a manager reads in the monthly report, checked on a small register worked out by hand.

The decisions table shows whole numbers, and a month without an undecided complaint shows 0
there; the quarter's dominant categories and improvement leads leave out the complaints
with no category, however many they are; the acknowledgement chart colours each
acknowledgement by whether it met its deadline; a report asked for a month before the
register's first complaint covers that month alone; the headline's monthly averages are shown
to one decimal; three categories tied for first place are all singled out; the month's block
names its month; ``toolkit stats --json`` prints a whole median as a whole number; values
typed by hand outside the lists come after the list's, in alphabetical order, and the empty
cells last; in the watch list, complaints of several registers equally urgent and received the
same day keep the registers' order.

The register below is judged on Friday 20 November 2026 (zone Métropole: 11 November is a
holiday; Saturdays are jours ouvrables, Sundays are not).
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from helpers.register_files import complaint

from toolkit.api import month_statistics
from toolkit.cli import main
from toolkit.register.reading import read_register
from toolkit.report import charts
from toolkit.report.display import (
    counts_table,
    headline_html,
    headline_markdown,
    improvements_markdown,
)
from toolkit.rules import stats

TODAY = date(2026, 11, 20)
DECIDED = {"resolution": "Réponse apportée."}

ROWS = [
    # Tue 1 Sep, no category. Acknowledged Wed 2 Sep (1 jour ouvrable), replied 15 Sep.
    complaint("2026-011", date(2026, 9, 1), categorie=None, date_accuse=date(2026, 9, 2),
              date_reponse=date(2026, 9, 15), decision="Favorable", **DECIDED),
    # Tue 8 Sep, no category, no decision. Jours ouvrables after it: 9, 10, 11, 12 (Sat),
    # 14, 15, 16, 17, 18, 19 (Sat): due Sat 19 Sep; acknowledged Mon 21 Sep, the 11th: late.
    complaint("2026-012", date(2026, 9, 8), categorie=None, date_accuse=date(2026, 9, 21)),
    # Thu 1 Oct, no category. Acknowledged Fri 2 Oct (1), replied 16 Oct.
    complaint("2026-013", date(2026, 10, 1), categorie=None, date_accuse=date(2026, 10, 2),
              date_reponse=date(2026, 10, 16), decision="Défavorable", **DECIDED),
    # Mon 5 Oct. Acknowledged Sat 10 Oct (6, 7, 8, 9, 10: 5 jours ouvrables), replied 19 Oct.
    complaint("2026-014", date(2026, 10, 5), categorie="Examen", date_accuse=date(2026, 10, 10),
              date_reponse=date(2026, 10, 19), decision="Favorable",
              actions="Rappel des règles d'examen", **DECIDED),
    # Mon 2 Nov. Acknowledged Tue 3 Nov (1); the reply, due 2 Dec, is running.
    complaint("2026-015", date(2026, 11, 2), categorie="Examen", date_accuse=date(2026, 11, 3)),
    # Tue 3 Nov, not acknowledged: 4, 5, 6, 7 (Sat), 9, 10, 12, 13, 14 (Sat), 16 (11 Nov a
    # holiday): due Mon 16 Nov, late on the 20th.
    complaint("2026-016", date(2026, 11, 3), categorie="Accueil"),
]


@pytest.fixture
def register(make_register):
    return read_register(make_register(ROWS))


def report_of(register, year: int = 2026, month: int = 11,
              today: date = TODAY) -> stats.ReportData:
    return stats.report_data(stats.sources_of([register]), year, month, today)


def shown_rows(table) -> list[list[str]]:
    """The body cells of a table as the report's HTML shows them, row by row."""
    body = charts.table(table).data.split("<tbody>")[1]
    return [re.findall(r"<td>(.*?)</td>", row) for row in body.split("</tr>") if "<td>" in row]


def test_decisions_table_shows_whole_counts_and_zero_for_a_month_all_decided(register):
    table = counts_table(report_of(register).decisions, "Mois de réception")
    # "Partiellement favorable" is 0 in every month: the table leaves it out.
    assert list(table.columns) == ["Mois de réception", "Favorable", "Défavorable",
                                   "Sans décision", "Total"]
    assert shown_rows(table) == [
        ["septembre 2026", "1", "0", "1", "2"],   # 011 favourable, 012 undecided
        ["octobre 2026", "1", "1", "0", "2"],     # 014 favourable, 013 unfavourable
        ["novembre 2026", "0", "0", "2", "2"],    # 015, 016 undecided
    ]


def test_uncategorised_complaints_never_lead_the_quarter(register):
    # September to November: no category 3 (011, 012, 013), Examen 2 (014, 015), Accueil 1.
    report = report_of(register)
    assert report.top_categories == [("Examen", 2), ("Accueil", 1)]
    assert report.leading_categories == ["Examen"]
    assert [(lead.categorie, lead.reclamations, lead.actions, lead.sans_action)
            for lead in report.improvements] == [
        ("Examen", 2, [("Rappel des règles d'examen", 1)], 1),  # 015 has no action yet
        ("Accueil", 1, [], 1),
    ]
    text = improvements_markdown(report)
    assert "**Examen** — 2 réclamations" in text and "**Accueil** — 1 réclamation" in text
    assert "Non renseigné" not in text


def test_acknowledgement_chart_tells_on_time_from_late(register):
    delays = report_of(register).delays
    assert dict(zip(delays["numero"], delays["accuse_a_temps"], strict=True)) == {
        "2026-011": True, "2026-012": False, "2026-013": True, "2026-014": True,
        "2026-015": True, "2026-016": False}  # 016: not sent, its deadline passed
    acked = delays.dropna(subset=["delai_accuse_jours_ouvrables"])
    assert dict(zip(acked["numero"], acked["delai_accuse_jours_ouvrables"], strict=True)) == {
        "2026-011": 1, "2026-012": 11, "2026-013": 1, "2026-014": 5, "2026-015": 1}


def test_month_before_the_register_first_complaint_is_reported_alone(register):
    # The register starts in September: a report on August covers August only, empty.
    report = report_of(register, month=8)
    assert list(report.series.index) == ["2026-08"]
    assert list(report.series["recues"]) == [0]
    assert list(report.channels.index) == ["2026-08"]
    assert report.delays.empty


def test_headline_averages_are_rounded_to_one_decimal(make_register):
    rows = [
        complaint("2026-021", date(2026, 9, 14), date_reponse=date(2026, 10, 7)),
        complaint("2026-022", date(2026, 10, 15), date_reponse=date(2026, 11, 9)),
        complaint("2026-023", date(2026, 10, 20)),
        complaint("2026-024", date(2026, 11, 10)),
    ]
    report = report_of(read_register(make_register(rows)), month=12, today=date(2026, 12, 15))
    assert report.headline.earlier == ["2026-09", "2026-10", "2026-11"]
    figures = {h.key: (h.month, h.previous, h.average) for h in report.headline.figures}
    # Received: none in December, 1 in November; September to November 1 + 2 + 1 = 4,
    # 4 / 3 = 1.33...
    assert figures["recues"] == (0, 1, 1.3)
    # Without a reply on 30 Sep: 021. On 31 Oct: 022, 023 (021 replied 7 Oct). On 30 Nov:
    # 023, 024 (022 replied 9 Nov), still so on 15 Dec (today). (1 + 2 + 2) / 3 = 1.66...
    assert figures["en_cours"] == (2, 2, 1.7)
    boxes = headline_html(report)
    assert "moyenne : 1,3<" in boxes and "moyenne : 1,7<" in boxes


def test_month_block_names_the_month_and_its_figures(register):
    # November: 015 acknowledged on time, 016 not acknowledged past its deadline (16 Nov);
    # both replies (due 2 and 3 December) still running, none sent.
    assert headline_markdown(report_of(register).figures).splitlines() == [
        "- **2 réclamations reçues** en novembre 2026",
        "- Accusés de réception : **1 à temps**, **1 en retard**",
        "- Réponses : **0 à temps**, **0 en retard**",
        "- **2 en cours** (sans réponse, délai d'un mois non échu)",
        "- Délai de réponse médian : **pas encore de réponse envoyée**",
    ]


def test_json_prints_a_whole_median_as_a_whole_number(make_register, capsys):
    path = make_register(ROWS)
    assert main(["stats", "--register", str(path), "--month", "2026-09",
                 "--today", "2026-11-20", "--json"]) == 0
    printed = capsys.readouterr().out
    # September's one reply: 011, 1 to 15 September, 14 days.
    assert '"delai_reponse_median_jours": 14,' in printed
    assert json.loads(printed)["recues"] == 2


def test_three_categories_tied_first_are_all_singled_out(make_register):
    # September to November: Examen 2, Accueil 2, Véhicule 2, Autre 1.
    rows = [complaint(f"2026-03{n}", date(2026, 9 + n % 3, 10), categorie=category)
            for n, category in enumerate(["Examen", "Examen", "Accueil", "Accueil",
                                          "Véhicule", "Véhicule", "Autre"])]
    report = report_of(read_register(make_register(rows)))
    assert report.leading_categories == ["Examen", "Accueil", "Véhicule"]
    assert report.top_categories == [("Examen", 2), ("Accueil", 2), ("Véhicule", 2)]


def test_values_typed_by_hand_come_before_the_empty_cells(make_register):
    # Outside the lists: channels "SMS" and "Guichet", decision "Transaction". "Non
    # renseigné" and "Sans décision" come last although "SMS" and "Transaction" sort after.
    rows = [complaint("2026-041", canal="SMS", decision="Transaction",
                      resolution="Accord trouvé."),
            complaint("2026-042", canal="Guichet"),
            complaint("2026-043", canal=None, decision="Favorable", resolution="Fait.")]
    figures = month_statistics(make_register(rows), 2026, 11, TODAY)
    assert list(figures["par_canal"].items()) == [
        ("Courrier", 0), ("Courriel", 0), ("Téléphone", 0), ("Guichet", 1), ("SMS", 1),
        ("Non renseigné", 1)]
    assert list(figures["par_decision"].items()) == [
        ("Favorable", 1), ("Partiellement favorable", 0), ("Défavorable", 0),
        ("Transaction", 1), ("Sans décision", 1)]


def test_watch_list_ties_keep_the_registers_order(make_register):
    # Both received Tue 27 Oct and acknowledged the next day: replies due Fri 27 Nov, 7 days
    # ahead of the 20th, in both agencies.
    north = read_register(make_register(
        [complaint("2026-101", date(2026, 10, 27), date_accuse=date(2026, 10, 28))],
        params={"societe": "Agence Nord"}, name="nord.xlsx"))
    east = read_register(make_register(
        [complaint("2026-201", date(2026, 10, 27), date_accuse=date(2026, 10, 28))],
        params={"societe": "Agence Est"}, name="est.xlsx"))
    for registers, numbers in (([north, east], ["2026-101", "2026-201"]),
                               ([east, north], ["2026-201", "2026-101"])):
        watch = stats.report_data(stats.sources_of(registers), 2026, 11, TODAY).watch
        assert list(watch["numero"]) == numbers
        assert list(watch["jours_restants"]) == [7, 7]
