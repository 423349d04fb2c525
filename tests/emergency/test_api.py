"""POST /api/v1/sitreps/emergency/ and GET /api/v1/emergency/daily/ (API.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.beds.estate import estate_load
from apps.core.localtime import local_date as local_day
from apps.core.localtime import local_day_bounds
from apps.emergency.models import Attendance, EmergencyDaily
from apps.sitreps.choices import Outcome, SitrepKind
from apps.sitreps.models import Submission
from apps.sitreps.services import sitrep_ingest
from tests.conftest import estate_with_extra_sites

from .conftest import item, post, recompute_all

pytestmark = pytest.mark.django_db

DAILY = "/api/v1/emergency/daily/"


def test_a_trust_posts_attendances_at_its_own_sites(rwe, t0):
    response = post(
        rwe,
        item("A1", arrived=t0),
        item("A2", "RWE-GH", arrived=t0, dta=t0 + timedelta(hours=1), department_type=3),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["attendances"] == 2
    assert body["sites"] == ["RWE-GH", "RWE-LRI"]
    assert body["days"] == [local_day(t0).isoformat()]
    assert Attendance.objects.count() == 2
    sub = Submission.objects.get(pk=body["submission"])
    assert sub.kind == SitrepKind.EMERGENCY and sub.outcome == Outcome.ACCEPTED
    assert sub.payload["attendances"][0]["attendance"] == "A1"  # archived raw


def test_another_organisations_site_is_403_and_nothing_is_applied(key_client, estate, t0):
    lpt = key_client("RT5")
    response = post(lpt, item("C1", "RT5-CCH", arrived=t0), item("A1", arrived=t0))
    assert response.status_code == 403
    assert "RWE-LRI" in response.json()["detail"]
    assert not Attendance.objects.exists()
    assert Submission.objects.get().outcome == Outcome.REJECTED


def test_an_ambulance_service_may_not_send_attendances(key_client, estate, t0):
    assert post(key_client("RX9"), item(arrived=t0)).status_code == 403


def test_an_unknown_site_is_400_naming_the_item(rwe, t0):
    response = post(rwe, item("A1", arrived=t0), item("A2", "NOPE", arrived=t0))
    assert response.status_code == 400
    assert response.json() == {"attendances": {"1": {"site": ["Unknown site NOPE."]}}}
    assert not Attendance.objects.exists()


def test_every_bad_item_is_named_and_nothing_is_applied(rwe, t0):
    response = post(
        rwe,
        item("A1", arrived=t0),
        item("A2", arrived=t0, dta=t0 - timedelta(minutes=1)),
        item("A3", arrived=t0, departed=t0 + timedelta(hours=1)),
        item("A4", "NOPE", arrived=t0),
        item(
            "A5",
            arrived=t0 - timedelta(days=7, seconds=1),
            departed=t0,
            disposition="left",
        ),
        item("A1", "RWE-GH", arrived=t0),
    )
    assert response.status_code == 400
    errors = response.json()["attendances"]
    assert errors["1"] == {"decision_to_admit_at": ["Decision to admit is before arrival."]}
    assert list(errors["2"]) == ["disposition"]
    assert errors["3"] == {"site": ["Unknown site NOPE."]}
    assert errors["4"] == {"departed_at": ["Departure is more than 7 days after arrival."]}
    assert list(errors["0"]) == list(errors["5"]) == ["attendance"]  # A1 twice
    assert not Attendance.objects.exists()


def test_shape_errors_are_named_by_item(rwe, t0):
    bad = item("A2", arrived=t0) | {"department_type": 4, "arrived_at": "2026-11-23T08:00:00"}
    response = post(rwe, item("A1", arrived=t0), bad)
    assert response.status_code == 400
    errors = response.json()["attendances"]["1"]
    assert set(errors) == {"department_type", "arrived_at"}


def test_a_repeated_attendance_in_a_batch_is_400(rwe, t0):
    response = post(rwe, item("A1", arrived=t0), item("A1", arrived=t0))
    assert response.status_code == 400
    assert "appears 2 times" in str(response.json())


def test_later_posts_fill_in_the_record(rwe, t0):
    assert post(rwe, item("A1", arrived=t0)).status_code == 201
    assert post(rwe, item("A1", arrived=t0, dta=t0 + timedelta(hours=2))).status_code == 201
    done = item("A1", arrived=t0, departed=t0 + timedelta(hours=5), disposition="admitted")
    assert post(rwe, done).status_code == 201
    att = Attendance.objects.get()
    assert att.decision_to_admit_at == t0 + timedelta(hours=2)
    assert att.departed_at == t0 + timedelta(hours=5)
    assert att.disposition == "admitted"


def test_a_late_copy_with_nulls_never_undoes_a_departure(rwe, t0):
    done = item(
        "A1",
        arrived=t0,
        dta=t0 + timedelta(hours=1),
        departed=t0 + timedelta(hours=3),
        disposition="admitted",
    )
    assert post(rwe, done).status_code == 201
    late = item("A1", arrived=t0)
    assert post(rwe, late).status_code == 201
    att = Attendance.objects.get()
    assert (att.decision_to_admit_at, att.departed_at, att.disposition) == (
        t0 + timedelta(hours=1),
        t0 + timedelta(hours=3),
        "admitted",
    )
    recompute_all()
    row = EmergencyDaily.objects.get(site__code="RWE-LRI", date=local_day(t0))
    assert (row.departed, row.met_4h) == (1, 1)


def test_a_post_that_makes_the_merged_record_invalid_is_400_and_changes_nothing(rwe, t0):
    assert post(rwe, item("A1", arrived=t0, dta=t0 + timedelta(hours=3))).status_code == 201
    early = item("A1", arrived=t0, departed=t0 + timedelta(hours=1), disposition="discharged")
    response = post(rwe, item("A2", arrived=t0), early)
    assert response.status_code == 400
    assert "before the decision to admit" in response.json()["attendances"]["1"]["departed_at"][0]
    assert Attendance.objects.count() == 1
    assert Attendance.objects.get().departed_at is None


def test_a_correction_moves_the_attendance_and_refreshes_both_days(rwe, t0):
    yesterday = t0 - timedelta(days=1)
    post(rwe, item("A1", "RWE-GH", arrived=yesterday))
    response = post(rwe, item("A1", arrived=t0))
    body = response.json()
    assert body["days"] == sorted({local_day(yesterday).isoformat(), local_day(t0).isoformat()})
    assert body["sites"] == ["RWE-GH", "RWE-LRI"]
    recompute_all()
    rows = {(r.site.code, r.date): r.attendances for r in EmergencyDaily.objects.all()}
    assert rows[("RWE-GH", local_day(yesterday))] == 0
    assert rows[("RWE-LRI", local_day(t0))] == 1


def test_times_are_kept_to_the_whole_second(rwe, t0):
    arrived = t0 + timedelta(microseconds=700_000)
    assert post(rwe, item("A1", arrived=arrived)).status_code == 201
    assert Attendance.objects.get().arrived_at == t0


def test_the_same_idempotency_key_replays_and_applies_nothing(rwe, t0):
    first = post(rwe, item("A1", arrived=t0), **{"Idempotency-Key": "k1"})
    again = post(rwe, item("A1", arrived=t0), **{"Idempotency-Key": "k1"})
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    other = post(rwe, item("A2", arrived=t0), **{"Idempotency-Key": "k1"})
    assert other.status_code == 409
    assert Attendance.objects.count() == 1


def test_a_csv_feed_of_kind_emergency_becomes_the_same_post(estate, t0):
    from apps.beds.models import Organisation
    from apps.feeds.csvfeeds import csv_to_body

    text = (
        "attendance,site,department_type,arrived_at,decision_to_admit_at,departed_at,disposition\n"
        f"A1,RWE-LRI,1,{t0.isoformat()},,,\n"
        f"A2,RWE-LRI,3,{t0.isoformat()},,{(t0 + timedelta(hours=1)).isoformat()},discharged\n"
    )
    document = csv_to_body(kind="emergency", content=text)
    assert document.body["attendances"][1]["department_type"] == 3
    assert document.body["attendances"][0]["departed_at"] is None
    assert document.rows[("attendances", 1)] == 3
    result = sitrep_ingest(
        kind="emergency",
        body=document.body,
        organisation=Organisation.objects.get(code="RWE"),
    )
    assert result.status == 201, result.body
    assert Attendance.objects.filter(departed_at__isnull=False).count() == 1


# --------------------------------------------------------------------------- no personal details

PERSONAL = {"nhs_number": "9434765919", "name": "Jane Smith", "date_of_birth": "1950-01-02"}


def test_an_item_with_personal_details_is_400_naming_each_field_and_nothing_is_applied(rwe, t0):
    response = post(rwe, item("A1", arrived=t0), item("A2", arrived=t0) | PERSONAL)
    assert response.status_code == 400
    errors = response.json()["attendances"]
    assert list(errors) == ["1"]
    assert set(errors["1"]) == set(PERSONAL)
    assert "unknown field" in errors["1"]["nhs_number"][0].lower()
    assert "personal details" in errors["1"]["nhs_number"][0]
    assert not Attendance.objects.exists()
    assert not EmergencyDaily.objects.exists()


def test_a_rejected_submission_archives_the_keys_but_never_the_values(rwe, t0):
    assert post(rwe, item("A1", arrived=t0) | PERSONAL).status_code == 400
    sub = Submission.objects.get()
    assert sub.outcome == Outcome.REJECTED
    archived = sub.payload["attendances"][0]
    assert archived["attendance"] == "A1"  # the known fields as sent
    assert set(PERSONAL) <= set(archived)
    stored = str([sub.payload, sub.errors, sub.response])
    for value in PERSONAL.values():
        assert value not in stored


def test_unknown_fields_are_named_beside_the_other_shape_errors(rwe, t0):
    bad = item("A1", arrived=t0) | {"department_type": 4, "name": "Jane Smith"}
    response = post(rwe, bad)
    assert response.status_code == 400
    assert set(response.json()["attendances"]["0"]) == {"department_type", "name"}
    assert "Jane Smith" not in str(Submission.objects.get().payload)


def test_an_organisation_that_may_not_send_attendances_gets_403_and_no_value_is_archived(
    key_client, estate, t0
):
    response = post(key_client("RX9"), item(arrived=t0) | PERSONAL)
    assert response.status_code == 403
    sub = Submission.objects.get()
    assert sub.outcome == Outcome.REJECTED
    assert "Jane Smith" not in str(sub.payload)


def test_a_refused_body_with_personal_details_holds_no_key_and_keeps_no_value(rwe, t0):
    """A 400 holds no Idempotency-Key (tests/sitreps/test_idempotency.py): each send is
    checked afresh, and no send keeps the names."""
    body = item("A1", arrived=t0) | {"name": "Jane Smith"}
    first = post(rwe, body, **{"Idempotency-Key": "k1"})
    again = post(rwe, body, **{"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 400
    assert "Idempotent-Replayed" not in again
    other = post(rwe, body | {"name": "John Smith"}, **{"Idempotency-Key": "k1"})
    assert other.status_code == 400
    fixed = post(rwe, item("A1", arrived=t0), **{"Idempotency-Key": "k1"})
    assert fixed.status_code == 201
    for sub in Submission.objects.all():
        assert "Jane Smith" not in str(sub.payload) and "John Smith" not in str(sub.payload)


# --------------------------------------------------------------------------- daily


def _worked_example(rwe, day: date):
    """DOMAIN.md's worked example on local day ``day`` (all at RWE-LRI but (6), at RWE-GH)."""
    start, _ = local_day_bounds(day)

    def at(hh, mm=0):
        return start + timedelta(hours=hh, minutes=mm)

    response = post(
        rwe,
        item("1", arrived=at(8), departed=at(11, 30), disposition="discharged"),
        item("2", arrived=at(8, 10), dta=at(10), departed=at(12, 40), disposition="admitted"),
        item("3", arrived=at(9), departed=at(13), disposition="discharged"),
        item("4", arrived=at(1), dta=at(6), departed=at(15, 30), disposition="admitted"),
        item("5", arrived=at(12), dta=at(13)),
        item(
            "6",
            "RWE-GH",
            arrived=at(10),
            departed=at(11),
            disposition="discharged",
            department_type=3,
        ),
    )
    assert response.status_code == 201, response.json()


