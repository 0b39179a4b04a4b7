"""Letters: due rules and contents, batch rendering, dossiers and summary sheets, PDF copies."""
