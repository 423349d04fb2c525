"""``Idempotency-Key`` over the API: its length limit, and which answers hold a key."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.sitreps.choices import Outcome
from apps.sitreps.models import Submission
from apps.sitreps.services import IDEMPOTENCY_KEY_MAX

pytestmark = pytest.mark.django_db

URL = "/api/v1/sitreps/virtual-wards/"


def census(occupied: int, *, ward: str = "VW-ASTHMA", capacity: int = 40) -> dict:
    as_at = (timezone.now() - timedelta(minutes=30)).replace(microsecond=0).isoformat()
    return {"as_at": as_at, "wards": [{"ward": ward, "capacity": capacity, "occupied": occupied}]}


def post(client, body, key):
    return client.post(URL, body, format="json", headers={"Idempotency-Key": key})


def test_a_key_over_the_limit_is_refused_naming_the_header_and_never_cut(key_client):
    rwe = key_client("RWE")
    stem = "k" * IDEMPOTENCY_KEY_MAX
    first = post(rwe, census(14), stem + "A")
    assert first.status_code == 400
    assert first.json()["detail"].startswith("Idempotency-Key: at most 200 characters")
    second = post(rwe, census(15), stem + "B")
    assert second.status_code == 400  # not a 409 against the first: neither was taken
    assert not Submission.objects.filter(outcome=Outcome.ACCEPTED).exists()
    # Both refusals are archived, under no key (nothing kept under a cut key).
    assert list(Submission.objects.values_list("idempotency_key", flat=True)) == [None, None]


def test_a_key_with_characters_http_cannot_carry_intact_is_refused(key_client):
    rwe = key_client("RWE")
    # A UTF-8 key reaches the server read as Latin-1 (what WSGI does with header bytes).
    garbled = "clé-1".encode().decode("latin-1")
    response = post(rwe, census(14), garbled)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Idempotency-Key: printable ASCII")
    assert not Submission.objects.filter(outcome=Outcome.ACCEPTED).exists()


def test_a_key_of_exactly_the_limit_is_taken(key_client):
    rwe = key_client("RWE")
    key = "k" * IDEMPOTENCY_KEY_MAX
    assert post(rwe, census(14), key).status_code == 201
    assert Submission.objects.get().idempotency_key == key


def test_a_refused_body_holds_no_key_so_the_corrected_one_may_use_it(key_client):
    """A 400 keeps no idempotent result: fixed and sent again with the same key, it is taken;
    the 201 then holds the key (same body: replayed; another body: 409)."""
    rwe = key_client("RWE")
    bad, good = census(-1), census(14)  # a negative count
    refused = post(rwe, bad, "K")
    assert refused.status_code == 400 and "Idempotent-Replayed" not in refused
    assert post(rwe, bad, "K").status_code == 400  # checked again, not replayed
    accepted = post(rwe, good, "K")
    assert accepted.status_code == 201, accepted.json()
    replay = post(rwe, good, "K")
    assert (replay.status_code, replay.json()) == (201, accepted.json())
    assert replay["Idempotent-Replayed"] == "true"
    conflict = post(rwe, census(15), "K")
    assert conflict.status_code == 409
    assert conflict.json()["submission"] == accepted.json()["submission"]
    assert post(rwe, bad, "K").status_code == 409  # once held, any other body is a conflict
    # Every refusal stays archived with the key it came with; one accepted row holds it.
    rows = Submission.objects.filter(idempotency_key="K")
    assert rows.filter(outcome=Outcome.ACCEPTED).count() == 1
    assert sorted(rows.values_list("status_code", flat=True)) == [201, 400, 400, 409, 409]


def test_a_403_holds_no_key_either(key_client):
    """Another organisation's virtual ward (403), then the right one with the same key: 201."""
    rwe = key_client("RWE")
    assert post(rwe, census(14, ward="VW-FRAILTY", capacity=20), "K2").status_code == 403
    assert post(rwe, census(14), "K2").status_code == 201


def test_keys_are_held_per_organisation(key_client):
    assert post(key_client("RWE"), census(14), "K3").status_code == 201
    rt5 = key_client("RT5")
    assert post(rt5, census(14, ward="VW-FRAILTY", capacity=20), "K3").status_code == 201
