"""The forecasting model: a well-kept library (statsforecast) behind two plain functions.

Values in, bands out: no database and no clock. A series is a float array of consecutive local
days (``nan`` = no value that day) starting on ``start``. The model is a seasonal ARIMA with a
weekly season, ``ARIMA(1,0,1)(0,1,1)[7]``, and two regressors from the England and Wales bank
holidays (substitute days included): the bank holiday itself and the day after it. The README
("Forecasts") gives the comparison that chose it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from statistics import NormalDist

import holidays
import numpy as np

MODEL_NAME = "statsforecast ARIMA(1,0,1)(0,1,1)[7] + bank holidays"
WEEK = 7
LEVELS = (50, 95)
# Normal quantiles of the interval levels (statsforecast's ARIMA errors are normal by default).
_Z = {level: NormalDist().inv_cdf(0.5 + level / 200) for level in LEVELS}
# The model is fitted on (and runs through) at most the last year of days: a weekly ARIMA
# learns nothing more from older days, and the nightly run for a national estate halves.
FIT_DAYS = 365


class ModelFailed(Exception):
    """The library could not fit the series (e.g. too few distinct values)."""


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share one list ("ENG"); substitute days are in it (observed=True).
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year, observed=True))


def is_bank_holiday(day: date) -> bool:
    """True on an England and Wales bank holiday, substitute days included."""
    return day in _bank_holidays(day.year)


def holiday_regressors(start: date, days: int) -> np.ndarray:
    """``days × 2`` array from ``start``: column 0 the bank holiday, column 1 the day after."""
    out = np.zeros((days, 2))
    for i in range(days):
        day = start + timedelta(days=i)
        out[i, 0] = is_bank_holiday(day)
        out[i, 1] = is_bank_holiday(day - timedelta(days=1))
    return out


@dataclass(frozen=True)
class Bands:
    """Forecast for consecutive days: each a list of floats, ordered lo95 ≤ lo50 ≤ mean ≤
    hi50 ≤ hi95, none below 0."""

    mean: list[float]
    lo50: list[float]
    hi50: list[float]
    lo95: list[float]
    hi95: list[float]


def _bands(raw: dict[str, np.ndarray], skip: int = 0) -> Bands:
    cols = [np.asarray(raw[k], dtype=float)[skip:] for k in ("lo-95", "lo-50", "mean", "hi-50")]
    cols.append(np.asarray(raw["hi-95"], dtype=float)[skip:])
    stacked = np.maximum(np.vstack(cols), 0.0)
    # Monotone from the bottom up: a library's rounding never breaks lo95 ≤ lo50 ≤ mean ≤ ...
    stacked = np.maximum.accumulate(stacked, axis=0)
    if not np.all(np.isfinite(stacked)):
        raise ModelFailed("the model gave non-finite values")
    lo95, lo50, mean, hi50, hi95 = (row.tolist() for row in stacked)
    return Bands(mean=mean, lo50=lo50, hi50=hi50, lo95=lo95, hi95=hi95)


def _filled(values: np.ndarray) -> np.ndarray:
    """Interior gaps filled by straight lines between the neighbouring values, for the fit
    only (the library needs consecutive days); the series must start with a value."""
    known = ~np.isnan(values)
    if known.all():
        return values
    idx = np.arange(len(values))
    return np.interp(idx, idx[known], values[known])


def _forward(model, *, y: np.ndarray, h: int, X, X_future) -> dict[str, np.ndarray]:
    """``model.forward(y, h, X, X_future, level=LEVELS)``: a fitted model run through ``y``
    (parameters fixed) and forecast ``h`` days, as ``{"mean", "lo-50", ...}`` arrays.

    For statsforecast's ARIMA (normal errors, no conformal intervals, a series that is not
    constant) it calls the library's own ``forward_arima`` and ``predict_arima`` and puts the
    bands at mean ± z·se itself: the same figures, at half the cost, because ``forward`` builds
    a scipy distribution object and two DataFrames on every call, which was half the time of a
    56-origin backtest. Anything else goes through ``model.forward``.
    """
    from statsforecast.arima import forward_arima, predict_arima
    from statsforecast.models import ARIMA

    fitted = getattr(model, "model_", None)
    if (
        not isinstance(model, ARIMA)
        or model.prediction_intervals is not None
        or fitted is None
        or fitted.get("distribution", "normal") != "normal"
        or np.all(y == y[0])
    ):
        return model.forward(y=y, h=h, X=X, X_future=X_future, level=list(LEVELS))
    moved = forward_arima(fitted, y=np.asarray(y, dtype=float), xreg=X, method=model.method)
    mean, se = predict_arima(moved, n_ahead=h, newxreg=X_future)
    mean, se = np.asarray(mean, dtype=float), np.asarray(se, dtype=float)
    out = {"mean": mean}
    for level, z in _Z.items():
        out[f"lo-{level}"], out[f"hi-{level}"] = mean - z * se, mean + z * se
    return out


def _arima():
    from statsforecast.models import ARIMA

    return ARIMA(order=(1, 0, 1), seasonal_order=(0, 1, 1), season_length=WEEK)


def _arima_ar1():
    from statsforecast.models import ARIMA

    return ARIMA(order=(1, 0, 0), seasonal_order=(0, 1, 1), season_length=WEEK)


@dataclass(frozen=True)
class ModelSpec:
    """A statsforecast model and whether it takes the bank-holiday regressors."""

    name: str
    factory: Callable[[], object]
    holidays: bool = True
    # Tried when this one cannot fit a series (e.g. its likelihood search diverges).
    fallback: ModelSpec | None = None


FALLBACK_MODEL = ModelSpec("statsforecast ARIMA(1,0,0)(0,1,1)[7] + bank holidays", _arima_ar1)
PRODUCT_MODEL = ModelSpec(MODEL_NAME, _arima, fallback=FALLBACK_MODEL)


def _trimmed(values: Sequence[float], start: date) -> tuple[np.ndarray, date]:
    """The values from the first known day to the last, at most ``FIT_DAYS`` of them."""
    y = np.asarray(values, dtype=float)
    if len(y) > FIT_DAYS:
        start += timedelta(days=len(y) - FIT_DAYS)
        y = y[-FIT_DAYS:]
    known = np.flatnonzero(~np.isnan(y))
    if len(known) == 0:
        raise ModelFailed("no values")
    first, last = known[0], known[-1]
    return y[first : last + 1], start + timedelta(days=int(first))


def forecast(
    values: Sequence[float],
    *,
    start: date,
    first_day: date,
    horizon: int,
    spec: ModelSpec = PRODUCT_MODEL,
) -> Bands:
    """Fit on ``values`` (days from ``start``; ``nan`` missing) and forecast ``horizon`` days
    from ``first_day`` (after the last value; days between are forecast and dropped).

    Raises ``ModelFailed`` when the library cannot fit the series.
    """
    y, y_start = _trimmed(values, start)
    last_day = y_start + timedelta(days=len(y) - 1)
    skip = (first_day - last_day).days - 1
    if skip < 0:
        raise ValueError("first_day must come after the last value")
    h = skip + horizon
    x = holiday_regressors(y_start, len(y) + h) if spec.holidays else None
    model = spec.factory()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            raw = model.forecast(
                y=_filled(y),
                h=h,
                X=None if x is None else x[: len(y)],
                X_future=None if x is None else x[len(y) :],
                level=list(LEVELS),
            )
    except Exception as exc:  # the library raises many kinds; all mean "could not fit"
        raise ModelFailed(str(exc)) from exc
    return _bands(raw, skip)


def warm_up() -> None:
    """Import the library and everything its first fit loads (scipy.stats, statsmodels'
    regression, the compiled ARIMA module; about 2 s of CPU) by forecasting a small made-up
    series once. Called before forking fitting processes, so each child inherits them instead
    of loading them again. The library compiles nothing at run time (statsforecast's ARIMA is
    C++, not numba)."""
    day = date(2024, 1, 1)
    values = [100.0 + 10 * (i % WEEK) + (i * 7919 % 13) for i in range(10 * WEEK)]
    with suppress(ModelFailed):
        forecast(values, start=day, first_day=day + timedelta(days=len(values)), horizon=1)


def backtest_forecasts(
    values: Sequence[float],
    *,
    start: date,
    origins: Sequence[date],
    horizon: int,
    spec: ModelSpec = PRODUCT_MODEL,
) -> dict[date, Bands]:
    """Forecasts of ``horizon`` days from each origin, using only the days before it.

    The model's parameters are estimated once, on the days before the first origin; each
    origin then runs the model through the days before it (the library's ``forward``) without
    re-estimating, so no origin sees a value on or after itself. Origins must be in order.
    Estimating them again at every origin would cost a fit per origin: 5.3 s of CPU a series
    instead of 0.17, over an hour a night for 1,503 series on 2 cores, for scores within a few
    per cent (README "Forecasts", ``python -m bench.forecasts_models --refit``).
    Returns ``{origin: Bands}`` of ``horizon`` days each. Raises ``ModelFailed`` when the
    library cannot fit the series.
    """
    if not origins:
        return {}
    y_all = np.asarray(values, dtype=float)
    offset = lambda day: (day - start).days  # noqa: E731
    first = offset(origins[0])
    head, head_start = _trimmed(y_all[:first], start)
    lead = (head_start - start).days
    x = holiday_regressors(head_start, len(y_all) - lead + horizon) if spec.holidays else None
    model = spec.factory()
    out: dict[date, Bands] = {}
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            model.fit(y=_filled(head), X=None if x is None else x[: len(head)])
            for origin in origins:
                cut = offset(origin) - lead
                seen = y_all[lead : lead + cut]
                known = np.flatnonzero(~np.isnan(seen))
                first, last = max(int(known[-1]) + 1 - FIT_DAYS, 0), int(known[-1]) + 1
                while np.isnan(seen[first]):
                    first += 1
                skip = cut - last
                raw = _forward(
                    model,
                    y=_filled(seen[first:last]),
                    h=skip + horizon,
                    X=None if x is None else x[first:last],
                    X_future=None if x is None else x[last : cut + horizon],
                )
                out[origin] = _bands(raw, skip)
    except Exception as exc:
        raise ModelFailed(str(exc)) from exc
    return out
