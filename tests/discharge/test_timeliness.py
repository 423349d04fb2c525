"""Discharge timeliness (DOMAIN.md "Discharge timeliness"): the worked example as a rule,
then through the ingest and the API."""

from datetime import date, datetime, timedelta

import pytest

from apps.beds.estate import estate_load
from apps.discharge.rules import (
    DischargeEvent,
    Patient,
    days_to_discharge,
    discharge_latest,
    timeliness_counts,
)
from tests.conftest import SMALL_ESTATE

from .factories import post_list

D = date(2026, 11, 23)  # GMT: local time = UTC
URL = "/api/v1/discharge/timeliness/"


def at(day: date, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day.isoformat()}T{hhmm}:00+00:00")


WORKED = [
    DischargeEvent(at(D, "10:30"), "P1", D - timedelta(days=1)),
    DischargeEvent(at(D, "16:59"), "P1", D),
    DischargeEvent(at(D, "17:00"), "P1", D - timedelta(days=3)),
    DischargeEvent(at(D, "11:00"), "P2", D - timedelta(days=2)),
    DischargeEvent(at(D, "18:15"), "P3", D - timedelta(days=5)),
]


def test_worked_example():
    row = timeliness_counts(WORKED).as_row()
    assert row["discharged"] == 5
    assert (row["p1_discharged"], row["p1_within_1_day_pct"]) == (3, 66.7)
    assert (row["p2_p3_discharged"], row["p2_p3_within_2_days_pct"]) == (2, 50.0)
    assert row["before_17_pct"] == 60.0
    assert (row["p0_discharged"], row["p0_before_17_pct"]) == (0, None)


def test_a_patient_never_listed_counts_in_discharges_and_before_17_only():
    row = timeliness_counts([*WORKED, DischargeEvent(at(D, "09:00"))]).as_row()
    assert row["discharged"] == 6
    assert row["before_17_pct"] == 66.7  # 4 of 6
    assert row["p1_discharged"] == 3 and row["p2_p3_discharged"] == 2


def test_empty_day_is_null_not_zero():
    row = timeliness_counts([]).as_row()
    assert row["discharged"] == 0
    assert row["p1_within_1_day_pct"] is None and row["before_17_pct"] is None


def test_days_to_discharge_uses_the_local_date():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    assert (
        days_to_discharge(datetime.fromisoformat("2026-06-30T23:30:00+00:00"), date(2026, 6, 30))
        == 1
    )
    # 17:00 BST is 16:00 UTC: not before 17:00 local.
    summer = timeliness_counts(
        [DischargeEvent(datetime.fromisoformat("2026-06-30T16:00:00+00:00"))]
    )
    assert summer.before_17 == 0


def test_a_later_list_corrects_the_time_and_the_patient_is_discharged_once():
    first = at(D, "20:00")
    later = at(D, "21:00")
    latest = discharge_latest(
        [("A", first, at(D, "18:00")), ("A", later, at(D, "16:00")), ("B", first, at(D, "10:00"))]
    )
    assert latest == {"A": at(D, "16:00"), "B": at(D, "10:00")}


# --------------------------------------------------------------------------- through the API
def _worked_example_lists():
    """Lists giving the worked example for RWE on D, a never-listed discharge for RT5, and a
    correction from a later list."""
    before = [
        Patient("A", D - timedelta(days=1), "P1"),
        Patient("B", D, "P1"),
        Patient("C", D - timedelta(days=3), "P1"),
        Patient("E", D - timedelta(days=2), "P2"),
        Patient("F", D - timedelta(days=5), "P3"),
        Patient("G", D - timedelta(days=9), "P1"),  # still waiting
    ]
    post_list("RWE", at(D, "08:00"), before)
    post_list(
        "RWE",
        at(D, "19:00"),
        [before[-1]],
        discharged=[
            {"ref": "A", "discharged_at": at(D, "10:30").isoformat()},
            {"ref": "B", "discharged_at": at(D, "16:59").isoformat()},
            # Reported at 18:30 first, then corrected by a later list to 17:00.
            {"ref": "C", "discharged_at": at(D, "18:30").isoformat()},
            {"ref": "E", "discharged_at": at(D, "11:00").isoformat()},
            {"ref": "F", "discharged_at": at(D, "18:15").isoformat()},
        ],
    )
    post_list(
        "RWE",
        at(D, "22:00"),
        [before[-1]],
        discharged=[{"ref": "C", "discharged_at": at(D, "17:00").isoformat()}],
    )
    post_list(
        "RT5",
        at(D, "12:00"),
        [],
        discharged=[{"ref": "X", "discharged_at": at(D, "09:00").isoformat()}],
    )


@pytest.mark.django_db
def test_api_gives_the_worked_example_per_organisation_and_pooled(estate, scc_client):
    _worked_example_lists()
    body = scc_client.get(URL, {"date": D.isoformat()}).json()
    rows = {r["organisation"]: r for r in body["rows"]}
    assert body["date"] == D.isoformat()
    assert set(rows) == {"RWE", "RT5", "OOA"}
    rwe = rows["RWE"]
    assert rwe["discharged"] == 5
    assert rwe["p1_within_1_day_pct"] == 66.7
    assert rwe["p2_p3_within_2_days_pct"] == 50.0
    assert rwe["before_17_pct"] == 60.0
    assert rows["RT5"]["discharged"] == 1 and rows["RT5"]["p1_discharged"] == 0
    assert rows["OOA"]["discharged"] == 0 and rows["OOA"]["before_17_pct"] is None
    total = body["total"]
    assert total["organisation"] == "TOTAL"
    assert total["discharged"] == 6
    assert total["before_17_pct"] == 66.7
    # The day before has none of them.
    before = scc_client.get(URL, {"date": (D - timedelta(days=1)).isoformat()}).json()
    assert before["total"]["discharged"] == 0


@pytest.mark.django_db
def test_api_dates(estate, scc_client):
    assert scc_client.get(URL, {"date": "2026-13-01"}).status_code == 400
    assert "date" in scc_client.get(URL, {"date": "yesterday"}).json()
    assert scc_client.get(URL, {"date": "2099-01-01"}).status_code == 404
    assert scc_client.get(URL).status_code == 200
    assert scc_client.get(URL).status_code == 200


@pytest.mark.django_db
def test_api_needs_credentials(estate, client):
    assert client.get(URL).status_code in (401, 403)


@pytest.mark.django_db
def test_query_count_does_not_grow_with_organisations(scc_client, django_assert_num_queries):
    bigger = {
        **SMALL_ESTATE,
        "organisations": [
            *SMALL_ESTATE["organisations"],
            *({"code": f"X{i}", "name": f"Extra {i}", "kind": "community"} for i in range(15)),
        ],
    }
    estate_load(document=bigger)
    _worked_example_lists()
    scc_client.get(URL, {"date": D.isoformat()})  # session, warm-up
    with django_assert_num_queries(4):  # session, user, organisations, discharges
        response = scc_client.get(URL, {"date": D.isoformat()})
    assert len(response.json()["rows"]) == 18
