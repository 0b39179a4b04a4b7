"""The audit archive: a period's register copy, dossiers and reports, with a summary page."""
