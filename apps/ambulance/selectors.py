"""Reads: handover figures for every hospital site at once, aggregated in PostgreSQL."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min

from apps.beds.choices import OrganisationKind
from apps.beds.models import Site
from apps.core.localtime import local_day_bounds, local_today

from . import rules
from .models import Handover, HandoverDaily

TOTAL = "TOTAL"


def hospital_sites():
    """Sites that receive ambulances: those of acute trusts."""
    return Site.objects.filter(organisation__kind=OrganisationKind.ACUTE).order_by("code")


# Each hospital site's totals for arrivals in [start, end), in one statement. The effective
# handover time mirrors rules.handover_seconds: handover_at; else, while waiting, now (never
# before arrival, never past MAX_HANDOVER); cleared unhanded: none.
_DAY_TOTALS_SQL = """
WITH timed AS (
    SELECT h.site_id,
           h.handover_at IS NOT NULL AS handed_over,
           EXTRACT(EPOCH FROM COALESCE(
               h.handover_at,
               CASE WHEN h.cleared_at IS NULL THEN
                   LEAST(GREATEST(%(now)s, h.arrived_at), h.arrived_at + %(max_handover)s)
               END
           ) - h.arrived_at) AS seconds
      FROM {handover} h
     WHERE h.arrived_at >= %(start)s AND h.arrived_at < %(end)s {handover_sites}
), totals AS (
    -- Aggregated before the join: one range scan of the day, not one probe per site.
    SELECT site_id,
           COUNT(*) AS arrivals,
           COUNT(*) FILTER (WHERE handed_over) AS handed_over,
           SUM(seconds) FILTER (WHERE handed_over) AS handed_over_seconds,
           COUNT(*) FILTER (WHERE seconds > 15 * 60) AS over_15,
           COUNT(*) FILTER (WHERE seconds > 30 * 60) AS over_30,
           COUNT(*) FILTER (WHERE seconds > 60 * 60) AS over_60,
           SUM(GREATEST(seconds - %(standard_s)s, 0)) AS lost_seconds
      FROM timed
     GROUP BY site_id
)
SELECT s.id, s.code,
       COALESCE(t.arrivals, 0), COALESCE(t.handed_over, 0), COALESCE(t.handed_over_seconds, 0),
       COALESCE(t.over_15, 0), COALESCE(t.over_30, 0), COALESCE(t.over_60, 0),
       COALESCE(t.lost_seconds, 0)
  FROM {site} s
  JOIN {organisation} o ON o.id = s.organisation_id AND o.kind = %(acute)s
  LEFT JOIN totals t ON t.site_id = s.id
 {sites}
 ORDER BY s.code
