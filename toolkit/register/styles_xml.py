"""Cell styles for the cells a write touches, added to ``xl/styles.xml`` only when missing.

A cell's look is an index into ``<cellXfs>``. A written date needs a date format, a text
starting with ``=`` needs the quote prefix, a new complaint's cells are unlocked: each is
the cell's own style (or its column's) with one property changed. An existing style that
already has it is reused; otherwise one ``<xf>`` is appended (and one ``<numFmt>`` for
``dd/mm/yyyy`` if the workbook has none). Every byte already in the part stays as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from toolkit.register.xlsx_package import element_prefix, xml_boolean

DATE_FORMAT = "dd/mm/yyyy"
TEXT_FORMAT_ID = 49  # "@"


@dataclass(frozen=True)
class Xf:
    """What a write may change of a cell style; ``attributes`` holds every other attribute
    of the ``<xf>`` as written, so that a derived style keeps font, fill and border."""

    attributes: tuple[tuple[str, str], ...]
    alignment: tuple[tuple[str, str], ...]
    protection: tuple[tuple[str, str], ...]

    def get(self, name: str, default: str = "") -> str:
        return dict(self.attributes).get(name, default)

    def with_attributes(self, **changes: str) -> Xf:
        merged = dict(self.attributes)
        merged.update(changes)
        return Xf(tuple(sorted(merged.items())), self.alignment, self.protection)

    def with_alignment(self, **changes: str) -> Xf:
        merged = dict(self.alignment)
        merged.update(changes)
        return Xf(self.attributes, tuple(sorted(merged.items())), self.protection) \
            .with_attributes(applyAlignment="1")

    def with_protection(self, **changes: str) -> Xf:
        merged = dict(self.protection)
        merged.update(changes)
        return Xf(self.attributes, self.alignment, tuple(sorted(merged.items()))) \
            .with_attributes(applyProtection="1")


def _xf_of(element) -> Xf:
    alignment, protection = (), ()
    for child in element:
        local = child.tag.rsplit("}", 1)[-1]
        if local == "alignment":
            alignment = tuple(sorted(child.attrib.items()))
        elif local == "protection":
            protection = tuple(sorted(child.attrib.items()))
    return Xf(tuple(sorted(element.attrib.items())), alignment, protection)


@dataclass
class Styles:
    """The workbook's cell styles, and those a write adds."""

    data: bytes
    xfs: list[Xf]
    formats: dict[int, str]
    prefix: bytes
    dxf_count: int = 0  # differential formats (highlights) already in the part
    added_dxfs: list[str] = field(default_factory=list)  # fill colours of those added
    added_xfs: list[Xf] = field(default_factory=list)
    added_formats: dict[int, str] = field(default_factory=dict)
    _index: dict[Xf, int] = field(default_factory=dict)
    _inputs: dict[tuple[int, str], int] = field(default_factory=dict)

    @classmethod
    def parse(cls, data: bytes) -> Styles:
        from defusedxml import ElementTree

        root = ElementTree.fromstring(data)
        xfs: list[Xf] = []
        formats: dict[int, str] = {}
        dxf_count = 0
        for child in root:
            local = child.tag.rsplit("}", 1)[-1]
            if local == "cellXfs":
                xfs = [_xf_of(xf) for xf in child]
            elif local == "dxfs":
                dxf_count = len(child)
            elif local == "numFmts":
                for number_format in child:
                    # The id is required: one without it is no format a style names
                    # (taken as 0, it would turn the General format into a date).
                    format_id = number_format.get("numFmtId", "").strip()
                    if format_id.isdigit():
                        formats[int(format_id)] = number_format.get("formatCode", "")
        start = re.search(rb"<(?:[\w.-]+:)?styleSheet\b", data)
        prefix = element_prefix(data[start.start():start.end()]) if start else b""
        styles = cls(data, xfs, formats, prefix, dxf_count)
        for index, xf in enumerate(xfs):
            styles._index.setdefault(xf, index)
        return styles

    @property
    def changed(self) -> bool:
        return bool(self.added_xfs or self.added_formats or self.added_dxfs)

    def add_fill_dxf(self, colour: str) -> int:
        """A differential format filling the cell with ``colour`` (RGB): its index."""
        self.added_dxfs.append(colour)
        return self.dxf_count + len(self.added_dxfs) - 1

    def xf(self, index: int) -> Xf:
        all_xfs = self.xfs + self.added_xfs
        if 0 <= index < len(all_xfs):
            return all_xfs[index]
        return Xf((("numFmtId", "0"), ("fontId", "0"), ("fillId", "0"), ("borderId", "0"),
                   ("xfId", "0")), (), ())

    def number_format(self, index: int) -> tuple[int, str]:
        format_id = int(self.xf(index).get("numFmtId", "0") or 0)
        return format_id, {**self.formats, **self.added_formats}.get(format_id, "")

    def _format_id(self, code: str) -> int:
        for format_id, existing in {**self.formats, **self.added_formats}.items():
            if existing == code:
                return format_id
        format_id = max([163, *self.formats, *self.added_formats]) + 1
        self.added_formats[format_id] = code
        return format_id

    def _index_of(self, xf: Xf) -> int:
        if xf not in self._index:
            self.added_xfs.append(xf)
            self._index[xf] = len(self.xfs) + len(self.added_xfs) - 1
        return self._index[xf]

    # --- what a write asks for ----------------------------------------------------------

    def as_date(self, index: int) -> int:
        """``index``, or the same style showing dates as ``dd/mm/yyyy`` (as the toolkit
        shows every date it writes)."""
        if self.number_format(index)[1] == DATE_FORMAT:
            return index
        xf = self.xf(index).with_attributes(numFmtId=str(self._format_id(DATE_FORMAT)),
                                            applyNumberFormat="1")
        return self._index_of(xf)

    def with_quote_prefix(self, index: int) -> int:
        xf = self.xf(index)
        if xml_boolean(xf.get("quotePrefix"), default=False):
            return index
        return self._index_of(xf.with_attributes(quotePrefix="1"))

    def for_input(self, index: int, kind: str) -> int:
        """The style of an input cell of a new complaint (as ``toolkit init`` prepares
        them): unlocked; dates as dates, texts wrapped; all aligned to the top."""
        key = (index, kind)
        if key not in self._inputs:
            self._inputs[key] = self._for_input(index, kind)
        return self._inputs[key]

    def _for_input(self, index: int, kind: str) -> int:
        xf = self.xf(index)
        if xml_boolean(dict(xf.protection).get("locked"), default=True):
            xf = xf.with_protection(locked="0")
        if dict(xf.alignment).get("vertical") != "top":
            xf = xf.with_alignment(vertical="top")
        if kind == "date" and self._code(xf) != DATE_FORMAT:
            xf = xf.with_attributes(numFmtId=str(self._format_id(DATE_FORMAT)),
                                    applyNumberFormat="1")
        elif kind == "text" and not xml_boolean(dict(xf.alignment).get("wrapText"), default=False):
            xf = xf.with_alignment(wrapText="1")
        return self._index_of(xf)

    def _code(self, xf: Xf) -> str:
        format_id = int(xf.get("numFmtId", "0") or 0)
        return {**self.formats, **self.added_formats}.get(format_id, "")

    def for_deadline(self, index: int) -> int:
        """A formula cell showing a date (the two deadline columns)."""
        return self.as_date(index)

    # --- the part ------------------------------------------------------------------------

    def serialized(self) -> bytes:
        """``xl/styles.xml`` with the added formats and styles, every other byte kept."""
        data = self.data
        p = self.prefix
        if self.added_formats:
            added = b"".join(b"<" + p + b"numFmt numFmtId=\"" + str(i).encode() +
                             b"\" formatCode=" + quoted_attribute(code) + b"/>"
                             for i, code in self.added_formats.items())
            count = len(self.formats) + len(self.added_formats)
            closing = re.search(rb"</(?:[\w.-]+:)?numFmts\s*>", data)
            if closing:
                data = data[:closing.start()] + added + data[closing.start():]
                data = _set_count(data, b"numFmts", count)
            else:
                empty = re.search(rb"<(?:[\w.-]+:)?numFmts\b[^>]*/>", data)
                block = b"<" + p + b"numFmts count=\"" + str(count).encode() + b"\">" + \
                    added + b"</" + p + b"numFmts>"
                if empty:
                    data = data[:empty.start()] + block + data[empty.end():]
                else:
                    root = re.search(rb"<(?:[\w.-]+:)?styleSheet\b[^>]*>", data)
                    data = data[:root.end()] + block + data[root.end():]
        if self.added_dxfs:
            added = b"".join(
                b"<" + p + b"dxf><" + p + b"fill><" + p + b'patternFill patternType="solid"><'
                + p + b'fgColor rgb="FF' + colour.encode() + b'"/><' + p + b'bgColor rgb="FF'
                + colour.encode() + b'"/></' + p + b"patternFill></" + p + b"fill></" + p +
                b"dxf>" for colour in self.added_dxfs)
            count = self.dxf_count + len(self.added_dxfs)
            closing = re.search(rb"</(?:[\w.-]+:)?dxfs\s*>", data)
            if closing:
                data = data[:closing.start()] + added + data[closing.start():]
                data = _set_count(data, b"dxfs", count)
            else:
                block = b"<" + p + b'dxfs count="' + str(count).encode() + b'">' + added + \
                    b"</" + p + b"dxfs>"
                empty = re.search(rb"<(?:[\w.-]+:)?dxfs\b[^>]*/>", data)
                if empty:
                    data = data[:empty.start()] + block + data[empty.end():]
                else:
                    after = re.search(rb"<(?:[\w.-]+:)?(?:tableStyles|colors|extLst)\b|"
                                      rb"</(?:[\w.-]+:)?styleSheet>", data)
                    data = data[:after.start()] + block + data[after.start():]
        if self.added_xfs:
            added = b"".join(_xf_bytes(xf, p) for xf in self.added_xfs)
            closing = re.search(rb"</(?:[\w.-]+:)?cellXfs\s*>", data)
            data = data[:closing.start()] + added + data[closing.start():]
            data = _set_count(data, b"cellXfs", len(self.xfs) + len(self.added_xfs))
        return data


