"""Smoke test of an installed toolkit: every command, run as an office would run it.

Usage: python scripts/smoke_installed.py [--toolkit PATH] [--only-encoding ENC]

Runs the ``toolkit`` console script of an installed environment (not the checkout) from an
empty temporary folder, with the register in another temporary folder and a private
settings folder (TOOLKIT_CONFIG_DIR). The whole sequence runs once with the console's
default encoding and once with PYTHONIOENCODING=cp850 (a French Windows console). Each
command must end with its documented exit code and print no Python traceback. Ends with
"N passed, N failed"; exit status 1 when anything failed. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TODAY = "2026-11-20"
LATER = "15/12/2026"  # a later day, typed the French way as staff type it
MONTH = "2026-11"
MAIL = """From: =?utf-8?q?L=C3=A9a_Moreau?= <lea.moreau@exemple.fr>
To: contact@onlypermis.fr
Subject: =?utf-8?q?R=C3=A9clamation_le=C3=A7ons_annul=C3=A9es?=
Date: Tue, 17 Nov 2026 09:30:00 +0100
Message-ID: <smoke-1@exemple.fr>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bonjour,

Trois leçons annulées la veille — sans report proposé…
"""
# A client's mail forwarded by the desk from the company's own domain (the Paramètres
# Courriel is contact@onlypermis.fr): the client, never the company, is recorded.
FORWARD = """From: Accueil ONLY PERMIS <accueil@onlypermis.fr>
To: reclamations@onlypermis.fr
Subject: TR: =?utf-8?q?R=C3=A9clamation_examen_du_permis?=
Date: Wed, 18 Nov 2026 08:05:00 +0100
Message-ID: <smoke-fwd@onlypermis.fr>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

________________________________
De : Lucas Petit <lucas.petit@exemple.fr>
Envoyé : lundi 16 novembre 2026 18:42
À : accueil@onlypermis.fr
Objet : Réclamation examen du permis

Mon examen a été annulé la veille.
"""
# The written confirmation of the telephone complaint 2026-002, from an address the
# register does not know yet.
CONFIRMATION = """From: Karim Benali <k.benali@exemple.fr>
To: contact@onlypermis.fr
Subject: RE: Votre =?utf-8?q?r=C3=A9clamation?= n° 2026-002
Date: Fri, 20 Nov 2026 10:00:00 +0100
Message-ID: <smoke-conf@exemple.fr>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Je confirme par écrit ma réclamation faite au téléphone.
"""


@dataclass(frozen=True)
class Step:
    name: str
    args: tuple[str, ...]
    expected: int
    env: tuple[tuple[str, str], ...] = ()
    close_stdout: bool = False  # the reader goes away at once, as with `| head`
    python: bool = False  # args are a Python program run by the environment's interpreter
    shows: tuple[str, ...] = ()  # what the output must say


# What staff type into « Paramètres » after `toolkit init` (in Excel); letters need it.
FILL_PARAMETERS = """
import sys, openpyxl
values = {"Adresse": "12 avenue de la Gare\\n75011 Paris", "Signataire": "Claire Martin",
          "Médiateur": "CM2C", "Site du médiateur": "https://www.cm2c.net"}
workbook = openpyxl.load_workbook(sys.argv[1])
for label, value in workbook["Paramètres"].iter_rows(min_row=2, max_col=2):
    if label.value in values:
        value.value = values[label.value]
