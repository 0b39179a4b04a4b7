"""Letters: which are due and what they say, rendering in batches, dossiers and their summary
sheets, and PDF copies."""
