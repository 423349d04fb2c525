"""Virtual wards: board figures, plan against actual, and census ingest at a large estate.

200 virtual wards, 18 months of plan each, 30 days of 15-minute censuses each (576,000 rows).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from .common import show, timed

WARDS = 200
DAYS = 30
EVERY = timedelta(minutes=15)
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _setup():
    from django.db import connection

    from apps.beds.models import Organisation, System
    from apps.plan.models import PlanValue
    from apps.sitreps.models import Submission
    from apps.virtualwards.models import VirtualWard, VirtualWardCensus
    from apps.virtualwards.rules import months_between

    System.objects.get_or_create(code="LLR", defaults={"name": "Bench", "population": 1_020_000})
    org, _ = Organisation.objects.get_or_create(
        code="BVW", defaults={"name": "Bench virtual wards", "kind": "community"}
    )
    if VirtualWard.objects.filter(organisation=org).count() >= WARDS:
        return org
    wards = VirtualWard.objects.bulk_create(
        VirtualWard(code=f"BVW-{i:03d}", name=f"Bench {i}", organisation=org, capacity=20)
        for i in range(WARDS)
    )
    sub = Submission.objects.create(
        kind="virtual_wards",
        organisation=org,
        body_sha256="bench",
        outcome="accepted",
        status_code=201,
        recomputed_at=NOW,
    )
    PlanValue.objects.bulk_create(
        PlanValue(metric="vw_capacity", scope=w.code, month=m, value=10 + i % 15)
        for w in wards
        for i, m in enumerate(months_between(date(2025, 7, 1), date(2026, 12, 1)))
    )
    steps = int(timedelta(days=DAYS) / EVERY)
    start = NOW - timedelta(days=DAYS)
    rows = (
        VirtualWardCensus(
            ward=w, as_at=start + EVERY * k, capacity=20, occupied=(k + w.pk) % 23, submission=sub
        )
        for w in wards
        for k in range(steps)
    )
    while batch := list(itertools.islice(rows, 20_000)):
        VirtualWardCensus.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE virtualwards_virtualwardcensus")
    return org


def run() -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.sitreps.pipeline import submissions_recompute
    from apps.sitreps.services import sitrep_ingest
    from apps.virtualwards.selectors import board_virtual_wards, vw_plan_vs_actual

    org = _setup()
    codes = [f"BVW-{i:03d}" for i in range(WARDS)]
    results: dict = {}

    # The first ingest makes every ward current, as a live system would be.
    counter = itertools.count(1)

    def ingest():
        when = NOW + timedelta(seconds=next(counter))
        body = {
            "as_at": when.isoformat(),
            "wards": [{"ward": c, "capacity": 20, "occupied": 15} for c in codes[:50]],
        }
        result = sitrep_ingest(kind="virtual_wards", body=body, organisation=org, now=when)
        assert result.status == 201, result.body
        return result.submission_id

    sitrep_ingest(
        kind="virtual_wards",
        body={
            "as_at": NOW.isoformat(),
            "wards": [{"ward": c, "capacity": 20, "occupied": 10} for c in codes],
        },
        organisation=org,
        now=NOW,
    )
    results["ingest_50_wards"] = timed(ingest)
    show("ingest one census of 50 wards", results["ingest_50_wards"])

    ids = [ingest() for _ in range(20)]
    ids_iter = iter(ids)
    results["recompute_one_census"] = timed(
        lambda: submissions_recompute([next(ids_iter)]), repeat=18, warmup=2
    )
    show("recompute (snapshots) of one 50-ward census", results["recompute_one_census"])

    now = NOW + timedelta(hours=1)
    results["board_virtual_wards"] = timed(lambda: board_virtual_wards(now=now))
    show(f"board_virtual_wards ({WARDS} wards)", results["board_virtual_wards"])
    results["plan_vs_actual"] = timed(lambda: vw_plan_vs_actual(now=now))
    show(f"vw_plan_vs_actual ({WARDS} wards x 17 months)", results["plan_vs_actual"])
    with CaptureQueriesContext(connection) as board_q:
        board_virtual_wards(now=now)
    with CaptureQueriesContext(connection) as plan_q:
        vw_plan_vs_actual(now=now)
    results["queries"] = {"board": len(board_q), "plan_vs_actual": len(plan_q)}
    show("queries", results["queries"])
    return results
