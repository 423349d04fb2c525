"""Reads: the board's virtual-ward figures and actual capacity against the plan."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import F, Min

from apps.beds.models import System
from apps.plan.choices import PlanMetric
from apps.plan.models import PlanValue
from apps.plan.rules import SYSTEM

from .models import VirtualWard, VirtualWardCensus, VirtualWardSnapshot
from .rules import local_month, month_end, months_between, per_100k, utilisation_pct


def board_virtual_wards(*, now: datetime) -> dict[str, Any]:
    """``{"system": block, "wards": [block]}`` (VirtualWardsSystemOut, VirtualWardOut).

    A ward's figures are its census in force. A ward that has never reported is unknown, not
    empty: its ``capacity``, ``occupied``, ``pct`` and ``as_at`` are null and only its
    ``funded_capacity`` (estate file) is shown. The system sums the wards that have reported,
    so it equals the sum of the ward blocks. Two queries whatever the number of wards.
    """
    rows = (
        VirtualWard.objects.order_by("code")
        .annotate(
            organisation_code=F("organisation__code"),
            census_capacity=F("current__census__capacity"),
            census_occupied=F("current__census__occupied"),
            census_as_at=F("current__census__as_at"),
        )
        .values(
            "code",
            "name",
            "capacity",
            "organisation_code",
            "census_capacity",
            "census_occupied",
            "census_as_at",
        )
    )
    wards = [
        {
            "code": row["code"],
            "name": row["name"],
            "organisation": row["organisation_code"],
            "capacity": row["census_capacity"],
            "occupied": row["census_occupied"],
            "pct": None
            if row["census_as_at"] is None
            else utilisation_pct(occupied=row["census_occupied"], capacity=row["census_capacity"]),
            "as_at": row["census_as_at"],
            "funded_capacity": row["capacity"],
        }
        for row in rows
    ]
    # Summed from the rows just read: one snapshot, so the system is always the sum of the
    # ward blocks (and no second join over the whole census history for the planner to misjudge).
    reported = [w for w in wards if w["as_at"] is not None]
    totals = {
        "capacity": sum(w["capacity"] for w in reported),
        "occupied": sum(w["occupied"] for w in reported),
        "reported": len(reported),
    }
    population = System.objects.order_by("pk").values_list("population", flat=True).first()
    system = {
        "capacity": totals["capacity"],
        "occupied": totals["occupied"],
        "pct": utilisation_pct(occupied=totals["occupied"], capacity=totals["capacity"]),
        "per_100k": per_100k(capacity=totals["capacity"], population=population),
        "wards_reported": totals["reported"],
        "wards_total": len(wards),
    }
    return {"system": system, "wards": wards}


# Per (month, ward): the capacity of the ward's latest census before the month ended.
_ACTUAL_BY_MONTH = """
SELECT m.month, w.id, w.code, c.capacity
FROM unnest(%(months)s::date[], %(ends)s::timestamptz[]) AS m(month, ends_at)
CROSS JOIN virtualwards_virtualward w
JOIN LATERAL (
    SELECT capacity FROM virtualwards_virtualwardcensus
    WHERE ward_id = w.id AND as_at < m.ends_at
    ORDER BY as_at DESC LIMIT 1
) c ON true
"""


def vw_capacity_at_month_ends(*, months: list[date]) -> list[tuple[date, int, str, int]]:
    """``(month, ward id, ward code, capacity)``: each ward's capacity at its latest census
    before the end of each month (Europe/London; the month in progress: its census in force
    now). Wards with no census by then are absent. One query. The one definition of actual
    capacity for the trajectory here and the plan's ``vw_capacity``."""
    if not months:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_ACTUAL_BY_MONTH, {"months": months, "ends": list(map(month_end, months))})
        return cursor.fetchall()


def vw_plan_vs_actual(*, now: datetime) -> dict[str, Any]:
    """Planned against actual virtual-ward capacity by month, for the system and per ward,
    from the operating plan's store (``vw_capacity``: a row per ward, and the system's own
    row where given).

    ``{"months": [{"month", "planned", "actual"}], "wards": [{"code", "name", "months": [...]}]}``
    ``planned`` is the plan's capacity for the month (null when the plan names no ward for it);
    ``actual`` is, per ward, the capacity of the latest census in force at the end of the month
    (Europe/London), summed over wards (null before any census and for months not yet begun).
    Months run from the first planned or reported month to the later of the last planned month
    and, once censuses exist, the current month. Four queries whatever the estate.
    """
    wards = list(VirtualWard.objects.order_by("code").values_list("id", "code", "name"))
    ward_ids = {code: pk for pk, code, _name in wards}
    system_plan: dict[date, int] = {}
    plan: list[tuple[int, date, int]] = []
    for scope, month, value in PlanValue.objects.filter(metric=PlanMetric.VW_CAPACITY).values_list(
        "scope", "month", "value"
    ):
        if scope == SYSTEM:
            system_plan[month] = int(value)
        elif scope in ward_ids:
            plan.append((ward_ids[scope], month, int(value)))
    first_census = VirtualWardCensus.objects.aggregate(first=Min("as_at"))["first"]

    this_month = local_month(now)
    starts = [month for _, month, _ in plan] + list(system_plan)
    ends = list(starts)
    if first_census is not None:
        starts.append(local_month(first_census))
        ends.append(this_month)
    if not starts:
        return {"months": [], "wards": []}
    months = months_between(min(starts), max(ends))

    planned: dict[tuple[int, date], int] = {(w, m): n for w, m, n in plan}
    actual: dict[tuple[int, date], int] = {}
    begun = [m for m in months if m <= this_month]
    if first_census is not None and begun:
        actual = {
            (ward_id, month): capacity
            for month, ward_id, _code, capacity in vw_capacity_at_month_ends(months=begun)
        }

    planned_total: dict[date, int] = defaultdict(int)
    actual_total: dict[date, int] = defaultdict(int)
    for (_, month), n in planned.items():
        planned_total[month] += n
    planned_total.update(system_plan)  # a system row of the plan, where given, is the plan
    for (_, month), n in actual.items():
        actual_total[month] += n

    return {
        "months": [
            {"month": m, "planned": planned_total.get(m), "actual": actual_total.get(m)}
            for m in months
        ],
        "wards": [
            {
                "code": code,
                "name": name,
                "months": [
                    {
                        "month": m,
                        "planned": planned.get((ward_id, m)),
                        "actual": actual.get((ward_id, m)),
                    }
                    for m in months
                ],
            }
            for ward_id, code, name in wards
        ],
    }


def system_utilisation_at(*, at: datetime, max_age: timedelta | None = None) -> float | None:
    """The system's virtual-ward utilisation % as it stood at ``at`` (latest system snapshot at
    or before it; None when there was none or no capacity, and, with ``max_age``, when that
    snapshot was taken more than ``max_age`` before ``at``). One query."""
    snapshots = VirtualWardSnapshot.objects.filter(ward__isnull=True, taken_at__lte=at)
    if max_age is not None:
        snapshots = snapshots.filter(taken_at__gte=at - max_age)
    snapshot = snapshots.order_by("-taken_at").first()
    if snapshot is None:
        return None
    return utilisation_pct(occupied=snapshot.occupied, capacity=snapshot.capacity)
