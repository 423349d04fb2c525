"""The virtual-ward plan against actual capacity: bars of actual capacity and a line of the
planned, one slot per month. The geometry is worked out here and drawn as inline SVG by
``templates/virtualwards/index.html`` (bars and points carry their own titles)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from .svg import Box, axis_top, scale

PLAN_BOX = Box(width=760, height=300, left=56, right=16, top=16, bottom=56)


def _label(month: date) -> str:
    return month.strftime("%b %Y")


def plan_chart(months: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Bars of actual capacity and a line of planned capacity, one slot per month."""
    if not months:
        return None
    values = [m[k] for m in months for k in ("planned", "actual") if m[k] is not None]
    box = PLAN_BOX
    top, step = axis_top(max(values, default=0))
    plot_w, plot_h = box.x1 - box.x0, box.y0 - box.y1
    slot = plot_w / len(months)
    base = box.y0

    def y(value: int) -> float:
        return round(scale(value, (0, top), (box.y0, box.y1)), 1)

    bars, points, segments = [], [], []
    label_every = max(1, math.ceil(len(months) / 12))
    x_labels = []
    for i, m in enumerate(months):
        centre = box.x0 + slot * (i + 0.5)
        if m["actual"] is not None:
            bars.append(
                {
                    "x": round(box.x0 + slot * i + slot * 0.15, 1),
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
        "width": box.width,
        "height": box.height,
        "left": box.x0,
        "right": box.x1,
        "top": box.y1,
        "base": base,
        "x_axis_label_x": round(box.x0 + plot_w / 2, 1),
        "x_axis_label_y": box.height - 8,
        "x_label_y": base + 18,
        "y_axis_label_x": 14,
        "y_axis_label_y": box.y1 + plot_h / 2,
        "bars": bars,
        "segments": segments,
        "points": points,
        "x_labels": x_labels,
        "y_ticks": y_ticks,
        "title": f"Virtual-ward capacity: planned and actual, {_label(months[0]['month'])} "
        f"to {_label(months[-1]['month'])}",
        "desc": " ".join(desc),
    }
