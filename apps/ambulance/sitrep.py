"""The handovers sitrep on the one ingest path (``apps.sitreps.registry`` describes the steps).

``handovers_sitrep_resolve`` → ``handovers_sitrep_apply`` → ``handovers_sitrep_recompute``;
registered from ``AmbulanceConfig.ready``.
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

from .api.serializers import HandoversIn
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
