"""Ambulance response: 30,000 incidents today across 10 ambulance services, 3,000 of them
waiting. Daily figures (selector and HTTP), the board JSON with its query count (the same
with one service as with ten), and 1,000-item incident POSTs through the real view.
``.venv/bin/python -m bench ambulance``."""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.common import show, timed

SERVICES = 10
INCIDENTS = 30_000
WAITING = 3_000
BATCH = 1_000
DAILY_GOAL_MS = 200
BOARD_GOAL_MS = 150


def _reset() -> None:
    from apps.accounts.models import ApiKey
    from apps.ambulance.models import Incident, ReapDeclaration
    from apps.beds.models import Organisation
    from apps.sitreps.models import Submission

    bench = Organisation.objects.filter(code__startswith="BENCHA")
    Incident.objects.filter(organisation__in=bench).delete()
    ReapDeclaration.objects.filter(organisation__in=bench).delete()
    Submission.objects.filter(organisation__in=bench).delete()
    ApiKey.objects.filter(organisation__in=bench).delete()
    bench.delete()


def _services():
    from apps.accounts.models import ApiKey
    from apps.beds.models import Organisation

    services = Organisation.objects.bulk_create(
        Organisation(code=f"BENCHA{n:02d}", name=f"Bench ambulance {n}", kind="ambulance")
        for n in range(SERVICES)
    )
    _key, plain = ApiKey.issue(organisation=services[0])
    return services, plain


def _incidents(services, now, rng: random.Random) -> None:
    """Set-based: ``INCIDENTS`` over today so far, ``WAITING`` of them waiting now."""
    from apps.ambulance import response_rules as rules
    from apps.ambulance.models import Incident, ReapDeclaration
    from apps.core.localtime import local_date, local_day_bounds
    from apps.sitreps.models import Submission

    submissions = {
        s.pk: Submission.objects.create(
            kind="incidents", organisation=s, outcome="accepted", status_code=201,
            body_sha256="bench", recomputed_at=now,
        )
        for s in services
    }  # fmt: skip
    start, _end = local_day_bounds(local_date(now))
    span = max(600, int((now - start).total_seconds()) - 600)
    rows = []
    for n in range(INCIDENTS):
        service = services[n % SERVICES]
        category = rng.choices((1, 2, 3, 4), weights=(10, 55, 28, 7))[0]
        connected = (start + timedelta(seconds=rng.randint(0, span))).replace(microsecond=0)
        dispatched = connected + timedelta(seconds=rng.randint(20, 300))
        clock = rules.clock_start(
            category=category, call_connected_at=connected, dispatched_at=dispatched
        )
        waiting = n < WAITING
        at_scene = None
        if not waiting:
            at_scene = clock + timedelta(seconds=int(rng.lognormvariate(7.2, 0.7)))
            if at_scene > now:
                at_scene = now.replace(microsecond=0)
        if waiting and clock > now:
            clock = connected = dispatched = now.replace(microsecond=0) - timedelta(minutes=5)
            clock = rules.clock_start(
                category=category, call_connected_at=connected, dispatched_at=dispatched
            )
        rows.append(
            Incident(
                organisation=service,
                incident=f"BENCH-{n:06d}",
                category=category,
                call_connected_at=connected,
                dispatched_at=dispatched,
                at_scene_at=at_scene,
                clock_start_at=clock,
                response_s=None
                if at_scene is None
                else rules.response_seconds(clock_start=clock, at_scene_at=at_scene),
                submission=submissions[service.pk],
                updated_at=now,
            )
        )
    Incident.objects.bulk_create(rows, batch_size=5000)
    ReapDeclaration.objects.bulk_create(
        ReapDeclaration(
            organisation=s,
            level=1 + n % 4,
            declared_at=now - timedelta(hours=n + 1),
            submission=submissions[s.pk],
        )
        for n, s in enumerate(services)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ambulance_incident")


def _server_ms(now) -> float:
    """PostgreSQL's own execution time of the daily statement: less noisy than wall time."""
    from apps.ambulance import response_selectors
    from apps.core.localtime import local_date, local_day_bounds

    start, end = local_day_bounds(local_date(now))
    sql = response_selectors._DAY_SQL.format(incident="ambulance_incident")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, {"start": start, "end": end})
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else plan
    return round(plan["Execution Time"], 2)


def _board_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/board/").status_code == 200
    return len(ctx.captured_queries)


