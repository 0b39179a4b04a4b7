"""Each channel × (postal address, e-mail, both, neither): whether a due letter can reach
the client. A postal complaint needs the postal address, whatever else is known; an e-mail
or telephone complaint needs an address or an e-mail. Through the library call that plans
a letters run (``plan_letters``), on one real register holding the twelve cases, and on a
register where the company's own address (the letterhead) is missing."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.register_files import complaint, write_register

from toolkit.letters.batch import plan_letters
from toolkit.register.reading import read_register

TODAY = date(2026, 11, 5)
LETTERHEAD = {"adresse": "12 rue de la République\n75011 Paris", "signataire": "Claire Martin"}
ADDRESS, EMAIL = "8 rue des Lilas\n75020 Paris", "lea.moreau@exemple.fr"
REACH = {"adresse": (ADDRESS, None), "courriel": (None, EMAIL), "les deux": (ADDRESS, EMAIL),
         "aucun": (None, None)}
NO_ADDRESS = "adresse manquante pour un courrier"
NOWHERE = "ni adresse postale ni courriel"
EXPECTED = {
    ("Courrier", "adresse"): None, ("Courrier", "courriel"): NO_ADDRESS,
    ("Courrier", "les deux"): None, ("Courrier", "aucun"): NO_ADDRESS,
    ("Courriel", "adresse"): None, ("Courriel", "courriel"): None,
    ("Courriel", "les deux"): None, ("Courriel", "aucun"): NOWHERE,
    ("Téléphone", "adresse"): None, ("Téléphone", "courriel"): None,
    ("Téléphone", "les deux"): None, ("Téléphone", "aucun"): NOWHERE,
}
NUMERO = {case: f"2026-{number:03d}" for number, case in enumerate(EXPECTED, start=1)}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, str | None]:
    """Numéro → why its acknowledgement is not made (``None``: it is made)."""
    rows = [complaint(NUMERO[(canal, reach)], date(2026, 11, 2), canal=canal,
                      adresse=REACH[reach][0], courriel=REACH[reach][1],
                      date_demande_confirmation=date(2026, 11, 2))
            for canal, reach in EXPECTED]
    path = write_register(tmp_path_factory.mktemp("delivery") / "registre.xlsx", rows,
                          parameters=LETTERHEAD)
    plan = plan_letters(read_register(path), TODAY)
    found = {o.numero: None for o in plan.planned if o.type_id == "accuse"}
    found.update({o.numero: o.reason for o in plan.skipped if o.type_id == "accuse"})
    return found


@pytest.mark.parametrize(("canal", "reach"), list(EXPECTED))
def test_a_letter_reaches_the_client_by_the_means_the_channel_needs(outcomes, canal, reach):
    reason = outcomes[NUMERO[(canal, reach)]]
    expected = EXPECTED[(canal, reach)]
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and expected in reason


@pytest.mark.parametrize("canal", ["Courrier", "Courriel", "Téléphone"])
def test_a_reachable_client_gets_no_letter_without_the_company_letterhead(tmp_path, canal):
    path = write_register(tmp_path / "registre.xlsx",
                          [complaint(received=date(2026, 11, 2), canal=canal, adresse=ADDRESS,
                                     date_demande_confirmation=date(2026, 11, 2))],
                          parameters={**LETTERHEAD, "adresse": ""})
    plan = plan_letters(read_register(path), TODAY)
    assert plan.planned == []
    assert [o.type_id for o in plan.skipped] == ["accuse"]
    assert "en-tête ou signature vide" in plan.skipped[0].reason
