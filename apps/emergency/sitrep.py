"""The emergency (ED attendances) sitrep on the one ingest path (``apps.sitreps.registry``
describes the steps).

``emergency_sitrep_resolve`` → ``emergency_sitrep_apply`` → ``emergency_sitrep_recompute``;
registered from ``EmergencyConfig.ready``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from django.utils import timezone

from apps.beds.models import Organisation, Site
from apps.core.exceptions import ApplicationError
from apps.core.scope import organisation_scope_check
from apps.sitreps.choices import SitrepKind
from apps.sitreps.models import Submission
from apps.sitreps.registry import Applied, SitrepHandler, register

from .api.serializers import AttendancesIn
from .rules import whole_seconds
from .selectors import attendances_held
from .services import attendance_check, attendances_upsert, emergency_recompute

TIMES = ("arrived_at", "decision_to_admit_at", "departed_at")


def emergency_sitrep_allowed(organisation: Organisation) -> bool:
    """Organisations with sites (the scope check then keeps each to its own sites)."""
    return organisation.sites.exists()


def emergency_sitrep_resolve(
    *, organisation: Organisation, data: dict[str, Any], now: datetime
) -> list[dict[str, Any]]:
    """Check a well-formed batch of attendances (API.md ``sitreps/emergency``); two queries.

    A site of another organisation is refused whole (``ApplicationError.forbidden``, 403).
    Otherwise raises ``ApplicationError`` (400) naming every bad item under
    ``attendances.<i>``: an ``attendance`` sent more than once in the batch, an unknown
    ``site``, and a record that the post would leave breaking the ordering and pairing rules
    (``rules.attendance_problems`` on the merged record: what is held plus this post). Returns
    the items with ``site`` a ``Site`` and times truncated to whole seconds.
    """
    items = data["attendances"]
    counts = Counter(item["attendance"] for item in items)
    codes = {item["site"] for item in items}
    sites = {s.code: s for s in Site.objects.filter(code__in=codes).select_related("organisation")}
    organisation_scope_check(
        organisation_code=organisation.code,
        owners={code: site.organisation.code for code, site in sites.items()},
    )
    held = attendances_held(organisation=organisation, references=counts)
    errors: dict[int, dict[str, list[str]]] = {}
    resolved = []
    for i, item in enumerate(items):
        item = {
            **item,
            **{name: whole_seconds(item[name]) for name in TIMES if item[name] is not None},
        }
        problems: dict[str, list[str]] = {}
        reference = item["attendance"]
        if counts[reference] > 1:
            problems["attendance"] = [
                f"Attendance {reference} appears {counts[reference]} times in this batch; "
                "send it once."
            ]
        site = sites.get(item["site"])
        if site is None:
            problems["site"] = [f"Unknown site {item['site']}."]
        if not problems:
            merged = attendance_check(held=held.get(reference), posted=item)
            problems = {field: [message] for field, message in merged.items()}
        if problems:
            errors[i] = problems
        resolved.append({**item, "site": site})
    if errors:
        raise ApplicationError({"attendances": errors})
    return resolved


def emergency_sitrep_apply(*, submission: Submission, resolved: list[dict[str, Any]]) -> Applied:
    """Write each attendance as merged with what is held (inside the ingest transaction).

    The 201 body also lists the local ``days`` and the ``sites`` whose figures changed; the
    recompute reads them back from the archived response.
    """
    touched = attendances_upsert(
        organisation=submission.organisation, submission=submission, items=resolved
    )
    return Applied(
        response={
            "attendances": len(resolved),
            "days": sorted(d.isoformat() for d in touched.days),
            "sites": sorted(touched.site_codes),
        }
    )


def emergency_sitrep_recompute(submissions: list[Submission]) -> set[str]:
    """The stored daily ED rows of the days and sites these submissions touched
    (idempotent); ``emergency:<site code>`` for each."""
    return emergency_recompute(list(submissions), now=timezone.now())


register(
    SitrepHandler(
        kind=SitrepKind.EMERGENCY.value,
        input_serializer=AttendancesIn,
        allowed=emergency_sitrep_allowed,
        resolve=emergency_sitrep_resolve,
        apply=emergency_sitrep_apply,
        recompute=emergency_sitrep_recompute,
    )
)
