"""Reads: the daily series (imported history merged with the product's own figures) and the
stored forecasts. Sums in SQL; one query per source whatever the number of sites."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection

from apps.beds.choices import BedType
from apps.beds.models import Site, Ward, WardState
from apps.beds.selectors import occupancy_by_bed_type
from apps.core.localtime import local_day_end, local_day_start, local_today
from apps.emergency.choices import Disposition
from apps.emergency.models import Attendance
from apps.sitreps.choices import Outcome, SitrepKind
from apps.sitreps.models import Submission

from .choices import SYSTEM_SCOPE, Series
from .engine import MODEL_NAME
from .models import Forecast, HistoryDay
from .rules import beats_baseline, bed_outlook_day, merge_history

# {site code: {local date: value}}
SiteSeries = dict[str, dict[date, float]]

# The product's own count for a day (ED attendances, emergency admissions) counts only when
# the product covered the whole day: per site, from the first local day that starts at or after
# both its earliest attendance held and the first ED sitrep accepted from its organisation (the
# local day of that moment when it is local midnight exactly, else the next day). So a partial
# first day (go-live, or the demo's backfill starting at 19:04) is missing, never a value, and
# an imported value for it stands (QA F3); and records posted late for days before the board
# was receiving (one attendance from 8 days ago) make none of those days the board's (QA N2).
# ``first_local`` is that moment's local wall-clock time (``timestamp`` without zone); local
# midnight exists every day in Europe/London (the clocks change at 01:00 UTC).
FIRST_WHOLE_DAY = """(CASE WHEN first_local = date_trunc('day', first_local)
    THEN first_local::date ELSE first_local::date + 1 END)"""

# Adult G&A occupied at 12:00 local, from the state of each ward in force then (its latest
# state with as_at ≤ midday), summed per site; a site without a state in force has no value.
_GA_MIDDAY_SQL = """
WITH days AS (
    SELECT d::date AS day, (d::date + time '12:00') AT TIME ZONE 'Europe/London' AS midday
    FROM generate_series(%(start)s::date, %(end)s::date, interval '1 day') AS d
)
SELECT si.code, days.day, sum(s.occupied)
FROM days
CROSS JOIN {ward} w
JOIN {site} si ON si.id = w.site_id
JOIN LATERAL (
    SELECT occupied FROM {ward_state} s
    WHERE s.ward_id = w.id AND s.as_at <= days.midday
    ORDER BY s.as_at DESC LIMIT 1
) s ON true
WHERE w.bed_type = %(bed_type)s AND (%(all_sites)s OR si.code = ANY(%(sites)s))
GROUP BY 1, 2
"""


def own_ga_occupied_midday(
    *, start: date, end: date, sites: Collection[str] | None = None
) -> SiteSeries:
    """``ga_occupied_midday`` per site from the bed sitreps held, local days ``start``…``end``
    (DOMAIN.md "Forecasts"; midday is 11:00 UTC in summer time, 12:00 UTC in winter). The
    figure is a moment's, not a day's count, so the whole-day rule of the ED series
    (``FIRST_WHOLE_DAY``) has no use here: a site has a value on a day exactly when one of its
    states was in force at that midday. Days before the first ward state held are skipped
    without a query over them. ``sites``: only these site codes (``None``: every site). Two
    queries."""
    first = WardState.objects.order_by("as_at").values_list("as_at", flat=True).first()
    if first is None:
        return {}
    start = max(start, first.date() - timedelta(days=1))
    if start > end:
        return {}
    sql = _GA_MIDDAY_SQL.format(
        ward=Ward._meta.db_table, site=Site._meta.db_table, ward_state=WardState._meta.db_table
    )
    out: SiteSeries = {}
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "start": start,
                "end": end,
                "bed_type": BedType.GA_ADULT.value,
                "all_sites": sites is None,
                "sites": list(sites or []),
            },
        )
        for code, day, occupied in cursor.fetchall():
            out.setdefault(code, {})[day] = float(occupied)
    return out


# Each site's ED attendances that arrived or departed in local days start…end, by local day of
# the event: a site holds records for a day when one of its attendances arrived or departed in
# it (then its count that day may be 0); a day without any is absent (missing, never 0). The
# two range scans use the arrived_at and departed_at indexes. Days before the site's first
# whole day (FIRST_WHOLE_DAY after the later of its earliest arrival held, by the site/arrived_at
# index, and its organisation's first accepted ED sitrep, by the submission kind index) are
# left out.
_ED_DAYS_SQL = """
WITH firsts AS (
    SELECT si.id AS site_id, {first_whole_day} AS first_day
      FROM {site} si
      JOIN LATERAL (
          SELECT GREATEST(
                     (SELECT a.arrived_at FROM {attendance} a
                       WHERE a.site_id = si.id ORDER BY a.arrived_at LIMIT 1),
                     (SELECT s.received_at FROM {submission} s
                       WHERE s.kind = %(kind)s AND s.organisation_id = si.organisation_id
                         AND s.outcome = %(accepted)s
                       ORDER BY s.received_at LIMIT 1)
                 ) AT TIME ZONE 'Europe/London' AS first_local
      ) f ON f.first_local IS NOT NULL
     WHERE %(all_sites)s OR si.code = ANY(%(sites)s)
), events AS (
    SELECT site_id, (arrived_at AT TIME ZONE 'Europe/London')::date AS day,
           true AS arrival, NULL::varchar AS disposition
      FROM {attendance}
     WHERE arrived_at >= %(start)s AND arrived_at < %(end)s
    UNION ALL
    SELECT site_id, (departed_at AT TIME ZONE 'Europe/London')::date, false, disposition
      FROM {attendance}
     WHERE departed_at >= %(start)s AND departed_at < %(end)s
)
SELECT si.code, events.day, COUNT(*) FILTER (WHERE {counted})
  FROM events
  JOIN firsts ON firsts.site_id = events.site_id AND events.day >= firsts.first_day
  JOIN {site} si ON si.id = events.site_id
 GROUP BY 1, 2
