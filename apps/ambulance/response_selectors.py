"""Reads: ambulance response figures for every ambulance service at once, aggregated in
PostgreSQL (DOMAIN.md "Ambulance response")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Min

from apps.beds.choices import OrganisationKind
from apps.beds.models import Organisation
from apps.core.localtime import LOCAL_TZ, local_date, local_day_bounds

from . import response_rules as rules
from .models import Incident, ReapDeclaration

# Per (organisation, category) and pooled per category, over incidents with a clock stop whose
# clock started in [start, end): count, sum and the nearest-rank 90th centile, the value at
# ⌈9n/10⌉ = (9n + 9) / 10 of the sorted responses, in integers (percentile_disc multiplies in
# floating point and can miss the rank, e.g. n = 70). One sort serves both grouping sets.
_DAY_SQL = """
SELECT GROUPING(organisation_id) = 1 AS pooled, organisation_id, category,
       COUNT(*), SUM(response_s),
       (ARRAY_AGG(response_s ORDER BY response_s))[(9 * COUNT(*) + 9) / 10]
  FROM {incident}
 WHERE clock_start_at >= %(start)s AND clock_start_at < %(end)s AND response_s IS NOT NULL
       {until}
 GROUP BY GROUPING SETS ((organisation_id, category), (category))
"""

# The same, pooled over every organisation, per local day of clock start (trends).
_TREND_SQL = """
SELECT (clock_start_at AT TIME ZONE %(tz)s)::date AS day, category, COUNT(*), SUM(response_s),
       (ARRAY_AGG(response_s ORDER BY response_s))[(9 * COUNT(*) + 9) / 10]
  FROM {incident}
 WHERE clock_start_at >= %(start)s AND clock_start_at < %(end)s AND response_s IS NOT NULL
 GROUP BY 1, 2
