"""Complaints alike in every column the status rules read share one computed status
(``toolkit.rules.status.STATUS_INPUTS``): these tests keep that list whole and check that
each complaint still gets its own number, line and command."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.rules.columns import Canal, Decision
from toolkit.rules.records import Parameters
from toolkit.rules.status import (
    CONTACT_INPUTS,
    OPEN_ROW_COLUMNS,
    STATUS_INPUTS,
    ComplaintStatus,
    complaint_status,
    complaint_statuses,
    statuses_json,
    urgency_key,
)

TODAY = date(2026, 12, 7)
ZONE = "Métropole"
OPTIONAL_DATES = ("date_demande_confirmation", "date_confirmation", "date_accuse",
                  "date_demande_complements", "date_information", "date_reponse_annoncee",
                  "date_reponse")


class ReadRecorder(dict):
    """A row that notes every column read from it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.read: set[str] = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)


def _day(offset_days: int) -> date:
    return TODAY - timedelta(days=offset_days)


# Few values per column, so that random registers hold complaints alike in every input.
received_days = st.sampled_from([_day(n) for n in (0, 5, 20, 29, 31, 33, 45, 70)])
optional_dates = st.one_of(st.none(), st.sampled_from([_day(n) for n in (-10, 0, 3, 12, 40)]))
texts = st.sampled_from([None, "", "  ", "Copie du contrat"])


@st.composite
def open_rows(draw) -> dict:
    row = {"date_reclamation": draw(received_days),
           "canal": draw(st.sampled_from([*Canal, "Fax", None])),
           "infos_manquantes": draw(texts), "resolution": draw(texts),
           "decision": draw(st.sampled_from([None, *Decision]))}
    row |= {key: draw(optional_dates) for key in OPTIONAL_DATES}
    # Read only for whether they are filled (a letter that cannot reach the client).
    row |= {"adresse": draw(st.sampled_from([None, "", "  ", "3 rue Haute\n75001 Paris",
                                             "8 rue des Lilas\n67000 Strasbourg"])),
            "courriel": draw(st.sampled_from([None, " ", "client@example.fr",
                                              "autre@example.fr"]))}
    # Columns the rules must not read: a status never depends on who the client is.
    row |= {"nom": draw(st.sampled_from(["Martin", "Durand"])),
            "type_client": draw(st.sampled_from([None, "Professionnel"])),
            "description": "Retard de remboursement"}
    return row


@settings(max_examples=300, deadline=None)
@given(row=open_rows(), notice=st.integers(0, 20),
       ready=st.sampled_from([(), ("accuse",), ("suivi", "reponse")]))
def test_the_status_reads_only_the_declared_columns(row: dict, notice: int,
                                                    ready: tuple[str, ...]) -> None:
    recorder = ReadRecorder(row, ligne=2, numero="2026-001")
    complaint_status(recorder, ZONE, TODAY, notice, ready)
    assert recorder.read - {"ligne", "numero"} <= {*STATUS_INPUTS, *CONTACT_INPUTS}


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(open_rows(), min_size=2, max_size=30),
       ready_numbers=st.sets(st.integers(0, 29)))
def test_alike_complaints_each_get_their_own_number_line_and_command(
        rows: list[dict], ready_numbers: set[int]) -> None:
    records = [{**row, "ligne": index + 2, "numero": f"2026-{index + 1:03d}"}
               for index, row in enumerate(rows)]
    ready = {f"2026-{index + 1:03d}": ("accuse",) for index in ready_numbers}
    frame = pd.DataFrame(records, columns=[*OPEN_ROW_COLUMNS, "nom", "type_client",
                                           "description"], dtype=object)
    frame = frame.astype(object).where(frame.notna(), None)
    params = Parameters(zone=ZONE, preavis_suivi=5)
    statuses = complaint_statuses(frame, params, TODAY, ready)
    alone = [complaint_status(record, ZONE, TODAY, 5, ready.get(record["numero"], ()))
             for record in records]
    assert statuses == sorted(alone, key=urgency_key)
    for ascii_only in (True, False):
        encode = json.JSONEncoder(ensure_ascii=ascii_only).encode
        assert list(statuses_json(statuses, ascii_only)) == [encode(s.to_json())
                                                             for s in statuses]


def test_two_complaints_alike_but_for_their_number_name_each_their_own_number() -> None:
    common = {"date_reclamation": _day(40), "canal": Canal.COURRIEL}
    records = [{**dict.fromkeys(OPEN_ROW_COLUMNS), **common, "ligne": 2, "numero": "2026-001"},
               {**dict.fromkeys(OPEN_ROW_COLUMNS), **common, "ligne": 3, "numero": "2026-002"}]
    frame = pd.DataFrame(records, columns=OPEN_ROW_COLUMNS, dtype=object)
    statuses = complaint_statuses(frame, Parameters(zone=ZONE), TODAY)
    actions = {status.numero: status.prochaine_action for status in statuses}
    assert actions["2026-001"].endswith("toolkit letters --numero 2026-001 --type accuse")
    assert actions["2026-002"].endswith("toolkit letters --numero 2026-002 --type accuse")


# Numbers as staff may type them: quotes, backslashes, accents, a number also found
# elsewhere in the action's text ("1", "-", "toolkit"), JSON escapes typed as text.
numbers = st.one_of(st.sampled_from(["2026-001", "1", "-", "toolkit", "", '"', "\\u0000",
                                     "N°\\12", "é"]),
                    st.text(st.characters(blacklist_categories=("Cs",),
                                          blacklist_characters="\x00"), max_size=8))


@settings(max_examples=300, deadline=None)
@given(numeros=st.lists(numbers, min_size=1, max_size=6),
       late=st.booleans(), ascii_only=st.booleans())
def test_the_json_of_statuses_sharing_text_is_jsons_own(numeros: list[str], late: bool,
                                                        ascii_only: bool) -> None:
    day = date(2026, 11, 2)
    statuses = [ComplaintStatus(
        numero, line, day, day + timedelta(days=12), day + timedelta(days=30), "a_faire",
        "a_faire", -3 if late else 7,
        f"Accuser réception « 1 » : toolkit letters --numero {numero} --type accuse "
        f"(puis {numero})") for line, numero in enumerate(numeros, start=2)]
    encode = json.JSONEncoder(ensure_ascii=ascii_only).encode
    assert list(statuses_json(statuses, ascii_only)) == [encode(s.to_json())
                                                         for s in statuses]
