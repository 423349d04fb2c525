"""The ambulance sitreps on the one ingest path (``apps.sitreps.registry`` describes the
steps): handovers, incidents and REAP.

``<kind>_sitrep_resolve`` → ``<kind>_sitrep_apply`` → ``<kind>_sitrep_recompute``; registered
from ``AmbulanceConfig.ready``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from django.utils import timezone

from apps.beds.choices import OrganisationKind
from apps.beds.models import Organisation, Site
from apps.core.exceptions import ApplicationError
from apps.sitreps.choices import SitrepKind
from apps.sitreps.models import Submission
from apps.sitreps.registry import Applied, SitrepHandler, register

from .api.response_serializers import IncidentsIn, ReapIn
from .api.serializers import HandoversIn
from .response_services import incidents_merge, incidents_upsert, reap_declare, response_recompute
from .rules import handover_merge_problems
from .services import handovers_held, handovers_recompute, handovers_upsert


def handovers_sitrep_allowed(organisation: Organisation) -> bool:
    """Only ambulance services send handovers."""
    return organisation.kind == OrganisationKind.AMBULANCE


def handovers_sitrep_resolve(
    *, organisation: Organisation, data: dict[str, Any], now: datetime
) -> list[dict[str, Any]]:
    """Check a well-formed batch of arrivals (API.md ``sitreps/handovers``); two queries.

    Raises ``ApplicationError`` (400) naming every bad item under ``handovers.<i>``: an
    ``incident`` sent more than once in the batch, a ``site`` unknown or not a hospital site (a
    site of an acute trust), and, for items whose incident and site are right, times breaking
    ``handover_times_problems`` once merged with what is held for the incident
    (``rules.handover_merge_problems``: a null time keeps the held one). An ambulance service
    reports arrivals at any trust's sites: there is no organisation scope beyond ``allowed``.
    Returns the items with ``site`` a ``Site``.
    """
    items = data["handovers"]
    counts = Counter(item["incident"] for item in items)
    codes = {item["site"] for item in items}
    sites = {s.code: s for s in Site.objects.filter(code__in=codes).select_related("organisation")}
    held = handovers_held(organisation=organisation, incidents=counts)
    errors: dict[int, dict[str, list[str]]] = {}
    resolved = []
    for i, item in enumerate(items):
        problems: dict[str, list[str]] = {}
        incident, code = item["incident"], item["site"]
        if counts[incident] > 1:
            problems["incident"] = [
                f"Incident {incident} appears {counts[incident]} times in this batch; send it once."
            ]
        site = sites.get(code)
        if site is None:
            problems["site"] = [f"Unknown site {code}."]
        elif site.organisation.kind != OrganisationKind.ACUTE:
            problems["site"] = [f"{code} is not a hospital site (not a site of an acute trust)."]
        if not problems:
            problems = handover_merge_problems(held.get(incident), item)
        if problems:
            errors[i] = problems
        resolved.append({**item, "site": site})
    if errors:
        raise ApplicationError({"handovers": errors})
    return resolved


def handovers_sitrep_apply(*, submission: Submission, resolved: list[dict[str, Any]]) -> Applied:
    """Write each incident as now known (inside the ingest transaction).

    The 201 body also lists the local ``days`` and the ``sites`` whose figures changed; the
    recompute reads them back from the archived response (it is given only the submissions),
    so where a correction moved an arrival from is refreshed too.
    """
    touched = handovers_upsert(
        organisation=submission.organisation, submission=submission, items=resolved
    )
    return Applied(
        response={
            "handovers": len(resolved),
            "days": sorted(d.isoformat() for d in touched.days),
            "sites": sorted(touched.site_codes),
        }
    )


def handovers_sitrep_recompute(submissions: list[Submission]) -> set[str]:
    """The daily and live handover figures of the days and sites these submissions touched
    (idempotent); ``handovers:<site code>`` for each."""
    return handovers_recompute(list(submissions), now=timezone.now())


register(
    SitrepHandler(
        kind=SitrepKind.HANDOVERS.value,
        input_serializer=HandoversIn,
        allowed=handovers_sitrep_allowed,
        resolve=handovers_sitrep_resolve,
        apply=handovers_sitrep_apply,
        recompute=handovers_sitrep_recompute,
    )
)


# --------------------------------------------------------------------------- incidents, REAP


def ambulance_only(organisation: Organisation) -> bool:
    """Only ambulance services send incidents and REAP levels (another key: 403)."""
    return organisation.kind == OrganisationKind.AMBULANCE


def incidents_sitrep_resolve(
    *, organisation: Organisation, data: dict[str, Any], now: datetime
) -> list[dict[str, Any]]:
    """Check a well-formed batch of incidents against what is held (API.md
    ``sitreps/incidents``); one query.

    Raises ``ApplicationError`` (400) naming every bad item under ``incidents.<n>``: an
    incident sent more than once, and the ordering rules checked on the merged record (held
    plus post; ``response_rules.incident_problems``). The organisation's own incidents only:
    the natural key is (organisation, ``incident``), so there is no scope beyond ``allowed``.
    """
    items = data["incidents"]
    batch = incidents_merge(organisation=organisation, items=items)
    if batch.errors:
        raise ApplicationError({"incidents": batch.errors})
    return items


def incidents_sitrep_apply(*, submission: Submission, resolved: list[dict[str, Any]]) -> Applied:
    """Merge and write the incidents (again under the organisation's lock); the 201 body
    lists the local ``days`` of clock start whose figures changed."""
    days = incidents_upsert(
        organisation=submission.organisation, submission=submission, items=resolved
    )
    return Applied(response={"incidents": len(resolved), "days": [d.isoformat() for d in days]})


def incidents_sitrep_recompute(submissions: list[Submission]) -> set[str]:
    """Response figures are aggregated when read: ``ambulance_response:<code>`` names."""
    return response_recompute(submissions)


def reap_sitrep_resolve(
    *, organisation: Organisation, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Nothing beyond the shape: a level 1-4 at a time with an offset, not in the future."""
    return data


def reap_sitrep_apply(*, submission: Submission, resolved: dict[str, Any]) -> Applied:
    """Record (or correct) the declaration; the 201 body repeats it."""
    declaration = reap_declare(
        organisation=submission.organisation,
        submission=submission,
        level=resolved["level"],
        declared_at=resolved["declared_at"],
    )
    return Applied(
        response={"level": declaration.level, "declared_at": declaration.declared_at.isoformat()}
    )


register(
    SitrepHandler(
        kind=SitrepKind.INCIDENTS.value,
        input_serializer=IncidentsIn,
        allowed=ambulance_only,
        resolve=incidents_sitrep_resolve,
        apply=incidents_sitrep_apply,
        recompute=incidents_sitrep_recompute,
    )
)
register(
    SitrepHandler(
        kind=SitrepKind.REAP.value,
        input_serializer=ReapIn,
        allowed=ambulance_only,
        resolve=reap_sitrep_resolve,
        apply=reap_sitrep_apply,
        recompute=incidents_sitrep_recompute,
    )
)