workbook.save(sys.argv[1])
"""


# Staff delete the register's last row in Excel (a duplicate): its dossier stays.
DELETE_LAST_ROW = """
import sys, openpyxl
workbook = openpyxl.load_workbook(sys.argv[1])
sheet = workbook["Registre"]
last = max(cell.row for cell in sheet["A"] if cell.value)
sheet.delete_rows(last)
workbook.save(sys.argv[1])
"""


def desk_steps(register: Path) -> list[Step]:
    """A day at the desk in miniature: a forward from the company's address, a confirmation
    from an unknown address filed on staff's word, a deleted last row then ``new`` (its
    number is not given again), a French date typed in ``new``."""
    office = register.parent
    return [
        Step("intake (transfert depuis l'adresse de la société)",
             ("intake", str(office / "transfert.eml"), "--today", TODAY), 0,
             shows=("1 réclamation enregistrée", "2026-004", "Lucas Petit")),
        Step("intake (confirmation d'une adresse inconnue : à vérifier)",
             ("intake", str(office / "confirmation.eml"), "--today", TODAY), 0,
             shows=("1 à vérifier",)),
        Step("intake --numero (confirmation écrite)",
             ("intake", str(office / "confirmation.eml"), "--numero", "2026-002", "--today",
              TODAY), 0, shows=("« Date de confirmation écrite » inscrite",)),
        Step("dernière ligne supprimée (comme dans Excel)", ("-c", DELETE_LAST_ROW,
                                                             str(register)), 0, python=True),
        Step("new après suppression (numéro jamais redonné), date JJ/MM/AAAA",
             ("new", "--today", TODAY, "--canal", "courrier", "--date", "06/11/2026",
              "--civilite", "Mme", "--nom", "Eva Roy", "--adresse", r"1 rue Haute\n75003 Paris",
              "--categorie", "examen", "--description", "Examen reporté."), 0,
             shows=("Réclamation 2026-005 enregistrée", "reçue le 06/11/2026")),
    ]


def steps(register: Path, mail: Path) -> list[Step]:
    """The sequence, in order; later steps use what earlier ones wrote."""
    reg = str(register)
    return [
        Step("init", ("init", "--register", reg), 0),
        Step("Paramètres remplis (comme dans Excel)", ("-c", FILL_PARAMETERS, reg), 0,
             python=True),
        Step("config", ("config",), 0),
        Step("config --register", ("config", "--register", reg), 0),
        Step("new (téléphone, courrier de confirmation)",
             ("new", "--today", TODAY, "--canal", "Téléphone", "--civilite", "Monsieur",
              "--nom", "Łukasz Wałęsa", "--adresse", r"3 rue des Lilas\n75020 Paris",
              "--categorie", "Accueil", "--description", "Appel — accueil désagréable…",
              "--courrier-confirmation"), 0),
        Step("new (courrier impossible : exit 1, pas de relance)",
             ("new", "--today", TODAY, "--canal", "Téléphone", "--nom", "Karim Benali",
              "--description", "Appel.", "--courrier-confirmation"), 1),
        Step("intake", ("intake", str(mail), "--today", TODAY), 0),
        *desk_steps(register),
        Step("check", ("check", "--today", TODAY), 0),
        Step("status", ("status", "--today", TODAY), 0),
        Step("status | head (tube fermé)", ("status", "--today", TODAY), 141,
             close_stdout=True),
        Step("letters --pdf", ("letters", "--pdf", "--today", TODAY), 1),
        Step("letters --pdf, TOOLKIT_SOFFICE faux", ("letters", "--pdf", "--today", TODAY,
                                                     "--force"), 2,
             env=(("TOOLKIT_SOFFICE", str(register.parent / "absent" / "soffice.exe")),)),
        Step("templates", ("templates",), 0),
        Step("templates --copy", ("templates", "--copy"), 0),
        Step("stats", ("stats", "--month", MONTH, "--today", TODAY), 0),
        Step("report", ("report", "--month", MONTH, "--today", TODAY), 0),
        Step("audit", ("audit", "--du", "2026-11-01", "--au", "2026-11-30", "--today", TODAY),
             0),
        *desk_day_steps(),
        Step("demo", ("demo", "--dir", "demo"), 0),
    ]


def desk_day_steps() -> list[Step]:
    """A later day at the desk: French dates, letter types typed in French, ``--numero``
    repeated (an unknown number named), the day's acknowledgements recorded in one ``sent``,
    then every confirmation letter made and not yet recorded (``--tous``)."""
    return [
        Step("letters --numero répété, un numéro inconnu",
             ("letters", "--today", LATER, "--type", "Accusé", "--numero", "2026-001",
              "--numero", "2026-099", "--force"), 1,
             shows=("2026-099 introuvable dans le registre",)),
        Step("sent en lot, date J/M/AA",
             ("sent", "--today", LATER, "--type", "accusé de réception", "--numero", "2026-001",
              "--numero", "2026-003", "--date", "15/12/26"), 0,
             shows=("2 envois du courrier « accusé de réception » inscrits au registre en une "
                    "fois",)),
        Step("sent --tous", ("sent", "--today", LATER, "--type", "confirmation", "--tous",
                             "--date", LATER), 0,
             shows=("réclamation n° 2026-001 inscrit au registre",)),
    ]


def run_step(toolkit: str, step: Step, cwd: Path, env: dict[str, str]) -> tuple[bool, str]:
    """(passed, why not) for one command."""
    env = {**env, **dict(step.env)}
    encoding = env.get("PYTHONIOENCODING", "utf-8")
    stdout = subprocess.PIPE
    # The console script's own interpreter sits beside it in the environment.
    program = [str(Path(toolkit).with_name("python"))] if step.python else [toolkit]
    child = subprocess.Popen([*program, *step.args], cwd=cwd, env=env, stdout=stdout,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    if step.close_stdout:
        child.stdout.close()
        out, err = b"", child.stderr.read()
        child.wait(timeout=600)
    else:
        out, err = child.communicate(timeout=600)
    text = (out + err).decode(encoding, errors="replace")
    if "Traceback" in text:
        return False, "traceback:\n" + text[-2000:]
    if child.returncode != step.expected:
        return False, f"exit {child.returncode}, attendu {step.expected}:\n{text[-2000:]}"
    missing = [wanted for wanted in step.shows if wanted not in text]
    if missing:
        return False, f"absent de la sortie : {missing}\n{text[-2000:]}"
    return True, ""


def run_sequence(toolkit: str, encoding: str | None) -> tuple[int, int]:
    label = encoding or "par défaut"
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="toolkit-smoke-") as scratch:
        root = Path(scratch)
        office, cwd, settings = root / "Bureau partagé", root / "vide", root / "réglages"
        for folder in (office, cwd, settings):
            folder.mkdir()
        mail = office / "courriel.eml"
        mail.write_text(MAIL, encoding="utf-8")
        (office / "transfert.eml").write_text(FORWARD, encoding="utf-8")
        (office / "confirmation.eml").write_text(CONFIRMATION, encoding="utf-8")
        env = {**os.environ, "TOOLKIT_CONFIG_DIR": str(settings)}
        env.pop("TOOLKIT_REGISTRE", None)
        env.pop("PYTHONIOENCODING", None)
        if encoding:
            env["PYTHONIOENCODING"] = encoding
        for step in steps(office / "registre_reclamations.xlsx", mail):
            started = time.monotonic()
            ok, why = run_step(toolkit, step, cwd, env)
            seconds = time.monotonic() - started
            print(f"[{label}] {'ok  ' if ok else 'ÉCHEC'} {step.name} ({seconds:.1f} s)",
                  flush=True)
            if not ok:
                print(why, flush=True)
            passed, failed = passed + ok, failed + (not ok)
        leftovers = sorted(p.name for p in cwd.iterdir() if p.name != "demo")
        where = office / "rapports" / f"rapport_{MONTH}.html"
        for ok, what in ((not leftovers, f"rien d'écrit dans le dossier courant {leftovers}"),
                         (where.is_file(), f"rapport à côté du registre ({where})"),
                         (any(office.glob("audit_reclamations_*.zip")),
                          "archive d'audit à côté du registre")):
            print(f"[{label}] {'ok  ' if ok else 'ÉCHEC'} {what}", flush=True)
            passed, failed = passed + ok, failed + (not ok)
    return passed, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toolkit", default=shutil.which("toolkit"),
                        help="the installed console script (default: toolkit on PATH)")
    parser.add_argument("--only-encoding", default=None,
                        help="run one sequence with this PYTHONIOENCODING only")
    args = parser.parse_args()
    if not args.toolkit:
        print("toolkit introuvable (--toolkit CHEMIN)", file=sys.stderr)
        return 2
    args.toolkit = str(Path(args.toolkit).resolve())  # the commands run from other folders
    started = time.monotonic()
    encodings = [args.only_encoding] if args.only_encoding else [None, "cp850"]
    totals = [run_sequence(args.toolkit, encoding) for encoding in encodings]
    passed, failed = sum(t[0] for t in totals), sum(t[1] for t in totals)
    print(f"smoke test: {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
