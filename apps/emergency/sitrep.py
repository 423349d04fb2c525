"""The emergency (ED attendances) sitrep plugged into the one ingest path (apps/sitreps)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from apps.beds.models import Organisation
from apps.sitreps.choices import SitrepKind
from apps.sitreps.models import Submission
from apps.sitreps.registry import Applied, register

from .api.serializers import AttendancesIn
from .services import attendances_upsert, emergency_recompute


class EmergencyHandler:
    kind = SitrepKind.EMERGENCY.value
    input_serializer = AttendancesIn

    def allowed(self, organisation: Organisation) -> bool:
        """Organisations with sites (the site check then keeps each to its own)."""
        return organisation.sites.exists()

    def apply(self, *, submission: Submission, data: dict[str, Any]) -> Applied:
        items = data["attendances"]
        touched = attendances_upsert(
            organisation=submission.organisation, submission=submission, items=items
        )
        # The recompute reads "days" and "sites" back from the archived response.
        return Applied(
            response={
                "attendances": len(items),
                "days": sorted(d.isoformat() for d in touched.days),
                "sites": sorted(touched.site_codes),
            }
        )

    def recompute(self, submissions: Iterable[Submission]) -> set[str]:
        return emergency_recompute(list(submissions), now=timezone.now())


register(EmergencyHandler())
