"""Writes: arrivals from ambulance sitreps, and the daily snapshots derived from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from apps.beds.choices import OrganisationKind
from apps.beds.models import Organisation, Site
from apps.core.exceptions import ApplicationError
from apps.core.localtime import local_date
from apps.core.records import record_merge
from apps.sitreps.models import Submission

from . import rules
from .models import Handover, HandoverDaily
from .selectors import day_totals_by_site

# Each incident as stated, created or replaced; in incident order, one lock order for every
# writer, so overlapping batches cannot deadlock.
_UPSERT_SQL = """
INSERT INTO {handover} AS h (organisation_id, incident, site_id, arrived_at, handover_at,
                             cleared_at, category, submission_id, updated_at)
SELECT %(organisation)s, i.incident, i.site, i.arrived, i.handed, i.cleared, i.category,
       %(submission)s, %(now)s
FROM unnest(%(incidents)s::text[], %(sites)s::bigint[], %(arrived)s::timestamptz[],
            %(handed)s::timestamptz[], %(cleared)s::timestamptz[], %(categories)s::int[])
     WITH ORDINALITY AS i(incident, site, arrived, handed, cleared, category, n)
ORDER BY i.n
ON CONFLICT (organisation_id, incident) DO UPDATE
SET site_id = EXCLUDED.site_id, arrived_at = EXCLUDED.arrived_at,
    handover_at = EXCLUDED.handover_at, cleared_at = EXCLUDED.cleared_at,
    category = EXCLUDED.category, submission_id = EXCLUDED.submission_id,
    updated_at = EXCLUDED.updated_at
"""


@dataclass(frozen=True)
class Touched:
    """What a batch of handovers changed: local days, and the sites arrivals are or were at."""

    days: set[date]
    site_codes: set[str]


def handovers_held(*, organisation: Organisation, incidents: Iterable[str], lock: bool = False):
    """What is held for these incidents of ``organisation``, by incident (one query): the
    ``rules.HANDOVER_FIELDS`` (``site`` as its id) and ``site__code``. ``lock=True`` (inside
    the ingest transaction) locks the rows, in incident order like every writer."""
    rows = Handover.objects.filter(organisation=organisation, incident__in=sorted(set(incidents)))
    if lock:
        rows = rows.select_for_update().order_by("incident")
    return {r["incident"]: r for r in rows.values("incident", "site__code", *rules.HANDOVER_FIELDS)}


def handovers_upsert(
    *, organisation: Organisation, submission: Submission, items: list[dict[str, Any]]
) -> Touched:
    """Create each new incident, and merge each known one with what is held: a value stated
    corrects, a ``None`` keeps the held value (``apps.core.records.record_merge``; API.md
    "Records filled in over several posts"). Runs inside the ingest transaction.

    The held rows are locked and the ordering rules checked again on the merged records, so a
    post applied concurrently since ``resolve`` cannot slip an invalid record through: raises
    ``ApplicationError`` naming the item (400; the ingest rolls back, nothing applied). Returns
    the local days and sites whose figures changed: the merged arrivals' and, for corrections
    that moved an arrival, the day and site it was on before.
    """
    held = handovers_held(
        organisation=organisation, incidents=[i["incident"] for i in items], lock=True
    )
    errors: dict[int, dict[str, list[str]]] = {}
    merged = []
    for i, item in enumerate(items):
        problems = rules.handover_merge_problems(held.get(item["incident"]), item)
        if problems:
            errors[i] = problems
        merged.append(
            {
                "incident": item["incident"],
                **record_merge(held.get(item["incident"]), item, fields=rules.HANDOVER_FIELDS),
            }
        )
    if errors:
        raise ApplicationError({"handovers": errors})
    before = [(row["arrived_at"], row["site__code"]) for row in held.values()]
    items = merged
    ordered = sorted(items, key=lambda i: i["incident"])
    with connection.cursor() as cursor:
        cursor.execute(
            _UPSERT_SQL.format(handover=Handover._meta.db_table),
            {
                "organisation": organisation.pk,
                "submission": submission.pk,
                "now": timezone.now(),
                "incidents": [i["incident"] for i in ordered],
                "sites": [i["site"].pk for i in ordered],
                "arrived": [i["arrived_at"] for i in ordered],
                "handed": [i["handover_at"] for i in ordered],
                "cleared": [i["cleared_at"] for i in ordered],
                "categories": [i["category"] for i in ordered],
            },
        )
    return Touched(
        days={local_date(arrived_at) for arrived_at, _ in before}
        | {local_date(item["arrived_at"]) for item in items},
        site_codes={code for _, code in before} | {item["site"].code for item in items},
    )


def handover_days_refresh(
    *, days: Iterable[date], now: datetime, site_ids: Iterable[int] | None = None
) -> set[str]:
    """Upsert the ``HandoverDaily`` rows of these local days (all hospital sites, or only
    ``site_ids``). Idempotent. Returns ``"handovers:<site code>"`` for each row written."""
    wanted = None if site_ids is None else set(site_ids)
    rows = []
    codes = set()
    for day in sorted(set(days)):
        for sd in day_totals_by_site(day=day, now=now, site_ids=wanted):
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
    days = {local_date(arrived_at) for _site, arrived_at in waiting}
    return handover_days_refresh(days=days, now=now, site_ids={s for s, _ in waiting})


def handovers_recompute(submissions: Iterable[Submission], *, now: datetime) -> set[str]:
    """After accepted submissions: rewrite the rows of the days and sites they touched.

    A correction that moved an arrival between sites or days names both in its response
    (``days``, ``sites``), so both are refreshed. A submission archived without ``sites``
    refreshes every hospital site of its days.
    """
    days: set[date] = set()
    codes: set[str] | None = set()
    for sub in submissions:
        response = sub.response or {}
        days |= {date.fromisoformat(d) for d in response.get("days", [])}
        if codes is not None and "sites" in response:
            codes |= set(response["sites"])
        else:
            codes = None
    if not days:
        return set()
    site_ids = (
        None
        if codes is None
        else set(Site.objects.filter(code__in=codes).values_list("pk", flat=True))
    )
    changed = handover_days_refresh(days=days, now=now, site_ids=site_ids)
    if site_ids is not None:
        _handover_days_fill(days=days, now=now)
    return changed


# A hospital site with no arrivals on a day has figures for it too: zeros, not "no data".
_FILL_SQL = """
INSERT INTO {daily} (site_id, date, arrivals, handed_over, mean_handover_min, over_15, over_30,
                     over_60, lost_hours, computed_at)
SELECT s.id, d.day, 0, 0, NULL, 0, 0, 0, 0, %(now)s
  FROM {site} s
  JOIN {organisation} o ON o.id = s.organisation_id AND o.kind = %(acute)s
 CROSS JOIN unnest(%(days)s::date[]) AS d(day)
ON CONFLICT (site_id, date) DO NOTHING
"""


def _handover_days_fill(*, days: Iterable[date], now: datetime) -> None:
    sql = _FILL_SQL.format(
        daily=HandoverDaily._meta.db_table,
        site=Site._meta.db_table,
        organisation=Organisation._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, {"now": now, "acute": OrganisationKind.ACUTE.value, "days": sorted(set(days))}
        )
