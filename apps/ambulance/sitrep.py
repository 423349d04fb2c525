"""The handovers sitrep plugged into the one ingest path (apps/sitreps)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from apps.beds.choices import OrganisationKind
from apps.beds.models import Organisation
from apps.sitreps.choices import SitrepKind
from apps.sitreps.models import Submission
from apps.sitreps.registry import Applied, register

from .api.serializers import HandoversIn
from .services import handovers_recompute, handovers_upsert


class HandoversHandler:
    kind = SitrepKind.HANDOVERS.value
    input_serializer = HandoversIn

    def allowed(self, organisation: Organisation) -> bool:
        return organisation.kind == OrganisationKind.AMBULANCE

    def apply(self, *, submission: Submission, data: dict[str, Any]) -> Applied:
        items = data["handovers"]
        touched = handovers_upsert(
            organisation=submission.organisation, submission=submission, items=items
        )
        # The recompute reads "days" and "sites" back from the archived response (it is given
        # only the submissions), so where a correction moved an arrival from is refreshed too.
        return Applied(
            response={
                "handovers": len(items),
                "days": sorted(d.isoformat() for d in touched.days),
                "sites": sorted(touched.site_codes),
            }
        )

    def recompute(self, submissions: Iterable[Submission]) -> set[str]:
        return handovers_recompute(list(submissions), now=timezone.now())


register(HandoversHandler())
