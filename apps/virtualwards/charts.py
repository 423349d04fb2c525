"""Geometry of the plan-against-actual chart, drawn as inline SVG by the template."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56


def _nice_scale(value: int) -> tuple[int, int]:
    """(top, step) of a y axis holding ``value`` in at most five round steps (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 10, 2
    raw_step = value / 5
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step)
    step = max(1, int(step))
    return step * math.ceil(value / step), step


def _label(month: date) -> str:
    return month.strftime("%b %Y")


def plan_chart(months: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Bars of actual capacity and a line of planned capacity, one slot per month."""
    if not months:
        return None
    values = [m[k] for m in months for k in ("planned", "actual") if m[k] is not None]
    top, step = _nice_scale(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(months)
    base = TOP + plot_h

    def y(value: int) -> float:
        return round(base - plot_h * value / top, 1)

    bars, points, segments = [], [], []
    label_every = max(1, math.ceil(len(months) / 12))
    x_labels = []
    for i, m in enumerate(months):
        centre = LEFT + slot * (i + 0.5)
        if m["actual"] is not None:
            bars.append(
                {
                    "x": round(LEFT + slot * i + slot * 0.15, 1),
                    "y": y(m["actual"]),
                    "width": round(slot * 0.7, 1),
                    "height": round(base - y(m["actual"]), 1),
                    "title": f"{_label(m['month'])}: actual {m['actual']}"
                    + ("" if m["planned"] is None else f", planned {m['planned']}"),
                }
            )
        if m["planned"] is not None:
            point = {
                "x": round(centre, 1),
                "y": y(m["planned"]),
                "title": f"{_label(m['month'])}: planned {m['planned']}",
            }
            points.append(point)
            if segments and segments[-1]["last"] == i - 1:
                segments[-1]["points"] += f" {point['x']},{point['y']}"
                segments[-1]["last"] = i
            else:
                segments.append({"points": f"{point['x']},{point['y']}", "last": i})
        if i % label_every == 0:
            x_labels.append({"x": round(centre, 1), "text": m["month"].strftime("%b %y")})
    y_ticks = [{"y": y(v), "value": v} for v in range(0, top + 1, step)]

    planned = [m for m in months if m["planned"] is not None]
    actual = [m for m in months if m["actual"] is not None]
    desc = []
    if planned:
        desc.append(
            f"Planned capacity goes from {planned[0]['planned']} in {_label(planned[0]['month'])}"
            f" to {planned[-1]['planned']} in {_label(planned[-1]['month'])}."
        )
    if actual:
        desc.append(
            f"Actual capacity was {actual[-1]['actual']} at the end of "
            f"{_label(actual[-1]['month'])}."
        )
    else:
        desc.append("No census has been received yet.")
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "base": base,
        "x_axis_label_x": round(LEFT + plot_w / 2, 1),
        "x_axis_label_y": HEIGHT - 8,
        "x_label_y": base + 18,
        "y_axis_label_x": 14,
        "y_axis_label_y": TOP + plot_h / 2,
        "bars": bars,
        "segments": segments,
        "points": points,
        "x_labels": x_labels,
        "y_ticks": y_ticks,
        "title": f"Virtual-ward capacity: planned and actual, {_label(months[0]['month'])} "
        f"to {_label(months[-1]['month'])}",
        "desc": " ".join(desc),
    }
