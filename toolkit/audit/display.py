"""What ``toolkit audit`` prints (pure: the audit result in, French text out)."""

from __future__ import annotations

from toolkit.audit.archive import AuditResult
from toolkit.audit.page import percent_fr
from toolkit.dates import date_fr
from toolkit.display import plural, shown_path


def audit_summary_text(result: AuditResult) -> str:
    summary, contents = result.summary, result.contents
    lines = [f"Archive d'audit : {shown_path(result.path)}",
             f"Du {date_fr(summary.du)} au {date_fr(summary.au)} : "
             f"{plural(summary.total, 'réclamation reçue', 'réclamations reçues')}.",
             f"Accusés dans les 10 jours ouvrables : {percent_fr(summary.ack)} ; "
             f"réponses dans le mois : {percent_fr(summary.reply)} ; "
             f"{plural(len(summary.late_cases), 'délai non tenu', 'délais non tenus')}.",
             f"{plural(len(contents.dossiers), 'dossier', 'dossiers')}, "
             f"{plural(len(contents.reports), 'rapport mensuel', 'rapports mensuels')} "
             "dans l'archive."]
    if contents.missing_dossiers:
        lines.append(f"Dossier absent : {', '.join(contents.missing_dossiers)}.")
    lines += [f"Rapport non produit : {failure}" for failure in contents.report_failures]
    return "\n".join(lines)
