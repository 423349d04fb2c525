"""Two sitreps for the same ward at once: one wins cleanly, no duplicate rows, no 500."""

import threading
import time

import pytest
from django.db import connection

from apps.beds import services
from apps.beds.models import BedCurrent, Organisation, WardCurrent, WardState
from apps.sitreps import services as ingest
from apps.sitreps.services import sitrep_ingest

from .factories import bed_list, hours_ago, sitrep

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_apply(monkeypatch):
    """Hold each writer inside its transaction for a while after it claimed the ward, so the
    two submissions overlap for certain; and keep recompute messages off the broker."""
    real = services._bed_statuses_apply

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_bed_statuses_apply", slow)
    monkeypatch.setattr(ingest, "recompute_request", lambda: None)


def _race(bodies: list[dict]) -> list:
    organisation = Organisation.objects.get(code="RWE")
    barrier = threading.Barrier(len(bodies))
    results: list = [None] * len(bodies)

    def send(i: int) -> None:
        try:
            barrier.wait()
            results[i] = sitrep_ingest(kind="beds", body=bodies[i], organisation=organisation)
        except Exception as exc:  # a 500 in the view
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_sitreps_at_the_same_as_at_leave_one_state(estate, slow_apply):
    as_at = hours_ago(1)
    a = sitrep("RWE-LRI", as_at, bed_list("LRI-W23", 10, {"B01": "occupied"}))
    b = sitrep("RWE-LRI", as_at, bed_list("LRI-W23", 10, {"B01": "occupied", "B02": "occupied"}))
    results = _race([a, b])
    assert [getattr(r, "status", r) for r in results] == [201, 201]
    state = WardState.objects.get()  # one row for (ward, as_at)
    current = WardCurrent.objects.get()
    assert current.state_id == state.pk
    # The one that committed last is the correction that stands, bed statuses and all.
    winner = results[[r.submission_id for r in results].index(state.submission_id)]
    expected = 1 if winner is results[0] else 2
    assert state.occupied == expected
    assert BedCurrent.objects.count() == 10
    assert BedCurrent.objects.filter(status="occupied").count() == expected


def test_two_sitreps_at_different_times_leave_the_newer_current(estate, slow_apply):
    newer, older = hours_ago(1), hours_ago(2)
    a = sitrep("RWE-LRI", newer, bed_list("LRI-W23", 10, {"B01": "occupied"}))
    b = sitrep("RWE-LRI", older, bed_list("LRI-W23", 10, {"B05": "occupied"}))
    results = _race([a, b])
    assert [getattr(r, "status", r) for r in results] == [201, 201]
    assert WardState.objects.count() == 2
    current = WardCurrent.objects.select_related("state").get()
    assert current.as_at == newer and current.state.submission_id == results[0].submission_id
    occupied = set(BedCurrent.objects.filter(status="occupied").values_list("bed__code", flat=True))
    assert occupied == {"LRI-W23-B01"}
