"""Writes: arrivals from ambulance sitreps, and the daily snapshots derived from them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from apps.beds.models import Organisation
from apps.sitreps.models import Submission

from . import rules
from .models import Handover, HandoverDaily
from .selectors import day_totals_by_site

_UPDATED = [
    "site",
    "arrived_at",
    "handover_at",
    "cleared_at",
    "category",
    "submission",
    "updated_at",
]


def handovers_upsert(
    *, organisation: Organisation, submission: Submission, items: list[dict[str, Any]]
) -> set[date]:
    """Create or replace each incident as stated (last accepted post wins).

    Returns the local days whose figures changed: the posted arrivals' days and, for
    corrections that moved an arrival, the day it was on before.
    """
    incidents = [item["incident"] for item in items]
    moved_from = {
        rules.local_day(arrived_at)
        for arrived_at in Handover.objects.filter(
            organisation=organisation, incident__in=incidents
        ).values_list("arrived_at", flat=True)
    }
    now = timezone.now()
    rows = [
        Handover(
            organisation=organisation,
            incident=item["incident"],
            site=item["site"],
            arrived_at=item["arrived_at"],
            handover_at=item["handover_at"],
            cleared_at=item["cleared_at"],
            category=item["category"],
            submission=submission,
            updated_at=now,
        )
        # One lock order for every writer, so overlapping batches cannot deadlock.
        for item in sorted(items, key=lambda i: i["incident"])
    ]
    Handover.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["organisation", "incident"],
        update_fields=_UPDATED,
    )
    return moved_from | {rules.local_day(item["arrived_at"]) for item in items}


def handover_days_refresh(
    *, days: Iterable[date], now: datetime, site_ids: Iterable[int] | None = None
) -> set[str]:
    """Upsert the ``HandoverDaily`` rows of these local days (all hospital sites, or only
    ``site_ids``). Idempotent. Returns ``"handovers:<site code>"`` for each row written."""
    wanted = None if site_ids is None else set(site_ids)
    rows = []
    codes = set()
    for day in sorted(set(days)):
        for sd in day_totals_by_site(day=day, now=now):
            if wanted is not None and sd.site_id not in wanted:
                continue
            figures = rules.day_figures(sd.totals)
            rows.append(
                HandoverDaily(
                    site_id=sd.site_id,
                    date=day,
                    arrivals=figures["arrivals"],
                    handed_over=figures["handed_over"],
                    mean_handover_min=figures["mean_handover_min"],
                    over_15=figures["over_15"],
                    over_30=figures["over_30"],
                    over_60=figures["over_60"],
                    lost_hours=figures["lost_hours"],
                    computed_at=now,
                )
            )
            codes.add(sd.code)
    HandoverDaily.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["site", "date"],
        update_fields=[
            "arrivals",
            "handed_over",
            "mean_handover_min",
            "over_15",
            "over_30",
            "over_60",
            "lost_hours",
            "computed_at",
        ],
    )
    return {f"handovers:{code}" for code in codes}


def handovers_live_refresh(*, now: datetime) -> set[str]:
    """Every minute: lost time accrues while crews wait, with no new data.

    Nothing waiting: one query on the partial index, nothing written. Otherwise the waiting
    sites' rows for the days those crews arrived on are rewritten.
    """
    waiting = list(
        Handover.objects.waiting(now=now).values_list("site_id", "arrived_at").order_by()
    )
    if not waiting:
        return set()
    days = {rules.local_day(arrived_at) for _site, arrived_at in waiting}
    return handover_days_refresh(days=days, now=now, site_ids={s for s, _ in waiting})


def handovers_recompute(submissions: Iterable[Submission], *, now: datetime) -> set[str]:
    """After accepted submissions: rewrite every hospital site's rows for the days touched.

    All sites of a day are rewritten (one query per day) so that a correction moving an
    arrival between sites of the same day refreshes both.
    """
    days: set[date] = set()
    for sub in submissions:
        days |= {date.fromisoformat(d) for d in (sub.response or {}).get("days", [])}
    if not days:
        return set()
    changed = handover_days_refresh(days=days, now=now)
    posted_sites = {
        item.get("site")
        for sub in submissions
        for item in (sub.payload or {}).get("handovers", [])
        if isinstance(item, dict)
    }
    return {name for name in changed if name.split(":", 1)[1] in posted_sites}
