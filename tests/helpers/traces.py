"""Looking for a person's traces in every file of a folder, the way a curious reader would:
inside workbooks (every sheet, shared strings), Word documents (every XML part), zip members
(recursively) and e-mails (headers decoded, bodies decoded from quoted-printable or base64).
"""

from __future__ import annotations

import email
import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from email import policy
from pathlib import Path


@dataclass
class Scan:
    files: int = 0
    members: int = 0  # zip members opened (workbook and Word parts included)
    traces: list[tuple[str, str]] = field(default_factory=list)  # (where, what)


def _mail_texts(data: bytes) -> list[str]:
    message = email.message_from_bytes(data, policy=policy.default)
    texts = [f"{key}: {value}" for key, value in message.items()]
    for part in message.walk():
        if part.is_multipart():
            continue
        try:
            content = part.get_content()
        except (LookupError, ValueError):
            content = part.get_payload(decode=True) or b""
        texts.append(content if isinstance(content, str)
                     else content.decode("utf-8", errors="replace"))
        if part.get_filename():
            texts.append(part.get_filename())
    return texts


def _texts(name: str, data: bytes) -> list[str]:
    raw = data.decode("utf-8", errors="replace")
    texts = [raw, html.unescape(raw), html.unescape(re.sub(r"<[^>]+>", "", raw))]
    if name.lower().endswith((".eml", ".mbox")):
        texts += _mail_texts(data)
    if name.lower().endswith(".msg"):
        texts.append(data.decode("utf-16-le", errors="replace"))
    return texts


def _patterns(needles: dict[str, str]) -> dict[str, re.Pattern[str]]:
    found = {}
    for label, needle in needles.items():
        digits = re.sub(r"\D", "", needle)
        if len(digits) >= 9 and re.fullmatch(r"[\d\s.+\-]+", needle):
            found[label] = re.compile(r"[\s.\-]?".join(digits[1:]))
        else:
            found[label] = re.compile(r"\s+".join(map(re.escape, needle.split())),
                                      re.IGNORECASE)
    return found


def _scan_bytes(where: str, data: bytes, patterns, scan: Scan) -> None:
    if data[:2] == b"PK" and zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                scan.members += 1
                inner = f"{where}!{member.filename}"
                _check(inner, [member.filename], patterns, scan)
                _scan_bytes(inner, archive.read(member), patterns, scan)
        return
    _check(where, _texts(where, data), patterns, scan)


def _check(where: str, texts: list[str], patterns, scan: Scan) -> None:
    for label, pattern in patterns.items():
        if any(pattern.search(text) for text in texts):
            scan.traces.append((where, label))


def scan_folders(folders: list[Path], needles: dict[str, str]) -> Scan:
    """Every file under ``folders`` (names and contents) searched for each needle."""
    patterns, scan = _patterns(needles), Scan()
    seen = set()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path in seen:
                continue
            seen.add(path)
            _check(str(path), [str(path.relative_to(folder))], patterns, scan)
            if path.is_file():
                scan.files += 1
                _scan_bytes(str(path), path.read_bytes(), patterns, scan)
    return scan
