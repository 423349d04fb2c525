"""Handovers: daily figures for 500 hospital sites with 20,000 arrivals today, and a
500-item batch POST through the real view. ``.venv/bin/python -m bench handovers``."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone

from bench.common import show, timed

SITES = 500
TRUSTS = 50
ARRIVALS = 20_000
BATCH = 500
GOAL_MS = 200


def _reset() -> None:
    from apps.accounts.models import ApiKey
    from apps.ambulance.models import Handover, HandoverDaily
    from apps.beds.models import Organisation, Site
    from apps.sitreps.models import Submission

    HandoverDaily.objects.all().delete()
    Handover.objects.all().delete()
    Submission.objects.filter(organisation__code__startswith="BENCH").delete()
    ApiKey.objects.filter(organisation__code__startswith="BENCH").delete()
    Site.objects.filter(organisation__code__startswith="BENCH").delete()
    Organisation.objects.filter(code__startswith="BENCH").delete()


def _estate():
    from apps.accounts.models import ApiKey
    from apps.beds.models import Organisation, Site

    trusts = Organisation.objects.bulk_create(
        Organisation(code=f"BENCH{t:03d}", name=f"Bench trust {t}", kind="acute")
        for t in range(TRUSTS)
    )
    sites = Site.objects.bulk_create(
        Site(code=f"BENCH-S{i:03d}", name=f"Bench site {i}", organisation=trusts[i % TRUSTS])
        for i in range(SITES)
    )
    ambulance = Organisation.objects.create(code="BENCHAMB", name="Bench EMAS", kind="ambulance")
    _key, plain = ApiKey.issue(organisation=ambulance)
    return sites, ambulance, plain


def _arrivals(sites, ambulance, now, rng: random.Random) -> None:
    from apps.ambulance.models import Handover
    from apps.core.localtime import local_day_bounds, local_today
    from apps.sitreps.models import Submission

    submission = Submission.objects.create(
        kind="handovers", organisation=ambulance, outcome="accepted", status_code=201,
        body_sha256="bench",
    )  # fmt: skip
    start, _end = local_day_bounds(local_today(now))
    span = max(60, int((now - start).total_seconds()) - 60)
    rows = []
    for n in range(ARRIVALS):
        arrived = start + timedelta(seconds=rng.randint(0, span))
        minutes = rng.lognormvariate(3.3, 0.8)  # median ≈ 27 min, a long tail
        handover = arrived + timedelta(minutes=minutes)
        waiting = handover > now or rng.random() < 0.01
        rows.append(
            Handover(
                organisation=ambulance,
                incident=f"BENCH-{n:06d}",
                site=sites[rng.randrange(SITES)],
                arrived_at=arrived,
                handover_at=None if waiting else handover,
                cleared_at=None,
                category=rng.randint(1, 5),
                submission=submission,
                updated_at=now,
            )
        )
    Handover.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ambulance_handover")


def _server_ms(now) -> float:
    """PostgreSQL's own execution time of the daily statement: less noisy than wall time."""
    from apps.ambulance import rules, selectors
    from apps.beds.models import Organisation, Site
    from apps.core.localtime import local_day_bounds, local_today

    start, end = local_day_bounds(local_today(now))
    sql = selectors._DAY_TOTALS_SQL.format(
        handover="ambulance_handover",
        site=Site._meta.db_table,
        organisation=Organisation._meta.db_table,
        handover_sites="",  # every hospital site, as the board asks
        sites="",
    )
    params = {"now": now, "max_handover": rules.MAX_HANDOVER, "start": start, "end": end,
              "standard_s": 900, "acute": "acute"}  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else plan
    return round(plan["Execution Time"], 2)


def run() -> dict:
    from apps.ambulance.models import Handover
    from apps.ambulance.selectors import board_handovers, handovers_daily
    from apps.ambulance.services import handovers_live_refresh

    rng = random.Random(4)
    _reset()
    sites, ambulance, plain = _estate()
    now = timezone.now()
    _arrivals(sites, ambulance, now, rng)
    waiting = Handover.objects.waiting(now=now).count()
    show("estate", f"{SITES} hospital sites, {ARRIVALS} arrivals today, {waiting} waiting")

    results: dict = {"sites": SITES, "arrivals": ARRIVALS, "waiting": waiting}
    day = handovers_daily(day=timezone.localdate(now), now=now)
    assert len(day["sites"]) >= SITES and day["total"]["arrivals"] == ARRIVALS, day["total"]
    results["daily_selector"] = timed(
        lambda: handovers_daily(day=timezone.localdate(now), now=timezone.now())
    )
    show("handovers_daily() selector, all sites", results["daily_selector"])

    results["daily_sql_server_ms"] = _server_ms(now)
    show("daily SQL, server execution time (EXPLAIN ANALYZE)", results["daily_sql_server_ms"])

    client = Client(headers={"authorization": f"Api-Key {plain}"})

    def get_daily():
        response = client.get("/api/v1/handovers/daily/")
        assert response.status_code == 200, response.content[:200]

    results["daily_http_get"] = timed(get_daily)
    show("GET /api/v1/handovers/daily/ (API key)", results["daily_http_get"])

    results["board_handovers"] = timed(lambda: board_handovers(now=timezone.now()))
    show("board_handovers()", results["board_handovers"])

    results["live_refresh"] = timed(lambda: handovers_live_refresh(now=timezone.now()), repeat=5)
    show("handovers_live_refresh() (writes waiting sites' rows)", results["live_refresh"])

    codes = [s.code for s in sites]
    batch_no = iter(range(10**6))

    def batch(*, correct: bool):
        n = next(batch_no)
        at = timezone.now() - timedelta(hours=1)
        items = []
        for i in range(BATCH):
            arrived = at + timedelta(seconds=i)
            items.append(
                {
                    "incident": f"BENCH-POST-{n if not correct else 0}-{i:04d}",
                    "site": codes[(n + i) % SITES],
                    "arrived_at": arrived.isoformat(),
                    "handover_at": (arrived + timedelta(minutes=20 + n % 40)).isoformat()
                    if correct
                    else None,
                    "cleared_at": None,
                    "category": 2,
                }
            )
        return {"handovers": items}

    def post(body):
        response = client.post("/api/v1/sitreps/handovers/", body, content_type="application/json")
        assert response.status_code == 201, response.content[:300]

    # Bodies are built outside the timing. Each new batch names new incidents; the
    # corrections then fill in handover times for the incidents of the first batch.
    new_bodies = [batch(correct=False) for _ in range(12)]
    results["post_500_new"] = timed(lambda: post(new_bodies.pop()), repeat=10, warmup=2)
    show(f"POST {BATCH} new arrivals (one batch)", results["post_500_new"])

    fixes = [batch(correct=True) for _ in range(12)]
    results["post_500_corrections"] = timed(lambda: post(fixes.pop()), repeat=10, warmup=2)
    show(f"POST {BATCH} corrections (handover filled in)", results["post_500_corrections"])

    results["goal_ms"] = GOAL_MS
    results["daily_within_goal"] = results["daily_http_get"]["p50_ms"] <= GOAL_MS
    _reset()
    return results