"""
assert rules.BANDS_MIN == (15, 30, 60), "keep _DAY_TOTALS_SQL's bands in step"


@dataclass(frozen=True)
class SiteDay:
    site_id: int
    code: str
    totals: rules.DayTotals


def day_totals_by_site(
    *, day: date, now: datetime, site_ids: Collection[int] | None = None
) -> list[SiteDay]:
    """Totals of every hospital site (or of ``site_ids``; including those with no arrivals)
    for a local day."""
    start, end = local_day_bounds(day)
    return period_totals_by_site(start=start, end=end, now=now, site_ids=site_ids)


def period_totals_by_site(
    *, start: datetime, end: datetime, now: datetime, site_ids: Collection[int] | None = None
) -> list[SiteDay]:
    """Totals of every hospital site (or of ``site_ids``) over arrivals in UTC ``[start,
    end)`` — a local day, or a month (the sum of its days). One query."""
    only = site_ids is not None
    sql = _DAY_TOTALS_SQL.format(
        handover=Handover._meta.db_table,
        site=Site._meta.db_table,
        organisation=Site._meta.get_field("organisation").related_model._meta.db_table,
        handover_sites="AND h.site_id = ANY(%(site_ids)s)" if only else "",
        sites="WHERE s.id = ANY(%(site_ids)s)" if only else "",
    )
    params = {
        "now": now,
        "max_handover": rules.MAX_HANDOVER,
        "start": start,
        "end": end,
        "standard_s": settings.SCC_HANDOVER_STANDARD_MIN * 60,
        "acute": OrganisationKind.ACUTE.value,
        "site_ids": sorted(site_ids) if only else None,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        SiteDay(
            site_id=row[0],
            code=row[1],
            totals=rules.DayTotals(
                arrivals=row[2],
                handed_over=row[3],
                handed_over_seconds=Decimal(row[4]),
                over_15=row[5],
                over_30=row[6],
                over_60=row[7],
                lost_seconds=Decimal(row[8]),
            ),
        )
        for row in rows
    ]


def handovers_daily(*, day: date, now: datetime) -> dict[str, Any]:
    """``GET /api/v1/handovers/daily/``: one row per hospital site for ``day``, and the total."""
    site_days = day_totals_by_site(day=day, now=now)
    total = sum((sd.totals for sd in site_days), rules.DayTotals())
    return {
        "date": day,
        "sites": [{"site": sd.code, **rules.day_figures(sd.totals)} for sd in site_days],
        "total": {"site": TOTAL, **rules.day_figures(total)},
    }


def _live_block(totals: rules.DayTotals, *, waiting: int, longest: int) -> dict[str, Any]:
    figures = rules.day_figures(totals)
    return {
        "waiting_now": waiting,
        "longest_wait_min": longest,
        "arrivals_today": figures["arrivals"],
        "mean_handover_min_today": figures["mean_handover_min"],
        "over_30_today": figures["over_30"],
        "over_60_today": figures["over_60"],
        "lost_hours_today": figures["lost_hours"],
    }


def waiting_by_site(*, now: datetime) -> dict[int, tuple[int, datetime]]:
    """``{site_id: (crews waiting now, earliest arrival among them)}`` (partial index)."""
    rows = (
        Handover.objects.waiting(now=now)
        .values("site_id")
        .annotate(n=Count("id"), first=Min("arrived_at"))
        .order_by()
    )
    return {r["site_id"]: (r["n"], r["first"]) for r in rows}


def board_handovers(*, now: datetime) -> dict[str, Any]:
    """``{"system": block, "sites": {site_id: block}}``, blocks as ``HandoversLiveOut``.

    Hospital sites only (other sites have no ambulance block). Two queries whatever the estate.
    ``lost_hours_today`` includes the minutes accruing for crews still waiting.
    """
    today = local_today(now)
    site_days = day_totals_by_site(day=today, now=now)
    waiting = waiting_by_site(now=now)
    sites = {}
    for sd in site_days:
        n, first = waiting.get(sd.site_id, (0, None))
        longest = rules.wait_min(first, now=now) if first else 0
        sites[sd.site_id] = _live_block(sd.totals, waiting=n, longest=longest)
    total = sum((sd.totals for sd in site_days), rules.DayTotals())
    system = _live_block(
        total,
        waiting=sum(block["waiting_now"] for block in sites.values()),
        longest=max((block["longest_wait_min"] for block in sites.values()), default=0),
    )
    return {"system": system, "sites": sites}


def site_arrivals_today(*, site: Site, now: datetime) -> list[dict[str, Any]]:
    """Today's arrivals at a site with their waits, for the site page's table (one query)."""
    start, end = local_day_bounds(local_today(now))
    standard = settings.SCC_HANDOVER_STANDARD_MIN
    rows = []
    for h in (
        Handover.objects.filter(site=site, arrived_at__gte=start, arrived_at__lt=end)
        .select_related("organisation")
        .order_by("arrived_at", "incident")
    ):
        arrival = rules.Arrival(h.arrived_at, h.handover_at, h.cleared_at)
        minutes = rules.handover_min(arrival, now=now)
        waiting = rules.is_waiting(arrival) and h.arrived_at > now - rules.MAX_HANDOVER
        wait = rules.wait_min(h.arrived_at, now=now) if waiting else None
        rows.append(
            {
                "incident": h.incident,
                "organisation": h.organisation.code,
                "category": h.category,
                "arrived_at": h.arrived_at,
                "handover_at": h.handover_at,
                "cleared_at": h.cleared_at,
                "waiting": waiting,
                "handover_min": None if minutes is None else round(minutes, 1),
                "lost_min": None
                if minutes is None
                else round(rules.lost_min(minutes, standard_min=standard), 1),
                "release_to_respond_breached": waiting
                and rules.release_to_respond_breached(
                    wait, limit_min=settings.SCC_RELEASE_TO_RESPOND_MIN
                ),
            }
        )
    return rows


def site_lost_hours_history(*, site: Site, today: date, days: int) -> list[dict[str, Any]]:
    """The site's daily snapshots for the ``days`` local days ending ``today``, oldest first.

    A day with no snapshot (nothing was recomputed that day) has ``None`` figures.
    """
    first = today - timedelta(days=days - 1)
    held = {
        d.date: d for d in HandoverDaily.objects.filter(site=site, date__gte=first, date__lte=today)
    }
    out = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        snap = held.get(day)
        out.append(
            {
                "date": day,
                "arrivals": snap.arrivals if snap else None,
                "mean_handover_min": snap.mean_handover_min if snap else None,
                "over_60": snap.over_60 if snap else None,
                "lost_hours": float(snap.lost_hours) if snap else None,
            }
        )
    return out


# The system's live handover figures as they stood at an earlier moment ``at``, from the
# records as held now: crews waiting then (arrived, not yet handed over or cleared by ``at``)
# and lost time of ``at``'s local day up to ``at`` (waits still running then count to ``at``).
_SYSTEM_AT_SQL = """
WITH timed AS (
    SELECT h.arrived_at,
           (h.handover_at IS NULL OR h.handover_at > %(at)s)
             AND (h.cleared_at IS NULL OR h.cleared_at > %(at)s)
             AND h.arrived_at > %(at)s - %(max_handover)s AS waiting,
           EXTRACT(EPOCH FROM LEAST(
               CASE WHEN h.handover_at IS NOT NULL AND h.handover_at <= %(at)s THEN h.handover_at
                    WHEN h.cleared_at IS NOT NULL AND h.cleared_at <= %(at)s THEN NULL
                    ELSE %(at)s END,
               h.arrived_at + %(max_handover)s
           ) - h.arrived_at) AS seconds
      FROM {handover} h
     WHERE h.arrived_at <= %(at)s AND h.arrived_at >= LEAST(%(start)s, %(at)s - %(max_handover)s)
)
SELECT COUNT(*) FILTER (WHERE waiting),
       MIN(arrived_at) FILTER (WHERE waiting),
       COALESCE(SUM(GREATEST(seconds - %(standard_s)s, 0))
                FILTER (WHERE arrived_at >= %(start)s), 0)
  FROM timed
