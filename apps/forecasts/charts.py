"""Fan charts of the stored forecasts (history, mean, 50% and 95% bands) for the page."""

from __future__ import annotations

from datetime import date

from django.utils.safestring import SafeString

from apps.board.charts import FanDay, fan_chart, nice_ticks

from .choices import Series
from .models import Forecast

UNITS = {
    Series.ED_ATTENDANCES: "attendances a day",
    Series.EMERGENCY_ADMISSIONS: "admissions a day",
    Series.GA_OCCUPIED_MIDDAY: "beds occupied at midday",
}


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:.3g}"


def forecast_chart(
    forecast: Forecast, *, reference: tuple[float, str] | None = None
) -> SafeString | None:
    """The forecast's fan chart, or ``None`` when it has neither history nor days."""
    history = [(date.fromisoformat(d).toordinal(), v) for d, v in forecast.history]
    days = [
        FanDay(
            x=date.fromisoformat(d["date"]).toordinal(),
            mean=d["mean"],
            lo50=d["lo50"],
            hi50=d["hi50"],
            lo95=d["lo95"],
            hi95=d["hi95"],
        )
        for d in forecast.days
    ]
    if not history and not days:
        return None
    xs = [x for x, _ in history] + [d.x for d in days]
    values = [v for _, v in history] + [d.lo95 for d in days] + [d.hi95 for d in days]
    if reference is not None:
        values.append(reference[0])
    lo, hi = min(values), max(values)
    pad = max((hi - lo) * 0.08, 1.0)
    ticks = nice_ticks(max(lo - pad, 0), hi + pad)
    y_domain = (min(ticks[0], max(lo - pad, 0)), max(ticks[-1], hi + pad))
    x_domain = (min(xs) - 0.5, max(xs) + 0.5)
    first = date.fromordinal(min(xs))
    x_ticks = [
        (x, date.fromordinal(x).strftime("%-d %b"))
        for x in range(min(xs), max(xs) + 1)
        if date.fromordinal(x).weekday() == first.weekday() and (x - min(xs)) % 14 == 0
    ]
    label = Series(forecast.series).label
    if days:
        desc = (
            f"{label}, last {len(history)} days and the next {len(days)}: from "
            f"{_fmt(days[0].mean)} (95% {_fmt(days[0].lo95)}–{_fmt(days[0].hi95)}) on "
            f"{date.fromordinal(int(days[0].x)):%-d %b} to {_fmt(days[-1].mean)} on "
            f"{date.fromordinal(int(days[-1].x)):%-d %b}."
        )
    else:
        desc = f"{label}, last {len(history)} days; no forecast ({forecast.reason})"
    return fan_chart(
        history,
        days,
        chart_id=f"fc-{forecast.scope}-{forecast.series}",
        title=f"{label}: {forecast.scope}",
        desc=desc,
        x_domain=x_domain,
        y_domain=y_domain,
        x_ticks=x_ticks,
        y_ticks=[(t, _fmt(t)) for t in ticks],
        x_label="Local day",
        y_label=UNITS[Series(forecast.series)],
        reference=reference,
    )
