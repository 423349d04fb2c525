"""The ED on the board (API.md "Board additions"), its rules and OPEL parameters, and the
live refresh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.beds.estate import estate_load
from apps.board.selectors import board_build
from apps.emergency.services import emergency_live_refresh
from apps.escalation.models import Alert
from apps.escalation.services import alerts_evaluate
from tests.conftest import estate_with_extra_sites

from .conftest import item, post, recompute_all

pytestmark = pytest.mark.django_db

BOARD = "/api/v1/board/"


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def _site(board, code):
    return next(s for s in board["sites"] if s["code"] == code)


def test_the_board_carries_each_ed_and_the_system_sum(rwe, now):
    left = now - timedelta(minutes=1)
    response = post(
        rwe,
        # LRI type 1: one met (3 h), one not (5 h); one waiting for a bed for 90 min.
        item("1", arrived=left - timedelta(hours=3), departed=left, disposition="discharged"),
        item(
            "2",
            arrived=left - timedelta(hours=5),
            dta=left - timedelta(hours=4),
            departed=left,
            disposition="admitted",
        ),
        item("3", arrived=now - timedelta(hours=13), dta=now - timedelta(minutes=90)),
        # GH type 3: met; and one in the department for 20 min.
        item(
            "4",
            "RWE-GH",
            arrived=left - timedelta(hours=1),
            departed=left,
            disposition="discharged",
            department_type=3,
        ),
        item("5", "RWE-GH", arrived=now - timedelta(minutes=20), department_type=3),
    )
    assert response.status_code == 201, response.json()
    recompute_all()
    board = board_build(now=now)
    lri = _site(board, "RWE-LRI")["emergency"]
    assert lri["in_department_now"] == 1
    assert lri["over_12h_now"] == 1
    assert lri["awaiting_bed_now"] == 1
    assert lri["longest_dta_wait_min"] == 90
    assert lri["four_hour_pct_today"] == 50.0
    assert lri["type1_four_hour_pct_today"] == 50.0
    gh = _site(board, "RWE-GH")["emergency"]
    assert gh["longest_dta_wait_min"] is None
    assert gh["type1_four_hour_pct_today"] is None
    assert _site(board, "RT5-CCH")["emergency"] is None  # reports no ED
    system = board["system"]["emergency"]
    assert system["in_department_now"] == 2
    assert system["over_12h_now"] == 1
    assert system["longest_dta_wait_min"] == 90
    # Pooled from the summed counts: 2 of 3 met (not the mean of 50.0 and 100.0).
    assert system["four_hour_pct_today"] == 66.7
    assert system["type1_four_hour_pct_today"] == 50.0
    # Minutes accrue with no new data.
    later = board_build(now=now + timedelta(minutes=10))
    assert _site(later, "RWE-LRI")["emergency"]["longest_dta_wait_min"] == 100


def test_the_board_json_renders_exactly_as_its_serializer(scc_client, rwe, key_client, now):
    """``GET /api/v1/board/`` renders ``BoardOut`` by a plan (``apps.core.representation``):
    byte for byte what DRF's own rendering gives, ED blocks, nulls, alerts and times included."""
    from rest_framework.renderers import JSONRenderer

    from apps.board.api.serializers import BoardOut

    left = now - timedelta(minutes=1)
    post(
        rwe,
        item("1", arrived=left - timedelta(hours=5), departed=left, disposition="discharged"),
        item("2", arrived=now - timedelta(hours=13), dta=now - timedelta(minutes=90)),
    )
    beds = key_client("RWE").post(
        "/api/v1/sitreps/beds/",
        {"site": "RWE-LRI", "as_at": left.isoformat(), "wards": [
            {"ward": "LRI-W22", "counts": {"occupied": 15, "vacant": 5}}]},
        format="json",
    )  # fmt: skip
    assert beds.status_code == 201, beds.json()
    recompute_all()
    alerts_evaluate(now=now)
    board = board_build(now=now)
    assert board["alerts"] and _site(board, "RWE-LRI")["last_sitrep_at"] is not None

    from apps.core.representation import represent

    fast, drf = represent(BoardOut, board), BoardOut(board).data
    assert fast == drf
    assert JSONRenderer().render(fast) == JSONRenderer().render(drf)
    served = scc_client.get(BOARD).json()
    assert served.keys() == drf.keys() and len(served["sites"]) == len(drf["sites"])


