import pytest
from rest_framework.test import APIClient

from apps.accounts.choices import AuditAction
from apps.accounts.models import AuditEvent
from apps.escalation.models import Alert

from .factories import make_alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(scc_client):
    """An open one, an open acknowledged one (newest) and a closed one."""
    return {
        "open": make_alert(scope="RWE-LRI", raised_min=0),
        "acknowledged": make_alert(
            rule="ambulance_wait",
            scope="RWE-GH",
            severity="amber",
            raised_min=10,
            acknowledged_by=scc_client.user,
            note="Cohorting in corridor.",
        ),
        "closed": make_alert(scope="RWE-GH", raised_min=-60, closed_min=-30),
    }


def ids(response):
    return [a["id"] for a in response.json()]


def test_open_lists_every_alert_not_yet_closed_newest_first(scc_client, alerts):
    response = scc_client.get("/api/v1/alerts/?status=open")
    assert response.status_code == 200
    assert ids(response) == [alerts["acknowledged"].pk, alerts["open"].pk]
    first = response.json()[0]
    assert {k: first[k] for k in ("rule", "scope", "severity", "acknowledged_by")} == {
        "rule": "ambulance_wait",
        "scope": "RWE-GH",
        "severity": "amber",
        "acknowledged_by": "scc-user",
    }
    assert first["acknowledgement_note"] == "Cohorting in corridor."
    assert first["raised_at"] == "2026-11-23T09:10:00Z" and first["closed_at"] is None


def test_acknowledged_lists_open_acknowledged_alerts(scc_client, alerts):
    response = scc_client.get("/api/v1/alerts/?status=acknowledged")
    assert ids(response) == [alerts["acknowledged"].pk]


def test_closed_lists_ended_alerts(scc_client, alerts):
    response = scc_client.get("/api/v1/alerts/?status=closed")
    assert ids(response) == [alerts["closed"].pk]
    assert response.json()[0]["closed_at"] == "2026-11-23T08:30:00Z"


def test_without_a_status_the_open_alerts_are_listed(scc_client, alerts):
    assert ids(scc_client.get("/api/v1/alerts/")) == [
        alerts["acknowledged"].pk,
        alerts["open"].pk,
    ]


def test_a_bad_status_is_400_naming_it(scc_client, alerts):
    response = scc_client.get("/api/v1/alerts/?status=everything")
    assert response.status_code == 400 and "status" in response.json()


def test_a_provider_key_reads_alerts(key_client, alerts):
    assert key_client("RWE").get("/api/v1/alerts/?status=open").status_code == 200


def test_anonymous_is_401(alerts):
    client = APIClient()
    assert client.get("/api/v1/alerts/").status_code == 401
    response = client.post(
        f"/api/v1/alerts/{alerts['open'].pk}/acknowledge/", {"note": "x"}, format="json"
    )
    assert response.status_code == 401


def test_a_provider_key_may_not_acknowledge(key_client, alerts):
    response = key_client("RWE").post(
        f"/api/v1/alerts/{alerts['open'].pk}/acknowledge/", {"note": "On it."}, format="json"
    )
    assert response.status_code == 403
    assert Alert.objects.get(pk=alerts["open"].pk).acknowledged_at is None


@pytest.mark.parametrize("persona", ["scc_client", "manager_client", "admin_client"])
def test_staff_sessions_acknowledge_with_a_note(persona, request, alerts):
    client = request.getfixturevalue(persona)
    alert = alerts["open"]
    response = client.post(
        f"/api/v1/alerts/{alert.pk}/acknowledge/", {"note": "Escalation ward open."}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == alert.pk
    assert body["acknowledged_by"] == client.user.username
    assert body["acknowledgement_note"] == "Escalation ward open."
    assert body["acknowledged_at"] is not None
    transition = alert.transitions.get(kind="acknowledged")
    assert (transition.by, transition.note) == (client.user, "Escalation ward open.")
    event = AuditEvent.objects.get(action=AuditAction.ALERT_ACKNOWLEDGED)
    assert event.user == client.user and event.detail["alert"] == alert.pk
    assert event.ip == "127.0.0.1"


@pytest.mark.parametrize("body", [{"note": ""}, {"note": "   "}, {}])
def test_an_empty_note_is_400_naming_the_field(scc_client, alerts, body):
    response = scc_client.post(
        f"/api/v1/alerts/{alerts['open'].pk}/acknowledge/", body, format="json"
    )
    assert response.status_code == 400 and "note" in response.json()
    assert not alerts["open"].transitions.filter(kind="acknowledged").exists()


def test_a_closed_alert_is_400(scc_client, alerts):
    response = scc_client.post(
        f"/api/v1/alerts/{alerts['closed'].pk}/acknowledge/", {"note": "late"}, format="json"
    )
    assert response.status_code == 400 and "alert" in response.json()
    assert not AuditEvent.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGED).exists()


def test_an_unknown_alert_is_404(scc_client, alerts):
    response = scc_client.post("/api/v1/alerts/999999/acknowledge/", {"note": "?"}, format="json")
    assert response.status_code == 404


def test_the_schema_describes_the_alert_endpoints(scc_client):
    schema = scc_client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/alerts/" in schema and "/api/v1/alerts/{id}/acknowledge/" in schema
