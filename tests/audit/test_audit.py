"""``toolkit audit``: the figures worked out by hand, then the zip opened and checked."""

from __future__ import annotations

import re
import zipfile
from datetime import date

import pytest
from helpers.register_files import complaint

from toolkit.audit.archive import AuditOptions, build_audit
from toolkit.audit.page import ArchiveContents, render_summary
from toolkit.audit.summary import ACK_LABEL, REPLY_LABEL, audit_summary
from toolkit.errors import UsageError
from toolkit.intake.mail import observation_line
from toolkit.letters.dossiers import dossier_dir
from toolkit.register.reading import read_register

DU, AU, TODAY = date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 20)


def _closed(numero, received, accuse, reponse, **values):
    return complaint(numero, received, date_accuse=accuse, date_reponse=reponse,
                     actions=values.pop("actions", "Enquête menée."), resolution="Solution.",
                     decision=values.pop("decision", "Favorable"), **values)


# Deadlines worked out by hand (Métropole; 11 Nov is a holiday, Sundays never count):
#   received Mon 02/11 → accusé by Sat 14/11, réponse by Wed 02/12
#   received Tue 10/11 → accusé by Mon 23/11 (12/11…21/11 is 9 days), réponse by 10/12
#   received Wed 25/11 → accusé by Mon 07/12, réponse by 25/12
#   received Mon 30/11 → accusé by Fri 11/12, réponse by 30/12
PERIOD_ROWS = [
    complaint("2026-001", date(2026, 10, 30), nom="Avant Période"),
    _closed("2026-002", date(2026, 11, 2), date(2026, 11, 5), date(2026, 11, 20),
            nom="Léa Moreau", actions="Leçon d'évaluation offerte.", canal="Courrier",
            satisfaction="Satisfait"),
    _closed("2026-003", date(2026, 11, 2), date(2026, 11, 16), date(2026, 12, 10),
            nom="Karim Benali", categorie="Examen",
            observations=f"Moniteur en congé, enquête prolongée.\n{observation_line('<k@x>')}"),
    complaint("2026-004", date(2026, 11, 25), nom="Sophie <b>Lefèvre</b> & Fils", canal="Téléphone",
              date_demande_confirmation=date(2026, 11, 25)),
    complaint("2026-005", date(2026, 11, 30), nom="Inès Haddad",
              date_accuse=date(2026, 12, 3)),
    _closed("2026-007", date(2026, 11, 10), date(2026, 11, 12), date(2026, 12, 9),
            nom="Hugo Fontaine", categorie="Accueil", decision="Défavorable",
            actions="Rappel des consignes d'accueil à toute l'équipe.",
            satisfaction="Non satisfait"),
    complaint("2026-006", date(2026, 12, 1), nom="Après Période"),
]


@pytest.fixture
def period_register(make_register):
    return make_register(PERIOD_ROWS, params={"mediateur": "CM2C",
                                              "site_mediateur": "https://www.cm2c.net",
                                              "adresse_mediateur": "14 rue Saint-Jean\n"
                                                                   "75017 Paris"})


