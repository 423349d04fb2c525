"""A seeded demo history for the operating plan: DEMO DATA, NOT REAL FIGURES.

The demo starts with empty tables, so the months before it started would show no actuals on
``/plan/``. This writes a realistic, reproducible (fixed seed) history into the product's own
tables for every local day from the start of the plan year to yesterday, shaped like what the
feed simulator sends live:

- adult G&A bed snapshots per acute site and for the system (07:00 local each day);
- ambulance arrivals and their handovers at the simulator's sites and rates;
- 999 incidents at the demo ambulance service's rate and category mix;
- the frozen S1 of each day (MOFD patients per organisation and pathway);
- virtual-ward censuses at each month's end, following the trajectory.

Everything written is labelled: its submissions carry ``body_sha256 = "demo-plan-history"``
and ``{"demo_history": true}`` as their payload, and the frozen S1s carry
``"demo_history": true``. Run once (a second run finds the label and does nothing).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction

from apps.ambulance.models import Handover, Incident
from apps.beds.choices import S1_KINDS, BedType, OrganisationKind
from apps.beds.models import OccupancySnapshot, Organisation, Site, Ward
from apps.core.localtime import LOCAL_TZ, local_today
from apps.discharge.models import S1Frozen
from apps.discharge.rules import S1Figures, s1_table
from apps.sitreps.choices import Outcome, SitrepKind
from apps.sitreps.models import Submission
from apps.virtualwards.models import VirtualWard, VirtualWardCensus

from .response import (
    CATEGORY_MIX,
    INCIDENTS_PER_DAY,
    MEDIAN_RESPONSE_MIN,
    STOOD_DOWN_SHARE,
)
from .simulator import ARRIVALS_PER_HOUR, MOFD_TARGET

DEMO_MARK = "demo-plan-history"
SEED = 2026
# Month → how hard the month was (1.0 typical; winter worse), shaping every figure.
PRESSURE = {
    4: 0.95,
    5: 0.92,
    6: 0.9,
    7: 0.93,
    8: 0.9,
    9: 0.95,
    10: 1.0,
    11: 1.05,
    12: 1.12,
    1: 1.15,
    2: 1.05,
    3: 1.0,
}
# The virtual-ward trajectory's share of the estate's capacity by month (the plan's shape).
VW_SHARE = {4: 0.72, 5: 0.78, 6: 0.85, 7: 0.88, 8: 0.93, 9: 0.95}
PATHWAY_WEIGHTS = (("P0", 15), ("P1", 45), ("P2", 25), ("P3", 15))


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def _submission(kind: str, organisation: Organisation, at: datetime) -> Submission:
    return Submission.objects.create(
        kind=kind,
        organisation=organisation,
        received_at=at,
        body_sha256=DEMO_MARK,
        payload={"demo_history": True},
        outcome=Outcome.ACCEPTED,
        status_code=201,
        recomputed_at=at,
    )


def _beds(rng: random.Random, days: list[date]) -> int:
    core: dict[int, int] = defaultdict(int)
    escalation: dict[int, int] = defaultdict(int)
    wards: dict[int, int] = defaultdict(int)
    for site_id, c, e in Ward.objects.filter(
        bed_type=BedType.GA_ADULT, site__organisation__kind=OrganisationKind.ACUTE
    ).values_list("site_id", "core_beds", "escalation_beds"):
        core[site_id] += c
        escalation[site_id] += e
        wards[site_id] += 1
    rows = []
    for day in days:
        at = _local(day, 7)
        pressure = PRESSURE[day.month]
        total = [0, 0, 0]  # occupied, vacant, closed
        total_escalation = 0
        total_wards = 0
        for site_id, beds in core.items():
            closed = max(0, round(rng.gauss(0.012, 0.006) * beds))
            opened = min(
                escalation[site_id],
                max(0, round((pressure - 0.95) * 4 * escalation[site_id] + rng.gauss(0, 2))),
            )
            available = beds - closed + opened
            occupied = min(
                available, round(available * min(0.99, 0.9 * pressure + rng.gauss(0.05, 0.01)))
            )
            rows.append(
                OccupancySnapshot(
                    site_id=site_id,
                    bed_type=BedType.GA_ADULT,
                    taken_at=at,
                    occupied=occupied,
                    vacant=available - occupied,
                    closed=closed,
                    escalation_open=opened,
                    wards_reporting=wards[site_id],
                    wards_total=wards[site_id],
                )
            )
            total[0] += occupied
            total[1] += available - occupied
            total[2] += closed
            total_escalation += opened
            total_wards += wards[site_id]
        rows.append(
            OccupancySnapshot(
                site_id=None,
                bed_type=BedType.GA_ADULT,
                taken_at=at,
                occupied=total[0],
                vacant=total[1],
                closed=total[2],
                escalation_open=total_escalation,
                wards_reporting=total_wards,
                wards_total=total_wards,
            )
        )
    OccupancySnapshot.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _handovers(rng: random.Random, days: list[date]) -> int:
    ambulance = (
        Organisation.objects.filter(kind=OrganisationKind.AMBULANCE).order_by("code").first()
    )
    if ambulance is None:
        return 0
    sites = {s.code: s.pk for s in Site.objects.filter(code__in=ARRIVALS_PER_HOUR)}
    submission = _submission(SitrepKind.HANDOVERS, ambulance, _local(days[-1], 23))
    columns: dict[str, list] = defaultdict(list)
    for day in days:
        pressure = PRESSURE[day.month]
        # Lost hours fall through the year as the plan asks; winter pushes back.
        median = 24 * pressure * (1 - 0.012 * ((day.month - 4) % 12))
        for code, rate in ARRIVALS_PER_HOUR.items():
            if code not in sites:
                continue
            for hour in range(24):
                expected = rate * (1.3 if 10 <= hour <= 20 else 0.7)
                count = int(expected) + (1 if rng.random() < expected % 1 else 0)
                for _ in range(count):
                    arrived = _local(day, hour, rng.randrange(60))
                    minutes = min(rng.lognormvariate(math.log(median), 0.55), 300)
                    handover = arrived + timedelta(seconds=int(minutes * 60))
                    columns["incident"].append(f"DEMO-H{len(columns['incident']) + 1:07d}")
                    columns["site"].append(sites[code])
                    columns["arrived"].append(arrived)
                    columns["handover"].append(handover)
                    columns["cleared"].append(handover + timedelta(minutes=12))
                    columns["category"].append(rng.choice([1, 2, 2, 2, 3, 3, 4]))
    # One statement from arrays: tens of thousands of rows in a second or two, where
    # model instances would take most of a minute on a busy machine.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Handover._meta.db_table}
                (organisation_id, incident, site_id, arrived_at, handover_at, cleared_at,
                 category, submission_id, updated_at)
            SELECT %(organisation)s, i, s, a, h, c, k, %(submission)s, %(now)s
              FROM unnest(%(incident)s::text[], %(site)s::bigint[], %(arrived)s::timestamptz[],
                          %(handover)s::timestamptz[], %(cleared)s::timestamptz[],
                          %(category)s::smallint[]) AS t(i, s, a, h, c, k)
            ON CONFLICT DO NOTHING
            """,
            {
                **columns,
                "organisation": ambulance.pk,
                "submission": submission.pk,
                "now": submission.received_at,
            },
        )
    return len(columns["incident"])


