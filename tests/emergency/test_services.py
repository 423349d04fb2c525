"""Writes of apps/emergency: the apply's own check under lock, and the daily rows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from apps.beds.models import Organisation, Site
from apps.core.exceptions import ApplicationError
from apps.emergency.models import Attendance
from apps.emergency.services import attendances_upsert
from apps.sitreps.choices import Outcome, SitrepKind
from apps.sitreps.models import Submission

from .conftest import item, post

pytestmark = pytest.mark.django_db


def test_the_apply_checks_the_merged_record_again_under_lock(rwe, t0):
    """A post validated before a concurrent one committed is checked again on what is held
    when it applies: it cannot leave an invalid record."""
    assert post(rwe, item("A1", arrived=t0, dta=t0 + timedelta(hours=3))).status_code == 201
    organisation = Organisation.objects.get(code="RWE")
    submission = Submission.objects.create(
        kind=SitrepKind.EMERGENCY,
        organisation=organisation,
        outcome=Outcome.ACCEPTED,
        status_code=201,
        body_sha256="test",
    )
    validated = {
        "attendance": "A1",
        "site": Site.objects.get(code="RWE-LRI"),
        "department_type": 1,
        "arrived_at": t0,
        "decision_to_admit_at": None,
        "departed_at": t0 + timedelta(hours=1),
        "disposition": "discharged",
    }
    with pytest.raises(ApplicationError) as raised:
        attendances_upsert(organisation=organisation, submission=submission, items=[validated])
    assert "departed_at" in raised.value.detail["attendances"][0]
    assert Attendance.objects.get().departed_at is None
