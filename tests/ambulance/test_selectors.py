"""The SQL path agrees with the rule functions; the board and site reads; the minute refresh."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.ambulance import rules
from apps.ambulance.models import Handover, HandoverDaily
from apps.ambulance.selectors import (
    board_handovers,
    day_totals_by_site,
    handovers_daily,
    site_arrivals_today,
    site_lost_hours_history,
)
from apps.ambulance.services import handover_days_refresh, handovers_live_refresh
from apps.beds.models import Organisation, Site
from apps.core.localtime import local_day_bounds

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 10, 25, 14, 7, 30, tzinfo=UTC)


def random_arrivals(arrival, rng: random.Random, *, around: datetime, n: int) -> None:
    for _ in range(n):
        arrived = around + timedelta(
            seconds=rng.randint(-40 * 3600, 20 * 3600), microseconds=rng.randint(0, 999999)
        )
        shape = rng.random()
        handover = cleared = None
        if shape < 0.6:
            handover = arrived + timedelta(
                seconds=rng.choice([900, 1800, 3600, rng.randint(0, 86400)])
            )
            if rng.random() < 0.5:
                cleared = handover + timedelta(minutes=rng.randint(0, 40))
        elif shape < 0.7:
            cleared = arrived + timedelta(minutes=rng.randint(0, 90))
        arrival(rng.choice(["RWE-LRI", "RWE-GH"]), arrived, handover, cleared)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sql_figures_agree_with_the_rule_functions(arrival, settings, seed):
    settings.SCC_HANDOVER_STANDARD_MIN = 15 if seed != 3 else 20
    random_arrivals(arrival, random.Random(seed), around=NOW, n=300)
    for day in (date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)):
        start, end = local_day_bounds(day)
        for site_day in day_totals_by_site(day=day, now=NOW):
            held = Handover.objects.filter(
                site_id=site_day.site_id, arrived_at__gte=start, arrived_at__lt=end
            )
            expected = rules.day_totals(
                (rules.Arrival(h.arrived_at, h.handover_at, h.cleared_at) for h in held),
                now=NOW,
                standard_min=settings.SCC_HANDOVER_STANDARD_MIN,
            )
            assert site_day.totals == expected, (day, site_day.code)
            assert rules.day_figures(site_day.totals) == rules.day_figures(expected)


def test_the_daily_figures_include_minutes_accruing_for_crews_waiting(arrival):
    arrival("RWE-LRI", NOW - timedelta(minutes=75))
    row = handovers_daily(day=NOW.date(), now=NOW)["sites"][1]
    assert row["site"] == "RWE-LRI"
    assert (row["arrivals"], row["handed_over"], row["over_60"], row["lost_hours"]) == (
        1,
        0,
        1,
        1.0,
    )
    assert row["mean_handover_min"] is None


def test_the_board_block_has_live_waits_and_todays_figures(arrival):
    lri = Site.objects.get(code="RWE-LRI")
    today = NOW.replace(hour=8, minute=0, second=0)
    for minutes in (10, 60, 105, 40, 15):
        arrival("RWE-LRI", today, today + timedelta(minutes=minutes))
    arrival("RWE-LRI", NOW - timedelta(minutes=50, seconds=30))
    arrival("RWE-LRI", NOW - timedelta(minutes=20))
    arrival("RWE-LRI", NOW - timedelta(minutes=20), cleared_at=NOW - timedelta(minutes=5))
    arrival("RWE-GH", NOW - timedelta(hours=25))  # an open record too old to be a real wait
    board = board_handovers(now=NOW)
    assert board["sites"][lri.pk] == {
        "waiting_now": 2,
        "longest_wait_min": 50,
        "arrivals_today": 8,
        "mean_handover_min_today": 46.0,
        "over_30_today": 4,
        "over_60_today": 1,
        # 160 handed-over minutes lost, plus 35.5 and 5 accruing.
        "lost_hours_today": 3.34,
    }
    gh = board["sites"][Site.objects.get(code="RWE-GH").pk]
    assert gh["waiting_now"] == 0 and gh["longest_wait_min"] == 0 and gh["arrivals_today"] == 0
    assert board["system"]["waiting_now"] == 2 and board["system"]["longest_wait_min"] == 50
    assert board["system"]["lost_hours_today"] == 3.34
    assert Site.objects.get(code="RT5-CCH").pk not in board["sites"]


def test_the_board_has_an_empty_block_for_every_hospital_with_no_data(estate):
    board = board_handovers(now=NOW)
    assert board["system"] == {
        "waiting_now": 0,
        "longest_wait_min": 0,
        "arrivals_today": 0,
        "mean_handover_min_today": None,
        "over_30_today": 0,
        "over_60_today": 0,
        "lost_hours_today": 0.0,
    }
    assert len(board["sites"]) == 2


def add_hospitals(n: int) -> None:
    trust = Organisation.objects.create(code="XTRA", name="Extra", kind="acute")
    Site.objects.bulk_create(
        Site(code=f"X-{i:03d}", name=f"Extra {i}", organisation=trust) for i in range(n)
    )


def test_the_board_query_count_does_not_grow_with_sites(arrival, django_assert_num_queries):
    arrival("RWE-LRI", NOW - timedelta(minutes=30))
    with django_assert_num_queries(2):
        board_handovers(now=NOW)
    add_hospitals(40)
    with django_assert_num_queries(2):
        board = board_handovers(now=NOW)
    assert len(board["sites"]) == 42


def test_the_daily_endpoint_query_count_does_not_grow_with_sites(
    scc_client, estate, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as few:
        scc_client.get("/api/v1/handovers/daily/", {"date": "2026-11-20"})
    add_hospitals(40)
    with CaptureQueriesContext(connection) as many:
        body = scc_client.get("/api/v1/handovers/daily/", {"date": "2026-11-20"}).json()
    assert len(body["sites"]) == 42 and len(many) == len(few)


def test_the_minute_refresh_is_one_query_when_nobody_waits(arrival, django_assert_num_queries):
    arrival("RWE-LRI", NOW - timedelta(minutes=90), NOW - timedelta(minutes=30))
    with django_assert_num_queries(1):
        assert handovers_live_refresh(now=NOW) == set()
    assert not HandoverDaily.objects.exists()


def test_the_minute_refresh_rewrites_the_waiting_sites_day_as_time_passes(arrival):
    arrival("RWE-LRI", NOW - timedelta(minutes=45))
    arrival("RWE-GH", NOW - timedelta(minutes=45), NOW - timedelta(minutes=5))
    assert handovers_live_refresh(now=NOW) == {"handovers:RWE-LRI"}
    snap = HandoverDaily.objects.get()
    assert (snap.site.code, snap.date, float(snap.lost_hours)) == ("RWE-LRI", NOW.date(), 0.5)
    handovers_live_refresh(now=NOW + timedelta(minutes=30))
    assert float(HandoverDaily.objects.get().lost_hours) == 1.0


def test_a_crew_waiting_across_midnight_accrues_to_the_day_it_arrived(arrival):
    late = datetime(2026, 11, 22, 23, 50, tzinfo=UTC)
    arrival("RWE-LRI", late)
    handovers_live_refresh(now=late + timedelta(minutes=40))
    snap = HandoverDaily.objects.get()
    assert snap.date == date(2026, 11, 22) and float(snap.lost_hours) == 0.42


def test_the_beat_task_tells_the_board_while_crews_wait(arrival, settings):
    from apps.ambulance.tasks import refresh_live_waits
    from apps.core.events import figures_changed

    seen = []

    def receiver(sender, changed, **kwargs):
        seen.append(changed)

    figures_changed.connect(receiver)
    try:
        refresh_live_waits()
        assert seen == []
        from django.utils import timezone

        arrival("RWE-GH", timezone.now() - timedelta(minutes=10))
        refresh_live_waits()
        assert seen == [{"handovers:RWE-GH"}]
    finally:
        figures_changed.disconnect(receiver)
    assert "apps.ambulance.tasks.refresh_live_waits" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_the_site_table_lists_todays_arrivals_with_their_waits(arrival, settings):
    lri = Site.objects.get(code="RWE-LRI")
    arrival("RWE-LRI", NOW - timedelta(days=1))
    arrival("RWE-LRI", NOW - timedelta(minutes=90), NOW - timedelta(minutes=30))
    arrival("RWE-LRI", NOW - timedelta(minutes=47))
    rows = site_arrivals_today(site=lri, now=NOW)
    assert [(r["waiting"], r["handover_min"], r["lost_min"]) for r in rows] == [
        (False, 60.0, 45.0),
        (True, 47.0, 32.0),
    ]
    assert [r["release_to_respond_breached"] for r in rows] == [False, True]
    settings.SCC_RELEASE_TO_RESPOND_MIN = 50
    assert not site_arrivals_today(site=lri, now=NOW)[1]["release_to_respond_breached"]


def test_the_site_history_has_a_row_per_day_oldest_first(arrival):
    lri = Site.objects.get(code="RWE-LRI")
    day = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    arrival("RWE-LRI", day, day + timedelta(minutes=75))
    handover_days_refresh(days=[date(2026, 11, 20), date(2026, 11, 22)], now=NOW)
    history = site_lost_hours_history(site=lri, today=date(2026, 11, 22), days=4)
    assert [(h["date"].day, h["lost_hours"]) for h in history] == [
        (19, None),
        (20, 1.0),
        (21, None),
        (22, 0.0),
    ]
