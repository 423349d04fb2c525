"""The model through the library: weekly patterns, bank holidays, calibrated intervals."""

from datetime import date, timedelta

import numpy as np

from apps.forecasts import engine
from apps.forecasts.fitting import forecast_series

TODAY = date(2026, 6, 1)
PATTERN = (100.0, 120.0, 110.0, 105.0, 100.0, 60.0, 50.0)  # Monday first


def test_bank_holidays_include_substitute_days():
    # Christmas 2027 falls on a Saturday and Boxing Day on a Sunday: Monday and Tuesday off.
    assert engine.is_bank_holiday(date(2027, 12, 27)) and engine.is_bank_holiday(date(2027, 12, 28))
    assert engine.is_bank_holiday(date(2026, 8, 31))  # summer bank holiday
    assert not engine.is_bank_holiday(date(2026, 6, 1))
    x = engine.holiday_regressors(date(2026, 8, 30), 3)
    assert x.tolist() == [[0, 0], [1, 0], [0, 1]]


def test_a_noiseless_weekly_pattern_is_reproduced():
    series = {
        TODAY - timedelta(days=i): PATTERN[(TODAY - timedelta(days=i)).weekday()]
        for i in range(1, 200)
    }
    out = forecast_series(series, today=TODAY)
    assert out["reason"] is None and len(out["days"]) == 14
    for day in out["days"]:
        expected = PATTERN[day["date"].weekday()]
        assert abs(day["mean"] - expected) <= 0.1
        assert day["lo95"] <= day["lo50"] <= day["mean"] <= day["hi50"] <= day["hi95"]
        assert day["hi95"] - day["lo95"] <= 1.0
    assert out["backtest"]["mae"] <= 0.1 and out["backtest"]["origins"] == 56


def test_95_intervals_are_calibrated_on_a_simulated_series():
    rng = np.random.default_rng(42)
    start = TODAY - timedelta(days=400)
    series = {}
    for i in range(400):
        day = start + timedelta(days=i)
        series[day] = PATTERN[day.weekday()] * 3 + rng.normal(0, 12)
    out = forecast_series(series, today=TODAY)
    assert 0.90 <= out["backtest"]["coverage95"] <= 0.99
    assert out["backtest"]["mae"] < out["backtest"]["baseline_mae"]


def test_too_little_history_gives_no_forecast_and_the_reason():
    series = {TODAY - timedelta(days=i): 10.0 for i in range(1, 56)}
    out = forecast_series(series, today=TODAY)
    assert out["days"] == [] and out["backtest"] is None
    assert (
        out["reason"] == "Too little history: 55 days with a value; a forecast needs at least 56."
    )
    assert out["history_days"] == 55


def test_missing_days_are_not_counted_and_never_zero():
    series = {TODAY - timedelta(days=i): 200.0 + (i % 7) for i in range(1, 120) if i % 10}
    out = forecast_series(series, today=TODAY)
    assert out["history_days"] == len(series)
    assert all(d["mean"] > 150 for d in out["days"])  # gaps were not read as zeros
    assert all(v is not None for _, v in out["history"])


def test_a_series_the_model_cannot_fit_falls_back_to_the_simpler_one():
    class Diverges:
        """As statsforecast's ARIMA when its likelihood search diverges on a series."""

        def forecast(self, **kwargs):
            raise ValueError("zero-size array to reduction operation minimum")

    broken = Diverges

    primary = engine.ModelSpec("broken", broken, fallback=engine.FALLBACK_MODEL)
    series = {TODAY - timedelta(days=i): PATTERN[(TODAY - timedelta(days=i)).weekday()] + i % 3
              for i in range(1, 120)}  # fmt: skip
    out = forecast_series(series, today=TODAY, spec=primary)
    assert out["model"] == engine.FALLBACK_MODEL.name and len(out["days"]) == 14
    alone = engine.ModelSpec("broken", broken)
    failed = forecast_series(series, today=TODAY, spec=alone)
    assert failed["days"] == [] and failed["reason"].startswith("The model could not fit")


def _noisy(days: int, seed: int = 3) -> tuple[list[float], date]:
    rng = np.random.default_rng(seed)
    start = TODAY - timedelta(days=days)
    values = [PATTERN[(start + timedelta(days=i)).weekday()] * 3 + rng.normal(0, 12)
              for i in range(days)]  # fmt: skip
    return values, start


def test_the_backtest_forward_gives_the_library_s_own_bands():
    from statsforecast.models import ARIMA

    values, start = _noisy(400)
    y = np.asarray(values)
    x = engine.holiday_regressors(start, len(y) + 14)
    model = ARIMA(order=(1, 0, 1), seasonal_order=(0, 1, 1), season_length=7)
    model.fit(y=y[:300], X=x[:300])
    for cut in (320, 400):
        ours = engine._forward(model, y=y[:cut], h=14, X=x[:cut], X_future=x[cut : cut + 14])
        theirs = model.forward(
            y=y[:cut], h=14, X=x[:cut], X_future=x[cut : cut + 14], level=[50, 95]
        )
        for key in ("mean", "lo-50", "hi-50", "lo-95", "hi-95"):
            assert np.allclose(ours[key], np.asarray(theirs[key]), rtol=1e-9, atol=1e-9), key


def test_the_backtest_never_sees_a_value_on_or_after_its_origin():
    values, start = _noisy(400)
    origins = [TODAY - timedelta(days=ago) for ago in range(69, 13, -1)]
    runs = engine.backtest_forecasts(values, start=start, origins=origins, horizon=14)
    # Every value from origin 20 on changed (a level shift of +50%): the forecasts from the
    # origins up to it, and so the parameters estimated before the first, are unchanged.
    k = 20
    cut = (origins[k] - start).days
    changed = values[:cut] + [v * 1.5 for v in values[cut:]]
    again = engine.backtest_forecasts(changed, start=start, origins=origins, horizon=14)
    for origin in origins[: k + 1]:
        assert again[origin] == runs[origin], origin
    assert again[origins[k + 1]] != runs[origins[k + 1]]
