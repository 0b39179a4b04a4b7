"""``toolkit letters``: which letters to make for a register, making them, and the dossiers.

Three steps, so that the register write sits between the letters and the summary sheets
(which must show the dates just recorded): :func:`plan_letters` decides (pure but for
looking at which files exist), :func:`make_letters` writes the letters, their PDF copies
and e-mail drafts, :func:`refresh_fiches` rewrites the summary sheets whose content
changed. Nothing is printed here; :func:`toolkit.api.produce_letters` runs the three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from toolkit.dates import date_fr
from toolkit.errors import UsageError
from toolkit.letters.dossiers import (
    FicheJob,
    dossier_dir,
    dossier_documents,
    dossier_index,
    dossiers_root,
    fiche_path,
    file_day,
    follow_client_name,
    letter_slot,
    pending_types,
    register_values,
    write_fiche,
)
from toolkit.letters.manifest import Manifest, load_manifest
from toolkit.letters.rendering import RenderJob, parallel_map, render_all
from toolkit.places import template_path
from toolkit.resources import LETTERS, shipped_dir
from toolkit.rules.codes import STRUCTURAL_CODES
from toolkit.rules.letters import (
    LETTER_TYPES,
    PROMISED_COLUMN,
    SENT_COLUMN,
    build_context,
    delivery_problem,
    due_types,
    promised_update,
    refusal,
    superseded,
)
from toolkit.rules.records import Register, frame_records
from toolkit.rules.status import STATUS_LABELS, complaint_status
from toolkit.rules.validation import ValidationReport, validate

TEMPLATES_DIR = shipped_dir(LETTERS)  # the shipped templates; see places.template_path
ALL_TYPES = "—"


@dataclass(frozen=True)
class LetterOptions:
    """What ``toolkit letters`` makes. ``numeros`` (``--numero`` repeated) and ``numero`` (one
    number) limit the run to those complaints; neither: every complaint."""

    types: tuple[str, ...] = LETTER_TYPES
    numero: str | None = None
    dossiers: Path | None = None
    templates: Path | None = None
    force: bool = False
    pdf: bool = False
    eml: bool = False
    numeros: tuple[str, ...] = ()

    @property
    def chosen(self) -> tuple[str, ...]:
        """The numbers asked for, each once, in the order typed."""
        typed = (*self.numeros, *((self.numero,) if self.numero else ()))
        return tuple(dict.fromkeys(numero.strip() for numero in typed))


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
    dossier_of: dict[int, Path] = field(default_factory=dict)  # Excel row → dossier
    rows: dict[int, dict] = field(default_factory=dict)  # Excel row → register row
    unknown: list[str] = field(default_factory=list)  # numbers asked for, not in the register
    renamed: list[tuple[Path, Path]] = field(default_factory=list)  # dossiers (old, new name)
    manifest: Manifest | None = None  # the dates the dossiers' letters carry

    @property
    def steps(self) -> int:
        return len(self.jobs)


@dataclass
class LetterRun:
    plan: LetterPlan
    made: list[Outcome]
    pdfs: list[Path] = field(default_factory=list)
    pdf_failures: list[Path] = field(default_factory=list)
    drafts: list[Path] = field(default_factory=list)
    draft_failures: list[str] = field(default_factory=list)

    def sent_updates(self) -> list[tuple[int, str, date]]:
        """``(Excel row, column key, date)`` for ``--mark-sent``: one per letter made, and
        the new reply date a letter announces when the previous promise had passed."""
        updates = []
        for outcome in self.made:
            updates.append((outcome.ligne, SENT_COLUMN[outcome.type_id], self.plan.today))
            promised = promised_update(outcome.type_id, self.plan.rows[outcome.ligne],
                                       self.plan.register.params, self.plan.today)
            if promised is not None:
                updates.append((outcome.ligne, PROMISED_COLUMN, promised))
        return updates


@dataclass
class FicheRun:
    """The summary sheets of a run: how many were rewritten, left as they were, failed."""

    written: int = 0
    unchanged: int = 0
    failures: list[str] = field(default_factory=list)


def _row_blocks(register: Register, report: ValidationReport) -> dict[int, str]:
    """Excel row → why no letter can be made from it (the register must be fixed first)."""
    blocks: dict[int, str] = {}
    for problem in report.errors:  # a warning (a date typed as text) blocks nothing
        if problem.code not in STRUCTURAL_CODES:
            blocks.setdefault(problem.ligne, f"ligne à corriger, « {problem.colonne} » : "
                                             f"{problem.message} (voir « toolkit check »)")
    return blocks


def not_found(numeros: list[str], register_path: Path) -> UsageError:
    """The French error naming every number the register does not hold."""
    if len(numeros) == 1:
        return UsageError(f"Réclamation n° {numeros[0]} introuvable dans {register_path}.")
    return UsageError(f"Réclamations n° {', '.join(numeros)} introuvables dans "
                      f"{register_path}.")


def _selected_rows(register: Register, numeros: tuple[str, ...]) -> tuple[list[dict], list[str]]:
    """(the rows of ``numeros``, or every row when none is given; the numbers not found).
    Refuse when none of the numbers is in the register."""
    rows = list(frame_records(register.frame, list(register.frame.columns)))
    if not numeros:
        return rows, []
    chosen = [row for row in rows if str(row.get("numero") or "").strip() in numeros]
    found = {str(row.get("numero") or "").strip() for row in chosen}
    unknown = [numero for numero in numeros if numero not in found]
    if not chosen:
        raise not_found(unknown, register.path)
    return chosen, unknown


def _expected_skip(plan: LetterPlan, row: dict, type_id: str, slot: tuple[Path, bool],
                   due: list[str]) -> str | None:
    target, pending = slot
    if pending and not plan.options.force:
        return (f"déjà produit ({target.name}), prêt à envoyer : toolkit sent --numero "
                f"{row['numero']} --type {type_id} ; --force pour le refaire")
    return superseded(type_id, row, due)


def _letter_for(plan: LetterPlan, row: dict, type_id: str, dossier: Path,
                due: list[str]) -> None:
    numero, ligne = str(row["numero"]), int(row["ligne"])
    sent = row.get(SENT_COLUMN[type_id])
    slot = letter_slot(dossier, numero, type_id, sent if isinstance(sent, date) else None,
                       manifest_day(plan.manifest))
    target = slot[0]
    expected = _expected_skip(plan, row, type_id, slot, due)
    if expected is not None:
        plan.skipped.append(Outcome(numero, ligne, type_id, None, expected, attention=False))
        return
    params = plan.register.params
    reason = delivery_problem(row) or refusal(type_id, row, params, plan.today)
    if reason is not None:
        plan.skipped.append(Outcome(numero, ligne, type_id, None, reason))
        return
    context = build_context(type_id, row, params, plan.today)
    template = template_path(type_id, plan.register.path, plan.options.templates)
    plan.jobs.append(RenderJob(template, context, target))
    plan.planned.append(Outcome(numero, ligne, type_id, target))


def _dossier_of(plan: LetterPlan, row: dict, index: dict[str, Path]) -> Path:
    """The row's dossier, renamed first when the client's name was corrected."""
    found = dossier_dir(plan.dossiers, row["numero"], row.get("nom"), index)
    dossier = follow_client_name(plan.dossiers, found, row["numero"], row.get("nom"))
    if dossier != found:
        plan.renamed.append((found, dossier))
    return dossier


def plan_letters(register: Register, today: date,
                 options: LetterOptions | None = None) -> LetterPlan:
    """Decide every letter to make and every due letter to skip, with its French reason."""
    options = options or LetterOptions()
    root = dossiers_root(register.path, options.dossiers)
    report = validate(register, today)
    plan = LetterPlan(register, today, options, root, report, manifest=load_manifest(root))
    blocks = _row_blocks(register, report)
    index = dossier_index(root)
    rows, plan.unknown = _selected_rows(register, options.chosen)
    for row in rows:
        ligne = int(row["ligne"])
        if ligne in blocks:
            plan.skipped.append(Outcome(str(row.get("numero") or ""), ligne, ALL_TYPES, None,
                                        blocks[ligne]))
            continue
        dossier = _dossier_of(plan, row, index)
        plan.rows[ligne], plan.dossier_of[ligne] = row, dossier
        due = due_types(row, today, register.params.preavis_suivi)
        for type_id in due:
            if type_id in options.types:
                _letter_for(plan, row, type_id, dossier, due)
    return plan


def _record_letters(plan: LetterPlan, made: list[Outcome], manifest: Manifest) -> None:
    for outcome in made:
        manifest.record_letter(outcome.path, plan.today, promised_update(
            outcome.type_id, plan.rows[outcome.ligne], plan.register.params, plan.today))


def _write_drafts(run: LetterRun) -> None:
    from toolkit.letters.drafts import write_draft

    params = run.plan.register.params
    pdfs = set(run.pdfs)
    for outcome in run.made:
        row = run.plan.rows[outcome.ligne]
        if not str(row.get("courriel") or "").strip():
            continue
        pdf = outcome.path.with_suffix(".pdf")
        try:
            run.drafts.append(write_draft(outcome.path, row, params,
                                          pdf if pdf in pdfs else None))
        except OSError as error:
            run.draft_failures.append(f"{outcome.path.with_suffix('.eml').name} : brouillon "
                                      f"non écrit ({error.strerror or error})")


def make_letters(plan: LetterPlan, manifest: Manifest | None = None,
                 progress=None) -> LetterRun:
    """Write the planned letters (in parallel when many), their PDFs and e-mail drafts;
    record in ``manifest`` the date each letter carries."""
    from toolkit.letters.pdf import convert_to_pdf
    from toolkit.libreoffice import require_soffice

    if plan.options.pdf:
        require_soffice()  # before any letter is written: a missing LibreOffice stops it all
    for job in plan.jobs:  # a PDF or a draft of the letter replaced would no longer match it
        for stale in (job.target.with_suffix(".pdf"), job.target.with_suffix(".eml")):
            stale.unlink(missing_ok=True)
    render_all(plan.jobs, progress=progress)
    run = LetterRun(plan, list(plan.planned))
    if manifest is not None:
        _record_letters(plan, run.made, manifest)
    if plan.options.pdf and plan.jobs:
        run.pdfs, run.pdf_failures = convert_to_pdf(job.target for job in plan.jobs)
    if plan.options.eml:
        _write_drafts(run)
    return run


# --- summary sheets -----------------------------------------------------------------------

def manifest_day(manifest: Manifest | None):
    """``day_of(path)``: the day a letter carries, from the manifest, else its file's date."""
    def day_of(path: Path) -> date:
        record = manifest.letter(path) if manifest is not None else None
        return record.day if record is not None else file_day(path)
    return day_of


