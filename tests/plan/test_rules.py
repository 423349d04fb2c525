"""The plan's rules: months, days measured, met or missed, the plan file."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from apps.plan.choices import Direction, PlanStatus
from apps.plan.rules import (
    PlanFileError,
    mean,
    midday_instants,
    minutes_mean,
    month_days,
    month_parse,
    month_window,
    pct,
    plan_file_parse,
    plan_status,
    plan_year_months,
)

SCOPES = {
    "ga_available_beds": {"system", "RWE-LRI"},
    "ed_four_hour_pct": {"system", "RWE-LRI"},
    "cat2_mean_min": {"system", "RX9"},
    "handover_lost_hours": {"system", "RWE-LRI"},
    "mofd_p1_p3": {"system", "RWE"},
    "vw_capacity": {"system", "VW-FRAILTY"},
}


def test_months_parse_strictly():
    assert month_parse("2026-03") == date(2026, 3, 1)
    for bad in ("2026-13", "2026-3", "March", "2026-03-01", ""):
        assert month_parse(bad) is None


def test_the_plan_year_runs_april_to_march():
    months = plan_year_months(date(2027, 2, 1))
    assert months[0] == date(2026, 4, 1) and months[-1] == date(2027, 3, 1)
    assert len(months) == 12


def test_a_month_in_progress_is_measured_to_today_included():
    assert month_days(date(2026, 11, 1), today=date(2026, 11, 10))[-1] == date(2026, 11, 10)
    assert len(month_days(date(2026, 11, 1), today=date(2026, 11, 10))) == 10
    assert len(month_days(date(2026, 10, 1), today=date(2026, 11, 10))) == 31
    assert month_days(date(2026, 12, 1), today=date(2026, 11, 10)) == []


def test_a_month_spanning_a_clock_change_is_bounded_by_local_midnights():
    now = datetime(2027, 1, 1, tzinfo=UTC)
    start, end = month_window(date(2026, 10, 1), now=now, today=date(2027, 1, 1))
    assert start == datetime(2026, 9, 30, 23, tzinfo=UTC)  # 00:00 BST
    assert end == datetime(2026, 11, 1, 0, tzinfo=UTC)  # 00:00 GMT
    assert (end - start).total_seconds() == 31 * 24 * 3600 + 3600  # one 25-hour day
    march = month_window(date(2026, 3, 1), now=now, today=date(2027, 1, 1))
    assert (march[1] - march[0]).total_seconds() == 31 * 24 * 3600 - 3600  # one 23-hour day


def test_midday_is_local_and_today_before_noon_counts_at_now():
    before, after = midday_instants(
        [date(2026, 10, 24), date(2026, 10, 25)], now=datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert before == datetime(2026, 10, 24, 11, tzinfo=UTC)  # 12:00 BST
    assert after == datetime(2026, 10, 25, 12, tzinfo=UTC)  # 12:00 GMT
    now = datetime(2026, 11, 10, 9, tzinfo=UTC)
    assert midday_instants([date(2026, 11, 10)], now=now) == [now]


def test_means_are_exact_and_half_up():
    assert mean([1, 2]) == Decimal("1.5")
    assert mean([Decimal("0.25"), Decimal("0.1")], places=1) == Decimal("0.2")  # 0.175 → 0.2
    assert mean([10, 20, 31]) == Decimal("20.3")
    assert mean([]) is None


@pytest.mark.parametrize(
    ("plan", "actual", "direction", "status"),
    [
        (76, "76.0", Direction.HIGHER, PlanStatus.MET),  # equal to plan is met
        (76, "75.9", Direction.HIGHER, PlanStatus.MISSED),
        (30, "30.0", Direction.LOWER, PlanStatus.MET),
        (30, "30.1", Direction.LOWER, PlanStatus.MISSED),
        (50, "49", Direction.LOWER, PlanStatus.MET),
        (50, None, Direction.LOWER, PlanStatus.NO_DATA),
    ],
)
def test_status_by_direction(plan, actual, direction, status):
    actual = None if actual is None else Decimal(actual)
    assert plan_status(plan=Decimal(plan), actual=actual, direction=direction) == status


def test_a_good_plan_file_reads():
    rows = plan_file_parse(
        "metric,scope,month,value\n"
        "ed_four_hour_pct,system,2027-03,76\n"
        "cat2_mean_min,RX9,2026-11,30.5\n"
        "\n"
        "vw_capacity,VW-FRAILTY,2026-04,20\n",
        scopes=SCOPES,
    )
    assert [(r.line, r.metric, r.scope, r.month, r.value) for r in rows] == [
        (2, "ed_four_hour_pct", "system", date(2027, 3, 1), Decimal("76")),
        (3, "cat2_mean_min", "RX9", date(2026, 11, 1), Decimal("30.5")),
        (5, "vw_capacity", "VW-FRAILTY", date(2026, 4, 1), Decimal("20")),
    ]


def test_every_bad_line_is_named_with_what_is_wrong():
    text = (
        "metric,scope,month,value\n"
        "ed_four_hour_pct,system,2027-03,76\n"
        "beds,system,2027-03,1\n"
        "cat2_mean_min,RWE-LRI,2026-11,30\n"
        "mofd_p1_p3,RWE,2026-13,50\n"
        "handover_lost_hours,system,2026-11,-4\n"
        "ed_four_hour_pct,system,2026-11,101\n"
        "vw_capacity,system,2026-11,20.5\n"
        "mofd_p1_p3,RWE,2026-11,1.234\n"
        "ed_four_hour_pct,system,2027-03,77\n"
        "ga_available_beds,system,2026-11\n"
    )
    with pytest.raises(PlanFileError) as caught:
        plan_file_parse(text, scopes=SCOPES)
    assert caught.value.errors == [
        "line 3: metric 'beds' is not one of ga_available_beds, ed_four_hour_pct, "
        "cat2_mean_min, handover_lost_hours, mofd_p1_p3, vw_capacity.",
        "line 4: scope 'RWE-LRI' is not an ambulance organisation or system for cat2_mean_min.",
        "line 5: month '2026-13' is not a month written YYYY-MM, from 2000-01 to 2099-12.",
        "line 6: value '-4' is not a number from 0 to 99999999.99.",
        "line 7: value '101' is more than 100.",
        "line 8: value '20.5' is not a whole number.",
        "line 9: value '1.234' has more than two decimal places.",
        "line 10: ed_four_hour_pct system 2027-03 repeats line 2.",
        "line 11: 3 values, expected 4.",
    ]


def test_a_wrong_header_or_empty_file_is_refused():
    with pytest.raises(PlanFileError, match="line 1: the header must be metric,scope,month,value"):
        plan_file_parse("metric,scope,value\n", scopes=SCOPES)
    with pytest.raises(PlanFileError, match="no plan rows"):
        plan_file_parse("metric,scope,month,value\n", scopes=SCOPES)


def test_percentages_and_mean_minutes_are_exact_and_half_up():
    assert pct(3, 5) == Decimal("60.0")
    assert pct(2, 3) == Decimal("66.7")
    assert pct(0, 0) is None
    # C2 responses of 10, 20, ..., 100 minutes: mean 55:00 (DOMAIN.md worked example).
    assert minutes_mean(sum(m * 60 for m in range(10, 101, 10)), 10) == Decimal("55.0")
    assert minutes_mean(3 * 60 + 3, 1) == Decimal("3.1")  # 3.05 → 3.1
    assert minutes_mean(0, 0) is None
