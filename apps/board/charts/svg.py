"""Trend charts as server-rendered inline SVG: plain values in, markup out.

No JavaScript, no database, no clock. Callers turn their data into ``(x, y)`` numbers (for
times: epoch seconds) and name the ticks; these functions only scale and draw. Every chart is
an image with a title and a description (``role="img"``), so a screen reader hears the figures
the eye reads; pages add a data table next to it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Point = tuple[float, float | None]
Tick = tuple[float, str]


@dataclass(frozen=True)
class Box:
    """The drawing area inside the SVG, leaving margins for the axes' ticks and labels."""

    width: int = 640
    height: int = 220
    left: int = 52
    right: int = 16
    top: int = 14
    bottom: int = 44

    @property
    def x0(self) -> float:
        return self.left

    @property
    def x1(self) -> float:
        return self.width - self.right

    @property
    def y0(self) -> float:  # the bottom of the plot (SVG y grows downwards)
        return self.height - self.bottom

    @property
    def y1(self) -> float:
        return self.top


DEFAULT_BOX = Box()


def scale(value: float, domain: tuple[float, float], span: tuple[float, float]) -> float:
    """Map ``value`` from ``domain`` onto ``span`` linearly (values outside are clamped)."""
    lo, hi = domain
    if hi == lo:
        return (span[0] + span[1]) / 2
    value = min(max(value, min(lo, hi)), max(lo, hi))
    return span[0] + (value - lo) / (hi - lo) * (span[1] - span[0])


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]: steps of 1, 2, 2.5 or 5 × a power of ten."""
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    value = first
    while value <= hi + 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def axis_top(value: float, *, steps: int = 5) -> tuple[int, int]:
    """``(top, step)`` of a whole-number y axis from 0 holding ``value`` in at most ``steps``
    round steps (1, 2 or 5 × a power of ten), the top on a step: counts such as beds."""
    if value <= 0:
        return 10, 2
    raw_step = value / steps
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step)
    step = max(1, int(step))
    return step * math.ceil(value / step), step


def _n(value: float) -> str:
    """Coordinates to one decimal: short markup, well below a pixel."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _frame(
    *,
    box: Box,
    chart_id: str,
    title: str,
    desc: str,
    x_ticks: Sequence[Tick],
    y_ticks: Sequence[Tick],
    x_domain: tuple[float, float],
    y_domain: tuple[float, float],
    x_label: str,
    y_label: str,
    body: list[str],
) -> SafeString:
    sx = (box.x0, box.x1)
    sy = (box.y0, box.y1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {box.width} {box.height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
        '<g class="chart-grid" aria-hidden="true">',
    ]
    for value, label in y_ticks:
        y = _n(scale(value, y_domain, sy))
        parts.append(f'<line x1="{_n(box.x0)}" x2="{_n(box.x1)}" y1="{y}" y2="{y}"/>')
        parts.append(
            f'<text class="chart-tick" x="{_n(box.x0 - 6)}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(label)}</text>'
        )
    for value, label in x_ticks:
        x = _n(scale(value, x_domain, sx))
        parts.append(
            f'<line class="chart-xtick" x1="{x}" x2="{x}" y1="{_n(box.y0)}" y2="{_n(box.y0 + 4)}"/>'
        )
        parts.append(
            f'<text class="chart-tick" x="{x}" y="{_n(box.y0 + 16)}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</g>")
    parts.extend(body)
    parts.append(
        f'<line class="chart-axis" x1="{_n(box.x0)}" x2="{_n(box.x1)}" '
        f'y1="{_n(box.y0)}" y2="{_n(box.y0)}" aria-hidden="true"/>'
    )
    mid_x = _n((box.x0 + box.x1) / 2)
    mid_y = _n((box.y0 + box.y1) / 2)
    parts.append(
        f'<text class="chart-label" x="{mid_x}" y="{_n(box.height - 6)}" '
        f'text-anchor="middle" aria-hidden="true">{escape(x_label)}</text>'
    )
    parts.append(
        f'<text class="chart-label" x="12" y="{mid_y}" text-anchor="middle" '
        f'transform="rotate(-90 12 {mid_y})" aria-hidden="true">{escape(y_label)}</text>'
    )
    parts.append("</svg>")
    # Every text above went through escape(); numbers are formatted here.
    return mark_safe("".join(parts))


def step_path(
    points: Sequence[Point],
    *,
    x_domain: tuple[float, float],
    y_domain: tuple[float, float],
    box: Box,
) -> str:
    """An SVG path for a value that holds until the next point (a step "after" line).

    Points must be in x order. A ``None`` value breaks the line; points left of the domain
    start at its left edge (their value held into the window).
    """
    sx = (box.x0, box.x1)
    sy = (box.y0, box.y1)
    commands: list[str] = []
    drawing = False
    for x, y in points:
        if y is None:
            drawing = False
            continue
        px = scale(x, x_domain, sx)
        py = scale(y, y_domain, sy)
        if drawing:
            commands.append(f"H{_n(px)}V{_n(py)}")
        else:
            commands.append(f"M{_n(px)} {_n(py)}")
            drawing = True
    return "".join(commands)


def line_chart(
    points: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    desc: str,
    x_domain: tuple[float, float],
    y_domain: tuple[float, float],
    x_ticks: Sequence[Tick] = (),
    y_ticks: Sequence[Tick] = (),
    x_label: str = "",
    y_label: str = "",
    reference: tuple[float, str] | None = None,
    mark_last: bool = True,
    box: Box = DEFAULT_BOX,
) -> SafeString:
    """A step line (values hold until the next reading) with an optional dashed reference
    line, e.g. ``reference=(92, "92% standard")``, and a dot on the latest value (so that
    even a single reading shows)."""
    body = []
    if reference is not None:
        value, label = reference
        y = _n(scale(value, y_domain, (box.y0, box.y1)))
        body.append(
            f'<line class="chart-ref" x1="{_n(box.x0)}" x2="{_n(box.x1)}" y1="{y}" y2="{y}" '
            'aria-hidden="true"/>'
        )
        body.append(
            f'<text class="chart-ref-label" x="{_n(box.x1 - 4)}" y="{_n(float(y) - 5)}" '
            f'text-anchor="end" aria-hidden="true">{escape(label)}</text>'
        )
    path = step_path(points, x_domain=x_domain, y_domain=y_domain, box=box)
    if path:
        body.append(f'<path class="chart-line" d="{path}" aria-hidden="true"/>')
    known = [(x, y) for x, y in points if y is not None]
    if mark_last and known:
        x, y = known[-1]
        cx = _n(scale(x, x_domain, (box.x0, box.x1)))
        cy = _n(scale(y, y_domain, (box.y0, box.y1)))
        body.append(f'<circle class="chart-last" cx="{cx}" cy="{cy}" r="4" aria-hidden="true"/>')
    return _frame(
        box=box,
        chart_id=chart_id,
        title=title,
        desc=desc,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        x_domain=x_domain,
        y_domain=y_domain,
        x_label=x_label,
        y_label=y_label,
        body=body,
    )


def bar_chart(
    points: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    desc: str,
    y_domain: tuple[float, float],
    x_ticks: Sequence[Tick] = (),
    y_ticks: Sequence[Tick] = (),
    x_label: str = "",
    y_label: str = "",
    bar_fraction: float = 0.7,
    box: Box = DEFAULT_BOX,
) -> SafeString:
    """One bar per point, at x = 0, 1, 2 ... (the slot index); ``None`` draws no bar.

    Tick x values are slot indexes too. The chart's description and the page's table carry
    the figures for those who do not see the bars.
    """
    slots = max(len(points), 1)
    x_domain = (-0.5, slots - 0.5)
    sx = (box.x0, box.x1)
    sy = (box.y0, box.y1)
    slot_width = (box.x1 - box.x0) / slots
    bar_width = slot_width * bar_fraction
    body = ['<g class="chart-bars" aria-hidden="true">']
    for x, y in points:
        if y is None:
            continue
        centre = scale(x, x_domain, sx)
        top = scale(y, y_domain, sy)
        height = max(box.y0 - top, 0)
        body.append(
            f'<rect class="chart-bar" x="{_n(centre - bar_width / 2)}" y="{_n(top)}" '
            f'width="{_n(bar_width)}" height="{_n(height)}"/>'
        )
    body.append("</g>")
    return _frame(
        box=box,
        chart_id=chart_id,
        title=title,
        desc=desc,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        x_domain=x_domain,
        y_domain=y_domain,
        x_label=x_label,
        y_label=y_label,
        body=body,
    )


def _band_path(
    xs: Sequence[float],
    lo: Sequence[float],
    hi: Sequence[float],
    *,
    x_domain: tuple[float, float],
    y_domain: tuple[float, float],
    box: Box,
) -> str:
    """A closed area between two lines over the same x values (upper edge left to right,
    lower edge back)."""
    sx, sy = (box.x0, box.x1), (box.y0, box.y1)
    upper = [(scale(x, x_domain, sx), scale(y, y_domain, sy)) for x, y in zip(xs, hi, strict=True)]
    lower = [(scale(x, x_domain, sx), scale(y, y_domain, sy)) for x, y in zip(xs, lo, strict=True)]
    points = upper + lower[::-1]
    return "M" + "L".join(f"{_n(px)} {_n(py)}" for px, py in points) + "Z"


def _polyline(
    points: Sequence[Point],
    *,
    x_domain: tuple[float, float],
    y_domain: tuple[float, float],
    box: Box,
) -> str:
    """Straight segments between points in x order; ``None`` breaks the line."""
    sx, sy = (box.x0, box.x1), (box.y0, box.y1)
    commands, drawing = [], False
    for x, y in points:
        if y is None:
            drawing = False
            continue
        px, py = _n(scale(x, x_domain, sx)), _n(scale(y, y_domain, sy))
        commands.append(f"{'L' if drawing else 'M'}{px} {py}")
        drawing = True
    return "".join(commands)


@dataclass(frozen=True)
class FanDay:
    """One forecast day for a fan chart: x (e.g. a day number) and the bands."""

    x: float
    mean: float
    lo50: float
    hi50: float
    lo95: float
    hi95: float


def fan_chart(
    history: Sequence[Point],
    forecast: Sequence[FanDay],
    *,
    chart_id: str,
    title: str,
    desc: str,
    x_domain: tuple[float, float],
    y_domain: tuple[float, float],
    x_ticks: Sequence[Tick] = (),
    y_ticks: Sequence[Tick] = (),
    x_label: str = "",
    y_label: str = "",
    reference: tuple[float, str] | None = None,
    box: Box = DEFAULT_BOX,
) -> SafeString:
    """History as a solid line, then the forecast: the 95% band, the 50% band inside it and
    the mean as a dashed line, joined to the last known value. Optional dashed reference line
    (e.g. the beds at 92%)."""
    body = []
    if forecast:
        xs = [d.x for d in forecast]
        for name, lo, hi in (
            ("chart-band95", [d.lo95 for d in forecast], [d.hi95 for d in forecast]),
            ("chart-band50", [d.lo50 for d in forecast], [d.hi50 for d in forecast]),
        ):
            path = _band_path(xs, lo, hi, x_domain=x_domain, y_domain=y_domain, box=box)
            body.append(f'<path class="{name}" d="{path}" aria-hidden="true"/>')
    if reference is not None:
        value, label = reference
        y = _n(scale(value, y_domain, (box.y0, box.y1)))
        body.append(
            f'<line class="chart-ref" x1="{_n(box.x0)}" x2="{_n(box.x1)}" y1="{y}" y2="{y}" '
            'aria-hidden="true"/>'
        )
        body.append(
            f'<text class="chart-ref-label" x="{_n(box.x0 + 4)}" y="{_n(float(y) - 5)}" '
            f'aria-hidden="true">{escape(label)}</text>'
        )
    path = _polyline(history, x_domain=x_domain, y_domain=y_domain, box=box)
    if path:
        body.append(f'<path class="chart-line" d="{path}" aria-hidden="true"/>')
    if forecast:
        known = [(x, y) for x, y in history if y is not None]
        mean_points: list[Point] = [*known[-1:], *((d.x, d.mean) for d in forecast)]
        path = _polyline(mean_points, x_domain=x_domain, y_domain=y_domain, box=box)
        body.append(f'<path class="chart-mean" d="{path}" aria-hidden="true"/>')
    return _frame(
        box=box,
        chart_id=chart_id,
        title=title,
        desc=desc,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        x_domain=x_domain,
        y_domain=y_domain,
        x_label=x_label,
        y_label=y_label,
        body=body,
    )


def bar_line_chart(
    bars: Sequence[float | None],
    line: Sequence[float | None],
    *,
    chart_id: str,
    title: str,
    desc: str,
    y_domain: tuple[float, float],
    x_ticks: Sequence[Tick] = (),
    y_ticks: Sequence[Tick] = (),
    x_label: str = "",
    y_label: str = "",
    bar_fraction: float = 0.6,
    box: Box = DEFAULT_BOX,
) -> SafeString:
    """Bars (e.g. actual) with a line through the same slots (e.g. plan), one slot per
    position; ``None`` draws no bar / breaks the line, and a lone line point is a dot. Tick
    x values are slot indexes."""
    slots = max(len(bars), len(line), 1)
    x_domain = (-0.5, slots - 0.5)
    sx = (box.x0, box.x1)
    sy = (box.y0, box.y1)
    bar_width = (box.x1 - box.x0) / slots * bar_fraction
    body = ['<g class="chart-bars" aria-hidden="true">']
    for i, y in enumerate(bars):
        if y is None:
            continue
        centre = scale(i, x_domain, sx)
        top = scale(y, y_domain, sy)
        body.append(
            f'<rect class="chart-bar" x="{_n(centre - bar_width / 2)}" y="{_n(top)}" '
            f'width="{_n(bar_width)}" height="{_n(max(box.y0 - top, 0))}"/>'
        )
    body.append("</g>")
    commands: list[str] = []
    dots: list[str] = []
    drawing = False
    for i, y in enumerate(line):
        if y is None:
            drawing = False
            continue
        px, py = _n(scale(i, x_domain, sx)), _n(scale(y, y_domain, sy))
        commands.append(f"{'L' if drawing else 'M'}{px} {py}")
        dots.append(f'<circle class="chart-plan-dot" cx="{px}" cy="{py}" r="3"/>')
        drawing = True
    if commands:
        body.append(f'<path class="chart-plan" d="{"".join(commands)}" aria-hidden="true"/>')
        body.append(f'<g aria-hidden="true">{"".join(dots)}</g>')
    return _frame(
        box=box,
        chart_id=chart_id,
        title=title,
        desc=desc,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        x_domain=x_domain,
        y_domain=y_domain,
        x_label=x_label,
        y_label=y_label,
        body=body,
    )
