"""Registers holding what staff add in Excel: images, shapes, charts, chart sheets, comments
of both kinds, pivot tables, slicers, timelines, sparklines, connections, customXml parts
and Excel 2010+ extensions.

Made three ways: openpyxl (images, charts, chart sheets, legacy comments), XlsxWriter (a
whole register as Excel writes one: shared strings, shapes, text boxes, sparklines, data
bars, comments, images, charts) and parts written by hand from ECMA-376 and [MS-XLSX]
(threaded comments, pivot tables, slicers, timelines, connections, customXml), each with
its relationship and content type, as Excel stores them.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from helpers.register_files import complaint, with_part
from toolkit.register.template import ack_formula, create_register, reply_formula
from toolkit.rules.columns import COLUMNS, PARAMETERS
from toolkit.rules.deadlines import ack_deadline, public_holidays, reply_deadline

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
# Parts a write may rewrite (sharedStrings: only to add a text holding an escape look-alike);
# every other part must come out byte for byte.
OWNED = re.compile(r"\[Content_Types\]\.xml|xl/workbook\.xml|xl/styles\.xml|"
                   r"xl/calcChain\.xml|xl/sharedStrings\.xml|xl/worksheets/sheet1\.xml|"
                   r"xl/tables/[^/]+\.xml|xl/worksheets/_rels/sheet1\.xml\.rels|"
                   r"xl/_rels/workbook\.xml\.rels")


def png() -> bytes:
    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(data, format="PNG")
    return data.getvalue()


def parts(path: Path) -> dict[str, tuple[bytes, int, int]]:
    """Each part: its content, CRC and compressed size (same compressed bytes or not)."""
    with zipfile.ZipFile(path) as archive:
        return {i.filename: (archive.read(i), i.CRC, i.compress_size)
                for i in archive.infolist()}


def raw_member(path: Path, name: str) -> bytes:
    """A member's compressed bytes as stored in the archive."""
    with zipfile.ZipFile(path) as archive, open(path, "rb") as handle:
        info = archive.getinfo(name)
        handle.seek(info.header_offset)
        header = handle.read(30)
        skip = int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
        handle.seek(info.header_offset + 30 + skip)
        return handle.read(info.compress_size)


def changed_parts(before: Path, after: Path) -> list[str]:
    """Parts not owned by the toolkit whose bytes (or compressed bytes) changed or vanished."""
    old, new = parts(before), parts(after)
    changed = [name for name in old if not OWNED.fullmatch(name)
               and (name not in new or old[name][0] != new[name][0])]
    changed += [name for name in old if not OWNED.fullmatch(name) and name in new
                and name not in changed and raw_member(before, name) != raw_member(after, name)]
    return changed


# --- adding a part as Excel stores it --------------------------------------------------------

