"""The virtual-ward census on the one ingest path (``apps.sitreps.registry`` describes the steps).

``virtual_wards_sitrep_resolve`` → ``virtual_wards_sitrep_apply`` →
``virtual_wards_sitrep_recompute``; registered from ``VirtualWardsConfig.ready``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apps.beds.models import Organisation
from apps.core.exceptions import ApplicationError
from apps.core.scope import organisation_scope_check
from apps.sitreps.choices import SitrepKind
from apps.sitreps.models import Submission
from apps.sitreps.registry import Applied, SitrepHandler, register

from .api.serializers import VirtualWardCensusIn
from .models import VirtualWard
from .services import census_apply, snapshots_record


@dataclass(frozen=True)
class Census:
    """A census resolved against the estate: ``wards`` items carry the ``VirtualWard``."""

    as_at: datetime
    wards: list[dict[str, Any]]


def virtual_wards_sitrep_allowed(organisation: Organisation) -> bool:
    """Organisations that run at least one virtual ward."""
    return organisation.virtual_wards.exists()


def virtual_wards_sitrep_resolve(
    *, organisation: Organisation, data: dict[str, Any], now: datetime
) -> Census:
    """Check a well-formed census against the estate (one query).

    Raises ``ApplicationError``: another organisation's ward (403, every one named, before any
    other error); an unknown or repeated ward under ``wards.<i>.ward`` (400).
    """
    codes = {item["ward"] for item in data["wards"]}
    known = {
        w.code: w for w in VirtualWard.objects.filter(code__in=codes).select_related("organisation")
    }
    organisation_scope_check(
        organisation_code=organisation.code,
        owners={code: ward.organisation.code for code, ward in known.items()},
    )
    errors: dict[int, dict[str, list[str]]] = {}
    seen: dict[str, int] = {}
    wards = []
    for i, item in enumerate(data["wards"]):
        code = item["ward"]
        ward = known.get(code)
        if code in seen:
            errors[i] = {"ward": [f"{code} repeats item {seen[code]}."]}
        elif ward is None:
            errors[i] = {"ward": [f"Unknown virtual ward {code}."]}
        seen.setdefault(code, i)
        wards.append({**item, "ward": ward})
    if errors:
        raise ApplicationError({"wards": errors})
    return Census(as_at=data["as_at"], wards=wards)


def virtual_wards_sitrep_apply(*, submission: Submission, resolved: Census) -> Applied:
    """Record each ward's census (inside the ingest transaction); the 201 body says, per ward,
    whether it is now the ward's figures in force."""
    current = census_apply(submission=submission, as_at=resolved.as_at, wards=resolved.wards)
    return Applied(
        response={"wards": [{"ward": code, "current": c} for code, c in current.items()]},
    )


def virtual_wards_sitrep_recompute(submissions: list[Submission]) -> set[str]:
    """The utilisation history for these censuses (idempotent); ``virtual_wards:<code>`` and
    ``virtual_wards:system``."""
    return snapshots_record(submissions=submissions)


register(
    SitrepHandler(
        kind=SitrepKind.VIRTUAL_WARDS.value,
        input_serializer=VirtualWardCensusIn,
        allowed=virtual_wards_sitrep_allowed,
        resolve=virtual_wards_sitrep_resolve,
        apply=virtual_wards_sitrep_apply,
        recompute=virtual_wards_sitrep_recompute,
    )
)
