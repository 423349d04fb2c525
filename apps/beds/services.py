"""Writes of bed state: applying a bed sitrep, and occupancy snapshots for trends.

The apply path is a handful of set-based statements whatever the number of wards and beds
(``unnest`` of arrays, ``INSERT .. ON CONFLICT``), so a 1,000-bed site costs about what a raw
upsert of its rows costs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection

from .choices import BED_HOLDING_KINDS
from .models import (
    Bed,
    BedCurrent,
    BedStatusChange,
    OccupancySnapshot,
    Organisation,
    Site,
    Ward,
    WardCurrent,
    WardState,
)
from .rules import WardReport

if TYPE_CHECKING:
    from apps.sitreps.models import Submission


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def ward_states_apply(
    *, submission: Submission, as_at: datetime, reports: list[WardReport]
) -> set[int]:
    """Record each ward's state at ``as_at`` and make it current where it is the newest.

    Runs inside the ingest transaction. A correction (same ward and ``as_at``) replaces the
    history row; an older delivery is kept in the history but leaves the current state alone.
    Returns the ids of the wards whose current state this submission now is.
    """
    if not reports:
        return set()
    reports = sorted(reports, key=lambda r: r.ward_id)  # one lock order for every writer
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {_t(WardState)}
                (ward_id, as_at, submission_id, source, occupied, vacant, closed, escalation_open)
            SELECT w, %s, %s, s, o, v, c, e
            FROM unnest(%s::bigint[], %s::text[], %s::int[], %s::int[], %s::int[], %s::int[])
                AS t(w, s, o, v, c, e)
            ORDER BY w
            ON CONFLICT (ward_id, as_at) DO UPDATE SET
                submission_id = EXCLUDED.submission_id, source = EXCLUDED.source,
                occupied = EXCLUDED.occupied, vacant = EXCLUDED.vacant,
                closed = EXCLUDED.closed, escalation_open = EXCLUDED.escalation_open
            RETURNING ward_id, id
            """,
            [
                as_at,
                submission.pk,
                [r.ward_id for r in reports],
                [r.source for r in reports],
                [r.occupancy.occupied for r in reports],
                [r.occupancy.vacant for r in reports],
                [r.occupancy.closed for r in reports],
                [r.occupancy.escalation_open for r in reports],
            ],
        )
        state_of = dict(cursor.fetchall())
        # The conditional upsert is the claim: it locks the ward's current row, and a writer
        # holding an older as_at finds the newer one there and changes nothing.
        cursor.execute(
            f"""
            INSERT INTO {_t(WardCurrent)} AS cur (ward_id, state_id, as_at)
            SELECT w, s, %s FROM unnest(%s::bigint[], %s::bigint[]) AS t(w, s) ORDER BY w
            ON CONFLICT (ward_id) DO UPDATE SET state_id = EXCLUDED.state_id, as_at = EXCLUDED.as_at
            WHERE cur.as_at <= EXCLUDED.as_at
            RETURNING ward_id
            """,
            [as_at, list(state_of), list(state_of.values())],
        )
        current = {row[0] for row in cursor.fetchall()}
        listed = [r for r in reports if r.ward_id in current and r.beds is not None]
        counted = [r.ward_id for r in reports if r.ward_id in current and r.beds is None]
        if listed:
            _bed_statuses_apply(cursor, submission=submission, as_at=as_at, reports=listed)
        if counted:
            # Counts say nothing about single beds: their status is unknown from now on.
            cursor.execute(
                f"DELETE FROM {_t(BedCurrent)} WHERE bed_id IN "
                f"(SELECT id FROM {_t(Bed)} WHERE ward_id = ANY(%s))",
                [counted],
            )
    return current


def _bed_statuses_apply(
    cursor, *, submission: Submission, as_at: datetime, reports: list[WardReport]
) -> None:
    """Current status of each listed bed, and a change row for each bed whose status moved."""
    cursor.execute(
        f"SELECT c.bed_id, c.status FROM {_t(BedCurrent)} c JOIN {_t(Bed)} b ON b.id = c.bed_id "
        "WHERE b.ward_id = ANY(%s)",
        [[r.ward_id for r in reports]],
    )
    held = dict(cursor.fetchall())
    changed = [
        (bed_id, held.get(bed_id), status)
        for r in reports
        for bed_id, status in r.beds
        if held.get(bed_id) != status
    ]
    if not changed:
        return
    bed_ids = [c[0] for c in changed]
    from_statuses = [c[1] for c in changed]
    to_statuses = [c[2] for c in changed]
    cursor.execute(
        f"""
        INSERT INTO {_t(BedCurrent)} (bed_id, status, since)
        SELECT b, s, %s FROM unnest(%s::bigint[], %s::text[]) AS t(b, s)
        ON CONFLICT (bed_id) DO UPDATE SET status = EXCLUDED.status, since = EXCLUDED.since
        """,
        [as_at, bed_ids, to_statuses],
    )
    cursor.execute(
        f"""
        INSERT INTO {_t(BedStatusChange)} (bed_id, from_status, to_status, at, submission_id)
        SELECT b, f, s, %s, %s FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS t(b, f, s)
        """,
        [as_at, submission.pk, bed_ids, from_statuses, to_statuses],
    )