def run() -> dict:
    from apps.ambulance.models import Incident
    from apps.ambulance.response_selectors import board_ambulance_response, response_daily
    from apps.core.localtime import local_date
    from apps.escalation.selectors import rule_thresholds
    from bench.national import _staff_user

    rng = random.Random(17)
    _reset()
    cache_seconds = settings.SCC_BOARD_CACHE_SECONDS
    settings.SCC_BOARD_CACHE_SECONDS = 0  # every board request built fresh
    staff = Client()
    staff.force_login(_staff_user())
    results: dict = {"services": SERVICES, "incidents": INCIDENTS}
    try:
        staff.get("/api/v1/board/")
        rule_thresholds(max_age_s=0)
        queries_before = _board_queries(staff)

        services, plain = _services()
        now = timezone.now()
        _incidents(services, now, rng)
        waiting = Incident.objects.waiting(now=timezone.now()).count()
        results["waiting"] = waiting
        show("estate", f"{SERVICES} services, {INCIDENTS} incidents today, {waiting} waiting")

        day = response_daily(day=local_date(now))
        pooled = sum(c["incidents"] for c in day["total"]["categories"].values())
        assert pooled == INCIDENTS - WAITING, pooled
        results["daily_selector"] = timed(lambda: response_daily(day=local_date(timezone.now())))
        show("response_daily() selector, 10 services", results["daily_selector"])
        results["daily_sql_server_ms"] = _server_ms(now)
        show("daily SQL, server execution time (EXPLAIN ANALYZE)", results["daily_sql_server_ms"])

        client = Client(headers={"authorization": f"Api-Key {plain}"})

        def get_daily():
            response = client.get("/api/v1/ambulance/response/daily/")
            assert response.status_code == 200, response.content[:200]

        results["daily_http_get"] = timed(get_daily)
        show("GET /api/v1/ambulance/response/daily/ (API key)", results["daily_http_get"])

        results["board_block"] = timed(lambda: board_ambulance_response(now=timezone.now()))
        show("board_ambulance_response() (the board's block)", results["board_block"])

        rule_thresholds(max_age_s=0)
        queries_after = _board_queries(staff)
        results["board_queries"] = {"without_services": queries_before, "with_10": queries_after}
        show("board JSON queries: no services / 10 services", results["board_queries"])
        assert queries_after == queries_before, results["board_queries"]

        def get_board():
            assert staff.get("/api/v1/board/").status_code == 200

        results["board_json"] = timed(get_board, repeat=10)
        show("GET /api/v1/board/ (built fresh, staff)", results["board_json"])

        batch_no = iter(range(10**6))

        def body(*, scene: bool):
            n = next(batch_no)
            at = timezone.now().replace(microsecond=0) - timedelta(hours=1)
            items = []
            for i in range(BATCH):
                item = {"incident": f"BENCH-POST-{0 if scene else n}-{i:04d}"}
                if scene:
                    item["at_scene_at"] = (at + timedelta(minutes=20 + n % 30)).isoformat()
                else:
                    item |= {
                        "category": 1 + i % 4,
                        "call_connected_at": at.isoformat(),
                        "identified_at": (at + timedelta(seconds=40)).isoformat(),
                        "dispatched_at": (at + timedelta(seconds=90)).isoformat(),
                    }
                items.append(item)
            return {"incidents": items}

        def post(payload):
            response = client.post(
                "/api/v1/sitreps/incidents/", payload, content_type="application/json"
            )
            assert response.status_code == 201, response.content[:300]

        # Bodies are built outside the timing. New incidents first; then posts that fill in
        # the clock stop of the first batch's incidents (merged with what is held).
        fresh = [body(scene=False) for _ in range(12)]
        results["post_1000_new"] = timed(lambda: post(fresh.pop()), repeat=10, warmup=2)
        show(f"POST {BATCH} new incidents (one batch)", results["post_1000_new"])
        fills = [body(scene=True) for _ in range(12)]
        results["post_1000_fill_in"] = timed(lambda: post(fills.pop()), repeat=10, warmup=2)
        show(f"POST {BATCH} clock stops filled in (merged)", results["post_1000_fill_in"])
    finally:
        settings.SCC_BOARD_CACHE_SECONDS = cache_seconds
        _reset()
    results["goals_ms"] = {"daily": DAILY_GOAL_MS, "board_json": BOARD_GOAL_MS}
    results["daily_within_goal"] = results["daily_http_get"]["p50_ms"] <= DAILY_GOAL_MS
    results["board_within_goal"] = results["board_json"]["p50_ms"] <= BOARD_GOAL_MS
    return results
