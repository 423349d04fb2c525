"""The beds sitrep on the one ingest path (``apps.sitreps.registry`` describes the steps).

``beds_sitrep_resolve`` → ``beds_sitrep_apply`` → ``beds_sitrep_recompute``; registered from
``BedsConfig.ready``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from apps.core.exceptions import ApplicationError
from apps.core.scope import organisation_scope_check
from apps.sitreps.choices import SitrepKind
from apps.sitreps.models import Submission
from apps.sitreps.registry import Applied, SitrepHandler, register

from . import rules
from .api.serializers import BedSitrepIn
from .choices import BED_HOLDING_KINDS, BedStatus, WardStateSource
from .models import Bed, Organisation, Site, Ward
from .rules import WardReport
from .services import occupancy_snapshots_take, ward_states_apply


@dataclass(frozen=True)
class BedSitrep:
    """A bed sitrep resolved against the estate: the site, its time, and each ward's report."""

    site: Site
    as_at: datetime
    wards: list[WardReport]


def beds_sitrep_allowed(organisation: Organisation) -> bool:
    """Only organisations that hold beds (acute and community trusts) send bed sitreps."""
    return organisation.kind in BED_HOLDING_KINDS


def beds_sitrep_resolve(
    *, organisation: Organisation, data: dict[str, Any], now: datetime
) -> BedSitrep:
    """Check a well-formed bed sitrep against the estate (API.md ``POST sitreps/beds``).

    Raises ``ApplicationError``: ``site`` unknown (400); the site another organisation's (403);
    every bad ward item named under ``wards.<i>`` (unknown, repeated, not of the site; bed-list
    errors keyed by the bed's index, core beds left out under ``wards.<i>.beds.missing``;
    counts breaking the ward's estate under ``wards.<i>.counts``). Three queries whatever the
    size: the site, the wards named, then the beds of the bed-list wards.
    """
    code = data["site"]
    site = Site.objects.select_related("organisation").filter(code=code).first()
    if site is None:
        raise ApplicationError({"site": [f"Unknown site {code}."]})
    organisation_scope_check(
        organisation_code=organisation.code, owners={site.code: site.organisation.code}
    )
    return BedSitrep(site=site, as_at=data["as_at"], wards=_wards_resolve(site, data["wards"]))


def _wards_resolve(site: Site, wards: list[dict[str, Any]]) -> list[WardReport]:
    codes = {item["ward"] for item in wards}
    known = {w.code: w for w in Ward.objects.filter(code__in=codes)}
    listed_ward_ids = [
        known[item["ward"]].pk for item in wards if "beds" in item and item["ward"] in known
    ]
    beds_of: dict[int, dict[str, tuple[int, bool]]] = defaultdict(dict)
    for bed_id, ward_id, bed_code, escalation in Bed.objects.filter(
        ward_id__in=listed_ward_ids
    ).values_list("pk", "ward_id", "code", "escalation"):
        beds_of[ward_id][bed_code] = (bed_id, escalation)

    errors: dict[int, dict[str, Any]] = {}
    reports: list[WardReport] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(wards):
        code = item["ward"]
        ward = known.get(code)
        if code in seen:
            errors[i] = {"ward": [f"{code} is already reported as item {seen[code]}."]}
            continue
        seen[code] = i
        if ward is None:
            errors[i] = {"ward": [f"Unknown ward {code}."]}
            continue
        if ward.site_id != site.pk:
            errors[i] = {"ward": [f"{code} is not a ward of {site.code}."]}
            continue
        if "beds" in item:
            report, problems = _bed_list_resolve(ward, item["beds"], beds_of[ward.pk])
        else:
            report, problems = _counts_resolve(ward, item["counts"])
        if problems:
            errors[i] = problems
        else:
            reports.append(report)
    if errors:
        raise ApplicationError({"wards": errors})
    return reports


