"""DOMAIN.md "Ambulance response": fixed clock, no database."""

import statistics
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from apps.ambulance import response_rules as r
from apps.core.localtime import local_date, local_day_bounds

T = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def at(h: int, m: int, s: int = 0, micro: int = 0) -> datetime:
    return datetime(2026, 11, 23, h, m, s, micro, tzinfo=UTC)


def test_the_worked_example_c2_mean_is_55_minutes_and_the_90th_centile_90():
    responses = [m * 60 for m in range(10, 101, 10)]
    assert r.response_figures(responses) == {
        "incidents": 10,
        "mean_response_s": 55 * 60,
        "p90_response_s": 90 * 60,
    }


def test_the_worked_example_clock_starts():
    # C2: connected 10:00:00 (+240 s = 10:04:00), identified 10:03:30, dispatched 10:02:00.
    assert r.clock_start(
        category=2,
        call_connected_at=at(10, 0),
        identified_at=at(10, 3, 30),
        dispatched_at=at(10, 2),
    ) == at(10, 2)
    # C1: connected 10:00:00 (+30 s), identified 10:01:00, not dispatched.
    assert r.clock_start(category=1, call_connected_at=at(10, 0), identified_at=at(10, 1)) == at(
        10, 0, 30
    )


def test_unknown_times_are_skipped_and_the_connection_offset_stands_alone():
    assert r.clock_start(category=3, call_connected_at=at(10, 0)) == at(10, 4)
    assert r.clock_start(category=4, call_connected_at=at(10, 0), dispatched_at=at(10, 5)) == at(
        10, 4
    )


def test_times_are_truncated_to_the_second_before_the_response_is_measured():
    start = r.clock_start(category=1, call_connected_at=at(10, 0, 0, 900_000))
    assert start == at(10, 0, 30)
    # 10:07:00.999 - 10:00:30 is 390 s, not 391.
    assert r.response_seconds(clock_start=start, at_scene_at=at(10, 7, 0, 999_999)) == 390
    assert r.response_seconds(clock_start=start, at_scene_at=None) is None


def test_the_mean_rounds_half_up_exactly():
    assert r.mean_half_up(3, 2) == 2  # 1.5 -> 2
    assert r.mean_half_up(5, 2) == 3  # 2.5 -> 3 (binary round() would give 2)
    assert r.mean_half_up(7, 3) == 2  # 2.33 -> 2
    assert r.mean_half_up(0, 0) is None


def test_the_90th_centile_is_the_nearest_rank():
    assert r.centile_nearest_rank([5]) == 5
    assert r.centile_nearest_rank([1, 2]) == 2  # ⌈1.8⌉ = 2
    # n = 70: ⌈63.0⌉ = 63 (a float 0.9 × 70 is 63.000000000000007 and would give 64).
    assert r.centile_nearest_rank(range(1, 71)) == 63
    assert r.centile_nearest_rank([]) is None
    assert r.nearest_rank(20) == 18


def test_an_empty_category_has_null_figures_not_zero():
    assert r.response_figures([]) == r.EMPTY_FIGURES


def test_a_later_post_fills_in_and_never_clears_a_held_time():
    held = r.IncidentTimes(category=2, call_connected_at=at(10, 0), dispatched_at=at(10, 2))
    late = r.IncidentTimes(category=None, call_connected_at=at(10, 0), at_scene_at=at(10, 20))
    merged = r.incident_merge(held, late)
    assert merged.dispatched_at == at(10, 2)
    assert merged.category == 2
    assert merged.at_scene_at == at(10, 20)
    # A new value corrects; a category change re-judges the clock start.
    recat = r.incident_merge(merged, r.IncidentTimes(category=1, dispatched_at=at(10, 5)))
    assert recat.dispatched_at == at(10, 5)
    assert r.incident_clock_start(recat) == at(10, 0, 30)


def test_every_ordering_rule_is_named():
    ok = r.IncidentTimes(category=2, call_connected_at=at(10, 0), dispatched_at=at(10, 1))
    assert r.incident_problems(ok) == {}
    assert set(r.incident_problems(r.IncidentTimes())) == {"category", "call_connected_at"}
    early = r.IncidentTimes(
        category=2, call_connected_at=at(10, 0), identified_at=at(9, 59), dispatched_at=at(9, 58)
    )
    assert set(r.incident_problems(early)) == {"identified_at", "dispatched_at"}
    both = r.IncidentTimes(
        category=2, call_connected_at=at(10, 0), at_scene_at=at(10, 9), stood_down_at=at(10, 9)
    )
    assert set(r.incident_problems(both)) == {"stood_down_at"}
    # Clock start 10:02 (dispatched); at scene 10:01:59 is before it.
    stop_early = r.IncidentTimes(
        category=2, call_connected_at=at(10, 0), dispatched_at=at(10, 2), at_scene_at=at(10, 1, 59)
    )
    assert "clock start" in r.incident_problems(stop_early)["at_scene_at"]
    # At scene exactly at the clock start is a response of 0 s, allowed.
    stop_same = r.IncidentTimes(category=2, call_connected_at=at(10, 0), at_scene_at=at(10, 4))
    assert r.incident_problems(stop_same) == {}
    # A response of exactly 24 h is the longest accepted; a second more is refused.
    start = at(10, 4)
    longest = r.IncidentTimes(
        category=2, call_connected_at=at(10, 0), at_scene_at=start + r.MAX_OPEN
    )
    assert r.incident_problems(longest) == {}
    too_long = r.IncidentTimes(
        category=2,
        call_connected_at=at(10, 0),
        at_scene_at=start + r.MAX_OPEN + timedelta(seconds=1),
    )
    assert (
        "more than 24 hours after the clock start" in r.incident_problems(too_long)["at_scene_at"]
    )


