"""``toolkit rgpd erase``: remove a person from the register and from every copy the toolkit
keeps beside it (GDPR art. 17; docs/product-rules.md, "Personal data").

Their rows stay, so that numbering and statistics hold: number, dates, channel, category,
decision and satisfaction are kept; every text that can identify them reads « effacé le
JJ/MM/AAAA » (:mod:`toolkit.rules.retention`). Their dossiers go (letters, drafts, summary
sheets, mails), and they are removed from the dossiers' manifest, the backups, the audit
archives, the pages beside the register and the exports ``rgpd export`` wrote.

Order, so that an interruption leaves no half-erased copy: refuse at once when the register
is open in Excel or LibreOffice; record the numbers being erased (``rgpd/``, no personal
data); rewrite or delete each copy, each one atomically; write the register last; then clean
the backup that write made, and forget the record. A run interrupted before the register is
written finds the person again; one interrupted after finds the record and finishes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.letters.dossiers import dossiers_root
from toolkit.places import reports_dir
from toolkit.privacy import copies, log
from toolkit.privacy.people import Selector, find_person, needles_of, scrubber
from toolkit.register.reading import read_register
from toolkit.register.writeback import (
    backups_of,
    refuse_if_open,
    refuse_unwritable,
    register_lock,
    write_values,
)
from toolkit.rules.retention import erased_values


@dataclass(frozen=True)
class EraseOptions:
    today: date
    selector: Selector | None = None  # None: the complaints the scope builder chooses (purge)
    dossiers: Path | None = None
    dry_run: bool = False
    # Asked with the plan before anything is removed; None: go ahead (--yes).
    confirm: Callable[[ErasurePlan], bool] | None = None


@dataclass
class ErasurePlan:
    """What an erasure will do; lists of files, never their content."""

    register: Path
    scope: copies.Scope
    rows: list[dict]  # the register's rows to anonymise
    dossiers: list[Path]
    backups: list[Path]  # those holding a covered row
    archives: list[Path]
    exports: list[Path]
    pages: list[Path]
    pattern: re.Pattern[str] | None = field(default=None, repr=False)

    @property
    def numeros(self) -> list[str]:
        return sorted(self.scope.numeros)

    @property
    def empty(self) -> bool:
        return not (self.rows or self.dossiers or self.backups or self.archives
                    or self.exports or self.pages)


@dataclass
class ErasureResult:
    plan: ErasurePlan
    done: bool = False
    refused: bool = False  # the question was answered no
    rows: int = 0
    dossiers: int = 0
    manifest_entries: int = 0
    backups: dict[str, list[Path]] = field(default_factory=dict)  # "réécrite" → paths
    archives: dict[str, list[Path]] = field(default_factory=dict)
    exports: list[Path] = field(default_factory=list)
    pages: list[Path] = field(default_factory=list)
    journal: Path | None = None


# --- the plan ---------------------------------------------------------------------------------

def _backup_rows(backups: list[Path], scope: copies.Scope) -> dict[Path, list[dict]]:
    found = {}
    for path in backups:
        try:
            rows = copies.covered_rows(path, scope)
        except Exception:  # unreadable: the erasure deletes it (rewrite_backup)
            rows = [{}]
        if rows:
            found[path] = rows
    return found


def _archives_and_exports(register: Path, scope: copies.Scope) -> tuple[list[Path], list[Path]]:
    archives, exports = {}, set()
    for path in copies.files_matching(register.parent, lambda p: True, "*.zip"):
        names = copies.zip_names(path)
        if copies.is_audit_archive(names):
            archives[path.resolve()] = path
        elif copies.EXPORT_INDEX in names and copies.export_numbers(path) & scope.numeros:
            exports.add(path.resolve())
    for path in log.recorded_archives(register):  # written elsewhere with --out
        if path.resolve() not in archives and path.is_file() \
                and copies.is_audit_archive(copies.zip_names(path)):
            archives[path.resolve()] = path
    for entry in log.recorded_exports(register):
        if set(entry.get("numeros", [])) & scope.numeros and Path(entry["fichier"]).is_file():
            exports.add(Path(entry["fichier"]).resolve())
    return list(archives.values()), sorted(exports)


def survey(register_path: Path, rows: list[dict], scope: copies.Scope, kept: list[dict],
           dossiers: Path | None = None) -> ErasurePlan:
    """Find every copy holding the covered complaints. ``kept``: the register's rows that
    stay, whose texts are not removed from the pages."""
    register_path = Path(register_path)
    backup_rows = _backup_rows(backups_of(register_path), scope)
    more = {str(r.get("numero")).strip() for found in backup_rows.values() for r in found
            if r.get("numero")}
    scope = copies.Scope(scope.numeros | more, scope.person, scope.day)
    pattern = scrubber(needles_of([*rows, *(r for found in backup_rows.values()
                                             for r in found)], kept))
    root = dossiers_root(register_path, dossiers)
    folders = sorted(p for p in root.iterdir() if p.is_dir() and scope.covers_folder(p.name)) \
        if root.is_dir() else []
    archives, exports = _archives_and_exports(register_path, scope)
    pages = copies.files_matching(reports_dir(register_path),
                                  lambda p: p.suffix.lower() in copies.TEXT_SUFFIXES
                                  and copies.holds(p, pattern))
    return ErasurePlan(register_path, scope, rows, folders, list(backup_rows), archives,
                       exports, pages, pattern)


# --- doing it -------------------------------------------------------------------------------

def _clean_copies(plan: ErasurePlan, result: ErasureResult, root: Path) -> None:
    scope = plan.scope
    for path in plan.exports:
        path.unlink(missing_ok=True)
        result.exports.append(path)
    log.forget_exports(plan.register, plan.exports)
    for path in plan.archives:
        outcome = copies.rewrite_archive(path, scope, plan.pattern)
        if outcome:
            result.archives.setdefault(outcome, []).append(path)
    result.pages = [p for p in plan.pages if copies.scrub_file(p, plan.pattern, scope.mark)]
    result.dossiers = copies.remove_dossiers(plan.dossiers)
    result.manifest_entries = copies.clean_manifest(root, scope)
    _clean_backups(plan.backups, scope, result)


def _clean_backups(paths: list[Path], scope: copies.Scope, result: ErasureResult) -> None:
    for path in paths:
        outcome = copies.rewrite_backup(path, scope)
        if outcome:
            result.backups.setdefault(outcome, []).append(path)


def _write_register(plan: ErasurePlan, result: ErasureResult, mtime_ns: int) -> None:
    updates = [(int(row["ligne"]), key, value) for row in plan.rows
               for key, value in erased_values(row, plan.scope.day).items()]
    made = write_values(plan.register, updates, mtime_ns)
    result.rows = len(plan.rows)
    if made is not None:  # the backup of the register as it was, person included
        _clean_backups([made], plan.scope, result)


def journal_line(action: str, result: ErasureResult) -> str:
    """What the journal keeps: numbers and counts, no personal data."""
    counts = {outcome: len(paths) for outcome, paths in result.backups.items()}
    archives = {outcome: len(paths) for outcome, paths in result.archives.items()}
    return (f"{action} : réclamations {', '.join(result.plan.numeros)} ; {result.rows} "
            f"ligne(s) du registre anonymisée(s), {result.dossiers} dossier(s) supprimé(s), "
            f"sauvegardes réécrites {counts.get('réécrite', 0)} / supprimées "
            f"{counts.get('supprimée', 0)}, archives d'audit réécrites "
            f"{archives.get('réécrite', 0)} / supprimées {archives.get('supprimée', 0)}, "
            f"{len(result.exports)} export(s) supprimé(s), {len(result.pages)} page(s) "
            "corrigée(s)")


def carry_out(plan: ErasurePlan, options: EraseOptions, action: str,
              mtime_ns: int) -> ErasureResult:
    """Ask, then erase (copies first, the register last). The register's lock is held."""
    result = ErasureResult(plan)
    if options.dry_run or plan.empty:
        return result
    refuse_if_open(plan.register)
    if options.confirm is not None and not options.confirm(plan):
        result.refused = True
        return result
    refuse_if_open(plan.register)  # Excel may have opened it while the question waited
    # A register the write would refuse is refused before any copy is touched.
    refuse_unwritable(plan.register)
    log.mark_pending(plan.register, plan.numeros)
    _clean_copies(plan, result, dossiers_root(plan.register, options.dossiers))
    _write_register(plan, result, mtime_ns)
    log.clear_pending(plan.register)
    result.done = True
    result.journal = log.append_journal(plan.register, journal_line(action, result))
    return result


def _erase_scope(register, options: EraseOptions,
                 pending: list[str]) -> tuple[list[dict], copies.Scope]:
    records = register.frame.to_dict("records")
    try:
        person, rows = find_person(records, options.selector)
    except UsageError:
        if not pending:
            raise
        person, rows = None, []  # finish the interrupted erasure alone
    numeros = {str(r.get("numero")).strip() for r in rows if r.get("numero")} | set(pending)
    rows += [r for r in records if str(r.get("numero")).strip() in pending and r not in rows
             and erased_values(r, options.today)]
    return rows, copies.Scope(frozenset(numeros), person, options.today)


def erase_person(register_path: Path, options: EraseOptions) -> ErasureResult:
    """``toolkit rgpd erase``: the person ``options.selector`` names, everywhere."""
    register_path = Path(register_path)
    refuse_if_open(register_path)
    with register_lock(register_path):
        register = read_register(register_path)
        rows, scope = _erase_scope(register, options, log.pending_numbers(register_path))
        kept = [r for r in register.frame.to_dict("records") if not scope.covers(r)]
        plan = survey(register_path, rows, scope, kept, options.dossiers)
        return carry_out(plan, options, "effacement", register.mtime_ns)
