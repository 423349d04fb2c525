"""The product's charts, in one place: SVG drawing (``svg``) and the data each chart is drawn
from (``trends``: the site page's occupancy and lost hours; ``plan``: the virtual-ward plan
against actual capacity). Imports no app, so every app's pages may use it."""

from .plan import plan_chart
from .svg import (
    DEFAULT_BOX,
    Box,
    FanDay,
    axis_top,
    bar_chart,
    bar_line_chart,
    fan_chart,
    line_chart,
    nice_ticks,
    scale,
    step_path,
)
from .trends import SIDE_COLUMN, lost_hours_chart, occupancy_chart

__all__ = [
    "DEFAULT_BOX",
    "SIDE_COLUMN",
    "Box",
    "FanDay",
    "axis_top",
    "bar_chart",
    "bar_line_chart",
    "fan_chart",
    "line_chart",
    "lost_hours_chart",
    "nice_ticks",
    "occupancy_chart",
    "plan_chart",
    "scale",
    "step_path",
]