def test_waiting_now_and_the_longest_wait():
    now = at(11, 0)
    waiting = r.IncidentTimes(category=2, call_connected_at=at(10, 0))  # started 10:04
    assert r.is_waiting(waiting, now=now)
    assert not r.is_waiting(r.incident_merge(waiting, r.IncidentTimes(at_scene_at=now)), now=now)
    assert not r.is_waiting(r.incident_merge(waiting, r.IncidentTimes(stood_down_at=now)), now=now)
    # The clock has not started yet (C2 connected 2 minutes ago, nothing else known).
    assert not r.is_waiting(r.IncidentTimes(category=2, call_connected_at=at(10, 58)), now=now)
    # Stale after 24 hours.
    assert not r.is_waiting(waiting, now=at(10, 4) + timedelta(hours=24, seconds=1))
    live = r.live_figures({2: (3, at(10, 4))}, now=at(11, 0, 0, 700_000))
    assert live[2] == {"waiting_now": 3, "longest_wait_s": 56 * 60}
    assert live[1] == {"waiting_now": 0, "longest_wait_s": None}


def test_local_days_of_23_and_25_hours_in_2026():
    spring, autumn = date(2026, 3, 29), date(2026, 10, 25)
    start, end = local_day_bounds(spring)
    assert end - start == timedelta(hours=23)
    assert start == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    start, end = local_day_bounds(autumn)
    assert end - start == timedelta(hours=25)
    assert start == datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    # A clock start at 23:30 UTC on 25 October is still the 25th locally (GMT from 01:00 UTC).
    assert local_date(datetime(2026, 10, 25, 23, 30, tzinfo=UTC)) == autumn
    # 23:30 UTC on 29 March is 00:30 BST on the 30th.
    assert local_date(datetime(2026, 3, 29, 23, 30, tzinfo=UTC)) == date(2026, 3, 30)


def test_standard_status_and_minutes_text():
    assert r.standard_status(18 * 60, 18 * 60) == "met"
    assert r.standard_status(18 * 60 + 1, 18 * 60) == "missed"
    assert r.standard_status(None, 60) == "none"
    assert r.minutes_text(55 * 60) == "55:00"
    assert r.minutes_text(5400) == "90:00"
    assert r.minutes_text(3930) == "65:30"
    assert r.minutes_text(None) == "\u2013"


responses = st.lists(st.integers(min_value=0, max_value=86_400), min_size=1, max_size=300)


@given(responses)
def test_the_centile_is_never_below_the_median(values):
    assert r.centile_nearest_rank(values) >= statistics.median(values)


@given(responses)
def test_the_mean_lies_between_the_least_and_the_greatest(values):
    figures = r.response_figures(values)
    assert min(values) <= figures["mean_response_s"] <= max(values)
    assert figures["p90_response_s"] in values


@given(responses)
def test_the_nearest_rank_matches_its_definition(values):
    ordered = sorted(values)
    k = -(-9 * len(values) // 10)  # ⌈0.9 n⌉ in integers
    assert r.centile_nearest_rank(values) == ordered[k - 1]


@given(
    st.sampled_from(r.CATEGORIES),
    st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.one_of(st.none(), st.integers(0, 3600)),
    st.one_of(st.none(), st.integers(0, 3600)),
)
def test_the_clock_never_starts_before_the_call_nor_after_the_offset(
    category, connected, identified_after, dispatched_after
):
    identified = (
        None if identified_after is None else connected + timedelta(seconds=identified_after)
    )
    dispatched = (
        None if dispatched_after is None else connected + timedelta(seconds=dispatched_after)
    )
    start = r.clock_start(
        category=category,
        call_connected_at=connected,
        identified_at=identified,
        dispatched_at=dispatched,
    )
    base = r.truncate_s(connected)
    assert base <= start <= base + r.CONNECTED_OFFSET[category]


def test_minutes_to_one_decimal_round_half_up_from_the_exact_seconds():
    assert r.minutes_one_decimal(None) is None
    assert r.minutes_one_decimal(1287) == Decimal("21.5")  # 21.45: a float would give 21.4
    assert r.minutes_one_decimal(1284) == Decimal("21.4")
    assert r.minutes_one_decimal(0) == Decimal("0.0")
