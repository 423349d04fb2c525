"""Bed sitreps on the one ingest path (apps/sitreps): resolve against the estate, apply, recompute.

Registered from ``BedsConfig.ready``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from apps.sitreps.choices import SitrepKind
from apps.sitreps.registry import Applied, register

from . import rules
from .api.serializers import BedSitrepIn
from .choices import BED_HOLDING_KINDS, BedStatus, WardStateSource
from .models import Bed, Organisation, Site, Ward


@dataclass(frozen=True)
class WardReport:
    """One ward of a valid bed sitrep, resolved against the estate."""

    ward_id: int
    ward_code: str
    source: str
    occupancy: rules.Occupancy
    # Bed lists only: every bed of the ward as (bed id, held status); unlisted escalation
    # beds are there as not open.
    beds: tuple[tuple[int, str], ...] | None = None


def bed_sitrep_resolve(*, site: Site, wards: list[dict[str, Any]]) -> list[WardReport]:
    """Check every ward item against the estate; raise one ``ValidationError`` naming them all.

    Two queries whatever the size: the wards named, then the beds of the bed-list wards.
    """
    codes = {item["ward"] for item in wards}
    known = {w.code: w for w in Ward.objects.filter(code__in=codes)}
    listed_ward_ids = [
        known[item["ward"]].pk for item in wards if "beds" in item and item["ward"] in known
    ]
    beds_of: dict[int, dict[str, tuple[int, bool]]] = defaultdict(dict)
    for bed_id, ward_id, code, escalation in Bed.objects.filter(
        ward_id__in=listed_ward_ids
    ).values_list("pk", "ward_id", "code", "escalation"):
        beds_of[ward_id][code] = (bed_id, escalation)

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
            report, problems = _resolve_bed_list(ward, item["beds"], beds_of[ward.pk])
        else:
            report, problems = _resolve_counts(ward, item["counts"])
        if problems:
            errors[i] = problems
        else:
            reports.append(report)
    if errors:
        raise serializers.ValidationError({"wards": errors})
    return reports


def _resolve_bed_list(
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


def _resolve_counts(ward: Ward, counts: dict[str, int]) -> tuple[WardReport | None, dict[str, Any]]:
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


class BedsHandler:
    kind = SitrepKind.BEDS
    input_serializer = BedSitrepIn

    def allowed(self, organisation: Organisation) -> bool:
        return organisation.kind in BED_HOLDING_KINDS

    def apply(self, *, submission, data: dict[str, Any]) -> Applied:
        from .services import ward_states_apply

        site: Site = data["site"]
        as_at: datetime = data["as_at"]
        current = ward_states_apply(submission=submission, as_at=as_at, reports=data["wards"])
        return Applied(
            response={
                "site": site.code,
                "as_at": as_at.isoformat(),
                "wards": [
                    {"ward": r.ward_code, "current": r.ward_id in current} for r in data["wards"]
                ],
            },
        )

    def recompute(self, submissions: Iterable) -> set[str]:
        from .services import occupancy_snapshots_take

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


register(BedsHandler())
