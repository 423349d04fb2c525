"""The S1 in the daily-return formats: CSV and XLSX, written with the shared export helper
(``apps.core.exports``: text as written, never a formula)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from apps.core.exports import csv_text, xlsx_append, xlsx_bytes

from .choices import Pathway, S1State

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
    "Lists that day",
    "Late lists",
)
_XLSX_WIDTHS = (14, 40, 11, 13, 11, 11, 7, 7, 7, 7, 11, 10, 10, 10, 10)
XLSX_HEADER_ROW = 3


def s1_flat_rows(s1: dict[str, Any]) -> list[list[Any]]:
    """Rows in CSV column order, the TOTAL row last."""
    out = []
    for row in [*s1["rows"], s1["total"]]:
        flat = {**row, **row["by_pathway"]}
        out.append([flat[column] for column in S1_CSV_HEADER])
    return out


def s1_state_text(s1: dict[str, Any]) -> str:
    """The day's state in words, as on the page: live, frozen (when), or not yet frozen."""
    state = s1["state"]
    if state == S1State.FROZEN:
        frozen_at = timezone.localtime(s1["frozen_at"])
        late = s1["total"]["late_lists"]
        note = f"; {late} late list(s) received since, not included" if late else ""
        return f"Frozen at {frozen_at:%d/%m/%Y %H:%M}{note}."
    return f"{S1State(state).label}."


def s1_csv(s1: dict[str, Any]) -> str:
    """The CSV daily return (API.md: the header is fixed; a final TOTAL row)."""
    return csv_text(S1_CSV_HEADER, s1_flat_rows(s1))


def s1_xlsx(s1: dict[str, Any], *, title: str) -> bytes:
    """A workbook with a title line, the day's state, a bold header row, frozen panes and a
    bold totals row; the lists received that day and the late ones in the last two columns."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"S1 {s1['date']}"
    xlsx_append(sheet, [title])[0].font = Font(bold=True, size=14)
    xlsx_append(sheet, [s1_state_text(s1)])
    for cell in xlsx_append(sheet, _XLSX_LABELS):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for flat, row in zip(s1_flat_rows(s1), [*s1["rows"], s1["total"]], strict=True):
        xlsx_append(sheet, [*flat, row["lists"], row["late_lists"]])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for i, width in enumerate(_XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = f"C{XLSX_HEADER_ROW + 1}"
    sheet.print_options.gridLines = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    return xlsx_bytes(book)
