from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from apps.sitreps.models import Submission
from apps.sitreps.pipeline import submissions_recompute

URL = "/api/v1/sitreps/emergency/"


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def item(
    attendance="LRI-ED-1",
    site="RWE-LRI",
    *,
    arrived,
    dta=None,
    departed=None,
    disposition=None,
    department_type=1,
):
    return {
        "attendance": attendance,
        "site": site,
        "department_type": department_type,
        "arrived_at": iso(arrived),
        "decision_to_admit_at": iso(dta),
        "departed_at": iso(departed),
        "disposition": disposition,
    }


def post(client, *items, **headers):
    return client.post(URL, {"attendances": list(items)}, format="json", headers=headers)


def recompute_all() -> set[str]:
    """What the worker does after commit (tests roll back, so on_commit never fires)."""
    return submissions_recompute(Submission.objects.values_list("pk", flat=True))


@pytest.fixture
def t0(day_clock):
    """Local 00:30 today, with at least 5.5 hours of today behind the clock (``day_clock``),
    so a test's times after t0 are both today and past whatever the time of day."""
    from apps.core.localtime import local_date as local_day
    from apps.core.localtime import local_day_bounds

    start, _end = local_day_bounds(local_day(day_clock))
    return start + timedelta(minutes=30)


@pytest.fixture
def rwe(key_client):
    return key_client("RWE")
