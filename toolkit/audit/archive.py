"""``toolkit audit``: one zip an auditor reads offline.

Layout of the archive::

    synthese.html                      the summary page (audit_page)
    registre/<register file>           a copy of the register as it was read, holding only
                                       the period's complaints (received in it, or still
                                       open in it); the other rows are left empty
    dossiers/<Numéro_Nom>/...          the dossiers of the complaints received in the period
    rapports/rapport_AAAA-MM.html      the monthly reports of the period

The register is copied first and everything is computed from that copy, so the figures
and the copy always agree even if staff save the workbook meanwhile. Monthly reports
already in the reports folder are reused; missing ones are produced by the report library
(and kept there, as ``toolkit report`` would). The zip is written under a temporary name
and renamed: a failed run never leaves half an archive.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from toolkit.atomic import atomic_replace
from toolkit.audit.page import ArchiveContents, render_summary
from toolkit.audit.summary import AuditSummary, audit_summary, in_period, open_in_period
from toolkit.dates import date_fr, months_between
from toolkit.errors import ToolkitError, UsageError
from toolkit.letters.dossiers import dossier_dir, dossiers_root
from toolkit.places import audit_archive, reports_dir
from toolkit.register.copies import blank_rows
from toolkit.register.reading import check_container, read_register
from toolkit.report.notebook import report_filename, write_monthly_report

SUMMARY_NAME = "synthese.html"
# Office lock files and our own temporary files are not evidence.
_SKIPPED_PREFIXES = ("~$", ".~lock", ".")


@dataclass(frozen=True)
class AuditOptions:
    du: date
    au: date
    today: date
    out: Path | None = None
    dossiers: Path | None = None
    reports: Path | None = None  # default: rapports/ beside the register


@dataclass(frozen=True)
class AuditResult:
    path: Path
    summary: AuditSummary
    contents: ArchiveContents


def period_dossiers(frame, root: Path, du: date, au: date) -> tuple[list[Path], list[str]]:
    """(existing dossiers, numbers without a dossier) of the complaints of the period."""
    found, missing = [], []
    for row in frame.to_dict("records"):
        if not in_period(row, du, au) or not row.get("numero"):
            continue
        path = dossier_dir(root, row["numero"], row.get("nom"))
        if path.is_dir():
            found.append(path)
        else:
            missing.append(str(row["numero"]))
    return found, missing


def period_copy(snapshot: Path, frame, du: date, au: date, target: Path) -> Path:
    """The register copy the archive holds: the rows of other periods emptied."""
    others = [int(row["ligne"]) for row in frame.to_dict("records")
              if not open_in_period(row, du, au)]
    return blank_rows(snapshot, target, others)


def _evidence_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file() and not any(
        part.startswith(_SKIPPED_PREFIXES) for part in path.relative_to(folder).parts))


def monthly_reports(register: Path, options: AuditOptions,
                    folder: Path) -> tuple[list[Path], list[str]]:
    """(report files, French failures) for every month of the period; reports missing
    from ``folder`` are produced there from ``register``."""
    reports, failures = [], []
    for year, month in months_between(options.du, options.au):
        path = folder / report_filename(year, month)
        if not path.is_file():
            try:
                path = write_monthly_report(register, year, month, options.today, folder)
            except ToolkitError as error:
                failures.append(f"{year}-{month:02d} : {error}")
                continue
        reports.append(path)
    return reports, failures


def _write_zip(target: Path, members: list[tuple[str, Path]], summary_html: str) -> Path:
    with atomic_replace(target) as temporary, \
            zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(SUMMARY_NAME, summary_html)
        for name, source in members:
            archive.write(source, name)
    return target


def build_audit(register_path: Path, options: AuditOptions) -> AuditResult:
    """Write the audit zip of the complaints received from ``du`` to ``au``."""
    if options.du > options.au:
        raise UsageError(f"Période vide : le {date_fr(options.du)} est après le "
                         f"{date_fr(options.au)}.")
    register_path = Path(register_path)
    root = dossiers_root(register_path, options.dossiers)
    with tempfile.TemporaryDirectory(prefix="toolkit-audit-") as scratch:
        snapshot = Path(scratch) / register_path.name
        check_container(register_path)
        shutil.copy2(register_path, snapshot)
        register = read_register(snapshot)
        summary = audit_summary(register.frame, register.params, options.du, options.au,
                                options.today)
        dossiers, missing = period_dossiers(register.frame, root, options.du, options.au)
        reports, failures = monthly_reports(snapshot, options,
                                            reports_dir(register_path, options.reports))
        copy = period_copy(snapshot, register.frame, options.du, options.au,
                           Path(scratch) / "copie" / register_path.name)
        members = [(f"registre/{register_path.name}", copy)]
        members += [(f"dossiers/{folder.name}/{file.relative_to(folder).as_posix()}", file)
                    for folder in dossiers for file in _evidence_files(folder)]
        members += [(f"rapports/{report.name}", report) for report in reports]
        contents = ArchiveContents(tuple(d.name for d in dossiers), tuple(missing),
                                   tuple(r.name for r in reports), tuple(failures))
        page = render_summary(summary, contents, register_path.name, register.params.societe)
        out = options.out or audit_archive(register_path, options.du, options.au)
        target = _write_zip(out, members, page)
    return AuditResult(target, summary, contents)
