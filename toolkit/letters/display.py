"""What ``toolkit letters`` and ``toolkit templates`` print (pure: returns French text)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from toolkit.dates import date_fr
from toolkit.display import format_table, plural, shown_path
from toolkit.letters.batch import ALL_TYPES, LetterRun, Outcome
from toolkit.letters.rendering import TemplateReport
from toolkit.letters.rules import CONTEXT_FIELDS, LABELS


def _label(type_id: str) -> str:
    return LABELS.get(type_id, "tous les courriers" if type_id == ALL_TYPES else type_id)


def _made_table(made: Sequence[Outcome]) -> str:
    rows = [(o.numero, o.ligne, _label(o.type_id), shown_path(o.path)) for o in made]
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
        count = plural(len(plan.skipped), "courrier dû non produit", "courriers dus non produits")
        parts.append(f"\n{count} :")
        parts.append(_skipped_table(sorted(plan.skipped, key=lambda o: (o.ligne, o.type_id))))
    if run.pdfs or run.pdf_failures:
        parts.append(f"\nPDF : {plural(len(run.pdfs), 'produit', 'produits')}.")
        parts += [f"  conversion PDF impossible : {shown_path(p)}" for p in run.pdf_failures]
    fiches = plural(len(plan.fiches) - len(run.fiche_failures), "fiche de synthèse mise à jour",
                    "fiches de synthèse mises à jour")
    parts.append(f"\n{fiches} dans {shown_path(plan.dossiers)}.")
    parts += [f"  {message}" for message in run.fiche_failures]
    return "\n".join(parts)


def needs_attention(run: LetterRun) -> bool:
    """A due letter blocked (address, mediator...), a register problem or a failed PDF:
    worth exit code 1. Letters already made or superseded are not."""
    return (any(o.attention for o in run.plan.skipped) or not run.plan.report.ok
            or bool(run.pdf_failures))


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


def sent_dates_summary(run: LetterRun, backup: Path | None) -> str:
    """What ``--mark-sent`` wrote into the register."""
    dates = plural(len(run.made), "date d'envoi inscrite", "dates d'envoi inscrites")
    saved = f" (copie de sauvegarde : {shown_path(backup)})" if backup else ""
    return f"\n{dates} au registre, au {date_fr(run.plan.today)}{saved}."
