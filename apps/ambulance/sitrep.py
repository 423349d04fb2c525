"""The ambulance sitreps (handovers, incidents, REAP) plugged into the one ingest path
(apps/sitreps)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from apps.beds.choices import OrganisationKind
from apps.beds.models import Organisation
from apps.sitreps.choices import SitrepKind
from apps.sitreps.models import Submission
from apps.sitreps.registry import Applied, register

from .api.response_serializers import IncidentsIn, ReapIn
from .api.serializers import HandoversIn
from .response_services import incidents_upsert, reap_declare, response_recompute
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


class IncidentsHandler:
    """``POST /api/v1/sitreps/incidents/`` and feeds of kind ``incidents``."""

    kind = SitrepKind.INCIDENTS.value
    input_serializer = IncidentsIn

    def allowed(self, organisation: Organisation) -> bool:
        return organisation.kind == OrganisationKind.AMBULANCE

    def apply(self, *, submission: Submission, data: dict[str, Any]) -> Applied:
        items = data["incidents"]
        days = incidents_upsert(
            organisation=submission.organisation, submission=submission, items=items
        )
        return Applied(response={"incidents": len(items), "days": [d.isoformat() for d in days]})

    def recompute(self, submissions: Iterable[Submission]) -> set[str]:
        return response_recompute(submissions)


class ReapHandler:
    """``POST /api/v1/sitreps/reap/``."""

    kind = SitrepKind.REAP.value
    input_serializer = ReapIn

    def allowed(self, organisation: Organisation) -> bool:
        return organisation.kind == OrganisationKind.AMBULANCE

    def apply(self, *, submission: Submission, data: dict[str, Any]) -> Applied:
        declaration = reap_declare(
            organisation=submission.organisation,
            submission=submission,
            level=data["level"],
            declared_at=data["declared_at"],
        )
        return Applied(
            response={
                "level": declaration.level,
                "declared_at": declaration.declared_at.isoformat(),
            }
        )

    def recompute(self, submissions: Iterable[Submission]) -> set[str]:
        return response_recompute(submissions)


register(IncidentsHandler())
register(ReapHandler())
