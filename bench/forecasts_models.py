"""Model comparison for the forecasts: the candidates on the product's own backtest.

Candidates: statsforecast ARIMA(1,0,1)(0,1,1)[7] with bank-holiday regressors (the product's),
statsforecast AutoETS (weekly season, no regressors: ETS takes none), and statsmodels SARIMAX of
the same order with the same regressors. Each on two histories: the demo's (LLR, no trend) and
a second with a trend (+8 % a year) and a stronger winter peak, over the DOMAIN backtest
(origins today − 69 … today − 14, pooled errors) beside the seasonal-naive baseline. Fit time
is per series (one fit and 56 backtest origins) and projected to 1,500 series on 2 processes.
No database: ``python -m bench.forecasts_models``.
"""

from __future__ import annotations

import math
import os
import sys
import time
import warnings
from datetime import date, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SERIES = ("ed_attendances", "emergency_admissions", "ga_occupied_midday")
TODAY = date(2026, 11, 30)


def _statsmodels_spec():
    """statsmodels SARIMAX behind the engine's interface (fit once, ``apply`` per origin)."""
    import numpy as np
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    from apps.forecasts import engine

    class SarimaxModel:
        def _fit(self, y, X):
            self.result = SARIMAX(y, exog=X, order=(1, 0, 1), seasonal_order=(0, 1, 1, 7)).fit(
                disp=False
            )
            return self

        def _bands(self, result, h, X_future, level):
            out = {}
            mean = result.get_forecast(h, exog=X_future)
            out["mean"] = np.asarray(mean.predicted_mean)
            for lv in level:
                ci = np.asarray(mean.conf_int(alpha=1 - lv / 100))
                out[f"lo-{lv}"], out[f"hi-{lv}"] = ci[:, 0], ci[:, 1]
            return out

        def fit(self, y, X=None):
            return self._fit(y, X)

        def forecast(self, y, h, X=None, X_future=None, level=()):
            self._fit(y, X)
            return self._bands(self.result, h, X_future, level)

        def forward(self, y, h, X=None, X_future=None, level=()):
            return self._bands(self.result.apply(y, exog=X), h, X_future, level)

    return engine.ModelSpec("statsmodels SARIMAX(1,0,1)(0,1,1)[7] + bank holidays", SarimaxModel)


def candidates():
    from statsforecast.models import AutoETS

    from apps.forecasts import engine

    return [
        engine.PRODUCT_MODEL,
        engine.ModelSpec(
            "statsforecast AutoETS (weekly season)",
            lambda: AutoETS(season_length=7),
            holidays=False,
        ),
        _statsmodels_spec(),
    ]


def histories(sites: int):
    """``{name: [series dict]}``: the demo's LLR histories and ``sites`` synthetic sites with
    a trend and a winter peak."""
    from demo.history import LLR_SITES, SiteProfile, history_rows

    def to_series(rows):
        by = {}
        for row in rows:
            for name in SERIES:
                if row.get(name) is not None:
                    key = (row["site"], name)
                    by.setdefault(key, {})[date.fromisoformat(row["date"])] = float(row[name])
        return by

    end = TODAY - timedelta(days=1)
    demo = to_series(history_rows(LLR_SITES, end=end))
    profiles = [
        SiteProfile(f"T{i:03d}", 150.0 + 40 * i, 0.25, 200 + 60 * i, 0.9) for i in range(sites)
    ]
    trend = to_series(
        history_rows(profiles, end=end, seed=7, trend_per_year=0.08, winter_amplitude=0.10)
    )
    return {"demo (LLR)": demo, "trend + winter": trend}


def run(sites: int = 3) -> dict:
    from apps.forecasts.fitting import forecast_series

    warnings.filterwarnings("ignore")
    results = {}
    hist = histories(sites)
    for spec in candidates():
        for hname, by_series in hist.items():
            for sname in SERIES:
                rows = [s for (site, name), s in by_series.items() if name == sname]
                if not rows:
                    continue
                maes, mapes, covs, bmaes, bmapes, pairs, seconds = [], [], [], [], [], [], []
                for series in rows:
                    started = time.perf_counter()
                    out = forecast_series(series, today=TODAY, spec=spec)
                    seconds.append(time.perf_counter() - started)
                    bt = out["backtest"]
                    if not bt:
                        continue
                    n = bt["pairs"]
                    pairs.append(n)
                    maes.append(bt["mae"] * n)
                    mapes.append(bt["mape"] * n)
                    covs.append(bt["coverage95"] * n)
                    bmaes.append(bt["baseline_mae"] * n)
                    bmapes.append(bt["baseline_mape"] * n)
                total = sum(pairs)
                per_series = sum(seconds) / len(seconds)
                key = f"{spec.name} | {hname} | {sname}"
                results[key] = {
                    "mae": round(sum(maes) / total, 2),
                    "mape": round(sum(mapes) / total, 2),
                    "coverage95": round(sum(covs) / total, 3),
                    "baseline_mae": round(sum(bmaes) / total, 2),
                    "baseline_mape": round(sum(bmapes) / total, 2),
                    "seconds_per_series": round(per_series, 3),
                    "minutes_1500_on_2": round(per_series * 1500 / 2 / 60, 1),
                }
                print(key, results[key], flush=True)
    return results


def _refit_each_origin(values, *, start, origins, horizon, spec):
    """``engine.backtest_forecasts`` with the parameters estimated again at every origin, on
    the days before it (the library's ``forecast``: a fit per origin)."""
    from apps.forecasts import engine

    return {
        origin: engine.forecast(
            values[: (origin - start).days],
            start=start,
            first_day=origin,
            horizon=horizon,
            spec=spec,
        )
        for origin in origins
    }


def refit(sites: int = 3) -> dict:
    """The product's backtest two ways on the same series: parameters estimated once, on the
    days before the first origin (what the product does), and again at every origin. Pooled
    scores and CPU seconds per series; ``python -m bench.forecasts_models --refit [SITES]``."""
    from apps.forecasts import engine, fitting

    warnings.filterwarnings("ignore")
    hist = histories(sites)
    once = engine.backtest_forecasts
    results = {}
    for label, backtest_forecasts in (("once", once), ("each origin", _refit_each_origin)):
        engine.backtest_forecasts = backtest_forecasts
        try:
            for hname, by_series in hist.items():
                scores, seconds = [], 0.0
                for series in by_series.values():
                    start = min(series)
                    values = fitting._values(series, start, TODAY - timedelta(days=1))
                    started = time.process_time()
                    bt = fitting.backtest(series, values=values, start=start, today=TODAY)
                    seconds += time.process_time() - started
                    scores.append(bt)
                n = sum(bt["pairs"] for bt in scores)

                def pooled(key, scores=scores, n=n):
                    return round(sum(bt[key] * bt["pairs"] for bt in scores) / n, 3)

                key = f"{label} | {hname}"
                results[key] = {
                    "series": len(scores),
                    "mae": pooled("mae"),
                    "baseline_mae": pooled("baseline_mae"),
                    "coverage95": pooled("coverage95"),
                    "cpu_s_per_series": round(seconds / len(scores), 3),
                    "minutes_1503_on_2": round(seconds / len(scores) * 1503 / 2 / 60, 1),
                }
                print(key, results[key], flush=True)
        finally:
            engine.backtest_forecasts = once
    return results


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--refit"]:
        refit(int(args[1]) if len(args) > 1 else 3)
    else:
        run(int(args[0]) if args else 3)
    _ = math
