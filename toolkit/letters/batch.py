"""``toolkit letters``: which letters to make for a register, making them, and the dossiers.

Two steps so that the command line can size its progress bar: :func:`plan_letters` decides
(pure but for looking at which files exist), :func:`make_letters` writes the letters, their
PDF copies and every dossier's summary sheet. Nothing is printed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from toolkit.dates import date_fr
from toolkit.errors import LetterRefused, UsageError
from toolkit.letters.dossiers import (
    FicheJob,
    dossier_dir,
    dossiers_root,
    fiche_path,
    letter_path,
    register_fields,
    write_fiche,
)
from toolkit.letters.rendering import RenderJob, parallel_map, render_all
from toolkit.letters.rules import (
    LETTER_TYPES,
    SENT_COLUMN,
    build_context,
    delivery_problem,
    due_types,
    superseded,
)
from toolkit.places import template_path
from toolkit.register.codes import STRUCTURAL_CODES
from toolkit.register.reading import Register
from toolkit.register.status import STATUS_LABELS, complaint_status
from toolkit.register.validation import ValidationReport, validate
from toolkit.resources import LETTERS, shipped_dir

TEMPLATES_DIR = shipped_dir(LETTERS)  # the shipped templates; see places.template_path
ALL_TYPES = "—"


@dataclass(frozen=True)
class LetterOptions:
    types: tuple[str, ...] = LETTER_TYPES
    numero: str | None = None
    dossiers: Path | None = None
    templates: Path | None = None
    force: bool = False
    pdf: bool = False


@dataclass(frozen=True)
class Outcome:
    """A letter made (``reason`` empty) or due but not made, and why."""

    numero: str
    ligne: int
    type_id: str
    path: Path | None
    reason: str = ""
    attention: bool = True  # False: skipped as it should be (already made, superseded)


@dataclass
class LetterPlan:
    register: Register
    today: date
    options: LetterOptions
    dossiers: Path
    report: ValidationReport
    jobs: list[RenderJob] = field(default_factory=list)
    planned: list[Outcome] = field(default_factory=list)  # one per job, same order
    skipped: list[Outcome] = field(default_factory=list)
    fiches: list[FicheJob] = field(default_factory=list)

    @property
    def steps(self) -> int:
        return len(self.jobs) + len(self.fiches)


@dataclass
class LetterRun:
    plan: LetterPlan
    made: list[Outcome]
    pdfs: list[Path] = field(default_factory=list)
    pdf_failures: list[Path] = field(default_factory=list)
    fiche_failures: list[str] = field(default_factory=list)

    def sent_updates(self) -> list[tuple[int, str, date]]:
        """``(Excel row, column key, date)`` for ``--mark-sent``: one per letter made."""
        return [(o.ligne, SENT_COLUMN[o.type_id], self.plan.today) for o in self.made]


def _row_blocks(register: Register, report: ValidationReport) -> dict[int, str]:
    """Excel row → why no letter can be made from it (the register must be fixed first)."""
    blocks: dict[int, str] = {}
    for problem in report.errors:  # a warning (a date typed as text) blocks nothing
        if problem.code not in STRUCTURAL_CODES:
            blocks.setdefault(problem.ligne, f"ligne à corriger, « {problem.colonne} » : "
                                             f"{problem.message} (voir « toolkit check »)")
    return blocks


def _selected_rows(register: Register, numero: str | None) -> list[dict]:
    rows = register.frame.to_dict("records")
    if numero is None:
        return rows
    chosen = [row for row in rows if str(row.get("numero") or "").strip() == numero.strip()]
    if not chosen:
        raise UsageError(f"Réclamation n° {numero} introuvable dans {register.path}.")
    return chosen


def _expected_skip(plan: LetterPlan, row: dict, type_id: str, target: Path,
                   due: list[str]) -> str | None:
    if target.exists() and not plan.options.force:
        return f"déjà produit ({target.name}) ; --force pour le refaire"
    return superseded(type_id, row, due)


def _letter_for(plan: LetterPlan, row: dict, type_id: str, dossier: Path,
                due: list[str]) -> None:
    numero, ligne = str(row["numero"]), int(row["ligne"])
    target = letter_path(dossier, numero, type_id)
    expected = _expected_skip(plan, row, type_id, target, due)
    if expected is not None:
        plan.skipped.append(Outcome(numero, ligne, type_id, None, expected, attention=False))
        return
    reason = delivery_problem(row)
    context = None
    if reason is None:
        try:
            context = build_context(type_id, row, plan.register.params, plan.today)
        except LetterRefused:
            reason = "médiateur non renseigné (feuille Paramètres) : réponse refusée"
    if reason is not None:
        plan.skipped.append(Outcome(numero, ligne, type_id, None, reason))
        return
    template = template_path(type_id, plan.register.path, plan.options.templates)
    plan.jobs.append(RenderJob(template, context, target))
    plan.planned.append(Outcome(numero, ligne, type_id, target))


def _fiche_for(plan: LetterPlan, row: dict, dossier: Path) -> FicheJob:
    params = plan.register.params
    status = complaint_status(row, params.zone, plan.today, params.preavis_suivi)
    deadlines = (
        ("Accusé de réception", date_fr(status.echeance_accuse),
         STATUS_LABELS[status.statut_accuse]),
        ("Réponse au client", date_fr(status.echeance_reponse),
         STATUS_LABELS[status.statut_reponse]),
        ("Prochaine action", "", status.prochaine_action),
    )
    return FicheJob(fiche_path(dossier, row["numero"]), str(row["numero"]),
                    register_fields(row), deadlines, plan.today)


def plan_letters(register: Register, today: date,
                 options: LetterOptions | None = None) -> LetterPlan:
    """Decide every letter to make and every due letter to skip, with its French reason."""
    options = options or LetterOptions()
    root = dossiers_root(register.path, options.dossiers)
    report = validate(register, today)
    plan = LetterPlan(register, today, options, root, report)
    blocks = _row_blocks(register, report)
    for row in _selected_rows(register, options.numero):
        ligne = int(row["ligne"])
        if ligne in blocks:
            plan.skipped.append(Outcome(str(row.get("numero") or ""), ligne, ALL_TYPES, None,
                                        blocks[ligne]))
            continue
        dossier = dossier_dir(root, row["numero"], row.get("nom"))
        due = due_types(row, today, register.params.preavis_suivi)
        for type_id in due:
            if type_id in options.types:
                _letter_for(plan, row, type_id, dossier, due)
        plan.fiches.append(_fiche_for(plan, row, dossier))
    return plan


def _write_fiche_reporting(job: FicheJob) -> str:
    """Write one summary sheet; an error (file open in Word...) is returned, not raised."""
    try:
        write_fiche(job)
    except OSError as error:
        return f"{job.target.name} : fiche non mise à jour ({error.strerror or error})"
    return ""


def make_letters(plan: LetterPlan, progress=None) -> LetterRun:
    """Write the planned letters (in parallel when many), their PDFs, the summary sheets."""
    from toolkit.letters.pdf import convert_to_pdf
    from toolkit.libreoffice import require_soffice

    if plan.options.pdf:
        require_soffice()  # before any letter is written: a missing LibreOffice stops it all
    render_all(plan.jobs, progress=progress)
    run = LetterRun(plan, list(plan.planned))
    if plan.options.pdf and plan.jobs:
        run.pdfs, run.pdf_failures = convert_to_pdf(job.target for job in plan.jobs)
    failures = parallel_map(_write_fiche_reporting, plan.fiches, progress=progress)
    run.fiche_failures = [message for message in failures if message]
    return run
