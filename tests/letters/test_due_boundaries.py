"""The letters' deadline days, read in the Word files ``toolkit letters`` writes.

The complaint is received on Monday 2 November 2026 and acknowledged on the 3rd: its reply is
due on Wednesday 2 December 2026 (one month). The progress letter is due once the reply
deadline is no more than « Jours de préavis de suivi » days away (5 by default), and it
promises the reply for the deadline, or for 15 days after the letter once the deadline passed.
"""

from __future__ import annotations

from datetime import date

import pytest
from helpers.letter_files import (
    copy_templates,
    docx_text,
    edit_template_xml,
    letters_in,
    run_letters,
)
from helpers.register_files import complaint

RECEIVED = date(2026, 11, 2)
ACKNOWLEDGED = date(2026, 11, 3)
ON_TIME = "Nous vous adresserons notre réponse au plus tard le {}."
MEDIATOR = {"mediateur": "CM2C", "site_mediateur": "https://www.cm2c.net",
            "adresse_mediateur": "14 rue Saint-Jean\n75017 Paris"}
LATE = "Nous mettons tout en œuvre pour vous adresser notre réponse au plus tard le {}."


def _progress_letter(make_register, tmp_path, today: str, params=None) -> str | None:
    register = make_register([complaint(received=RECEIVED, date_accuse=ACKNOWLEDGED)],
                             params=params)
    assert run_letters(register, "--type", "suivi", today=today) == 0
    letter = letters_in(tmp_path / "dossiers").get("suivi")
    return docx_text(letter) if letter else None


@pytest.mark.parametrize(("today", "due"), [
    ("2026-11-26", False),  # 6 days before the deadline
    ("2026-11-27", True),  # 5 days before: the notice starts
])
def test_progress_letter_starts_five_days_before_the_reply_deadline(make_register, tmp_path,
                                                                    today, due):
    text = _progress_letter(make_register, tmp_path, today)
    assert (text is not None) is due
    if due:
        assert ON_TIME.format("2 décembre 2026") in text


@pytest.mark.parametrize(("today", "due"), [("2026-11-21", False), ("2026-11-22", True)])
def test_progress_letter_notice_follows_the_parameter(make_register, tmp_path, today, due):
    text = _progress_letter(make_register, tmp_path, today, params={"preavis_suivi": "10"})
    assert (text is not None) is due


@pytest.mark.parametrize(("today", "sentence"), [
    # On the deadline day a letter never promises that very day (it reaches the client
    # later): it announces a new date, 2 + 15 = Thursday 17 December.
    ("2026-12-02", LATE.format("17 décembre 2026")),
    ("2026-12-03", LATE.format("18 décembre 2026")),  # the day after: 3 + 15 days
])
def test_progress_letter_on_and_after_the_reply_deadline(make_register, tmp_path, today,
                                                        sentence):
    # A late progress letter names the mediator: give one.
    text = _progress_letter(make_register, tmp_path, today, params=MEDIATOR)
    assert sentence in text


@pytest.mark.parametrize(("zone", "deadline"), [
    # Received Monday 22 December 2025: 25 December and 1 January are holidays everywhere,
    # 26 December in Alsace-Moselle too. Counting Monday to Saturday from the 23rd:
    # 23, 24, 26, 27, 29, 30, 31 December, 2, 3, 5 January -> Monday 5 January 2026;
    # without the 26th the tenth day is Tuesday 6 January 2026.
    ("Métropole", "5 janvier 2026"),
    ("Alsace-Moselle", "6 janvier 2026"),
])
def test_acknowledgement_deadline_in_a_letter_follows_the_zone(make_register, tmp_path, zone,
                                                              deadline):
    templates = copy_templates(tmp_path / "modeles")
    edit_template_xml(templates / "accuse.docx", "{{ numero }}",
                      "{{ numero }} (accusé dû le {{ echeance_accuse }})")
    register = make_register([complaint(received=date(2025, 12, 22))], params={"zone": zone})
    assert run_letters(register, "--type", "accuse", "--templates", str(templates),
                       today="2025-12-23") == 0
    text = docx_text(letters_in(tmp_path / "dossiers")["accuse"])
    assert f"(accusé dû le {deadline})" in text
