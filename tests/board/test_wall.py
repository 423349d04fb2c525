"""The wall display (/wall/): everything on one screen, no controls, and each system figure
against the same time yesterday."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.ambulance.response_rules import minutes_text
from apps.ambulance.response_selectors import system_response_at
from apps.ambulance.selectors import system_handovers_at
from apps.beds.estate import estate_load
from apps.beds.models import Organisation
from apps.board.selectors import board_build
from apps.board.wall import change, wall_context
from apps.core.localtime import local_date, local_day_bounds
from apps.discharge.selectors import mofd_total_at
from apps.emergency.selectors import system_emergency_at
from apps.escalation import selectors as escalation_selectors
from apps.escalation.models import EscalationRule
from apps.escalation.selectors import stale_sitrep_after
from apps.sitreps.pipeline import submissions_recompute
from apps.sitreps.services import sitrep_ingest
from tests.beds.factories import counts, hours_ago, sitrep, worked_example
from tests.conftest import estate_with_extra_sites

pytestmark = pytest.mark.django_db


def ingest(kind: str, org: str, body: dict, now: datetime | None = None) -> None:
    result = sitrep_ingest(
        kind=kind, body=body, organisation=Organisation.objects.get(code=org), now=now
    )
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
    occupancy = html[html.index("Adult G&amp;A occupancy") : html.index("MOFD patients")]
    assert "no figure for yesterday" in occupancy and "pts" not in occupancy


def occupancy_tile(html: str) -> str:
    return html[html.index("Adult G&amp;A occupancy") : html.index("MOFD patients")]


def since_now() -> dict:
    now = timezone.now()
    return wall_context(board=board_build(now=now, detail=True), now=now)["since"]


def fresh_rules(monkeypatch) -> None:
    """Re-read the rules on the next use, not the ones held for 15 s."""
    monkeypatch.setattr(escalation_selectors, "_thresholds", (float("-inf"), {}))


def test_a_snapshot_stale_at_the_same_time_yesterday_is_no_figure(scc_client, estate, monkeypatch):
    # QA F1: the newest snapshot before this time yesterday is 18 h older than it (42 h ago),
    # past the stale_bed_sitrep rule's red 8 h: no figure for yesterday, never "down 16.6".
    fresh_rules(monkeypatch)
    ingest("beds", "RWE", worked_example(hours_ago(42)))
    ingest("beds", "RWE", sitrep("RWE-LRI", hours_ago(0.5), counts("LRI-W23", 5, 5)))
    tile = occupancy_tile(scc_client.get("/wall/").content.decode())
    assert "76.7%" in tile
    assert "no figure for yesterday" in tile and "pts" not in tile


def test_a_snapshot_fresh_at_the_same_time_yesterday_is_the_figure(scc_client, estate, monkeypatch):
    # 31 h ago: 7 h before this time yesterday, within the 8 h.
    fresh_rules(monkeypatch)
    ingest("beds", "RWE", worked_example(hours_ago(31)))
    ingest("beds", "RWE", sitrep("RWE-LRI", hours_ago(0.5), counts("LRI-W23", 5, 5)))
    tile = occupancy_tile(scc_client.get("/wall/").content.decode())
    assert "down 16.6 pts since yesterday" in tile


def test_the_age_limit_is_the_stale_sitrep_rules_red_threshold(estate, monkeypatch):
    fresh_rules(monkeypatch)
    assert stale_sitrep_after() == timedelta(hours=8)  # DOMAIN.md's default
    EscalationRule.objects.filter(code="stale_bed_sitrep").update(red=20)
    fresh_rules(monkeypatch)
    assert stale_sitrep_after() == timedelta(hours=20)
    # Switched off, the rule still says when a sitrep is stale.
    EscalationRule.objects.filter(code="stale_bed_sitrep").update(enabled=False, red=None)
    fresh_rules(monkeypatch)
    assert stale_sitrep_after() == timedelta(hours=4)  # its amber, having no red
    ingest("beds", "RWE", worked_example(hours_ago(42)))
    ingest("beds", "RWE", sitrep("RWE-LRI", hours_ago(0.5), counts("LRI-W23", 5, 5)))
    assert since_now()["occupancy_pct"] is None
    EscalationRule.objects.filter(code="stale_bed_sitrep").update(amber=20)
    fresh_rules(monkeypatch)
    assert since_now()["occupancy_pct"]["direction"] == "down"


def test_virtual_wards_yesterday_must_be_fresh_then(estate, monkeypatch):
    fresh_rules(monkeypatch)

    def census(as_at: datetime, occupied: int) -> None:
        body = {
            "as_at": as_at.isoformat(),
            "wards": [{"ward": "VW-FRAILTY", "capacity": 20, "occupied": occupied}],
        }
        ingest("virtual_wards", "RT5", body)

    census(hours_ago(42), 10)  # 50%, 18 h before this time yesterday
    census(hours_ago(0.5), 15)  # 75% now
    assert since_now()["vw_pct"] is None
    census(hours_ago(30), 12)  # 60%, 6 h before this time yesterday
    assert since_now()["vw_pct"] == {"then": 60.0, "delta": Decimal("15.0"), "direction": "up"}


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


def attendance(ref, arrived, departed=None, disposition="discharged", dta=None) -> dict:
    return {
        "attendance": ref,
        "site": "RWE-LRI",
        "department_type": 1,
        "arrived_at": arrived.isoformat(),
        "decision_to_admit_at": dta and dta.isoformat(),
        "departed_at": departed and departed.isoformat(),
        "disposition": disposition if departed else None,
    }


def c2_incident(ref, connected, at_scene) -> dict:
    return {
        "incident": ref,
        "category": 2,
        "call_connected_at": connected.isoformat(),
        "identified_at": connected.isoformat(),
        "dispatched_at": connected.isoformat(),
        "at_scene_at": at_scene.isoformat(),
        "stood_down_at": None,
    }


def tile(html: str, tile_id: str) -> str:
    """The text of one wall tile, tags stripped and spaces collapsed."""
    start = html.index(">", html.index(f'id="{tile_id}"')) + 1
    return " ".join(re.sub(r"<[^>]+>", " ", html[start : html.index("</div>", start)]).split())


def test_the_front_door_tiles_against_the_same_time_yesterday(estate):
    """ED 4-hour so far today and patients over 12 h now, C2 mean so far today: each the
    board's own figure, beside the same figure as it stood 24 hours earlier."""
    now = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # GMT: local time is UTC
    y, t = datetime(2026, 11, 21, tzinfo=UTC), datetime(2026, 11, 22, tzinfo=UTC)
    h = timedelta(hours=1)
    ed = [
        # Yesterday by 15:00: one of two departures met four hours (50.0%); one patient there
        # 14 h at 15:00. Departures after 15:00 (one met, one not) count for the whole day only.
        attendance("Y1", y + 8 * h, y + 10 * h),
        attendance("Y2", y + 9 * h, y + 14 * h),
        attendance("Y3", y + 1 * h, y + 16 * h, "admitted", dta=y + 6 * h),
        attendance("Y4", y + 12 * h, y + 15.5 * h),
        # Today: three of four met (75.0%); two patients there over 12 h now.
        attendance("T1", t + 8 * h, t + 10 * h),
        attendance("T2", t + 9 * h, t + 11 * h),
        attendance("T3", t + 7 * h, t + 12 * h),
        attendance("T4", t + 10 * h, t + 13 * h),
        attendance("T5", t + 1 * h, None),
        attendance("T6", t + 2.5 * h, None, dta=t + 8 * h),
    ]
    ingest("emergency", "RWE", {"attendances": ed}, now=now)
    minute = timedelta(minutes=1)
    calls = [
        # Yesterday by 15:00: 20 and 30 min (25:00); the third stopped its clock after 15:00.
        c2_incident("Y-1", y + 10 * h, y + 10 * h + 20 * minute),
        c2_incident("Y-2", y + 11 * h, y + 11 * h + 30 * minute),
        c2_incident("Y-3", y + 14 * h + 50 * minute, y + 15 * h + 10 * minute),
        # Today: 10 and 20 min (15:00).
        c2_incident("T-1", t + 10 * h, t + 10 * h + 10 * minute),
        c2_incident("T-2", t + 12 * h, t + 12 * h + 20 * minute),
    ]
    ingest("incidents", "RX9", {"incidents": calls}, now=now)

    then = now - timedelta(hours=24)
    assert system_emergency_at(at=then) == {"four_hour_pct_today": 50.0, "over_12h_now": 1}
    assert system_response_at(at=then)["2"]["mean_response_s"] == 25 * 60
    # At "now" the as-it-stood selectors agree with the board's live figures.
    board = board_build(now=now, detail=True)
    system = board["system"]
    assert system["emergency"]["four_hour_pct_today"] == 75.0
    assert system["emergency"]["over_12h_now"] == 2
    assert system_emergency_at(at=now) == {"four_hour_pct_today": 75.0, "over_12h_now": 2}
    assert system["ambulance_response_total"]["2"]["mean_response_s"] == 15 * 60
    assert system_response_at(at=now)["2"] == system["ambulance_response_total"]["2"]

    context = wall_context(board=board, now=now)
    since = context["since"]
    assert since["ed_four_hour_pct"] == {"then": 50.0, "delta": Decimal("25.0"), "direction": "up"}
    assert since["ed_over_12h_now"] == {"then": 1, "delta": 1, "direction": "up"}
    assert since["c2_mean_response_s"] == {"then": 1500, "delta": 600, "direction": "down"}
    html = render_to_string("board/wall.html#wall-body", context)
    assert tile(html, "wall-ed-four-hour") == (
        "ED 4-hour today ▲ 75.0% standard 76% · 6 attended ▲ up 25.0 pts since yesterday"
    )
    assert tile(html, "wall-ed-twelve-hour") == (
        "Over 12 h in ED ▲ 2 2 in ED · 1 awaiting a bed ▲ up 1 since yesterday"
    )
    assert tile(html, "wall-cat2") == (
        "C2 mean response ✓ 15:00 ambition 30:00 · 2 responses ▼ down 10:00 since yesterday"
    )


