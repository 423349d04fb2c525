from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.core.localtime import local_date
from apps.discharge.models import Discharge, MofdList, MofdPatient
from apps.sitreps.choices import Outcome
from apps.sitreps.models import Submission

pytestmark = pytest.mark.django_db

URL = "/api/v1/sitreps/discharge/"


def now_iso(minutes_ago: int = 0) -> str:
    return (timezone.now() - timedelta(minutes=minutes_ago)).isoformat()


def patient(ref="A1B2C3", **over):
    today = local_date(timezone.now())
    return {
        "ref": ref,
        "nhs_number": "9434765919",
        "site": "RWE-LRI",
        "ward": "LRI-W22",
        "mofd_on": (today - timedelta(days=4)).isoformat(),
        "pathway": "P1",
        "planned_discharge_on": None,
        "delay_reason": "awaiting_homecare",
        **over,
    }


def body(*patients, organisation="RWE", as_at=None, **extra):
    return {
        "organisation": organisation,
        "as_at": as_at or now_iso(),
        "patients": list(patients),
        **extra,
    }


def errors_of(response, item, index):
    """The field errors of one item, whether DRF gave a list or a dict keyed by index."""
    section = response.json()[item]
    return section[index] if isinstance(section, list) else section[str(index)]


def test_it_stores_the_whole_list(key_client):
    client = key_client("RWE")
    response = client.post(
        URL,
        body(
            patient(),
            patient("B2", site="RWE-GH", ward=None, pathway="P3", nhs_number=None),
            patient("C3", site=None, ward="GH-W15", planned_discharge_on="2099-01-01"),
            discharged=[{"ref": "Z9Y8X7", "discharged_at": now_iso(60)}],
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    got = response.json()
    assert got["patients"] == 3 and got["discharged"] == 1
    assert got["current"] is True and got["replaced"] is False
    stored = MofdList.objects.get(pk=got["list"])
    assert stored.submission_id == got["submission"]
    c3 = MofdPatient.objects.get(ref="C3")
    assert (c3.site.code, c3.ward.code) == ("RWE-GH", "GH-W15")  # site taken from the ward
    assert MofdPatient.objects.get(ref="B2").nhs_number == ""
    assert Discharge.objects.get().ref == "Z9Y8X7"


def test_an_empty_list_is_a_list(key_client):
    response = key_client("RWE").post(URL, body(), format="json")
    assert response.status_code == 201 and response.json()["patients"] == 0


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"nhs_number": "9434765918"}, "nhs_number"),
        ({"nhs_number": "12345"}, "nhs_number"),
        ({"pathway": "P4"}, "pathway"),
        ({"delay_reason": "bored"}, "delay_reason"),
        ({"mofd_on": "23/11/2026"}, "mofd_on"),
        ({"ref": ""}, "ref"),
        ({"site": "RT5-CCH", "ward": None}, "site"),  # another organisation's site
        ({"site": "NOPE", "ward": None}, "site"),
        ({"ward": "CCH-W4"}, "ward"),  # another organisation's ward
        ({"ward": "GH-W15"}, "ward"),  # ours, but not of the named site
        ({"mofd_on": "2999-01-01"}, "mofd_on"),
    ],
)
def test_a_bad_item_is_named_and_nothing_is_applied(key_client, over, field):
    response = key_client("RWE").post(
        URL, body(patient("OK1"), {**patient("BAD"), **over}), format="json"
    )
    assert response.status_code == 400, response.json()
    assert field in errors_of(response, "patients", 1)
    assert not MofdList.objects.exists() and not MofdPatient.objects.exists()
    assert Submission.objects.get().outcome == Outcome.REJECTED