"""


def system_handovers_at(*, at: datetime) -> dict[str, Any]:
    """``{"waiting_now", "longest_wait_min", "lost_hours_today"}`` of the whole system as they
    stood at ``at`` (DOMAIN.md "Ambulance handovers": the live figures, with ``at`` for now).
    For the wall's "since yesterday". One query."""
    start, _end = local_day_bounds(local_today(at))
    sql = _SYSTEM_AT_SQL.format(handover=Handover._meta.db_table)
    params = {
        "at": at,
        "start": start,
        "max_handover": rules.MAX_HANDOVER,
        "standard_s": settings.SCC_HANDOVER_STANDARD_MIN * 60,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        waiting, first, lost_seconds = cursor.fetchone()
    return {
        "waiting_now": waiting,
        "longest_wait_min": rules.wait_min(first, now=at) if first else 0,
        "lost_hours_today": rules.lost_hours(Decimal(lost_seconds)),
    }


def crews_waiting_now(*, now: datetime) -> list[dict[str, Any]]:
    """Every crew waiting at a hospital now, longest first: ``[{"incident", "site",
    "site_name", "organisation", "category", "arrived_at", "wait_min"}]`` (DOMAIN.md
    "Ambulance handovers": waiting = arrived, no handover, not cleared; whole minutes, rounded
    down). One query; partial index ``handover_waiting_idx``."""
    rows = (
        Handover.objects.waiting(now=now)
        .select_related("site", "organisation")
        .order_by("arrived_at", "incident")
    )
    return [
        {
            "incident": h.incident,
            "site": h.site.code,
            "site_name": h.site.name,
            "organisation": h.organisation.code,
            "category": h.category,
            "arrived_at": h.arrived_at,
            "wait_min": rules.wait_min(h.arrived_at, now=now),
        }
        for h in rows
    ]
