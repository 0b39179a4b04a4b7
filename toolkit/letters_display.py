"""What ``toolkit letters`` and ``toolkit templates`` print (pure: returns French text)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .display import format_table, plural
from .letter_batch import ALL_TYPES, LetterRun, Outcome
from .letters import CONTEXT_FIELDS, LABELS
from .rendering import TemplateReport


def _shown_path(path: Path) -> str:
    """Relative to the current folder when inside it: shorter in a terminal."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _label(type_id: str) -> str:
    return LABELS.get(type_id, "tous les courriers" if type_id == ALL_TYPES else type_id)


def _made_table(made: Sequence[Outcome]) -> str:
    rows = [(o.numero, o.ligne, _label(o.type_id), _shown_path(o.path)) for o in made]
    return format_table(("Numéro", "Ligne", "Courrier", "Fichier"), rows)


def _skipped_table(skipped: Sequence[Outcome]) -> str:
    rows = [(o.numero, o.ligne, _label(o.type_id), o.reason) for o in skipped]
    return format_table(("Numéro", "Ligne", "Courrier", "Raison"), rows)


def letters_summary(run: LetterRun) -> str:
    """The summary table of a run: letters made, due letters skipped and why, dossiers."""
    plan = run.plan
    parts = [f"{plural(len(run.made), 'courrier produit', 'courriers produits')}."]
    if run.made:
        parts.append(_made_table(sorted(run.made, key=lambda o: (o.ligne, o.type_id))))
    if plan.skipped:
        parts.append(f"\n{plural(len(plan.skipped), 'courrier dû non produit', 'courriers dus non produits')} :")
        parts.append(_skipped_table(sorted(plan.skipped, key=lambda o: (o.ligne, o.type_id))))
    if run.pdfs or run.pdf_failures:
        parts.append(f"\nPDF : {len(run.pdfs)} produit(s).")
        parts += [f"  conversion PDF impossible : {_shown_path(p)}" for p in run.pdf_failures]
    fiches = len(plan.fiches) - len(run.fiche_failures)
    parts.append(f"\n{plural(fiches, 'fiche de synthèse mise à jour', 'fiches de synthèse mises à jour')} "
                 f"dans {_shown_path(plan.dossiers)}.")
    parts += [f"  {message}" for message in run.fiche_failures]
    return "\n".join(parts)


def needs_attention(run: LetterRun) -> bool:
    """Something due was not made for a reason other than "already made", or the register
    has problems: worth exit code 1."""
    blocked = [o for o in run.plan.skipped if not o.reason.startswith("déjà produit")]
    return bool(blocked) or not run.plan.report.ok or bool(run.pdf_failures)


def templates_summary(reports: Sequence[TemplateReport]) -> str:
    """Each template's fields, its unknown fields, then the fields the toolkit provides."""
    lines = []
    for report in reports:
        if report.error:
            lines.append(f"{report.path.name} : ERREUR — {report.error}")
            continue
        state = "ok" if report.ok else "À CORRIGER"
        lines.append(f"{report.path.name} : {state} — champs : {', '.join(report.fields)}")
        if report.unknown:
            lines.append(f"  champs inconnus (à corriger dans Word) : {', '.join(report.unknown)}")
    lines.append("\nChamps disponibles :")
    lines.append(format_table(("Champ", "Contenu"), sorted(CONTEXT_FIELDS.items())))
    return "\n".join(lines)
