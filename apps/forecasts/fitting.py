"""One series in, its forecast and backtest out (DOMAIN.md "Forecasts"). No ORM, no clock."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta

from . import engine
from .rules import (
    HORIZON_DAYS,
    Pair,
    backtest_origins,
    backtest_scores,
    forecast_dates,
    half_up,
    seasonal_naive,
    too_little_history,
)

# The chart shows this many days of history before the forecast.
CHART_HISTORY_DAYS = 56


def _values(series: Mapping[date, float], start: date, end: date) -> list[float]:
    days = (end - start).days + 1
    return [series.get(start + timedelta(days=i), math.nan) for i in range(days)]


def forecast_series(
    series: Mapping[date, float], *, today: date, spec: engine.ModelSpec = engine.PRODUCT_MODEL
) -> dict:
    """Forecast the 14 days after ``today`` from ``series`` (local date → value, days before
    ``today`` only) and backtest it.

    Returns ``{"history_days", "model", "reason", "days", "backtest", "history"}``: ``days`` is
    ``[{"date", "mean", "lo50", "hi50", "lo95", "hi95"}]`` (``[]`` with a ``reason`` when there
    is too little history or the library cannot fit); ``backtest`` is ``backtest_scores`` plus
    ``origins`` (``None`` when no origin has 56 days before it); ``history`` is the last 56
    days as ``[[date, value]]`` for the chart.
    """
    series = {d: float(v) for d, v in series.items() if d < today}
    history_days = len(series)
    recent = [[d, series[d]] for d in sorted(series) if d >= today - timedelta(CHART_HISTORY_DAYS)]
    out = {
        "history_days": history_days,
        "model": spec.name,
        "reason": too_little_history(history_days),
        "days": [],
        "backtest": None,
        "history": recent,
    }
    if out["reason"]:
        return out
    start = min(series)
    values = _values(series, start, today - timedelta(days=1))
    while True:
        try:
            bands = engine.forecast(
                values,
                start=start,
                first_day=today + timedelta(days=1),
                horizon=HORIZON_DAYS,
                spec=spec,
            )
            break
        except engine.ModelFailed as exc:
            if spec.fallback is None:
                out["reason"] = f"The model could not fit this series ({exc})."
                return out
            spec = spec.fallback  # the backtest scores the model that made the forecast
    out["model"] = spec.name
    out["days"] = [
        {
            "date": day,
            "mean": half_up(bands.mean[i], 1),
            "lo50": half_up(bands.lo50[i], 1),
            "hi50": half_up(bands.hi50[i], 1),
            "lo95": half_up(bands.lo95[i], 1),
            "hi95": half_up(bands.hi95[i], 1),
        }
        for i, day in enumerate(forecast_dates(today))
    ]
    out["backtest"] = backtest(series, values=values, start=start, today=today, spec=spec)
    return out


def backtest(
    series: Mapping[date, float],
    *,
    values: list[float],
    start: date,
    today: date,
    spec: engine.ModelSpec = engine.PRODUCT_MODEL,
) -> dict | None:
    """Backtest scores over the origins today − 69 … today − 14 (``None`` without origins)."""
    origins = backtest_origins(today, series)
    if not origins:
        return None
    try:
        runs = engine.backtest_forecasts(
            values, start=start, origins=origins, horizon=HORIZON_DAYS, spec=spec
        )
    except engine.ModelFailed:
        return None
    pairs = []
    earliest = min(series)
    for origin, bands in runs.items():
        for i in range(HORIZON_DAYS):
            day = origin + timedelta(days=i)
            actual = series.get(day)
            if actual is None:
                continue
            pairs.append(
                Pair(
                    actual=actual,
                    mean=bands.mean[i],
                    lo95=bands.lo95[i],
                    hi95=bands.hi95[i],
                    baseline=seasonal_naive(series, origin=origin, day=day, earliest=earliest),
                )
            )
    return {**backtest_scores(pairs), "origins": len(origins)}
