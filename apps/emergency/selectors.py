"""Reads: ED figures for every reporting site at once, aggregated in PostgreSQL."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Min

from apps.beds.models import Site
from apps.core.localtime import local_date, local_day_bounds
from apps.sitreps.choices import SitrepKind
from apps.sitreps.models import Submission

from . import rules
from .models import Attendance, EmergencyDaily, EmergencyDepartment

TOTAL = "TOTAL"
RECORD_FIELDS = rules.RECORD_FIELDS


def attendances_held(*, organisation, references: Iterable[str]) -> dict[str, dict]:
    """``{attendance: {"site__code", *RECORD_FIELDS}}`` as held now, in one query."""
    rows = Attendance.objects.filter(
        organisation=organisation, attendance__in=list(references)
    ).values("attendance", "site__code", *RECORD_FIELDS)
    return {row["attendance"]: row for row in rows}


def emergency_sites():
    """Sites that report ED attendances, by code."""
    return Site.objects.filter(emergency_department__isnull=False).order_by("code")


# Each ED's totals for local day [start, end), in one statement: arrivals in the day, and the
# departures in the day timed as rules.day_totals times them (whole seconds, stored truncated).
_DAY_TOTALS_SQL = """
WITH arrivals AS (
    SELECT site_id, COUNT(*) AS n
      FROM {attendance}
     WHERE arrived_at >= %(start)s AND arrived_at < %(end)s {only}
     GROUP BY site_id
), departures AS (
    SELECT site_id, department_type, disposition,
           EXTRACT(EPOCH FROM departed_at - arrived_at)::bigint AS stay,
           EXTRACT(EPOCH FROM departed_at - decision_to_admit_at)::bigint AS dta_wait
      FROM {attendance}
     WHERE departed_at >= %(start)s AND departed_at < %(end)s {only}
), totals AS (
    -- Aggregated before the join: one range scan of the day, not one probe per site.
    SELECT site_id,
           COUNT(*) AS departed,
           COUNT(*) FILTER (WHERE stay <= %(four)s) AS met,
           COUNT(*) FILTER (WHERE department_type = 1) AS t1,
           COUNT(*) FILTER (WHERE department_type = 1 AND stay <= %(four)s) AS t1_met,
           COUNT(*) FILTER (WHERE stay > %(twelve)s) AS over_12h,
           COUNT(*) FILTER (WHERE dta_wait > %(twelve)s) AS dta_over_12h,
           COUNT(*) FILTER (WHERE disposition = %(admitted)s) AS admitted,
           COALESCE(SUM(stay) FILTER (WHERE disposition = %(admitted)s), 0) AS admitted_s,
           COUNT(*) FILTER (WHERE disposition <> %(admitted)s) AS non_admitted,
           COALESCE(SUM(stay) FILTER (WHERE disposition <> %(admitted)s), 0) AS non_admitted_s
      FROM departures
     GROUP BY site_id
)
SELECT s.id, s.code, COALESCE(a.n, 0),
       COALESCE(t.departed, 0), COALESCE(t.met, 0), COALESCE(t.t1, 0), COALESCE(t.t1_met, 0),
       COALESCE(t.over_12h, 0), COALESCE(t.dta_over_12h, 0), COALESCE(t.admitted, 0),
       COALESCE(t.admitted_s, 0), COALESCE(t.non_admitted, 0), COALESCE(t.non_admitted_s, 0)
  FROM {site} s
  JOIN {department} d ON d.site_id = s.id
  LEFT JOIN arrivals a ON a.site_id = s.id
  LEFT JOIN totals t ON t.site_id = s.id
 {sites}
 ORDER BY s.code
