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
