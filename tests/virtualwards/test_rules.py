from datetime import UTC, date, datetime

import pytest

from apps.board.charts import plan_chart
from apps.virtualwards.choices import Per100kBand, UtilisationBand
from apps.virtualwards.rules import (
    local_month,
    month_end,
    months_between,
    per_100k,
    per_100k_band,
    utilisation_band,
    utilisation_pct,
)


@pytest.mark.parametrize(
    ("occupied", "capacity", "pct"),
    [
        (14, 20, 70.0),  # API.md's VW-FRAILTY
        (2, 3, 66.7),
        (1, 3, 33.3),
        (1, 16, 6.3),  # 6.25: half up, not to even
        (1, 80, 1.3),  # 1.25
        (0, 20, 0.0),
        (25, 20, 125.0),  # over capacity is shown as it is
        (0, 0, None),
        (3, 0, None),
    ],
)
def test_it_computes_utilisation_to_one_decimal_half_up(occupied, capacity, pct):
    assert utilisation_pct(occupied=occupied, capacity=capacity) == pct


@pytest.mark.parametrize(
    ("capacity", "population", "value"),
    [
        (314, 1_020_000, 30.8),  # the LLR plan's December 2023 capacity
        (408, 1_020_000, 40.0),
        (510, 1_020_000, 50.0),
        (1, 80_000, 1.3),  # 1.25 half up
        (0, 1_020_000, 0.0),
        (20, None, None),
        (20, 0, None),
    ],
)
def test_it_computes_capacity_per_100k_population(capacity, population, value):
    assert per_100k(capacity=capacity, population=population) == value


def test_the_ambitions_are_named(settings):
    assert settings.SCC_VW_UTILISATION_AMBITION_PCT == 80
    assert settings.SCC_VW_PER_100K_AMBITION == (40, 50)


@pytest.mark.parametrize(
    ("occupied", "capacity", "band"),
    [
        (16, 20, UtilisationBand.AT_AMBITION),
        (20, 20, UtilisationBand.AT_AMBITION),
        (15, 20, UtilisationBand.BELOW_AMBITION),
        (7997, 10000, UtilisationBand.BELOW_AMBITION),  # shows 80.0% but is below
        (21, 20, UtilisationBand.OVER_CAPACITY),
        (1, 0, UtilisationBand.OVER_CAPACITY),
        (0, 0, UtilisationBand.UNKNOWN),
        (None, None, UtilisationBand.UNKNOWN),
    ],
)
def test_it_bands_utilisation_against_the_80_percent_ambition(occupied, capacity, band):
    assert utilisation_band(occupied=occupied, capacity=capacity, ambition_pct=80) == band


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (None, Per100kBand.UNKNOWN),
        (30.8, Per100kBand.BELOW_AMBITION),
        (40.0, Per100kBand.WITHIN_AMBITION),
        (50.0, Per100kBand.WITHIN_AMBITION),
        (50.1, Per100kBand.ABOVE_AMBITION),
    ],
)
def test_it_bands_per_100k_against_the_40_to_50_ambition(value, band):
    assert per_100k_band(value, low=40, high=50) == band


def test_months_run_across_the_year_end():
    assert months_between(date(2022, 11, 15), date(2023, 2, 1)) == [
        date(2022, 11, 1),
        date(2022, 12, 1),
        date(2023, 1, 1),
        date(2023, 2, 1),
    ]


def test_a_month_ends_at_local_midnight():
    # March 2026 ends at 1 April 00:00 BST = 31 March 23:00 UTC.
    assert month_end(date(2026, 3, 1)) == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    # October 2026 ends at 1 November 00:00 GMT.
    assert month_end(date(2026, 10, 1)) == datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
    assert month_end(date(2026, 12, 1)) == datetime(2027, 1, 1, 0, 0, tzinfo=UTC)


def test_the_local_month_of_a_moment_is_taken_in_london():
    assert local_month(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == date(2026, 4, 1)
    assert local_month(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == date(2026, 10, 1)


def test_the_chart_draws_a_bar_per_reported_month_and_a_line_per_planned_run():
    months = [
        {"month": date(2023, 1, 1), "planned": 100, "actual": None},
        {"month": date(2023, 2, 1), "planned": 150, "actual": 90},
        {"month": date(2023, 3, 1), "planned": None, "actual": 120},
        {"month": date(2023, 4, 1), "planned": 314, "actual": 130},
    ]
    chart = plan_chart(months)
    assert len(chart["bars"]) == 3
    assert [len(s["points"].split()) for s in chart["segments"]] == [2, 1]
    assert chart["y_ticks"][0]["value"] == 0 and chart["y_ticks"][-1]["value"] >= 314
    assert chart["y_ticks"][-1]["y"] == chart["top"]
    # Taller bars for larger figures, all standing on the axis.
    assert chart["bars"][1]["height"] > chart["bars"][0]["height"]
    assert all(round(b["y"] + b["height"], 1) == chart["base"] for b in chart["bars"])
    assert "from 100 in Jan 2023 to 314 in Apr 2023" in chart["desc"]
    assert plan_chart([]) is None
