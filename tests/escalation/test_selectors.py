"""Figures from the apps' board blocks, and the board's escalation block."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.beds.models import Organisation, Site, Ward
from apps.escalation import selectors
from apps.escalation.models import Alert
from apps.escalation.rules import Figures, OrganisationFigures, SiteFigures
from apps.escalation.selectors import board_escalation, escalation_figures, figures_build
from apps.escalation.services import alerts_evaluate

from .factories import make_alert

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def occupancy_block(occupied, available, pct, escalation_open=0):
    return {
        "occupied": occupied,
        "available": available,
        "pct": pct,
        "core_open": available - escalation_open,
        "escalation_open": escalation_open,
        "closed": 0,
        "bed_gap": 0,
    }


def handovers_block(longest_wait_min, mean_handover_min_today):
    return {
        "waiting_now": 1 if longest_wait_min else 0,
        "longest_wait_min": longest_wait_min,
        "arrivals_today": 10,
        "mean_handover_min_today": mean_handover_min_today,
        "over_30_today": 0,
        "over_60_today": 0,
        "lost_hours_today": 0.0,
    }


def mofd_block(p0, p1, p2, p3):
    return {
        "total": p0 + p1 + p2 + p3,
        "by_pathway": {"P0": p0, "P1": p1, "P2": p2, "P3": p3},
        "planned_today": 0,
        "awaiting_outcome": 0,
    }


@pytest.fixture
def blocks(estate, monkeypatch):
    """The apps' board functions answering in their documented shapes."""
    site = {s.code: s.pk for s in Site.objects.all()}
    org = {o.code: o.pk for o in Organisation.objects.all()}
    occupancy = {
        "system": None,
        "sites": {
            site["RWE-LRI"]: occupancy_block(29, 30, 96.7, escalation_open=2),
            site["RWE-GH"]: occupancy_block(25, 30, 83.3),
        },
        "last_sitrep_at": {
            site["RWE-LRI"]: NOW - timedelta(minutes=20),
            site["RWE-GH"]: NOW - timedelta(hours=9),
        },
    }
    handovers = {
        "system": None,
        "sites": {
            site["RWE-LRI"]: handovers_block(50, 35.0),
            site["RWE-GH"]: handovers_block(0, 12.0),
        },
    }
    mofd = {
        "system": None,
        "organisations": {
            org["RWE"]: mofd_block(10, 30, 15, 6),
            org["RT5"]: mofd_block(0, 9, 9, 9),
        },
    }
    virtual_wards = {
        "system": {"capacity": 60, "occupied": 42, "pct": 70.0, "per_100k": 5.9},
        "wards": [],
    }
    monkeypatch.setattr(selectors, "board_occupancy", lambda now: occupancy)
    monkeypatch.setattr(selectors, "board_handovers", lambda now: handovers)
    monkeypatch.setattr(selectors, "board_mofd", lambda now: mofd)
    monkeypatch.setattr(selectors, "board_virtual_wards", lambda now: virtual_wards)


def test_figures_are_built_from_the_board_blocks(blocks):
    figures = escalation_figures(now=NOW)
    lri = next(s for s in figures.sites if s.code == "RWE-LRI")
    assert lri == SiteFigures(
        code="RWE-LRI",
        organisation="RWE",
        occupancy_pct=96.7,
        available=30,
        escalation_open=2,
        occupied=29,
        longest_wait_min=50,
        mean_handover_min_today=35.0,
        last_sitrep_at=NOW - timedelta(minutes=20),
    )
    cch = next(s for s in figures.sites if s.code == "RT5-CCH")
    assert cch.occupancy_pct is None and cch.last_sitrep_at is None
    assert figures.organisation("RWE") == OrganisationFigures(
        code="RWE", is_acute=True, mofd_total=61, mofd_p1_p3=51, occupied_ga_adult=54
    )
    rt5 = figures.organisation("RT5")
    assert (rt5.is_acute, rt5.mofd_p1_p3, rt5.occupied_ga_adult) == (False, 27, None)
    assert figures.organisation("RX9").mofd_total is None
    assert figures.system.vw_utilisation_pct == 70.0


