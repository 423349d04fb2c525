"""The whole product at national scale, on real server processes, measured side by side.

Estate: ~150 organisations, 500 sites, 10,000 wards, 100,000 beds, 20,000 ambulance arrivals
today, 15,000 MOFD patients, 400 virtual wards (bench/_estate.py, generated in seconds).

1. sitrep POST throughput and latency (open loop, 8 clients, fixed rate) against the trivial
   authenticated ``GET /api/v1/whoami/`` measured the same way, alone and probed beside the
   sitrep load;
2. bed-sitrep apply against a raw psycopg upsert of the same rows (bench/beds.py);
3. the board JSON and page: server time and query counts, at national and small scale;
4. recompute of every accepted submission of the national set, and alert evaluation;
5. S1 CSV and XLSX for 15,000 patients;
6. sitrep-to-browser latency on /board/events/ (real Celery worker);
7. event-stream clients held and reached by one event.

The servers run as docker-compose.yml runs them in production, as subprocesses on the bench's
embedded PostgreSQL and Redis (``var/bench``): pages and API on gunicorn (2 threaded WSGI
workers), ``/board/events/`` on uvicorn (2 ASGI workers), and a Celery worker (concurrency 2);
all are stopped (SIGTERM) at the end.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from datetime import timedelta

from . import _estate, _live
from .common import show, timed

RATE = 100  # sitreps/s: the goal
CLIENTS = 8
PROBE_RATE = 10  # trivial requests a second beside the sitrep load
LOAD_SECONDS = int(os.environ.get("SCC_BENCH_LOAD_SECONDS", "20"))
SSE_N = 20
SSE_CLIENTS = 200
PASSWORD = "bench-password-not-secret"

GOALS = {
    "sitrep_p99_ms": 300,
    "sitrep_rate_per_s": RATE,
    "sitrep_vs_trivial_p99": 4,
    "apply_vs_raw": 3,
    "board_p50_ms": 150,
    "recompute_s": 2,
    "s1_s": 1,
    "sse_p95_ms": 2000,
    "sse_clients": SSE_CLIENTS,
}


# --------------------------------------------------------------------------- request bodies


class Bodies:
    """Realistic sitreps for the load: bed counts of a whole site, handover batches, censuses.

    Each carries its own organisation's key and a distinct ``as_at`` (or new incidents), so
    none is an idempotent replay of another.
    """

    def __init__(self, estate: _estate.Estate, *, seed: int = 11):
        self.estate = estate
        self.rng = random.Random(seed)
        self.tick = itertools.count(1)
        self.incidents = itertools.count(1)
        self.hospital_sites = [site for _org, site, _wards in estate.sites]

    def _as_at(self, now):
        # Distinct times, all newer than the generated state and not in the future.
        return (now - timedelta(minutes=2) + timedelta(milliseconds=next(self.tick))).isoformat()

    def _request(self, path: str, org: str, body: dict) -> _live.Request:
        headers = {
            "Authorization": f"Api-Key {self.estate.keys[org]}",
            "Content-Type": "application/json",
        }
        return _live.Request(path, headers, json.dumps(body).encode())

    def beds(self, now, site_index: int | None = None) -> tuple[_live.Request, str]:
        sites = self.estate.sites
        org, site, wards = sites[
            self.rng.randrange(len(sites)) if site_index is None else site_index
        ]
        core = self.estate.scale.core_beds
        reports = []
        for ward in wards:
            closed, esc = self.rng.randint(0, 1), self.rng.randint(0, 1)
            open_beds = core - closed + esc
            occupied = self.rng.randint(0, open_beds)
            counts = {"occupied": occupied, "vacant": open_beds - occupied, "closed": closed,
                      "escalation_open": esc}  # fmt: skip
            reports.append({"ward": ward, "counts": counts})
        body = {"site": site, "as_at": self._as_at(now), "wards": reports}
        return self._request("/api/v1/sitreps/beds/", org, body), f"beds:{site}"

    def handovers(self, now, size: int = 20) -> tuple[_live.Request, str]:
        org = self.rng.choice(self.estate.ambulance)
        items = []
        for _ in range(size):
            arrived = now - timedelta(minutes=self.rng.randint(20, 90))
            handed = arrived + timedelta(minutes=self.rng.randint(5, 19))
            items.append(
                {
                    "incident": f"LOAD-{next(self.incidents):07d}",
                    "site": self.rng.choice(self.hospital_sites),
                    "arrived_at": arrived.isoformat(),
                    "handover_at": handed.isoformat(),
                    "cleared_at": None,
                    "category": self.rng.randint(1, 5),
                }
            )
        return self._request("/api/v1/sitreps/handovers/", org, {"handovers": items}), "handovers"

    def census(self, now) -> tuple[_live.Request, str]:
        org = self.rng.choice(sorted(self.estate.vw))
        wards = [
            {"ward": code, "capacity": 20, "occupied": self.rng.randint(0, 20)}
            for code in self.estate.vw[org]
        ]
        body = {"as_at": self._as_at(now), "wards": wards}
        return self._request("/api/v1/sitreps/virtual-wards/", org, body), "virtual_wards"

    def mix(self, n: int, now) -> list[_live.Request]:
        """60% bed sitreps of a site, 20% handover batches, 20% virtual-ward censuses."""
        out = []
        for i in range(n):
            pick = i % 5
            make = self.census if pick == 4 else self.handovers if pick == 3 else self.beds
            out.append(make(now)[0])
        return out

    def whoami(self, n: int) -> list[_live.Request]:
        orgs = [org for org, _site, _wards in self.estate.sites]
        return [
            _live.Request(
                "/api/v1/whoami/",
                {"Authorization": f"Api-Key {self.estate.keys[orgs[i % len(orgs)]]}"},
            )
            for i in range(n)
        ]


# --------------------------------------------------------------------------- in process


def _staff_user():
    from apps.accounts.models import User
    from apps.accounts.services import user_create

    return User.objects.filter(username="bench-scc").first() or user_create(
        username="bench-scc", role="scc", password=PASSWORD
    )


class _OneChange:
    """Called before each timed page: one real bed sitrep (new counts for every ward of one
    acute site, the next site each call) through the ingest service the API calls, so the
    board's figures change and that site's tile has to be rendered again."""

    def __init__(self, *, seed: int = 5):
        from apps.beds.choices import OrganisationKind
        from apps.beds.models import Site

        sites = (
            Site.objects.filter(organisation__kind=OrganisationKind.ACUTE, wards__isnull=False)
            .distinct()
            .select_related("organisation")
            .prefetch_related("wards")
            .order_by("code")
        )
        self.sites = itertools.cycle(list(sites))
        self.rng = random.Random(seed)
        self.applied: list[int] = []

    def __call__(self) -> None:
        from django.utils import timezone

        from apps.sitreps.services import sitrep_ingest

        site = next(self.sites)
        wards = []
        for ward in site.wards.all():
            closed = self.rng.randint(0, min(1, ward.core_beds))
            esc = self.rng.randint(0, min(1, ward.escalation_beds))
            open_beds = ward.core_beds - closed + esc
            occupied = self.rng.randint(0, open_beds)
            counts = {"occupied": occupied, "vacant": open_beds - occupied, "closed": closed,
                      "escalation_open": esc}  # fmt: skip
            wards.append({"ward": ward.code, "counts": counts})
        body = {"site": site.code, "as_at": timezone.now().isoformat(), "wards": wards}
        result = sitrep_ingest(kind="beds", body=body, organisation=site.organisation)
        assert result.status == 201, result.body
        self.applied.append(result.submission_id)

    def recompute(self) -> None:
        """What the worker does with them, so that none is left waiting in the outbox."""
        from apps.sitreps.pipeline import submissions_recompute

        submissions_recompute(self.applied)


def _board_queries() -> dict:
    """Query counts and in-process time of the board JSON and page.

    Built fresh (the shared build off): ``board_json``; ``board_page_cold``, every tile
    rendered (tile cache emptied before each request: a new process's first page);
    ``board_page``, fresh after one change: one real bed sitrep applied, untimed, before each
    request, so the board is rebuilt and that site's tile rendered again while the others come
    from the tile cache (what a display gets after each sitrep). ``*_cached``: the shared
    build, as displays get it between changes. Queries are counted on one request of each,
    its setup (the sitrep) outside the count.
    """
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.escalation.selectors import rule_thresholds

    client = Client()
    client.force_login(_staff_user())
    change = _OneChange()
    runs = (
        ("board_json", "/api/v1/board/", 0, None),
        ("board_page_cold", "/", 0, caches["tiles"].clear),
        ("board_page", "/", 0, change),
        ("board_json_cached", "/api/v1/board/", 90, None),
        ("board_page_cached", "/", 90, None),
    )
    out = {}
    cache_seconds = settings.SCC_BOARD_CACHE_SECONDS
    try:
        for name, path, seconds, setup in runs:
            settings.SCC_BOARD_CACHE_SECONDS = seconds

            def get(path=path) -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            get()
            if setup:
                setup()
            # Pages re-read the rules' thresholds once every 15 s, not once a request: read
            # them afresh now so that the one request counted below is not the one that does.
            rule_thresholds(max_age_s=0)
            with CaptureQueriesContext(connection) as ctx:
                get()
            out[name] = {"queries": len(ctx.captured_queries)} | timed(
                get, repeat=10, warmup=1, setup=setup
            )
    finally:
        settings.SCC_BOARD_CACHE_SECONDS = cache_seconds
        change.recompute()
    return out


def _recompute() -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from apps.escalation.services import alerts_evaluate
    from apps.sitreps.models import Submission
    from apps.sitreps.pipeline import submissions_recompute

    national = Submission.objects.filter(body_sha256=_estate.MARK, outcome="accepted")
    ids = list(national.values_list("pk", flat=True))
    runs = []
    for _ in range(3):
        national.update(recomputed_at=None)
        started = time.perf_counter()
        submissions_recompute(ids)
        runs.append(time.perf_counter() - started)
    assert not Submission.objects.pending_recompute().filter(pk__in=ids).exists()
    by_kind = dict(national.order_by().values_list("kind").annotate(n=Count("pk")))
    now = timezone.now()
    started = time.perf_counter()
    alerts_evaluate(now=now)
    first = time.perf_counter() - started
    steady = timed(lambda: alerts_evaluate(now=timezone.now()), repeat=5, warmup=0)
    from apps.escalation.models import Alert

    open_alerts = Alert.objects.open().count()
    best = min(runs)
    return {
        "submissions": len(ids),
        "by_kind": by_kind,
        "recompute_s": [round(r, 2) for r in runs],
        "alerts_evaluate_first_s": round(first, 2),
        "alerts_evaluate_steady": steady,
        "open_alerts": open_alerts,
        "total_s": round(best + first, 2),
    }


def _s1() -> dict:
    from django.utils import timezone

    from apps.core.localtime import local_today
    from apps.discharge.exports import s1_csv, s1_xlsx
    from apps.discharge.selectors import s1_build, s1_for_day

    day = local_today(timezone.now())
    s1 = s1_build(day=day)
    return {
        "organisations": len(s1["rows"]),
        "patients": s1["total"]["total"],
        "csv": timed(lambda: s1_csv(s1_for_day(day=day, today=day)), repeat=10),
        "xlsx": timed(lambda: s1_xlsx(s1_for_day(day=day, today=day), title="S1"), repeat=5),
    }


# --------------------------------------------------------------------------- over HTTP


def _drain(timeout: float = 180.0) -> float:
    """Wait until the worker has recomputed every accepted submission; return seconds."""
    from apps.sitreps.models import Submission

    started = time.perf_counter()
    while Submission.objects.pending_recompute().exists():
        if time.perf_counter() - started > timeout:
            break
        time.sleep(0.25)
    return round(time.perf_counter() - started, 1)


def _http_board(base: str, cookies) -> dict:
    import httpx

    out = {}
    with httpx.Client(base_url=base, cookies=cookies, timeout=60) as client:
        for name, path in (("board_json", "/api/v1/board/"), ("board_page", "/")):

            def get(path=path) -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            out[name] = timed(get, repeat=20, warmup=2)
    return out


def _live_measurements(estate: _estate.Estate) -> dict:
    from django.utils import timezone

    from apps.board.events import board_publish

    bodies = Bodies(estate)
    out: dict = {}
    n = RATE * LOAD_SECONDS
    with _live.web() as base, _live.events() as events_base:
        cookies = _live.staff_cookies(base, username="bench-scc", password=PASSWORD)
        _live.open_loop(base, bodies.whoami(100), rate=50, clients=CLIENTS)  # warm up
        _live.open_loop(base, bodies.mix(40, timezone.now()), rate=20, clients=CLIENTS, ok=201)
        out["trivial"] = _live.open_loop(base, bodies.whoami(n), rate=RATE, clients=CLIENTS)
        show(f"GET /api/v1/whoami/ at {RATE}/s, {CLIENTS} clients", _brief(out["trivial"]))

        # The web side alone: the recompute messages wait in Redis until a worker starts.
        requests = bodies.mix(n, timezone.now())
        out["sitreps_web_only"] = _live.open_loop(
            base, requests, rate=RATE, clients=CLIENTS, ok=201
        )
        show("sitrep POSTs, no worker running (ingest only)", _brief(out["sitreps_web_only"]))

        with _live.worker():
            out["backlog_after_web_only_drain_s"] = _drain()
            show("worker: backlog of those sitreps recomputed in (s)",
                 out["backlog_after_web_only_drain_s"])  # fmt: skip

            # The whole system: ingest while the worker recomputes and evaluates alerts, and
            # one more client probes the trivial endpoint to see what the load does to it.
            requests = bodies.mix(n, timezone.now())
            probe = bodies.whoami(PROBE_RATE * LOAD_SECONDS)
            out["sitreps"], out["trivial_under_load"] = _live.open_loop_with_probe(
                base, requests, probe, rate=RATE, probe_rate=PROBE_RATE, clients=CLIENTS
            )
            show(f"sitrep POSTs at {RATE}/s, worker running", _brief(out["sitreps"]))
            show(f"whoami at {PROBE_RATE}/s beside them", _brief(out["trivial_under_load"]))
            out["worker_backlog_drain_s"] = _drain()
            show("worker backlog drained after the load (s)", out["worker_backlog_drain_s"])

            out["board_http"] = _http_board(base, cookies)
            for name, figures in out["board_http"].items():
                show(f"{name} over HTTP (ms)", figures)

            sites = itertools.count()
            out["sse_latency"] = _live.sse_latency(
                base,
                events_base,
                cookies,
                lambda k: bodies.beds(timezone.now(), next(sites) * 7),
                n=SSE_N,
            )
            show("sitrep -> board event on /board/events/ (ms)", out["sse_latency"])

            out["sse_fan_out"] = _live.fan_out(
                events_base,
                cookies,
                clients=SSE_CLIENTS,
                publish=lambda: board_publish({"bench:probe"}),
            )
            show("event-stream clients", out["sse_fan_out"])
    return out


def _brief(figures: dict) -> str:
    return (
        f"{figures['achieved_per_s']}/s ok={figures['ok']}/{figures['requests']}"
        f" p50={figures['p50_ms']} p99={figures['p99_ms']} max={figures['max_ms']} ms"
    )


# --------------------------------------------------------------------------- summary


def _summary(r: dict) -> list[dict]:
    live = r["live"]
    sitreps, trivial = live["sitreps"], live["trivial"]
    ratio_p99 = round(sitreps["p99_ms"] / trivial["p99_ms"], 2) if trivial["p99_ms"] else None
    loaded = live["trivial_under_load"]["p99_ms"]
    ratio_loaded = round(sitreps["p99_ms"] / loaded, 2) if loaded else None
    apply = r["apply"]
    apply_ratio = apply["ratios"]["steady_vs_executemany"]
    rows = [
        ("sitrep POST p99 (ms) at 100/s", sitreps["p99_ms"], "<= 300", sitreps["p99_ms"] <= 300),
        ("sitreps sustained (/s)", sitreps["achieved_per_s"], ">= 100",
         (sitreps["achieved_per_s"] or 0) >= 100 * 0.98 and sitreps["ok"] == sitreps["requests"]),
        ("sitrep POST p99 (ms), no worker (ingest only)", live["sitreps_web_only"]["p99_ms"],
         "info", None),
        ("sitreps sustained (/s), no worker", live["sitreps_web_only"]["achieved_per_s"],
         "info", None),
        ("whoami p99 (ms) at 100/s", trivial["p99_ms"], "baseline", None),
        ("sitrep p99 / whoami p99", ratio_p99, "<= 4", ratio_p99 is not None and ratio_p99 <= 4),
        ("whoami p99 (ms) beside the sitrep load", live["trivial_under_load"]["p99_ms"], "info",
         None),
        ("sitrep p99 / whoami p99 beside it", ratio_loaded, "info", None),
        ("bed apply p50 / raw executemany", apply_ratio, "<= 3", apply_ratio <= 3),
        ("bed apply (every bed) / raw executemany", apply["ratios"]["every_vs_executemany"],
         "<= 3", apply["ratios"]["every_vs_executemany"] <= 3),
        ("board JSON p50, built fresh, in process (ms)",
         r["board"]["national"]["board_json"]["p50_ms"], "<= 150",
         r["board"]["national"]["board_json"]["p50_ms"] <= 150),
        ("board page p50, one change, in process (ms)",
         r["board"]["national"]["board_page"]["p50_ms"], "<= 150",
         r["board"]["national"]["board_page"]["p50_ms"] <= 150),
        ("board page p50, cold tiles, in process (ms)",
         r["board"]["national"]["board_page_cold"]["p50_ms"], "info", None),
        ("board JSON p50 over HTTP, shared build (ms)",
         live["board_http"]["board_json"]["p50_ms"], "<= 150",
         live["board_http"]["board_json"]["p50_ms"] <= 150),
        ("board page p50 over HTTP, shared build (ms)",
         live["board_http"]["board_page"]["p50_ms"], "<= 150",
         live["board_http"]["board_page"]["p50_ms"] <= 150),
    ]  # fmt: skip
    for name in ("board_json", "board_page"):
        big, small = r["board"]["national"][name]["queries"], r["board"]["small"][name]["queries"]
        rows.append((f"{name} queries national / small", f"{big} / {small}", "equal", big == small))
    rec = r["recompute"]
    rows += [
        ("full recompute + alerts_evaluate (s)", rec["total_s"], "<= 2", rec["total_s"] <= 2),
        ("S1 CSV p50 (s)", round(r["s1"]["csv"]["p50_ms"] / 1000, 3), "<= 1",
         r["s1"]["csv"]["p50_ms"] <= 1000),
        ("S1 XLSX p50 (s)", round(r["s1"]["xlsx"]["p50_ms"] / 1000, 3), "<= 1",
         r["s1"]["xlsx"]["p50_ms"] <= 1000),
        ("sitrep -> browser event p95 (ms)", live["sse_latency"]["p95_ms"], "<= 2000",
         live["sse_latency"]["p95_ms"] <= 2000),
        ("event-stream clients held / received", f"{live['sse_fan_out']['held']} / "
         f"{live['sse_fan_out']['received']}", ">= 200",
         min(live["sse_fan_out"]["held"], live["sse_fan_out"]["received"]) >= SSE_CLIENTS),
    ]  # fmt: skip
    table = [
        {"figure": f, "value": v, "goal": g, "met": None if m is None else bool(m)}
        for f, v, g, m in rows
    ]
    print("\n  " + "-" * 96)
    print(f"  {'figure':<44} {'value':>22}  {'goal':>9}  met")
    for row in table:
        met = "-" if row["met"] is None else ("yes" if row["met"] else "NO")
        print(f"  {row['figure']:<44} {row['value']!s:>22}  {row['goal']:>9}  {met}")
    print("  " + "-" * 96, flush=True)
    return table


def run() -> dict:
    from django.utils import timezone

    from . import beds

    results: dict = {}
    _estate.wipe()
    try:
        print("(2) bed-sitrep apply against raw psycopg (1,000-bed site)", flush=True)
        results["apply"] = beds._apply_bench()
        _estate.wipe()

        print("(3) board query counts at small scale", flush=True)
        _estate.generate(_estate.SMALL, now=timezone.now())
        results["board"] = {"small": _board_queries()}
        _estate.wipe()

        started = time.perf_counter()
        estate = _estate.generate(_estate.NATIONAL, now=timezone.now())
        results["estate"] = _estate.sizes() | {
            "generated_s": round(time.perf_counter() - started, 1)
        }
        show("national estate", results["estate"])

        print("(3) board at national scale, in process", flush=True)
        results["board"]["national"] = _board_queries()
        for scale in ("small", "national"):
            for name, figures in results["board"][scale].items():
                show(f"{name} {scale}: queries, in-process ms", figures)

        print("(4) full recompute of the national set + alert evaluation", flush=True)
        results["recompute"] = _recompute()
        show("recompute", results["recompute"])

        print("(5) S1 exports", flush=True)
        results["s1"] = _s1()
        show("S1", results["s1"])

        print("(1, 3, 6, 7) one real server process + Celery worker", flush=True)
        _staff_user()
        results["live"] = _live_measurements(estate)
        results["summary"] = _summary(results)
    finally:
        _estate.wipe()
    return results
