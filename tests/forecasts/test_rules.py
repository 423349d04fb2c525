"""Forecast figures on hand-made values (no database, no clock)."""

from datetime import UTC, date, datetime, timedelta

from apps.forecasts.rules import (
    MIN_HISTORY_DAYS,
    Pair,
    backtest_origins,
    backtest_scores,
    beats_baseline,
    bed_outlook_day,
    forecast_dates,
    local_midday,
    merge_history,
    normal_tail,
    seasonal_naive,
    too_little_history,
)

TODAY = date(2026, 11, 30)  # a Monday


def days(start: date, values: list[float]) -> dict[date, float]:
    return {start + timedelta(days=i): v for i, v in enumerate(values)}


def test_it_forecasts_the_14_days_after_today():
    dates = forecast_dates(TODAY)
    assert dates[0] == date(2026, 12, 1) and dates[-1] == date(2026, 12, 14) and len(dates) == 14


def test_midday_is_11_utc_in_summer_and_12_utc_in_winter():
    assert local_midday(date(2026, 3, 28)) == datetime(2026, 3, 28, 12, tzinfo=UTC)
    assert local_midday(date(2026, 3, 29)) == datetime(2026, 3, 29, 11, tzinfo=UTC)
    assert local_midday(date(2026, 10, 25)) == datetime(2026, 10, 25, 12, tzinfo=UTC)


def test_own_figures_win_and_a_missing_own_day_keeps_the_imported_value():
    imported = {date(2026, 1, 1): 10.0, date(2026, 1, 2): 11.0}
    own = {date(2026, 1, 2): 15.0, date(2026, 1, 3): 16.0}
    assert merge_history(imported, own) == {
        date(2026, 1, 1): 10.0,
        date(2026, 1, 2): 15.0,
        date(2026, 1, 3): 16.0,
    }


def test_too_little_history_says_why_and_56_days_is_enough():
    assert too_little_history(55) == (
        "Too little history: 55 days with a value; a forecast needs at least 56."
    )
    assert too_little_history(1).startswith("Too little history: 1 day with")
    assert too_little_history(MIN_HISTORY_DAYS) is None


def test_origins_run_from_today_minus_69_to_minus_14_when_56_days_precede_them():
    full = days(TODAY - timedelta(days=200), [1.0] * 200)
    origins = backtest_origins(TODAY, full)
    assert origins[0] == TODAY - timedelta(days=69) and origins[-1] == TODAY - timedelta(days=14)
    assert len(origins) == 56
    # History from today − 100: 56 days precede today − 44 first.
    short = days(TODAY - timedelta(days=100), [1.0] * 100)
    assert backtest_origins(TODAY, short)[0] == TODAY - timedelta(days=44)


def test_seasonal_naive_takes_the_latest_same_weekday_strictly_before_the_origin():
    origin = date(2026, 11, 2)  # Monday
    series = days(date(2026, 10, 12), [float(i) for i in range(30)])  # 12 Oct … 10 Nov
    # Wednesday 4 Nov: the Wednesday before the origin is 28 Oct (index 16).
    assert seasonal_naive(series, origin=origin, day=date(2026, 11, 4)) == 16.0
    # Monday 9 Nov: not 2 Nov (the origin itself), but 26 Oct (index 14).
    assert seasonal_naive(series, origin=origin, day=date(2026, 11, 9)) == 14.0
    del series[date(2026, 10, 28)]
    assert seasonal_naive(series, origin=origin, day=date(2026, 11, 4)) == 9.0  # 21 Oct
    assert seasonal_naive({}, origin=origin, day=date(2026, 11, 4)) is None
    # The series' first date given by the caller changes nothing.
    first = date(2026, 10, 12)
    assert seasonal_naive(series, origin=origin, day=date(2026, 11, 4), earliest=first) == 9.0
    assert seasonal_naive(series, origin=origin, day=date(2026, 11, 9), earliest=first) == 14.0


def test_backtest_errors_are_pooled_over_pairs_by_hand():
    pairs = [
        Pair(actual=10, mean=12, lo95=8, hi95=14, baseline=10),
        Pair(actual=0, mean=1, lo95=0, hi95=3, baseline=2),
        Pair(actual=20, mean=15, lo95=16, hi95=19, baseline=None),
        Pair(actual=8, mean=8, lo95=7, hi95=9, baseline=4),
    ]
    scores = backtest_scores(pairs)
    # |errors| 2, 1, 5, 0 → 8/4; percent errors over non-zero actuals 20, 25, 0 → 45/3.
    assert scores["mae"] == 2.0 and scores["mape"] == 15.0
    assert scores["coverage95"] == 0.75  # 20 is outside [16, 19]
    # Baseline where it has a value: |errors| 0, 2, 4 → 2.0; percents 0 and 50 → 25.0.
    assert scores["baseline_mae"] == 2.0 and scores["baseline_mape"] == 25.0
    assert scores["pairs"] == 4
    assert beats_baseline(scores) is False  # equal is not better


def test_backtest_over_no_pairs_is_null_and_mape_null_without_non_zero_actuals():
    assert backtest_scores([])["mae"] is None
    zeros = backtest_scores([Pair(actual=0, mean=1, lo95=0, hi95=2, baseline=0)])
    assert zeros["mae"] == 1.0 and zeros["mape"] is None and zeros["baseline_mape"] is None


def test_bed_outlook_day_applies_the_bed_gap_rule_and_normal_probabilities():
    # 93.3% of 300 = 280 beds; σ = 39.2 / 3.92 = 10.
    day = bed_outlook_day(
        day=TODAY, mean=280.0, lo95=260.4, hi95=299.6, available=300, standard_pct=92
    )
    assert day["occupied_mean"] == 280 and day["pct_mean"] == 93.3
    assert day["bed_gap_mean"] == (100 * 280 + 91) // 92 - 300 == 5
    # 92% of 300 = 276 → P(X ≥ 276) = Φ(0.4) = 0.655…; 95% = 285 → 1 − Φ(0.5) = 0.308…
    assert day["p_reach_92"] == 0.66 and day["p_reach_95"] == 0.31
    assert normal_tail(5, mean=5, sigma=0) == 1.0 and normal_tail(6, mean=5, sigma=0) == 0.0
    empty = bed_outlook_day(day=TODAY, mean=0.0, lo95=0, hi95=0, available=0, standard_pct=92)
    assert empty["pct_mean"] is None and empty["p_reach_92"] is None
