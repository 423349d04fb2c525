import pytest

from apps.sitreps.choices import Outcome
from apps.sitreps.models import Submission
from apps.sitreps.pipeline import submissions_recompute
from apps.virtualwards.models import (
    VirtualWardCensus,
    VirtualWardCurrent,
    VirtualWardSnapshot,
)

from .conftest import URL, at, census

pytestmark = pytest.mark.django_db


def current(code):
    row = VirtualWardCurrent.objects.select_related("census").get(ward__code=code)
    return row.census.capacity, row.census.occupied


def test_it_accepts_a_census_and_makes_it_current(rt5):
    response = rt5.post(URL, census(at(), ("VW-FRAILTY", 20, 14)), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body == {
        "submission": body["submission"],
        "wards": [{"ward": "VW-FRAILTY", "current": True}],
    }
    assert current("VW-FRAILTY") == (20, 14)
    sub = Submission.objects.get(pk=body["submission"])
    assert sub.outcome == Outcome.ACCEPTED and sub.payload["wards"][0]["ward"] == "VW-FRAILTY"


def test_it_allows_a_ward_to_run_over_capacity(rt5):
    response = rt5.post(URL, census(at(), ("VW-FRAILTY", 20, 23)), format="json")
    assert response.status_code == 201
    assert current("VW-FRAILTY") == (20, 23)


def test_it_refuses_another_organisations_ward_with_403_and_applies_nothing(rt5):
    body = census(at(), ("VW-FRAILTY", 20, 14), ("VW-ASTHMA", 40, 30))
    response = rt5.post(URL, body, format="json")
    assert response.status_code == 403
    assert "VW-ASTHMA" in response.json()["detail"]
    assert not VirtualWardCensus.objects.exists()
    assert Submission.objects.get().outcome == Outcome.REJECTED


def test_it_refuses_an_organisation_without_virtual_wards(key_client):
    response = key_client("RX9").post(URL, census(at(), ("VW-FRAILTY", 20, 14)), format="json")
    assert response.status_code == 403


def test_it_needs_a_key(client, estate):
    response = client.post(
        URL, census(at(), ("VW-FRAILTY", 20, 14)), content_type="application/json"
    )
    assert response.status_code == 401
    assert not VirtualWardCensus.objects.exists()


def test_it_names_an_unknown_ward(rt5):
    body = census(at(), ("VW-FRAILTY", 20, 14), ("VW-NOPE", 5, 1))
    response = rt5.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"wards": {"1": {"ward": ["Unknown virtual ward VW-NOPE."]}}}
    assert not VirtualWardCensus.objects.exists()


def test_it_names_a_ward_repeated_in_one_census(rt5):
    body = census(at(), ("VW-FRAILTY", 20, 14), ("VW-FRAILTY", 20, 15))
    response = rt5.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"wards": {"1": {"ward": ["VW-FRAILTY repeats item 0."]}}}
    assert not VirtualWardCensus.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("capacity", -1),
        ("occupied", -3),
        ("occupied", 14.5),
        ("capacity", "twenty"),
        ("occupied", None),
        ("capacity", True),
    ],
)
def test_it_refuses_counts_that_are_not_whole_numbers_from_zero(rt5, field, value):
    body = census(at(), ("VW-FRAILTY", 20, 14))
    body["wards"][0][field] = value
    response = rt5.post(URL, body, format="json")
    assert response.status_code == 400
    errors = response.json()["wards"]
    assert errors == {"0": {field: errors["0"][field]}}  # item 0, that field only
    assert not VirtualWardCensus.objects.exists()


def test_it_refuses_a_naive_time(rt5):
    response = rt5.post(URL, census("2026-11-23T08:00:00", ("VW-FRAILTY", 20, 14)), format="json")
    assert response.status_code == 400
    assert "offset" in response.json()["as_at"][0]


def test_it_refuses_a_time_in_the_future(rt5):
    response = rt5.post(URL, census(at(minutes_ago=-10), ("VW-FRAILTY", 20, 14)), format="json")
    assert response.status_code == 400
    assert "future" in response.json()["as_at"][0]


def test_it_refuses_an_empty_census(rt5):
    response = rt5.post(URL, {"as_at": at(), "wards": []}, format="json")
    assert response.status_code == 400 and "wards" in response.json()


def test_an_idempotency_key_replays_the_first_answer_and_applies_nothing_twice(rt5):
    body = census(at(), ("VW-FRAILTY", 20, 14))
    first = rt5.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = rt5.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert VirtualWardCensus.objects.count() == 1
    assert Submission.objects.filter(outcome=Outcome.ACCEPTED).count() == 1


