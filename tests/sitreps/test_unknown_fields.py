"""Every sitrep kind: a field the contract does not define is refused, naming it, and its value
is never archived (``apps.sitreps.unknown``). Sitreps carry no personal details."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.beds.api.serializers import BedSitrepIn
from apps.core.localtime import local_date
from apps.discharge.models import MofdList, MofdPatient
from apps.sitreps.choices import Outcome
from apps.sitreps.models import Submission
from apps.sitreps.unknown import (
    REDACTED,
    UNKNOWN_FIELD,
    redacted,
    unknown_field_errors,
    unknown_field_paths,
)

SECRET = "Jane Smith, 9434765919"


def _at(minutes_ago: int = 30) -> str:
    return (timezone.now() - timedelta(minutes=minutes_ago)).replace(microsecond=0).isoformat()


def _mofd_on() -> str:
    return (local_date(timezone.now()) - timedelta(days=3)).isoformat()


# (kind's URL, sending organisation, body with one unknown field, its path in the 400)
CASES = {
    "discharge patient": (
        "/api/v1/sitreps/discharge/",
        "RWE",
        lambda: {"organisation": "RWE", "as_at": _at(), "patients": [
            {"ref": "P1", "nhs_number": "9434765919", "site": "RWE-LRI", "mofd_on": _mofd_on(),
             "pathway": "P1"},
            {"ref": "P2", "site": "RWE-LRI", "mofd_on": _mofd_on(), "pathway": "P2",
             "date_of_birth": SECRET},
        ]},
        ("patients", "1", "date_of_birth"),
    ),
    "discharged patient": (
        "/api/v1/sitreps/discharge/",
        "RWE",
        lambda: {"organisation": "RWE", "as_at": _at(), "patients": [],
                 "discharged": [{"ref": "P9", "discharged_at": _at(90), "name": SECRET}]},
        ("discharged", "0", "name"),
    ),
    "beds: a bed": (
        "/api/v1/sitreps/beds/",
        "RWE",
        lambda: {"site": "RWE-LRI", "as_at": _at(), "wards": [
            {"ward": "LRI-W22", "beds": [{"bed": "LRI-W22-B01", "status": "occupied",
                                          "patient": SECRET}]}]},
        ("wards", "0", "beds", "0", "patient"),
    ),
    "beds: counts": (
        "/api/v1/sitreps/beds/",
        "RWE",
        lambda: {"site": "RWE-LRI", "as_at": _at(), "wards": [
            {"ward": "LRI-W22", "counts": {"occupied": 20, "vacant": 8, "note": SECRET}}]},
        ("wards", "0", "counts", "note"),
    ),
    "handovers": (
        "/api/v1/sitreps/handovers/",
        "RX9",
        lambda: {"handovers": [{"incident": "RX9-1", "site": "RWE-LRI", "arrived_at": _at(),
                                "patient_name": SECRET}]},
        ("handovers", "0", "patient_name"),
    ),
    "virtual wards": (
        "/api/v1/sitreps/virtual-wards/",
        "RT5",
        lambda: {"as_at": _at(), "wards": [{"ward": "VW-FRAILTY", "capacity": 20, "occupied": 14,
                                            "patients": [SECRET]}]},
        ("wards", "0", "patients"),
    ),
    "incidents": (
        "/api/v1/sitreps/incidents/",
        "RX9",
        lambda: {"incidents": [{"incident": "RX9-2", "category": 2, "call_connected_at": _at(),
                                "caller": SECRET}]},
        ("incidents", "0", "caller"),
    ),
    "reap (top level)": (
        "/api/v1/sitreps/reap/",
        "RX9",
        lambda: {"level": 3, "declared_at": _at(), "declared_by": SECRET},
        ("declared_by",),
    ),
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(CASES))
def test_every_kind_refuses_an_unknown_field_naming_it_and_keeps_no_value(key_client, case):
    url, org, make_body, path = CASES[case]
    response = key_client(org).post(url, make_body(), format="json")

    assert response.status_code == 400, response.json()
    node = response.json()
    for key in path:
        node = node[key]
    assert node == [UNKNOWN_FIELD]
    sub = Submission.objects.get()
    assert sub.outcome == Outcome.REJECTED
    archived = sub.payload
    for key in path:
        archived = archived[int(key) if isinstance(archived, list) else key]
    assert archived == REDACTED
    assert SECRET not in str([sub.payload, sub.errors, sub.response])


@pytest.mark.django_db
def test_a_mofd_list_with_a_name_is_refused_whole(key_client):
    url, org, make_body, _path = CASES["discharge patient"]
    assert key_client(org).post(url, make_body(), format="json").status_code == 400
    assert not MofdList.objects.exists() and not MofdPatient.objects.exists()


@pytest.mark.django_db
def test_an_accepted_submission_is_archived_as_sent(key_client):
    """Nothing to redact: the contract's own fields (an NHS number on a MOFD list) are kept."""
    url, org, make_body, _path = CASES["discharge patient"]
    body = make_body()
    del body["patients"][1]["date_of_birth"]
    response = key_client(org).post(url, body, format="json")
    assert response.status_code == 201, response.json()
    assert Submission.objects.get().payload == body


