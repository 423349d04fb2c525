"""The discharge timeliness trend: one small SVG chart per figure against its target, drawn
with the board's chart code (``apps.board.charts``)."""

from __future__ import annotations

from typing import Any

from apps.board import charts

from .rules import TIMELINESS_TARGETS

CHART_BOX = charts.Box(width=560, height=200)
FIGURES = (
    ("p1_within_1_day_pct", "P1 discharged within 1 day"),
    ("p2_p3_within_2_days_pct", "P2/P3 discharged within 2 days"),
    ("before_17_pct", "Discharged before 17:00"),
)


def timeliness_charts(trend: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``[{"key", "label", "target", "svg", "summary"}]`` from ``selectors.timeliness_trend``
    (oldest day first): each figure's daily % as a step line, its target dashed. A day
    with nobody in the group has no value (the line breaks)."""
    days = len(trend)
    x_ticks = [
        (i, "today" if i == days - 1 else f"{d['date'].day} {d['date']:%b}")
        for i, d in enumerate(trend)
        if (days - 1 - i) % 7 == 0
    ]
    y_ticks = [(v, f"{v:g}%") for v in (0, 25, 50, 75, 100)]
    out = []
    for key, label in FIGURES:
        target = TIMELINESS_TARGETS[key]
        points = [(i, d[key]) for i, d in enumerate(trend)]
        known = [(trend[i]["date"], v) for i, v in points if v is not None]
        if known:
            latest_day, latest = known[-1]
            met = sum(1 for _, v in known if v >= target)
            summary = (
                f"{label}: {latest:g}% on {latest_day:%d %b}; at or above the {target}% target "
                f"on {met} of {len(known)} days with discharges in the last {days} days."
            )
        else:
            summary = f"{label}: no discharges in this group in the last {days} days."
        svg = charts.line_chart(
            points,
            chart_id=f"timeliness-{key}",
            title=f"{label}, last {days} days (% of the day's discharges)",
            desc=summary,
            x_domain=(0, max(days - 1, 1)),
            y_domain=(0, 100),
            x_ticks=x_ticks,
            y_ticks=y_ticks,
            x_label="Day (local)",
            y_label="%",
            reference=(target, f"{target}% target"),
            box=CHART_BOX,
        )
        out.append({"key": key, "label": label, "target": target, "svg": svg, "summary": summary})
    return out