def _bed_list_resolve(
    ward: Ward, listed: list[tuple[str, str]], estate: dict[str, tuple[int, bool]]
) -> tuple[WardReport | None, dict[str, Any]]:
    bed_errors: dict[Any, list[str] | dict[str, list[str]]] = {}
    held: dict[int, str] = {}
    escalation_of: dict[int, bool] = {}
    seen: dict[str, int] = {}
    for k, (code, status) in enumerate(listed):
        if code in seen:
            bed_errors[k] = {"bed": [f"{code} is already listed as bed {seen[code]}."]}
            continue
        seen[code] = k
        found = estate.get(code)
        if found is None:
            bed_errors[k] = {"bed": [f"{code} is not a bed of {ward.code}."]}
            continue
        bed_id, escalation = found
        held[bed_id] = rules.bed_status_held(status, escalation=escalation)
        escalation_of[bed_id] = escalation
    missing = sorted(code for code, (_, esc) in estate.items() if not esc and code not in seen)
    if missing:
        bed_errors["missing"] = [f"Every core bed must be listed; missing: {', '.join(missing)}."]
    if bed_errors:
        return None, {"beds": bed_errors}
    for bed_id, escalation in estate.values():
        if bed_id not in held:  # only escalation beds can be unlisted here
            held[bed_id] = BedStatus.NOT_OPEN
            escalation_of[bed_id] = escalation
    occupancy = rules.bed_list_occupancy((escalation_of[b], s) for b, s in held.items())
    beds = tuple(sorted(held.items()))
    return WardReport(ward.pk, ward.code, WardStateSource.BED_LIST, occupancy, beds), {}


def _counts_resolve(ward: Ward, counts: dict[str, int]) -> tuple[WardReport | None, dict[str, Any]]:
    occupancy = rules.Occupancy(
        occupied=counts["occupied"],
        vacant=counts["vacant"],
        closed=counts["closed"],
        escalation_open=counts["escalation_open"],
    )
    problems = rules.counts_problems(
        occupancy, core_beds=ward.core_beds, escalation_beds=ward.escalation_beds, ward=ward.code
    )
    if problems:
        return None, {"counts": problems}
    return WardReport(ward.pk, ward.code, WardStateSource.COUNTS, occupancy), {}


def beds_sitrep_apply(*, submission: Submission, resolved: BedSitrep) -> Applied:
    """Write each ward's state (inside the ingest transaction). The 201 body names the site,
    ``as_at`` and, per ward, whether this state is now the ward's current one."""
    current = ward_states_apply(submission=submission, as_at=resolved.as_at, reports=resolved.wards)
    return Applied(
        response={
            "site": resolved.site.code,
            "as_at": resolved.as_at.isoformat(),
            "wards": [
                {"ward": r.ward_code, "current": r.ward_id in current} for r in resolved.wards
            ],
        },
    )


def beds_sitrep_recompute(submissions: list[Submission]) -> set[str]:
    """Occupancy snapshots of each site reported, at each ``as_at`` reported (idempotent).

    Returns ``beds:<site code>`` for each site."""
    wanted: dict[str, set[datetime]] = defaultdict(set)
    for sub in submissions:
        payload = sub.payload or {}
        as_at = parse_datetime(str(payload.get("as_at", "")))
        if payload.get("site") and as_at is not None:
            wanted[payload["site"]].add(as_at)
    sites = dict(Site.objects.filter(code__in=wanted).values_list("code", "pk"))
    occupancy_snapshots_take(
        moments={sites[code]: times for code, times in wanted.items() if code in sites}
    )
    return {f"beds:{code}" for code in wanted if code in sites}


register(
    SitrepHandler(
        kind=SitrepKind.BEDS.value,
        input_serializer=BedSitrepIn,
        allowed=beds_sitrep_allowed,
        resolve=beds_sitrep_resolve,
        apply=beds_sitrep_apply,
        recompute=beds_sitrep_recompute,
    )
)