def test_mofd_on_may_be_the_local_date_of_as_at_but_not_after(key_client):
    # 23:30 UTC on 1 July is 00:30 BST on the 2nd: MOFD since the 2nd is allowed.
    ok = key_client("RWE").post(
        URL,
        body(patient(mofd_on="2025-07-02"), as_at="2025-07-01T23:30:00+00:00"),
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    late = key_client("RWE").post(
        URL,
        body(patient(mofd_on="2025-07-03"), as_at="2025-07-01T23:30:00+00:00"),
        format="json",
    )
    assert late.status_code == 400 and "mofd_on" in errors_of(late, "patients", 0)


def test_duplicate_refs_name_both_items(key_client):
    response = key_client("RWE").post(
        URL, body(patient("X"), patient("Y"), patient("X")), format="json"
    )
    assert response.status_code == 400
    errors = response.json()["patients"]
    assert set(errors) == {"0", "2"}
    assert "items 0 and 2" in errors["0"]["ref"][0] and "items 0 and 2" in errors["2"]["ref"][0]


def test_a_discharged_patient_cannot_still_be_on_the_list(key_client):
    response = key_client("RWE").post(
        URL,
        body(
            patient("X"),
            discharged=[
                {"ref": "Q", "discharged_at": now_iso(5)},
                {"ref": "X", "discharged_at": now_iso(5)},
                {"ref": "Q", "discharged_at": now_iso(9)},
            ],
        ),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["discharged"]
    assert set(errors) == {"0", "1", "2"}
    assert "patients item 0" in errors["1"]["ref"][0]


def test_a_discharge_after_as_at_is_refused(key_client):
    response = key_client("RWE").post(
        URL,
        body(as_at=now_iso(30), discharged=[{"ref": "Q", "discharged_at": now_iso(1)}]),
        format="json",
    )
    assert response.status_code == 400
    assert "discharged_at" in response.json()["discharged"]["0"]


def test_the_out_of_area_list_names_no_site(key_client):
    client = key_client("OOA")
    bad = client.post(
        URL, body(patient(site="RWE-LRI", ward=None), organisation="OOA"), format="json"
    )
    assert bad.status_code == 400 and "site" in errors_of(bad, "patients", 0)
    good = client.post(URL, body(patient(site=None, ward=None), organisation="OOA"), format="json")
    assert good.status_code == 201, good.json()


def test_another_organisations_list_is_403(key_client):
    response = key_client("RT5").post(URL, body(patient()), format="json")
    assert response.status_code == 403
    assert not MofdList.objects.exists()


def test_an_ambulance_service_may_not_send_a_discharge_list(key_client):
    response = key_client("RX9").post(URL, body(organisation="RX9"), format="json")
    assert response.status_code == 403


def test_times_need_an_offset_and_not_be_in_the_future(key_client):
    client = key_client("RWE")
    naive = client.post(URL, body(as_at="2026-11-23T08:00:00"), format="json")
    assert naive.status_code == 400 and "as_at" in naive.json()
    future = (timezone.now() + timedelta(minutes=10)).isoformat()
    assert client.post(URL, body(as_at=future), format="json").status_code == 400


def test_staff_sessions_cannot_post_lists(manager_client, estate):
    assert manager_client.post(URL, body(), format="json").status_code == 403


def test_the_same_as_at_again_is_a_correction(key_client):
    client = key_client("RWE")
    as_at = now_iso(10)
    first = client.post(URL, body(patient("A"), patient("B"), as_at=as_at), format="json")
    second = client.post(URL, body(patient("C"), as_at=as_at), format="json").json()
    assert second["replaced"] is True and second["list"] == first.json()["list"]
    assert list(MofdPatient.objects.values_list("ref", flat=True)) == ["C"]
    assert MofdList.objects.get().submission_id == second["submission"]


def test_an_older_list_is_kept_in_history_but_does_not_replace_the_current_one(key_client):
    client = key_client("RWE")
    client.post(URL, body(patient("NEW"), as_at=now_iso(5)), format="json")
    older = client.post(URL, body(patient("OLD"), as_at=now_iso(60)), format="json").json()
    assert older["current"] is False
    assert MofdList.objects.count() == 2
    from apps.discharge.selectors import mofd_patients_current

    current = mofd_patients_current(day=local_date(timezone.now()))
    assert [p.ref for p in current] == ["NEW"]


def test_idempotency_key_replays_the_first_answer(key_client):
    client = key_client("RWE")
    sent = body(patient("Z"), as_at=now_iso(3))
    first = client.post(URL, sent, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    same = client.post(URL, sent, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert same.json() == first.json() and same["Idempotent-Replayed"] == "true"
    assert MofdList.objects.count() == 1
    other = client.post(URL, body(as_at=now_iso(2)), format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert other.status_code == 409 and MofdList.objects.count() == 1


# --------------------------------------------------------------------------- GET /s1/
def test_the_s1_reads_for_a_date(key_client, scc_client):
    key_client("RWE").post(
        URL,
        body(patient("A", planned_discharge_on=local_date(timezone.now()).isoformat())),
        format="json",
    )
    today = local_date(timezone.now()).isoformat()
    for client in (scc_client, key_client("RT5")):
        got = client.get("/api/v1/s1/", {"date": today})
        assert got.status_code == 200
        data = got.json()
        assert data["date"] == today
        assert [r["organisation"] for r in data["rows"]] == ["OOA", "RT5", "RWE"]
        rwe = data["rows"][2]
        assert rwe["total"] == 1 and rwe["planned_today"] == 1
        assert rwe["by_pathway"] == {"P0": 0, "P1": 1, "P2": 0, "P3": 0}
        assert data["total"]["organisation"] == "TOTAL" and data["total"]["total"] == 1
        assert "nhs_number" not in got.content.decode()
    assert scc_client.get("/api/v1/s1/").json()["date"] == today


@pytest.mark.parametrize("bad", ["23-11-2026", "2026-02-30", "today"])
def test_a_bad_s1_date_is_400_naming_date(scc_client, estate, bad):
    response = scc_client.get("/api/v1/s1/", {"date": bad})
    assert response.status_code == 400 and "date" in response.json()


def test_the_s1_needs_a_key_or_a_session(client, estate):
    assert client.get("/api/v1/s1/").status_code in (401, 403)


def test_the_schema_describes_the_discharge_endpoints(scc_client):
    schema = scc_client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/sitreps/discharge/" in schema and "/api/v1/s1/" in schema
    assert "awaiting_homecare" in schema


def test_nothing_is_stored_for_a_day_that_has_no_list(scc_client, estate):
    data = scc_client.get("/api/v1/s1/", {"date": date(2020, 1, 1).isoformat()}).json()
    assert data["total"]["total"] == 0 and len(data["rows"]) == 3
    assert data["frozen_at"] is None


def test_the_s1_of_a_day_after_today_is_404(scc_client, estate):
    tomorrow = local_date(timezone.now()) + timedelta(days=1)
    assert scc_client.get("/api/v1/s1/", {"date": tomorrow.isoformat()}).status_code == 404


def test_the_s1_of_a_day_without_lists_says_so(key_client, scc_client):
    key_client("RWE").post(URL, body(patient("A")), format="json")
    today = local_date(timezone.now())
    data = scc_client.get("/api/v1/s1/", {"date": "2020-01-01"}).json()
    assert data["state"] == "not_frozen" and data["frozen_at"] is None
    assert all(r["lists"] == 0 and r["list_as_at"] is None for r in data["rows"])
    assert data["total"]["lists"] == 0 and data["total"]["late_lists"] == 0
    data = scc_client.get("/api/v1/s1/").json()
    assert data["state"] == "live" and data["date"] == today.isoformat()
    rows = {r["organisation"]: r for r in data["rows"]}
    assert rows["RWE"]["lists"] == 1 and rows["RWE"]["list_as_at"] is not None
    assert rows["RT5"]["lists"] == 0 and rows["RT5"]["list_as_at"] is None