"""


@dataclass(frozen=True)
class SiteDay:
    site_id: int
    code: str
    totals: rules.DayTotals


def day_totals_by_site(
    *, day: date, site_ids: Collection[int] | None = None, until: datetime | None = None
) -> list[SiteDay]:
    """Totals of every ED (or of ``site_ids``; including those with nothing that day) for a
    local day. One query. Departures' figures do not depend on the clock: no ``now``.
    ``until`` (within the day) ends the day there: the day so far as it stood then."""
    start, end = local_day_bounds(day)
    if until is not None:
        end = min(end, until)
    only = site_ids is not None
    sql = _DAY_TOTALS_SQL.format(
        attendance=Attendance._meta.db_table,
        site=Site._meta.db_table,
        department=EmergencyDepartment._meta.db_table,
        only="AND site_id = ANY(%(site_ids)s)" if only else "",
        sites="WHERE s.id = ANY(%(site_ids)s)" if only else "",
    )
    params = {
        "start": start,
        "end": end,
        "four": rules.FOUR_HOURS_S,
        "twelve": rules.TWELVE_HOURS_S,
        "admitted": "admitted",
        "site_ids": sorted(site_ids) if only else None,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [SiteDay(row[0], row[1], rules.DayTotals(*row[2:])) for row in rows]


def emergency_daily(*, day: date) -> dict[str, Any]:
    """``GET /api/v1/emergency/daily/``: one row per ED for ``day``, and the pooled total.

    From the stored daily rows when every accepted ED submission has been recomputed (they
    are then exact: each submission names every day its attendances arrived or left on);
    from the attendances themselves while one is pending (about a second after each post,
    longer if the worker is down). Measured at national scale (``bench emergency``): the rows
    cost a few milliseconds, the attendances some hundreds.
    """
    if _emergency_recompute_pending():
        site_days = day_totals_by_site(day=day)
    else:
        stored = stored_day_totals(day=day)
        site_days = [
            SiteDay(site_id, code, stored.get(site_id, rules.DayTotals()))
            for site_id, code in emergency_sites().values_list("id", "code")
        ]
    total = sum((sd.totals for sd in site_days), rules.DayTotals())
    return {
        "date": day,
        "sites": [{"site": sd.code, **rules.day_figures(sd.totals)} for sd in site_days],
        "total": {"site": TOTAL, **rules.day_figures(total)},
    }


def _emergency_recompute_pending() -> bool:
    """Is an accepted ED submission waiting for its recompute? (The outbox's partial index.)"""
    return Submission.objects.pending_recompute().filter(kind=SitrepKind.EMERGENCY).exists()


# Patients in each department now (partial index attendance_in_dept_idx). The 12-hour counts
# compare whole seconds as rules.over_twelve_hours does: arrived more than 12 h before now.
_LIVE_SQL = """
SELECT site_id,
       COUNT(*) AS n,
       COUNT(*) FILTER (WHERE arrived_at < %(twelve_ago)s) AS over_12h,
       COUNT(decision_to_admit_at) AS awaiting,
       COUNT(*) FILTER (WHERE decision_to_admit_at < %(twelve_ago)s) AS dta_over_12h,
       MIN(decision_to_admit_at) AS earliest_dta
  FROM {attendance}
 WHERE departed_at IS NULL AND arrived_at <= %(now)s AND arrived_at > %(stale)s
 GROUP BY site_id
"""


def stale_open_by_site(*, now: datetime) -> dict[int, dict[str, Any]]:
    """``{site_id: {"count": int, "oldest_arrived_at": datetime (UTC)}}``: attendances still
    open (no departure) more than ``MAX_STAY`` (7 days) after arrival.

    They left the live figures (``rules.is_in_department``: no real stay is that long), but
    each is a departure the trust never sent, so the ED page lists them for the trust to close
    rather than letting them vanish. Sites with none are absent. One query (the partial index
    on open records)."""
    rows = (
        Attendance.objects.filter(departed_at__isnull=True, arrived_at__lte=now - rules.MAX_STAY)
        .values("site_id")
        .annotate(count=Count("id"), oldest_arrived_at=Min("arrived_at"))
        .order_by()
    )
    return {
        row["site_id"]: {"count": row["count"], "oldest_arrived_at": row["oldest_arrived_at"]}
        for row in rows
    }


_STORED_FIELDS = [
    "attendances",
    "departed",
    "met_4h",
    "type1_departed",
    "type1_met_4h",
    "over_12h",
    "dta_over_12h",
    "admitted",
    "admitted_seconds",
    "non_admitted",
    "non_admitted_seconds",
]


def stored_day_totals(*, day: date) -> dict[int, rules.DayTotals]:
    """``{site_id: DayTotals}`` from the stored daily rows of ``day`` (one indexed query)."""
    rows = EmergencyDaily.objects.filter(date=day).values_list("site_id", *_STORED_FIELDS)
    return {row[0]: rules.DayTotals(*row[1:]) for row in rows}


# Patients in the department at a past moment, there more than 12 hours then: arrived more than
# 12 h before it and not departed before it (the day's departures end just before it, as
# day_totals_by_site's [start, until) does), as the records are now held.
_OVER_12H_AT_SQL = """
SELECT COUNT(*)
  FROM {attendance} a
  JOIN {department} d ON d.site_id = a.site_id
 WHERE a.arrived_at < %(twelve_ago)s AND a.arrived_at > %(stale)s
   AND (a.departed_at IS NULL OR a.departed_at >= %(at)s)
"""


def system_emergency_at(*, at: datetime) -> dict[str, Any] | None:
    """``{"four_hour_pct_today", "over_12h_now"}`` of the whole system as they stood at ``at``
    (DOMAIN.md "Emergency department": all types' four-hour performance over the local day's
    departures up to ``at``, %, one decimal; patients in the department at ``at`` over 12 h
    from arrival), from the attendances as now held; ``None`` when no site reports ED
    attendances. The board's ``system.emergency`` with ``at`` for now; for the wall's "since
    yesterday". Two queries."""
    at = rules.whole_seconds(at)
    site_days = day_totals_by_site(day=local_date(at), until=at)
    if not site_days:
        return None
    day = sum((sd.totals for sd in site_days), rules.DayTotals())
    with connection.cursor() as cursor:
        cursor.execute(
            _OVER_12H_AT_SQL.format(
                attendance=Attendance._meta.db_table,
                department=EmergencyDepartment._meta.db_table,
            ),
            {
                "at": at,
                "twelve_ago": at - timedelta(seconds=rules.TWELVE_HOURS_S),
                "stale": at - rules.MAX_STAY,
            },
        )
        (over_12h,) = cursor.fetchone()
    return {"four_hour_pct_today": rules.pct(day.met_4h, day.departed), "over_12h_now": over_12h}


# Each ED in one statement: today's stored daily row (exact once the day's submissions are
# recomputed) and its patients in the department now (_LIVE_SQL, on the partial index).
_BOARD_SQL = """
WITH live AS ({live})
SELECT d.site_id,
       COALESCE(l.n, 0), COALESCE(l.over_12h, 0), COALESCE(l.awaiting, 0),
       COALESCE(l.dta_over_12h, 0), l.earliest_dta,
       COALESCE(e.attendances, 0), COALESCE(e.departed, 0), COALESCE(e.met_4h, 0),
       COALESCE(e.type1_departed, 0), COALESCE(e.type1_met_4h, 0), COALESCE(e.over_12h, 0),
       COALESCE(e.dta_over_12h, 0), COALESCE(e.admitted, 0), COALESCE(e.admitted_seconds, 0),
       COALESCE(e.non_admitted, 0), COALESCE(e.non_admitted_seconds, 0)
  FROM {department} d
  LEFT JOIN live l ON l.site_id = d.site_id
  LEFT JOIN {daily} e ON e.site_id = d.site_id AND e.date = %(today)s
"""
_LIVE_COLUMNS = 5


def board_emergency(*, now: datetime) -> dict[str, Any]:
    """``{"system": block | None, "sites": {site_id: block}, "live": {site_id: LiveTotals}}``,
    blocks as ``EmergencyLiveOut``, for sites that report ED attendances.

    One query whatever the estate: each ED with today's stored daily row (exact once the
    day's submissions are recomputed, about a second after each) and its patients in the
    department now. ``system`` sums the counts and pools the percentages (summed column by
    column: at 500 EDs, adding the totals pairwise cost more than the query); ``None`` when
    no site reports. Measured by ``bench emergency``.
    """
    now_s = rules.whole_seconds(now)
    sql = _BOARD_SQL.format(
        live=_LIVE_SQL.format(attendance=Attendance._meta.db_table),
        department=EmergencyDepartment._meta.db_table,
        daily=EmergencyDaily._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "now": now_s,
                "twelve_ago": now_s - timedelta(seconds=rules.TWELVE_HOURS_S),
                "stale": now_s - rules.MAX_STAY,
                "today": local_date(now),
            },
        )
        rows = cursor.fetchall()
    if not rows:
        return {"system": None, "sites": {}, "live": {}}
    sites: dict[int, dict[str, Any]] = {}
    live: dict[int, rules.LiveTotals] = {}
    for row in rows:
        site_live = rules.LiveTotals(*row[1 : 1 + _LIVE_COLUMNS])
        live[row[0]] = site_live
        sites[row[0]] = rules.live_figures(
            site_live, rules.DayTotals(*row[1 + _LIVE_COLUMNS :]), now=now
        )
    columns = list(zip(*rows, strict=True))
    counts = [sum(column) for column in columns[1:_LIVE_COLUMNS]]
    earliest = min((d for d in columns[_LIVE_COLUMNS] if d is not None), default=None)
    system_live = rules.LiveTotals(*counts, earliest)
    system_day = rules.DayTotals(*(sum(column) for column in columns[1 + _LIVE_COLUMNS :]))
    return {
        "system": rules.live_figures(system_live, system_day, now=now),
        "sites": sites,
        "live": live,
    }


