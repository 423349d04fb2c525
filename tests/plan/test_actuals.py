"""Each metric's monthly actual, on worked examples: a month spanning a clock change (October
2026, or March 2026) and a month in progress."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from apps.discharge.models import S1Frozen
from apps.discharge.rules import S1Figures, s1_table
from apps.plan.metrics import METRICS, metric_actuals, plan_grid, plan_month
from apps.plan.services import plan_load

pytestmark = pytest.mark.django_db

OCT, NOV, DEC = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)
MAR, APR = date(2026, 3, 1), date(2026, 4, 1)
LATER = datetime(2027, 1, 5, tzinfo=UTC)  # every month above is over
IN_NOVEMBER = datetime(2026, 11, 10, 10, tzinfo=UTC)  # 10:00 GMT, 10 November


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text + "+00:00")


# --------------------------------------------------------------------------- beds
def test_beds_are_the_mean_of_local_middays_across_the_clock_change(snapshot):
    snapshot(None, utc("2026-10-01T10:00"), 30)  # 11:00 BST: in force at midday from 1 Oct
    # 11:30 UTC on 25 October is 11:30 GMT: before that day's local midday (12:00 UTC).
    snapshot(None, utc("2026-10-25T11:30"), 40)
    snapshot("RWE-LRI", utc("2026-10-01T10:00"), 20)
    # 12:30 GMT on the 31st: after midday, so October's last midday still has 20.
    snapshot("RWE-LRI", utc("2026-10-31T12:30"), 99)
    got = metric_actuals("ga_available_beds", [OCT], now=LATER)
    # 24 days of 30 and 7 of 40: 1000 / 31 = 32.258 → 32.3 (a 12:00 BST reading on the
    # 25th, 11:00 UTC, would miss the 40 and give 31.9).
    assert got[(OCT, "system")] == Decimal("32.3")
    assert got[(OCT, "RWE-LRI")] == Decimal("20.0")


def test_beds_in_a_month_in_progress_count_today_at_now_and_no_future(snapshot):
    snapshot(None, utc("2026-11-01T09:00"), 50)
    snapshot(None, utc("2026-11-10T09:30"), 60)  # today, before noon and before now
    got = metric_actuals("ga_available_beds", [NOV, DEC], now=IN_NOVEMBER)
    assert got[(NOV, "system")] == Decimal("51.0")  # 9 days of 50, today 60
    assert (DEC, "system") not in got


def test_a_day_with_no_bed_state_in_force_is_left_out(snapshot):
    snapshot(None, utc("2026-10-30T09:00"), 10)  # in force from the 30th only
    assert metric_actuals("ga_available_beds", [OCT], now=LATER)[(OCT, "system")] == 10


# --------------------------------------------------------------------------- handovers
def test_lost_hours_sum_the_local_days_of_march_across_the_clock_change(arrival):
    arrival("RWE-LRI", utc("2026-02-28T23:30"), 100)  # 23:30 GMT: February
    arrival("RWE-LRI", utc("2026-03-01T00:10"), 45)  # March: 30 min lost
    arrival("RWE-GH", utc("2026-03-31T22:30"), 75)  # 23:30 BST, still March: 60 lost
    arrival("RWE-LRI", utc("2026-03-31T23:30"), 100)  # 00:30 BST on 1 April: April
    arrival("RWE-LRI", utc("2026-03-15T12:00"), 15)  # exactly 15: nothing lost
    got = metric_actuals("handover_lost_hours", [MAR, APR], now=LATER)
    assert got[(MAR, "system")] == Decimal("1.50")
    assert got[(MAR, "RWE-LRI")] == Decimal("0.50")
    assert got[(MAR, "RWE-GH")] == Decimal("1.00")
    assert got[(APR, "system")] == Decimal("1.42")  # 85 min


def test_lost_hours_of_a_month_in_progress_include_crews_still_waiting(arrival):
    arrival("RWE-LRI", utc("2026-11-02T08:00"), 60)  # 45 lost
    arrival("RWE-LRI", IN_NOVEMBER - timedelta(minutes=40))  # waiting: 25 lost so far
    got = metric_actuals("handover_lost_hours", [NOV, DEC], now=IN_NOVEMBER)
    assert got[(NOV, "system")] == Decimal("1.17")  # 70 min
    assert (DEC, "system") not in got


# --------------------------------------------------------------------------- MOFD
def _frozen(day: date, rwe: tuple[int, ...], rt5: tuple[int, ...] | None) -> None:
    """A frozen S1; ``None``: the organisation had sent no list by then."""
    pathways = ("P0", "P1", "P2", "P3")
    figures = {
        code: S1Figures(total=sum(p), **dict(zip(pathways, p, strict=True)))
        for code, p in (("RWE", rwe), ("RT5", rt5))
        if p is not None
    }
    listed = {code: datetime(2026, 1, 1, tzinfo=UTC) for code in figures}
    table = s1_table(
        day=day, organisations=[("RT5", "LPT"), ("RWE", "UHL")], figures=figures, list_times=listed
    )
    for row in table["rows"]:
        row["list_as_at"] = row["list_as_at"] and row["list_as_at"].isoformat()
    S1Frozen.objects.create(date=day, figures={**table, "date": day.isoformat()}, frozen_at=LATER)


def test_mofd_is_the_mean_of_the_months_frozen_s1_p1_to_p3(estate):
    _frozen(date(2026, 10, 24), (5, 4, 3, 3), (1, 0, 0, 0))  # RWE 10, system 10
    _frozen(date(2026, 10, 25), (0, 10, 5, 5), (0, 0, 0, 0))  # 20 (the 25-hour day)
    _frozen(date(2026, 10, 31), (9, 20, 6, 4), (0, 1, 0, 0))  # RWE 30, system 31
    _frozen(date(2026, 11, 1), (0, 99, 0, 0), (0, 0, 0, 0))  # November's
    got = metric_actuals("mofd_p1_p3", [OCT], now=LATER)
    assert got[(OCT, "system")] == Decimal("20.3")  # (10 + 20 + 31) / 3
    assert got[(OCT, "RWE")] == Decimal("20.0")
    assert got[(OCT, "RT5")] == Decimal("0.3")


def test_a_day_without_an_organisations_list_is_unknown_not_zero(estate):
    _frozen(date(2026, 10, 24), (0, 10, 0, 0), (0, 4, 0, 0))
    _frozen(date(2026, 10, 25), (0, 20, 0, 0), None)  # RT5 sent no list
    got = metric_actuals("mofd_p1_p3", [OCT], now=LATER)
    assert got[(OCT, "RT5")] == Decimal("4.0")  # one day known, not (4 + 0) / 2
    assert got[(OCT, "system")] == Decimal("17.0")  # (14 + 20) / 2


def test_mofd_of_a_month_in_progress_includes_todays_live_s1(estate):
    from apps.discharge.rules import Patient
    from tests.discharge.factories import post_list

    _frozen(date(2026, 11, 9), (0, 10, 0, 0), (0, 0, 0, 0))
    today = date(2026, 11, 10)
    post_list(
        "RWE",
        IN_NOVEMBER - timedelta(hours=1),
        [Patient(f"P{i}", today, "P1") for i in range(20)] + [Patient("Z", today, "P0")],
        now=IN_NOVEMBER,
    )
    got = metric_actuals("mofd_p1_p3", [NOV], now=IN_NOVEMBER)
    assert got[(NOV, "system")] == Decimal("15.0")  # (10 + 20) / 2


# --------------------------------------------------------------------------- virtual wards
def test_vw_capacity_is_the_last_census_of_the_month_summed(vw_census):
    vw_census("RT5", utc("2026-10-05T09:00"), ("VW-FRAILTY", 12, 9))
    vw_census("RWE", utc("2026-10-20T09:00"), ("VW-ASTHMA", 40, 20))
    # 23:30 UTC on 31 October is 23:30 GMT: still October.
    vw_census("RT5", utc("2026-10-31T23:30"), ("VW-FRAILTY", 14, 13))
    vw_census("RT5", utc("2026-11-10T09:00"), ("VW-FRAILTY", 18, 13))
    got = metric_actuals("vw_capacity", [OCT, NOV, DEC], now=IN_NOVEMBER)
    assert got[(OCT, "system")] == 54
    assert got[(OCT, "VW-FRAILTY")] == 14
    assert got[(NOV, "system")] == 58  # the census in force now
    assert (DEC, "system") not in got


# --------------------------------------------------------------------------- together
PLAN = (
    "metric,scope,month,value\n"
    "ga_available_beds,system,2026-10,32.3\n"
    "handover_lost_hours,system,2026-10,1\n"
    "mofd_p1_p3,system,2026-10,50\n"
    "vw_capacity,system,2026-10,60\n"
    "ed_four_hour_pct,system,2026-10,76\n"
    "cat2_mean_min,system,2026-10,30\n"
)


def test_plan_against_actual_for_a_month(snapshot, arrival, vw_census):
    plan_load(text=PLAN)
    snapshot(None, utc("2026-10-01T10:00"), 30)
    snapshot(None, utc("2026-10-25T11:30"), 40)
    arrival("RWE-LRI", utc("2026-10-10T08:00"), 105)  # 90 min lost: 1.50 h
    vw_census("RT5", utc("2026-10-05T09:00"), ("VW-FRAILTY", 60, 9))
    body = plan_month(month=OCT, now=LATER)
    rows = {r["metric"]: r for r in body["rows"]}
    assert [r["metric"] for r in body["rows"]] == list(METRICS)
    assert rows["ga_available_beds"]["status"] == "met"  # equal to plan
    assert rows["ga_available_beds"]["actual"] == Decimal("32.3")
    assert (rows["handover_lost_hours"]["actual"], rows["handover_lost_hours"]["status"]) == (
        Decimal("1.50"),
        "missed",
    )
    assert rows["mofd_p1_p3"]["status"] == "no_data"  # no frozen S1
    assert rows["vw_capacity"]["status"] == "met"
    assert rows["ed_four_hour_pct"]["status"] == "no_data"


def test_the_vw_system_plan_is_the_sum_of_the_ward_trajectory_unless_given(vw_census):
    from apps.virtualwards.plan import plan_load as vw_plan_load

    vw_plan_load(
        text="virtual_ward,medical_cover,month,planned_capacity\n"
        "Frailty,LPT,2026-10,20\nAsthma,UHL,2026-10,40\nFrailty,LPT,2026-11,25\n"
    )
    plan_load(text="metric,scope,month,value\nvw_capacity,system,2026-11,70\n")
    grid = plan_grid(months=[OCT, NOV], now=LATER)
    system = next(r for r in grid if r["metric"] == "vw_capacity" and r["scope"] == "system")
    assert [c["plan"] for c in system["months"]] == [60, 70]
    assert {r["scope"] for r in grid} == {"system", "VW-FRAILTY", "VW-ASTHMA"}


def test_query_count_does_not_grow_with_the_estate(django_assert_max_num_queries, snapshot):
    plan_load(text=PLAN)
    snapshot(None, utc("2026-10-01T10:00"), 30)
    with django_assert_max_num_queries(8):
        plan_month(month=OCT, now=LATER)


# --------------------------------------------------------------------------- Category 2
def test_c2_mean_is_over_the_months_clock_starts_across_the_clock_change(incident):
    incident(utc("2026-02-28T23:30"), 10, now=LATER)  # 23:30 GMT: February
    incident(utc("2026-03-01T00:10"), 20, now=LATER)  # March
    incident(utc("2026-03-31T22:30"), 40, now=LATER)  # 23:30 BST: still March
    incident(utc("2026-03-31T23:30"), 100, now=LATER)  # 00:30 BST on 1 April: April
    incident(utc("2026-03-10T12:00"), 5, category=1, now=LATER)  # category 1: not counted
    incident(utc("2026-03-11T12:00"), "stood_down", now=LATER)  # no clock stop: left out
    got = metric_actuals("cat2_mean_min", [MAR, APR], now=LATER)
    assert got[(MAR, "system")] == Decimal("30.0")
    assert got[(MAR, "RX9")] == Decimal("30.0")
    assert got[(APR, "system")] == Decimal("100.0")


def test_c2_mean_of_a_month_in_progress_counts_responses_so_far(incident):
    incident(utc("2026-11-02T08:00"), 10, now=IN_NOVEMBER)
    incident(IN_NOVEMBER - timedelta(minutes=30), 20, now=IN_NOVEMBER)
    incident(IN_NOVEMBER - timedelta(minutes=5), None, now=IN_NOVEMBER)  # still waiting
    got = metric_actuals("cat2_mean_min", [NOV, DEC], now=IN_NOVEMBER)
    assert got[(NOV, "system")] == Decimal("15.0")
    assert (DEC, "system") not in got


# --------------------------------------------------------------------------- ED 4-hour
def _ed(client, *items):
    from tests.emergency.conftest import post, recompute_all

    assert post(client, *items).status_code == 201
    recompute_all()


def test_ed_four_hour_pools_the_months_departures_by_local_day_across_the_clock_change(
    estate, key_client
):
    from tests.emergency.conftest import item

    sep, octo = date(2026, 9, 1), date(2026, 10, 1)
    _ed(
        key_client("RWE"),
        # 23:30 BST on 30 September: September, met (150 min).
        item("A", arrived=utc("2026-09-30T20:00"), departed=utc("2026-09-30T22:30"),
             disposition="discharged"),
        # 00:30 BST on 1 October: October, met (210 min).
        item("B", arrived=utc("2026-09-30T20:00"), departed=utc("2026-09-30T23:30"),
             disposition="admitted"),
        # The 25-hour day of the clock change: 241 minutes, not met.
        item("C", arrived=utc("2026-10-25T00:30"), departed=utc("2026-10-25T04:31"),
             disposition="discharged"),
        # 23:30 GMT on 31 October: still October, 270 minutes, not met.
        item("D", arrived=utc("2026-10-31T19:00"), departed=utc("2026-10-31T23:30"),
             disposition="admitted"),
        item("E", "RWE-GH", arrived=utc("2026-10-10T10:00"), departed=utc("2026-10-10T12:00"),
             disposition="discharged"),
    )  # fmt: skip
    got = metric_actuals("ed_four_hour_pct", [sep, octo], now=utc("2026-11-15T12:00"))
    assert got[(sep, "RWE-LRI")] == Decimal("100.0")
    assert got[(octo, "RWE-LRI")] == Decimal("33.3")
    assert got[(octo, "RWE-GH")] == Decimal("100.0")
    # Pooled over the four departures, not the mean of the sites' 33.3 and 100.0.
    assert got[(octo, "system")] == Decimal("50.0")


def test_ed_four_hour_of_a_month_in_progress_counts_departures_so_far(estate, key_client):
    from django.utils import timezone

    from apps.core.localtime import local_today
    from tests.emergency.conftest import item

    now = timezone.now().replace(microsecond=0)
    arrived, departed = now - timedelta(hours=2), now - timedelta(minutes=30)
    _ed(
        key_client("RWE"),
        item("T1", arrived=arrived, departed=departed, disposition="left"),
        item("T2", arrived=arrived),  # still in the department: no departure yet
    )
    month = local_today(departed).replace(day=1)  # just after midnight on the 1st: the last
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    got = metric_actuals("ed_four_hour_pct", [month, following], now=now)
    assert got[(month, "RWE-LRI")] == Decimal("100.0")
    assert (following, "system") not in got
