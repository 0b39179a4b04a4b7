"""Monthly figures and series on small registers, answers worked out by hand.

The register below, judged on Friday 20 November 2026 (zone Métropole: 11 November is a
holiday), is the reference of most tests; each row says what the rules make of it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import PurePosixPath, PureWindowsPath

import pandas as pd
import pytest
from helpers.register_files import complaint

from toolkit.api import month_statistics, stats_register
from toolkit.cli import main
from toolkit.errors import ReportError
from toolkit.register.reading import read_register
from toolkit.register.template import create_register
from toolkit.report.display import headline_markdown, markdown_text, month_figures_text
from toolkit.rules import stats

TODAY = date(2026, 11, 20)
CLOSED = {"resolution": "Réponse apportée.", "actions": "Entretien avec le moniteur"}

ROWS = [
    # Wed 30 Sep, last day of September. Ack due Mon 12 Oct; reply due Fri 30 Oct, sent
    # that very day: on time, 30 days.
    complaint("2026-001", date(2026, 9, 30), canal="Courriel", categorie="Accueil",
              date_accuse=date(2026, 10, 1), date_reponse=date(2026, 10, 30),
              decision="Favorable", resolution="Réponse apportée.", satisfaction="Satisfait"),
    # Thu 1 Oct, first day of October. Ack due Tue 13 Oct, sent Mon 5 Oct (3 jours
    # ouvrables); reply due Sun 1 Nov, sent 21 Oct: on time, 20 days.
    complaint("2026-002", date(2026, 10, 1), canal="Courrier", categorie="Examen",
              date_accuse=date(2026, 10, 5), date_reponse=date(2026, 10, 21),
              decision="Favorable", resolution="Réponse apportée.", satisfaction="Sans retour"),
    # Thu 15 Oct. Ack due Tue 27 Oct, sent Thu 29 Oct (12 jours ouvrables): late. Reply due
    # Sun 15 Nov, sent Wed 18 Nov: late, 34 days.
    complaint("2026-003", date(2026, 10, 15), canal="Courriel", categorie="Pédagogie",
              date_accuse=date(2026, 10, 29), date_reponse=date(2026, 11, 18),
              decision="Défavorable", satisfaction="Non satisfait", **CLOSED),
    # Sat 31 Oct, last day of October. Ack due Fri 13 Nov (1 Nov Sunday, 11 Nov holiday),
    # not sent: late. Reply due Mon 30 Nov (November has no 31st): still running.
    complaint("2026-004", date(2026, 10, 31), canal="Téléphone", categorie="Pédagogie",
              actions="Entretien avec le moniteur"),
    # Tue 20 Oct, no category. Ack sent Thu 22 Oct (2 jours ouvrables). Reply due Fri
    # 20 Nov, which is today: still running.
    complaint("2026-005", date(2026, 10, 20), canal="Courriel", categorie=None,
              date_accuse=date(2026, 10, 22)),
    # Sat 10 Oct. Ack sent Mon 12 Oct (1 jour ouvrable). Decided but the reply, due Tue
    # 10 Nov, is not sent: late.
    complaint("2026-006", date(2026, 10, 10), canal="Courrier", categorie="Examen",
              date_accuse=date(2026, 10, 12), decision="Partiellement favorable",
              resolution="Geste commercial proposé."),
    # Mon 2 Nov (SPEC's example): ack due Sat 14 Nov, sent that day (10 jours ouvrables):
    # on time. Reply due Wed 2 Dec: running, 12 days left.
    complaint("2026-007", date(2026, 11, 2), canal="Téléphone", categorie="Pédagogie",
              date_demande_confirmation=date(2026, 11, 3), date_accuse=date(2026, 11, 14)),
    # Not a date: left out of every figure (toolkit check reports it).
    complaint("2026-008", "pas une date", canal="Courrier"),
]

OCTOBER = {
    "mois": "2026-10",
    "recues": 5,
    "accuse_a_temps": 3,      # 002, 005, 006
    "accuse_en_retard": 2,    # 003 sent late, 004 not sent past its deadline
    "reponse_a_temps": 1,     # 002
    "reponse_en_retard": 2,   # 003 sent late, 006 not sent past its deadline
    "en_cours": 2,            # 004, 005
    "delai_reponse_median_jours": 27,  # median of 20 and 34
    "par_canal": {"Courrier": 2, "Courriel": 2, "Téléphone": 1},
    "par_categorie": {"Pédagogie": 2, "Planning / leçons": 0, "Examen": 2,
                      "Facturation / financement": 0, "Administratif": 0, "Accueil": 0,
                      "Véhicule": 0, "Autre": 0, "Non renseigné": 1},
    "par_decision": {"Favorable": 1, "Partiellement favorable": 1, "Défavorable": 1,
                     "Sans décision": 2},
    # 002 Sans retour, 003 Non satisfait; 004, 005, 006 have no reply yet.
    "par_satisfaction": {"Satisfait": 0, "Partiellement satisfait": 0, "Non satisfait": 1,
                         "Sans retour": 1, "Non renseigné": 3},
}


@pytest.fixture(scope="module")
def register_path(tmp_path_factory):
    """Written once: building a register workbook takes about a second."""
    return create_register(tmp_path_factory.mktemp("stats") / "registre.xlsx", ROWS)


@pytest.fixture
def register(register_path):
    return read_register(register_path)


def figures(register, year: int, month: int, today: date = TODAY) -> dict:
    return stats.month_figures(register.frame, register.params, year, month, today)


def zero_counts(values) -> dict[str, int]:
    return dict.fromkeys(values, 0)


def test_month_figures_every_key(register):
    assert figures(register, 2026, 10) == OCTOBER


def test_breakdowns_add_up_to_the_cohort(register):
    result = figures(register, 2026, 10)
    assert result["reponse_a_temps"] + result["reponse_en_retard"] + result["en_cours"] == 5
    for key in ("par_canal", "par_categorie", "par_decision", "par_satisfaction"):
        assert sum(result[key].values()) == result["recues"]


def test_complaint_received_on_the_last_day_belongs_to_that_month(register):
    september = figures(register, 2026, 9)
    assert september["recues"] == 1
    assert september["reponse_a_temps"] == 1  # sent on its deadline day
    assert september["delai_reponse_median_jours"] == 30
    assert september["par_categorie"]["Accueil"] == 1


def test_month_with_no_complaint(register):
    assert figures(register, 2026, 8) == {
        "mois": "2026-08", "recues": 0, "accuse_a_temps": 0, "accuse_en_retard": 0,
        "reponse_a_temps": 0, "reponse_en_retard": 0, "en_cours": 0,
        "delai_reponse_median_jours": None,
        "par_canal": zero_counts(("Courrier", "Courriel", "Téléphone")),
        "par_categorie": zero_counts(("Pédagogie", "Planning / leçons", "Examen",
                                      "Facturation / financement", "Administratif",
                                      "Accueil", "Véhicule", "Autre")),
        "par_decision": zero_counts(("Favorable", "Partiellement favorable", "Défavorable")),
        "par_satisfaction": zero_counts(("Satisfait", "Partiellement satisfait",
                                         "Non satisfait", "Sans retour", "Non renseigné")),
    }


def test_month_with_none_replied(register):
    november = figures(register, 2026, 11)
    assert (november["recues"], november["accuse_a_temps"], november["en_cours"]) == (1, 1, 1)
    assert november["reponse_a_temps"] == november["reponse_en_retard"] == 0
    assert november["delai_reponse_median_jours"] is None
    assert november["par_decision"]["Sans décision"] == 1


def test_figures_are_judged_on_today(register):
    # On 13 November 004's acknowledgement is on its last day, so only 003's counts late.
    earlier = figures(register, 2026, 10, today=date(2026, 11, 13))
    assert earlier["accuse_en_retard"] == 1
    # 006's reply was due on 10 November; on 9 November it was still running.
    assert figures(register, 2026, 10, today=date(2026, 11, 9))["en_cours"] == 3


def report_of(*registers, year: int = 2026, month: int = 11, today: date = TODAY):
    return stats.report_data(stats.sources_of(registers), year, month, today)


def test_rows_without_a_reception_date_are_ignored(register):
    data = report_of(register)
    assert data.total == 7
    assert data.ignored_rows == {"registre.xlsx": [9]}  # Excel row of 2026-008


def test_median_of_an_odd_count_and_a_half_day():
    assert stats.median_days(pd.Series([3.0, None, 10.0, 4.0])) == 4
    assert stats.median_days(pd.Series([1, 2])) == 1.5
    assert stats.median_days(pd.Series([], dtype=float)) is None


def test_counts_keep_hand_typed_values_before_the_empty_ones():
    # « SMS » sorts after « Non renseigné », and still comes before it
    found = stats.counts(pd.Series(["SMS", "Fax", None, "Courrier"]), ("Courrier", "Courriel"))
    assert list(found.items()) == [("Courrier", 1), ("Courriel", 0), ("Fax", 1), ("SMS", 1),
                                   ("Non renseigné", 1)]


# --- months ----------------------------------------------------------------------------------

def test_the_window_starts_at_the_registers_first_month_and_never_comes_out_empty():
    facts = pd.DataFrame({"mois": ["2026-03", "2026-05"]})
    assert stats.window_keys(facts, 2026, 4) == ["2026-03", "2026-04"]
    # a month before the first complaint (a report asked for too early): that month alone
    assert stats.window_keys(facts, 2026, 1) == ["2026-01"]
    assert stats.window_keys(pd.DataFrame({"mois": []}), 2026, 4) == ["2026-04"]


def test_month_keys_cross_the_year():
    assert stats.month_keys(2026, 2, 3) == ["2025-12", "2026-01", "2026-02"]
    assert len(stats.month_keys(2026, 11)) == 12
    assert stats.month_keys(2026, 11)[0] == "2025-12"


# --- the 12-month series --------------------------------------------------------------------

@pytest.fixture
def report(register):
    return report_of(register)


def test_window_starts_with_the_register(report):
    # The first complaint is from September: earlier months are not "months without
    # complaints", they are before the register.
    assert list(report.series.index) == ["2026-09", "2026-10", "2026-11"]
    assert report.mois == "2026-11" and report.figures["recues"] == 1


def test_received_per_month_and_channel(report):
    assert report.channels.to_dict("index") == {
        "2026-09": {"Courrier": 0, "Courriel": 1, "Téléphone": 0},
        "2026-10": {"Courrier": 2, "Courriel": 2, "Téléphone": 1},
        "2026-11": {"Courrier": 0, "Courriel": 0, "Téléphone": 1},
    }
    assert list(report.series["recues"]) == [1, 5, 1]


def test_reply_and_acknowledgement_times(report):
    october = report.series.loc["2026-10"]
    assert october["delai_reponse_median_jours"] == 27
    assert october["delai_reponse_max_jours"] == 34
    # Jours ouvrables: 3 (002), 12 (003), 2 (005), 1 (006) → median 2.5.
    assert october["delai_accuse_median_jours_ouvrables"] == 2.5
    assert report.series.loc["2026-11", "delai_accuse_median_jours_ouvrables"] == 10
    assert pd.isna(report.series.loc["2026-11", "delai_reponse_max_jours"])


def test_on_time_rates_count_judged_deadlines_only(report):
    october = report.series.loc["2026-10"]
    assert october["accuse_a_temps_pct"] == 60.0       # 3 of 5
    assert october["reponse_a_temps_pct"] == 33.3      # 1 of 3 (004, 005 still running)
    assert report.series.loc["2026-11", "accuse_a_temps_pct"] == 100.0
    assert pd.isna(report.series.loc["2026-11", "reponse_a_temps_pct"])  # none judged


def test_backlog_at_each_month_end(report):
    # 30 Sep: 001. 31 Oct: 003, 004, 005, 006 (001 replied on 30 Oct). 20 Nov (today):
    # 004, 005, 006, 007 (003 replied on 18 Nov).
    assert list(report.series["en_cours_fin_de_mois"]) == [1, 4, 4]


def test_decisions_and_categories_per_month(report):
    assert report.decisions.loc["2026-10"].to_dict() == OCTOBER["par_decision"]
    assert report.categories.loc["2026-11", "Pédagogie"] == 1
    assert report.categories.loc["2026-10", "Non renseigné"] == 1


def test_delays_of_the_window(report):
    replied = report.delays.dropna(subset=["delai_reponse_jours"])
    assert sorted(zip(replied["numero"], replied["delai_reponse_jours"],
                      replied["reponse_a_temps"], strict=True)) == [
        ("2026-001", 30, True), ("2026-002", 20, True), ("2026-003", 34, False)]
    acked = report.delays.dropna(subset=["delai_accuse_jours_ouvrables"])
    assert dict(zip(acked["numero"], acked["delai_accuse_jours_ouvrables"], strict=True)) == {
        "2026-001": 1, "2026-002": 3, "2026-003": 12, "2026-005": 2, "2026-006": 1,
        "2026-007": 10}


def test_top_categories_of_the_quarter_and_their_actions(report):
    assert report.quarter == ["2026-09", "2026-10", "2026-11"]
    assert report.top_categories == [("Pédagogie", 3), ("Examen", 2), ("Accueil", 1)]
    pedagogie = report.improvements[0]
    assert pedagogie.categorie == "Pédagogie"
    assert pedagogie.actions == [("Entretien avec le moniteur", 2)]  # 003 and 004
    assert pedagogie.sans_action == 1                                 # 007


def test_watch_list_late_or_due_within_seven_days(report):
    from toolkit.report.display import watch_table

    assert list(watch_table(report).columns)[:2] == ["Numéro", "Reçue le"]  # one register
    watch = report.watch
    assert list(watch["numero"]) == ["2026-006", "2026-004", "2026-005"]  # 007: 12 days left
    assert list(watch["echeance_de"]) == ["reponse", "accuse", "reponse"]
    assert list(watch["echeance"]) == [date(2026, 11, 10), date(2026, 11, 13), TODAY]
    assert list(watch["jours_restants"]) == [-10, -7, 0]


def test_empty_register(make_register):
    data = report_of(read_register(make_register([])))
    assert data.figures["recues"] == 0
    assert list(data.series.index) == ["2026-11"]
    assert data.watch.empty and data.improvements == [] and data.top_categories == []


# --- API and command line ------------------------------------------------------------------

def test_cli_json_equals_the_library(register_path, capsys):
    code = main(["stats", "--register", str(register_path), "--month", "2026-10",
                 "--today", "2026-11-20", "--json"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == month_statistics(register_path, 2026, 10, TODAY) == {
        **OCTOBER, "par_registre": {"registre.xlsx": 5}}


def test_cli_text_is_french(register_path, capsys):
    assert main(["stats", "--register", str(register_path), "--month", "2026-10",
                 "--today", "2026-11-20"]) == 0
    out = capsys.readouterr().out
    assert "Réclamations reçues en octobre 2026, situation au 20/11/2026" in out
    assert "Accusé de réception : 3 à temps, 2 en retard" in out
    assert "Réponse : 1 à temps, 2 en retard, 2 en cours" in out
    assert "Délai de réponse médian : 27 jours" in out


def test_cli_refuses_a_bad_month(capsys):
    assert main(["stats", "--month", "2026-13"]) == 2
    assert "mois invalide" in capsys.readouterr().err


def test_register_without_reception_dates_is_refused(tmp_path, capsys):
    from openpyxl import Workbook

    path = tmp_path / "sans_dates.xlsx"
    workbook = Workbook()
    workbook.active.title = "Registre"
    workbook.active.append(["Numéro", "Canal", "Nom du client", "Description"])
    workbook.active.append(["2026-001", "Courriel", "Léa Moreau", "Leçon annulée"])
    workbook.save(path)
    with pytest.raises(ReportError, match="Date de réclamation"):
        stats_register(path)
    assert main(["stats", "--register", str(path), "--month", "2026-10"]) == 1
    assert "colonne « Date de réclamation » est absente" in capsys.readouterr().err


def test_missing_register_is_a_file_error(tmp_path, capsys):
    assert main(["stats", "--register", str(tmp_path / "absent.xlsx"),
                 "--month", "2026-10"]) == 2


# --- wording ---------------------------------------------------------------------------------

def test_text_and_headline_wording():
    text = month_figures_text(OCTOBER, TODAY)
    lines = [line.split() for line in text.splitlines()]
    assert ["Non", "renseigné", "1"] in lines and ["Sans", "décision", "2"] in lines
    headline = headline_markdown(OCTOBER)
    assert "**5 réclamations reçues** en octobre 2026" in headline
    assert "Délai de réponse médian : **27 jours**" in headline
    assert headline_markdown(figures_of_empty()) == "**Aucune réclamation reçue en août 2026.**"


def figures_of_empty() -> dict:
    return {**OCTOBER, "mois": "2026-08", "recues": 0}


def test_staff_text_is_shown_literally_in_markdown():
    assert markdown_text("<b>1*2</b>\nfin") == r"&lt;b&gt;1\*2&lt;/b&gt; fin"


def test_long_lists_are_cut_for_management():
    from types import SimpleNamespace

    from toolkit.report.display import WATCH_ROWS, improvements_markdown, watch_summary

    watch = pd.DataFrame({"jours_restants": [-1] * (WATCH_ROWS + 5)})
    assert "Les 30 plus urgentes ci-dessous" in watch_summary(watch, TODAY)
    lead = stats.ImprovementLead("Examen", 7, [(f"action {n}", 1) for n in range(7)], 0)
    text = improvements_markdown(SimpleNamespace(quarter=["2026-09", "2026-11"],
                                                 improvements=[lead]))
    assert "action 4" in text and "action 5" not in text and "*et 2 autres actions*" in text
    assert text.startswith("Catégories les plus fréquentes de septembre 2026 à novembre 2026")


def test_every_chart_draws_with_and_without_data(report, make_register):
    from toolkit.report import charts

    empty = report_of(read_register(make_register([])))
    for data in (report, empty):
        figures = [charts.received_by_channel(data.channels), charts.reply_times(data.delays),
                   charts.ack_times(data.delays), charts.on_time_rates(data.series),
                   charts.backlog(data.series),
                   charts.categories(data.categories, data.quarter, data.leading_categories),
                   charts.satisfaction(data.satisfaction)]
        for figure in figures:
            shown = charts.image(figure)
            assert shown.data.startswith(b"\x89PNG")
            assert shown.metadata["alt"] == figure.axes[0].get_title(loc="left") != ""


# --- headline figures (worked out from ROWS above) ------------------------------------------

def test_headline_month_previous_month_and_average(report):
    heads = report.headline
    assert heads.previous == "2026-10"
    # The register starts in September: the "12 months before" are September and October.
    assert heads.earlier == ["2026-09", "2026-10"]
    assert [(h.key, h.month, h.previous, h.average) for h in heads.figures] == [
        # November: 007. October: 002-006. Average: (1 + 5) / 2.
        ("recues", 1, 5, 3),
        # November: 007 on time (1 of 1). October: 3 of 5. September + October: 001 on time,
        # so 4 of 6.
        ("accuse_a_temps_pct", 100.0, 60.0, 66.7),
        # November: 007's reply still running, nothing judged. October: 1 of 3 (002; 003 late,
        # 006 late). September + October: 001 and 002 of 001, 002, 003, 006: 2 of 4.
        ("reponse_a_temps_pct", None, 33.3, 50.0),
        # Replies: none in November; October 20 and 34 days; with September's 30: median 30.
        ("delai_reponse_median_jours", None, 27, 30),
        # Without a reply on 20/11 (today): 004, 005, 006, 007. On 31/10: 003, 004, 005, 006.
        # On 30/09: 001. Average of September and October: (1 + 4) / 2.
        ("en_cours", 4, 4, 2.5),
    ]


def test_headline_of_the_register_first_month_has_nothing_to_compare_with(register):
    heads = report_of(register, month=9).headline
    assert heads.earlier == []
    assert all(h.previous is None and h.average is None for h in heads.figures)
    assert heads.figures[0].month == 1


def test_headline_boxes_and_note(report):
    from toolkit.report.display import headline_html, headline_note

    boxes = headline_html(report)
    assert boxes.count('class="chiffre"') == 5
    assert '<div class="valeur">100\u00a0%</div>' in boxes
    assert '<div class="repere">oct. : 33,3\u00a0%</div>' in boxes
    assert '<div class="repere">moyenne : 2,5</div>' in boxes
    assert '<div class="valeur">—</div>' in boxes  # no reply judged in November yet
    note = headline_note(report)
    assert "mois en cours : situation au 20/11/2026" in note
    assert "moyenne des 2 mois précédents (septembre 2026 à octobre 2026)" in note


def test_headline_note_of_the_register_second_month_says_one_month(register):
    from toolkit.report.display import headline_note

    note = headline_note(report_of(register, month=10))
    assert "1 mois précédents" not in note and "moyenne des" not in note
    assert "Comparaison avec septembre 2026 (seul mois précédent : la moyenne est la sienne)" \
        in note
    assert "toutes les réclamations de ce mois." in note


def test_satisfaction_of_the_replied_complaints_per_month(report):
    from toolkit.report.display import satisfaction_summary

    assert report.satisfaction.to_dict("index") == {
        "2026-09": {"Satisfait": 1, "Partiellement satisfait": 0, "Non satisfait": 0,
                    "Sans retour": 0},
        "2026-10": {"Satisfait": 0, "Partiellement satisfait": 0, "Non satisfait": 1,
                    "Sans retour": 1},
        "2026-11": {"Satisfait": 0, "Partiellement satisfait": 0, "Non satisfait": 0,
                    "Sans retour": 0},
    }
    assert satisfaction_summary(report).startswith(
        "Réclamations reçues de septembre 2026 à novembre 2026 et déjà répondues : 3 "
        "(Satisfait : 1 ; Non satisfait : 1 ; Sans retour : 1).")


@pytest.mark.parametrize(("totals", "expected"), [
    ({"Examen": 3, "Accueil": 1}, ["Examen"]),
    ({"Examen": 2, "Accueil": 2, "Autre": 1}, ["Examen", "Accueil"]),
    # The sample's last quarter: seven bars of 2 and one of 1. None stands out.
    ({**dict.fromkeys(("Pédagogie", "Planning / leçons", "Examen",
                       "Facturation / financement", "Accueil", "Véhicule", "Autre"), 2),
      "Administratif": 1}, []),
    ({"Examen": 2, "Accueil": 2}, []),
    ({"Examen": 5}, []),
    ({"Examen": 0, "Accueil": 0}, []),
    ({"Examen": 2, "Accueil": 2, "Autre": 2, "Véhicule": 2, "Pédagogie": 1}, []),
])
def test_leading_categories_are_all_the_tied_first_or_none(totals, expected):
    assert stats.leading_categories(totals) == expected


def test_report_leading_categories(report):
    # Last quarter: Pédagogie 3 (003, 004, 007), Examen 2, Accueil 1.
    assert report.leading_categories == ["Pédagogie"]


# --- several registers --------------------------------------------------------------------

DECEMBER = date(2027, 1, 15)
ANSWERED = {"decision": "Favorable", "resolution": "Leçons offertes.",
            "date_reponse": date(2027, 1, 8)}


@pytest.fixture(scope="module")
def agencies(tmp_path_factory):
    """Two agencies' registers, the same numbers in both, two holiday zones.

    Both received a complaint on Tue 15 Dec 2026 and acknowledged it on Tue 29 Dec. The
    10th jour ouvrable after it is Mon 28 Dec in Métropole (25 Dec a holiday; 26 Dec a
    Saturday, counted) and Tue 29 Dec in Alsace-Moselle (26 Dec a holiday there): late in
    the north, on time in the east. Replies on Fri 8 Jan 2027, due 15 Jan: on time, 24
    days. The east also received 2026-002 on Mon 21 Dec, not acknowledged: due Tue 5 Jan
    in Alsace-Moselle (25, 26 Dec and 1 Jan are holidays), late on 15 Jan; its reply, due
    21 Jan, is running."""
    folder = tmp_path_factory.mktemp("agences")
    north = create_register(folder / "nord.xlsx", [
        complaint("2026-001", date(2026, 12, 15), date_accuse=date(2026, 12, 29),
                  satisfaction="Satisfait", **ANSWERED)],
        {"societe": "Agence Nord", "zone": "Métropole"})
    east = create_register(folder / "est.xlsx", [
        complaint("2026-001", date(2026, 12, 15), date_accuse=date(2026, 12, 29),
                  satisfaction="Sans retour", **ANSWERED),
        complaint("2026-002", date(2026, 12, 21), categorie="Examen")],
        {"societe": "Agence Est", "zone": "Alsace-Moselle"})
    return north, east


def test_several_registers_are_summed_each_in_its_own_zone(agencies):
    figures = month_statistics(list(agencies), 2026, 12, DECEMBER)
    assert {key: figures[key] for key in (
        "recues", "accuse_a_temps", "accuse_en_retard", "reponse_a_temps",
        "reponse_en_retard", "en_cours", "delai_reponse_median_jours")} == {
        "recues": 3, "accuse_a_temps": 1, "accuse_en_retard": 2, "reponse_a_temps": 2,
        "reponse_en_retard": 0, "en_cours": 1, "delai_reponse_median_jours": 24}
    assert figures["par_registre"] == {"nord.xlsx": 1, "est.xlsx": 2}
    assert figures["par_satisfaction"] == {"Satisfait": 1, "Partiellement satisfait": 0,
                                           "Non satisfait": 0, "Sans retour": 1,
                                           "Non renseigné": 1}


def test_cli_takes_the_register_option_several_times(agencies, capsys):
    north, east = agencies
    assert main(["stats", "--register", str(north), "--register", str(east),
                 "--month", "2026-12", "--today", "2027-01-15", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["recues"] == 3 and printed["par_registre"] == {"nord.xlsx": 1,
                                                                  "est.xlsx": 2}
    assert main(["stats", "--register", str(north), "--register", str(east),
                 "--month", "2026-12", "--today", "2027-01-15"]) == 0
    lines = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["nord.xlsx", "1"] in lines and ["est.xlsx", "2"] in lines


def test_per_agency_table_names_agencies_by_their_company(agencies):
    from toolkit.report.display import agencies_table, watch_table

    data = report_of(*map(read_register, agencies), year=2026, month=12, today=DECEMBER)
    # Open on 31 Dec: the north's 2026-001 (replied 8 Jan); the east's two.
    assert [(row.agency, row.recues, row.accuse_a_temps_pct, row.reponse_a_temps_pct,
             row.en_cours) for row in data.agencies] == [
        ("Agence Nord", 1, 0.0, 100.0, 1), ("Agence Est", 2, 50.0, 100.0, 2)]
    table = agencies_table(data)
    assert table.values.tolist() == [
        ["Agence Nord", 1, "0\u00a0%", "100\u00a0%", 1],
        ["Agence Est", 2, "50\u00a0%", "100\u00a0%", 2],
        ["Ensemble", 3, "33,3\u00a0%", "100\u00a0%", 3]]
    assert agencies_table(report_of(read_register(agencies[0]), year=2026, month=12,
                                    today=DECEMBER)) is None
    # Watched on 15 Jan: the east's 2026-002 only (both 2026-001 are closed); the table
    # names the agency, since a number may be in both registers.
    assert data.watch["numero"].tolist() == ["2026-002"]
    # The printed table keeps each number on one line (a non-breaking hyphen).
    assert watch_table(data)[["Agence", "Numéro"]].values.tolist() == [["Agence Est",
                                                                      "2026\u2011002"]]
    assert data.totals == {"nord.xlsx": 1, "est.xlsx": 2}


def test_agencies_without_a_company_of_their_own_are_named_by_file(tmp_path):
    folders = [tmp_path / "nord", tmp_path / "sud"]
    registers = [read_register(create_register(folder / "registre.xlsx", [complaint()]))
                 for folder in folders]
    sources = stats.sources_of(registers)
    assert [(s.name, s.agency) for s in sources] == [
        ("nord/registre.xlsx", "nord/registre.xlsx"), ("sud/registre.xlsx", "sud/registre.xlsx")]
    assert stats.unique_names([tmp_path / "a.xlsx", tmp_path / "b.xlsx"]) == ["a.xlsx",
                                                                              "b.xlsx"]


def test_the_same_file_given_twice_gets_two_names_without_a_leading_slash(tmp_path):
    path = tmp_path / "nord" / "registre.xlsx"
    assert stats.unique_names([path, path]) == ["registre.xlsx", "registre.xlsx (2)"]
    windows = PureWindowsPath("C:/agences/sud/registre.xlsx")
    assert stats.unique_names([windows, path, windows]) == [
        "sud/registre.xlsx", "nord/registre.xlsx", "sud/registre.xlsx (2)"]


def test_a_name_as_long_as_its_whole_path_has_no_root_and_a_relative_path_keeps_its_parts():
    assert stats.unique_names([PurePosixPath("/nord/registre.xlsx"),
                               PurePosixPath("/agences/nord/registre.xlsx")]) == [
        "nord/registre.xlsx", "agences/nord/registre.xlsx"]
    assert stats.unique_names([PurePosixPath("registre.xlsx"),
                               PurePosixPath("nord/registre.xlsx")]) == [
        "registre.xlsx", "nord/registre.xlsx"]
