"""The virtual-ward census plugs into the one ingest path (apps/sitreps)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apps.beds.models import Organisation
from apps.sitreps.choices import SitrepKind
from apps.sitreps.models import Submission
from apps.sitreps.registry import Applied, register

from .api.serializers import VirtualWardCensusIn
from .services import census_apply, snapshots_record


class VirtualWardCensusHandler:
    kind = SitrepKind.VIRTUAL_WARDS.value
    input_serializer = VirtualWardCensusIn

    def allowed(self, organisation: Organisation) -> bool:
        return organisation.virtual_wards.exists()

    def apply(self, *, submission: Submission, data: dict[str, Any]) -> Applied:
        current = census_apply(submission=submission, as_at=data["as_at"], wards=data["wards"])
        return Applied(
            response={"wards": [{"ward": code, "current": c} for code, c in current.items()]},
        )

    def recompute(self, submissions: Iterable[Submission]) -> set[str]:
        return snapshots_record(submissions=submissions)


register(VirtualWardCensusHandler())
