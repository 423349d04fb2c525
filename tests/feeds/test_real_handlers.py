"""Pulled feeds through the real sitrep handlers (not stand-ins): the figures move."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from apps.beds.models import Organisation, Ward
from apps.feeds.services import feed_create, feed_pull
from apps.virtualwards.selectors import board_virtual_wards

from .conftest import Reply

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_csv_census_feed_updates_the_virtual_ward_figures(estate, feed_server):
    url = feed_server.serve(
        "/vw.csv",
        Reply(body=(b"as_at,ward,capacity,occupied\n2026-11-23T08:55:00+00:00,VW-FRAILTY,20,15\n")),
    )
    feed = feed_create(
        organisation=Organisation.objects.get(code="RT5"),
        kind="virtual_wards",
        url=url,
        format="csv",
        every_s=60,
    )
    feed_pull(feed=feed, now=NOW)
    feed.refresh_from_db()
    assert feed.last_error is None and feed.last_success_at == NOW
    ward = next(w for w in board_virtual_wards(now=NOW)["wards"] if w["code"] == "VW-FRAILTY")
    assert (ward["capacity"], ward["occupied"], ward["pct"]) == (20, 15, 75.0)


def test_a_json_bed_feed_updates_occupancy_and_a_bad_one_keeps_the_last_good(estate, feed_server):
    from apps.beds.selectors import board_occupancy

    good = (
        '{"site": "RWE-GH", "as_at": "2026-11-23T08:50:00+00:00", "wards": ['
        '{"ward": "GH-W15", "counts": {"occupied": 27, "vacant": 1, "closed": 0,'
        ' "escalation_open": 0}}]}'
    )
    url = feed_server.serve("/beds.json", Reply(body=good.encode()))
    feed = feed_create(
        organisation=Organisation.objects.get(code="RWE"),
        kind="beds",
        url=url,
        format="json",
        every_s=60,
    )
    feed_pull(feed=feed, now=NOW)
    site_id = Ward.objects.get(code="GH-W15").site_id
    assert board_occupancy(now=NOW)["sites"][site_id]["occupied"] == 27

    feed_server.serve("/beds.json", Reply(body=good.replace("27", "99").encode()))
    feed_pull(feed=feed, now=NOW)
    feed.refresh_from_db()
    assert "occupied" in feed.last_error
    assert board_occupancy(now=NOW)["sites"][site_id]["occupied"] == 27


def test_a_csv_incidents_feed_fills_in_incidents_and_an_empty_cell_clears_nothing(
    estate, feed_server
):
    from apps.ambulance.models import Incident

    header = (
        b"incident,category,call_connected_at,identified_at,dispatched_at,at_scene_at,"
        b"stood_down_at\n"
    )
    first = header + b"RX9-1,2,2026-11-23T08:00:00+00:00,,2026-11-23T08:02:00+00:00,,\n"
    later = header + b"RX9-1,,,,,2026-11-23T08:20:00+00:00,\n"
    url = feed_server.serve("/incidents.csv", Reply(body=first))
    feed = feed_create(
        organisation=Organisation.objects.get(code="RX9"),
        kind="incidents",
        url=url,
        format="csv",
        every_s=60,
    )
    feed_pull(feed=feed, now=NOW)
    feed_server.serve("/incidents.csv", Reply(body=later))
    feed_pull(feed=feed, now=NOW)
    feed.refresh_from_db()
    assert feed.last_error is None
    incident = Incident.objects.get()
    assert incident.dispatched_at == datetime(2026, 11, 23, 8, 2, tzinfo=UTC)
    assert incident.response_s == 18 * 60


def test_a_json_ed_feed_with_personal_details_is_refused_and_no_value_is_archived(
    estate, feed_server
):
    from django.utils import timezone

    from apps.emergency.models import Attendance
    from apps.sitreps.choices import Outcome, Source
    from apps.sitreps.models import Submission

    arrived = (timezone.now() - timedelta(hours=1)).replace(microsecond=0).isoformat()
    attendance = {
        "attendance": "A1",
        "site": "RWE-LRI",
        "department_type": 1,
        "arrived_at": arrived,
        "nhs_number": "9434765919",
        "name": "Jane Smith",
    }
    url = feed_server.serve(
        "/ed.json", Reply(body=json.dumps({"attendances": [attendance]}).encode())
    )
    feed = feed_create(
        organisation=Organisation.objects.get(code="RWE"), kind="emergency", url=url, format="json"
    )
    outcome = feed_pull(feed=feed, now=timezone.now())

    assert not outcome.ok
    feed.refresh_from_db()
    assert "nhs_number" in feed.last_error and "name" in feed.last_error
    assert "9434765919" not in feed.last_error
    assert not Attendance.objects.exists()
    sub = Submission.objects.get()
    assert (sub.source, sub.outcome) == (Source.FEED, Outcome.REJECTED)
    assert sub.payload["attendances"][0]["attendance"] == "A1"
    assert "9434765919" not in str(sub.payload) and "Jane Smith" not in str(sub.payload)


def test_a_csv_ed_feed_with_a_personal_details_column_is_refused_before_the_ingest(
    estate, feed_server
):
    from apps.sitreps.models import Submission

    document = (
        b"attendance,site,department_type,arrived_at,decision_to_admit_at,departed_at,"
        b"disposition,nhs_number\nA1,RWE-LRI,1,2026-11-23T08:00:00+00:00,,,,9434765919\n"
    )
    url = feed_server.serve("/ed.csv", Reply(body=document))
    feed = feed_create(
        organisation=Organisation.objects.get(code="RWE"), kind="emergency", url=url, format="csv"
    )
    assert not feed_pull(feed=feed, now=NOW).ok
    feed.refresh_from_db()
    assert "unknown column(s) nhs_number" in feed.last_error
    assert "9434765919" not in feed.last_error
    assert not Submission.objects.exists()