def test_summary_figures_by_hand(period_register):
    register = read_register(period_register)
    summary = audit_summary(register.frame, register.params, DU, AU, TODAY)
    assert summary.numeros == ["2026-002", "2026-003", "2026-007", "2026-004", "2026-005"]
    # Accusé: on time 002, 005, 007; late 003 (sent 16/11) and 004 (never sent, due 07/12).
    assert (summary.ack.on_time, summary.ack.late, summary.ack.pending) == (3, 2, 0)
    assert summary.ack.percent == pytest.approx(60.0)
    # Réponse: on time 002, 007; late 003 (10/12 > 02/12); 004 and 005 not yet due.
    assert (summary.reply.on_time, summary.reply.late, summary.reply.pending) == (2, 1, 2)
    assert summary.reply.percent == pytest.approx(200 / 3)
    cases = [(c.numero, c.echeance, c.deadline, c.sent, c.days_late, c.reason)
             for c in summary.late_cases]
    assert cases == [
        ("2026-003", ACK_LABEL, date(2026, 11, 14), date(2026, 11, 16), 2,
         "Moniteur en congé, enquête prolongée."),
        ("2026-003", REPLY_LABEL, date(2026, 12, 2), date(2026, 12, 10), 8,
         "Moniteur en congé, enquête prolongée."),
        ("2026-004", ACK_LABEL, date(2026, 12, 7), None, 13, ""),
    ]
    assert [a.numero for a in summary.actions] == ["2026-002", "2026-003", "2026-007"]
    assert summary.par_canal == {"Courrier": 1, "Courriel": 3, "Téléphone": 1}
    # Closed: 002 (Satisfait), 003 (no answer recorded), 007 (Non satisfait); 004 and 005
    # have no reply yet, 2026-001 is before the period.
    assert summary.satisfaction == {"Satisfait": 1, "Partiellement satisfait": 0,
                                    "Non satisfait": 1, "Sans retour": 0, "Non renseigné": 1}


def test_summary_page_is_french_escaped_and_self_contained(period_register):
    register = read_register(period_register)
    summary = audit_summary(register.frame, register.params, DU, AU, TODAY)
    page = render_summary(summary, ArchiveContents(dossiers=("2026-002_Léa Moreau",),
                                                   missing_dossiers=("2026-004",)),
                          "registre.xlsx", "ONLY PERMIS")
    assert "60,0\u00a0%" in page and "66,7\u00a0%" in page
    assert "3 dans le délai sur 5" in page
    assert "aucune raison\nconsignée" in page  # 2026-004's late acknowledgement
    assert "Message-ID" not in page
    assert "Sophie &lt;b&gt;Lefèvre&lt;/b&gt; &amp; Fils" in page
    assert "Rappel des consignes d&#39;accueil à toute l&#39;équipe." in page
    assert "<script" not in page and "http" not in page  # offline: nothing fetched
    assert "Dossier absent pour :\n2026-004" in page
    satisfaction = page.split("Satisfaction des clients à la clôture</h2>")[1]
    assert "3 réclamations de la période ont\nreçu une réponse" in satisfaction
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">(\d+)</td></tr>",
                      satisfaction.split("</table>")[0])
    assert rows == [("Satisfait", "1"), ("Partiellement satisfait", "0"),
                    ("Non satisfait", "1"), ("Sans retour", "0"), ("Non renseigné", "1")]


def test_summary_page_without_any_reply_says_so(make_register):
    register = read_register(make_register([complaint("2026-010", date(2026, 11, 18))]))
    summary = audit_summary(register.frame, register.params, DU, AU, TODAY)
    page = render_summary(summary, ArchiveContents(), "registre.xlsx", "ONLY PERMIS")
    assert "Aucune réclamation de la période n'a encore reçu de réponse." in page


def _dossier(root, numero, nom, *files):
    folder = dossier_dir(root, numero, nom)
    folder.mkdir(parents=True)
    for name in files:
        (folder / name).write_bytes(f"{numero} {name}".encode())
    return folder


def _write_dossiers(register_path):
    root = register_path.parent / "dossiers"
    rows = {row["numero"]: row["nom"] for row in PERIOD_ROWS}
    for numero in ("2026-001", "2026-006"):  # outside the period
        _dossier(root, numero, rows[numero], f"{numero}_accuse.docx")
    _dossier(root, "2026-002", rows["2026-002"], "2026-002_accuse.docx",
             "2026-002_reponse.docx", "~$2026-002_reponse.docx")
    folder = _dossier(root, "2026-003", rows["2026-003"], "2026-003_reclamation-courriel.eml")
    (folder / "pieces").mkdir()
    (folder / "pieces" / "facture.pdf").write_bytes(b"%PDF")


