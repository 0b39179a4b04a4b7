"""French summaries printed by ``toolkit intake`` and ``toolkit new`` (pure: text out)."""

from __future__ import annotations

from toolkit.dates import date_fr
from toolkit.display import format_table, plural, shown_path
from toolkit.intake.mail import (
    ALREADY,
    COMPLAINT,
    FOLLOW_UP,
    NOT_QUALIFIED,
    UNUSABLE,
    Decision,
    strip_reply_prefixes,
)
from toolkit.intake.recording import Filed, IntakeResult

MAX_SUBJECT = 50


def _subject(decision: Decision) -> str:
    subject = strip_reply_prefixes(decision.mail.subject) or "(sans objet)"
    return subject if len(subject) <= MAX_SUBJECT else subject[:MAX_SUBJECT - 1] + "…"


def _sender(decision: Decision) -> str:
    mail = decision.mail
    return f"{mail.sender_name} <{mail.sender_address}>" if mail.sender_address else \
        mail.sender_name or "(expéditeur inconnu)"


def _complaints_table(decisions: list[Decision], result: IntakeResult) -> str:
    rows = [(d.numero, date_fr(d.mail.received), d.mail.sender_name, _subject(d),
             plural(len(result.saved.get(d.numero, [])), "fichier", "fichiers"))
            for d in decisions]
    headers = ("Numéro", "Reçue le", "Client", "Objet", "Au dossier")
    if result.dry_run:
        rows = [row[:4] for row in rows]
        headers = headers[:4]
    return format_table(headers, rows)


def _others_table(decisions: list[Decision], with_numero: bool) -> str:
    rows = [((d.numero or "—",) if with_numero else ()) +
            (_sender(d), _subject(d), d.reason or d.mail.source) for d in decisions]
    headers = (("Numéro",) if with_numero else ()) + ("Expéditeur", "Objet", "Détail")
    return format_table(headers, rows)


# (kind, with a number column, heading for one message, heading for several)
_SECTIONS = (
    (FOLLOW_UP, True,
     "suite d'une réclamation enregistrée — classée au dossier de la réclamation citée dans "
     "l'objet",
     "suites d'une réclamation enregistrée — classées au dossier de la réclamation citée "
     "dans l'objet"),
    (ALREADY, True, "déjà enregistré — rien n'est enregistré une seconde fois",
     "déjà enregistrés — rien n'est enregistré une seconde fois"),
    (NOT_QUALIFIED, False,
     "non qualifié (demande d'information ?) — pas de « Réclamation » dans l'objet : laissé "
     "de côté, à traiter comme demande d'information",
     "non qualifiés (demande d'information ?) — pas de « Réclamation » dans l'objet : "
     "laissés de côté, à traiter comme demandes d'information"),
    (UNUSABLE, False, "à saisir à la main — à saisir avec « toolkit new »",
     "à saisir à la main — à saisir avec « toolkit new »"),
)


def intake_summary(result: IntakeResult) -> str:
    """What was registered (with numbers), followed up, already known and left aside."""
    complaints = result.of_kind(COMPLAINT)
    count = len(complaints)
    if result.dry_run:
        headline = f"{plural(count, 'réclamation', 'réclamations')} à enregistrer."
    else:
        headline = f"{plural(count, 'réclamation enregistrée', 'réclamations enregistrées')}."
    parts = [headline]
    if complaints:
        parts.append(_complaints_table(complaints, result))
    for kind, with_numero, one, several in _SECTIONS:
        found = result.of_kind(kind)
        if found:
            parts.append(f"{plural(len(found), one, several)} :\n"
                         f"{_others_table(found, with_numero)}")
    parts += [f"Erreur : {failure}" for failure in result.failures]
    if result.dry_run:
        parts.append("Simulation (--dry-run) : ni le registre ni les dossiers n'ont été "
                     "modifiés.")
    return "\n\n".join(parts)


def new_summary(filed: Filed) -> str:
    lines = [f"Réclamation {filed.numero} enregistrée (ligne {filed.ligne} du registre), "
             f"reçue le {date_fr(filed.row['date_reclamation'])}.",
             f"Dossier : {shown_path(filed.dossier)}"]
    lines += [f"Réclamation écrite copiée : {path.name}" for path in filed.files]
    return "\n".join(lines)
