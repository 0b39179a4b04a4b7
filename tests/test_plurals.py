"""Every command on a register of one complaint and of two: French agreement everywhere.

French is singular below 2 (0 and 1), plural from 2, and the toolkit never writes "(s)".
The outputs are scanned for a number followed by the wrong form of a phrase the toolkit
prints with a count.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from helpers import mail_files as mh
from helpers.register_files import complaint

from toolkit.cli import main
from toolkit.display import agree, plural
from toolkit.libreoffice import find_soffice
from toolkit.report.display import median_text

TODAY = "2026-11-20"
# (singular, plural) of what the toolkit prints after a count.
FORMS = (
    ("réclamation", "réclamations"), ("problème", "problèmes"), ("ligne", "lignes"),
    ("courrier", "courriers"), ("fiche", "fiches"), ("date", "dates"),
    ("produit", "produits"), ("jour", "jours"), ("fichier", "fichiers"),
    ("dossier", "dossiers"), ("rapport", "rapports"), ("délai", "délais"),
    ("suite", "suites"), ("déjà enregistré", "déjà enregistrés"),
    ("non qualifié", "non qualifiés"), ("autre action", "autres actions"),
)


def disagreements(text: str) -> list[str]:
    """Every ``<count> <phrase>`` whose phrase does not agree with the count."""
    found = []
    for singular, plural_form in FORMS:
        for form, wanted_plural in ((singular, False), (plural_form, True)):
            # Not the end of a date or of a decimal number (``1,5 jour``).
            pattern = rf"(?<![\d/.,:-])(\d+) {re.escape(form)}(?!\w)"
            for match in re.finditer(pattern, text):
                if (int(match.group(1)) >= 2) != wanted_plural:
                    found.append(match.group(0))
    return found


def test_plural_rule():
    assert plural(0, "réclamation reçue", "réclamations reçues") == "0 réclamation reçue"
    assert plural(1, "réclamation reçue", "réclamations reçues") == "1 réclamation reçue"
    assert plural(2, "réclamation reçue", "réclamations reçues") == "2 réclamations reçues"
    assert agree(1.5, "jour", "jours") == "jour"
    assert agree(-3, "jour", "jours") == "jours"


def test_median_agrees_with_plural():
    assert median_text(1) == "1 jour"
    assert median_text(1.5) == "1,5 jour"
    assert median_text(2) == "2 jours"
    assert median_text(0) == "0 jour"


def test_the_scan_finds_what_it_looks_for():
    assert disagreements("1 réclamations au 20/11/2026 ; 2 déjà enregistré — ") == [
        "1 réclamations", "2 déjà enregistré"]
    assert disagreements("2 réclamations ; 1 déjà enregistré ; 1,5 jour ; 02/11/2026 dossiers") \
        == []


def _run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _registers(make_register, count: int) -> dict[str, Path]:
    """``letters``: acknowledgements due; ``closed``: answered in 1 and 2 days (median 1,5);
    ``broken``: one problem on each row."""
    numbers = [f"2026-00{i}" for i in range(1, count + 1)]
    received = [date(2026, 11, 2), date(2026, 11, 3)][:count]
    letters = [complaint(n, day) for n, day in zip(numbers, received, strict=True)]
    closed = [complaint(n, day, date_accuse=day, resolution="Leçon offerte.",
                        actions="Planning revu.", decision="Favorable",
                        date_reponse=date(2026, 11, 3 + 2 * i))
              for i, (n, day) in enumerate(zip(numbers, received, strict=True))]
    broken = [complaint(n, day, decision="Favorable")
              for n, day in zip(numbers, received, strict=True)]
    # Each register in a folder of its own: numbers start again in each, so they must not
    # share one dossiers/ folder (refused).
    return {"letters": make_register(letters, name="courriers/courriers.xlsx"),
            "closed": make_register(closed, name="clos/clos.xlsx"),
            "broken": make_register(broken, name="abime/abime.xlsx")}


def _mails(folder: Path, count: int) -> Path:
    """``count`` new complaints, information requests and follow-ups of 2026-001…"""
    sender = "Léa Moreau <lea.moreau@exemple.fr>"
    for i in range(1, count + 1):
        mh.write(folder, f"reclamation{i}.eml",
                 mh.simple(f"Réclamation examen {i}", f"<new-{i}@exemple.fr>", sender=sender))
        mh.write(folder, f"information{i}.eml",
                 mh.simple(f"Question tarifs {i}", f"<info-{i}@exemple.fr>", sender=sender))
        mh.write(folder, f"suite{i}.eml",
                 mh.simple(f"RE: Votre réclamation n° 2026-00{i}", f"<suite-{i}@exemple.fr>",
                           sender=sender))
    return folder


def _every_command(capsys, tmp_path: Path, registers: dict[str, Path],
                   count: int) -> list[tuple[str, int, str]]:
    letters, closed, broken = (str(registers[k]) for k in ("letters", "closed", "broken"))
    reports = tmp_path / "rapports"
    pdf = ["--pdf"] if find_soffice() else []
    runs = [
        ("init", "init", "--register", str(tmp_path / "neuf" / "registre.xlsx")),
        ("check", "check", "--register", closed, "--today", TODAY),
        ("check-problems", "check", "--register", broken, "--today", TODAY),
        ("status", "status", "--register", closed, "--today", TODAY),
        ("status-open", "status", "--register", letters, "--today", TODAY),
        ("letters", "letters", "--register", letters, "--today", TODAY, *pdf),
        ("letters-again", "letters", "--register", letters, "--today", TODAY),
        ("letters-sent", "letters", "--register", letters, "--today", TODAY, "--force",
         "--mark-sent"),
        ("letters-fiches", "letters", "--register", closed, "--today", TODAY),
        ("templates", "templates"),
        ("stats", "stats", "--register", closed, "--today", TODAY, "--month", "2026-11"),
        ("report", "report", "--register", closed, "--today", TODAY, "--month", "2026-11",
         "--out", str(reports)),
        ("new", "new", "--register", letters, "--today", TODAY, "--canal", "Courriel",
         "--nom", "Karim Benali", "--description", "Examen reporté.", "--date", "10/11/2026"),
        ("intake-dry-run", "intake", "--register", letters, "--today", TODAY, "--dry-run",
         str(_mails(tmp_path / "courriels", count))),
        ("intake", "intake", "--register", letters, "--today", TODAY,
         str(tmp_path / "courriels")),
        ("intake-again", "intake", "--register", letters, "--today", TODAY,
         str(tmp_path / "courriels")),
        ("audit", "audit", "--register", closed, "--today", TODAY, "--du", "2026-11-01",
         "--au", "2026-11-30", "--out", str(tmp_path / "audit.zip"), "--rapports",
         str(reports)),
    ]
    outputs = [(name, *_run(capsys, *args)) for name, *args in runs]
    (report,) = reports.glob("*.html")
    with zipfile.ZipFile(tmp_path / "audit.zip") as archive:
        summary = archive.read("synthese.html").decode("utf-8")
    outputs += [("report-html", 0, _page_text(report.read_text(encoding="utf-8"))),
                ("audit-html", 0, _page_text(summary))]
    return outputs


def _page_text(html: str) -> str:
    """The words a reader sees on a page: no style, no script, no tags."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("count", [1, 2])
