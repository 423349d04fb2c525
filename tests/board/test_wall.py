"""The wall display (/wall/): everything on one screen, no controls, and each system figure
against the same time yesterday."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.ambulance.selectors import system_handovers_at
from apps.beds.estate import estate_load
from apps.beds.models import Organisation
from apps.board.wall import change
from apps.discharge.selectors import mofd_total_at
from apps.sitreps.pipeline import submissions_recompute
from apps.sitreps.services import sitrep_ingest
from tests.beds.factories import counts, hours_ago, sitrep, worked_example
from tests.conftest import estate_with_extra_sites

pytestmark = pytest.mark.django_db


def ingest(kind: str, org: str, body: dict) -> None:
    result = sitrep_ingest(kind=kind, body=body, organisation=Organisation.objects.get(code=org))
    assert result.status == 201, result.body
    submissions_recompute([result.submission_id])


def test_a_change_is_exact_and_says_which_way():
    assert change(92.1, 90.9) == {"then": 90.9, "delta": Decimal("1.2"), "direction": "up"}
    assert change(3, 5)["direction"] == "down" and change(3, 5)["delta"] == 2
    assert change(4, 4)["direction"] == "same"
    assert change(None, 4) is None and change(4, None) is None


def test_the_wall_has_every_site_and_no_controls(scc_client, estate):
    ingest("beds", "RWE", worked_example(hours_ago(0.5)))
    html = scc_client.get("/wall/").content.decode()
    for name in ("Leicester Royal Infirmary", "Glenfield Hospital", "Coalville Community"):
        assert name in html
    assert "93.3%" in html  # the LRI, DOMAIN.md's worked example
    for control in ("<form", "<button", "<input", "<select", "<textarea", "<nav"):
        assert control not in html, f"the wall has a {control}"


def test_since_yesterday_compares_with_the_same_time_yesterday(scc_client, estate):
    # Yesterday, an hour before this time: the LRI at 28 of 30 (93.3%); today 23 of 30.
    ingest("beds", "RWE", worked_example(hours_ago(25)))
    ingest("beds", "RWE", sitrep("RWE-LRI", hours_ago(0.5), counts("LRI-W23", 5, 5)))
    html = scc_client.get("/wall/").content.decode()
    assert "76.7%" in html
    assert "down 16.6 pts since yesterday" in html
    # Nothing reported yesterday for virtual wards or MOFD: said so, not a change from zero.
    assert html.count("no figure for yesterday") >= 2


def test_a_system_with_no_history_says_so(scc_client, estate):
    ingest("beds", "RWE", worked_example(hours_ago(0.5)))
    html = scc_client.get("/wall/").content.decode()
    occupancy = html[html.index("Adult G&amp;A occupancy") : html.index("Crews waiting")]
    assert "no figure for yesterday" in occupancy and "pts" not in occupancy


def test_crews_waiting_and_lost_hours_as_they_stood_at_a_moment(estate):
    t = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    ingest(
        "handovers",
        "RX9",
        {
            "handovers": [
                # Waiting at 10:30 (handed over at 11:00): 30 min, 15 of them lost.
                {"incident": "A", "site": "RWE-LRI", "arrived_at": t.isoformat(),
                 "handover_at": (t + timedelta(hours=1)).isoformat(), "cleared_at": None},
                # Handed over at 10:20 after 20 min: 5 lost, not waiting.
                {"incident": "B", "site": "RWE-GH", "arrived_at": t.isoformat(),
                 "handover_at": (t + timedelta(minutes=20)).isoformat(), "cleared_at": None},
                # Arrived after 10:30: not there yet.
                {"incident": "C", "site": "RWE-LRI",
                 "arrived_at": (t + timedelta(minutes=40)).isoformat(),
                 "handover_at": None, "cleared_at": None},
            ]
        },
    )  # fmt: skip
    at = t + timedelta(minutes=30)
    assert system_handovers_at(at=at) == {
        "waiting_now": 1,
        "longest_wait_min": 30,
        "lost_hours_today": 0.33,  # (15 + 5) / 60
    }


def test_mofd_as_it_stood_uses_the_lists_in_force_then(estate):
    def mofd_list(as_at, refs):
        return {
            "organisation": "RWE",
            "as_at": as_at.isoformat(),
            "patients": [
                {"ref": ref, "site": "RWE-LRI", "mofd_on": "2026-11-20", "pathway": "P1"}
                for ref in refs
            ],
        }

    t = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    assert mofd_total_at(at=t) is None
    ingest("discharge", "RWE", mofd_list(t, ["A", "B"]))
    ingest("discharge", "RWE", mofd_list(t + timedelta(hours=24), ["A", "B", "C"]))
    assert mofd_total_at(at=t + timedelta(hours=1)) == 2
    assert mofd_total_at(at=t + timedelta(hours=25)) == 3


def test_the_wall_query_count_does_not_grow_with_the_estate(scc_client, estate):
    ingest("beds", "RWE", worked_example(hours_ago(0.5)))

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert scc_client.get("/wall/", HTTP_HX_REQUEST="true").status_code == 200
        return len(ctx)

    queries()  # the rules' thresholds, then held for 15 s
    small = queries()
    estate_load(document=estate_with_extra_sites(20))
    assert queries() == small


def test_an_htmx_refresh_gets_only_the_body(scc_client, estate):
    response = scc_client.get("/wall/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="wall-body"') and "<html" not in html
    assert "HX-Request" in response["Vary"]