def _incidents(rng: random.Random, days: list[date]) -> int:
    """999 incidents at the demo's rate and category mix (``demo/response.py``), each clock
    started at the call (category known at once) and stopped on scene, 5% stood down."""
    ambulance = (
        Organisation.objects.filter(kind=OrganisationKind.AMBULANCE).order_by("code").first()
    )
    if ambulance is None:
        return 0
    submission = _submission(SitrepKind.INCIDENTS, ambulance, _local(days[-1], 23))
    categories = [c for c, _ in CATEGORY_MIX]
    weights = [w for _, w in CATEGORY_MIX]
    columns: dict[str, list] = defaultdict(list)
    for day in days:
        pressure = PRESSURE[day.month]
        for _ in range(INCIDENTS_PER_DAY):
            connected = _local(day, rng.randrange(24), rng.randrange(60)) + timedelta(
                seconds=rng.randrange(60)
            )
            category = rng.choices(categories, weights)[0]
            stood_down = rng.random() < STOOD_DOWN_SHARE
            median = MEDIAN_RESPONSE_MIN[category] * 1.08 * pressure
            seconds = int(min(rng.lognormvariate(math.log(median), 0.5), 600) * 60)
            columns["incident"].append(f"DEMO-I{len(columns['incident']) + 1:07d}")
            columns["category"].append(category)
            columns["connected"].append(connected)
            columns["at_scene"].append(
                None if stood_down else connected + timedelta(seconds=seconds)
            )
            columns["stood_down"].append(connected + timedelta(minutes=5) if stood_down else None)
            columns["response"].append(None if stood_down else seconds)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Incident._meta.db_table}
                (organisation_id, incident, category, call_connected_at, identified_at,
                 dispatched_at, at_scene_at, stood_down_at, clock_start_at, response_s,
                 submission_id, updated_at)
            SELECT %(organisation)s, i, k, c, c, NULL, a, d, c, r, %(submission)s, %(now)s
              FROM unnest(%(incident)s::text[], %(category)s::smallint[],
                          %(connected)s::timestamptz[], %(at_scene)s::timestamptz[],
                          %(stood_down)s::timestamptz[], %(response)s::integer[])
                   AS t(i, k, c, a, d, r)
            ON CONFLICT DO NOTHING
            """,
            {
                **columns,
                "organisation": ambulance.pk,
                "submission": submission.pk,
                "now": submission.received_at,
            },
        )
    return len(columns["incident"])


def _s1(rng: random.Random, days: list[date]) -> int:
    organisations = list(
        Organisation.objects.filter(kind__in=S1_KINDS).order_by("code").values_list("code", "name")
    )
    held = set(S1Frozen.objects.filter(date__in=days).values_list("date", flat=True))
    rows = []
    for day in days:
        if day in held:
            continue
        figures = {}
        for code, _name in organisations:
            target = MOFD_TARGET.get(code)
            if target is None:
                continue
            total = max(0, round(target * PRESSURE[day.month] * 0.95 + rng.gauss(0, target * 0.04)))
            counts = dict.fromkeys(("P0", "P1", "P2", "P3"), 0)
            for _ in range(total):
                counts[
                    rng.choices([p for p, _ in PATHWAY_WEIGHTS], [w for _, w in PATHWAY_WEIGHTS])[0]
                ] += 1
            planned = round(total * 0.15)
            future = round(total * 0.05)
            figures[code] = S1Figures(
                total=total,
                planned_today=planned,
                future_plan=future,
                awaiting_outcome=total - planned - future,
                lost_discharges=round(planned * 0.6),
                days_7_plus=round(total * 0.4),
                days_21_plus=round(total * 0.08),
                **counts,
            )
        # The demo's organisations "sent" their list at 08:00 (no list rows are stored).
        table = s1_table(
            day=day,
            organisations=organisations,
            figures=figures,
            list_times={code: _local(day, 8) for code in figures},
        )
        for row in table["rows"]:
            if row["list_as_at"] is not None:
                row["list_as_at"] = row["list_as_at"].isoformat()
        rows.append(
            S1Frozen(
                date=day,
                figures={**table, "date": day.isoformat(), "demo_history": True},
                frozen_at=_local(day + timedelta(days=1), 0, 5),
            )
        )
    S1Frozen.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _virtual_wards(rng: random.Random, months: list[date]) -> int:
    by_org: dict[int, list[VirtualWard]] = defaultdict(list)
    for ward in VirtualWard.objects.select_related("organisation"):
        by_org[ward.organisation_id].append(ward)
    rows = []
    for wards in by_org.values():
        organisation = wards[0].organisation
        for month in months:
            at = _local(
                (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1), 20
            )
            submission = _submission(SitrepKind.VIRTUAL_WARDS, organisation, at)
            share = VW_SHARE.get(month.month, 1.0) * rng.uniform(0.97, 1.05)
            for ward in wards:
                capacity = max(1, round(ward.capacity * min(share, 1.0)))
                rows.append(
                    VirtualWardCensus(
                        ward=ward,
                        as_at=at,
                        capacity=capacity,
                        occupied=round(capacity * rng.uniform(0.6, 0.9)),
                        submission=submission,
                    )
                )
    VirtualWardCensus.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def plan_history_seed(*, now: datetime, first_month: date) -> dict[str, int]:
    """Write the demo history from ``first_month`` to yesterday (local); nothing when it is
    already there. Returns how many rows of each kind were written."""
    if Submission.objects.filter(body_sha256=DEMO_MARK).exists():
        return {}
    yesterday = local_today(now) - timedelta(days=1)
    if yesterday < first_month:
        return {}
    days = [first_month + timedelta(days=i) for i in range((yesterday - first_month).days + 1)]
    months = sorted({d.replace(day=1) for d in days if (d + timedelta(days=1)).day == 1})
    rng = random.Random(SEED)
    with transaction.atomic():
        return {
            "bed snapshots": _beds(rng, days),
            "handovers": _handovers(rng, days),
            "incidents": _incidents(rng, days),
            "frozen S1s": _s1(rng, days),
            "virtual-ward censuses": _virtual_wards(rng, months),
        }
