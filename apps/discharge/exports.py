"""The S1 in the daily-return formats: CSV and XLSX."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .choices import Pathway

S1_CSV_HEADER = (
    "organisation",
    "name",
    "total",
    "planned_today",
    "future_plan",
    "awaiting_outcome",
    *Pathway.values,
    "lost_discharges",
    "days_7_plus",
    "days_21_plus",
)
_XLSX_LABELS = (
    "Organisation",
    "Name",
    "Total MOFD",
    "Planned discharge today",
    "Future plan",
    "Awaiting outcome",
    *Pathway.values,
    "Lost discharges",
    "MOFD 7+ days",
    "MOFD 21+ days",
)
_XLSX_WIDTHS = (14, 40, 11, 13, 11, 11, 7, 7, 7, 7, 11, 10, 10)


def s1_flat_rows(s1: dict[str, Any]) -> list[list[Any]]:
    """Rows in export column order, the TOTAL row last."""
    out = []
    for row in [*s1["rows"], s1["total"]]:
        flat = {**row, **row["by_pathway"]}
        out.append([flat[column] for column in S1_CSV_HEADER])
    return out


def s1_csv(s1: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(S1_CSV_HEADER)
    writer.writerows(s1_flat_rows(s1))
    return buffer.getvalue()


def s1_xlsx(s1: dict[str, Any], *, title: str) -> bytes:
    """A workbook with a title line, a bold header row, frozen panes and a bold totals row."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"S1 {s1['date']}"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(_XLSX_LABELS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in s1_flat_rows(s1):
        sheet.append(row)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for i, width in enumerate(_XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "C3"
    sheet.print_options.gridLines = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
