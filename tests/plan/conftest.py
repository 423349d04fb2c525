"""Helpers for the plan tests: stored figures of each kind the plan measures."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from apps.ambulance.models import Handover
from apps.beds.models import OccupancySnapshot, Organisation, Site
from apps.sitreps.choices import Outcome, SitrepKind
from apps.sitreps.models import Submission
from apps.sitreps.services import sitrep_ingest


@pytest.fixture
def snapshot(estate):
    """``snapshot(site_code_or_None, taken_at, available)``: adult G&A figures as at a time
    (the bed recompute's history), all available beds occupied but one."""
    sites = {s.code: s for s in Site.objects.all()}

    def make(site: str | None, taken_at: datetime, available: int) -> None:
        OccupancySnapshot.objects.create(
            site=sites[site] if site else None,
            bed_type="ga_adult",
            taken_at=taken_at,
            occupied=available - 1,
            vacant=1,
            closed=0,
            escalation_open=0,
            wards_reporting=1,
            wards_total=1,
        )

    return make


@pytest.fixture
def arrival(estate):
    """``arrival(site, arrived_at, minutes=None)``: an ambulance arrival handed over after
    ``minutes`` (``None``: still waiting)."""
    ambulance = Organisation.objects.get(code="RX9")
    submission = Submission.objects.create(
        kind=SitrepKind.HANDOVERS,
        organisation=ambulance,
        outcome=Outcome.ACCEPTED,
        status_code=201,
        body_sha256="test",
    )
    sites = {s.code: s for s in Site.objects.all()}
    counter = iter(range(1, 10**6))

    def make(site: str, arrived_at: datetime, minutes: int | None = None) -> Handover:
        return Handover.objects.create(
            organisation=ambulance,
            incident=f"RX9-P{next(counter):06d}",
            site=sites[site],
            arrived_at=arrived_at,
            handover_at=None if minutes is None else arrived_at + timedelta(minutes=minutes),
            submission=submission,
        )

    return make


@pytest.fixture
def vw_census(estate):
    """``vw_census(org, as_at, (ward, capacity, occupied), ...)`` through the ingest."""

    def post(org: str, as_at: datetime, *wards: tuple[str, int, int]) -> None:
        result = sitrep_ingest(
            kind="virtual_wards",
            body={
                "as_at": as_at.isoformat(),
                "wards": [{"ward": w, "capacity": c, "occupied": o} for w, c, o in wards],
            },
            organisation=Organisation.objects.get(code=org),
            now=as_at + timedelta(minutes=1),
        )
        assert result.status == 201, result.body

    return post


@pytest.fixture
def incident(estate):
    """``incident(connected_at, minutes, category=2, now=...)``: a 999 incident through the
    ingest, its category known at connection and a vehicle at scene ``minutes`` later
    (``None``: not yet; ``"stood_down"``: stood down without arriving)."""
    counter = iter(range(1, 10**6))

    def post(connected_at: datetime, minutes, *, category: int = 2, now: datetime) -> None:
        item = {
            "incident": f"RX9-PLAN-{next(counter):05d}",
            "category": category,
            "call_connected_at": connected_at.isoformat(),
            "identified_at": connected_at.isoformat(),
            "dispatched_at": None,
            "at_scene_at": None,
            "stood_down_at": None,
        }
        if minutes == "stood_down":
            item["stood_down_at"] = (connected_at + timedelta(minutes=5)).isoformat()
        elif minutes is not None:
            item["at_scene_at"] = (connected_at + timedelta(minutes=minutes)).isoformat()
        result = sitrep_ingest(
            kind="incidents",
            body={"incidents": [item]},
            organisation=Organisation.objects.get(code="RX9"),
            now=now,
        )
        assert result.status == 201, result.body

    return post
