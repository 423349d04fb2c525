"""POST /api/v1/sitreps/incidents/, POST /api/v1/sitreps/reap/ and
GET /api/v1/ambulance/response/daily/ (API.md; DOMAIN.md "Ambulance response")."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.ambulance.models import Incident, ReapDeclaration
from apps.beds.models import Organisation
from apps.core.localtime import local_date
from apps.sitreps.choices import Outcome
from apps.sitreps.models import Submission
from apps.sitreps.services import sitrep_ingest

pytestmark = pytest.mark.django_db

URL = "/api/v1/sitreps/incidents/"
REAP = "/api/v1/sitreps/reap/"
DAILY = "/api/v1/ambulance/response/daily/"


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


@pytest.fixture
def t0():
    """3 h back, so every time the tests post (up to t0 + 100 min) is past, whatever the time
    of day; daily figures are read for ``local_date(t0)``."""
    return timezone.now().replace(microsecond=0) - timedelta(hours=3)


@pytest.fixture
def ambulance(key_client):
    return key_client("RX9")


def item(incident="RX9-1", *, category=2, connected=None, **times):
    body = {"incident": incident, "category": category, "call_connected_at": iso(connected)}
    return body | {k: iso(v) for k, v in times.items()}


def post(client, *items):
    return client.post(URL, {"incidents": list(items)}, format="json")


def test_an_ambulance_service_posts_incidents_and_the_clock_is_judged(ambulance, t0):
    response = post(
        ambulance,
        item(
            "RX9-1",
            connected=t0,
            identified_at=t0 + timedelta(seconds=210),
            dispatched_at=t0 + timedelta(seconds=120),
            at_scene_at=t0 + timedelta(minutes=20),
        ),
        item("RX9-2", category=1, connected=t0, identified_at=t0 + timedelta(minutes=1)),
    )
    assert response.status_code == 201, response.json()
    assert response.json()["incidents"] == 2
    assert response.json()["days"] == [local_date(t0).isoformat()]
    one = Incident.objects.get(incident="RX9-1")
    assert one.clock_start_at == t0 + timedelta(seconds=120)
    assert one.response_s == 18 * 60
    two = Incident.objects.get(incident="RX9-2")
    assert two.clock_start_at == t0 + timedelta(seconds=30)
    assert two.response_s is None


def test_an_acute_trusts_key_is_refused_with_403(key_client, t0):
    response = post(key_client("RWE"), item(connected=t0))
    assert response.status_code == 403
    response = key_client("RWE").post(REAP, {"level": 3, "declared_at": iso(t0)}, format="json")
    assert response.status_code == 403
    assert not Incident.objects.exists() and not ReapDeclaration.objects.exists()


def test_a_later_post_fills_in_and_a_null_never_clears_a_held_time(ambulance, t0):
    # Every time posted here (up to t0 + 32 min) must be past, even just after midnight.
    t0 = min(t0, timezone.now().replace(microsecond=0) - timedelta(minutes=40))
    dispatched = t0 + timedelta(minutes=2)
    assert post(ambulance, item(connected=t0, dispatched_at=dispatched)).status_code == 201
    # A late, less complete copy: category and dispatch unknown in this message.
    late = {"incident": "RX9-1", "call_connected_at": iso(t0), "dispatched_at": None}
    assert post(ambulance, late).status_code == 201
    held = Incident.objects.get()
    assert held.dispatched_at == dispatched and held.category == 2
    scene = {"incident": "RX9-1", "at_scene_at": iso(t0 + timedelta(minutes=32))}
    assert post(ambulance, scene).status_code == 201
    held.refresh_from_db()
    assert held.dispatched_at == dispatched
    assert held.response_s == 30 * 60


def test_a_category_change_re_judges_the_incident(ambulance, t0):
    post(ambulance, item(category=2, connected=t0, at_scene_at=t0 + timedelta(minutes=10)))
    assert Incident.objects.get().response_s == 6 * 60  # clock start connected + 240 s
    assert post(ambulance, {"incident": "RX9-1", "category": 1}).status_code == 201
    held = Incident.objects.get()
    assert held.category == 1
    assert held.clock_start_at == t0 + timedelta(seconds=30)
    assert held.response_s == 9 * 60 + 30


def test_every_ordering_rule_is_checked_on_the_merged_record_and_named(ambulance, t0):
    post(ambulance, item("RX9-1", connected=t0, dispatched_at=t0 + timedelta(minutes=5)))
    before = Incident.objects.get()
    response = post(
        ambulance,
        item("RX9-9", connected=t0 + timedelta(minutes=1)),  # valid on its own
        # Held: clock start 10:04 (connected + 240 s); at scene 1 minute after connection.
        {"incident": "RX9-1", "at_scene_at": iso(t0 + timedelta(minutes=1))},
        item("RX9-3", connected=t0, identified_at=t0 - timedelta(seconds=5)),
        {"incident": "RX9-4", "dispatched_at": iso(t0)},  # new, without category/connection
    )
    assert response.status_code == 400
    errors = response.json()["incidents"]
    assert set(errors) == {"1", "2", "3"}
    assert "clock start" in errors["1"]["at_scene_at"][0]
    assert "(held: call_connected_at " in errors["1"]["at_scene_at"][0]  # says why
    assert "identified_at" in errors["2"]
    assert set(errors["3"]) == {"category", "call_connected_at"}
    # Nothing of the post was applied; the rejection is archived.
    assert not Incident.objects.filter(incident="RX9-9").exists()
    after = Incident.objects.get(incident="RX9-1")
    assert after.at_scene_at is None and after.updated_at == before.updated_at
    rejected = Submission.objects.get(kind="incidents", outcome=Outcome.REJECTED)
    assert rejected.status_code == 400


def test_at_scene_and_stood_down_together_are_refused_even_across_posts(ambulance, t0):
    both = item(connected=t0, at_scene_at=t0 + timedelta(minutes=9), stood_down_at=t0)
    response = post(ambulance, both)
    assert response.status_code == 400
    assert "stood_down_at" in response.json()["incidents"]["0"]
    post(ambulance, item(connected=t0, at_scene_at=t0 + timedelta(minutes=9)))
    response = post(ambulance, {"incident": "RX9-1", "stood_down_at": iso(t0)})
    assert response.status_code == 400
    assert "stood_down_at" in response.json()["incidents"]["0"]


def test_a_response_over_24_hours_is_refused_naming_the_item_and_moves_no_day(ambulance, t0):
    from apps.ambulance.models import Incident

    late = item("RX9-LATE", connected=t0 - timedelta(days=3), at_scene_at=t0)
    response = post(ambulance, item(connected=t0, at_scene_at=t0 + timedelta(minutes=9)), late)
    assert response.status_code == 400
    assert "no response is that long" in response.json()["incidents"]["1"]["at_scene_at"][0]
    assert not Incident.objects.exists()  # the batch is atomic


def test_shape_errors_name_the_item(ambulance, t0):
    response = post(
        ambulance,
        item("RX9-1", category=5, connected=t0),
        item("RX9-2", connected=t0.replace(tzinfo=None)),
    )
    assert response.status_code == 400
    errors = response.json()["incidents"]
    assert "category" in errors["0"]
    assert "call_connected_at" in errors["1"]
    # Once the shape is right, an incident sent twice in one batch is named (both times).
    response = post(ambulance, item("RX9-2", connected=t0), item("RX9-2", connected=t0))
    assert response.status_code == 400
    assert set(response.json()["incidents"]) == {"0", "1"}
    assert "twice" not in str(response.json()) and "2 times" in str(response.json())


def test_times_near_year_one_are_a_400_naming_the_item_not_a_500(ambulance, t0):
    # "0001-01-01T00:00:00+14:00" cannot even be turned into UTC, and a stored year-1 time
    # would break every page that shows it in local time: refused at the door.
    response = ambulance.post(
        URL,
        {
            "incidents": [
                item("RX9-1", connected=t0),
                {
                    "incident": "RX9-2",
                    "category": 2,
                    "call_connected_at": "0001-01-01T00:00:00+14:00",
                },
                {"incident": "RX9-3", "category": 1, "call_connected_at": "0001-01-01T00:00:00Z"},
            ]
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    errors = response.json()["incidents"]
    assert set(errors) == {"1", "2"} and "before 2000" in errors["1"]["call_connected_at"][0]
    body = {"level": 1, "declared_at": "0001-01-01T00:00:10+00:00"}
    response = ambulance.post(REAP, body, format="json")
    assert response.status_code == 400 and "declared_at" in response.json()
    assert not Incident.objects.exists() and not ReapDeclaration.objects.exists()


def test_reap_is_declared_and_corrected_by_its_natural_key(ambulance, t0):
    body = {"level": 3, "declared_at": iso(t0)}
    response = ambulance.post(REAP, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["level"] == 3
    assert ambulance.post(REAP, body | {"level": 4}, format="json").status_code == 201
    assert list(ReapDeclaration.objects.values_list("level", flat=True)) == [4]
    assert ambulance.post(REAP, body | {"level": 5}, format="json").status_code == 400


def test_the_daily_figures_per_service_and_pooled(ambulance, t0, key_client):
    # The worked example: ten C2 responses of 10, 20, ... 100 minutes.
    items = [
        item(
            f"RX9-{m}",
            connected=t0,
            dispatched_at=t0,
            at_scene_at=t0 + timedelta(minutes=m),
        )
        for m in range(10, 101, 10)
    ]
    items.append(item("RX9-SD", connected=t0, stood_down_at=t0 + timedelta(minutes=3)))
    items.append(item("RX9-W", category=1, connected=t0))  # still waiting
    assert post(ambulance, *items).status_code == 201
    Organisation.objects.create(code="RYA", name="Other ambulance service", kind="ambulance")
    response = ambulance.get(DAILY, {"date": local_date(t0).isoformat()})
    assert response.status_code == 200
    body = response.json()
    rows = {r["organisation"]: r["categories"] for r in body["organisations"]}
    assert rows["RX9"]["2"] == {"incidents": 10, "mean_response_s": 3300, "p90_response_s": 5400}
    assert rows["RX9"]["1"] == {"incidents": 0, "mean_response_s": None, "p90_response_s": None}
    assert rows["RYA"]["2"]["incidents"] == 0
    assert body["total"]["categories"]["2"] == rows["RX9"]["2"]


def test_the_daily_query_count_does_not_grow_with_services(ambulance, t0):
    post(ambulance, item(connected=t0, at_scene_at=t0 + timedelta(minutes=9)))
    with CaptureQueriesContext(connection) as few:
        assert ambulance.get(DAILY).status_code == 200
    for n in range(5):
        org = Organisation.objects.create(code=f"AMB{n}", name=f"Service {n}", kind="ambulance")
        sitrep_ingest(
            kind="incidents",
            organisation=org,
            body={"incidents": [item(f"X{n}", connected=t0, at_scene_at=t0 + timedelta(hours=1))]},
        )
    with CaptureQueriesContext(connection) as many:
        response = ambulance.get(DAILY)
    assert len(response.json()["organisations"]) == 6
    assert len(many) == len(few)


def test_a_future_date_is_404_and_a_malformed_one_400(ambulance):
    tomorrow = local_date(timezone.now()) + timedelta(days=1)
    assert ambulance.get(DAILY, {"date": tomorrow.isoformat()}).status_code == 404
    response = ambulance.get(DAILY, {"date": "2026-13-01"})
    assert response.status_code == 400 and "date" in response.json()


def test_a_clock_change_day_holds_25_hours_of_incidents(ambulance, estate):
    # 25 October 2026: local midnight is 23:00 UTC on the 24th, the day ends 00:00 UTC 26th.
    org = Organisation.objects.get(code="RX9")
    early = datetime.fromisoformat("2026-10-24T23:10:00+00:00")
    late = datetime.fromisoformat("2026-10-25T23:30:00+00:00")
    for n, start in enumerate((early, late)):
        result = sitrep_ingest(
            kind="incidents",
            organisation=org,
            body={
                "incidents": [
                    item(f"DST-{n}", connected=start, at_scene_at=start + timedelta(minutes=20))
                ]
            },
        )
        assert result.status == 201, result.body
    body = ambulance.get(DAILY, {"date": "2026-10-25"}).json()
    assert body["total"]["categories"]["2"]["incidents"] == 2
    assert (
        ambulance.get(DAILY, {"date": "2026-10-24"}).json()["total"]["categories"]["2"]["incidents"]
        == 0
    )


def test_the_schema_documents_the_endpoints(scc_client):
    schema = scc_client.get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/sitreps/incidents/" in schema["paths"]
    assert "/api/v1/sitreps/reap/" in schema["paths"]
    daily = schema["paths"]["/api/v1/ambulance/response/daily/"]["get"]
    assert daily["responses"]["200"]["content"]["application/json"]["examples"]
    # What is refused is described: the batch size and the bounds of every time.
    shapes = schema["components"]["schemas"]
    assert "5,000" in shapes["IncidentsInRequest"]["properties"]["incidents"]["description"]
    at_scene = shapes["IncidentInRequest"]["properties"]["at_scene_at"]["description"]
    assert at_scene.startswith("Clock stop.") and "not before 2000-01-01" in at_scene
    assert "5 minutes in the future" in at_scene
    reap = shapes["ReapInRequest"]["properties"]["declared_at"]["description"]
    assert "not before 2000-01-01" in reap


def test_the_sql_centile_is_the_nearest_rank_where_a_float_product_would_miss(ambulance, t0):
    # n = 70: ⌈0.9 × 70⌉ = 63; 0.9 × 70 in floating point is 63.000000000000007 (→ 64).
    items = [
        item(f"RX9-{s}", connected=t0, dispatched_at=t0, at_scene_at=t0 + timedelta(seconds=s))
        for s in range(1, 71)
    ]
    assert post(ambulance, *items).status_code == 201
    c2 = ambulance.get(DAILY, {"date": local_date(t0).isoformat()}).json()["total"]["categories"][
        "2"
    ]
    assert c2 == {"incidents": 70, "mean_response_s": 36, "p90_response_s": 63}


def test_a_post_made_invalid_by_a_concurrent_one_is_refused_on_apply(ambulance, t0, monkeypatch):
    """``resolve`` checks against what is held; ``apply`` merges again under the lock, so a
    post that became invalid in between (here: resolve saw nothing held) is refused whole."""
    from apps.ambulance import sitrep
    from apps.ambulance.response_services import MergedBatch

    post(ambulance, item(connected=t0, dispatched_at=t0 + timedelta(minutes=5)))
    monkeypatch.setattr(
        sitrep, "incidents_merge", lambda **kw: MergedBatch(rows=[], days=set(), errors={})
    )
    response = post(
        ambulance,
        item("RX9-NEW", connected=t0),
        {"incident": "RX9-1", "at_scene_at": iso(t0 + timedelta(minutes=1))},
    )
    assert response.status_code == 400
    assert "clock start" in response.json()["incidents"]["1"]["at_scene_at"][0]
    assert not Incident.objects.filter(incident="RX9-NEW").exists()
    assert Incident.objects.get(incident="RX9-1").at_scene_at is None