"""


def _own_ed_days(
    *, counted: str, start: date, end: date, sites: Collection[str] | None
) -> SiteSeries:
    sql = _ED_DAYS_SQL.format(
        attendance=Attendance._meta.db_table,
        site=Site._meta.db_table,
        submission=Submission._meta.db_table,
        counted=counted,
        first_whole_day=FIRST_WHOLE_DAY,
    )
    out: SiteSeries = {}
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "start": local_day_start(start),
                "end": local_day_end(end),
                "admitted": Disposition.ADMITTED.value,
                "kind": SitrepKind.EMERGENCY.value,
                "accepted": Outcome.ACCEPTED.value,
                "all_sites": sites is None,
                "sites": list(sites or []),
            },
        )
        for code, day, value in cursor.fetchall():
            out.setdefault(code, {})[day] = float(value)
    return out


def own_ed_attendances(
    *, start: date, end: date, sites: Collection[str] | None = None
) -> SiteSeries:
    """``ed_attendances`` per site from the ED attendances held: arrivals by local day
    (Europe/London; 23 or 25 hours on clock-change days), local days ``start``…``end``
    (DOMAIN.md "Forecasts", "Emergency department"). A day on which none of the site's
    attendances arrived or departed is absent, and so is every day before the site's first
    whole day (``FIRST_WHOLE_DAY`` after its earliest arrival held). ``sites``: only these
    site codes (``None``: every site). One query."""
    return _own_ed_days(counted="events.arrival", start=start, end=end, sites=sites)


def own_emergency_admissions(
    *, start: date, end: date, sites: Collection[str] | None = None
) -> SiteSeries:
    """``emergency_admissions`` per site from the ED attendances held: departures with
    disposition ``admitted`` by local day of departure, local days ``start``…``end``
    (DOMAIN.md "Forecasts"). A day on which none of the site's attendances arrived or departed
    is absent, as is every day before the site's first whole day (as above); one with
    attendances but no admission is 0. ``sites``: as above. One query."""
    return _own_ed_days(
        counted="NOT events.arrival AND events.disposition = %(admitted)s",
        start=start,
        end=end,
        sites=sites,
    )


# The product's own figures per series: a function of (start, end, sites) → SiteSeries.
OWN_SOURCES: dict[str, Callable[..., SiteSeries]] = {
    Series.ED_ATTENDANCES: own_ed_attendances,
    Series.EMERGENCY_ADMISSIONS: own_emergency_admissions,
    Series.GA_OCCUPIED_MIDDAY: own_ga_occupied_midday,
}


def imported_history(
    *, start: date, end: date, sites: Collection[str] | None = None
) -> dict[str, SiteSeries]:
    """Imported days per series: ``{series: {site code: {date: value}}}`` (blank cells
    absent); ``sites``: only these site codes. One query."""
    out: dict[str, SiteSeries] = {s.value: {} for s in Series}
    held = HistoryDay.objects.filter(date__gte=start, date__lte=end)
    if sites is not None:
        held = held.filter(site__code__in=list(sites))
    rows = held.values_list("site__code", "date", *(s.value for s in Series))
    for code, day, *values in rows.iterator(chunk_size=20_000):
        for series, value in zip(Series, values, strict=True):
            if value is not None:
                out[series.value].setdefault(code, {})[day] = float(value)
    return out


def series_history(
    *, today: date, days: int = 730, scopes: Collection[str] | None = None
) -> dict[str, SiteSeries]:
    """Every series per scope for the ``days`` local days before ``today``: imported history
    merged with the product's own complete days (its own win; a site's own ED days count from
    the first local day starting at or after its earliest attendance held, so an imported day
    wins before that: ``FIRST_WHOLE_DAY``; midday occupancy needs a state in force at
    midday), and the system series = the sum over sites with a value that day.
    ``{series: {scope: {date: value}}}``. ``scopes``: only these (site codes and/or
    ``system``; the system needs every site's figures)."""
    start, end = today - timedelta(days=days), today - timedelta(days=1)
    with_system = scopes is None or SYSTEM_SCOPE in scopes
    sites = None if with_system else set(scopes)
    imported = imported_history(start=start, end=end, sites=sites)
    out: dict[str, SiteSeries] = {}
    for series in Series:
        own = (
            OWN_SOURCES[series](start=start, end=end, sites=sites) if series in OWN_SOURCES else {}
        )
        held = imported[series.value]
        merged = {
            code: merge_history(held.get(code, {}), own.get(code, {}))
            for code in held.keys() | own.keys()
        }
        system: dict[date, float] = {}
        for values in merged.values():
            for day, value in values.items():
                system[day] = system.get(day, 0.0) + value
        if system:
            merged[SYSTEM_SCOPE] = system
        if scopes is not None:
            merged = {scope: v for scope, v in merged.items() if scope in scopes}
        out[series.value] = merged
    return out


def scopes_with_history(*, today: date, days: int = 730) -> list[str]:
    """Site codes with an imported day, an adult G&A bed state or an ED attendance in the
    window, then ``system`` when there are any. Three queries."""
    start = today - timedelta(days=days)
    imported = HistoryDay.objects.filter(date__gte=start, date__lt=today).values_list(
        "site__code", flat=True
    )
    reported = WardState.objects.filter(
        ward__bed_type=BedType.GA_ADULT, as_at__date__lt=today
    ).values_list("ward__site__code", flat=True)
    attended = Attendance.objects.filter(
        arrived_at__gte=local_day_start(start), arrived_at__lt=local_day_start(today)
    ).values_list("site__code", flat=True)
    codes = sorted(set(imported.distinct()) | set(reported.distinct()) | set(attended.distinct()))
    return [*codes, SYSTEM_SCOPE] if codes else []


def scope_known(scope: str) -> bool:
    """A scope is ``system`` or a site's code."""
    return scope == SYSTEM_SCOPE or Site.objects.filter(code=scope).exists()


def forecast_for(*, scope: str, series: str) -> Forecast | None:
    """The stored forecast of ``series`` for ``scope`` (``None`` before any run). One query."""
    return Forecast.objects.filter(scope=scope, series=series).first()


def forecasts_page(*, scope: str) -> list[Forecast]:
    """The stored forecasts of every series for ``scope``, in series order. One query."""
    order = {s.value: i for i, s in enumerate(Series)}
    rows = list(Forecast.objects.filter(scope=scope))
    return sorted(rows, key=lambda f: order[f.series])


def forecast_scopes() -> list[tuple[str, str]]:
    """``(scope, label)`` for the page's picker: the system, then sites with a forecast."""
    codes = set(Forecast.objects.values_list("scope", flat=True).distinct())
    sites = Site.objects.filter(code__in=codes).order_by("code").values_list("code", "name")
    return [(SYSTEM_SCOPE, "System"), *((code, f"{code} {name}") for code, name in sites)]


def _no_forecast_reason() -> str:
    if Forecast.objects.exists():
        return "No history for this series here: nothing to forecast from."
    return (
        "No forecast has been made yet: the worker fits them nightly at 02:00 "
        "(or run manage.py forecasts_run)."
    )


def forecast_document(*, scope: str, series: str) -> dict[str, Any]:
    """The API's forecast document (``ForecastOut``) for a known scope: the stored forecast,
    or ``days: []`` with the reason when there is none. One query (two without a forecast)."""
    row = forecast_for(scope=scope, series=series)
    if row is None:
        return {
            "scope": scope,
            "series": series,
            "made_at": None,
            "history_days": 0,
            "model": MODEL_NAME,
            "days": [],
            "backtest": None,
            "reason": _no_forecast_reason(),
        }
    backtest = row.backtest and {**row.backtest, "beats_baseline": beats_baseline(row.backtest)}
    return {
        "scope": row.scope,
        "series": row.series,
        "made_at": row.made_at,
        "history_days": row.history_days,
        "model": row.model,
        "days": row.days,
        "backtest": backtest,
        "reason": row.reason or None,
    }


def available_ga_adult(*, scope: str) -> int | None:
    """Adult G&A beds open now (the board's ``available``) for a site or the system; ``None``
    when none of its adult G&A wards has reported. One query."""
    if scope == SYSTEM_SCOPE:
        figures = occupancy_by_bed_type(level="system").get("system", {})
    else:
        site = Site.objects.filter(code=scope).first()
        if site is None:
            return None
        figures = occupancy_by_bed_type(level="site", site=site).get(site.pk, {})
    ga_adult = figures.get(BedType.GA_ADULT)
    if ga_adult is None or ga_adult.occupancy is None:
        return None
    return ga_adult.occupancy.available


def bed_outlook(*, scope: str, now: datetime) -> dict[str, Any]:
    """The bed outlook (``BedOutlookOut``) for a known scope: each forecast day after today's
    local day with pct, bed gap and the chances of reaching 92% and 95% of the beds available
    now (DOMAIN.md "Forecasts"). Three queries."""
    row = forecast_for(scope=scope, series=Series.GA_OCCUPIED_MIDDAY)
    available = available_ga_adult(scope=scope)
    out = {"scope": scope, "available": available, "made_at": None, "days": [], "reason": None}
    if row is None or not row.days:
        out["reason"] = (row and row.reason) or _no_forecast_reason()
        out["made_at"] = row and row.made_at
        return out
    out["made_at"] = row.made_at
    if available is None:
        out["reason"] = "No adult G&A bed state held here: no beds to compare the forecast with."
        return out
    today = local_today(now)
    standard = settings.SCC_OCCUPANCY_STANDARD_PCT
    out["days"] = [
        bed_outlook_day(
            day=date.fromisoformat(d["date"]),
            mean=d["mean"],
            lo95=d["lo95"],
            hi95=d["hi95"],
            available=available,
            standard_pct=standard,
        )
        for d in row.days
        if date.fromisoformat(d["date"]) > today
    ]
    return out