def _set_count(data: bytes, element: bytes, count: int) -> bytes:
    from toolkit.register.xlsx_package import set_attribute

    match = re.search(rb"<(?:[\w.-]+:)?" + element + rb"\b[^>]*>", data)
    tag = set_attribute(match.group(0), b"count", str(count).encode())
    return data[:match.start()] + tag + data[match.end():]


# saxutils.quoteattr would do, but importing it loads urllib.request: a tenth of a write.
_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                                    "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def quoted_attribute(value: str) -> bytes:
    """``value`` as a double-quoted XML attribute value (line breaks and tabs kept)."""
    return b'"' + value.translate(_ATTRIBUTE_ESCAPES).encode("utf-8") + b'"'


def _attributes_bytes(items) -> bytes:
    # A namespaced attribute ({uri}name once parsed) cannot be written back by name: left out.
    return b"".join(b" " + name.encode() + b"=" + quoted_attribute(value)
                    for name, value in items if not name.startswith("{"))


# Attribute order of <xf> as ECMA-376 lists them, for a readable part.
_XF_ORDER = ("numFmtId", "fontId", "fillId", "borderId", "xfId", "quotePrefix",
             "pivotButton", "applyNumberFormat", "applyFont", "applyFill", "applyBorder",
             "applyAlignment", "applyProtection")


def _xf_bytes(xf: Xf, p: bytes) -> bytes:
    attributes = dict(xf.attributes)
    ordered = [(k, attributes.pop(k)) for k in _XF_ORDER if k in attributes]
    ordered += sorted(attributes.items())
    children = b""
    if xf.alignment:
        children += b"<" + p + b"alignment" + _attributes_bytes(xf.alignment) + b"/>"
    if xf.protection:
        children += b"<" + p + b"protection" + _attributes_bytes(xf.protection) + b"/>"
    head = b"<" + p + b"xf" + _attributes_bytes(ordered)
    return head + (b">" + children + b"</" + p + b"xf>" if children else b"/>")
