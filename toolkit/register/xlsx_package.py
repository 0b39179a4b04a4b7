"""The workbook as a zip of parts: read the few parts a write edits, copy every other one
byte for byte (the same compressed bytes, not recompressed), write the edited ones.

Nothing here knows about the register: :mod:`toolkit.register.writeback` decides what to
change; :mod:`toolkit.register.sheet_xml` and :mod:`toolkit.register.styles_xml` edit the
sheet and the styles. See docs/developer/register-writes.md for why the write path is a
part-level edit rather than a load and save of the whole workbook.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from isal import isal_zlib

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # as zipfile.structFileHeader
_LOCAL_SIGNATURE = b"PK\x03\x04"
_DATA_DESCRIPTOR_FLAG = 0x08
# The parts a write edits are deflated and inflated by ISA-L (isal) rather than zlib: the
# sheet of a 10,000-row register (15 MB of XML) deflates in 0.013 s at ISA-L's level 2
# against 0.16 s at zlib's level 6 (Excel's and openpyxl's), for a part a fifth larger, and
# inflates 5× faster (docs/developer/register-writes.md). The format is the same deflate.
DEFLATE_LEVEL = 2
_RAW_DEFLATE = -15  # no zlib header: a zip member holds the bare deflate stream

_ATTRIBUTE = re.compile(rb'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


def attributes(tag: bytes) -> dict[bytes, bytes]:
    """The attributes of one start tag, raw (entities not decoded)."""
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _ATTRIBUTE.finditer(tag)}


def start_tags(element: bytes) -> re.Pattern[bytes]:
    """The start tags of ``element`` (a name, or a pattern of names) under any prefix."""
    return re.compile(rb"<(?:[\w.-]+:)?(?:" + element + rb")\b[^>]*>")


def attribute_values(data: bytes, element: bytes, name: bytes) -> list[bytes]:
    """The values of attribute ``name`` in the start tags of ``element``, in every
    spelling XML allows (either quote, blanks around ``=``): other tools write them so."""
    return [value for tag in start_tags(element).finditer(data)
            if (value := attributes(tag.group(0)).get(name)) is not None]


def edit_attribute(data: bytes, element: bytes, name: bytes,
                   edit: Callable[[bytes], bytes | None], count: int = 0) -> bytes:
    """``data`` with attribute ``name`` of ``element``'s start tags set to ``edit(value)``,
    in any spelling (a tag without it, or an edit giving None, is left as it is)."""
    def edited(match: re.Match[bytes]) -> bytes:
        tag = match.group(0)
        value = attributes(tag).get(name)
        new = None if value is None else edit(value)
        return tag if new is None or new == value else set_attribute(tag, name, new)

    return start_tags(element).sub(edited, data, count=count)


def _without_elements(data: bytes, element: bytes, name: bytes,
                      values: set[bytes]) -> bytes:
    """``data`` without the empty ``element``s whose attribute ``name`` is one of
    ``values`` (in any spelling)."""
    return re.sub(rb"<(?:[\w.-]+:)?" + element + rb"\b[^>]*?/>", lambda match: b""
                  if attributes(match.group(0)).get(name) in values else match.group(0), data)


def xml_boolean(value: str | bytes | None, default: bool) -> bool:
    """An ``xsd:boolean`` attribute: Excel writes ``1``/``0``, LibreOffice ``true``/``false``
    (the schema allows both, and spaces around them); absent or unreadable, its default."""
    text = (value.decode("ascii", "replace") if isinstance(value, bytes) else value or "").strip()
    if text in ("1", "true"):
        return True
    if text in ("0", "false"):
        return False
    return default


def set_attribute(tag: bytes, name: bytes, value: bytes | None) -> bytes:
    """The start tag ``tag`` with attribute ``name`` set to ``value`` (removed when None)."""
    pattern = re.compile(rb'(\s)' + re.escape(name) + rb'\s*=\s*(?:"[^"]*"|\'[^\']*\')')
    if pattern.search(tag):
        if value is None:
            return pattern.sub(b"", tag, count=1)
        return pattern.sub(lambda m: m.group(1) + name + b'="' + value + b'"', tag, count=1)
    if value is None:
        return tag
    end = len(tag) - (2 if tag.endswith(b"/>") else 1)
    return tag[:end] + b" " + name + b'="' + value + b'"' + tag[end:]


def element_prefix(root_tag: bytes) -> bytes:
    """``b"x:"`` for ``<x:worksheet ...>``, ``b""`` for the default namespace."""
    match = re.match(rb"<([\w.-]+:)?", root_tag)
    return match.group(1) or b"" if match else b""


@dataclass
class Package:
    """An open workbook archive and the parts a write replaced, added or removed.

    Parts are read and copied from one open file (``source``), so that what a write copies
    is what it read, even if the register is replaced on disk in between."""

    path: Path
    source: BinaryIO
    archive: zipfile.ZipFile
    replaced: dict[str, bytes | Iterable[bytes]] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    added: dict[str, bytes] = field(default_factory=dict)
    _relationships: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path) -> Package:
        source = open(path, "rb")  # noqa: SIM115 (closed by close())
        try:
            return cls(Path(path), source, zipfile.ZipFile(source))
        except BaseException:
            source.close()
            raise

    def close(self) -> None:
        self.archive.close()
        self.source.close()

    def names(self) -> list[str]:
        return [info.filename for info in self.archive.infolist()]

    def has(self, name: str) -> bool:
        return (name in self.archive.NameToInfo and name not in self.removed) or \
            name in self.added

    def read(self, name: str) -> bytes:
        current = self.replaced.get(name, self.added.get(name))
        if isinstance(current, bytes):
            return current
        return inflate_member(self.source, self.archive.getinfo(name))

    def replace(self, name: str, data: bytes | Iterable[bytes]) -> None:
        self.replaced[name] = data

    def remove(self, name: str) -> None:
        self.removed.add(name)

    def add(self, name: str, data: bytes, content_type: str, source: str,
            rel_type: str) -> None:
        """A new part, with its content type and a relationship from ``source``."""
        self.added[name] = data
        types = self.read("[Content_Types].xml")
        closing = types.rindex(b"</")
        self.replace("[Content_Types].xml", types[:closing] + b'<Override PartName="/' +
                     name.encode() + b'" ContentType="' + content_type.encode() + b'"/>' +
                     types[closing:])
        folder, base = posixpath.split(source)
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        data = self.read(rels)
        ids = set(attribute_values(data, b"Relationship", b"Id"))
        number = 1
        while f"rIdToolkit{number}".encode() in ids:
            number += 1
        target = posixpath.relpath(name, folder or ".")
        closing = data.rindex(b"</")
        self.replace(rels, data[:closing] + b'<Relationship Id="rIdToolkit' +
                     str(number).encode() + b'" Type="' + rel_type.encode() + b'" Target="' +
                     target.encode() + b'"/>' + data[closing:])
        self._relationships.pop(source, None)

    # --- relationships ------------------------------------------------------------------

    def relationships(self, part: str) -> list[dict[str, str]]:
        """The relationships of ``part`` (``Id``, ``Type``, ``Target`` resolved to a part
        name, ``TargetMode``), empty when it has none."""
        if part not in self._relationships:
            from defusedxml import ElementTree

            folder, name = posixpath.split(part)
            rels = posixpath.join(folder, "_rels", f"{name}.rels")
            found = []
            if self.has(rels):
                for rel in ElementTree.fromstring(self.read(rels)):
                    target = rel.get("Target", "")
                    if rel.get("TargetMode") != "External":
                        target = target.lstrip("/") if target.startswith("/") else \
                            posixpath.normpath(posixpath.join(folder, target))
                    found.append({"Id": rel.get("Id", ""), "Type": rel.get("Type", ""),
                                  "Target": target,
                                  "TargetMode": rel.get("TargetMode", "")})
            self._relationships[part] = found
        return self._relationships[part]

    def drop_relationship(self, part: str, target: str) -> None:
        """Remove the relationship of ``part`` to ``target`` from its .rels part (bytes
        edit: every other relationship stays as written)."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        if not self.has(rels):
            return
        data = self.read(rels)
        relative = posixpath.relpath(target, folder) if folder else target
        candidates = {candidate.encode() for candidate in (target, "/" + target, relative)}
        self.replace(rels, _without_elements(data, b"Relationship", b"Target", candidates))
        self._relationships.pop(part, None)

    def drop_content_type(self, name: str) -> None:
        data = self.read("[Content_Types].xml")
        self.replace("[Content_Types].xml",
                     _without_elements(data, b"Override", b"PartName", {b"/" + name.encode()}))

    # --- writing ------------------------------------------------------------------------

    def save(self, target: Path) -> list[str]:
        """Write the archive to ``target``: every part in its original order, untouched
        parts copied as their original compressed bytes. Returns the parts rewritten."""
        rewritten = []
        with zipfile.ZipFile(target, "w") as out:
            for info in self.archive.infolist():
                name = info.filename
                if name in self.removed:
                    continue
                if name in self.replaced:
                    _write_part(out, info, self.replaced[name])
                    rewritten.append(name)
                else:
                    _copy_raw(self.source, out, info)
            for name, data in self.added.items():
                out.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED)
                rewritten.append(name)
        return rewritten