# --------------------------------------------------------------------------- snapshots

# Many (site, time) moments in one statement: each site's wards, each one's latest state at
# or before that moment, summed per (site, bed type) (one LATERAL probe per ward on
# (ward_id, as_at), without a round trip and a plan per moment).
_SITES_AS_AT_SQL = """
SELECT m.site_id, m.t, w.bed_type, count(*) AS wards_total, count(s.ward_id) AS wards_reporting,
       coalesce(sum(s.occupied), 0), coalesce(sum(s.vacant), 0),
       coalesce(sum(s.closed), 0), coalesce(sum(s.escalation_open), 0)
FROM unnest(%(sites)s::bigint[], %(times)s::timestamptz[]) AS m(site_id, t)
JOIN {ward} w ON w.site_id = m.site_id
JOIN {site} si ON si.id = w.site_id
JOIN {organisation} o ON o.id = si.organisation_id AND o.kind = ANY(%(kinds)s)
LEFT JOIN LATERAL (
    SELECT ws.ward_id, ws.occupied, ws.vacant, ws.closed, ws.escalation_open
    FROM {ward_state} ws
    WHERE ws.ward_id = w.id AND ws.as_at <= m.t
    ORDER BY ws.as_at DESC LIMIT 1
) s ON true
GROUP BY m.site_id, m.t, w.bed_type
"""


def _sites_rows(cursor, *, moments: list[tuple[int, datetime]]) -> dict[datetime, list[tuple]]:
    """Each site's wards' latest states at or before each (site, t) of ``moments``, summed per
    bed type, in one query: ``{t: [(site_id, bed_type, wards_total, wards_reporting,
    occupied, vacant, closed, escalation_open)]}``."""
    tables = {"ward": _t(Ward), "site": _t(Site), "organisation": _t(Organisation),
              "ward_state": _t(WardState)}  # fmt: skip
    cursor.execute(
        _SITES_AS_AT_SQL.format(**tables),
        {
            "sites": [site for site, _ in moments],
            "times": [t for _, t in moments],
            "kinds": [str(k) for k in BED_HOLDING_KINDS],
        },
    )
    out: dict[datetime, list[tuple]] = {}
    for site_id, t, *rest in cursor.fetchall():
        out.setdefault(t, []).append((site_id, *rest))
    return out


# The system at many times in one pass, for the wards whose newest state is at or after the
# first time: each one's state in force before the first time and its later states up to the
# last, turned into changes and summed cumulatively per bed type. Every other ward (nearly all
# of a national estate, between two recomputes) holds its current state throughout: those are
# summed once (``_SYSTEM_BASE_SQL``) instead of being probed ward by ward.
_SYSTEM_STEPS_SQL = """
WITH ev AS (
    SELECT w.id AS ward_id, w.bed_type, s.*
    FROM {ward} w
    JOIN {site} si ON si.id = w.site_id
    JOIN {organisation} o ON o.id = si.organisation_id AND o.kind = ANY(%(kinds)s)
    JOIN {ward_current} c ON c.ward_id = w.id AND c.as_at >= %(lo)s
    CROSS JOIN LATERAL (
        (SELECT ws.as_at, ws.occupied, ws.vacant, ws.closed, ws.escalation_open
         FROM {ward_state} ws WHERE ws.ward_id = w.id AND ws.as_at < %(lo)s
         ORDER BY ws.as_at DESC LIMIT 1)
        UNION ALL
        (SELECT ws.as_at, ws.occupied, ws.vacant, ws.closed, ws.escalation_open
         FROM {ward_state} ws WHERE ws.ward_id = w.id AND ws.as_at BETWEEN %(lo)s AND %(hi)s)
    ) s
),
d AS (
    SELECT bed_type, as_at,
           (lag(as_at) OVER w IS NULL)::int AS reporting,
           occupied - coalesce(lag(occupied) OVER w, 0) AS occupied,
           vacant - coalesce(lag(vacant) OVER w, 0) AS vacant,
           closed - coalesce(lag(closed) OVER w, 0) AS closed,
           escalation_open - coalesce(lag(escalation_open) OVER w, 0) AS escalation_open
    FROM ev WINDOW w AS (PARTITION BY ward_id ORDER BY as_at)
)
SELECT bed_type, as_at,
       sum(sum(reporting)) OVER c, sum(sum(occupied)) OVER c, sum(sum(vacant)) OVER c,
       sum(sum(closed)) OVER c, sum(sum(escalation_open)) OVER c
FROM d GROUP BY bed_type, as_at
WINDOW c AS (PARTITION BY bed_type ORDER BY as_at)
ORDER BY bed_type, as_at
"""