def fiche_job(row: dict, params, today: date, dossier: Path,
              manifest: Manifest) -> tuple[FicheJob, bool]:
    """What the summary sheet of ``row`` shows on ``today``, and whether the sheet exists."""
    contents = dossier_documents(dossier, row["numero"], manifest.letter_dates(dossier))
    ready = pending_types(dossier, row, contents.names, manifest_day(manifest))
    status = complaint_status(row, params.zone, today, params.preavis_suivi, ready)
    deadlines = (
        ("Accusé de réception", f"{date_fr(status.echeance_accuse)}",
         STATUS_LABELS[status.statut_accuse]),
        ("Réponse au client", f"{date_fr(status.echeance_reponse)}",
         STATUS_LABELS[status.statut_reponse]),
        ("Prochaine action", "", status.prochaine_action),
    )
    target = fiche_path(dossier, row["numero"])
    job = FicheJob(target, str(row["numero"]), register_values(row), deadlines,
                   contents.letters, contents.others, today)
    return job, target.name in contents.names


def with_updates(rows: dict[int, dict], updates: list[tuple[int, str, date]]
                 ) -> dict[int, dict]:
    """The rows as the register holds them after ``updates`` were written (copied, O(k))."""
    changed = dict(rows)
    for ligne, key, day in updates:
        if ligne in changed:
            changed[ligne] = {**changed[ligne], key: day}
    return changed


