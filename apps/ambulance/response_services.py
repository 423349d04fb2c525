"""Writes: 999 incidents and REAP declarations from ambulance services' sitreps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from apps.beds.models import Organisation
from apps.core.exceptions import ApplicationError
from apps.core.localtime import local_date
from apps.sitreps.models import Submission

from . import response_rules as rules
from .models import Incident, ReapDeclaration

# One incidents writer per organisation at a time (transaction-scoped advisory lock): the
# merge reads what is held and writes the result, so two posts about the same incident must
# not interleave, even when both are the incident's first.
_LOCK_CLASS = 0x5CC_0017

_UPSERT_SQL = """
INSERT INTO {incident} AS i (organisation_id, incident, category, call_connected_at,
                             identified_at, dispatched_at, at_scene_at, stood_down_at,
                             clock_start_at, response_s, submission_id, updated_at)
SELECT %(organisation)s, u.incident, u.category, u.connected, u.identified, u.dispatched,
       u.at_scene, u.stood_down, u.clock_start, u.response_s, %(submission)s, %(now)s
FROM unnest(%(incidents)s::text[], %(categories)s::int[], %(connected)s::timestamptz[],
            %(identified)s::timestamptz[], %(dispatched)s::timestamptz[],
            %(at_scene)s::timestamptz[], %(stood_down)s::timestamptz[],
            %(clock_start)s::timestamptz[], %(response_s)s::int[])
     AS u(incident, category, connected, identified, dispatched, at_scene, stood_down,
          clock_start, response_s)
ON CONFLICT (organisation_id, incident) DO UPDATE
SET category = EXCLUDED.category, call_connected_at = EXCLUDED.call_connected_at,
    identified_at = EXCLUDED.identified_at, dispatched_at = EXCLUDED.dispatched_at,
    at_scene_at = EXCLUDED.at_scene_at, stood_down_at = EXCLUDED.stood_down_at,
    clock_start_at = EXCLUDED.clock_start_at, response_s = EXCLUDED.response_s,
    submission_id = EXCLUDED.submission_id, updated_at = EXCLUDED.updated_at
"""

_HELD_FIELDS = ("incident", "clock_start_at", "category", *rules.TIME_FIELDS)


@dataclass(frozen=True)
class MergedBatch:
    """A batch merged into what is held: the rows to write (incident, merged times, clock
    start), the local days of clock start it touches (before and after), and the problems
    ``{item index: {field: [message]}}`` (empty when every item is acceptable)."""

    rows: list[tuple[str, rules.IncidentTimes, datetime]]
    days: set[date]
    errors: dict[int, dict[str, list[str]]]


def incidents_merge(*, organisation: Organisation, items: list[dict[str, Any]]) -> MergedBatch:
    """Merge each posted incident into what is held (one query) and check it.

    ``response_rules.incident_merge``: a null never clears a held time, a value corrects it.
    Problems: an incident sent more than once in the batch, and the contract's ordering rules
    on the merged record (``response_rules.incident_problems``). Writes nothing.
    """
    held = {
        row[0]: row
        for row in Incident.objects.filter(
            organisation=organisation, incident__in=[i["incident"] for i in items]
        ).values_list(*_HELD_FIELDS)
    }
    counts = Counter(item["incident"] for item in items)
    days: set[date] = set()
    errors: dict[int, dict[str, list[str]]] = {}
    rows = []
    for n, item in enumerate(items):
        if counts[item["incident"]] > 1:
            errors[n] = {
                "incident": [
                    f"Incident {item['incident']} appears {counts[item['incident']]} times in "
                    "this batch; send it once."
                ]
            }
            continue
        before = held.get(item["incident"])
        held_times = None
        if before is not None:
            days.add(local_date(before[1]))
            held_times = rules.IncidentTimes(
                **dict(zip(("category", *rules.TIME_FIELDS), before[2:], strict=True))
            )
        posted = rules.IncidentTimes(
            category=item["category"], **{f: item[f] for f in rules.TIME_FIELDS}
        ).truncated()
        merged = rules.incident_merge(held_times, posted)
        problems = rules.incident_problems(merged)
        if problems:
            note = rules.held_note(held_times, posted)
            errors[n] = {field: [message + note] for field, message in problems.items()}
            continue
        start = rules.incident_clock_start(merged)
        days.add(local_date(start))
        rows.append((item["incident"], merged, start))
    return MergedBatch(rows=rows, days=days, errors=errors)


def incidents_upsert(
    *, organisation: Organisation, submission: Submission, items: list[dict[str, Any]]
) -> list[date]:
    """Merge each posted incident into what is held and write it (inside the ingest
    transaction, under the organisation's incidents lock).

    The merge is done again here, under the lock, so a post accepted in between is never
    overwritten with an older picture. Raises ``ApplicationError`` ``{"incidents": {n: {field:
    [message]}}}`` if the merged batch is no longer acceptable (nothing written). Returns the
    local days of clock start, before and after, whose figures changed.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, organisation.pk])
    batch = incidents_merge(organisation=organisation, items=items)
    if batch.errors:
        raise ApplicationError({"incidents": batch.errors})
    rows = sorted(batch.rows, key=lambda row: row[0])  # one lock order for every writer
    with connection.cursor() as cursor:
        cursor.execute(
            _UPSERT_SQL.format(incident=Incident._meta.db_table),
            {
                "organisation": organisation.pk,
                "submission": submission.pk,
                "now": timezone.now(),
                "incidents": [incident for incident, _, _ in rows],
                "categories": [m.category for _, m, _ in rows],
                "connected": [m.call_connected_at for _, m, _ in rows],
                "identified": [m.identified_at for _, m, _ in rows],
                "dispatched": [m.dispatched_at for _, m, _ in rows],
                "at_scene": [m.at_scene_at for _, m, _ in rows],
                "stood_down": [m.stood_down_at for _, m, _ in rows],
                "clock_start": [start for _, _, start in rows],
                "response_s": [
                    rules.response_seconds(clock_start=start, at_scene_at=m.at_scene_at)
                    for _, m, start in rows
                ],
            },
        )
    return sorted(batch.days)


def reap_declare(
    *, organisation: Organisation, submission: Submission, level: int, declared_at: datetime
) -> ReapDeclaration:
    """Record (or correct) the REAP level declared at ``declared_at`` (truncated to the
    second)."""
    declaration, _created = ReapDeclaration.objects.update_or_create(
        organisation=organisation,
        declared_at=rules.truncate_s(declared_at),
        defaults={"level": level, "submission": submission},
    )
    return declaration


def response_recompute(submissions: Iterable[Submission]) -> set[str]:
    """After accepted incidents or REAP posts. The response figures are aggregated from the
    incidents themselves when read, so nothing is written; returns the board names that
    changed (``"ambulance_response:<organisation code>"``). Idempotent."""
    return {f"ambulance_response:{sub.organisation.code}" for sub in submissions}
