"""Named exceptions raised by the library; only the CLI turns them into exit codes.

Every message is French, written for the person at the front desk.
"""


class ToolkitError(Exception):
    """Base class of every error the toolkit raises on purpose."""

    exit_code = 2


class RegisterFileError(ToolkitError):
    """The register file is missing, unreadable or not a workbook."""


class RegisterLockedError(ToolkitError):
    """The workbook is open in Excel or LibreOffice, or another run is writing it."""


class RegisterChangedError(ToolkitError):
    """The file changed on disk between reading and writing."""


class UnsafeWriteError(ToolkitError):
    """Writing would drop something the workbook holds (images, charts, extensions)."""


class UsageError(ToolkitError):
    """A command-line value is malformed (date, month, type...)."""


class DossiersInUseError(ToolkitError):
    """The dossiers folder is kept for another register that sits beside this one."""


class TemplateError(ToolkitError):
    """A letter template is missing, broken, or asks for a field the toolkit lacks."""


class LetterRefused(ToolkitError):
    """A letter cannot legally or practically be produced (e.g. mediator missing)."""


class LibreOfficeMissing(ToolkitError):
    """LibreOffice is needed (PDF, recalculation) but not installed."""


class ReportError(ToolkitError):
    """The monthly report notebook failed at a named step."""

    exit_code = 1