def _write_fiche_reporting(job: FicheJob) -> str:
    """Write one summary sheet; an error (file open in Word...) is returned, not raised."""
    try:
        write_fiche(job)
    except OSError as error:
        return f"{job.target.name} : fiche non mise à jour ({error.strerror or error})"
    return ""


def write_fiches(jobs: list[tuple[FicheJob, bool]], manifest: Manifest,
                 progress=None) -> FicheRun:
    """Write the sheets that are missing or whose content changed (by digest)."""
    changed = [(job, job.digest()) for job, _ in jobs]
    changed = [(job, digest) for (job, exists), (_, digest) in zip(jobs, changed, strict=True)
               if not (exists and manifest.fiches.get(manifest.key(job.target)) == digest)]
    result = FicheRun(unchanged=len(jobs) - len(changed))
    messages = parallel_map(_write_fiche_reporting, [job for job, _ in changed],
                            progress=progress)
    for (job, digest), message in zip(changed, messages, strict=True):
        if message:
            result.failures.append(message)
        else:
            manifest.record_fiche(job.target, digest)
            result.written += 1
    return result


def refresh_fiches(plan: LetterPlan, manifest: Manifest,
                   updates: list[tuple[int, str, date]] = (), progress=None) -> FicheRun:
    """Bring every selected complaint's summary sheet up to date, after the register write
    (``updates``: what it wrote)."""
    rows = with_updates(plan.rows, list(updates))
    params = plan.register.params
    jobs = [fiche_job(row, params, plan.today, plan.dossier_of[ligne], manifest)
            for ligne, row in rows.items()]
    return write_fiches(jobs, manifest, progress)
