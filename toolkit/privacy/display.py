"""What ``toolkit rgpd`` prints (pure: plans and results in, French text out).

Shown to the staff running the command: the plan names the person, so that they check whom
they erase; the journal written on disk never does (:mod:`toolkit.privacy.log`).
"""

from __future__ import annotations

from pathlib import Path

from toolkit.dates import date_fr
from toolkit.display import plural, shown_path
from toolkit.privacy.erase import ErasurePlan, ErasureResult
from toolkit.privacy.export import ExportResult

DONE = {"Effacement": "Effacement terminé", "Purge": "Purge terminée"}


def _names(paths: list[Path]) -> str:
    return ", ".join(shown_path(p) for p in paths)


def _row_line(row: dict) -> str:
    received, replied = row.get("date_reclamation"), row.get("date_reponse")
    text = f"  - n° {row.get('numero')} : {row.get('nom') or '—'}"
    if row.get("courriel"):
        text += f" ({row['courriel']})"
    if hasattr(received, "year"):
        text += f", reçue le {date_fr(received)}"
    if hasattr(replied, "year"):
        text += f", répondue le {date_fr(replied)}"
    return text


def plan_text(plan: ErasurePlan, action: str = "Effacement") -> str:
    if plan.empty:
        return f"{action} : rien à effacer."
    lines = [f"{action} des données personnelles de "
             f"{plural(len(plan.numeros), 'réclamation', 'réclamations')} :",
             *map(_row_line, plan.rows),
             f"Registre : {plural(len(plan.rows), 'ligne anonymisée', 'lignes anonymisées')} "
             f"(« {plan.scope.mark} » ; numéro, dates, canal, catégorie, décision et "
             "satisfaction conservés : les statistiques ne changent pas).",
             f"Dossiers supprimés (courriers, brouillons, fiches, courriels) : "
             f"{len(plan.dossiers)}{' — ' + _names(plan.dossiers) if plan.dossiers else ''}.",
             f"Sauvegardes à réécrire : {len(plan.backups)}.",
             f"Archives d'audit à vérifier et réécrire : {len(plan.archives)}"
             f"{' — ' + _names(plan.archives) if plan.archives else ''}.",
             f"Exports à supprimer : {len(plan.exports)}"
             f"{' — ' + _names(plan.exports) if plan.exports else ''}.",
             f"Pages à corriger : {len(plan.pages)}."]
    return "\n".join(lines)


def _outcomes(label: str, outcomes: dict[str, list[Path]]) -> str:
    rewritten, deleted = outcomes.get("réécrite", []), outcomes.get("supprimée", [])
    text = f"{label} : {len(rewritten)} réécrite(s), {len(deleted)} supprimée(s)"
    if deleted:
        text += f" (illisibles ou impossibles à réécrire sans risque : {_names(deleted)})"
    return text + "."


def result_text(result: ErasureResult, action: str = "Effacement") -> str:
    plan = result.plan
    if not result.done:
        if result.refused:
            return "Rien n'a été effacé."
        return plan_text(plan, action) + ("" if plan.empty else
                                          "\nSimulation (--dry-run) : rien n'a été effacé.")
    return "\n".join([
        f"{DONE.get(action, action)} : réclamations {', '.join(plan.numeros)}.",
        f"Registre : {plural(result.rows, 'ligne anonymisée', 'lignes anonymisées')} "
        f"(« {plan.scope.mark} »).",
        f"Dossiers supprimés : {result.dossiers} ; entrées retirées du manifeste des "
        f"courriers : {result.manifest_entries}.",
        _outcomes("Sauvegardes", result.backups),
        _outcomes("Archives d'audit", result.archives),
        f"Exports supprimés : {len(result.exports)} ; pages corrigées : {len(result.pages)}.",
        f"Journal (sans donnée personnelle) : {shown_path(result.journal)}",
    ])


def export_text(result: ExportResult) -> str:
    return (f"Export écrit : {shown_path(result.path)}\n"
            f"{plural(len(result.numeros), 'réclamation', 'réclamations')} "
            f"({', '.join(result.numeros)}), "
            f"{plural(result.files, 'fichier de dossier', 'fichiers de dossier')}.\n"
            "Cet export est une copie des données : remettez-le à la personne puis supprimez-le "
            "(un effacement ultérieur le supprime aussi s'il est encore là).")