def test_daily_figures_per_site_and_pooled_total(rwe, scc_client):
    day = local_day(timezone.now()) - timedelta(days=3)
    _worked_example(rwe, day)
    response = scc_client.get(DAILY, {"date": day.isoformat()})
    assert response.status_code == 200
    body = response.json()
    by_site = {row["site"]: row for row in body["sites"]}
    assert by_site["RWE-LRI"]["four_hour_pct"] == 50.0
    assert by_site["RWE-LRI"]["type1_four_hour_pct"] == 50.0
    assert by_site["RWE-GH"]["four_hour_pct"] == 100.0
    assert by_site["RWE-GH"]["type1_four_hour_pct"] is None
    assert body["total"] == {
        "site": "TOTAL",
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
    # Pooled, not the mean of the rows (50.0 and 100.0 → 75.0).
    assert body["total"]["four_hour_pct"] != (50.0 + 100.0) / 2


def test_daily_stored_rows_match_the_computed_figures(rwe, scc_client):
    day = local_day(timezone.now()) - timedelta(days=3)
    _worked_example(rwe, day)
    pending = scc_client.get(DAILY, {"date": day.isoformat()}).json()  # from the attendances
    recompute_all()
    row = EmergencyDaily.objects.get(site__code="RWE-LRI", date=day)
    assert (row.attendances, row.departed, row.met_4h, row.over_12h) == (5, 4, 2, 1)
    stored = scc_client.get(DAILY, {"date": day.isoformat()}).json()  # from the stored rows
    assert stored == pending
    other_day = scc_client.get(DAILY, {"date": (day - timedelta(days=1)).isoformat()}).json()
    assert other_day["total"]["attendances"] == 0
    assert [r["site"] for r in other_day["sites"]] == ["RWE-GH", "RWE-LRI"]


def test_daily_malformed_date_is_400_and_future_date_is_404(scc_client, estate):
    assert scc_client.get(DAILY, {"date": "2026-13-01"}).status_code == 400
    tomorrow = local_day(timezone.now()) + timedelta(days=1)
    assert scc_client.get(DAILY, {"date": tomorrow.isoformat()}).status_code == 404
    assert scc_client.get(DAILY).status_code == 200


def test_daily_needs_credentials(client, estate):
    assert client.get(DAILY).status_code in (401, 403)


def test_daily_query_count_does_not_grow_with_sites(rwe, scc_client, t0):
    post(rwe, item("A1", arrived=t0))
    with CaptureQueriesContext(connection) as small:
        scc_client.get(DAILY)
    post(rwe, item("A2", "RWE-GH", arrived=t0))
    with CaptureQueriesContext(connection) as bigger:
        assert scc_client.get(DAILY).status_code == 200
    assert len(bigger) == len(small)
    recompute_all()
    reset_queries()  # the log holds 9,000 queries; a full one would hide these
    with CaptureQueriesContext(connection) as stored:
        assert scc_client.get(DAILY).status_code == 200
    estate_load(document=estate_with_extra_sites(10))
    post(rwe, *[item(f"X{i}", f"RWE-X{i}", arrived=t0) for i in range(10)])
    recompute_all()
    reset_queries()
    with CaptureQueriesContext(connection) as more:
        assert scc_client.get(DAILY).status_code == 200
    assert len(more) == len(stored)


def test_the_schema_documents_the_endpoints(scc_client, estate):
    schema = scc_client.get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/emergency/daily/" in schema["paths"]
    assert "/api/v1/sitreps/emergency/" in schema["paths"]
    daily = schema["paths"]["/api/v1/emergency/daily/"]["get"]
    assert "404" in daily["responses"]
