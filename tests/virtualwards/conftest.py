from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

URL = "/api/v1/sitreps/virtual-wards/"


def at(minutes_ago: int = 0) -> str:
    moment = timezone.now().replace(microsecond=0) - timedelta(minutes=minutes_ago)
    return moment.isoformat()


def census(as_at: str, *wards: tuple[str, int, int]) -> dict:
    return {
        "as_at": as_at,
        "wards": [{"ward": w, "capacity": c, "occupied": o} for w, c, o in wards],
    }


@pytest.fixture
def rt5(key_client):
    return key_client("RT5")


@pytest.fixture
def ingest(estate):
    """``ingest(org_code, body, now=...)`` through the one ingest path, with a fixed clock."""
    from apps.beds.models import Organisation
    from apps.sitreps.services import sitrep_ingest

    def post(org_code: str, body: dict, *, now: datetime, idempotency_key: str | None = None):
        return sitrep_ingest(
            kind="virtual_wards",
            body=body,
            organisation=Organisation.objects.get(code=org_code),
            idempotency_key=idempotency_key,
            now=now,
        )

    return post
