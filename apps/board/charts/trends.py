"""The site page's trend charts: the readings in, an SVG and a table of the figures out.

Plain values in (times as aware datetimes, local days as dates); no database, no clock: the
caller passes ``now``. Days are Europe/London local days.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from apps.core.localtime import local_midnight, local_time

from .svg import Box, bar_chart, line_chart, nice_ticks

# Narrower than the default: the charts sit in the site page's side column.
SIDE_COLUMN = Box(width=560, height=220)


def occupancy_chart(
    points: list[tuple[datetime, float | None]],
    *,
    now: datetime,
    days: int,
    standard_pct: int,
    chart_id: str,
) -> dict[str, Any]:
    """The adult G&A occupancy step chart over the last ``days`` with the standard line, and
    a table of each local day's lowest, highest and last reading."""
    start = now - timedelta(days=days)
    values = [pct for _, pct in points if pct is not None]
    if not values:
        return {"svg": None, "days": [], "summary": "No history yet."}
    # Carry the latest reading to now: it holds until the next sitrep.
    series = [(t.timestamp(), pct) for t, pct in points] + [(now.timestamp(), points[-1][1])]
    # The reading in force at the window's start counts too: it is drawn from the left edge.
    low = min(min(values), standard_pct)
    y_lo = max(0, (int(low) - 3) // 10 * 10)
    y_ticks = [(v, f"{v:g}%") for v in nice_ticks(y_lo, 100, 4)]
    midnights = []
    day = local_time(start).date() + timedelta(days=1)
    while day <= local_time(now).date():
        midnight = local_midnight(day)
        midnights.append((midnight.timestamp(), f"{midnight:%a} {midnight.day}"))
        day += timedelta(days=1)
    latest = values[-1]
    summary = (
        f"Adult G&A occupancy over the last {days} days: latest {latest}%, "
        f"highest {max(values)}%, lowest {min(values)}%. "
        f"The dashed line is the {standard_pct}% standard."
    )
    first = points[0][0]
    if first > start:
        since = local_time(first)
        summary += f" Readings only since {since:%a} {since.day} {since:%b %H:%M}."
    svg = line_chart(
        series,
        chart_id=chart_id,
        title=f"Adult G&A occupancy, last {days} days",
        desc=summary,
        x_domain=(start.timestamp(), now.timestamp()),
        y_domain=(y_lo, 100),
        x_ticks=midnights,
        y_ticks=y_ticks,
        x_label="Day (local time)",
        y_label="Occupied %",
        reference=(standard_pct, f"{standard_pct}% standard"),
        box=SIDE_COLUMN,
    )
    table: dict[Any, list[float]] = {}
    for t, pct in points:
        if pct is not None and t >= start:
            table.setdefault(local_time(t).date(), []).append(pct)
    rows = [
        {"date": d, "low": min(v), "high": max(v), "last": v[-1], "readings": len(v)}
        for d, v in sorted(table.items())
    ]
    return {"svg": svg, "days": rows, "summary": summary}


def lost_hours_chart(
    points: list[tuple[Any, float | None]], *, standard_min: int, chart_id: str
) -> dict[str, Any]:
    """Lost handover hours per local day as bars (a day with no figures has no bar)."""
    days = len(points)
    held = [(d, h) for d, h in points if h is not None]
    if not held:
        return {"svg": None, "days": points, "summary": "No history yet."}
    top = max(h for _, h in held)
    y_hi = nice_ticks(0, max(top, 1), 4)[-1]
    if y_hi < top:
        y_hi = top
    y_ticks = [(v, f"{v:g}") for v in nice_ticks(0, y_hi, 4)]
    x_ticks = [
        (i, "today" if i == days - 1 else f"{d.day} {d:%b}")
        for i, (d, _) in enumerate(points)
        if (days - 1 - i) % 7 == 0
    ]
    worst_day, worst = max(held, key=lambda p: p[1])
    total = round(sum(h for _, h in held), 2)
    missing = days - len(held)
    summary = (
        f"Hours lost to ambulance handovers over {standard_min} minutes, last {days} days: "
        f"{total} h in all, most {worst} h on {worst_day:%a} {worst_day.day} {worst_day:%b}, "
        f"today {points[-1][1] if points[-1][1] is not None else 'no figures'}"
        + (f"; {missing} days without figures." if missing else ".")
    )
    svg = bar_chart(
        [(i, h) for i, (_, h) in enumerate(points)],
        chart_id=chart_id,
        title=f"Lost handover hours per day, last {days} days",
        desc=summary,
        y_domain=(0, y_hi),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        x_label="Day",
        y_label="Lost hours",
        box=SIDE_COLUMN,
    )
    return {"svg": svg, "days": points, "summary": summary}
