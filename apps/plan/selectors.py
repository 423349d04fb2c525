"""Reads: each metric's monthly actual from the product's own figures, the plan store, and
the plan against actual by month.

Every actual function takes the months (first days) and ``now``, and returns
``{(month, scope): value}`` for the scopes it can measure (absent: no data). Each runs a
fixed number of queries whatever the estate (one per month at most).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Sum

from apps.ambulance.models import Incident
from apps.ambulance.rules import lost_hours
from apps.ambulance.selectors import period_totals_by_site
from apps.beds.choices import S1_KINDS, BedType, OrganisationKind
from apps.beds.models import OccupancySnapshot, Organisation, Site
from apps.core.localtime import local_today
from apps.discharge.models import S1Frozen
from apps.discharge.selectors import s1_build
from apps.emergency.models import EmergencyDaily
from apps.virtualwards.models import VirtualWard
from apps.virtualwards.selectors import vw_capacity_at_month_ends

from . import rules
from .choices import PlanMetric
from .models import PlanValue
from .rules import SYSTEM

Actuals = dict[tuple[date, str], Decimal]


def _measured(months: Sequence[date], now: datetime) -> list[tuple[date, list[date]]]:
    today = local_today(now)
    return [(m, days) for m in months if (days := rules.month_days(m, today=today))]


# --------------------------------------------------------------------------- beds
_MIDDAY_SQL = """
WITH t(at) AS (SELECT unnest(%(instants)s::timestamptz[]))
SELECT t.at, si.code, s.occupied + s.vacant
  FROM t CROSS JOIN {site} si
  CROSS JOIN LATERAL (
      SELECT occupied, vacant FROM {snapshot}
       WHERE site_id = si.id AND bed_type = %(bed_type)s AND taken_at <= t.at
       ORDER BY taken_at DESC LIMIT 1) s
UNION ALL
SELECT t.at, %(system)s, s.occupied + s.vacant
  FROM t CROSS JOIN LATERAL (
      SELECT occupied, vacant FROM {snapshot}
       WHERE site_id IS NULL AND bed_type = %(bed_type)s AND taken_at <= t.at
       ORDER BY taken_at DESC LIMIT 1) s