def test_evaluation_on_the_board_blocks_raises_the_expected_alerts(blocks):
    alerts_evaluate(now=NOW)
    assert {(a.rule_id, a.scope, a.severity) for a in Alert.objects.all()} == {
        ("site_occupancy", "RWE-LRI", "red"),
        ("ambulance_wait", "RWE-LRI", "red"),
        ("site_opel", "RWE-LRI", "amber"),
        ("mofd_p1_p3", "RWE", "amber"),
        ("vw_utilisation", "system", "amber"),
        ("stale_bed_sitrep", "RWE-GH", "red"),
    }


def test_board_escalation_gives_opel_and_its_reasons(blocks):
    make_alert(scope="RWE-LRI", severity="amber", raised_min=0)
    make_alert(rule="ambulance_wait", scope="RWE-LRI", severity="red", raised_min=-5)
    make_alert(rule="mofd_p1_p3", scope="RWE", severity="amber", raised_min=3)
    board = board_escalation(now=NOW)
    # LRI: occupancy 96.7 → 3, handover 35 → 3, escalation 2/30 = 6.7% → 3, MOFD 61/54 → 4
    assert board["site_opel"] == {"RT5-CCH": None, "RWE-GH": 2, "RWE-LRI": 3}
    assert board["site_opel_detail"]["RWE-LRI"] == {
        "level": 3,
        "parameters": {
            "occupancy_pct": {"value": 96.7, "level": 3},
            "mean_handover_min": {"value": 35.0, "level": 3},
            "escalation_pct": {"value": 6.7, "level": 3},
            "mofd_pct": {"value": 113.0, "level": 4},
            # No ED reports here: the ED parameters have no data and no level.
            "ed_four_hour_pct": {"value": None, "level": None},
            "ed_over_12h_pct": {"value": None, "level": None},
        },
    }
    # GH: occupancy 83.3 → 1, handover 12 → 1, escalation 0% → 1, MOFD → 4: 7/4 = 1.75 → 2
    assert board["site_opel_detail"]["RWE-GH"]["level"] == 2
    # Weighted by available beds (30 and 30): 2.5 → 3
    assert board["system_opel"] == 3
    assert board["open_alerts_by_scope"] == {"RWE-LRI": 2, "RWE": 1}
    assert [(a["rule"], a["severity"]) for a in board["alerts"]] == [
        ("ambulance_wait", "red"),
        ("mofd_p1_p3", "amber"),
        ("site_occupancy", "amber"),
    ]
    assert set(board["alerts"][0]) == {
        "id",
        "rule",
        "scope",
        "severity",
        "raised_at",
        "message",
        "acknowledged_by",
    }


def test_board_escalation_takes_figures_the_board_already_has(db):
    figures = Figures(
        sites=(SiteFigures(code="X", organisation="O", occupancy_pct=99.0, available=10),)
    )
    board = board_escalation(now=NOW, figures=figures)
    assert board["site_opel"] == {"X": 4} and board["system_opel"] == 4


def test_figures_build_accepts_blocks_without_data(estate):
    figures = figures_build(
        sites=selectors.board_sites(),
        organisations=Organisation.objects.all(),
        occupancy={"system": None, "sites": {}, "last_sitrep_at": {}},
        handovers={"system": None, "sites": {}},
        mofd={"system": None, "organisations": {}},
        virtual_wards={"system": None, "wards": []},
    )
    assert {s.code for s in figures.sites} == {"RWE-LRI", "RWE-GH", "RT5-CCH"}
    assert all(s.occupancy_pct is None for s in figures.sites)


def test_it_runs_on_whatever_the_apps_answer_today(estate):
    """No monkeypatching: the real board functions, whatever state they are in."""
    alerts_evaluate(now=NOW)
    board = board_escalation(now=NOW)
    assert set(board["site_opel"]) == {"RWE-LRI", "RWE-GH", "RT5-CCH"}
    open_scopes = Counter(a.scope for a in Alert.objects.open())
    assert board["open_alerts_by_scope"] == dict(open_scopes)
    assert len(board["alerts"]) == open_scopes.total()


def test_the_query_count_does_not_grow_with_the_estate(estate):
    make_alert()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            board_escalation(now=NOW)
        return len(queries)

    before = count()
    rwe = Organisation.objects.get(code="RWE")
    for n in range(5):
        site = Site.objects.create(code=f"RWE-X{n}", name=f"Extra {n}", organisation=rwe)
        Ward.objects.create(
            code=f"X{n}-W1", name="W1", site=site, bed_type="ga_adult", core_beds=10
        )
        make_alert(scope=site.code, raised_min=n)
    assert count() == before
