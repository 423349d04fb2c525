"""The /emergency/ page, the ED on the site tiles and on the site page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.beds.estate import estate_load
from apps.core.localtime import local_date as local_day
from apps.emergency.models import EmergencyDaily
from apps.emergency.services import emergency_days_refresh
from tests.conftest import estate_with_extra_sites

from .conftest import item, post, recompute_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def reported(rwe, now):
    left = now - timedelta(minutes=2)
    response = post(
        rwe,
        item("1", arrived=left - timedelta(hours=5), departed=left, disposition="left"),
        item("2", arrived=left - timedelta(hours=1), departed=left, disposition="discharged"),
        item("3", arrived=now - timedelta(hours=13), dta=now - timedelta(hours=3)),
    )
    assert response.status_code == 201
    # Last week's departures, so the trend has more than one day.
    week_ago = now - timedelta(days=7)
    post(
        rwe,
        item("4", arrived=week_ago - timedelta(hours=1), departed=week_ago, disposition="admitted"),
    )
    recompute_all()


def test_the_page_needs_a_login(client, estate):
    response = client.get("/emergency/")
    assert response.status_code in (302, 401, 403)


def test_the_page_shows_every_ed_now_and_its_trend(scc_client, reported, now):
    html = scc_client.get("/emergency/").content.decode()
    assert "Leicester Royal Infirmary" in html
    assert "50.0%" in html  # 4-hour today
    assert "180 min" in html  # longest DTA wait
    assert html.count('<svg class="chart"') == 2  # all EDs, and LRI
    assert "76% standard" in html
    assert 'aria-current="page"' in html


def test_without_eds_the_page_says_so(scc_client, estate):
    html = scc_client.get("/emergency/").content.decode()
    assert "No site has reported ED attendances yet" in html


def test_open_records_past_seven_days_leave_the_figures_and_are_listed(scc_client, rwe, now):
    from apps.emergency.models import Attendance

    assert post(rwe, item("OLD-1", arrived=now - timedelta(days=8))).status_code == 201
    assert post(rwe, item("OLD-2", arrived=now - timedelta(days=9))).status_code == 201
    assert post(rwe, item("NEW-1", arrived=now - timedelta(hours=2))).status_code == 201
    recompute_all()
    html = scc_client.get("/emergency/").content.decode()
    stale = html[html.index('id="ed-stale"') :]
    assert "no departure after 7 days" in stale
    oldest = Attendance.objects.get(attendance="OLD-2").arrived_at
    assert f"2 open, the oldest arrived {timezone.localtime(oldest):%-d %b %Y %H:%M}" in stale
    now_row = html[html.index("<tbody>") : html.index("</tbody>")]
    assert '<td class="num">1</td>' in now_row  # in department now: only NEW-1


def test_without_stale_records_there_is_no_note(scc_client, reported):
    assert 'id="ed-stale"' not in scc_client.get("/emergency/").content.decode()


def test_the_page_query_count_does_not_grow_with_eds(scc_client, rwe, reported, now):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert scc_client.get("/emergency/").status_code == 200
        return len(ctx)

    scc_client.get("/emergency/")
    small = count()
    estate_load(document=estate_with_extra_sites(10))
    post(rwe, *[item(f"X{i}", f"RWE-X{i}", arrived=now - timedelta(hours=1)) for i in range(10)])
    recompute_all()
    assert count() == small


def test_htmx_gets_only_the_panels(scc_client, reported):
    response = scc_client.get("/emergency/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="ed-panels"' in html and "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_the_acute_tile_and_system_strip_show_the_ed(scc_client, reported):
    html = scc_client.get("/").content.decode()
    assert "Awaiting a bed" in html
    assert "Over 12 h" in html
    assert "ED 4-hour today" in html


def test_the_site_page_shows_the_ed_beside_vacant_beds(scc_client, reported):
    html = scc_client.get("/sites/RWE-LRI/").content.decode()
    assert "Emergency department now" in html
    assert "Adult G&amp;A beds vacant" in html
    assert "Waiting for a bed (1)" in html
    panel = scc_client.get(
        "/sites/RWE-LRI/?panel=emergency", headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="site-emergency"' in panel and "<html" not in panel
    assert "Emergency department now" not in scc_client.get("/sites/RT5-CCH/").content.decode()


def test_daily_rows_are_kept_for_a_400_day_history(rwe, now):
    # The recompute writes the days a submission touches; an old departure's day is kept.
    old = now - timedelta(days=399)
    post(rwe, item("OLD", arrived=old - timedelta(hours=2), departed=old, disposition="left"))
    recompute_all()
    assert EmergencyDaily.objects.filter(date=local_day(old)).exists()
    assert emergency_days_refresh(days=[local_day(old)], now=now) == {"emergency:RWE-LRI"}