def test_audit_zip_contents(period_register, tmp_path):
    _write_dossiers(period_register)
    reports = tmp_path / "rapports"
    reports.mkdir()
    kept = reports / "rapport_2026-11.html"
    kept.write_text("<html>rapport de novembre déjà produit</html>", encoding="utf-8")
    options = AuditOptions(date(2026, 10, 31), AU, TODAY, out=tmp_path / "audit.zip",
                           reports=reports)
    result = build_audit(period_register, options)
    with zipfile.ZipFile(result.path) as archive:
        names = sorted(archive.namelist())
        archive.extractall(tmp_path / "extrait")
    assert names == [
        "dossiers/2026-002_Léa Moreau/2026-002_accuse.docx",
        "dossiers/2026-002_Léa Moreau/2026-002_reponse.docx",
        "dossiers/2026-003_Karim Benali/2026-003_reclamation-courriel.eml",
        "dossiers/2026-003_Karim Benali/pieces/facture.pdf",
        "rapports/rapport_2026-10.html",
        "rapports/rapport_2026-11.html",
        "registre/registre.xlsx",
        "synthese.html",
    ]
    extracted = tmp_path / "extrait"
    copy = read_register(extracted / "registre" / "registre.xlsx")
    # 2026-001 (received before the period, still open in it) stays; 2026-006 (after) goes
    assert list(copy.frame["numero"]) == [row["numero"] for row in PERIOD_ROWS
                                          if row["numero"] != "2026-006"]
    assert (extracted / "rapports" / "rapport_2026-11.html").read_text(encoding="utf-8") == \
        kept.read_text(encoding="utf-8")  # an existing report is reused, not redone
    assert (reports / "rapport_2026-10.html").is_file()  # the missing one was produced
    assert "octobre 2026" in (extracted / "rapports" / "rapport_2026-10.html").read_text(
        encoding="utf-8")
    page = (extracted / "synthese.html").read_text(encoding="utf-8")
    assert "Réclamations reçues sur la période</td><td class=\"num\">5<" in page
    assert "Dossier absent pour :\n2026-004, 2026-005, 2026-007" in page
    assert result.contents.missing_dossiers == ("2026-004", "2026-005", "2026-007")


def test_audit_refuses_an_empty_period(period_register, tmp_path):
    with pytest.raises(UsageError, match="Période vide"):
        build_audit(period_register, AuditOptions(AU, DU, TODAY, out=tmp_path / "a.zip"))
    assert not (tmp_path / "a.zip").exists()


def test_audit_copy_holds_only_the_period_complaints(make_register, tmp_path):
    old_answered = _closed("2020-004", date(2020, 3, 2), date(2020, 3, 5), date(2020, 3, 20),
                           nom="Ancien Client", courriel="ancien@exemple.fr")
    still_open = complaint("2026-010", date(2026, 10, 20), nom="Encore Ouverte")
    answered_in = _closed("2026-011", date(2026, 10, 21), date(2026, 10, 22),
                          date(2026, 11, 5), nom="Répondu Pendant")
    answered_before = _closed("2026-012", date(2026, 10, 1), date(2026, 10, 2),
                              date(2026, 10, 30), nom="Clos Avant")
    received = complaint("2026-013", date(2026, 11, 3), nom="Reçue Pendant")
    later = complaint("2026-014", date(2026, 12, 2), nom="Reçue Après")
    register = make_register([old_answered, still_open, answered_in, answered_before,
                              received, later])
    result = build_audit(register, AuditOptions(DU, AU, TODAY, out=tmp_path / "a.zip"))
    with zipfile.ZipFile(result.path) as archive:
        archive.extract(f"registre/{register.name}", tmp_path / "x")
        raw = archive.read(f"registre/{register.name}")
    copy = read_register(tmp_path / "x" / "registre" / register.name)
    assert list(copy.frame["numero"]) == ["2026-010", "2026-011", "2026-013"]
    with zipfile.ZipFile(__import__("io").BytesIO(raw)) as workbook:
        xml = b"".join(workbook.read(name) for name in workbook.namelist())
    for gone in (b"Ancien Client", b"ancien@exemple.fr", b"Clos Avant", b"2020-004",
                 "Reçue Après".encode()):
        assert gone not in xml
