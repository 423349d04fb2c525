"""The calls and actions API (API.md "System calls and actions")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.actions.models import Action, ActionTransition
from tests.escalation.factories import make_alert

pytestmark = pytest.mark.django_db

ACTIONS = "/api/v1/actions/"
CALLS = "/api/v1/calls/"


def body(**overrides):
    due = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    return {
        "text": "Open 4 escalation beds on ward 22",
        "owner_organisation": "RWE",
        "owner_name": "LRI site manager",
        "due_at": due.isoformat(),
        "scope": "RWE-LRI",
        "alert": None,
        "call": None,
    } | overrides


def post_action(client, **overrides):
    return client.post(ACTIONS, body(**overrides), format="json")


@pytest.mark.parametrize("persona", ["scc_client", "manager_client"])
def test_staff_of_any_role_write_and_keys_read(persona, request, estate, key_client):
    client = request.getfixturevalue(persona)
    created = post_action(client)
    assert created.status_code == 201, created.json()
    action = created.json()
    assert action["status"] == "open" and action["created_by"] == client.user.username
    assert set(action["effect"]) == {"at_created", "at_done", "after_4h", "after_24h"}
    assert set(action["effect"]["at_created"]) == {
        "ga_occupancy_pct",
        "longest_ambulance_wait_min",
        "ed_four_hour_pct",
    }
    listed = key_client("RT5").get(ACTIONS, {"status": "open", "owner": "RWE"})
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()] == [action["id"]]


def test_a_key_that_writes_is_403_and_no_credentials_401(estate, key_client, scc_client):
    key = key_client("RWE")
    assert post_action(key).status_code == 403
    assert key.post(CALLS, {"kind": "routine", "chair": "x"}, format="json").status_code == 403
    action_id = post_action(scc_client).json()["id"]
    assert key.post(f"{ACTIONS}{action_id}/done/", {}, format="json").status_code == 403
    assert key.post(f"{ACTIONS}{action_id}/cancel/", {}, format="json").status_code == 403
    anonymous = APIClient()
    assert anonymous.get(ACTIONS).status_code == 401
    assert anonymous.get(CALLS).status_code == 401
    assert post_action(anonymous).status_code == 401
    assert Action.objects.count() == 1


def test_a_second_done_or_cancel_is_409(estate, scc_client, manager_client):
    action_id = post_action(scc_client).json()["id"]
    done = manager_client.post(f"{ACTIONS}{action_id}/done/", {"note": "open"}, format="json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["done_by"], done.json()["note"]) == (
        "done",
        manager_client.user.username,
        "open",
    )
    assert done.json()["effect"]["at_done"] is not None
    again = scc_client.post(f"{ACTIONS}{action_id}/done/", {"note": "again"}, format="json")
    assert again.status_code == 409
    assert "already done" in again.json()["detail"]
    cancel = scc_client.post(f"{ACTIONS}{action_id}/cancel/", {}, format="json")
    assert cancel.status_code == 409
    assert ActionTransition.objects.filter(action_id=action_id).count() == 2


def test_cancel_records_who_and_when(estate, scc_client):
    action_id = post_action(scc_client).json()["id"]
    cancelled = scc_client.post(f"{ACTIONS}{action_id}/cancel/", {"note": "dup"}, format="json")
    assert cancelled.status_code == 200
    out = cancelled.json()
    assert (out["status"], out["cancelled_by"], out["note"]) == ("cancelled", "scc-user", "dup")
    assert out["cancelled_at"] and out["effect"]["at_done"] is None
    assert scc_client.post(f"{ACTIONS}999999/done/", {}, format="json").status_code == 404


def test_a_naive_due_time_is_400_and_a_past_one_is_overdue_at_once(estate, scc_client):
    naive = post_action(scc_client, due_at="2026-11-23T16:00:00")
    assert naive.status_code == 400
    assert "offset" in naive.json()["due_at"][0]
    past = (timezone.now() - timedelta(minutes=5)).isoformat()
    created = post_action(scc_client, due_at=past)
    assert created.status_code == 201 and created.json()["overdue"] is True
    overdue = scc_client.get(ACTIONS, {"status": "overdue"}).json()
    assert [a["id"] for a in overdue] == [created.json()["id"]]
    assert scc_client.get(ACTIONS, {"status": "nonsense"}).status_code == 400


@pytest.mark.parametrize(
    ("due_at", "words"),
    [
        ("9999-12-31T23:59:59-12:00", "more than a year ahead"),
        ("0001-01-01T00:00:00+05:00", "before 2000-01-01"),
        ("1999-12-31T23:00:00+00:00", "before 2000-01-01"),
        ("2100-01-01T00:00:00+00:00", "more than a year ahead"),
    ],
)
def test_a_due_time_beyond_the_years_an_action_spans_is_400_not_500(
    estate, scc_client, due_at, words
):
    response = post_action(scc_client, due_at=due_at)
    assert response.status_code == 400
    assert words in response.json()["due_at"][0]
    assert not Action.objects.exists()


def test_bad_items_are_named(estate, scc_client):
    response = post_action(scc_client, owner_organisation="NOPE", scope="NOWHERE", alert=12345)
    assert response.status_code == 400
    assert set(response.json()) == {"owner_organisation", "scope", "alert"}
    assert post_action(scc_client, text="").status_code == 400
    assert not Action.objects.exists()


def test_a_field_the_request_does_not_take_is_400_not_ignored(estate, scc_client):
    from apps.actions.models import SystemCall

    response = post_action(scc_client, status="done", nhs_number="9434765919")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"status", "nhs_number"} and "Unknown field" in errors["status"][0]
    assert not Action.objects.exists()
    # Beside the fields' own errors, and inside a call's declarations where it stands.
    both = post_action(scc_client, text="", colour="red").json()
    assert set(both) == {"text", "colour"}
    call = scc_client.post(
        CALLS,
        {"kind": "routine", "chair": "Jo", "declarations": [{"organisation": "RWE", "opel": 2,
                                                             "mood": "grim"}]},
        format="json",
    )  # fmt: skip
    assert call.status_code == 400
    assert "Unknown field" in call.json()["declarations"]["0"]["mood"][0]
    assert not SystemCall.objects.exists()


def test_an_action_for_an_alert_and_a_call(estate, scc_client):
    alert = make_alert(rule="site_occupancy", scope="RWE-LRI")
    call = scc_client.post(CALLS, {"kind": "escalation", "chair": "Jo"}, format="json").json()
    created = post_action(scc_client, alert=alert.pk, call=call["id"])
    assert created.status_code == 201
    assert (created.json()["alert"], created.json()["call"]) == (alert.pk, call["id"])
    detail = scc_client.get(f"{CALLS}{call['id']}/").json()
    assert [a["id"] for a in detail["actions"]] == [created.json()["id"]]


def test_a_call_freezes_the_board_document(estate, scc_client, key_client):
    response = scc_client.post(
        CALLS,
        {
            "kind": "routine",
            "chair": "SCC duty manager",
            "notes": "LRI ED busy",
            "declarations": [
                {"organisation": "RWE", "opel": 3, "comment": "14 DTAs"},
                {"organisation": "RT5", "opel": 2},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    call = response.json()
    assert call["actions"] == []
    board = key_client("RWE").get("/api/v1/board/").json()
    assert set(call["figures"]) == set(board)
    assert [s["code"] for s in call["figures"]["sites"]] == [s["code"] for s in board["sites"]]
    declared = {d["organisation"]: d for d in call["declarations"]}
    assert declared["RWE"] == {
        "organisation": "RWE",
        "opel": 3,
        "computed_opel": None,
        "comment": "14 DTAs",
    }
    read = key_client("RT5").get(f"{CALLS}{call['id']}/")
    assert read.status_code == 200 and read.json()["figures"] == call["figures"]
    assert [c["id"] for c in key_client("RT5").get(CALLS).json()] == [call["id"]]
    assert key_client("RT5").get(f"{CALLS}999999/").status_code == 404


def test_a_call_names_a_bad_declaration(estate, scc_client):
    response = scc_client.post(
        CALLS,
        {"kind": "routine", "chair": "x", "declarations": [{"organisation": "NOPE", "opel": 5}]},
        format="json",
    )
    assert response.status_code == 400
    assert "opel" in response.json()["declarations"]["0"]
    response = scc_client.post(
        CALLS,
        {"kind": "routine", "chair": "x", "declarations": [{"organisation": "NOPE", "opel": 2}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "declarations": {"0": {"organisation": ["Unknown organisation NOPE."]}}
    }


def test_the_board_counts_open_and_overdue_actions(estate, scc_client, key_client):
    post_action(scc_client)
    post_action(scc_client, due_at=(timezone.now() - timedelta(minutes=1)).isoformat())
    done = post_action(scc_client).json()["id"]
    scc_client.post(f"{ACTIONS}{done}/done/", {}, format="json")
    board = key_client("RWE").get("/api/v1/board/").json()
    assert board["system"]["actions"] == {"open": 2, "overdue": 1}


def test_the_schema_describes_the_endpoints(scc_client):
    schema = scc_client.get("/api/v1/schema/", {"format": "json"}).json()
    for path in ("/api/v1/calls/", "/api/v1/actions/", "/api/v1/actions/{id}/done/"):
        assert path in schema["paths"], path
    post = schema["paths"]["/api/v1/actions/"]["post"]
    assert "examples" in post["requestBody"]["content"]["application/json"]
    assert {"201", "400", "401", "403"} <= set(post["responses"])
    assert "409" in schema["paths"]["/api/v1/actions/{id}/done/"]["post"]["responses"]
