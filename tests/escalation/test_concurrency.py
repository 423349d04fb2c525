"""Two evaluations at once, in two threads with their own connections, on a real PostgreSQL."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from apps.escalation import services
from apps.escalation.models import Alert, AlertTransition

# No serialized_rollback: mixed with other transactional tests it reloads content types that
# their flush already recreated. The default rules are loaded here instead.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def default_rules(transactional_db):
    import importlib

    from django.apps import apps

    importlib.import_module("apps.escalation.migrations.0002_default_rules").load_defaults(
        apps, None
    )


NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def evaluate_together(monkeypatch) -> list[set[str]]:
    """Run two evaluations that both read the open alerts before either writes."""
    barrier = threading.Barrier(2, timeout=10)
    read_open_alerts = services._open_alerts

    def read_then_wait():
        found = read_open_alerts()
        barrier.wait()
        return found

    monkeypatch.setattr(services, "_open_alerts", read_then_wait)
    results, errors = [], []

    def run():
        try:
            results.append(services.alerts_evaluate(now=NOW))
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    monkeypatch.setattr(services, "_open_alerts", read_open_alerts)
    assert errors == []
    return results


def test_two_evaluations_at_once_open_one_alert(figures, monkeypatch):
    figures.set_sites(S={"occupancy_pct": 99.0})
    results = evaluate_together(monkeypatch)
    assert sorted(results, key=len) == [set(), {"S"}]
    assert Alert.objects.count() == 1
    assert list(AlertTransition.objects.values_list("kind", flat=True)) == ["raised"]


def test_two_evaluations_at_once_escalate_once(figures, monkeypatch):
    figures.set_sites(S={"occupancy_pct": 93.0})
    services.alerts_evaluate(now=NOW)
    figures.set_sites(S={"occupancy_pct": 99.0})
    evaluate_together(monkeypatch)
    alert = Alert.objects.get()
    assert alert.severity == "red"
    assert list(alert.transitions.values_list("kind", flat=True)) == ["raised", "escalated"]


def test_two_evaluations_at_once_close_once(figures, monkeypatch):
    figures.set_sites(S={"occupancy_pct": 99.0})
    services.alerts_evaluate(now=NOW)
    figures.set_sites(S={"occupancy_pct": 50.0})
    evaluate_together(monkeypatch)
    alert = Alert.objects.get()
    assert alert.closed_at == NOW
    assert list(alert.transitions.values_list("kind", flat=True)) == ["raised", "closed"]
