"""The /ambulance/ page, the board's ambulance response block, C2 tile and REAP 4 banner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.ambulance.response_selectors import board_ambulance_response
from apps.beds.models import Organisation
from apps.sitreps.services import sitrep_ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def t0(day_clock):
    """3 hours ago, with the clock at least 6 hours into the day, so every time posted (up to
    t0 + 100 min) is today and past whatever the time of day."""
    return day_clock - timedelta(hours=3)


def ingest(org: Organisation, kind: str, body: dict):
    result = sitrep_ingest(kind=kind, organisation=org, body=body)
    assert result.status == 201, result.body
    return result


def incidents(org, t0, *, c2_minutes=(10, 20, 30, 40, 50, 60, 70, 80, 90, 100), waiting=1):
    items = [
        {
            "incident": f"{org.code}-{m}",
            "category": 2,
            "call_connected_at": t0.isoformat(),
            "dispatched_at": t0.isoformat(),
            "at_scene_at": (t0 + timedelta(minutes=m)).isoformat(),
        }
        for m in c2_minutes
    ]
    items += [
        {"incident": f"{org.code}-W{n}", "category": 1, "call_connected_at": t0.isoformat()}
        for n in range(waiting)
    ]
    ingest(org, "incidents", {"incidents": items})


@pytest.fixture
def rx9(estate):
    return Organisation.objects.get(code="RX9")


def test_the_page_asks_for_a_login(client, estate):
    response = client.get("/ambulance/")
    assert response.status_code in (302, 401, 403)


def test_the_page_shows_today_against_the_standards_and_the_ambition(scc_client, rx9, t0):
    incidents(rx9, t0)
    ingest(rx9, "reap", {"level": 3, "declared_at": (t0 - timedelta(days=2)).isoformat()})
    ingest(rx9, "reap", {"level": 4, "declared_at": t0.isoformat()})
    html = scc_client.get("/ambulance/").content.decode()
    assert "REAP 4" in html and "REAP 3" in html  # in force, and its history
    # Worked example: C2 mean 55:00 (over the 18-minute standard and the 30-minute ambition),
    # 90th centile 90:00 (over 40:00).
    c2 = html[html.index('id="cat-2"') : html.index('id="cat-3"')]
    assert "55:00" in c2 and "90:00" in c2
    assert "over 18:00" in c2 and "over 30:00 ambition" in c2 and "over 40:00" in c2
    c1 = html[html.index('id="cat-1"') : html.index('id="cat-2"')]
    assert 'data-label="Waiting now">1</td>' in c1  # one C1 call waiting
    assert 'id="trend-c2-mean-title"' in html and "30-minute ambition" in html
    assert "Handovers at hospitals" in html


def test_the_page_query_count_does_not_grow_with_services(scc_client, rx9, t0):
    incidents(rx9, t0)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert scc_client.get("/ambulance/").status_code == 200
        return len(ctx)

    count()
    few = count()
    for n in range(4):
        org = Organisation.objects.create(code=f"AMB{n}", name=f"Service {n}", kind="ambulance")
        incidents(org, t0)
        ingest(org, "reap", {"level": 2, "declared_at": t0.isoformat()})
    assert count() == few


def test_the_board_json_carries_each_service_and_the_board_shows_the_c2_tile(scc_client, rx9, t0):
    incidents(rx9, t0)
    board = scc_client.get("/api/v1/board/").json()
    (rx9_block,) = board["system"]["ambulance_response"]
    assert rx9_block["organisation"] == "RX9" and rx9_block["reap"] is None
    assert rx9_block["categories"]["2"]["mean_response_s_today"] == 3300
    assert rx9_block["categories"]["2"]["p90_response_s_today"] == 5400
    assert rx9_block["categories"]["1"]["waiting_now"] == 1
    assert rx9_block["categories"]["1"]["longest_wait_s"] >= 0
    assert rx9_block["categories"]["3"]["longest_wait_s"] is None
    assert board["system"]["ambulance_response_total"]["2"]["mean_response_s"] == 3300
    html = scc_client.get("/").content.decode()
    assert "C2 mean response today" in html and "55:00" in html
    assert "reap-banner" not in html


def test_reap_4_is_a_banner_on_the_board(scc_client, rx9, t0):
    ingest(rx9, "reap", {"level": 4, "declared_at": t0.isoformat()})
    html = scc_client.get("/").content.decode()
    assert "reap-banner" in html and "has declared REAP level 4" in html
    ingest(rx9, "reap", {"level": 2, "declared_at": (t0 + timedelta(minutes=1)).isoformat()})
    assert "reap-banner" not in scc_client.get("/").content.decode()


def test_the_board_block_takes_three_queries_whatever_the_estate(rx9, t0):
    incidents(rx9, t0)
    organisations = list(Organisation.objects.all())
    with CaptureQueriesContext(connection) as ctx:
        board_ambulance_response(now=timezone.now(), organisations=organisations)
    assert len(ctx) == 3
    for n in range(5):
        org = Organisation.objects.create(code=f"AMB{n}", name=f"Service {n}", kind="ambulance")
        incidents(org, t0, waiting=3)
    organisations = list(Organisation.objects.all())
    with CaptureQueriesContext(connection) as ctx:
        block = board_ambulance_response(now=timezone.now(), organisations=organisations)
    assert len(ctx) == 3
    assert len(block["organisations"]) == 6
    assert block["total"]["2"]["incidents"] == 60


def test_the_board_api_query_count_does_not_grow_with_services(scc_client, rx9, t0):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert scc_client.get("/api/v1/board/").status_code == 200
        return len(ctx)

    incidents(rx9, t0)
    scc_client.get("/")
    few = count()
    for n in range(5):
        org = Organisation.objects.create(code=f"AMB{n}", name=f"Service {n}", kind="ambulance")
        incidents(org, t0)
        ingest(org, "reap", {"level": 3, "declared_at": t0.isoformat()})
    assert count() == few


def test_incidents_open_past_24_hours_leave_the_waits_and_are_listed_as_stale(scc_client, rx9):
    old = timezone.now().replace(microsecond=0) - timedelta(hours=30)
    body = {"incidents": [{"incident": "OLD", "category": 3, "call_connected_at": old.isoformat()}]}
    ingest(rx9, "incidents", body)
    block = board_ambulance_response(now=timezone.now())["organisations"][0]
    assert block["categories"]["3"]["waiting_now"] == 0
    html = scc_client.get("/ambulance/").content.decode()
    assert "Open more than 24 hours (stale)" in html and "OLD" in html


def test_the_admin_lists_incidents_and_reap_declarations_read_only(admin_client, rx9, t0):
    incidents(rx9, t0)
    ingest(rx9, "reap", {"level": 3, "declared_at": t0.isoformat()})
    for path in ("/admin/ambulance/incident/", "/admin/ambulance/reapdeclaration/"):
        response = admin_client.get(path)
        assert response.status_code == 200, path
    assert admin_client.get("/admin/ambulance/incident/add/").status_code == 403


def test_the_trend_table_and_summary_round_minutes_alike_half_up():
    from datetime import date as day_of

    from apps.ambulance.views import trend_chart

    def day(n: int, mean_s: int | None) -> dict:
        figures = {"incidents": 1, "mean_response_s": mean_s, "p90_response_s": mean_s}
        return {"date": day_of(2026, 11, n), "categories": {"2": figures}}

    # 1,287 s = 21.45 min: a binary float formats as 21.4, the rule (half up) says 21.5.
    chart = trend_chart(
        [day(1, 600), day(2, None), day(3, 1287)],
        category=2,
        figure="mean_response_s",
        reference=(30, "30-minute ambition"),
        chart_id="t",
        title="C2 mean",
    )
    assert "highest 21.5 min, lowest 10.0 min, latest 21.5 min" in chart["summary"]
    assert [str(minutes) for _, minutes in chart["days"]] == ["10.0", "None", "21.5"]
