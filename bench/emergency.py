"""Emergency departments at national scale: 500 sites with EDs, 75,000 attendances today,
8,000 patients in the departments now, on the national synthetic estate.
``.venv/bin/python -m bench emergency``.

Measures the daily figures for every site (selector, HTTP, PostgreSQL's own time), the board
JSON without and with the ED blocks (p50 and query count, fresh builds: the shared cache off),
the recompute of today's stored rows, and 1,000-item POSTs (new attendances, then the same
ones filled in with departures). Also today's figures computed from the attendances instead of
the stored rows, the choice the board makes (see ``selectors.board_emergency``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import _estate
from bench.common import show, timed
from bench.national import _staff_user

ATTENDANCES = 75_000
IN_DEPARTMENT = 8_000
BATCH = 1_000
DAILY_GOAL_MS = 200
BOARD_GOAL_MS = 150

# 75,000 arrivals spread over today so far, every ED alike; exactly 8,000 still in the
# department, the others gone after 1 to 16 hours (or by now);
# about 3 in 10 type 1 patients with a decision to admit.
_ATTENDANCES_SQL = """
INSERT INTO emergency_attendance (organisation_id, attendance, site_id, department_type,
                                  arrived_at, decision_to_admit_at, departed_at, disposition,
                                  submission_id, updated_at)
SELECT s.organisation_id, 'BENCH-ED-' || g.i, s.id, g.type, g.arrived,
       CASE WHEN g.admit THEN LEAST(g.arrived + (g.stay * 0.6), %(now)s) END,
       CASE WHEN NOT g.inside THEN LEAST(g.arrived + g.stay, %(now)s) END,
       CASE WHEN g.inside THEN NULL WHEN g.admit THEN 'admitted' ELSE 'discharged' END,
       %(submission)s, %(now)s
  FROM (
    SELECT i, CASE WHEN i %% 4 = 0 THEN 3 ELSE 1 END AS type,
           date_trunc('second', %(start)s + random() * (%(now)s - %(start)s)) AS arrived,
           date_trunc('second', interval '1 hour' + power(random(), 2) * interval '15 h') AS stay,
           i %% 4 <> 0 AND random() < 0.3 AS admit,
           i <= %(inside)s AS inside,
           i %% %(sites)s AS n
      FROM generate_series(1, %(total)s) AS i
  ) g
  JOIN (SELECT id, organisation_id, row_number() OVER (ORDER BY id) - 1 AS n
          FROM beds_site WHERE id IN (SELECT site_id FROM emergency_emergencydepartment)) s
    ON s.n = g.n
"""


def _eds(now) -> tuple[int, object]:
    from apps.beds.models import Organisation, Site
    from apps.emergency.models import EmergencyDepartment
    from apps.sitreps.models import Submission

    sites = list(Site.objects.filter(organisation__kind="acute").order_by("code"))
    EmergencyDepartment.objects.bulk_create(EmergencyDepartment(site=s) for s in sites)
    organisation = Organisation.objects.filter(kind="acute").order_by("code").first()
    submission = Submission.objects.create(
        kind="emergency", organisation=organisation, outcome="accepted", status_code=201,
        body_sha256="bench-emergency", recomputed_at=now,  # its rows are refreshed below
    )  # fmt: skip
    return len(sites), submission


def _fill(now, submission, sites: int) -> None:
    from apps.core.localtime import local_date as local_day
    from apps.core.localtime import local_day_bounds

    start, _ = local_day_bounds(local_day(now))
    start = max(start, now - timedelta(hours=24))
    if now - start < timedelta(hours=2):  # just after midnight: a day's spread still
        start = now - timedelta(hours=20)
    with connection.cursor() as cursor:
        cursor.execute(
            _ATTENDANCES_SQL,
            {
                "now": now,
                "start": start,
                "submission": submission.pk,
                "total": ATTENDANCES,
                "inside": IN_DEPARTMENT,
                "sites": sites,
            },
        )
        cursor.execute("ANALYZE emergency_attendance")


def _server_ms(day) -> float:
    """PostgreSQL's own execution time of the daily statement: less noisy than wall time."""
    from apps.core.localtime import local_day_bounds
    from apps.emergency import rules, selectors

    start, end = local_day_bounds(day)
    sql = selectors._DAY_TOTALS_SQL.format(
        attendance="emergency_attendance",
        site="beds_site",
        department="emergency_emergencydepartment",
        only="",
        sites="",
    )
    params = {"start": start, "end": end, "four": rules.FOUR_HOURS_S,
              "twelve": rules.TWELVE_HOURS_S, "admitted": "admitted", "site_ids": None}  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else plan
    return round(plan["Execution Time"], 2)


def _board(client) -> dict:
    from apps.escalation.selectors import rule_thresholds

    def get() -> None:
        response = client.get("/api/v1/board/")
        assert response.status_code == 200, response.status_code

    get()
    rule_thresholds(max_age_s=0)
    with CaptureQueriesContext(connection) as ctx:
        get()
    return {"queries": len(ctx.captured_queries)} | timed(get, repeat=15, warmup=2)