def test_an_idempotency_key_with_another_body_is_a_conflict(rt5):
    as_at = at()
    rt5.post(URL, census(as_at, ("VW-FRAILTY", 20, 14)), format="json", HTTP_IDEMPOTENCY_KEY="k")
    response = rt5.post(
        URL, census(as_at, ("VW-FRAILTY", 20, 9)), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 409
    assert current("VW-FRAILTY") == (20, 14)


def test_the_same_as_at_again_is_a_correction_that_replaces(rt5):
    as_at = at()
    rt5.post(URL, census(as_at, ("VW-FRAILTY", 20, 14)), format="json")
    response = rt5.post(URL, census(as_at, ("VW-FRAILTY", 18, 11)), format="json")
    assert response.status_code == 201
    assert response.json()["wards"] == [{"ward": "VW-FRAILTY", "current": True}]
    assert VirtualWardCensus.objects.count() == 1
    assert current("VW-FRAILTY") == (18, 11)
    assert VirtualWardCensus.objects.get().submission_id == response.json()["submission"]


def test_an_older_census_is_kept_as_history_but_does_not_overwrite_the_newer(rt5):
    rt5.post(URL, census(at(minutes_ago=10), ("VW-FRAILTY", 20, 14)), format="json")
    response = rt5.post(URL, census(at(minutes_ago=60), ("VW-FRAILTY", 20, 3)), format="json")
    assert response.status_code == 201
    assert response.json()["wards"] == [{"ward": "VW-FRAILTY", "current": False}]
    assert VirtualWardCensus.objects.count() == 2
    assert current("VW-FRAILTY") == (20, 14)


def test_a_newer_census_replaces_the_current_one(rt5):
    rt5.post(URL, census(at(minutes_ago=60), ("VW-FRAILTY", 20, 14)), format="json")
    rt5.post(URL, census(at(minutes_ago=10), ("VW-FRAILTY", 22, 19)), format="json")
    assert current("VW-FRAILTY") == (22, 19)


def test_the_recompute_writes_ward_and_system_history_once(rt5, key_client):
    rwe = key_client("RWE")
    early, late = at(minutes_ago=60), at(minutes_ago=10)
    a = rt5.post(URL, census(early, ("VW-FRAILTY", 20, 14)), format="json").json()
    b = rwe.post(URL, census(late, ("VW-ASTHMA", 40, 30)), format="json").json()
    changed = submissions_recompute([a["submission"], b["submission"]])
    assert changed == {
        "virtual_wards:VW-FRAILTY",
        "virtual_wards:VW-ASTHMA",
        "virtual_wards:system",
    }
    system = {
        s.taken_at.isoformat(): (s.capacity, s.occupied)
        for s in VirtualWardSnapshot.objects.filter(ward=None)
    }
    assert system == {early: (20, 14), late: (60, 44)}
    assert VirtualWardSnapshot.objects.filter(ward__isnull=False).count() == 2

    # Running it again (the handler directly: the pipeline skips recomputed submissions)
    # changes nothing.
    from apps.virtualwards.sitrep import virtual_wards_sitrep_recompute

    before = list(VirtualWardSnapshot.objects.order_by("pk").values())
    virtual_wards_sitrep_recompute(list(Submission.objects.filter(outcome=Outcome.ACCEPTED)))
    assert list(VirtualWardSnapshot.objects.order_by("pk").values()) == before


def test_a_late_census_corrects_the_system_history_after_it(rt5, key_client):
    rwe = key_client("RWE")
    t1, t2, t3 = at(minutes_ago=90), at(minutes_ago=60), at(minutes_ago=30)
    subs = [
        rt5.post(URL, census(t1, ("VW-FRAILTY", 20, 10)), format="json").json()["submission"],
        rwe.post(URL, census(t3, ("VW-ASTHMA", 40, 30)), format="json").json()["submission"],
    ]
    submissions_recompute(subs)
    late = rt5.post(URL, census(t2, ("VW-FRAILTY", 20, 16)), format="json").json()
    submissions_recompute([late["submission"]])
    system = {
        s.taken_at.isoformat(): (s.capacity, s.occupied)
        for s in VirtualWardSnapshot.objects.filter(ward=None)
    }
    assert system == {t1: (20, 10), t2: (20, 16), t3: (60, 46)}
    assert current("VW-FRAILTY") == (20, 16)  # t2 is still the newest Frailty census


def test_the_board_api_shows_the_virtual_wards(rt5, key_client, scc_client):
    rt5.post(URL, census(at(), ("VW-FRAILTY", 20, 14)), format="json")
    body = scc_client.get("/api/v1/board/").json()
    wards = {w["code"]: w for w in body["virtual_wards"]}
    assert wards["VW-FRAILTY"] | {"as_at": None} == {
        "code": "VW-FRAILTY",
        "name": "Frailty",
        "organisation": "RT5",
        "capacity": 20,
        "occupied": 14,
        "pct": 70.0,
        "as_at": None,
        "funded_capacity": 20,
    }
    assert wards["VW-ASTHMA"] == {
        "code": "VW-ASTHMA",
        "name": "Asthma",
        "organisation": "RWE",
        "capacity": None,
        "occupied": None,
        "pct": None,
        "as_at": None,
        "funded_capacity": 40,
    }
    assert body["system"]["virtual_wards"] == {
        "capacity": 20,
        "occupied": 14,
        "pct": 70.0,
        "per_100k": 2.0,  # 20 * 100000 / 1020000 = 1.96
        "wards_reported": 1,
        "wards_total": 2,
    }


def test_the_schema_documents_the_census_endpoint(scc_client):
    schema = scc_client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/sitreps/virtual-wards/" in schema
    assert "VirtualWardCensusIn" in schema
