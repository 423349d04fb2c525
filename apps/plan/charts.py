"""A chart per metric on the plan page: actual as bars, plan as a line, one slot per month,
drawn with the board's chart code (``apps.board.charts``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from apps.board import charts

from .choices import PlanStatus
from .rules import SYSTEM

CHART_BOX = charts.Box(width=560, height=220)


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def plan_chart(row: dict[str, Any], *, months: list[date]) -> dict[str, Any]:
    """``{"metric", "label", "scope", "svg", "summary"}`` for one row of ``plan_grid``."""
    actual = [_f(c["actual"]) for c in row["months"]]
    plan = [_f(c["plan"]) for c in row["months"]]
    values = [v for v in (*actual, *plan) if v is not None]
    top = max(values, default=1) or 1
    ticks = charts.nice_ticks(0, top * 1.1, 4)
    y_hi = max(ticks[-1], top)
    judged = [c for c in row["months"] if c["status"] in (PlanStatus.MET, PlanStatus.MISSED)]
    met = sum(1 for c in judged if c["status"] == PlanStatus.MET)
    scope = "the system" if row["scope"] == SYSTEM else row["scope"]
    if judged:
        last = judged[-1]
        summary = (
            f"{row['label']}, {scope}: met in {met} of {len(judged)} months with figures; "
            f"{last['month']:%B %Y}: actual {last['actual']:g} against plan {last['plan']:g}."
        )
    else:
        summary = f"{row['label']}, {scope}: no month with both a plan and an actual yet."
    svg = charts.bar_line_chart(
        actual,
        plan,
        chart_id=f"plan-{row['metric']}-{row['scope']}",
        title=f"{row['label']}, {scope}: actual (bars) and plan (line) by month",
        desc=summary,
        y_domain=(0, y_hi),
        x_ticks=[(i, f"{m:%b}") for i, m in enumerate(months)],
        y_ticks=[(v, f"{v:g}") for v in ticks],
        x_label="Month",
        y_label=row["unit"],
        box=CHART_BOX,
    )
    return {
        "metric": row["metric"],
        "label": row["label"],
        "scope": row["scope"],
        "svg": svg,
        "summary": summary,
    }


def plan_charts(grid: list[dict[str, Any]], *, months: list[date]) -> list[dict[str, Any]]:
    """One chart per metric: its ``system`` row, or its first scope when it has none."""
    chosen: dict[str, dict[str, Any]] = {}
    for row in grid:
        if row["metric"] not in chosen or row["scope"] == SYSTEM:
            chosen[row["metric"]] = row
    return [plan_chart(row, months=months) for row in chosen.values()]
