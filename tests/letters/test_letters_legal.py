"""Letters a lawyer would sign: every letter type × four moments × both kinds of client.

Each case writes a real register, runs ``toolkit letters --eml --mark-sent`` and reads the
letter back with python-docx and its e-mail draft with the ``email`` package. The dates are
worked out here from the calendar, by hand, never by the code under test:

- received Monday 2 November 2026; acknowledgement due Saturday 14 November (11 November is
  a holiday); reply due Wednesday 2 December 2026 (one month);
- a letter announcing a new reply date gives itself 15 days, moved to a jour ouvrable:
  10 December + 15 = Friday 25 December (Noël) → Saturday 26 December 2026;
  4 January 2027 + 15 = Tuesday 19 January 2027.

What is checked in every letter: no date printed before the letter's own date but the day
the complaint was received; the internal columns (Actions, Observations, Responsable) never
in the letter nor its draft; the legal mentions at the foot; the personal-data notice in the
acknowledgement and the confirmation request; the mediator (name, postal address, site,
free, L612-2 conditions) offered to a consumer exactly when required, and a professional
told instead why the consumer mediator is not open to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from email import policy
from email.parser import BytesParser

import pytest
from docx import Document
from helpers.letter_files import raw_docx_text, run_letters
from helpers.register_files import complaint

from toolkit.register.reading import read_register

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
LONG_DATE = re.compile(r"\b(1er|\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})\b")
RECEIVED = date(2026, 11, 2)

MENTIONS = "ONLY PERMIS SARL au capital de 8 000 € – RCS Paris 812 345 678"
PARAMS = {"mediateur": "CM2C", "site_mediateur": "https://www.cm2c.net",
          "adresse_mediateur": "14 rue Saint-Jean\n75017 Paris", "mentions_legales": MENTIONS,
          "contact_donnees": "donnees@onlypermis.fr"}
# Internal notes, each a word no letter sentence contains.
INTERNAL = {"actions": "Arrêt maladie du moniteur Xavier",
            "observations": "Client procédurier selon Yanis",
            "responsable": "Zoé Interne"}

MEDIATOR_LINE = "CM2C, 14 rue Saint-Jean, 75017 Paris ; site internet : https://www.cm2c.net."
MEDIATOR_FREE = "vous pouvez recourir gratuitement au médiateur de la consommation"
MEDIATOR_CONDITIONS = ("Le médiateur ne peut examiner votre demande que si vous avez d'abord "
                       "tenté de résoudre le litige directement auprès de nos services par une "
                       "réclamation écrite, si vous le saisissez dans un délai d'un an")
PROFESSIONAL = "article liminaire et article L611-3 du Code de la consommation"
DATA_NOTICE = ("Vous pouvez y accéder, les faire rectifier ou effacer, en demander la "
               "limitation ou vous opposer à leur traitement en écrivant à "
               "donnees@onlypermis.fr")


def french(day: date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Moment:
    """When the letters are made, and what the register already says."""

    today: date
    row: dict = field(default_factory=dict)
    new_date: date | None = None  # the reply date a letter announcing one gives (by hand)


MOMENTS = {
    # 20 November: everything in time (the progress letter is made on 27 November, 5 days
    # before the deadline, when it becomes due).
    "a_temps": Moment(date(2026, 11, 20)),
    # No acknowledgement sent; 10 December is past the reply deadline (2 December).
    "accuse_en_retard": Moment(date(2026, 12, 10), new_date=date(2026, 12, 26)),
    # A progress letter went out early, on 27 November; on 10 December the deadline passed.
    "apres_suivi_precoce": Moment(date(2026, 12, 10),
                                  {"date_accuse": date(2026, 11, 3),
                                   "date_information": date(2026, 11, 27)},
                                  new_date=date(2026, 12, 26)),
    # A late progress letter of 10 December announced 26 December; it is 4 January 2027.
    "date_annoncee_manquee": Moment(date(2027, 1, 4),
                                    {"date_accuse": date(2026, 11, 3),
                                     "date_information": date(2026, 12, 10),
                                     "date_reponse_annoncee": date(2026, 12, 26)},
                                    new_date=date(2027, 1, 19)),
}

# What makes each letter type due, on top of the moment's row.
DUE = {
    "confirmation": {"canal": "Téléphone"},
    "accuse": {},
    "complements": {"infos_manquantes": "Copie du contrat"},
    "suivi": {},
    "reponse": {"resolution": "Une leçon vous est offerte.", "decision": "Défavorable"},
}
CLIENTS = {"Particulier": None, "Professionnel": "Professionnel"}


def _row(type_id: str, moment_id: str, client: str | None) -> dict:
    """The complaint as the register holds it: acknowledged on 3 November, unless the
    moment is a late acknowledgement or the letter is the acknowledgement itself."""
    moment = MOMENTS[moment_id]
    row = complaint(received=RECEIVED, type_client=client, **INTERNAL, **moment.row,
                    **DUE[type_id])
    if type_id == "accuse" or moment_id == "accuse_en_retard":
        row.pop("date_accuse", None)
    else:
        row.setdefault("date_accuse", date(2026, 11, 3))
    return row


def _today(type_id: str, moment_id: str) -> date:
    if moment_id == "a_temps" and type_id == "suivi":
        return date(2026, 11, 27)
    return MOMENTS[moment_id].today


def _promised(type_id: str, moment_id: str) -> date | None:
    """The reply date the letter must give (by hand), None when it gives none."""
    if type_id not in ("accuse", "suivi"):
        return None
    if moment_id == "a_temps":
        return date(2026, 12, 2)  # the legal deadline, still ahead
    return MOMENTS[moment_id].new_date


def _recourse(type_id: str, moment_id: str) -> bool:
    """Whether the letter must give the recourse outside the courts: a reply refusing the
    claim, and a letter announcing a new reply date."""
    if type_id == "reponse":
        return True  # Défavorable
    return type_id in ("accuse", "suivi") and moment_id != "a_temps"


def _dates_in(text: str) -> set[date]:
    return {date(int(year), MONTHS.index(month) + 1, 1 if day == "1er" else int(day))
            for day, month, year in LONG_DATE.findall(text)}


def _draft_text(path) -> str:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    return "\n".join(part.get_content() for part in message.walk()
                     if part.get_content_type() in ("text/plain", "text/html"))


CASES = [(type_id, moment_id, client) for type_id in DUE for moment_id in MOMENTS
         for client in CLIENTS]


@pytest.mark.parametrize(("type_id", "moment_id", "client"), CASES)
def test_letter_matrix(make_register, tmp_path, capsys, type_id, moment_id, client):
    today = _today(type_id, moment_id)
    register = make_register([_row(type_id, moment_id, CLIENTS[client])], PARAMS)
    run_letters(register, "--type", type_id, "--eml", "--mark-sent",
                today=today.isoformat())
    out = capsys.readouterr().out
    made = sorted((tmp_path / "dossiers").rglob(f"2026-001_{type_id}*.docx"))
    if type_id == "suivi" and moment_id in ("accuse_en_retard",):
        # The late acknowledgement is the one letter: no separate progress letter that day.
        assert made == []
        assert "l'accusé de réception, dû aussi, donne la date de réponse" in out
        return
    assert len(made) == 1, out
    letter = made[0]
    text = raw_docx_text(letter)
    draft = _draft_text(letter.with_suffix(".eml"))

    # No date before the letter's own, but the day the complaint was received.
    assert _dates_in(text) - {RECEIVED} and all(
        day >= today for day in _dates_in(text) - {RECEIVED}), sorted(_dates_in(text))
    assert f"le {french(today)}" in text
    promised = _promised(type_id, moment_id)
    if promised is not None:
        assert f"au plus tard le {french(promised)}" in text
    recorded = read_register(register).frame["date_reponse_annoncee"].iloc[0]
    new_date = promised if _recourse(type_id, moment_id) and type_id != "reponse" else None
    assert recorded == (new_date or MOMENTS[moment_id].row.get("date_reponse_annoncee"))

    # Nothing internal, in the letter or its draft.
    for note in INTERNAL.values():
        assert note not in text and note not in draft

    # Legal mentions at the foot of the page (and at the end of the draft).
    footer = "\n".join(p.text for p in Document(str(letter)).sections[0].footer.paragraphs)
    assert footer == MENTIONS
    assert MENTIONS in draft

    # The complaint number never breaks: a non-breaking hyphen in the letter.
    assert "2026\u2011001" in text and "2026-001" not in text

    # Personal data: the acknowledgement and the confirmation request.
    assert (DATA_NOTICE in text) is (type_id in ("accuse", "confirmation"))
    if type_id in ("accuse", "confirmation"):
        assert "5 ans après notre réponse" in text and "CNIL (www.cnil.fr)" in text

    # Recourse: the consumer mediator for a consumer, never for a professional.
    consumer = client == "Particulier"
    recourse = _recourse(type_id, moment_id)
    assert (MEDIATOR_LINE in text) is (recourse and consumer)
    assert (MEDIATOR_FREE in text) is (recourse and consumer)
    assert (MEDIATOR_CONDITIONS in text) is (recourse and consumer)
    assert (PROFESSIONAL in text) is (recourse and not consumer)
    if not consumer:
        assert "médiateur de la consommation dont nous relevons" not in text
        assert "14 rue Saint-Jean" not in text


def test_every_template_carries_the_mandatory_mentions():
    """The shipped templates themselves, read as Word shows them before rendering."""
    from toolkit.resources import LETTERS, shipped_dir
    from toolkit.rules.letters import LETTERS as LETTER_TYPES

    for type_id, record in LETTER_TYPES.items():
        document = Document(str(shipped_dir(LETTERS) / record.template))
        body = "\n".join(p.text for p in document.paragraphs)
        footer = "\n".join(p.text for p in document.sections[0].footer.paragraphs)
        assert footer == "{{ mentions_legales }}", type_id
        assert "{{ numero }}" in body, type_id
        assert "actions" not in body and "observations" not in body, type_id
        notice = "{{ donnees_contact }}" in body and "CNIL" in body
        assert notice is (type_id in ("accuse", "confirmation")), type_id
        recourse = "{%p if mediation %}" in body
        assert recourse is (type_id in ("accuse", "suivi", "reponse")), type_id
        if recourse:
            assert "{{ mediateur_adresse }}" in body and "gratuitement" in body
            assert "L612-2" in body and "{%p if recours_professionnel %}" in body

