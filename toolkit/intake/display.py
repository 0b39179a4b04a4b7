"""French summaries printed by ``toolkit intake``, ``toolkit new`` and ``toolkit audit``
(pure: results in, text out)."""

from __future__ import annotations

from toolkit.audit.archive import AuditResult
from toolkit.audit.page import percent_fr
from toolkit.display import date_fr, format_table, plural, shown_path
from toolkit.intake.mail import (
    ALREADY,
    COMPLAINT,
    FOLLOW_UP,
    KIND_LABELS,
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
             plural(len(result.saved.get(d.numero, [])), "fichier"))
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


_SECTIONS = (
    (FOLLOW_UP, True, "classé(s) au dossier de la réclamation citée dans l'objet"),
    (ALREADY, True, "rien n'est enregistré une seconde fois"),
    (NOT_QUALIFIED, False, "pas de « Réclamation » dans l'objet : laissés de côté, à "
                           "traiter comme demandes d'information"),
    (UNUSABLE, False, "à saisir avec « toolkit new »"),
)


def intake_summary(result: IntakeResult) -> str:
    """What was registered (with numbers), followed up, already known and left aside."""
    complaints = result.of_kind(COMPLAINT)
    count = len(complaints)
    if result.dry_run:
        headline = f"{plural(count, 'réclamation')} à enregistrer."
    else:
        headline = f"{plural(count, 'réclamation enregistrée', 'réclamations enregistrées')}."
    parts = [headline]
    if complaints:
        parts.append(_complaints_table(complaints, result))
    for kind, with_numero, note in _SECTIONS:
        found = result.of_kind(kind)
        if found:
            parts.append(f"{len(found)} {KIND_LABELS[kind]} — {note} :\n"
                         f"{_others_table(found, with_numero)}")
    parts += [full_text_line(path) for path in result.full_texts]
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
    lines += [full_text_line(path) for path in filed.full_texts]
    return "\n".join(lines)


def full_text_line(path) -> str:
    return (f"Texte trop long pour une cellule Excel : tronqué dans le registre, texte "
            f"complet dans {shown_path(path)}")


def audit_summary_text(result: AuditResult) -> str:
    summary, contents = result.summary, result.contents
    lines = [f"Archive d'audit : {shown_path(result.path)}",
             f"Du {date_fr(summary.du)} au {date_fr(summary.au)} : "
             f"{plural(summary.total, 'réclamation reçue', 'réclamations reçues')}.",
             f"Accusés dans les 10 jours ouvrables : {percent_fr(summary.ack)} ; "
             f"réponses dans le mois : {percent_fr(summary.reply)} ; "
             f"{plural(len(summary.late_cases), 'délai non tenu', 'délais non tenus')}.",
             f"{plural(len(contents.dossiers), 'dossier')}, "
             f"{plural(len(contents.reports), 'rapport mensuel', 'rapports mensuels')} "
             "dans l'archive."]
    if contents.missing_dossiers:
        lines.append(f"Dossier absent : {', '.join(contents.missing_dossiers)}.")
    lines += [f"Rapport non produit : {failure}" for failure in contents.report_failures]
    return "\n".join(lines)
