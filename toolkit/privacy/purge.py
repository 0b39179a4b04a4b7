"""``toolkit rgpd purge``: erase every complaint answered more than ``Durée de conservation
(années)`` ago (GDPR art. 5(1)(e); docs/product-rules.md, "Personal data").

Each such complaint is erased as ``rgpd erase`` erases a person, but alone: the same client's
more recent complaints keep their data, and the texts they still hold stay in the pages.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.privacy import copies, log
from toolkit.privacy.erase import EraseOptions, ErasureResult, carry_out, survey
from toolkit.register.reading import read_register
from toolkit.register.writeback import refuse_if_open, register_lock
from toolkit.rules.retention import due_for_purge, erased_values


def purge_register(register_path: Path, options: EraseOptions) -> ErasureResult:
    """``toolkit rgpd purge``: the complaints past their retention period, everywhere."""
    register_path = Path(register_path)
    refuse_if_open(register_path)
    with register_lock(register_path):
        register = read_register(register_path)
        records = register.frame.to_dict("records")
        years = register.params.duree_conservation
        pending = set(log.pending_numbers(register_path))
        rows = [r for r in records if due_for_purge(r, years, options.today)
                or (str(r.get("numero")).strip() in pending and erased_values(r, options.today))]
        numeros = {str(r.get("numero")).strip() for r in rows if r.get("numero")} | pending
        scope = copies.Scope(frozenset(numeros), None, options.today)
        kept = [r for r in records if not scope.covers(r)]
        plan = survey(register_path, rows, scope, kept, options.dossiers)
        return carry_out(plan, options, "purge", register.mtime_ns)