# The wards unchanged since before the first time, by bed type: (reporting, figures...).
_SYSTEM_BASE_SQL = """
SELECT w.bed_type, count(*), sum(ws.occupied), sum(ws.vacant), sum(ws.closed),
       sum(ws.escalation_open)
FROM {ward_current} c
-- A probe per ward by primary key: a join would hash the whole (ever-growing) history.
CROSS JOIN LATERAL (
    SELECT x.occupied, x.vacant, x.closed, x.escalation_open
    FROM {ward_state} x WHERE x.id = c.state_id LIMIT 1
) ws
JOIN {ward} w ON w.id = c.ward_id
JOIN {site} si ON si.id = w.site_id
JOIN {organisation} o ON o.id = si.organisation_id AND o.kind = ANY(%(kinds)s)
WHERE c.as_at < %(lo)s
GROUP BY w.bed_type
"""

_WARDS_TOTAL_SQL = """
SELECT w.bed_type, count(*) FROM {ward} w
JOIN {site} si ON si.id = w.site_id
JOIN {organisation} o ON o.id = si.organisation_id AND o.kind = ANY(%(kinds)s)
GROUP BY w.bed_type
"""


def _system_rows(cursor, *, times: list[datetime]) -> dict[datetime, list[tuple]]:
    """The system's wards' latest states at or before each of ``times``, summed per bed type:
    ``{t: [(None, bed_type, wards_total, wards_reporting, occupied, vacant, closed,
    escalation_open)]}``, in three queries."""
    import bisect

    tables = {"ward": _t(Ward), "site": _t(Site), "organisation": _t(Organisation),
              "ward_state": _t(WardState), "ward_current": _t(WardCurrent)}  # fmt: skip
    kinds = [str(k) for k in BED_HOLDING_KINDS]
    cursor.execute(_WARDS_TOTAL_SQL.format(**tables), {"kinds": kinds})
    totals = dict(cursor.fetchall())
    window = {"kinds": kinds, "lo": min(times), "hi": max(times)}
    cursor.execute(_SYSTEM_BASE_SQL.format(**tables), window)
    base = {bed_type: tuple(int(f) for f in figures) for bed_type, *figures in cursor.fetchall()}
    cursor.execute(_SYSTEM_STEPS_SQL.format(**tables), window)
    steps: dict[str, tuple[list[datetime], list[tuple]]] = {}
    for bed_type, as_at, *figures in cursor.fetchall():
        at, values = steps.setdefault(bed_type, ([], []))
        at.append(as_at)
        values.append(tuple(int(f) for f in figures))
    none = (0, 0, 0, 0, 0)
    out: dict[datetime, list[tuple]] = {}
    for t in times:
        rows = []
        for bed_type, wards_total in totals.items():
            at, values = steps.get(bed_type, ([], []))
            i = bisect.bisect_right(at, t)
            changed = values[i - 1] if i else none
            unchanged = base.get(bed_type, none)
            figures = tuple(a + b for a, b in zip(unchanged, changed, strict=True))
            rows.append((None, bed_type, wards_total, *figures))
        out[t] = rows
    return out


def occupancy_snapshots_take(*, moments: Mapping[int, Iterable[datetime]]) -> int:
    """Snapshot each site (and the system) by bed type at the given times; idempotent upsert.

    ``moments`` maps a site id to sitrep ``as_at`` times. Snapshots already taken later than a
    late delivery are retaken too, since that delivery may change what held then.
    Returns the number of snapshot rows written.
    """
    rows: list[OccupancySnapshot] = []
    system_times: set[datetime] = set()
    moments = {site_id: set(times) for site_id, times in moments.items() if times}
    # Every site's later snapshots in one query (a national recompute names hundreds of sites).
    taken: dict[int, list[datetime]] = {}
    if moments:
        for site_id, taken_at in OccupancySnapshot.objects.filter(
            site_id__in=list(moments), taken_at__gt=min(min(t) for t in moments.values())
        ).values_list("site_id", "taken_at"):
            taken.setdefault(site_id, []).append(taken_at)
    with connection.cursor() as cursor:
        pairs: list[tuple[int, datetime]] = []
        for site_id, times in moments.items():
            first = min(times)
            times.update(t for t in taken.get(site_id, ()) if t > first)
            system_times.update(times)
            pairs.extend((site_id, t) for t in sorted(times))
        if pairs:
            for t, site_rows in _sites_rows(cursor, moments=pairs).items():
                rows.extend(_snapshots(site_rows, t))
        if system_times:
            for t, system in _system_rows(cursor, times=sorted(system_times)).items():
                rows.extend(_snapshots(system, t))
    if rows:
        OccupancySnapshot.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["site", "bed_type", "taken_at"],
            update_fields=[
                "occupied",
                "vacant",
                "closed",
                "escalation_open",
                "wards_reporting",
                "wards_total",
            ],
        )
    return len(rows)


def _snapshots(rows: list[tuple], t: datetime) -> list[OccupancySnapshot]:
    return [
        OccupancySnapshot(
            site_id=site_id,
            bed_type=bed_type,
            taken_at=t,
            wards_total=wards_total,
            wards_reporting=wards_reporting,
            occupied=occupied,
            vacant=vacant,
            closed=closed,
            escalation_open=escalation_open,
        )
        for (
            site_id,
            bed_type,
            wards_total,
            wards_reporting,
            occupied,
            vacant,
            closed,
            escalation_open,
        ) in rows
    ]
