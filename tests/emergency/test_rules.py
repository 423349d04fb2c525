"""Emergency department rules on DOMAIN.md's worked example, the precision rules and the 2026
clock changes (no database, fixed clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.core.localtime import local_date, local_day_bounds
from apps.emergency import rules
from apps.emergency.rules import Attendance

LONDON = ZoneInfo("Europe/London")
D = date(2026, 11, 23)  # GMT: local = UTC


def at(hh: int, mm: int = 0, ss: int = 0, day: date = D) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=LONDON)


NOW = at(17)
WORKED = [
    Attendance(1, at(8), departed_at=at(11, 30), disposition="discharged"),
    Attendance(1, at(8, 10), at(10), at(12, 40), "admitted"),
    Attendance(1, at(9), departed_at=at(13), disposition="discharged"),
    Attendance(1, at(1), at(6), at(15, 30), "admitted"),
    Attendance(1, at(12), at(13)),
    Attendance(3, at(10), departed_at=at(11), disposition="discharged"),
]


def test_it_computes_the_worked_example_daily_figures():
    figures = rules.day_figures(rules.day_totals(WORKED, day=D))
    assert figures == {
        "attendances": 6,
        "departed": 5,
        "met_4h": 3,
        "four_hour_pct": 60.0,
        "type1_four_hour_pct": 50.0,
        "over_12h": 1,
        "dta_over_12h": 0,
        "mean_min_admitted": 570.0,
        "mean_min_non_admitted": 170.0,
    }


def test_it_computes_the_worked_example_live_figures():
    live = rules.live_totals(WORKED, now=NOW)
    assert (live.in_department_now, live.awaiting_bed_now, live.over_12h_now) == (1, 1, 0)
    assert rules.longest_dta_wait_min(live, now=NOW) == 240
    block = rules.live_figures(live, rules.day_totals(WORKED, day=D), now=NOW)
    assert block["four_hour_pct_today"] == 60.0
    assert block["type1_four_hour_pct_today"] == 50.0
    assert block["attendances_today"] == 6


def test_it_times_the_worked_example_stays():
    minutes = [rules.time_in_dept_min(a, now=NOW) for a in WORKED]
    assert minutes == [210, 270, 240, 870, 300, 60]


def test_four_hours_is_met_to_the_second():
    exact = Attendance(1, at(9), departed_at=at(13), disposition="discharged")
    over = Attendance(1, at(9), departed_at=at(13, 0, 30), disposition="discharged")
    one_second = Attendance(1, at(9), departed_at=at(13, 0, 1), disposition="discharged")
    assert rules.meets_four_hours(rules.time_in_dept_s(exact, now=NOW))
    assert not rules.meets_four_hours(rules.time_in_dept_s(over, now=NOW))
    assert not rules.meets_four_hours(rules.time_in_dept_s(one_second, now=NOW))


def test_times_are_truncated_to_whole_seconds_before_the_comparison():
    # 4:00:00.9 departs within the same second as 4:00:00: it meets the standard.
    late_fraction = Attendance(
        1, at(9), departed_at=at(13) + timedelta(microseconds=900_000), disposition="left"
    )
    assert rules.time_in_dept_s(late_fraction, now=NOW) == 4 * 3600
    assert rules.meets_four_hours(rules.time_in_dept_s(late_fraction, now=NOW))


def test_twelve_hours_is_strictly_over_720_minutes():
    assert not rules.over_twelve_hours(720 * 60)
    assert rules.over_twelve_hours(720 * 60 + 1)


def test_live_over_12h_and_dta_over_12h_count_patients_waiting_now():
    now = at(23)
    waiting = [
        Attendance(1, at(10, 59, 59), at(10, 59, 59)),  # 12:00:01 in: over both
        Attendance(1, at(11), at(12)),  # exactly 12 h: not over
        Attendance(3, at(22)),
    ]
    live = rules.live_totals(waiting, now=now)
    assert live.in_department_now == 3
    assert live.over_12h_now == 1
    assert live.dta_over_12h_now == 1
    assert live.awaiting_bed_now == 2
    assert rules.longest_dta_wait_min(live, now=now) == 720
    assert rules.over_12h_now_pct(live) == 33.3


def test_empty_sets_are_null_never_zero():
    figures = rules.day_figures(rules.DayTotals())
    assert figures["four_hour_pct"] is None
    assert figures["type1_four_hour_pct"] is None
    assert figures["mean_min_admitted"] is None
    assert figures["mean_min_non_admitted"] is None
    live = rules.live_totals([], now=NOW)
    assert rules.longest_dta_wait_min(live, now=NOW) is None
    assert rules.over_12h_now_pct(live) is None


def test_stale_records_leave_the_live_figures():
    stale = Attendance(1, NOW - timedelta(days=7), NOW - timedelta(days=7))
    recent = Attendance(1, NOW - timedelta(days=7) + timedelta(seconds=1))
    live = rules.live_totals([stale, recent], now=NOW)
    assert live.in_department_now == 1
    assert live.awaiting_bed_now == 0


def test_a_stay_across_midnight_is_an_attendance_of_one_day_and_a_departure_of_the_next():
    stay = Attendance(
        1, at(23, 0), departed_at=at(2, 0, day=D + timedelta(days=1)), disposition="discharged"
    )
    first = rules.day_totals([stay], day=D)
    second = rules.day_totals([stay], day=D + timedelta(days=1))
    assert (first.attendances, first.departed) == (1, 0)
    assert (second.attendances, second.departed, second.met_4h) == (0, 1, 1)


def test_dta_over_12h_counts_departures_after_a_long_wait_for_a_bed():
    long_wait = Attendance(1, at(0, 30), at(1), at(13, 0, 1), "admitted")
    assert rules.day_totals([long_wait], day=D).dta_over_12h == 1


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (date(2026, 11, 23), 24)],
)
def test_local_days_are_23_or_25_hours_on_clock_changes(day, hours):
    start, end = local_day_bounds(day)
    assert end - start == timedelta(hours=hours)


def test_spring_forward_day_takes_arrivals_by_local_day():
    # 29 March 2026: clocks go 01:00 GMT → 02:00 BST. The local day starts 00:00 UTC and
    # ends 23:00 UTC.
    day = date(2026, 3, 29)
    early = Attendance(3, datetime(2026, 3, 29, 0, 30, tzinfo=UTC))
    last = Attendance(3, datetime(2026, 3, 29, 22, 59, 59, tzinfo=UTC))
    next_day = Attendance(3, datetime(2026, 3, 29, 23, 0, tzinfo=UTC))
    assert rules.day_totals([early, last, next_day], day=day).attendances == 2
    assert local_date(next_day.arrived_at) == date(2026, 3, 30)


def test_spring_forward_stay_is_timed_in_elapsed_seconds_not_wall_clock():
    # 00:30 GMT → 04:00 BST: 3 h 30 min on the wall clock, 2 h 30 min elapsed.
    arrived = datetime(2026, 3, 29, 0, 30, tzinfo=LONDON)
    departed = datetime(2026, 3, 29, 4, 0, tzinfo=LONDON)
    stay = Attendance(1, arrived, departed_at=departed, disposition="discharged")
    assert rules.time_in_dept_min(stay, now=departed) == 150


def test_fall_back_day_has_25_hours_of_arrivals_and_times_stays_in_elapsed_seconds():
    # 25 October 2026: clocks go 02:00 BST → 01:00 GMT. 00:30 BST → 04:30 GMT is 5 h elapsed:
    # a wall-clock difference (4 h) would wrongly meet the four-hour standard.
    day = date(2026, 10, 25)
    arrived = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)  # 00:30 BST on the 25th
    departed = datetime(2026, 10, 25, 4, 30, tzinfo=UTC)  # 04:30 GMT
    stay = Attendance(1, arrived, departed_at=departed, disposition="discharged")
    late = Attendance(3, datetime(2026, 10, 25, 23, 59, 59, tzinfo=UTC))  # 23:59:59 GMT
    totals = rules.day_totals([stay, late], day=day)
    assert rules.time_in_dept_min(stay, now=departed) == 300
    assert (totals.attendances, totals.departed, totals.met_4h) == (2, 1, 0)


def test_a_merge_never_clears_a_known_time():
    held = {
        "department_type": 1,
        "arrived_at": at(8),
        "decision_to_admit_at": at(9),
        "departed_at": at(12),
        "disposition": "admitted",
    }
    late_copy = {
        "department_type": 1,
        "arrived_at": at(8),
        "decision_to_admit_at": None,
        "departed_at": None,
        "disposition": None,
    }
    assert rules.attendance_merge(held, late_copy) == held
    corrected = rules.attendance_merge(held, {**late_copy, "departed_at": at(12, 5)})
    assert corrected["departed_at"] == at(12, 5)
    assert corrected["disposition"] == "admitted"


def test_the_merged_record_is_checked():
    held = {"department_type": 1, "arrived_at": at(8), "decision_to_admit_at": at(10)}
    bad = rules.attendance_merge(
        held, {"arrived_at": at(8), "departed_at": at(9), "disposition": "admitted"}
    )
    assert rules.attendance_problems(bad) == {
        "departed_at": "Departure is before the decision to admit."
    }


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"arrived_at": at(8), "decision_to_admit_at": at(7)}, "decision_to_admit_at"),
        ({"arrived_at": at(8), "departed_at": at(7), "disposition": "left"}, "departed_at"),
        ({"arrived_at": at(8), "departed_at": at(9)}, "disposition"),
        ({"arrived_at": at(8), "disposition": "left"}, "departed_at"),
        (
            {
                "arrived_at": at(8),
                "departed_at": at(8) + timedelta(days=7, seconds=1),
                "disposition": "left",
            },
            "departed_at",
        ),
        ({"department_type": 4, "arrived_at": at(8)}, "department_type"),
    ],
)
def test_it_names_what_breaks_the_ordering_and_pairing_rules(record, field):
    record = {"department_type": 1, **record}
    assert field in rules.attendance_problems(record)


# --------------------------------------------------------------------------- properties

_start = datetime(2026, 10, 20, tzinfo=UTC)
moments = st.integers(min_value=0, max_value=10 * 24 * 3600).map(
    lambda s: _start + timedelta(seconds=s)
)


@st.composite
def attendances(draw):
    arrived = draw(moments)
    dta = draw(st.one_of(st.none(), st.integers(0, 30 * 3600)))
    departed = draw(st.one_of(st.none(), st.integers(0, 40 * 3600)))
    dta_at = None if dta is None else arrived + timedelta(seconds=dta)
    departed_at = None
    if departed is not None:
        departed_at = max(arrived + timedelta(seconds=departed), dta_at or arrived)
    disposition = None
    if departed_at is not None:
        disposition = draw(st.sampled_from(["admitted", "discharged", "transferred", "left"]))
    return Attendance(draw(st.sampled_from([1, 2, 3])), arrived, dta_at, departed_at, disposition)


@settings(max_examples=150, deadline=None)
@given(st.lists(attendances(), max_size=40), st.lists(attendances(), max_size=40))
def test_daily_totals_are_additive_and_pooled_not_averaged(a, b):
    day = date(2026, 10, 25)
    pooled = rules.day_totals(a + b, day=day)
    assert pooled == rules.day_totals(a, day=day) + rules.day_totals(b, day=day)
    figures = rules.day_figures(pooled)
    if pooled.departed:
        exact = Fraction(100 * pooled.met_4h, pooled.departed)
        assert abs(Fraction(figures["four_hour_pct"]) - exact) <= Fraction(1, 20) + Fraction(
            1, 10**9
        )
    assert pooled.departed == pooled.admitted + pooled.non_admitted
    assert pooled.type1_departed <= pooled.departed
    assert pooled.over_12h <= pooled.departed - pooled.met_4h


@settings(max_examples=150, deadline=None)
@given(st.lists(attendances(), max_size=40), moments)
def test_live_totals_nest_and_add(items, now):
    live = rules.live_totals(items, now=now)
    assert live.over_12h_now <= live.in_department_now
    assert live.dta_over_12h_now <= live.awaiting_bed_now <= live.in_department_now
    half = len(items) // 2
    assert live == rules.live_totals(items[:half], now=now) + rules.live_totals(
        items[half:], now=now
    )


@settings(max_examples=150, deadline=None)
@given(attendances(), attendances())
def test_a_merge_keeps_every_known_time(held, posted):
    def as_record(a: Attendance) -> dict:
        return {
            "department_type": a.department_type,
            "arrived_at": a.arrived_at,
            "decision_to_admit_at": a.decision_to_admit_at,
            "departed_at": a.departed_at,
            "disposition": a.disposition,
        }

    merged = rules.attendance_merge(as_record(held), as_record(posted))
    for name, value in as_record(held).items():
        if value is not None:
            assert merged[name] is not None
    for name, value in as_record(posted).items():
        if value is not None:
            assert merged[name] == value