def test_the_wall_shows_the_board_apis_front_door_figures(scc_client, key_client):
    """The wall and GET /api/v1/board/ read one board: the same ED and C2 figures."""
    now = timezone.now().replace(microsecond=0)
    start, _end = local_day_bounds(local_date(now))
    # Times within today so far, whatever the time of day.
    so_far = now - start
    mid = start + so_far / 2
    ed = [
        attendance("A1", mid - timedelta(hours=3), mid),
        attendance("A2", mid - timedelta(hours=5), mid, "admitted", dta=mid - timedelta(hours=1)),
        attendance("A3", now - timedelta(hours=13), None),
    ]
    response = key_client("RWE").post(
        "/api/v1/sitreps/emergency/", {"attendances": ed}, format="json"
    )
    assert response.status_code == 201, response.json()
    from apps.sitreps.models import Submission

    submissions_recompute(Submission.objects.values_list("pk", flat=True))
    calls = [
        c2_incident("C-1", start + so_far / 4, start + so_far / 3),
        c2_incident("C-2", start + so_far / 4, mid),
    ]
    response = key_client("RX9").post(
        "/api/v1/sitreps/incidents/", {"incidents": calls}, format="json"
    )
    assert response.status_code == 201, response.json()

    system = scc_client.get("/api/v1/board/").json()["system"]
    html = scc_client.get("/wall/").content.decode()
    ed_now, c2 = system["emergency"], system["ambulance_response_total"]["2"]
    assert ed_now["four_hour_pct_today"] == 50.0 and c2["incidents"] == 2
    assert f"{ed_now['four_hour_pct_today']}%" in tile(html, "wall-ed-four-hour")
    assert f" {ed_now['over_12h_now']} {ed_now['in_department_now']} in ED" in tile(
        html, "wall-ed-twelve-hour"
    )
    assert f" {minutes_text(c2['mean_response_s'])} ambition" in tile(html, "wall-cat2")
