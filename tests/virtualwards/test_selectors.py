from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.beds.models import Organisation
from apps.virtualwards.models import VirtualWard
from apps.virtualwards.plan import plan_load
from apps.virtualwards.selectors import board_virtual_wards, vw_plan_vs_actual

from .conftest import census

pytestmark = pytest.mark.django_db

PLAN = (
    "virtual_ward,medical_cover,month,planned_capacity\n"
    "Frailty,UHL/LPT,2026-02,10\n"
    "Frailty,UHL/LPT,2026-03,15\n"
    "Frailty,UHL/LPT,2026-04,20\n"
    "Asthma,UHL,2026-04,40\n"
)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def post(ingest, org, when, *wards):
    result = ingest(org, census(when.isoformat(), *wards), now=when + timedelta(minutes=1))
    assert result.status == 201, result.body


@pytest.fixture
def history(ingest):
    plan_load(text=PLAN)
    post(ingest, "RT5", utc(2026, 2, 10, 9), ("VW-FRAILTY", 12, 9))
    post(ingest, "RWE", utc(2026, 3, 15, 9), ("VW-ASTHMA", 40, 20))
    # 23:30 UTC on 31 March is 00:30 BST on 1 April: April's census, not March's.
    post(ingest, "RT5", utc(2026, 3, 31, 23, 30), ("VW-FRAILTY", 14, 13))


def test_actual_is_the_capacity_in_force_at_each_month_end_against_the_plan(history):
    result = vw_plan_vs_actual(now=utc(2026, 4, 10))
    assert result["months"] == [
        {"month": date(2026, 2, 1), "planned": 10, "actual": 12},
        {"month": date(2026, 3, 1), "planned": 15, "actual": 52},
        {"month": date(2026, 4, 1), "planned": 60, "actual": 54},
    ]
    wards = {w["code"]: [(m["planned"], m["actual"]) for m in w["months"]] for w in result["wards"]}
    assert wards == {
        "VW-ASTHMA": [(None, None), (None, 40), (40, 40)],
        "VW-FRAILTY": [(10, 12), (15, 12), (20, 14)],
    }


def test_months_not_yet_begun_have_no_actual(history):
    months = vw_plan_vs_actual(now=utc(2026, 3, 20))["months"]
    assert [m["actual"] for m in months] == [12, 52, None]


def test_months_run_on_to_the_current_month_once_censuses_exist(history):
    months = vw_plan_vs_actual(now=utc(2026, 7, 1, 12))["months"]
    assert [m["month"] for m in months][-1] == date(2026, 7, 1)
    assert months[-1] == {"month": date(2026, 7, 1), "planned": None, "actual": 54}


def test_nothing_to_show_without_plan_or_census(estate):
    assert vw_plan_vs_actual(now=utc(2026, 4, 10)) == {"months": [], "wards": []}


def test_an_older_census_does_not_change_the_board(history, ingest):
    post(ingest, "RT5", utc(2026, 3, 1, 9), ("VW-FRAILTY", 30, 1))
    frailty = next(
        w for w in board_virtual_wards(now=utc(2026, 4, 10))["wards"] if w["code"] == "VW-FRAILTY"
    )
    assert (frailty["capacity"], frailty["occupied"], frailty["pct"]) == (14, 13, 92.9)
    assert frailty["as_at"] == utc(2026, 3, 31, 23, 30)


def test_the_system_sums_the_wards_that_reported(history):
    system = board_virtual_wards(now=utc(2026, 4, 10))["system"]
    assert system == {
        "capacity": 54,
        "occupied": 33,
        "pct": 61.1,
        "per_100k": 5.3,
        "wards_reported": 2,
        "wards_total": 2,
    }


def _more_wards(ingest, n):
    rt5 = Organisation.objects.get(code="RT5")
    VirtualWard.objects.bulk_create(
        VirtualWard(code=f"VW-X{i}", name=f"Extra {i}", organisation=rt5, capacity=10)
        for i in range(n)
    )
    post(ingest, "RT5", utc(2026, 4, 2, 9), *((f"VW-X{i}", 10, 5) for i in range(n)))
    plan_load(
        text="virtual_ward,medical_cover,month,planned_capacity\n"
        + "".join(f"Extra {i},,2026-04,10\n" for i in range(n))
    )


def test_query_counts_do_not_grow_with_the_wards(history, ingest):
    now = utc(2026, 4, 10)
    with CaptureQueriesContext(connection) as board_small:
        board_virtual_wards(now=now)
    with CaptureQueriesContext(connection) as plan_small:
        vw_plan_vs_actual(now=now)
    _more_wards(ingest, 12)
    with CaptureQueriesContext(connection) as board_big:
        board = board_virtual_wards(now=now)
    with CaptureQueriesContext(connection) as plan_big:
        trajectory = vw_plan_vs_actual(now=now)
    assert len(board["wards"]) == 14 and trajectory["months"][-1]["planned"] == 180
    assert len(board_small) == len(board_big) == 2
    assert len(plan_small) == len(plan_big) == 4
