"""The page's tables as CSV and as an OpenDocument spreadsheet (.ods), for the annual report.

The .ods file is written with the standard library: a zip with an uncompressed "mimetype" first, a manifest and
one content.xml with a sheet per table. odfpy, the one library for it, had its last release in 2020."""
from __future__ import annotations

import csv
import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

from api.statistics.figures import Figures, Table

ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"


def rows(table: Table, result: Figures) -> list[list[str | int]]:
    """One table as rows of a sheet: a header, a line per category (count and share per period), the total."""
    spec = table.spec
    current, previous = result.period.label(), result.previous.label()
    if not table.wide:
        out: list[list[str | int]] = [[spec.title, f"{current} aantal", f"{current} aandeel %", f"{previous} aantal",
                f"{previous} aandeel %"]]
        for row, label in spec.rows:
            cells = [table.cells[p][row]["n"] for p in ("current", "previous")]
            out.append([label, *(v for c in cells for v in (c.public(), "" if c.share is None else c.share))])
        if "total" in table.cells["current"]:
            out.append(["Totaal", *(v for p in ("current", "previous")
                                    for v in (table.cells[p]["total"]["n"].public(), ""))])
        return out
    columns = [*spec.columns, ("total", "Totaal")]
    out = [[spec.title, *(f"{period} {label}" for period in (current, previous) for _, label in columns)]]
    for row, label in spec.rows:
        out.append([label, *(table.cells[p][row][col].public() for p in ("current", "previous") for col, _ in columns)])
    return out


def to_csv(result: Figures) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # Dutch spreadsheet programs read ";" by default
    for table in result.tables:
        writer.writerows(rows(table, result))
        writer.writerow([])
    writer.writerow(["<5 = minder dan 5; x = verborgen zodat een klein aantal niet is terug te rekenen"])
    return buffer.getvalue()


def _cell(value) -> str:
    if isinstance(value, int):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f'<text:p>{value}</text:p></table:table-cell>')
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def to_ods(result: Figures) -> bytes:
    sheets = []
    for table in result.tables:
        body = "".join("<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>"
                       for row in rows(table, result))
        sheets.append(f"<table:table table:name={quoteattr(table.spec.key)}>{body}</table:table>")
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet>{"".join(sheets)}</office:spreadsheet></office:body>'
               '</office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.2">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIME}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MIME, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return buffer.getvalue()
