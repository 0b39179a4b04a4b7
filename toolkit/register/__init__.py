"""The official register: its columns, calendar and deadlines, reading, validation, template,
the one write path, and each complaint's statuses."""