"""


def ga_available_beds_actuals(months: Sequence[date], *, now: datetime) -> Actuals:
    """Mean over the month's local days of adult G&A ``available`` beds (occupied + vacant,
    DOMAIN.md "Beds and occupancy") at 12:00 local, from the state in force then (the bed
    figures' snapshots); today before noon counts at ``now``. Days with no state in force are
    left out; one decimal, half up. Per site and ``system``. One query."""
    measured = _measured(months, now)
    instants: list[datetime] = []
    month_of: dict[datetime, date] = {}
    for month, days in measured:
        for at in rules.midday_instants(days, now=now):
            instants.append(at)
            month_of[at] = month
    if not instants:
        return {}
    sql = _MIDDAY_SQL.format(site=Site._meta.db_table, snapshot=OccupancySnapshot._meta.db_table)
    values: dict[tuple[date, str], list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            sql, {"instants": instants, "bed_type": BedType.GA_ADULT.value, "system": SYSTEM}
        )
        for at, scope, available in cursor.fetchall():
            values[(month_of[at], scope)].append(available)
    return {key: rules.mean(v, places=1) for key, v in values.items()}


# --------------------------------------------------------------------------- handovers
def handover_lost_hours_actuals(months: Sequence[date], *, now: datetime) -> Actuals:
    """Handover hours lost over the month's local days (DOMAIN.md "Ambulance handovers and
    lost hours": minutes over the standard, by local day of arrival; a month in progress to
    ``now``, crews still waiting included), per hospital site and ``system``; two decimals,
    half up, from the exact sum. A month without arrivals has no figure. One query per
    month."""
    today = local_today(now)
    out: Actuals = {}
    for month in months:
        window = rules.month_window(month, now=now, today=today)
        if window is None:
            continue
        # A site with no arrivals in the month has no figure (unknown, not 0 hours lost).
        site_days = [
            sd
            for sd in period_totals_by_site(start=window[0], end=window[1], now=now)
            if sd.totals.arrivals
        ]
        for sd in site_days:
            out[(month, sd.code)] = Decimal(str(lost_hours(sd.totals.lost_seconds)))
        if site_days:
            total = sum((sd.totals.lost_seconds for sd in site_days), Decimal(0))
            out[(month, SYSTEM)] = Decimal(str(lost_hours(total)))
    return out


# --------------------------------------------------------------------------- ED
def ed_four_hour_pct_actuals(months: Sequence[date], *, now: datetime) -> Actuals:
    """The four-hour standard over the month's ED departures (DOMAIN.md "Emergency
    department": met when the time in the department is at most 4:00:00; departures by local
    day, all department types), in %: ``100 × met / departed``, one decimal, half up; per ED
    site and ``system`` (pooled over every departure, never an average of sites or days).

    Read from the EDs' stored daily figures (the emergency app's one definition of a day's
    departures and those that met the standard), summed over the month's local days so far:
    a month in progress counts today's departures so far. One query per month.
    """
    today = local_today(now)
    out: Actuals = {}
    for month in months:
        if month > today:
            continue
        rows = list(
            EmergencyDaily.objects.filter(
                date__gte=month, date__lt=rules.month_next(month), date__lte=today
            )
            .order_by()
            .values("site__code")
            .annotate(departed=Sum("departed"), met=Sum("met_4h"))
        )
        for row in rows:
            value = rules.pct(row["met"], row["departed"])
            if value is not None:
                out[(month, row["site__code"])] = value
        system = rules.pct(sum(r["met"] for r in rows), sum(r["departed"] for r in rows))
        if system is not None:
            out[(month, SYSTEM)] = system
    return out


# --------------------------------------------------------------------------- C2
def cat2_mean_min_actuals(months: Sequence[date], *, now: datetime) -> Actuals:
    """Category 2 mean response over the month's incidents with a clock stop, by local day of
    clock start (DOMAIN.md "Ambulance response"), in minutes: ``Σ response_s / (60 × n)``,
    one decimal, half up; per ambulance service and ``system`` (pooled over every C2
    response). A month in progress: clocks started so far. One query per month."""
    today = local_today(now)
    out: Actuals = {}
    for month in months:
        window = rules.month_window(month, now=now, today=today)
        if window is None:
            continue
        rows = list(
            Incident.objects.filter(
                category=2,
                response_s__isnull=False,
                clock_start_at__gte=window[0],
                clock_start_at__lt=window[1],
            )
            .order_by()
            .values("organisation__code")
            .annotate(n=Count("pk"), total=Sum("response_s"))
        )
        for row in rows:
            out[(month, row["organisation__code"])] = rules.minutes_mean(row["total"], row["n"])
        if rows:
            out[(month, SYSTEM)] = rules.minutes_mean(
                sum(r["total"] for r in rows), sum(r["n"] for r in rows)
            )
    return out


# --------------------------------------------------------------------------- MOFD
def _p1_p3(row: dict[str, Any]) -> int:
    by = row["by_pathway"]
    return by["P1"] + by["P2"] + by["P3"]


def mofd_p1_p3_actuals(months: Sequence[date], *, now: datetime) -> Actuals:
    """Mean over the month's days of the S1's P1 + P2 + P3 patients (DOMAIN.md "MOFD and the
    S1"): the frozen S1 of each past day, and today's live S1 in the month in progress;
    days not frozen are left out, and so is an organisation on a day it had sent no list
    (unknown, not zero). Per organisation and ``system`` (the sum of the rows with a list);
    one decimal, half up. One query, and four for today's live S1."""
    measured = _measured(months, now)
    if not measured:
        return {}
    today = local_today(now)
    first, last = measured[0][1][0], measured[-1][1][-1]
    days = {d: m for m, ds in measured for d in ds}
    s1s = {
        f.date: f.figures
        for f in S1Frozen.objects.filter(date__gte=first, date__lte=last).only("date", "figures")
    }
    if today in days and today not in s1s:
        s1s[today] = s1_build(day=today)
    values: dict[tuple[date, str], list[int]] = defaultdict(list)
    for day, s1 in s1s.items():
        month = days.get(day)
        if month is None:
            continue
        known = [r for r in s1["rows"] if not ("list_as_at" in r and r["list_as_at"] is None)]
        for row in known:  # an organisation with no list that day is unknown, not zero
            values[(month, row["organisation"])].append(_p1_p3(row))
        if known:
            values[(month, SYSTEM)].append(sum(_p1_p3(r) for r in known))
    return {key: rules.mean(v, places=1) for key, v in values.items()}


# --------------------------------------------------------------------------- virtual wards
def vw_capacity_actuals(months: Sequence[date], *, now: datetime) -> Actuals:
    """Virtual-ward capacity at the month's last census (DOMAIN.md "Virtual wards"; the
    trajectory's own definition, ``vw_capacity_at_month_ends``): each ward's latest census
    capacity before the end of the month (local), or in force now for the month in
    progress; ``system`` is their sum (wards that never reported are left out). Per ward and
    ``system``. One query."""
    begun = [month for month, _days in _measured(months, now)]
    out: Actuals = {}
    for month, _ward_id, code, capacity in vw_capacity_at_month_ends(months=begun):
        out[(month, code)] = Decimal(capacity)
        out[(month, SYSTEM)] = out.get((month, SYSTEM), Decimal(0)) + capacity
    return out


# --------------------------------------------------------------------------- scopes
def plan_scopes() -> dict[str, set[str]]:
    """The scope codes each metric takes in the estate as it is (``system`` for all). Three
    queries."""
    sites = set(Site.objects.values_list("code", flat=True))
    organisations = dict(Organisation.objects.values_list("code", "kind"))
    wards = set(VirtualWard.objects.values_list("code", flat=True))
    ambulance = {c for c, k in organisations.items() if k == OrganisationKind.AMBULANCE}
    s1 = {c for c, k in organisations.items() if k in S1_KINDS}
    by_kind = {
        PlanMetric.GA_AVAILABLE_BEDS: sites,
        PlanMetric.ED_FOUR_HOUR_PCT: sites,
        PlanMetric.HANDOVER_LOST_HOURS: sites,
        PlanMetric.CAT2_MEAN_MIN: ambulance,
        PlanMetric.MOFD_P1_P3: s1,
        PlanMetric.VW_CAPACITY: wards,
    }
    return {str(m): {SYSTEM, *codes} for m, codes in by_kind.items()}


# --------------------------------------------------------------------------- plan store
def plan_values(*, months: Sequence[date]) -> dict[tuple[str, str, date], Decimal]:
    """``{(metric, scope, month): planned value}`` for ``months``. The virtual-ward system
    trajectory is its ``system`` rows, or where a month has none, the sum of that month's
    rows by ward (the ward trajectory loaded by ``load_vw_plan``). One query."""
    out: dict[tuple[str, str, date], Decimal] = {}
    ward_sums: dict[date, Decimal] = defaultdict(Decimal)
    for metric, scope, month, value in PlanValue.objects.filter(month__in=months).values_list(
        "metric", "scope", "month", "value"
    ):
        out[(metric, scope, month)] = value
        if metric == PlanMetric.VW_CAPACITY and scope != SYSTEM:
            ward_sums[month] += value
    for month, total in ward_sums.items():
        out.setdefault((PlanMetric.VW_CAPACITY.value, SYSTEM, month), total)
    return out
