"""Bodies PostgreSQL cannot store (NUL characters) are refused with a 400 and archived,
never a 500 (found by Schemathesis)."""

import json

import pytest

from apps.sitreps.models import Submission
from apps.sitreps.services import NUL_ERROR

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "body",
    [
        b"\x00",
        b'{"site": "RWE-LRI\x00"}',
        b'{"site": "RWE-LRI\\u0000", "as_at": "2026-11-23T08:00:00Z", "wards": []}',
        b'{"a\\u0000": 1}',
        b'["\\u0000"]',
    ],
)
@pytest.mark.parametrize("kind", ["beds", "handovers", "discharge", "virtual-wards"])
def test_it_refuses_a_body_with_nul_characters(key_client, kind, body):
    response = key_client("RWE").post(
        f"/api/v1/sitreps/{kind}/", body, content_type="application/json"
    )
    assert response.status_code in (400, 403)
    if response.status_code == 400:
        assert "detail" in response.json()
        archived = Submission.objects.get()
        assert archived.payload is None and archived.body_length == len(body)


def test_it_says_why(key_client):
    response = key_client("RWE").post(
        "/api/v1/sitreps/beds/", b'{"site": "\\u0000"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": NUL_ERROR}


@pytest.mark.parametrize("status", [{}, [], ["occupied"], None, 1])
def test_a_bed_status_that_is_not_a_string_is_a_400_naming_the_bed(key_client, status):
    body = {
        "site": "RWE-LRI",
        "as_at": "2026-11-23T08:00:00+00:00",
        "wards": [{"ward": "LRI-W23", "beds": [{"bed": "LRI-W23-B01", "status": status}]}],
    }
    response = key_client("RWE").post("/api/v1/sitreps/beds/", body, format="json")
    assert response.status_code == 400
    assert "status" in json.dumps(response.json())
