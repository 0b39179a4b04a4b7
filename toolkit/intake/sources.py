"""Paths in, messages out: every file named to the intake is read or accounted for.

``.eml`` and Outlook ``.msg`` files (extensions in any case), folders of them (recursively),
Maildirs and mbox files are read; every other file is listed with the reason it was left
aside, so that the summary's counts add up to the files given. Read-only: a mailbox is
never modified (nothing moved, nothing marked as read). No date is ever taken from the file
system: a message's date is the one it carries.
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.intake.message import NOT_MAIL, NOT_READ, UNREADABLE, RawMail, Skipped

EML_SUFFIX, MSG_SUFFIX, MBOX_SUFFIX = ".eml", ".msg", ".mbox"
# mboxrd escapes every line starting with ">*From " by one more ">"; mboxo (Python's writer)
# escapes only "From ". Removing one ">" undoes both (a ">From " that an mboxo writer left
# as it was cannot be told apart from an escaped one).
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


def _is_maildir(path: Path) -> bool:
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


def _read_maildir(path: Path) -> Iterator[RawMail | Skipped]:
    # The mailbox is only read: messages stay in new/ and keep their flags.
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in sorted(box.keys()):
        source = f"{path} [{key}]"
        try:
            yield RawMail(source, box.get_bytes(key))
        except OSError as error:
            yield Skipped(source, UNREADABLE, error.strerror or str(error))


def unescape_from_lines(data: bytes) -> bytes:
    """A message as it was before an mbox writer quoted its ``From `` lines."""
    return _ESCAPED_FROM.sub(rb"\1", data)


def _read_mbox(path: Path) -> Iterator[RawMail | Skipped]:
    box = mailbox.mbox(path, create=False)
    try:
        keys = box.keys()
        if not keys:
            yield Skipped(str(path), NOT_MAIL, "mbox vide")
        for index, key in enumerate(keys, start=1):
            yield RawMail(f"{path} [n° {index}]", unescape_from_lines(box.get_bytes(key)))
    finally:
        box.close()


def _starts_like_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def _read_message_file(path: Path) -> Iterator[RawMail | Skipped]:
    yield RawMail(str(path), path.read_bytes(), outlook=path.suffix.lower() == MSG_SUFFIX)


# File kind (extension, any case) → its reader. A file of no listed kind is read as an mbox
# when its first line says so, else left aside.
READERS = {
    EML_SUFFIX: _read_message_file,
    MSG_SUFFIX: _read_message_file,
    MBOX_SUFFIX: _read_mbox,
}


def _read_file(path: Path) -> Iterator[RawMail | Skipped]:
    """One file, by the reader of its kind (:data:`READERS`)."""
    try:
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            reader = _read_mbox if _starts_like_mbox(path) else None
        if reader is None:
            yield Skipped(str(path), NOT_READ)
        else:
            yield from reader(path)
    except OSError as error:
        yield Skipped(str(path), UNREADABLE, error.strerror or str(error))


def _read_folder(path: Path) -> Iterator[RawMail | Skipped]:
    for child in sorted(path.iterdir()):
        if _is_maildir(child):
            yield from _read_maildir(child)
        elif child.is_dir():
            yield from _read_folder(child)
        elif child.is_file():
            yield from _read_file(child)


def read_sources(paths: Iterable[Path]) -> Iterator[RawMail | Skipped]:
    """Every message of the files, folders, Maildirs and mboxes at ``paths``, and every file
    left aside with its reason."""
    for path in map(Path, paths):
        if not path.exists():
            raise UsageError(f"Introuvable : {path}")
        if _is_maildir(path):
            yield from _read_maildir(path)
        elif path.is_dir():
            yield from _read_folder(path)
        else:
            yield from _read_file(path)
