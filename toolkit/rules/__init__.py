"""The product's rules: columns, codes, calendar and deadlines, statuses, due letters,
statistics. Nothing here opens a file or imports a stage (register, letters, intake,
report, audit)."""
