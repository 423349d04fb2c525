from __future__ import annotations

from datetime import datetime

import pytest

from apps.ambulance.models import Handover
from apps.beds.models import Organisation, Site
from apps.sitreps.choices import Outcome, SitrepKind
from apps.sitreps.models import Submission


@pytest.fixture
def arrival(estate):
    """``arrival("RWE-LRI", arrived_at, handover_at=None, cleared_at=None)``: a stored row."""
    ambulance = Organisation.objects.get(code="RX9")
    submission = Submission.objects.create(
        kind=SitrepKind.HANDOVERS,
        organisation=ambulance,
        outcome=Outcome.ACCEPTED,
        status_code=201,
        body_sha256="test",
    )
    sites = {s.code: s for s in Site.objects.all()}
    counter = iter(range(1, 10**6))

    def make(
        site: str,
        arrived_at: datetime,
        handover_at: datetime | None = None,
        cleared_at: datetime | None = None,
    ) -> Handover:
        return Handover.objects.create(
            organisation=ambulance,
            incident=f"RX9-T{next(counter):06d}",
            site=sites[site],
            arrived_at=arrived_at,
            handover_at=handover_at,
            cleared_at=cleared_at,
            submission=submission,
        )

    return make
