"""Forecast figures (DOMAIN.md "Forecasts"): plain values in, plain values out.

No ORM and no clock: ``today`` (the local date) is passed in. A series here is a mapping of
local dates to values; a date absent from it has no value (missing, never 0).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from apps.beds.rules import bed_gap, occupancy_pct
from apps.core.localtime import LOCAL_TZ

HORIZON_DAYS = 14
MIN_HISTORY_DAYS = 56
# Backtest origins (first forecast days): today − 69 … today − 14, so every window ends by
# yesterday.
BACKTEST_FIRST_ORIGIN_DAYS_AGO = 69
BACKTEST_LAST_ORIGIN_DAYS_AGO = 14
MIDDAY = time(12, 0)


def local_midday(day: date) -> datetime:
    """12:00 Europe/London on ``day`` as a UTC time (11:00 UTC in summer, 12:00 in winter)."""
    return datetime.combine(day, MIDDAY, tzinfo=LOCAL_TZ).astimezone(UTC)


def forecast_dates(today: date, horizon: int = HORIZON_DAYS) -> list[date]:
    """The local days a forecast covers: the ``horizon`` days after ``today``."""
    return [today + timedelta(days=i) for i in range(1, horizon + 1)]


def merge_history(imported: Mapping[date, float], own: Mapping[date, float]) -> dict[date, float]:
    """History = imported days plus the product's own days; its own value wins on a day that
    has both. A day absent from ``own`` never removes an imported value."""
    return {**imported, **own}


def too_little_history(history_days: int) -> str | None:
    """Why there is no forecast (fewer than 56 days with a value), or ``None`` when there is
    enough."""
    if history_days < MIN_HISTORY_DAYS:
        return (
            f"Too little history: {history_days} day{'s' if history_days != 1 else ''} with a "
            f"value; a forecast needs at least {MIN_HISTORY_DAYS}."
        )
    return None


def backtest_origins(today: date, series: Mapping[date, float]) -> list[date]:
    """Origins from today − 69 to today − 14 with at least 56 days with a value before them."""
    dates = sorted(series)
    origins = []
    for ago in range(BACKTEST_FIRST_ORIGIN_DAYS_AGO, BACKTEST_LAST_ORIGIN_DAYS_AGO - 1, -1):
        origin = today - timedelta(days=ago)
        if bisect_left(dates, origin) >= MIN_HISTORY_DAYS:  # days with a value before it
            origins.append(origin)
    return origins


def seasonal_naive(
    series: Mapping[date, float], *, origin: date, day: date, earliest: date | None = None
) -> float | None:
    """The latest value on the same weekday as ``day`` strictly before ``origin`` (``None``
    when there is none). ``earliest``: the series' first date, when the caller has it (a
    backtest asks for 784 pairs of one series: a ``min`` over its 730 days for each was 3% of
    the whole fit's time)."""
    candidate = day - timedelta(days=7)
    while candidate >= origin:
        candidate -= timedelta(days=7)
    if earliest is None:
        earliest = min(series, default=None)
    while earliest is not None and candidate >= earliest:
        if candidate in series:
            return series[candidate]
        candidate -= timedelta(days=7)
    return None


@dataclass(frozen=True)
class Pair:
    """One (origin, day) of the backtest whose actual is known."""

    actual: float
    mean: float
    lo95: float
    hi95: float
    baseline: float | None


def half_up(value: float, places: int) -> float:
    """``value`` rounded half up to ``places`` decimals (decimal arithmetic, not ``round``)."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def backtest_scores(pairs: Iterable[Pair]) -> dict:
    """Errors pooled over every pair: ``mae`` (series' units), ``mape`` (%, over non-zero
    actuals; ``None`` when there are none), ``coverage95`` (fraction 0–1 of actuals inside
    [lo95, hi95]) and the same for the seasonal-naive baseline over the pairs where it has a
    value. Two decimals (coverage three), half up; ``None`` over no pairs."""
    pairs = list(pairs)
    n = len(pairs)
    nonzero = [p for p in pairs if p.actual != 0]
    based = [p for p in pairs if p.baseline is not None]
    based_nonzero = [p for p in based if p.actual != 0]

    def mean_of(values: list[float], places: int = 2) -> float | None:
        return half_up(math.fsum(values) / len(values), places) if values else None

    return {
        "pairs": n,
        "mae": mean_of([abs(p.actual - p.mean) for p in pairs]),
        "mape": mean_of([100 * abs(p.actual - p.mean) / abs(p.actual) for p in nonzero]),
        "coverage95": mean_of([float(p.lo95 <= p.actual <= p.hi95) for p in pairs], 3),
        "baseline_mae": mean_of([abs(p.actual - p.baseline) for p in based]),
        "baseline_mape": mean_of(
            [100 * abs(p.actual - p.baseline) / abs(p.actual) for p in based_nonzero]
        ),
    }


def beats_baseline(backtest: Mapping | None) -> bool | None:
    """Whether the model's MAE is below the seasonal-naive baseline's (``None``: unknown)."""
    if not backtest or backtest.get("mae") is None or backtest.get("baseline_mae") is None:
        return None
    return backtest["mae"] < backtest["baseline_mae"]


def normal_tail(threshold: float, *, mean: float, sigma: float) -> float:
    """P(X ≥ threshold) for X ~ Normal(mean, sigma); a step at the mean when sigma is 0."""
    if sigma <= 0:
        return 1.0 if mean >= threshold else 0.0
    return 0.5 * math.erfc((threshold - mean) / (sigma * math.sqrt(2)))


def bed_outlook_day(
    *,
    day: date,
    mean: float,
    lo95: float,
    hi95: float,
    available: int,
    standard_pct: int,
) -> dict:
    """One day of the bed outlook (DOMAIN.md "Forecasts", bed outlook).

    ``occupied_mean`` is the forecast mean rounded half up to whole beds; ``pct_mean`` and
    ``bed_gap_mean`` apply the beds rules to it (``standard_pct``: the 92% standard, a
    setting); ``p_reach_92``/``p_reach_95`` =
    P(occupied ≥ 0.92/0.95 × available) under a normal with σ = (hi95 − lo95) / 3.92, two
    decimals. ``available`` 0: pct and probabilities ``None``.
    """
    occupied = int(Decimal(repr(mean)).quantize(Decimal(1), ROUND_HALF_UP))
    sigma = (hi95 - lo95) / 3.92

    def p_reach(pct: int) -> float | None:
        if available <= 0:
            return None
        return half_up(normal_tail(pct / 100 * available, mean=mean, sigma=sigma), 2)

    return {
        "date": day,
        "occupied_mean": occupied,
        "pct_mean": occupancy_pct(occupied, available),
        "bed_gap_mean": bed_gap(occupied, available, standard_pct=standard_pct),
        "p_reach_92": p_reach(92),
        "p_reach_95": p_reach(95),
    }
