"""The one way every export writes its cells (CSV and XLSX).

Text from the estate or from providers (organisation, site and ward names, references) must come
out exactly as written and never be run by a spreadsheet: a name such as
``=HYPERLINK("http://…","Click here")`` is text, not a formula (OWASP "CSV injection").

- XLSX: every text cell is stored as a string with Excel's own "quote prefix" style (what
  Excel itself records for text typed after a leading apostrophe), never as a formula, whatever
  its first character. Numbers stay numbers.
  Characters XML cannot carry as they are (a carriage return, which XML readers turn into a
  line feed, and the other control characters, which openpyxl refuses) are written with the
  OOXML ``_xHHHH_`` escape that Excel and LibreOffice decode (ECMA-376 ST_Xstring); a literal
  ``_xHHHH_`` in the text is escaped too, so it reads back as written.
- CSV: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
  leading ``'`` (the usual neutralisation; the rest of the text is unchanged). Numbers stay
  numbers, so a negative figure is written ``-3``, not ``'-3``.

Imports no app, so any app's export can use it. (``defusedcsv`` was considered: it leaves tab
and carriage return alone and rewrites ``|`` to ``\\|``, so the text would not be as written.)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl.cell.cell import TYPE_STRING, Cell
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

CSV_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_CELL_PREFIX = "'"
# XML 1.0 keeps tab and line feed; a carriage return is normalised away and the other C0
# controls are not allowed at all.
_XLSX_ESCAPED = re.compile(r"[\x01-\x08\x0b\x0c\r\x0e-\x1f]")
_XLSX_LITERAL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Value = str | int | float | Decimal | date | datetime | None


def csv_cell(value: Value) -> Value:
    """One CSV cell: text that a spreadsheet would run as a formula gets a leading ``'``;
    numbers, dates and ``None`` (an empty cell) are returned unchanged."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_TRIGGERS):
        return CSV_CELL_PREFIX + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Value]]) -> str:
    """A whole CSV document (RFC 4180: CRLF line ends, minimal quoting), header first.

    Every cell, the header's too, goes through ``csv_cell``.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(v) for v in header])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def xlsx_text(value: str) -> str:
    """Text as stored in an XLSX cell so that it reads back exactly as written (OOXML escapes
    for the characters XML cannot carry, and for a literal ``_xHHHH_``)."""
    value = _XLSX_LITERAL_ESCAPE.sub(r"_x005F_\1", value)
    return _XLSX_ESCAPED.sub(lambda m: f"_x{ord(m.group()):04X}_", value)


def xlsx_text_cell(cell: Cell) -> Cell:
    """Make a cell holding text a string cell with the quote-prefix style (never a formula)."""
    if isinstance(cell.value, str):
        cell.data_type = TYPE_STRING
        cell.quotePrefix = True
    return cell


def xlsx_append(sheet: Worksheet, row: Sequence[Value]) -> list[Cell]:
    """Append a row to a sheet; text cells are strings, never formulas. Returns the cells."""
    sheet.append([xlsx_text(v) if isinstance(v, str) else v for v in row])
    cells = list(sheet[sheet.max_row])[: len(row)]
    return [xlsx_text_cell(cell) for cell in cells]


def xlsx_bytes(book: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file (``XLSX_MEDIA_TYPE``)."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