def add_part(path: Path, name: str, data: bytes | str, content_type: str | None,
             source: str | None, rel_type: str | None, rel_id: str | None = None,
             edit: dict[str, Callable[[bytes], bytes]] | None = None) -> str:
    """Add ``name`` to the archive, with its content type and a relationship from
    ``source`` (a part name, "" for the package); ``edit`` rewrites other parts too.
    Returns the relationship id."""
    data = data.encode() if isinstance(data, str) else data
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    members[name] = data
    if content_type:
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            b"</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>'
            .encode())
    rel_id = rel_id or f"rIdT{abs(hash(name)) % 10_000}"
    if source is not None and rel_type:
        folder, base = posixpath.split(source)
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        target = posixpath.relpath(name, folder or ".")
        entry = f'<Relationship Id="{rel_id}" Type="{rel_type}" Target="{target}"/>'.encode()
        members[rels] = members.get(rels) or (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b"</Relationships>")
        members[rels] = members[rels].replace(b"</Relationships>", entry + b"</Relationships>")
    for part, change in (edit or {}).items():
        members[part] = change(members[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in members.items():
            archive.writestr(part, content)
    return rel_id


def _in_sheet_tail(element: str) -> Callable[[bytes], bytes]:
    """Insert ``element`` into sheet1's extension list (made when absent)."""
    def change(xml: bytes) -> bytes:
        if b"<extLst>" in xml:
            return xml.replace(b"</extLst>", element.encode() + b"</extLst>")
        return xml.replace(b"</worksheet>", f"<extLst>{element}</extLst></worksheet>".encode())
    return change


def _before_sheet_end(element: str, before: str = "</worksheet>") -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(before.encode(), element.encode() + before.encode(), 1)


# --- the base register -------------------------------------------------------------------------

def toolkit_register(path: Path) -> Path:
    """The official layout, two complaints (rows 2-3), as ``toolkit init`` makes it."""
    return create_register(path, [complaint("2026-001"),
                                  complaint("2026-002", date(2026, 11, 5), nom="Paul Roy")],
                           {"adresse": "1 rue de Paris\n75001 Paris", "signataire": "Claire"})


# --- openpyxl ------------------------------------------------------------------------------------

def with_openpyxl_drawings(path: Path) -> Path:
    """An image on Registre, one on Paramètres, a chart on its own sheet, a chart sheet and
    a legacy comment: what openpyxl itself can write."""
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image

    workbook = load_workbook(path)
    workbook["Registre"].add_image(Image(io.BytesIO(png())), "AE2")
    workbook["Paramètres"].add_image(Image(io.BytesIO(png())), "E2")
    board = workbook.create_sheet("Tableau de bord")
    board.append(["Mois", "Reçues"])
    board.append(["2026-11", 2])
    chart = BarChart()
    chart.add_data(Reference(board, min_col=2, min_row=1, max_row=2), titles_from_data=True)
    board.add_chart(chart, "D2")
    sheet_chart = BarChart()
    sheet_chart.add_data(Reference(board, min_col=2, min_row=1, max_row=2),
                         titles_from_data=True)
    workbook.create_chartsheet("Graphique").add_chart(sheet_chart)
    workbook["Registre"]["E2"].comment = Comment("Client fidèle", "Claire")
    workbook.save(path)
    return path


# --- XlsxWriter: a register as Excel writes one ---------------------------------------------------

def xlsxwriter_register(path: Path) -> Path:
    """The register's header and two complaints with their formula columns, shared strings,
    plus a text box, a shape, sparklines, data bars, a comment, an image, a chart."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Registre")
    params = workbook.add_worksheet("Paramètres")
    board = workbook.add_worksheet("Tableau de bord")
    day = day_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    position = {c.key: i for i, c in enumerate(COLUMNS)}
    sheet.write_row(0, 0, [c.header for c in COLUMNS])
    letters = {c.key: xlsxwriter.utility.xl_col_to_name(i) for i, c in enumerate(COLUMNS)}
    rows = [complaint("2026-001"), complaint("2026-002", date(2026, 11, 5), nom="Paul Roy")]
    for index, row in enumerate(rows, start=1):
        for column, spec in enumerate(COLUMNS):
            value = row.get(spec.key)
            if isinstance(value, date):
                sheet.write_datetime(index, column, value, day)
            elif value is not None:
                sheet.write_string(index, column, str(value))
        # With the results Excel would have saved beside the formulas.
        received = f"{letters['date_reclamation']}{index + 1}"
        serial = lambda day: (day - date(1899, 12, 30)).days  # noqa: E731
        sheet.write_formula(index, position["echeance_accuse"], ack_formula(received), day,
                            serial(ack_deadline(row["date_reclamation"])))
        sheet.write_formula(index, position["echeance_reponse"], reply_formula(received),
                            day, serial(reply_deadline(row["date_reclamation"])))
    holidays = workbook.add_worksheet("Jours fériés")
    holidays.write_row(0, 0, ["Métropole", "Alsace-Moselle"])
    for column, zone in enumerate(("Métropole", "Alsace-Moselle")):
        for line, day in enumerate(public_holidays(2000, 2100, zone=zone), start=1):
            holidays.write_datetime(line, column, day, day_format)
    params.write_row(0, 0, ["Paramètre", "Valeur"])
    for index, parameter in enumerate(PARAMETERS, start=1):
        params.write_row(index, 0, [parameter.label, parameter.default])
    sheet.insert_textbox("AE2", "Rappeler les clients du jeudi", {"width": 200})
    sheet.insert_image("AE8", "logo.png", {"image_data": io.BytesIO(png())})
    board.write_row(0, 0, ["Mois", "Reçues", "Répondues"])
    board.write_row(1, 0, ["2026-10", 3, 2])
    board.write_row(2, 0, ["2026-11", 2, 1])
    board.add_sparkline("D2", {"range": "'Tableau de bord'!B2:C2"})
    board.add_sparkline("D3", {"range": "'Tableau de bord'!B3:C3"})
    board.conditional_format("B2:B3", {"type": "data_bar", "data_bar_2010": True})
    board.write_comment("A2", "Mois de l'audit")
    chart = workbook.add_chart({"type": "column"})
    chart.add_series({"values": "='Tableau de bord'!$B$2:$B$3"})
    board.insert_chart("F2", chart)
    workbook.close()
    _shape(path)
    return path


def _shape(path: Path) -> None:
    """A plain shape (a rectangle) beside the text box, in the same drawing part."""
    with zipfile.ZipFile(path) as archive:
        drawing = next(n for n in archive.namelist()
                       if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)
                       and b"txBox" in archive.read(n))
    shape = ('<xdr:twoCellAnchor><xdr:from><xdr:col>34</xdr:col><xdr:colOff>0</xdr:colOff>'
             '<xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>36'
             '</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>4</xdr:row><xdr:rowOff>0</xdr:rowOff>'
             '</xdr:to><xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="90" '
             'name="Rectangle 1"/><xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" '
             'y="0"/><a:ext cx="1000000" cy="500000"/></a:xfrm><a:prstGeom prst="rect">'
             '<a:avLst/></a:prstGeom></xdr:spPr></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>')
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    members[drawing] = members[drawing].replace(b"</xdr:wsDr>", shape.encode() + b"</xdr:wsDr>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


# --- parts written by hand ----------------------------------------------------------------------

def with_threaded_comment(path: Path) -> Path:
    """Excel 365's « Nouveau commentaire »: a threaded comment and its author."""
    add_part(path, "xl/persons/person.xml",
             f'<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
             f'threadedcomments" xmlns:x="{MAIN}"><person displayName="Claire Martin" '
             'id="{5E3B1C2A-0D7F-4C1B-9E8A-1A2B3C4D5E6F}" userId="Claire Martin" '
             'providerId="None"/></personList>',
             "application/vnd.ms-excel.person+xml", "xl/workbook.xml",
             "http://schemas.microsoft.com/office/2017/10/relationships/person")
    add_part(path, "xl/threadedComments/threadedComment1.xml",
             '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
             f'threadedcomments" xmlns:x="{MAIN}"><threadedComment ref="E3" '
             'dT="2026-11-20T09:00:00.00" personId="{5E3B1C2A-0D7F-4C1B-9E8A-1A2B3C4D5E6F}" '
             'id="{0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D}"><text>Rappeler avant vendredi'
             '</text></threadedComment></ThreadedComments>',
             "application/vnd.ms-excel.threadedcomments+xml", "xl/worksheets/sheet1.xml",
             "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment")
    return path


def with_pivot_table(path: Path) -> Path:
    """A pivot table on its own sheet, counting complaints by channel, and its cache."""
    rel = add_part(path, "xl/pivotCache/pivotCacheDefinition1.xml",
                   f'<pivotCacheDefinition xmlns="{MAIN}" xmlns:r="{REL}" refreshOnLoad="1" '
                   'recordCount="0"><cacheSource type="worksheet"><worksheetSource '
                   'ref="A1:C3" sheet="Registre"/></cacheSource><cacheFields count="1">'
                   '<cacheField name="Canal" numFmtId="0"><sharedItems/></cacheField>'
                   '</cacheFields></pivotCacheDefinition>',
                   "application/vnd.openxmlformats-officedocument.spreadsheetml."
                   "pivotCacheDefinition+xml", "xl/workbook.xml",
                   f"{REL}/pivotCacheDefinition", rel_id="rIdPivot1",
                   edit={"xl/workbook.xml": _before_sheet_end(
                       f'<pivotCaches><pivotCache cacheId="1" r:id="rIdPivot1" '
                       f'xmlns:r="{REL}"/></pivotCaches>', "</workbook>")})
    del rel
    add_part(path, "xl/pivotTables/pivotTable1.xml",
             f'<pivotTableDefinition xmlns="{MAIN}" name="Par canal" cacheId="1" '
             'dataCaption="Valeurs"><location ref="A3:B4" firstHeaderRow="1" firstDataRow="1" '
             'firstDataCol="1"/><pivotFields count="1"><pivotField axis="axisRow" '
             'showAll="0"><items count="1"><item t="default"/></items></pivotField>'
             '</pivotFields></pivotTableDefinition>',
             "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotTable+xml",
             "xl/worksheets/sheet2.xml", f"{REL}/pivotTable")
    return path


def with_slicer_and_timeline(path: Path) -> Path:
    """A slicer and a timeline on the register sheet, their caches, and the register
    sheet's extension list pointing to them (as Excel 2010 and 2013 store them)."""
    slicer_rel = add_part(
        path, "xl/slicers/slicer1.xml",
        f'<slicers xmlns="{X14}" xmlns:mc="http://schemas.openxmlformats.org/'
        'markup-compatibility/2006"><slicer name="Canal" cache="Segment_Canal" '
        'caption="Canal" rowHeight="241300"/></slicers>',
        "application/vnd.ms-excel.slicer+xml", "xl/worksheets/sheet1.xml",
        "http://schemas.microsoft.com/office/2007/relationships/slicer", rel_id="rIdSlicer1",
        edit={"xl/worksheets/sheet1.xml": _in_sheet_tail(
            f'<ext uri="{{A8765BA9-456A-4dab-B4F3-ACF838C121DE}}" xmlns:x14="{X14}">'
            f'<x14:slicerList><x14:slicer r:id="rIdSlicer1" xmlns:r="{REL}"/></x14:slicerList>'
            '</ext>')})
    del slicer_rel
    add_part(path, "xl/slicerCaches/slicerCache1.xml",
             f'<slicerCacheDefinition xmlns="{X14}" name="Segment_Canal" sourceName="Canal">'
             '<extLst/></slicerCacheDefinition>',
             "application/vnd.ms-excel.slicerCache+xml", "xl/workbook.xml",
             "http://schemas.microsoft.com/office/2007/relationships/slicerCache")
    add_part(path, "xl/timelines/timeline1.xml",
             '<timelines xmlns="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main">'
             '<timeline name="Date de réclamation" cache="Chronologie_Date" '
             'caption="Date de réclamation" level="2" selectionLevel="2"/></timelines>',
             "application/vnd.ms-excel.timeline+xml", "xl/worksheets/sheet1.xml",
             "http://schemas.microsoft.com/office/2011/relationships/timeline",
             rel_id="rIdTimeline1",
             edit={"xl/worksheets/sheet1.xml": _in_sheet_tail(
                 '<ext uri="{7E03D99C-DC04-49d9-9315-930204A7B6E9}" xmlns:x15="http://schemas.'
                 'microsoft.com/office/spreadsheetml/2010/11/main"><x15:timelineRefs>'
                 f'<x15:timelineRef r:id="rIdTimeline1" xmlns:r="{REL}"/></x15:timelineRefs>'
                 '</ext>')})
    add_part(path, "xl/timelineCaches/timelineCache1.xml",
             '<timelineCacheDefinition xmlns="http://schemas.microsoft.com/office/'
             'spreadsheetml/2010/11/main" name="Chronologie_Date" sourceName="Date de '
             'réclamation"/>', "application/vnd.ms-excel.timelineCache+xml", "xl/workbook.xml",
             "http://schemas.microsoft.com/office/2011/relationships/timelineCache")
    return path


def with_connection_and_custom_xml(path: Path) -> Path:
    """A Power Query connection and a customXml part (as SharePoint adds)."""
    add_part(path, "xl/connections.xml",
             f'<connections xmlns="{MAIN}"><connection id="1" name="Requête - Agences" '
             'type="5" refreshedVersion="6" background="1"><dbPr connection="Provider='
             'Microsoft.Mashup.OleDb.1;Data Source=$Workbook$;Location=Agences" '
             'command="SELECT * FROM [Agences]"/></connection></connections>',
             "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml",
             "xl/workbook.xml", f"{REL}/connections")
    add_part(path, "customXml/item1.xml",
             '<?xml version="1.0" encoding="UTF-8"?><ct:contentTypeSchema xmlns:ct="http://'
             'schemas.microsoft.com/office/2006/metadata/contentType"/>', None,
             "xl/workbook.xml", f"{REL}/customXml")
    add_part(path, "customXml/itemProps1.xml",
             '<?xml version="1.0" encoding="UTF-8"?><ds:datastoreItem ds:itemID="{6C1A0F43-'
             '1111-4C5D-9A2B-3C4D5E6F7A8B}" xmlns:ds="http://schemas.openxmlformats.org/'
             'officeDocument/2006/customXml"/>',
             "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
             "customXml/item1.xml", f"{REL}/customXmlProps")
    return path


def with_sheet_extensions(path: Path) -> Path:
    """Excel 2010+ extensions on the register sheet: a drop-down on a staff column and an
    icon set (x14), and one of a kind nobody knows; protected ranges too."""
    icons = (f'<ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" xmlns:x14="{X14}">'
             f'<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="{XM}">'
             '<x14:cfRule type="iconSet" priority="9" id="{6E1E3B2A-1C4D-4F0B-9A57-'
             '2D6C0B7A1E01}"><x14:iconSet iconSet="3Triangles"><x14:cfvo type="percent">'
             '<xm:f>0</xm:f></x14:cfvo><x14:cfvo type="percent"><xm:f>33</xm:f></x14:cfvo>'
             '<x14:cfvo type="percent"><xm:f>67</xm:f></x14:cfvo></x14:iconSet></x14:cfRule>'
             '<xm:sqref>X2:X1000</xm:sqref></x14:conditionalFormatting>'
             '</x14:conditionalFormattings></ext>')
    unknown = '<ext uri="{12345678-0000-4000-8000-000000000000}"><autre/></ext>'
    protected = ('<protectedRanges><protectedRange name="Saisie" sqref="A2:Y1000"/>'
                 '</protectedRanges>')
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    sheet = _in_sheet_tail(icons + unknown)(sheet)
    sheet = re.sub(rb"(<sheetProtection\b[^>]*/>)", rb"\1" + protected.encode(), sheet, count=1)
    members["xl/worksheets/sheet1.xml"] = sheet
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


KINDS: dict[str, Callable[[Path], Path]] = {
    "images, chart, chart sheet, legacy comment (openpyxl)":
        lambda p: with_openpyxl_drawings(toolkit_register(p)),
    "text box, shape, sparklines, data bars, comment, image, chart (XlsxWriter)":
        xlsxwriter_register,
    "threaded comment": lambda p: with_threaded_comment(toolkit_register(p)),
    "pivot table": lambda p: with_pivot_table(toolkit_register(p)),
    "slicer and timeline": lambda p: with_slicer_and_timeline(toolkit_register(p)),
    "connection and customXml": lambda p: with_connection_and_custom_xml(toolkit_register(p)),
    "Excel 2010+ extensions, protected ranges": lambda p: with_sheet_extensions(
        toolkit_register(p)),
}


def everything(path: Path) -> Path:
    """One register holding every kind above (for the LibreOffice round trip)."""
    register = with_openpyxl_drawings(toolkit_register(path))
    for add in (with_threaded_comment, with_pivot_table, with_slicer_and_timeline,
                with_connection_and_custom_xml, with_sheet_extensions):
        add(register)
    return register


SHARED_STRINGS_CONTENT = ("application/vnd.openxmlformats-officedocument.spreadsheetml."
                          "sharedStrings+xml")


def strings_shared(path: Path, sheet: str = "xl/worksheets/sheet1.xml") -> None:
    """Every inline string moved to a shared strings part, as Excel saves texts (the
    workbook has none yet: openpyxl and the toolkit's template write inline strings)."""
    with zipfile.ZipFile(path) as archive:
        assert "xl/sharedStrings.xml" not in archive.namelist()
    strings: list[bytes] = []

    def cell(match: re.Match) -> bytes:
        strings.append(match.group(2))
        return match.group(1) + b't="s"><v>' + str(len(strings) - 1).encode() + b"</v></c>"

    with_part(path, sheet, lambda xml: re.sub(
        rb'(<c\b[^>]*?)t="inlineStr"><is>(.*?)</is></c>', cell, xml, flags=re.DOTALL))
    items = b"".join(b"<si>" + text + b"</si>" for text in strings)
    add_part(path, "xl/sharedStrings.xml",
             b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="' +
             MAIN.encode() + b'" count="%d" uniqueCount="%d">' % (len(strings), len(strings)) +
             items + b"</sst>", SHARED_STRINGS_CONTENT, "xl/workbook.xml",
             REL + "/sharedStrings")
