"""Bed state: apply cost of a 1,000-bed sitrep, and the board at national scale.

(a) A bed-list sitrep for a 1,000-bed site through ``sitrep_ingest`` (JSON parse, validation,
    archive, apply, commit) against a raw psycopg upsert of the same 1,000 rows, both ways
    (``executemany`` of ``INSERT .. ON CONFLICT``, and ``COPY`` into a temp table + upsert).
(b) The board at national scale (``bench/_estate.py``'s national estate: 500 sites, 10,000
    wards, 100,000 beds, every ward with a current state, and arrivals, MOFD lists and
    virtual wards): ``board_build`` + serializer, and ``GET /api/v1/board/`` through the
    Django test client, with query counts.

The scratch database (``var/bench``) is emptied of estate and sitreps first and last.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

from . import _estate
from .common import show, timed

WARDS, CORE, ESCALATION = 40, 23, 2  # 40 wards of 25 = 1,000 beds


def _site_estate() -> dict:
    wards = [
        {
            "code": f"BX-W{w:02d}",
            "site": "BX-1",
            "name": f"Ward {w}",
            "bed_type": "ga_adult",
            "core_beds": CORE,
            "escalation_beds": ESCALATION,
        }
        for w in range(1, WARDS + 1)
    ]
    return {
        "system": {"code": "BENCH", "name": "Bench system", "population": 1_000_000},
        "organisations": [{"code": "BX", "name": "Bench acute trust", "kind": "acute"}],
        "sites": [{"code": "BX-1", "name": "Bench hospital", "organisation": "BX"}],
        "wards": wards,
    }


def _body(as_at: datetime, statuses: dict[str, str]) -> dict:
    wards: dict[str, list[dict]] = {}
    for code, status in statuses.items():
        wards.setdefault(code.rsplit("-", 1)[0], []).append({"bed": code, "status": status})
    return {
        "site": "BX-1",
        "as_at": as_at.isoformat(),
        "wards": [{"ward": w, "beds": beds} for w, beds in wards.items()],
    }


def _apply_bench() -> dict:
    from django.db import connection

    from apps.beds.estate import estate_load
    from apps.beds.models import Bed, BedCurrent, Organisation
    from apps.sitreps.services import sitrep_ingest

    estate_load(document=_site_estate())
    organisation = Organisation.objects.get(code="BX")
    rng = random.Random(7)
    statuses: dict[str, str] = {}
    for w in range(1, WARDS + 1):
        for b in range(1, CORE + 1):
            statuses[f"BX-W{w:02d}-B{b:02d}"] = "occupied" if rng.random() < 0.9 else "vacant"
        statuses[f"BX-W{w:02d}-B{CORE:02d}"] = "closed"
        statuses[f"BX-W{w:02d}-E01"] = "occupied"
        statuses[f"BX-W{w:02d}-E02"] = "closed"  # a shut escalation bed: not open
    n_beds = len(statuses)
    times = (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=k) for k in itertools.count())
    core_codes = [c for c in statuses if "-B" in c and statuses[c] != "closed"]
    assert n_beds == WARDS * (CORE + ESCALATION) == 1000

    def send(flip: int) -> None:
        for code in rng.sample(core_codes, flip):
            statuses[code] = "vacant" if statuses[code] == "occupied" else "occupied"
        result = sitrep_ingest(
            kind="beds", body=_body(next(times), statuses), organisation=organisation
        )
        assert result.status == 201, result.body

    send(0)  # first list: every bed new
    show("beds in the sitrep", n_beds)
    steady = timed(lambda: send(n_beds // 10), repeat=20)
    show("ingest, ~10% of beds change (p50 ms)", steady["p50_ms"])
    every = timed(lambda: send(len(core_codes)), repeat=20)
    show("ingest, every open core bed changes (p50 ms)", every["p50_ms"])
    assert BedCurrent.objects.filter(bed__ward__site__code="BX-1").count() == n_beds

    # Raw psycopg: the same 1,000 rows upserted into a table shaped like the bed status.
    bed_ids = list(Bed.objects.filter(ward__site__code="BX-1").values_list("pk", flat=True))
    raw = connection.get_new_connection(connection.get_connection_params())
    raw.autocommit = True
    raw.execute(
        "CREATE TEMP TABLE raw_bed (bed_id bigint PRIMARY KEY, status text NOT NULL,"
        " since timestamptz NOT NULL, submission_id bigint)"
    )
    raw.execute("CREATE TEMP TABLE raw_in (LIKE raw_bed)")
    upsert = (
        " ON CONFLICT (bed_id) DO UPDATE SET status = EXCLUDED.status,"
        " since = EXCLUDED.since, submission_id = EXCLUDED.submission_id"
    )
    tick = itertools.count()

    def rows():
        at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=next(tick))
        return [(b, rng.choice(("occupied", "vacant")), at, 1) for b in bed_ids]

    def raw_executemany() -> None:
        data = rows()
        with raw.transaction(), raw.cursor() as cur:
            cur.executemany(
                "INSERT INTO raw_bed (bed_id, status, since, submission_id)"
                " VALUES (%s, %s, %s, %s)" + upsert,
                data,
            )

    def raw_copy() -> None:
        data = rows()
        with raw.transaction(), raw.cursor() as cur:
            with cur.copy("COPY raw_in (bed_id, status, since, submission_id) FROM STDIN") as cp:
                for row in data:
                    cp.write_row(row)
            cur.execute("INSERT INTO raw_bed SELECT * FROM raw_in" + upsert)
            cur.execute("TRUNCATE raw_in")

    raw_many = timed(raw_executemany, repeat=20)
    raw_cp = timed(raw_copy, repeat=20)
    raw.close()
    show("raw psycopg executemany upsert, 1,000 rows (p50 ms)", raw_many["p50_ms"])
    show("raw psycopg COPY + upsert, 1,000 rows (p50 ms)", raw_cp["p50_ms"])
    ratios = {
        "steady_vs_executemany": round(steady["p50_ms"] / raw_many["p50_ms"], 2),
        "every_vs_executemany": round(every["p50_ms"] / raw_many["p50_ms"], 2),
        "steady_vs_copy": round(steady["p50_ms"] / raw_cp["p50_ms"], 2),
        "every_vs_copy": round(every["p50_ms"] / raw_cp["p50_ms"], 2),
    }
    for label, ratio in ratios.items():
        show(f"ratio {label} (goal <= 3)", ratio)
    return {
        "beds": n_beds,
        "ingest_steady": steady,
        "ingest_every_bed_changes": every,
        "raw_executemany": raw_many,
        "raw_copy": raw_cp,
        "ratios": ratios,
    }


def _board_bench() -> dict:
    import time

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.accounts.services import user_create
    from apps.beds.models import Bed, Site, Ward, WardCurrent
    from apps.board.api.serializers import BoardOut
    from apps.board.selectors import board_build

    started = time.perf_counter()
    _estate.generate(_estate.NATIONAL, now=timezone.now())
    show("national estate generated (s)", round(time.perf_counter() - started, 1))
    sizes = {
        "sites": Site.objects.count(),
        "wards": Ward.objects.count(),
        "beds": Bed.objects.count(),
        "wards_with_state": WardCurrent.objects.count(),
    }
    show("estate", sizes)

    def build() -> dict:
        return BoardOut(board_build(now=timezone.now())).data

    with CaptureQueriesContext(connection) as ctx:
        body = build()
    build_queries = len(ctx.captured_queries)
    assert len(body["sites"]) == sizes["sites"] and body["system"]["occupancy"]
    built = timed(build, repeat=20)
    show("board_build + BoardOut (p50 ms, goal <= 150)", built["p50_ms"])
    show("board_build + BoardOut queries", build_queries)

    user = User.objects.filter(username="bench-scc").first() or user_create(
        username="bench-scc", role="scc", password="bench-password-not-secret"
    )
    client = Client()
    client.force_login(user)

    def get() -> None:
        response = client.get("/api/v1/board/")
        assert response.status_code == 200, response.status_code

    with CaptureQueriesContext(connection) as ctx:
        get()
    http_queries = len(ctx.captured_queries)
    served = timed(get, repeat=20)
    show("GET /api/v1/board/ via test Client (p50 ms, goal <= 150)", served["p50_ms"])
    show("GET /api/v1/board/ queries", http_queries)
    return {
        "estate": sizes,
        "board_build": built | {"queries": build_queries},
        "http_get": served | {"queries": http_queries},
    }


def run() -> dict:
    _estate.wipe()
    try:
        print("(a) apply of a 1,000-bed bed-list sitrep", flush=True)
        apply = _apply_bench()
        _estate.wipe()
        print("(b) board at national scale", flush=True)
        board = _board_bench()
    finally:
        _estate.wipe()
    return {"apply": apply, "board": board}
