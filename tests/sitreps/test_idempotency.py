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


def test_a_key_of_exactly_the_limit_is_taken(key_client):
    rwe = key_client("RWE")
    key = "k" * IDEMPOTENCY_KEY_MAX
    assert post(rwe, census(14), key).status_code == 201
    assert Submission.objects.get().idempotency_key == key
