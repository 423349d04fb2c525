"""The plan table as XLSX for managers: a row per metric and scope, plan / actual / status
per month, written through the shared export helper (text cells are strings, never
formulas)."""

from __future__ import annotations

from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from apps.core.exports import xlsx_append, xlsx_bytes


def plan_xlsx(grid: list[dict[str, Any]], *, months: list[date], title: str) -> bytes:
    """A title line, a header (metric, scope, direction, then plan / actual / status for
    each month) and a row per metric and scope; numbers stay numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Operating plan"
    xlsx_append(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=14)
    header = ["Metric", "Scope", "Meets when"]
    for m in months:
        header += [f"{m:%b %Y} plan", f"{m:%b %Y} actual", f"{m:%b %Y} status"]
    xlsx_append(sheet, header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in grid:
        cells: list[Any] = [row["metric"], row["scope"], str(row["direction"].label)]
        for c in row["months"]:
            cells += [c["plan"], c["actual"], str(c["status"].label) if c["status"] else None]
        xlsx_append(sheet, cells)
    sheet.freeze_panes = "D3"
    return xlsx_bytes(book)