def test_every_command_agrees_with_its_counts(count, make_register, tmp_path, capsys,
                                              monkeypatch):
    monkeypatch.chdir(tmp_path)
    outputs = _every_command(capsys, tmp_path, _registers(make_register, count), count)
    codes = {name: code for name, code, _ in outputs}
    assert codes.pop("check-problems") == 1
    assert set(codes.values()) == {0}, codes
    texts = dict((name, text) for name, _, text in outputs)
    assert {1: "1 erreur sur 1 ligne", 2: "2 erreurs sur 2 lignes"}[count] in \
        texts["check-problems"]
    assert {1: "1 réclamation suivie sur 1 ligne au 20/11/2026",
            2: "2 réclamations suivies sur 2 lignes au 20/11/2026"}[count] in texts["status"]
    # The complaint and its follow-up of the first run: both known now.
    assert f"{plural(2 * count, 'déjà enregistré', 'déjà enregistrés')} — " in texts["intake-again"]
    assert f"{plural(count, 'dossier', 'dossiers')} des réclamations" in texts["audit-html"]
    median = "1 jour" if count == 1 else "1,5 jour"
    assert f"Délai de réponse médian : {median}\n" in texts["stats"]
    for name, text in texts.items():
        assert "(s)" not in text, (name, text)
        assert disagreements(text) == [], (name, text)
