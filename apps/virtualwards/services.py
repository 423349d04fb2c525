"""Writes: census apply (inside the ingest transaction) and the snapshot recompute."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection

from apps.sitreps.models import Submission

from .models import VirtualWard, VirtualWardCensus, VirtualWardCurrent


def census_apply(
    *, submission: Submission, as_at: datetime, wards: list[dict[str, Any]]
) -> dict[str, bool]:
    """Record each ward's census at ``as_at``; make it current unless a newer one is held.

    The same (ward, as_at) again is a correction: it replaces the figures. Returns
    ``{ward code: is now current}``. Runs inside the ingest transaction; the ward rows are
    locked (in id order, so two censuses never deadlock) so that "newer than held" is decided
    by one writer at a time.
    """
    by_id = {item["ward"].pk: item for item in wards}
    list(
        VirtualWard.objects.select_for_update()
        .filter(pk__in=by_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    censuses = VirtualWardCensus.objects.bulk_create(
        [
            VirtualWardCensus(
                ward_id=ward_id,
                as_at=as_at,
                capacity=item["capacity"],
                occupied=item["occupied"],
                submission=submission,
            )
            for ward_id, item in by_id.items()
        ],
        update_conflicts=True,
        unique_fields=["ward", "as_at"],
        update_fields=["capacity", "occupied", "submission"],
    )
    held = dict(
        VirtualWardCurrent.objects.filter(ward_id__in=by_id).values_list("ward_id", "census__as_at")
    )
    current = [c for c in censuses if held.get(c.ward_id) is None or held[c.ward_id] <= as_at]
    VirtualWardCurrent.objects.bulk_create(
        [VirtualWardCurrent(ward_id=c.ward_id, census_id=c.pk) for c in current],
        update_conflicts=True,
        unique_fields=["ward"],
        update_fields=["census"],
    )
    is_current = {c.ward_id for c in current}
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
