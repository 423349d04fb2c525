"""The demo's EMAS: a day of incidents the real ingest accepts, a C2 mean that rises with
LRI's handover queue, and REAP declarations."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta

import pytest

from apps.ambulance.response_selectors import response_daily
from apps.beds.models import Organisation
from apps.sitreps.services import sitrep_ingest
from demo.response import ResponseSim, reap_for
from demo.simulator import World

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_the_backfill_is_a_day_so_far_that_the_ingest_accepts(estate):
    sim = ResponseSim()
    batches = sim.backfill(NOW)
    count = sum(len(b["incidents"]) for b in batches)
    assert 450 <= count <= 750  # ~800 a day; 18 of 24 hours, quieter at night
    assert all(len(b["incidents"]) <= 1000 for b in batches)
    rx9 = Organisation.objects.get(code="RX9")
    for body in batches:
        result = sitrep_ingest(kind="incidents", organisation=rx9, body=body, now=NOW)
        assert result.status == 201, str(result.body)[:500]
    day = response_daily(day=NOW.date())["total"]["categories"]
    assert day["2"]["incidents"] > day["1"]["incidents"] > 0
    assert 15 * 60 < day["2"]["mean_response_s"] < 60 * 60
    # Later posts carry only what is new; the ingest merges them.
    sim.calls_between(NOW, NOW + timedelta(minutes=30), waiting_at_lri=0)
    later = sim.batch(NOW + timedelta(hours=3))
    result = sitrep_ingest(
        kind="incidents", organisation=rx9, body=later, now=NOW + timedelta(hours=3)
    )
    assert result.status == 201, str(result.body)[:500]


def _c2_minutes(waiting_at_lri: int) -> float:
    sim = ResponseSim()
    sim.calls_between(NOW, NOW + timedelta(days=2), waiting_at_lri=waiting_at_lri)
    starts = [
        (c.at_scene - min(c.identified, c.dispatched, c.connected + timedelta(seconds=240)))
        for c in sim.calls.values()
        if c.category == 2 and c.at_scene
    ]
    return statistics.mean(s.total_seconds() / 60 for s in starts)


def test_the_c2_mean_rises_when_crews_wait_at_lri():
    assert _c2_minutes(10) > _c2_minutes(0) * 1.5


def test_reap_follows_the_handover_queue_and_is_declared_on_change():
    assert [reap_for(n) for n in (0, 4, 8)] == [2, 3, 4]
    sim = ResponseSim()
    assert sim.reap_change(NOW, waiting_at_lri=9)["level"] == 4
    assert sim.reap_change(NOW, waiting_at_lri=10) is None


@pytest.mark.django_db
def test_a_batch_that_was_not_accepted_is_sent_again_whole(estate):
    # The simulator used to count a batch as sent before posting it: when the web was not up
    # yet at start, the whole backfill was lost and every later update of those calls (without
    # their category) was refused with 400 for the rest of the day.
    sim = ResponseSim()
    sim.calls_between(NOW - timedelta(hours=2), NOW - timedelta(hours=1), waiting_at_lri=0)
    first = sim.batch(NOW - timedelta(hours=1))  # never reached the service
    assert first and all("category" in item for item in first["incidents"])
    again = sim.batch(NOW)
    assert {i["incident"] for i in again["incidents"]} == {
        i["incident"] for i in first["incidents"]
    }
    assert all("category" in item for item in again["incidents"])
    rx9 = Organisation.objects.get(code="RX9")
    result = sitrep_ingest(kind="incidents", organisation=rx9, body=again, now=NOW)
    assert result.status == 201, str(result.body)[:500]
    sim.confirm()
    assert sim.batch(NOW) is None  # everything known was accepted


@pytest.mark.django_db
def test_a_restarted_simulator_never_reuses_an_earlier_runs_incident_numbers(estate):
    rx9 = Organisation.objects.get(code="RX9")
    for run in ("20261122180000", "20261123180000"):
        sim = ResponseSim(run=run)
        sim.calls_between(NOW - timedelta(hours=1), NOW, waiting_at_lri=0)
        body = sim.batch(NOW)
        assert all(i["incident"].startswith(f"RX9-{run}-") for i in body["incidents"])
        result = sitrep_ingest(kind="incidents", organisation=rx9, body=body, now=NOW)
        assert result.status == 201, str(result.body)[:500]


def test_a_restarted_simulators_arrivals_use_its_own_incident_numbers():
    # Numbered RX9-000001… on every start, a restart's arrivals merged into the last run's
    # held incidents and whole handover batches were refused ("Clear is before handover").
    world = World(wards=[], virtual_wards=[], organisation_sites={}, incident_prefix="RX9-Hrun2")
    batch = world.handover_batch(NOW, timedelta(hours=2))
    assert batch["handovers"]
    assert all(item["incident"].startswith("RX9-Hrun2-") for item in batch["handovers"])
