"""``GET /api/v1/estate/``, ``GET /api/v1/sites/<code>/`` and the board's per-bed-type figures:
what a provider's integration engineer reads to map codes and check what the board holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.beds.estate import estate_load
from tests.conftest import estate_with_extra_sites

from .factories import bed_list, counts, hours_ago, sitrep, worked_example

pytestmark = pytest.mark.django_db

URL = "/api/v1/sitreps/beds/"


def _post(client, body):
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    return response


def test_the_estate_lists_every_code_in_the_estate_files_shape(key_client):
    body = key_client("RX9").get("/api/v1/estate/").json()
    assert body["system"] == {
        "code": "LLR",
        "name": "Leicester, Leicestershire and Rutland",
        "population": 1020000,
    }
    assert {"code": "RWE", "name": "University Hospitals of Leicester", "kind": "acute"} in body[
        "organisations"
    ]
    lri = next(s for s in body["sites"] if s["code"] == "RWE-LRI")
    assert lri["organisation"] == "RWE"
    w22 = next(w for w in lri["wards"] if w["code"] == "LRI-W22")
    assert w22 == {
        "code": "LRI-W22",
        "name": "Ward 22",
        "bed_type": "ga_adult",
        "core_beds": 20,
        "escalation_beds": 2,
        "beds": [*(f"LRI-W22-B{i:02d}" for i in range(1, 21)), "LRI-W22-E01", "LRI-W22-E02"],
    }
    assert {"code": "VW-FRAILTY", "name": "Frailty", "organisation": "RT5", "capacity": 20} in (
        body["virtual_wards"]
    )


def test_staff_read_the_estate_and_nobody_else(scc_client, estate):
    from rest_framework.test import APIClient

    assert scc_client.get("/api/v1/estate/").status_code == 200
    assert APIClient().get("/api/v1/estate/").status_code == 401
    assert APIClient().get("/api/v1/sites/RWE-LRI/").status_code == 401


def test_a_site_gives_each_wards_current_state(key_client):
    rwe = key_client("RWE")
    _post(rwe, worked_example(hours_ago(1)))
    body = rwe.get("/api/v1/sites/RWE-LRI/").json()
    wards = {w["code"]: w for w in body["wards"]}
    # Ward 22 by bed list (DOMAIN.md's worked example, ward A), Ward 23 by counts, Ward 10 never.
    assert wards["LRI-W22"]["source"] == "bed_list"
    assert wards["LRI-W22"]["counts"] == {
        "occupied": 18,
        "vacant": 2,
        "closed": 1,
        "escalation_open": 1,
    }
    statuses = {b["bed"]: b["status"] for b in wards["LRI-W22"]["beds"]}
    assert statuses["LRI-W22-B01"] == "occupied" and statuses["LRI-W22-E02"] == "not_open"
    assert wards["LRI-W23"]["source"] == "counts"
    assert {b["status"] for b in wards["LRI-W23"]["beds"]} == {None}
    assert wards["LRI-W10"]["as_at"] is None and wards["LRI-W10"]["counts"] is None
    assert body["occupancy_by_bed_type"]["ga_adult"]["pct"] == 93.3
    assert body["occupancy_by_bed_type"]["ga_paeds"] is None


def test_an_unknown_site_is_404(key_client):
    assert key_client("RWE").get("/api/v1/sites/RWE-NOPE/").status_code == 404


def test_the_board_gives_community_sites_figures_by_bed_type(key_client):
    rt5 = key_client("RT5")
    _post(rt5, sitrep("RT5-CCH", hours_ago(1), counts("CCH-W4", occupied=25, vacant=2)))
    board = key_client("RX9").get("/api/v1/board/").json()
    cch = next(s for s in board["sites"] if s["code"] == "RT5-CCH")
    assert cch["occupancy"] is None  # adult G&A only, and Coalville has none
    assert cch["occupancy_by_bed_type"]["community"] == {
        "occupied": 25,
        "available": 27,
        "pct": 92.6,
        "core_open": 27,
        "escalation_open": 0,
        "closed": 0,
        "bed_gap": 1,  # ceil(2500 / 92) - 27
    }
    lri = next(s for s in board["sites"] if s["code"] == "RWE-LRI")
    assert set(lri["occupancy_by_bed_type"]) == {"ga_adult", "ga_paeds"}
    assert lri["occupancy_by_bed_type"]["ga_adult"] is None  # not reported yet


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx)


def test_the_estate_and_site_query_counts_do_not_grow_with_the_estate(key_client):
    client = key_client("RWE")
    _post(client, sitrep("RWE-LRI", hours_ago(1), bed_list("LRI-W22", 20), counts("LRI-W23", 5, 5)))
    small = (_queries(client, "/api/v1/estate/"), _queries(client, "/api/v1/sites/RWE-LRI/"))
    estate_load(document=estate_with_extra_sites(20))
    assert (_queries(client, "/api/v1/estate/"), _queries(client, "/api/v1/sites/RWE-LRI/")) == (
        small
    )
    # Key check, then the queries of the read itself.
    assert small == (2 + 5, 2 + 2)
