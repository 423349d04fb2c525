"""Writes: census apply (inside the ingest transaction) and the snapshot recompute."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection

from apps.sitreps.models import Submission

from .models import VirtualWard, VirtualWardCensus, VirtualWardCurrent

# The wards' censuses at one time: inserted, or corrected in place (same ward and time).
_CENSUS_UPSERT = """
INSERT INTO {census} AS c (ward_id, as_at, capacity, occupied, submission_id)
SELECT w, %(as_at)s, cap, occ, %(submission)s
FROM unnest(%(wards)s::bigint[], %(capacity)s::int[], %(occupied)s::int[]) AS i(w, cap, occ)
ORDER BY w
ON CONFLICT (ward_id, as_at) DO UPDATE
SET capacity = EXCLUDED.capacity, occupied = EXCLUDED.occupied,
    submission_id = EXCLUDED.submission_id
RETURNING c.id, c.ward_id
"""

# The wards are locked first (in id order: two censuses never deadlock), so that "newer than
# held" is decided by one writer at a time, each statement after the lock seeing the last
# writer's census.
_LOCK_WARDS = "SELECT id FROM {ward} WHERE id = ANY(%(wards)s) ORDER BY id FOR UPDATE"

# Current unless a newer census is held.
_CURRENT_UPSERT = """
INSERT INTO {current} AS cur (ward_id, census_id)
SELECT w, c FROM unnest(%(wards)s::bigint[], %(censuses)s::bigint[]) AS i(w, c)
ORDER BY w
ON CONFLICT (ward_id) DO UPDATE SET census_id = EXCLUDED.census_id
WHERE (SELECT held.as_at FROM {census} held WHERE held.id = cur.census_id) <= %(as_at)s
RETURNING cur.ward_id
"""


def census_apply(
    *, submission: Submission, as_at: datetime, wards: list[dict[str, Any]]
) -> dict[str, bool]:
    """Record each ward's census at ``as_at``; make it current unless a newer one is held.

    The same (ward, as_at) again is a correction: it replaces the figures. Returns
    ``{ward code: is now current}``. Runs inside the ingest transaction. Three statements
    whatever the number of wards.
    """
    by_id = {item["ward"].pk: item for item in wards}
    ids = sorted(by_id)
    tables = {
        "census": VirtualWardCensus._meta.db_table,
        "current": VirtualWardCurrent._meta.db_table,
        "ward": VirtualWard._meta.db_table,
    }
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_WARDS.format(**tables), {"wards": ids})
        cursor.execute(
            _CENSUS_UPSERT.format(**tables),
            {
                "as_at": as_at,
                "submission": submission.pk,
                "wards": ids,
                "capacity": [by_id[i]["capacity"] for i in ids],
                "occupied": [by_id[i]["occupied"] for i in ids],
            },
        )
        census_of = {ward_id: census_id for census_id, ward_id in cursor.fetchall()}
        cursor.execute(
            _CURRENT_UPSERT.format(**tables),
            {"wards": ids, "censuses": [census_of[i] for i in ids], "as_at": as_at},
        )
        is_current = {ward_id for (ward_id,) in cursor.fetchall()}
    return {item["ward"].code: ward_id in is_current for ward_id, item in by_id.items()}


_WARD_SNAPSHOTS = """
INSERT INTO virtualwards_virtualwardsnapshot AS s (ward_id, taken_at, capacity, occupied)
SELECT c.ward_id, c.as_at, c.capacity, c.occupied
FROM virtualwards_virtualwardcensus c
WHERE c.submission_id = ANY(%(submissions)s)
ON CONFLICT (ward_id, taken_at) WHERE ward_id IS NOT NULL DO UPDATE
SET capacity = EXCLUDED.capacity, occupied = EXCLUDED.occupied
WHERE (s.capacity, s.occupied) IS DISTINCT FROM (EXCLUDED.capacity, EXCLUDED.occupied)
"""

# The system at each census time: per ward, the latest census at or before that time, summed.
# A census that arrives late can change the system at later times too, so every system
# snapshot from its time on is recomputed as well.
_SYSTEM_SNAPSHOTS = """
WITH new AS (
    SELECT DISTINCT as_at FROM virtualwards_virtualwardcensus
    WHERE submission_id = ANY(%(submissions)s)
), times AS (
    SELECT as_at AS taken_at FROM new
    UNION
    SELECT taken_at FROM virtualwards_virtualwardsnapshot
    WHERE ward_id IS NULL AND taken_at >= (SELECT min(as_at) FROM new)
)
INSERT INTO virtualwards_virtualwardsnapshot AS s (ward_id, taken_at, capacity, occupied)
SELECT NULL, t.taken_at, SUM(c.capacity), SUM(c.occupied)
FROM times t
CROSS JOIN virtualwards_virtualward w
JOIN LATERAL (
    SELECT capacity, occupied FROM virtualwards_virtualwardcensus
    WHERE ward_id = w.id AND as_at <= t.taken_at
    ORDER BY as_at DESC LIMIT 1
) c ON true
GROUP BY t.taken_at
ON CONFLICT (taken_at) WHERE ward_id IS NULL DO UPDATE
SET capacity = EXCLUDED.capacity, occupied = EXCLUDED.occupied
WHERE (s.capacity, s.occupied) IS DISTINCT FROM (EXCLUDED.capacity, EXCLUDED.occupied)
"""


def snapshots_record(*, submissions: Iterable[Submission]) -> set[str]:
    """Write the utilisation history for these submissions' censuses; idempotent.

    Returns what changed for the live board: ``virtual_wards:<code>`` and
    ``virtual_wards:system``.
    """
    ids = [s.pk for s in submissions]
    if not ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(_WARD_SNAPSHOTS, {"submissions": ids})
        cursor.execute(_SYSTEM_SNAPSHOTS, {"submissions": ids})
    codes = (
        VirtualWardCensus.objects.filter(submission_id__in=ids)
        .values_list("ward__code", flat=True)
        .distinct()
    )
    return {f"virtual_wards:{code}" for code in codes} | {"virtual_wards:system"}