def test_without_any_ed_the_blocks_are_null(scc_client, estate):
    board = scc_client.get(BOARD).json()
    assert board["system"]["emergency"] is None
    assert all(site["emergency"] is None for site in board["sites"])


def test_the_board_query_count_is_pinned_and_does_not_grow_with_eds(scc_client, rwe, now):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert scc_client.get(BOARD).status_code == 200
        return len(ctx)

    post(rwe, item("A1", arrived=now - timedelta(hours=1)))
    recompute_all()
    scc_client.get("/")  # the rules' thresholds are then held for 15 s
    small = count()
    estate_load(document=estate_with_extra_sites(20))
    post(
        rwe,
        *[item(f"X{i}", f"RWE-X{i}", arrived=now - timedelta(hours=2)) for i in range(20)],
    )
    recompute_all()
    assert count() == small
    # The ED blocks cost one query (each ED with today's row and who is in its department).
    assert small == BOARD_QUERIES


# Pinned: the board's other queries (ambulance response, actions) plus the one ED query.
BOARD_QUERIES = 17


def test_ed_rules_raise_and_close_as_the_figures_move(rwe, now):
    left = now - timedelta(minutes=2)
    # Three of four departures over four hours: 25% → red.
    post(
        rwe,
        *[
            item(f"L{i}", arrived=left - timedelta(hours=5), departed=left, disposition="left")
            for i in range(3)
        ],
        item("M0", arrived=left - timedelta(hours=1), departed=left, disposition="discharged"),
        item("W", arrived=now - timedelta(hours=12, seconds=1)),
    )
    recompute_all()
    alerts_evaluate(now=now)
    open_alerts = {(a.rule_id, a.scope): a.severity for a in Alert.objects.open()}
    assert open_alerts[("ed_four_hour", "RWE-LRI")] == "red"
    assert open_alerts[("ed_twelve_hour", "RWE-LRI")] == "amber"
    # Twenty departures that met: 21 of 25 = 84.0%, past 76 by more than the 2-point
    # deadband; the long wait leaves (12 h 0 min 1 s: not met).
    post(
        rwe,
        *[
            item(
                f"M{i}",
                arrived=left - timedelta(hours=1),
                departed=left,
                disposition="discharged",
            )
            for i in range(1, 21)
        ],
        item(
            "W", arrived=now - timedelta(hours=12, seconds=1), departed=now, disposition="admitted"
        ),
    )
    recompute_all()
    alerts_evaluate(now=now)
    assert not Alert.objects.open().filter(rule__in=["ed_four_hour", "ed_twelve_hour"]).exists()


def test_the_ed_opel_parameters_are_among_the_drivers(rwe, now):
    left = now - timedelta(minutes=2)
    post(
        rwe,
        item("L0", arrived=left - timedelta(hours=5), departed=left, disposition="left"),
        item("W", arrived=now - timedelta(hours=13)),
    )
    recompute_all()
    board = board_build(now=now, detail=True)
    parameters = _site(board, "RWE-LRI")["opel_detail"]["parameters"]
    assert parameters["ed_four_hour_pct"] == {"value": 0.0, "level": 4}
    assert parameters["ed_over_12h_pct"] == {"value": 100.0, "level": 4}
    assert _site(board, "RWE-LRI")["opel"] == 4


def test_the_live_refresh_names_eds_with_patients_and_is_idle_otherwise(rwe, now):
    with CaptureQueriesContext(connection) as idle:
        assert emergency_live_refresh(now=now) == set()
    assert len(idle) == 1
    post(rwe, item("A1", arrived=now - timedelta(hours=1)))
    assert emergency_live_refresh(now=now) == {"emergency:RWE-LRI"}