def run() -> dict:
    from apps.core.localtime import local_date as local_day
    from apps.emergency.models import Attendance, EmergencyDaily
    from apps.emergency.selectors import board_emergency, day_totals_by_site, emergency_daily
    from apps.emergency.services import emergency_days_refresh, emergency_live_refresh
    from apps.sitreps.models import Submission

    results: dict = {}
    _estate.wipe()
    Attendance.objects.all().delete()
    cache_seconds = settings.SCC_BOARD_CACHE_SECONDS
    settings.SCC_BOARD_CACHE_SECONDS = 0  # fresh builds: what a change costs
    try:
        now = timezone.now()
        estate = _estate.generate(_estate.NATIONAL, now=now)
        staff = Client()
        staff.force_login(_staff_user())

        results["board_without_ed"] = _board(staff)
        show("board JSON without ED blocks (queries, ms)", results["board_without_ed"])

        sites, submission = _eds(now)
        _fill(now, submission, sites)
        today = local_day(now)
        inside = Attendance.objects.in_department(now=timezone.now()).count()
        results["estate"] = {"eds": sites, "attendances": Attendance.objects.count(),
                             "in_department": inside}  # fmt: skip
        show("EDs, attendances today, in department now", results["estate"])

        results["recompute_today"] = timed(
            lambda: emergency_days_refresh(days={today}, now=timezone.now()), repeat=5
        )
        show("recompute today's stored rows, every ED", results["recompute_today"])
        assert EmergencyDaily.objects.filter(date=today).count() == sites

        day = emergency_daily(day=today)
        assert day["total"]["attendances"] <= ATTENDANCES and len(day["sites"]) == sites
        results["daily_selector"] = timed(lambda: emergency_daily(day=today))
        show("emergency_daily() selector, all sites", results["daily_selector"])
        results["daily_sql_server_ms"] = _server_ms(today)
        show("daily SQL, server execution time (EXPLAIN ANALYZE)", results["daily_sql_server_ms"])

        key = Client(headers={"authorization": f"Api-Key {next(iter(estate.keys.values()))}"})

        def get_daily() -> None:
            response = key.get("/api/v1/emergency/daily/")
            assert response.status_code == 200, response.content[:200]

        results["daily_http_get"] = timed(get_daily)
        show("GET /api/v1/emergency/daily/ (stored rows)", results["daily_http_get"])
        # While a submission awaits its recompute the API reads the attendances instead.
        pending = Submission.objects.create(
            kind="emergency", organisation=submission.organisation, outcome="accepted",
            status_code=201, body_sha256="bench-emergency-pending",
        )  # fmt: skip
        results["daily_http_get_pending"] = timed(get_daily)
        show("GET /api/v1/emergency/daily/ (recompute pending)", results["daily_http_get_pending"])
        pending.delete()

        results["board_emergency"] = timed(lambda: board_emergency(now=timezone.now()))
        show("board_emergency() (stored today + live)", results["board_emergency"])
        results["today_from_attendances"] = timed(lambda: day_totals_by_site(day=today))
        show("today's figures from the attendances instead", results["today_from_attendances"])
        results["live_refresh"] = timed(lambda: emergency_live_refresh(now=timezone.now()))
        show("emergency_live_refresh() (beat, each minute)", results["live_refresh"])

        results["board_with_ed"] = _board(staff)
        show("board JSON with ED blocks (queries, ms)", results["board_with_ed"])
        base, with_ed = results["board_without_ed"], results["board_with_ed"]
        results["board_ratio"] = round(with_ed["p50_ms"] / base["p50_ms"], 2)
        results["board_extra_queries"] = with_ed["queries"] - base["queries"]
        show("board with / without ED (p50 ratio, extra queries)",
             (results["board_ratio"], results["board_extra_queries"]))  # fmt: skip

        org = estate.sites[0][0]
        own_sites = [code for o, code, _w in estate.sites if o == org]
        poster = Client(headers={"authorization": f"Api-Key {estate.keys[org]}"})
        batch_no = iter(range(10**6))

        def batch(*, n: int, depart: bool) -> dict:
            at = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)
            items = []
            for i in range(BATCH):
                arrived = at + timedelta(seconds=i)
                items.append(
                    {
                        "attendance": f"BENCH-POST-{n}-{i:04d}",
                        "site": own_sites[i % len(own_sites)],
                        "department_type": 1,
                        "arrived_at": arrived.isoformat(),
                        "decision_to_admit_at": None,
                        "departed_at": (arrived + timedelta(minutes=150)).isoformat()
                        if depart
                        else None,
                        "disposition": "discharged" if depart else None,
                    }
                )
            return {"attendances": items}

        def post(body) -> None:
            response = poster.post(
                "/api/v1/sitreps/emergency/", body, content_type="application/json"
            )
            assert response.status_code == 201, response.content[:300]

        numbers = [next(batch_no) for _ in range(12)]
        new = [batch(n=n, depart=False) for n in numbers]
        results["post_1000_new"] = timed(lambda: post(new.pop()), repeat=10, warmup=2)
        show(f"POST {BATCH} new attendances", results["post_1000_new"])
        fills = [batch(n=n, depart=True) for n in numbers]
        results["post_1000_fill_in"] = timed(lambda: post(fills.pop()), repeat=10, warmup=2)
        show(f"POST {BATCH} departures filled in", results["post_1000_fill_in"])

        results["goals_ms"] = {"daily": DAILY_GOAL_MS, "board": BOARD_GOAL_MS}
        results["daily_within_goal"] = results["daily_http_get"]["p50_ms"] <= DAILY_GOAL_MS
        results["board_within_goal"] = results["board_with_ed"]["p50_ms"] <= BOARD_GOAL_MS
    finally:
        settings.SCC_BOARD_CACHE_SECONDS = cache_seconds
        Attendance.objects.all().delete()
        _estate.wipe()
    return results
