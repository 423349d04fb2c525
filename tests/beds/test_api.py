"""POST /api/v1/sitreps/beds/ against every rule of API.md."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.beds.choices import BedStatus
from apps.beds.models import BedCurrent, BedStatusChange, WardCurrent, WardState
from apps.sitreps.choices import Outcome
from apps.sitreps.models import Submission

from .factories import URL, bed_list, counts, hours_ago, sitrep, worked_example

pytestmark = pytest.mark.django_db

WORKED = {
    "occupied": 28,
    "available": 30,
    "pct": 93.3,
    "core_open": 29,
    "escalation_open": 1,
    "closed": 1,
    "bed_gap": 1,
}


@pytest.fixture
def rwe(key_client):
    return key_client("RWE")


def _post(client, body, **headers):
    return client.post(URL, body, format="json", **headers)


def _state(ward_code):
    current = WardCurrent.objects.select_related("state").get(ward__code=ward_code)
    s = current.state
    return {
        "as_at": current.as_at,
        "occupied": s.occupied,
        "vacant": s.vacant,
        "closed": s.closed,
        "escalation_open": s.escalation_open,
    }


def _statuses(ward_code):
    return dict(
        BedCurrent.objects.filter(bed__ward__code=ward_code).values_list("bed__code", "status")
    )


def _nothing_applied():
    return (
        not WardState.objects.exists()
        and not WardCurrent.objects.exists()
        and not BedCurrent.objects.exists()
        and not Submission.objects.filter(outcome=Outcome.ACCEPTED).exists()
    )


def test_it_applies_the_worked_example_and_the_board_shows_it(rwe, scc_client):
    as_at = hours_ago(1)
    response = _post(rwe, worked_example(as_at))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["site"] == "RWE-LRI"
    assert body["wards"] == [
        {"ward": "LRI-W22", "current": True},
        {"ward": "LRI-W23", "current": True},
    ]
    assert Submission.objects.get(pk=body["submission"]).outcome == Outcome.ACCEPTED

    board = scc_client.get("/api/v1/board/").json()
    lri = next(s for s in board["sites"] if s["code"] == "RWE-LRI")
    assert lri["occupancy"] == WORKED
    assert board["system"]["occupancy"] == WORKED
    assert lri["last_sitrep_at"].replace("Z", "+00:00") == as_at.isoformat()
    gh = next(s for s in board["sites"] if s["code"] == "RWE-GH")
    assert gh["occupancy"] is None and gh["last_sitrep_at"] is None  # unknown, not empty


def test_a_bed_list_sets_each_beds_status_and_unlisted_escalation_beds_are_not_open(rwe):
    as_at = hours_ago(1)
    ward = bed_list("LRI-W22", 20, {"B01": "occupied", "B02": "closed"}, E01="vacant")
    assert _post(rwe, sitrep("RWE-LRI", as_at, ward)).status_code == 201
    statuses = _statuses("LRI-W22")
    assert len(statuses) == 22
    assert statuses["LRI-W22-B01"] == BedStatus.OCCUPIED
    assert statuses["LRI-W22-B02"] == BedStatus.CLOSED
    assert statuses["LRI-W22-B03"] == BedStatus.VACANT
    assert statuses["LRI-W22-E01"] == BedStatus.VACANT
    assert statuses["LRI-W22-E02"] == BedStatus.NOT_OPEN
    assert _state("LRI-W22") == {
        "as_at": as_at,
        "occupied": 1,
        "vacant": 19,
        "closed": 1,
        "escalation_open": 1,
    }


def test_an_escalation_bed_listed_closed_is_not_open_and_not_counted_closed(rwe):
    ward = bed_list("LRI-W22", 20, E01="closed", E02="occupied")
    assert _post(rwe, sitrep("RWE-LRI", hours_ago(1), ward)).status_code == 201
    assert _statuses("LRI-W22")["LRI-W22-E01"] == BedStatus.NOT_OPEN
    state = _state("LRI-W22")
    assert (state["closed"], state["escalation_open"], state["occupied"]) == (0, 1, 1)


def test_it_applies_counts(rwe):
    as_at = hours_ago(1)
    body = sitrep(
        "RWE-GH", as_at, counts("GH-W15", occupied=26, vacant=3, closed=1, escalation_open=2)
    )
    assert _post(rwe, body).status_code == 201
    assert _state("GH-W15") == {
        "as_at": as_at,
        "occupied": 26,
        "vacant": 3,
        "closed": 1,
        "escalation_open": 2,
    }
    assert WardState.objects.get().source == "counts"


def test_missing_core_beds_are_named_and_nothing_is_applied(rwe):
    ward = bed_list("LRI-W22", 20)
    del ward["beds"][4]  # B05
    del ward["beds"][9]  # B11 (after the shift)
    response = _post(rwe, sitrep("RWE-LRI", hours_ago(1), counts("LRI-W23", 5, 5), ward))
    assert response.status_code == 400
    missing = response.json()["wards"]["1"]["beds"]["missing"][0]
    assert "LRI-W22-B05" in missing and "LRI-W22-B11" in missing
    assert "LRI-W23" not in str(response.json()["wards"].get("0", ""))
    assert _nothing_applied()
    rejected = Submission.objects.get()
    assert rejected.outcome == Outcome.REJECTED and rejected.payload["site"] == "RWE-LRI"


def test_an_unknown_bed_and_a_bed_of_another_ward_are_named_by_index(rwe):
    ward = bed_list("LRI-W22", 20)
    ward["beds"].append({"bed": "LRI-W22-B99", "status": "vacant"})
    ward["beds"].append({"bed": "LRI-W23-B01", "status": "vacant"})
    response = _post(rwe, sitrep("RWE-LRI", hours_ago(1), ward))
    assert response.status_code == 400
    beds = response.json()["wards"]["0"]["beds"]
    assert set(beds) == {"20", "21"}
    assert "LRI-W22-B99" in beds["20"]["bed"][0]
    assert "not a bed of LRI-W22" in beds["21"]["bed"][0]
    assert _nothing_applied()


def test_a_bad_status_is_named_by_index(rwe):
    ward = bed_list("LRI-W22", 20)
    ward["beds"][3]["status"] = "blocked"
    ward["beds"][7] = {"bed": "LRI-W22-B08"}
    response = _post(rwe, sitrep("RWE-LRI", hours_ago(1), ward))
    assert response.status_code == 400
    beds = response.json()["wards"]["0"]["beds"]
    assert set(beds) == {"3", "7"} and "status" in beds["3"] and "status" in beds["7"]
    assert _nothing_applied()


def test_duplicate_wards_and_beds_are_refused(rwe):
    ward = bed_list("LRI-W22", 20)
    ward["beds"].append({"bed": "LRI-W22-B03", "status": "occupied"})
    body = sitrep("RWE-LRI", hours_ago(1), ward, counts("LRI-W23", 1, 1), counts("LRI-W23", 2, 2))
    response = _post(rwe, body)
    assert response.status_code == 400
    errors = response.json()["wards"]
    assert "already listed as bed 2" in errors["0"]["beds"]["20"]["bed"][0]
    assert "already reported as item 1" in errors["2"]["ward"][0]
    assert "1" not in errors
    assert _nothing_applied()


def test_an_unknown_ward_and_wards_not_of_the_site_are_400(rwe):
    body = sitrep(
        "RWE-LRI",
        hours_ago(1),
        counts("LRI-W99", 1, 1),
        counts("GH-W15", 1, 1),  # same organisation, other site
        counts("CCH-W4", 1, 1),  # another organisation's ward
        counts("LRI-W23", 1, 1),
    )
    response = _post(rwe, body)
    assert response.status_code == 400
    errors = response.json()["wards"]
    assert errors["0"]["ward"] == ["Unknown ward LRI-W99."]
    assert errors["1"]["ward"] == ["GH-W15 is not a ward of RWE-LRI."]
    assert errors["2"]["ward"] == ["CCH-W4 is not a ward of RWE-LRI."]
    assert "3" not in errors
    assert _nothing_applied()


def test_an_unknown_site_is_400(rwe):
    response = _post(rwe, sitrep("RWE-NOPE", hours_ago(1), counts("LRI-W23", 1, 1)))
    assert response.status_code == 400 and "site" in response.json()


def test_another_organisations_site_is_403(key_client):
    response = _post(key_client("RT5"), sitrep("RWE-LRI", hours_ago(1), counts("LRI-W23", 1, 1)))
    assert response.status_code == 403
    assert "RWE" in response.json()["detail"]
    assert _nothing_applied()


@pytest.mark.parametrize("org", ["RX9", "OOA"])
def test_organisations_that_hold_no_beds_are_403(key_client, org):
    response = _post(key_client(org), sitrep("RWE-LRI", hours_ago(1), counts("LRI-W23", 1, 1)))
    assert response.status_code == 403
    assert _nothing_applied()


def test_a_community_trust_reports_its_own_site(key_client):
    body = sitrep("RT5-CCH", hours_ago(1), counts("CCH-W4", occupied=25, vacant=2))
    assert _post(key_client("RT5"), body).status_code == 201


def test_no_key_is_401_and_a_staff_session_may_not_post(client, scc_client, estate):
    body = sitrep("RWE-LRI", hours_ago(1), counts("LRI-W23", 1, 1))
    assert client.post(URL, body, content_type="application/json").status_code in (401, 403)
    assert client.post(URL, body, content_type="application/json").status_code != 201
    assert _post(scc_client, body).status_code == 403
    assert _nothing_applied()


@pytest.mark.parametrize(
    "as_at",
    [
        "2026-11-23T08:00:00",  # naive
        "yesterday",
        "future",  # ten minutes ahead, read when the test runs (not when it is collected)
    ],
)
def test_naive_unparseable_and_future_times_are_400(rwe, as_at):
    if as_at == "future":
        as_at = (timezone.now() + timedelta(minutes=10)).isoformat()
    response = _post(rwe, sitrep("RWE-LRI", as_at, counts("LRI-W23", 1, 1)))
    assert response.status_code == 400 and "as_at" in response.json()
    assert _nothing_applied()


def test_a_time_a_few_minutes_ahead_is_accepted_as_clock_skew(rwe):
    as_at = timezone.now() + timedelta(minutes=3)
    assert _post(rwe, sitrep("RWE-LRI", as_at, counts("LRI-W23", 1, 1))).status_code == 201


def test_an_offset_other_than_utc_is_the_same_instant(rwe):
    as_at = hours_ago(2)
    local = as_at.astimezone(timezone.get_fixed_timezone(60)).isoformat()
    assert _post(rwe, sitrep("RWE-LRI", local, counts("LRI-W23", 1, 1))).status_code == 201
    assert _state("LRI-W23")["as_at"] == as_at


@pytest.mark.parametrize(
    ("counts_in", "blamed"),
    [
        ({"occupied": 5, "vacant": 0, "closed": 0, "escalation_open": 3}, "escalation_open"),
        ({"occupied": 1, "vacant": 0, "closed": 0, "escalation_open": 2}, "escalation_open"),
        ({"occupied": 0, "vacant": 0, "closed": 11, "escalation_open": 0}, "closed"),
        ({"occupied": 8, "vacant": 2, "closed": 1, "escalation_open": 0}, "non_field_errors"),
        ({"occupied": 11, "vacant": 0, "closed": 0, "escalation_open": 0}, "non_field_errors"),
        ({"occupied": -1, "vacant": 0, "closed": 0, "escalation_open": 0}, "occupied"),
        ({"occupied": 1, "closed": 0, "escalation_open": 0}, "vacant"),
        ({"occupied": "many", "vacant": 0}, "occupied"),
    ],
)
def test_counts_that_do_not_fit_the_estate_are_400(rwe, counts_in, blamed):
    # LRI-W23: 10 core beds, no escalation beds.
    response = _post(rwe, sitrep("RWE-LRI", hours_ago(1), {"ward": "LRI-W23", "counts": counts_in}))
    assert response.status_code == 400
    assert blamed in response.json()["wards"]["0"]["counts"]
    assert _nothing_applied()


def test_a_ward_gives_beds_or_counts_not_both_nor_neither(rwe):
    both = bed_list("LRI-W23", 10) | counts("LRI-W23", 1, 1)
    neither = {"ward": "LRI-W22"}
    response = _post(rwe, sitrep("RWE-LRI", hours_ago(1), both, neither))
    assert response.status_code == 400
    errors = response.json()["wards"]
    assert errors["0"]["non_field_errors"] and errors["1"]["non_field_errors"]


def test_a_sitrep_names_at_least_one_ward(rwe):
    response = _post(rwe, sitrep("RWE-LRI", hours_ago(1)))
    assert response.status_code == 400 and "wards" in response.json()


def test_invalid_json_is_400_and_archived(rwe):
    response = rwe.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert Submission.objects.get().outcome == Outcome.REJECTED


def test_one_bad_item_applies_nothing_of_the_good_ones(rwe):
    bad = bed_list("LRI-W22", 20)
    bad["beds"][0]["status"] = "unknown"
    body = sitrep("RWE-LRI", hours_ago(1), counts("LRI-W23", 5, 5), bad, counts("LRI-W10", 1, 1))
    response = _post(rwe, body)
    assert response.status_code == 400
    assert set(response.json()["wards"]) == {"1"}
    assert _nothing_applied()


def test_the_same_idempotency_key_and_body_replays_the_first_answer(rwe):
    body = worked_example(hours_ago(1))
    first = _post(rwe, body, HTTP_IDEMPOTENCY_KEY="abc-1")
    again = _post(rwe, body, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Submission.objects.filter(outcome=Outcome.ACCEPTED).count() == 1
    assert WardState.objects.count() == 2
    assert BedStatusChange.objects.count() == 22


def test_the_same_idempotency_key_with_another_body_is_409(rwe):
    as_at = hours_ago(1)
    first = _post(rwe, sitrep("RWE-LRI", as_at, counts("LRI-W23", 5, 5)), HTTP_IDEMPOTENCY_KEY="k")
    other = _post(rwe, sitrep("RWE-LRI", as_at, counts("LRI-W23", 6, 4)), HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == 201 and other.status_code == 409
    assert _state("LRI-W23")["occupied"] == 5


def test_a_correction_at_the_same_as_at_replaces_the_state(rwe):
    as_at = hours_ago(1)
    first = _post(rwe, sitrep("RWE-LRI", as_at, bed_list("LRI-W22", 20, {"B01": "occupied"})))
    second = _post(rwe, sitrep("RWE-LRI", as_at, bed_list("LRI-W22", 20, {"B02": "occupied"})))
    assert first.status_code == second.status_code == 201
    assert second.json()["wards"] == [{"ward": "LRI-W22", "current": True}]
    state = WardState.objects.get()  # replaced, not added
    assert state.submission_id == second.json()["submission"]
    assert _statuses("LRI-W22")["LRI-W22-B01"] == BedStatus.VACANT
    assert _statuses("LRI-W22")["LRI-W22-B02"] == BedStatus.OCCUPIED
    b01 = list(
        BedStatusChange.objects.filter(bed__code="LRI-W22-B01")
        .order_by("id")
        .values_list("from_status", "to_status", "submission_id")
    )
    assert b01 == [
        (None, "occupied", first.json()["submission"]),
        ("occupied", "vacant", second.json()["submission"]),
    ]


def test_a_correction_from_a_bed_list_to_counts_leaves_bed_statuses_unknown(rwe):
    as_at = hours_ago(1)
    _post(rwe, sitrep("RWE-LRI", as_at, bed_list("LRI-W23", 10, {"B01": "occupied"})))
    assert len(_statuses("LRI-W23")) == 10
    assert _post(rwe, sitrep("RWE-LRI", as_at, counts("LRI-W23", 7, 3))).status_code == 201
    assert _statuses("LRI-W23") == {}
    assert WardState.objects.get().source == "counts"
    assert _state("LRI-W23")["occupied"] == 7


def test_an_older_delivery_is_archived_but_does_not_overwrite_newer_state(rwe):
    newer, older = hours_ago(1), hours_ago(3)
    assert _post(rwe, sitrep("RWE-LRI", newer, bed_list("LRI-W22", 20, {"B01": "occupied"})))
    late = _post(
        rwe,
        sitrep(
            "RWE-LRI", older, bed_list("LRI-W22", 20, {"B09": "occupied"}), counts("LRI-W23", 4, 6)
        ),
    )
    assert late.status_code == 201
    assert late.json()["wards"] == [
        {"ward": "LRI-W22", "current": False},
        {"ward": "LRI-W23", "current": True},  # nothing newer held for this one
    ]
    assert _state("LRI-W22")["as_at"] == newer
    assert _statuses("LRI-W22")["LRI-W22-B01"] == BedStatus.OCCUPIED
    assert _statuses("LRI-W22")["LRI-W22-B09"] == BedStatus.VACANT
    history = list(
        WardState.objects.filter(ward__code="LRI-W22")
        .order_by("as_at")
        .values_list("as_at", "occupied")
    )
    assert history == [(older, 1), (newer, 1)]
    assert not BedStatusChange.objects.filter(at=older).exists()
    assert Submission.objects.get(pk=late.json()["submission"]).outcome == Outcome.ACCEPTED


def test_a_newer_sitrep_replaces_the_current_state(rwe):
    _post(rwe, sitrep("RWE-LRI", hours_ago(3), counts("LRI-W23", 4, 6)))
    now = hours_ago(1)
    _post(rwe, sitrep("RWE-LRI", now, counts("LRI-W23", 9, 1)))
    assert _state("LRI-W23")["as_at"] == now and _state("LRI-W23")["occupied"] == 9
    assert WardState.objects.count() == 2


def test_a_ward_not_in_the_submission_keeps_its_last_state(rwe):
    first = hours_ago(3)
    _post(rwe, sitrep("RWE-LRI", first, counts("LRI-W22", 10, 10), counts("LRI-W23", 4, 6)))
    _post(rwe, sitrep("RWE-LRI", hours_ago(1), counts("LRI-W23", 9, 1)))
    assert _state("LRI-W22") == {
        "as_at": first,
        "occupied": 10,
        "vacant": 10,
        "closed": 0,
        "escalation_open": 0,
    }


def test_a_bed_that_keeps_its_status_keeps_its_since_and_gets_no_change_row(rwe):
    first, second = hours_ago(3), hours_ago(1)
    _post(rwe, sitrep("RWE-LRI", first, bed_list("LRI-W23", 10, {"B01": "occupied"})))
    _post(
        rwe,
        sitrep("RWE-LRI", second, bed_list("LRI-W23", 10, {"B01": "occupied", "B02": "occupied"})),
    )
    b01 = BedCurrent.objects.get(bed__code="LRI-W23-B01")
    b02 = BedCurrent.objects.get(bed__code="LRI-W23-B02")
    assert (b01.status, b01.since) == ("occupied", first)
    assert (b02.status, b02.since) == ("occupied", second)
    assert BedStatusChange.objects.filter(bed__code="LRI-W23-B01").count() == 1
    assert BedStatusChange.objects.filter(at=second).count() == 1


def test_field_errors_name_only_the_bad_wards_by_index(rwe):
    bad_counts = {"ward": "LRI-W22", "counts": {"occupied": -1, "vacant": 0}}
    body = sitrep("RWE-LRI", hours_ago(1), counts("LRI-W23", 1, 1), bad_counts)
    errors = _post(rwe, body).json()["wards"]
    assert set(errors) == {"1"} and "occupied" in errors["1"]["counts"]


def test_the_schema_describes_the_bed_sitrep(scc_client):
    schema = scc_client.get("/api/v1/schema/", {"format": "json"}).json()
    post = schema["paths"]["/api/v1/sitreps/beds/"]["post"]
    assert set(post["responses"]) >= {"201", "400", "401", "403", "409"}
    ward = schema["components"]["schemas"]["WardInRequest"]["properties"]
    bed = schema["components"]["schemas"]["BedInRequest"]["properties"]
    assert set(ward) == {"ward", "beds", "counts"} and set(bed) == {"bed", "status"}
    assert set(schema["components"]["schemas"]["BedSitrepOut"]["properties"]) == {
        "submission",
        "site",
        "as_at",
        "wards",
    }


def test_an_accepted_sitrep_is_recomputed_after_commit(
    rwe, settings, django_capture_on_commit_callbacks
):
    from apps.beds.models import OccupancySnapshot

    settings.CELERY_TASK_ALWAYS_EAGER = True
    as_at = hours_ago(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(rwe, worked_example(as_at))
    assert response.status_code == 201
    snapshot = OccupancySnapshot.objects.get(site__code="RWE-LRI", bed_type="ga_adult")
    assert (snapshot.taken_at, snapshot.occupied, snapshot.wards_reporting) == (as_at, 28, 2)
    assert Submission.objects.get(pk=response.json()["submission"]).recomputed_at is not None


def test_counts_that_leave_core_beds_out_are_400_naming_the_ward_and_numbers(rwe):
    """10 occupied + 5 vacant on a 28-bed ward with closed left out: 13 beds would vanish."""
    body = sitrep("RWE-GH", hours_ago(1), counts("GH-W15", 10, 5, closed=0))
    response = _post(rwe, body)
    assert response.status_code == 400
    message = response.json()["wards"]["0"]["counts"]["non_field_errors"][0]
    assert message.startswith("GH-W15: 10 occupied + 5 vacant - 0 escalation_open + 0 closed = 15")
    assert "28 core beds" in message
    assert _nothing_applied()
    fixed = sitrep("RWE-GH", hours_ago(1), counts("GH-W15", 10, 5, closed=13))
    assert _post(rwe, fixed).status_code == 201
