"""The official register: columns, deadlines, reading, validation, template, writing, statuses."""