def _write_part(out: zipfile.ZipFile, original: zipfile.ZipInfo,
                data: bytes | Iterable[bytes]) -> None:
    info = zipfile.ZipInfo(original.filename, original.date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = original.external_attr
    info.create_system = original.create_system
    compressor = isal_zlib.compressobj(DEFLATE_LEVEL, isal_zlib.DEFLATED, _RAW_DEFLATE)
    compressed, crc, size = [], 0, 0
    for chunk in [data] if isinstance(data, bytes) else data:
        compressed.append(compressor.compress(chunk))
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
    compressed.append(compressor.flush())
    info.CRC, info.file_size = crc, size
    info.compress_size = sum(len(piece) for piece in compressed)
    _append_member(out, info, compressed)


def _data_offset(source, info: zipfile.ZipInfo) -> int:
    """Where the compressed bytes of member ``info`` start in the archive file."""
    source.seek(info.header_offset)
    fields = _LOCAL_HEADER.unpack(source.read(_LOCAL_HEADER.size))
    if fields[0] != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_length, extra_length = fields[-2], fields[-1]
    return info.header_offset + _LOCAL_HEADER.size + name_length + extra_length


def _raw_chunks(source, info: zipfile.ZipInfo) -> Iterable[bytes]:
    """One member's compressed bytes, as stored, a megabyte at a time."""
    source.seek(_data_offset(source, info))
    remaining = info.compress_size
    while remaining:
        chunk = source.read(min(remaining, 1 << 20))
        if not chunk:
            raise zipfile.BadZipFile(f"truncated member {info.filename}")
        yield chunk
        remaining -= len(chunk)


def inflate_member(source, info: zipfile.ZipInfo) -> bytes:
    """One member's content, its size and CRC checked (``zipfile.BadZipFile`` otherwise).
    ``source``: the archive, opened in binary mode."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or \
            info.flag_bits & 0x1:
        raise zipfile.BadZipFile(f"{info.filename}: compression {info.compress_type} "
                                 "or encryption not supported")
    raw = b"".join(_raw_chunks(source, info))
    try:
        data = raw if info.compress_type == zipfile.ZIP_STORED else \
            isal_zlib.decompress(raw, _RAW_DEFLATE)
    except isal_zlib.error as error:
        raise zipfile.BadZipFile(f"{info.filename}: {error}") from error
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"bad CRC or size for {info.filename}")
    return data


def _copy_raw(source, out: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Copy one member's compressed bytes as they are (no inflate, no deflate)."""
    _append_member(out, _copy_info(info), _raw_chunks(source, info))


def _append_member(out: zipfile.ZipFile, info: zipfile.ZipInfo,
                   compressed: Iterable[bytes]) -> None:
    """Write a member whose compressed bytes, CRC and sizes are known."""
    info.header_offset = out.fp.tell()
    out.fp.write(info.FileHeader(zip64=info.file_size > zipfile.ZIP64_LIMIT
                                 or info.compress_size > zipfile.ZIP64_LIMIT))
    for chunk in compressed:
        out.fp.write(chunk)
    out.filelist.append(info)
    out.NameToInfo[info.filename] = info
    out.start_dir = out.fp.tell()
    out._didModify = True


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copied = zipfile.ZipInfo(info.filename, info.date_time)
    for attribute in ("compress_type", "comment", "extra", "create_system", "create_version",
                      "extract_version", "reserved", "internal_attr", "external_attr",
                      "CRC", "compress_size", "file_size"):
        setattr(copied, attribute, getattr(info, attribute))
    # Sizes and CRC go in the local header: no data descriptor after the data.
    copied.flag_bits = info.flag_bits & ~_DATA_DESCRIPTOR_FLAG
    copied.extra = _without_zip64_extra(info.extra)
    return copied


def _without_zip64_extra(extra: bytes) -> bytes:
    """The extra field without its Zip64 record: zipfile writes its own when needed."""
    kept, position = b"", 0
    while position + 4 <= len(extra):
        kind, size = struct.unpack("<HH", extra[position:position + 4])
        if kind != 1:
            kept += extra[position:position + 4 + size]
        position += 4 + size
    return kept


def verify_parts(path: Path, names: Iterable[str]) -> str | None:
    """Inflate the named parts of ``path`` and check their CRC; the first bad one, or None."""
    with zipfile.ZipFile(path) as archive:
        for name in names:
            try:
                inflate_member(archive.fp, archive.getinfo(name))
            except (zipfile.BadZipFile, KeyError):
                return name
    return None
