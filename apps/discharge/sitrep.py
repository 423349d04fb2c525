"""The discharge sitrep's handler on the one ingest path (apps/sitreps)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apps.beds.choices import S1_KINDS
from apps.beds.models import Organisation
from apps.sitreps.choices import SitrepKind
from apps.sitreps.models import Submission
from apps.sitreps.registry import Applied, register

from .api.serializers import MofdListIn
from .services import mofd_list_store


class DischargeHandler:
    kind = SitrepKind.DISCHARGE
    input_serializer = MofdListIn

    def allowed(self, organisation: Organisation) -> bool:
        return organisation.kind in S1_KINDS

    def apply(self, *, submission: Submission, data: dict[str, Any]) -> Applied:
        stored = mofd_list_store(
            organisation=submission.organisation,
            submission=submission,
            as_at=data["as_at"],
            patients=data["patients"],
            discharged=data["discharged"],
        )
        return Applied(
            response={
                "list": stored.mofd_list.pk,
                "patients": stored.patients,
                "discharged": stored.discharged,
                "replaced": stored.replaced,
                "current": stored.current,
            },
        )

    def recompute(self, submissions: Iterable[Submission]) -> set[str]:
        # The lists are the history and are written by ``apply``; the S1 is computed from them
        # (and frozen by the beat), so there is nothing derived to refresh: just say what moved.
        return {f"mofd:{sub.organisation.code}" for sub in submissions if sub.organisation}


register(DischargeHandler())
