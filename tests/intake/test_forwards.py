"""Mails from the company's own address, replies quoting a number, complaints in other words,
and ``intake --numero``: the company is never a client, a client never gets another's mail
(SPEC, "The desk's day")."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from helpers import mail_files as mh
from helpers.register_files import complaint

from toolkit.cli import main
from toolkit.intake.mail import COMPLAINT, NOT_QUALIFIED, TO_CHECK, qualify, read_mails
from toolkit.register.reading import read_register

TODAY = "2026-11-20"
COMPANY = {"courriel": "contact@onlypermis.fr"}


def _intake(register: Path, *sources, extra: tuple[str, ...] = ()) -> int:
    return main(["intake", "--register", str(register), "--today", TODAY,
                 *map(str, sources), *extra])


def _decide(tmp_path: Path, data: bytes, senders=None):
    path = mh.write(tmp_path, "courriel.eml", data)
    mails, _ = read_mails([path])
    return qualify(mails, {}, senders or {}, date(2026, 11, 20), "onlypermis.fr")[0]


@pytest.mark.parametrize("program", sorted(mh.FORWARD_BODIES))
def test_a_forward_takes_the_clients_name_address_and_date(tmp_path, program):
    decision = _decide(tmp_path, mh.forward(program))
    assert decision.kind == COMPLAINT
    mail = decision.mail
    assert (mail.sender_name, mail.sender_address, mail.received) == (
        "Lucas Petit", "lucas.petit@exemple.fr", date(2026, 11, 2))
    assert mail.body.startswith("Bonjour,\nMon examen du permis a été annulé")
    assert "De :" not in mail.body and "From:" not in mail.body


def test_thunderbird_html_forward(tmp_path):
    mail = _decide(tmp_path, mh.forward_html_thunderbird()).mail
    assert (mail.sender_name, mail.sender_address, mail.received) == (
        "Lucas Petit", "lucas.petit@exemple.fr", date(2026, 11, 2))


@pytest.mark.parametrize("body", [
    "Client au téléphone, il rappellera.",  # no forwarded block at all
    "---------- Forwarded message ---------\nFrom: Lucas Petit <lucas.petit@exemple.fr>\n"
    "Date: un jour\nSubject: Réclamation\n\nTexte.",  # no readable date
    "-----Message d'origine-----\nDe : Claire <claire@onlypermis.fr>\nEnvoyé : lundi 2 "
    "novembre 2026 18:42\nObjet : Réclamation\n\nTexte.",  # a colleague, not a client
])
def test_a_company_mail_that_cannot_be_unwrapped_is_to_check(tmp_path, body):
    decision = _decide(tmp_path, mh.simple("TR: Réclamation examen", "<f@onlypermis.fr>",
                                           sender=mh.COMPANY, body=body))
    assert decision.kind == TO_CHECK
    assert "adresse de l'entreprise (accueil@onlypermis.fr)" in decision.reason


def test_a_company_mail_about_something_else_is_not_qualified(tmp_path):
    decision = _decide(tmp_path, mh.simple("Planning de décembre", "<p@onlypermis.fr>",
                                           sender=mh.COMPANY, body="Ci-joint le planning."))
    assert decision.kind == NOT_QUALIFIED


def test_intake_records_the_client_never_the_company(make_register, tmp_path, capsys):
    register = make_register(params=COMPANY)
    sources = [mh.write(tmp_path / "in", "fwd.eml", mh.forward("outlook_fr")),
               mh.write(tmp_path / "in", "note.eml", mh.simple(
                   "TR: Réclamation", "<n@onlypermis.fr>", sender=mh.COMPANY, body="Voir."))]
    assert _intake(register, *sources) == 0
    out = capsys.readouterr().out
    assert "1 réclamation enregistrée." in out and "1 à vérifier" in out
    (row,) = read_register(register).frame.to_dict("records")
    assert (row["nom"], row["courriel"], row["date_reclamation"]) == (
        "Lucas Petit", "lucas.petit@exemple.fr", date(2026, 11, 2))
    assert "Transmise par accueil@onlypermis.fr" in row["observations"]
    assert "onlypermis" not in row["description"]


@pytest.mark.parametrize(("subject", "body"), [
    ("Plainte : comportement de la monitrice", "Bonjour, je souhaite signaler un problème."),
    ("Leçon du 3 novembre", "Je suis très mécontente de la façon dont j'ai été reçue."),
    ("Facture", "C'est inadmissible, j'exige le remboursement des heures."),
    ("Examen", "Je vais ouvrir un litige avec ma banque."),
    ("Question", "Ce retard est scandaleux."),
])
def test_a_complaint_in_other_words_is_never_an_information_request(tmp_path, subject, body):
    decision = _decide(tmp_path, mh.simple(subject, "<p@exemple.fr>", body=body))
    assert decision.kind == TO_CHECK
    assert "sans le mot « Réclamation »" in decision.reason


def test_plainte_is_listed_to_check_not_as_information(make_register, tmp_path, capsys):
    source = mh.write(tmp_path / "in", "plainte.eml", mh.simple(
        "Plainte : comportement de la monitrice", "<plainte@exemple.fr>", body="Inacceptable."))
    assert _intake(make_register(), source) == 0
    out = capsys.readouterr().out
    assert "1 à vérifier" in out
    assert "demande d'information" not in out


# --- replies quoting a number, and --numero -------------------------------------------------

@pytest.fixture
def phone_register(make_register):
    """2026-006 came by telephone; its client's e-mail is not known yet."""
    return make_register([complaint("2026-006", date(2026, 11, 3), nom="Inès Haddad",
                                    canal="Téléphone", courriel=None)], params=COMPANY)