def emergency_history(*, today: date, days: int) -> dict[int, dict[date, rules.DayTotals]]:
    """Every ED's stored daily totals for the ``days`` local days ending ``today``:
    ``{site_id: {date: DayTotals}}`` (a day with no row is absent). One query."""
    first = today - timedelta(days=days - 1)
    held: dict[int, dict[date, rules.DayTotals]] = {}
    for row in EmergencyDaily.objects.filter(date__gte=first, date__lte=today).values_list(
        "site_id", "date", *_STORED_FIELDS
    ):
        held.setdefault(row[0], {})[row[1]] = rules.DayTotals(*row[2:])
    return held


def site_in_department(*, site: Site, now: datetime) -> list[dict[str, Any]]:
    """The patients in a site's department now, longest first, with their waits (one query)."""
    rows = []
    for att in (
        Attendance.objects.in_department(now=now)
        .filter(site=site)
        .order_by("arrived_at", "attendance")
    ):
        record = rules.Attendance(att.department_type, att.arrived_at, att.decision_to_admit_at)
        wait = rules.dta_wait_s(record, now=now)
        rows.append(
            {
                "attendance": att.attendance,
                "department_type": att.department_type,
                "arrived_at": att.arrived_at,
                "decision_to_admit_at": att.decision_to_admit_at,
                "time_in_dept_min": rules.time_in_dept_min(record, now=now),
                "over_12h": rules.over_twelve_hours(rules.time_in_dept_s(record, now=now)),
                "dta_wait_min": None if wait is None else wait // 60,
            }
        )
    return rows
