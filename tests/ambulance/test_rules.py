"""DOMAIN.md "Ambulance handovers and lost hours": fixed clock, no database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from apps.ambulance import rules
from apps.ambulance.rules import Arrival

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
T0 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def handed_over(minutes: float, start: datetime = T0) -> Arrival:
    return Arrival(arrived_at=start, handover_at=start + timedelta(minutes=minutes))


def test_it_gives_the_worked_example_figures():
    arrivals = [handed_over(m) for m in (10, 60, 105, 40, 15)]
    figures = rules.day_figures(rules.day_totals(arrivals, now=NOW, standard_min=15))
    assert figures == {
        "arrivals": 5,
        "handed_over": 5,
        "mean_handover_min": 46.0,
        "over_15": 3,
        "over_30": 3,
        "over_60": 1,
        "lost_hours": 2.67,
    }


def test_it_counts_bands_strictly_greater_than_the_threshold():
    totals = rules.day_totals(
        [handed_over(15), handed_over(30), handed_over(60), handed_over(60 + 1 / 60)],
        now=NOW,
        standard_min=15,
    )
    assert (totals.over_15, totals.over_30, totals.over_60) == (3, 2, 1)


def test_it_loses_only_minutes_beyond_the_standard():
    assert rules.lost_min(10, standard_min=15) == 0
    assert rules.lost_min(60, standard_min=15) == 45
    assert rules.lost_min(60, standard_min=30) == 30


def test_it_takes_the_standard_from_the_caller():
    arrivals = [handed_over(m) for m in (10, 60, 105, 40, 15)]
    totals = rules.day_totals(arrivals, now=NOW, standard_min=30)
    assert rules.lost_hours(totals.lost_seconds) == round((30 + 75 + 10) / 60, 2)


def test_it_rounds_lost_hours_half_up_to_two_decimals():
    # 0.625 h exactly (37.5 min) rounds up, where float round() would give 0.62.
    assert rules.lost_hours(Decimal(37 * 60 + 30)) == 0.63


def test_it_means_over_handed_over_arrivals_only():
    waiting = Arrival(arrived_at=NOW - timedelta(minutes=90))
    cleared = Arrival(arrived_at=T0, cleared_at=T0 + timedelta(minutes=20))
    totals = rules.day_totals(
        [handed_over(20), handed_over(41), waiting, cleared], now=NOW, standard_min=15
    )
    assert totals.arrivals == 4 and totals.handed_over == 2
    assert rules.mean_handover_min(totals) == 30.5


def test_it_has_no_mean_when_nothing_was_handed_over():
    totals = rules.day_totals([Arrival(arrived_at=NOW)], now=NOW, standard_min=15)
    assert rules.day_figures(totals)["mean_handover_min"] is None


def test_a_waiting_crew_accrues_lost_time_and_bands_up_to_now():
    waiting = Arrival(arrived_at=NOW - timedelta(minutes=75))
    totals = rules.day_totals([waiting], now=NOW, standard_min=15)
    assert (totals.over_15, totals.over_30, totals.over_60) == (1, 1, 1)
    assert rules.lost_hours(totals.lost_seconds) == 1.0
    later = rules.day_totals([waiting], now=NOW + timedelta(minutes=30), standard_min=15)
    assert rules.lost_hours(later.lost_seconds) == 1.5


def test_a_wait_stops_accruing_after_24_hours():
    waiting = Arrival(arrived_at=NOW - timedelta(days=3))
    assert rules.handover_min(waiting, now=NOW) == 24 * 60


def test_an_arrival_posted_slightly_ahead_of_now_has_waited_nothing():
    ahead = Arrival(arrived_at=NOW + timedelta(minutes=3))
    assert rules.handover_min(ahead, now=NOW) == 0
    assert rules.wait_min(ahead.arrived_at, now=NOW) == 0


def test_a_crew_cleared_without_handover_has_no_handover_time():
    cleared = Arrival(arrived_at=T0, cleared_at=T0 + timedelta(minutes=50))
    assert rules.handover_min(cleared, now=NOW) is None
    assert not rules.is_waiting(cleared)


def test_it_counts_whole_minutes_waited():
    assert rules.wait_min(NOW - timedelta(minutes=45, seconds=59), now=NOW) == 45


def test_release_to_respond_is_breached_beyond_45_minutes():
    assert not rules.release_to_respond_breached(45, limit_min=45)
    assert rules.release_to_respond_breached(46, limit_min=45)


def test_a_handover_across_the_clock_change_is_timed_in_real_minutes():
    # 00:50 BST → 01:10 GMT on 25 October 2026 is 80 real minutes, not 20.
    arrived = datetime(2026, 10, 24, 23, 50, tzinfo=UTC)
    arrival = Arrival(arrived_at=arrived, handover_at=datetime(2026, 10, 25, 1, 10, tzinfo=UTC))
    assert rules.handover_min(arrival, now=NOW) == 80


def test_totals_add_up():
    a = rules.day_totals([handed_over(20)], now=NOW, standard_min=15)
    b = rules.day_totals([handed_over(70)], now=NOW, standard_min=15)
    assert a + b == rules.day_totals([handed_over(20), handed_over(70)], now=NOW, standard_min=15)
