"""What ``toolkit letters`` and ``toolkit templates`` print (pure: returns French text)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from toolkit.dates import date_fr
from toolkit.display import format_table, plural, shown_path
from toolkit.letters.batch import ALL_TYPES, Outcome
from toolkit.letters.rendering import TemplateReport
from toolkit.rules.columns import header_of
from toolkit.rules.letters import CONTEXT_FIELDS, LABELS, PROMISED_COLUMN


def _label(type_id: str) -> str:
    return LABELS.get(type_id, "tous les courriers" if type_id == ALL_TYPES else type_id)


def _made_table(made: Sequence[Outcome]) -> str:
    rows = [(o.numero, o.ligne, _label(o.type_id), shown_path(o.path)) for o in made]
    return format_table(("Numéro", "Ligne", "Courrier", "Fichier"), rows)


def _skipped_table(skipped: Sequence[Outcome]) -> str:
    rows = [(o.numero, o.ligne, _label(o.type_id), o.reason) for o in skipped]
    return format_table(("Numéro", "Ligne", "Courrier", "Raison"), rows)


def renamed_lines(renamed) -> list[str]:
    """One line per dossier folder renamed after its client's name was corrected."""
    return [f"Dossier renommé d'après le nom corrigé au registre : {old.name} → {new.name}"
            for old, new in renamed]


def _files_made(run) -> list[str]:
    parts = []
    if run.pdfs or run.pdf_failures:
        parts.append(f"\nPDF : {plural(len(run.pdfs), 'copie produite', 'copies produites')}.")
        parts += [f"  conversion PDF impossible : {shown_path(p)}" for p in run.pdf_failures]
    if run.plan.options.eml:
        drafts = plural(len(run.drafts), "brouillon de courriel écrit",
                        "brouillons de courriel écrits")
        parts.append(f"\n{drafts} (.eml, à ouvrir et envoyer depuis la messagerie).")
        parts += [f"  {message}" for message in run.draft_failures]
    return parts


def letters_summary(result) -> str:
    """The summary of ``toolkit letters`` (an ``api.LettersResult``): letters made, due
    letters skipped and why, PDFs and drafts, summary sheets."""
    run, plan = result.run, result.run.plan
    parts = [f"{plural(len(run.made), 'courrier produit', 'courriers produits')}."]
    if run.made:
        parts.append(_made_table(sorted(run.made, key=lambda o: (o.ligne, o.type_id))))
    if plan.skipped:
        count = plural(len(plan.skipped), "courrier dû non produit", "courriers dus non produits")
        parts.append(f"\n{count} :")
        parts.append(_skipped_table(sorted(plan.skipped, key=lambda o: (o.ligne, o.type_id))))
    parts += [f"\nRéclamation n° {numero} introuvable dans le registre : aucun courrier."
              for numero in plan.unknown]
    parts += renamed_lines(plan.renamed)
    parts += _files_made(run)
    fiches = result.fiches
    written = plural(fiches.written, "fiche de synthèse mise à jour",
                     "fiches de synthèse mises à jour")
    parts.append(f"\n{written} dans {shown_path(plan.dossiers)} "
                 f"({plural(fiches.unchanged, 'inchangée', 'inchangées')}).")
    parts += [f"  {message}" for message in fiches.failures]
    return "\n".join(parts)


def needs_attention(result) -> bool:
    """A due letter blocked (address, mediator...), a register problem or a failed PDF:
    worth exit code 1. Letters already made or superseded are not."""
    run = result.run
    return (any(o.attention for o in run.plan.skipped) or not run.plan.report.ok
            or bool(run.pdf_failures) or bool(run.plan.unknown))


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


_PROMISES_LISTED = 10


def _promises(updates) -> list[str]:
    promises = [(ligne, day) for ligne, key, day in updates if key == PROMISED_COLUMN]
    if len(promises) > _PROMISES_LISTED:
        return [f"{len(promises)} dates de réponse annoncées inscrites (colonne « Date de "
                "réponse annoncée »)."]
    return [f"Date de réponse annoncée au client (ligne {ligne}) : {date_fr(day)}."
            for ligne, day in promises]


def _saved(backup: Path | None) -> str:
    return f" (copie de sauvegarde : {shown_path(backup)})" if backup else ""


def sent_dates_summary(result) -> str:
    """What ``--mark-sent`` wrote into the register (an ``api.LettersResult``)."""
    dates = plural(len(result.run.made), "date d'envoi inscrite", "dates d'envoi inscrites")
    lines = [f"\n{dates} au registre, au {date_fr(result.run.plan.today)}"
             f"{_saved(result.backup)}.", *_promises(result.updates)]
    return "\n".join(lines)


def _sent_line(record) -> str:
    ligne, key, day = record.updates[0]
    return f"{header_of(key)} = {date_fr(day)} (ligne {ligne})"


def _sent_files(record) -> list[str]:
    lines = []
    if record.pdf is not None:
        lines.append(f"Copie PDF produite : {shown_path(record.pdf)}")
    if record.draft is not None:
        lines.append(f"Brouillon de courriel mis à jour, PDF joint : {shown_path(record.draft)}")
    return lines


def sent_summary(result) -> str:
    """What ``toolkit sent`` recorded (an ``api.SentResult``): each letter, the one backup,
    the PDFs made; the refusals are :func:`sent_refusals`."""
    label = _label(result.type_id)
    if not result.recorded:
        return "Aucun envoi inscrit au registre." if result.refused else \
            f"Aucun courrier « {label} » produit et non inscrit : rien à inscrire."
    if len(result.recorded) == 1:
        (record,) = result.recorded
        lines = [f"Envoi du courrier « {label} » de la réclamation n° {record.numero} inscrit "
                 f"au registre : {_sent_line(record)}{_saved(result.backup)}."]
    else:
        lines = [f"{len(result.recorded)} envois du courrier « {label} » inscrits au registre "
                 f"en une fois{_saved(result.backup)} :"]
        lines += [f"  n° {record.numero} : {_sent_line(record)}" for record in result.recorded]
    lines += _promises(result.updates) + renamed_lines(result.renamed)
    lines += [line for record in result.recorded for line in _sent_files(record)]
    lines += [f"Conversion PDF impossible : {shown_path(path)}" for path in result.pdf_failures]
    return "\n".join(lines)


def sent_refusals(result) -> str:
    """The numbers ``toolkit sent`` did not record, each with why."""
    count = plural(len(result.refused), "envoi non inscrit", "envois non inscrits")
    return "\n".join([f"{count} :", *(f"  n° {numero} : {why}"
                                        for numero, why in result.refused)])