def _confirmation(tmp_path: Path) -> Path:
    return mh.write(tmp_path / "in", "confirmation.eml", mh.simple(
        "RE: Votre réclamation n° 2026-006", "<conf-006@exemple.fr>",
        sender="Inès Haddad <ines.h@exemple.fr>", date="Tue, 10 Nov 2026 11:00:00 +0100",
        body="Je confirme par écrit ma réclamation."))


def test_a_reply_from_an_unknown_address_is_to_check(phone_register, tmp_path, capsys):
    before = phone_register.read_bytes()
    assert _intake(phone_register, _confirmation(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "0 réclamation enregistrée." in out and "1 à vérifier" in out
    assert re.search(r"2026-006 +Inès Haddad <ines\.h@exemple\.fr> .*cite 2026-006", out)
    assert phone_register.read_bytes() == before


def test_numero_files_on_staffs_word_and_fills_the_confirmation(phone_register, tmp_path,
                                                                 capsys):
    source = _confirmation(tmp_path)
    assert _intake(phone_register, source, extra=("--numero", "2026-006")) == 0
    out = capsys.readouterr().out
    assert "1 suite d'une réclamation enregistrée" in out
    assert ("2026-006 : confirmation écrite de la réclamation téléphonique reçue le "
            "10/11/2026 — « Date de confirmation écrite » inscrite.") in out
    (row,) = read_register(phone_register).frame.to_dict("records")
    assert row["date_confirmation"] == date(2026, 11, 10)
    dossier = phone_register.parent / "dossiers" / "2026-006_Inès Haddad"
    assert [p.name for p in dossier.iterdir()] == ["2026-006_courriel-suite.eml"]
    # Its sender is now known: the next mail from that address is a follow-up by itself.
    later = mh.write(tmp_path / "in2", "relance.eml", mh.simple(
        "RE: Votre réclamation n° 2026-006", "<relance-006@exemple.fr>",
        sender="ines.h@exemple.fr", date="Mon, 16 Nov 2026 09:00:00 +0100"))
    assert _intake(phone_register, later) == 0
    assert "1 suite d'une réclamation enregistrée" in capsys.readouterr().out
    (row,) = read_register(phone_register).frame.to_dict("records")
    assert row["date_confirmation"] == date(2026, 11, 10)  # the first written mail's day


def test_a_reply_from_the_known_client_fills_the_confirmation(make_register, tmp_path, capsys):
    register = make_register([complaint("2026-006", date(2026, 11, 3), nom="Inès Haddad",
                                        canal="Téléphone", courriel="ines.h@exemple.fr")])
    assert _intake(register, _confirmation(tmp_path)) == 0
    capsys.readouterr()
    (row,) = read_register(register).frame.to_dict("records")
    assert row["date_confirmation"] == date(2026, 11, 10)


def test_numero_unknown_writes_nothing(phone_register, tmp_path, capsys):
    before = phone_register.read_bytes()
    assert _intake(phone_register, _confirmation(tmp_path), extra=("--numero", "2026-009")) == 2
    assert "Réclamation 2026-009 absente du registre" in capsys.readouterr().err
    assert phone_register.read_bytes() == before


def test_a_mail_older_than_the_call_is_no_confirmation(make_register, tmp_path, capsys):
    register = make_register([complaint("2026-006", date(2026, 11, 12), nom="Inès Haddad",
                                        canal="Téléphone", courriel=None)], params=COMPANY)
    assert _intake(register, _confirmation(tmp_path), extra=("--numero", "2026-006")) == 0
    assert "Date de confirmation écrite" not in capsys.readouterr().out
    (row,) = read_register(register).frame.to_dict("records")
    assert row["date_confirmation"] is None
