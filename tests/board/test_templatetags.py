"""Pages colour figures with the escalation rules' own thresholds (data, not constants)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.board.templatetags import board as tags
from apps.escalation import selectors
from apps.escalation.models import EscalationRule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_thresholds(monkeypatch):
    monkeypatch.setattr(selectors, "_thresholds", (float("-inf"), {}))


def test_occupancy_turns_amber_at_92_and_red_at_95():
    assert [tags.occupancy_status(p) for p in (91.9, 92.0, 94.9, 95.0, None)] == [
        "ok",
        "amber",
        "amber",
        "red",
        "unknown",
    ]


def test_a_wait_breaches_only_strictly_over_30_and_45_minutes():
    assert [tags.wait_status(m) for m in (0, 30, 31, 45, 46, None)] == [
        "ok",
        "ok",
        "amber",
        "amber",
        "red",
        "ok",
    ]


def test_virtual_wards_are_amber_below_80_percent_and_sitreps_stale_after_4_and_8_hours():
    assert [tags.utilisation_status(p) for p in (79.9, 80.0)] == ["amber", "ok"]
    now = timezone.now()
    ages = [now - timedelta(hours=h) for h in (3.9, 4.5, 8.5)]
    assert [tags.staleness(t) for t in ages] == ["ok", "amber", "red"]
    assert tags.staleness(None) == "unknown"


def test_editing_a_rule_in_the_admin_recolours_the_pages(monkeypatch):
    EscalationRule.objects.filter(code="site_occupancy").update(amber=85, red=90)
    assert tags.occupancy_status(88.0) == "amber"
    assert tags.occupancy_status(91.0) == "red"
    EscalationRule.objects.filter(code="site_occupancy").update(enabled=False)
    monkeypatch.setattr(selectors, "_thresholds", (float("-inf"), {}))
    assert tags.occupancy_status(99.0) == "ok"