"""


def ambulance_organisations() -> list[Organisation]:
    """Every ambulance service, by code."""
    return list(Organisation.objects.filter(kind=OrganisationKind.AMBULANCE).order_by("code"))


def _empty_categories() -> dict[str, dict[str, Any]]:
    return {str(c): dict(rules.EMPTY_FIGURES) for c in rules.CATEGORIES}


def response_by_category(
    *, day: date, until: datetime | None = None
) -> dict[int | None, dict[str, dict[str, Any]]]:
    """``{organisation id: {"1".."4": figures}, None: pooled}`` for the local ``day`` (23 or
    25 hours on clock-change days), one statement. Organisations without responses are
    absent; the pooled entry is always there. ``until`` (within the day): the day so far as
    it stood then, over clocks started and stopped before it."""
    start, end = local_day_bounds(day)
    params = {"start": start, "end": end if until is None else min(end, until), "until": until}
    sql = _DAY_SQL.format(
        incident=Incident._meta.db_table,
        until="" if until is None else "AND at_scene_at < %(until)s",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out: dict[int | None, dict[str, dict[str, Any]]] = {None: _empty_categories()}
    for pooled, organisation_id, category, count, total, p90 in rows:
        key = None if pooled else organisation_id
        out.setdefault(key, _empty_categories())[str(category)] = rules.category_figures(
            incidents=count, total_s=int(total), p90_s=p90
        )
    return out


def response_daily(*, day: date) -> dict[str, Any]:
    """``GET /api/v1/ambulance/response/daily/``: every ambulance service (with or without
    incidents) per category, and the pooled total. Two queries whatever the estate."""
    figures = response_by_category(day=day)
    return {
        "date": day,
        "organisations": [
            {
                "organisation": organisation.code,
                "categories": figures.get(organisation.pk) or _empty_categories(),
            }
            for organisation in ambulance_organisations()
        ],
        "total": {"categories": figures[None]},
    }


def response_trend(*, today: date, days: int) -> list[dict[str, Any]]:
    """Pooled figures per local day for the ``days`` days ending ``today``, oldest first:
    ``[{"date", "categories": {"1".."4": figures}}]`` (a day without responses has empty
    figures). One statement."""
    first = today - timedelta(days=days - 1)
    start, _ = local_day_bounds(first)
    _, end = local_day_bounds(today)
    with connection.cursor() as cursor:
        cursor.execute(
            _TREND_SQL.format(incident=Incident._meta.db_table),
            {"start": start, "end": end, "tz": str(LOCAL_TZ)},
        )
        rows = cursor.fetchall()
    by_day: dict[date, dict[str, dict[str, Any]]] = {}
    for day, category, count, total, p90 in rows:
        by_day.setdefault(day, _empty_categories())[str(category)] = rules.category_figures(
            incidents=count, total_s=int(total), p90_s=p90
        )
    return [
        {"date": d, "categories": by_day.get(d) or _empty_categories()}
        for d in (first + timedelta(days=i) for i in range(days))
    ]


def waiting_by_category(*, now: datetime) -> dict[int, dict[int, tuple[int, datetime]]]:
    """``{organisation id: {category: (waiting now, earliest clock start)}}`` (partial index)."""
    rows = (
        Incident.objects.waiting(now=now)
        .values("organisation_id", "category")
        .annotate(n=Count("id"), first=Min("clock_start_at"))
        .order_by()
    )
    out: dict[int, dict[int, tuple[int, datetime]]] = {}
    for row in rows:
        out.setdefault(row["organisation_id"], {})[row["category"]] = (row["n"], row["first"])
    return out


def reap_current(*, now: datetime) -> dict[int, dict[str, Any]]:
    """``{organisation id: {"level", "declared_at"}}``: each service's latest declaration not
    after ``now`` (one query)."""
    rows = (
        ReapDeclaration.objects.filter(declared_at__lte=now)
        .order_by("organisation_id", "-declared_at")
        .distinct("organisation_id")
        .values("organisation_id", "level", "declared_at")
    )
    return {
        r["organisation_id"]: {"level": r["level"], "declared_at": r["declared_at"]} for r in rows
    }


def reap_history(*, now: datetime, days: int) -> list[dict[str, Any]]:
    """Declarations of the last ``days`` days (and the one in force before them), newest
    first: ``[{"organisation", "level", "declared_at"}]``."""
    since = now - timedelta(days=days)
    in_force = reap_current(now=since)
    recent = ReapDeclaration.objects.filter(declared_at__gt=since, declared_at__lte=now)
    rows = list(recent.select_related("organisation").order_by("-declared_at"))
    held = [
        {"organisation": r.organisation.code, "level": r.level, "declared_at": r.declared_at}
        for r in rows
    ]
    if in_force:
        codes = dict(Organisation.objects.filter(pk__in=in_force).values_list("pk", "code"))
        held += [
            {"organisation": codes[pk], **block}
            for pk, block in sorted(in_force.items(), key=lambda kv: kv[1]["declared_at"])
        ]
    return held


def system_response_at(*, at: datetime) -> dict[str, dict[str, Any]]:
    """``{"1".."4": {"incidents", "mean_response_s", "p90_response_s"}}``: the local day's
    responses so far as they stood at ``at``, pooled over every service (DOMAIN.md "Ambulance
    response": clock started that day and stopped before ``at``; seconds). The board's
    ``system.ambulance_response_total`` with ``at`` for now; for the wall's "since
    yesterday". One query."""
    return response_by_category(day=local_date(at), until=at)[None]


def board_ambulance_response(
    *, now: datetime, organisations: Iterable[Organisation] | None = None
) -> dict[str, Any]:
    """``{"organisations": [...], "total": {"1".."4": figures}}``. ``organisations`` is the
    board's ``system.ambulance_response``: per ambulance service, REAP in force and per
    category today's mean and 90th centile response (seconds) with the calls waiting now and
    the longest wait (seconds, to ``now``). ``total``: today's figures pooled over every
    service (the system's C2 mean). Three queries whatever the estate (four without
    ``organisations``)."""
    services = (
        [o for o in organisations if o.kind == OrganisationKind.AMBULANCE]
        if organisations is not None
        else ambulance_organisations()
    )
    services.sort(key=lambda o: o.code)
    today = response_by_category(day=local_date(now))
    waiting = waiting_by_category(now=now)
    reap = reap_current(now=now)
    out = []
    for organisation in services:
        day = today.get(organisation.pk) or _empty_categories()
        live = rules.live_figures(waiting.get(organisation.pk, {}), now=now)
        out.append(
            {
                "organisation": organisation.code,
                "reap": reap.get(organisation.pk),
                "categories": {
                    str(c): {
                        "mean_response_s_today": day[str(c)]["mean_response_s"],
                        "p90_response_s_today": day[str(c)]["p90_response_s"],
                        "incidents_today": day[str(c)]["incidents"],
                        **live[c],
                    }
                    for c in rules.CATEGORIES
                },
            }
        )
    return {"organisations": out, "total": today[None]}


def waiting_organisations(*, now: datetime) -> set[str]:
    """Codes of the services with calls waiting now (the live refresh's names)."""
    return set(
        Incident.objects.waiting(now=now)
        .values_list("organisation__code", flat=True)
        .order_by()
        .distinct()
    )


def stale_incidents(*, now: datetime, limit: int = 20) -> dict[str, Any]:
    """Incidents still open (no clock stop, not stood down) more than ``MAX_OPEN`` after their
    clock start: out of the live figures, listed so the service can close them (API.md
    "Records filled in over several posts"). ``{"count", "oldest": [{"organisation",
    "incident", "category", "clock_start_at"}]}``, oldest first; two queries."""
    stale = Incident.objects.filter(
        at_scene_at__isnull=True,
        stood_down_at__isnull=True,
        clock_start_at__lte=now - rules.MAX_OPEN,
    )
    oldest = stale.order_by("clock_start_at").values(
        "organisation__code", "incident", "category", "clock_start_at"
    )[:limit]
    return {
        "count": stale.count(),
        "oldest": [
            {
                "organisation": row["organisation__code"],
                "incident": row["incident"],
                "category": row["category"],
                "clock_start_at": row["clock_start_at"],
            }
            for row in oldest
        ],
    }
