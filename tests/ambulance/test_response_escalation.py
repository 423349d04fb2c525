"""The cat2_mean rule (DOMAIN.md "Escalation"): an ambulance service's C2 mean today raises,
steps and closes its alert as the figures move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.ambulance.models import Incident
from apps.beds.models import Organisation
from apps.escalation.models import Alert
from apps.escalation.rules import Figures, OrganisationFigures, RuleSpec, alerts_desired
from apps.escalation.services import alerts_evaluate
from apps.sitreps.services import sitrep_ingest

pytestmark = pytest.mark.django_db

# Noon local (GMT) on a weekday; every time below is on that local day and before ``NOW``.
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def c2(org, name: str, minutes: float):
    body = {
        "incidents": [
            {
                "incident": name,
                "category": 2,
                "call_connected_at": T0.isoformat(),
                "dispatched_at": T0.isoformat(),
                "at_scene_at": (T0 + timedelta(minutes=minutes)).isoformat(),
            }
        ]
    }
    result = sitrep_ingest(kind="incidents", organisation=org, body=body, now=NOW)
    assert result.status == 201, result.body


def test_the_rule_measures_ambulance_services_with_a_c2_mean_only():
    figures = Figures(
        organisations=(
            OrganisationFigures(code="RX9", cat2_mean_min=30.5),
            OrganisationFigures(code="RYA", cat2_mean_min=None),
            OrganisationFigures(code="RWE", is_acute=True),
        )
    )
    desired = alerts_desired(
        figures=figures,
        rules=[RuleSpec("cat2_mean", 30, 60)],
        now=NOW,
        opel_thresholds={
            "occupancy_pct": (92, 95, 98),
            "mean_handover_min": (15, 30, 60),
            "escalation_pct": (2, 5, 10),
            "mofd_pct": (10, 15, 20),
        },
    )
    assert list(desired) == [("cat2_mean", "RX9")]
    condition = desired[("cat2_mean", "RX9")]
    assert condition.severity == "amber" and condition.scope_kind == "organisation"
    assert "C2 mean response today 30.5 min" in condition.message


def test_alerts_raise_escalate_and_close_as_the_c2_mean_moves(estate):
    rx9 = Organisation.objects.get(code="RX9")
    c2(rx9, "A", 30)  # mean exactly 30 min: not over
    alerts_evaluate(now=NOW)
    assert not Alert.objects.filter(rule_id="cat2_mean").exists()

    c2(rx9, "B", 40)  # mean 35 min: amber
    alerts_evaluate(now=NOW)
    alert = Alert.objects.open().get(rule_id="cat2_mean")
    assert (alert.scope, alert.severity) == ("RX9", "amber")

    c2(rx9, "C", 200)  # mean 90 min: red
    alerts_evaluate(now=NOW)
    alert.refresh_from_db()
    assert alert.severity == "red" and alert.closed_at is None

    # A correction brings the long response down: mean (30 + 40 + 10) / 3 = 26:40, closed.
    c2(rx9, "C", 10)
    assert Incident.objects.get(incident="C").response_s == 600
    alerts_evaluate(now=NOW)
    alert.refresh_from_db()
    assert alert.closed_at is not None


def test_the_minute_beat_tells_the_board_while_999_calls_wait(estate):
    from django.utils import timezone

    from apps.ambulance.tasks import refresh_live_waits
    from apps.board.events import panel_events
    from apps.core.events import figures_changed

    seen = []

    def receiver(sender, changed, **kwargs):
        seen.append(changed)

    figures_changed.connect(receiver)
    try:
        refresh_live_waits()
        assert seen == []
        connected = timezone.now() - timedelta(minutes=10)
        body = {
            "incidents": [
                {"incident": "W", "category": 2, "call_connected_at": connected.isoformat()}
            ]
        }
        rx9 = Organisation.objects.get(code="RX9")
        assert sitrep_ingest(kind="incidents", organisation=rx9, body=body).status == 201
        refresh_live_waits()
        assert seen == [{"ambulance_response:RX9"}]
    finally:
        figures_changed.disconnect(receiver)
    assert panel_events({"ambulance_response:RX9"}) == ["ambulance", "board"]


def test_an_ambulance_services_organisation_opel_is_its_reap_level(estate):
    from apps.escalation.rules import opel_organisation
    from apps.escalation.selectors import board_escalation, escalation_figures

    ambulance = OrganisationFigures(code="RX9", is_ambulance=True, reap_level=3)
    assert opel_organisation(ambulance, [(1, 100)]) == 3
    acute = OrganisationFigures(code="RWE", is_acute=True)
    assert opel_organisation(acute, [(2, 100), (4, 100), (None, 50)]) == 3
    assert opel_organisation(acute, []) is None

    rx9 = Organisation.objects.get(code="RX9")
    now = datetime.now(UTC)
    assert board_escalation(now=now)["organisation_opel"]["RX9"] is None
    result = sitrep_ingest(
        kind="reap",
        organisation=rx9,
        body={"level": 4, "declared_at": (now - timedelta(minutes=5)).isoformat()},
    )
    assert result.status == 201
    figures = escalation_figures(now=now)
    assert board_escalation(now=now, figures=figures)["organisation_opel"]["RX9"] == 4