# --------------------------------------------------------------------------- the rule, pure


def test_paths_are_found_at_every_depth_and_only_there():
    body = {
        "site": "RWE-LRI",
        "as_at": "2026-11-23T08:00:00+00:00",
        "extra": 1,
        "wards": [
            {"ward": "W1", "beds": [{"bed": "B1", "status": "occupied"}, {"bed": "B2", "x": 1}]},
            {"ward": "W2", "counts": {"occupied": 1, "vacant": 1, "y": {"z": 2}}},
            "not an object",
        ],
    }
    paths = list(unknown_field_paths(BedSitrepIn(data=body), body))
    assert paths == [
        ("extra",),
        ("wards", 0, "beds", 1, "x"),
        ("wards", 1, "counts", "y"),
    ]


def test_redaction_keeps_the_keys_and_leaves_the_original_alone():
    body = {"a": [{"keep": 1, "drop": {"deep": SECRET}}]}
    out = redacted(body, [("a", 0, "drop")])
    assert out == {"a": [{"keep": 1, "drop": REDACTED}]}
    assert body["a"][0]["drop"] == {"deep": SECRET}
    assert redacted(body, []) is body


def test_unknown_fields_join_the_serializers_errors():
    errors = {"wards": {0: {"ward": ["Bad."]}, "non_field_errors": ["x"]}, "as_at": ["Bad."]}
    merged = unknown_field_errors(errors, [("wards", 0, "note"), ("extra",)])
    assert merged == {
        "wards": {0: {"ward": ["Bad."], "note": [UNKNOWN_FIELD]}, "non_field_errors": ["x"]},
        "as_at": ["Bad."],
        "extra": [UNKNOWN_FIELD],
    }
    assert errors["wards"][0] == {"ward": ["Bad."]}  # not changed in place


@pytest.mark.django_db
def test_the_digest_of_a_body_with_unknown_fields_cannot_be_checked_against_guesses(key_client):
    """A plain SHA-256 of a body whose every other value is archived would let a reader try
    each NHS number in turn; the digest is keyed instead (the same body, the same digest)."""
    import hashlib
    import json

    url, org, make_body, _path = CASES["reap (top level)"]
    body = make_body()
    client = key_client(org)
    first = client.post(url, body, format="json", headers={"Idempotency-Key": "k"})
    assert first.status_code == 400
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = Submission.objects.get().body_sha256
    assert digest != hashlib.sha256(canonical.encode()).hexdigest()
    # A refusal holds no key (tests/sitreps/test_idempotency.py): checked again, same digest.
    again = client.post(url, body, format="json", headers={"Idempotency-Key": "k"})
    assert again.status_code == 400 and "Idempotent-Replayed" not in again
    assert set(Submission.objects.values_list("body_sha256", flat=True)) == {digest}
