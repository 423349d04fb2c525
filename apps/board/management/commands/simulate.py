"""The demo feed simulator (``SCC_DEMO=1``): posts LLR sitreps through the real API."""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import signal
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.accounts.models import ApiKey, User
from apps.actions.models import Action, SystemCall
from apps.actions.opel import organisation_opels
from apps.actions.selectors import declaring_organisations
from apps.actions.services import (
    ActionNotOpen,
    DeclarationIn,
    action_create,
    action_done,
    call_start,
)
from apps.beds.models import Organisation, Site, Ward
from apps.feeds.choices import FeedFormat
from apps.feeds.models import Feed
from apps.feeds.services import feed_create
from apps.sitreps.choices import SitrepKind
from apps.virtualwards.models import VirtualWard
from demo.emergency import SITE as ED_SITE
from demo.emergency import FrontDoor
from demo.response import ResponseSim, crews_waiting
from demo.simulator import (
    CALL_ACTIONS,
    COMPLETED_BEFORE_DUE,
    MOFD_TARGET,
    NEVER_COMPLETED,
    World,
    calls_due,
)

logger = logging.getLogger("scc.simulator")
KEY_NAME = "demo simulator"
DEMO_FEED_PATH = "/demo-feed/rt5-virtual-wards.csv"

# Seconds between sitreps of each kind (beds per site, handovers, MOFD lists, VW census).
EVERY = {"beds": 60, "handovers": 30, "discharge": 300, "virtual_wards": 300, "emergency": 30}
# LRI's ED posts what happened since its last post; on start, the last day and a half (so
# the department is full and today has figures), in posts of at most this many attendances.
ED_BACKFILL = timedelta(hours=30)
ED_CHUNK = 2000


def front_door_start(world: World, now) -> tuple[FrontDoor, object]:
    """The simulated ED, taking over whoever a previous run left in the department, and the
    time to backfill arrivals from (never before an arrival already held)."""
    from django.db.models import Max

    from apps.emergency.models import Attendance

    held = Attendance.objects.filter(site__code=ED_SITE)
    front_door = FrontDoor(prefix=now.strftime("%y%m%d%H%M-"))
    front_door.adopt(
        list(
            held.in_department(now=now).values(
                "attendance", "department_type", "arrived_at", "decision_to_admit_at"
            )
        ),
        now=now,
        fullness=ed_fullness(world),
    )
    latest = held.aggregate(latest=Max("arrived_at"))["latest"]
    since = now - ED_BACKFILL
    if latest is not None:
        since = max(since, latest + timedelta(seconds=1))
    return front_door, since


def ed_fullness(world: World) -> float:
    """LRI's adult G&A occupied ÷ core beds, as the simulator last reported them."""
    wards = [w for w in world.wards if w["site"] == ED_SITE and w["bed_type"] == "ga_adult"]
    core = sum(w["core_beds"] for w in wards)
    occupied = sum(world.occupied.get(w["code"], 0.94 * w["core_beds"]) for w in wards)
    return occupied / core if core else 0.94


# EMAS's 999 incidents and its REAP level (re-judged every quarter hour).
EVERY |= {"incidents": 30, "reap": 900}
# The SCC's routine system calls are checked for each minute.
EVERY |= {"calls": 60}


def load_world() -> World:
    wards = [
        {
            "code": w.code,
            "site": w.site.code,
            "bed_type": w.bed_type,
            "core_beds": w.core_beds,
            "escalation_beds": w.escalation_beds,
            "beds": [(b.code, b.escalation) for b in w.beds.all()],
        }
        for w in Ward.objects.select_related("site").prefetch_related("beds")
    ]
    organisation_sites: dict[str, list[str]] = {}
    for site in Site.objects.select_related("organisation"):
        organisation_sites.setdefault(site.organisation.code, []).append(site.code)
    virtual_wards = [
        {"code": v.code, "organisation": v.organisation.code, "capacity": v.capacity}
        for v in VirtualWard.objects.select_related("organisation")
    ]
    return World(wards=wards, virtual_wards=virtual_wards, organisation_sites=organisation_sites)


class _FeedHandler(BaseHTTPRequestHandler):
    """Serves the demo's CSV feed: RT5's virtual-ward census, as a provider's system would."""

    world: World
    organisation = "RT5"

    def do_GET(self):
        census = self.world.virtual_ward_census(self.organisation, timezone.now())
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["as_at", "ward", "capacity", "occupied"])
        for ward in census["wards"]:
            writer.writerow([census["as_at"], ward["ward"], ward["capacity"], ward["occupied"]])
        body = out.getvalue().encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_demo_feed(world: World) -> str:
    """Serve the CSV feed on a loopback port and register it (replacing the last run's)."""
    _FeedHandler.world = world
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FeedHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}{DEMO_FEED_PATH}"
    Feed.objects.filter(url__endswith=DEMO_FEED_PATH).delete()
    feed_create(
        organisation=Organisation.objects.get(code=_FeedHandler.organisation),
        kind=SitrepKind.VIRTUAL_WARDS,
        url=url,
        format=FeedFormat.CSV,
        every_s=60,
    )
    return url


def _declarations(now):
    computed = organisation_opels(now=now)
    return [
        DeclarationIn(organisation=o.code, opel=computed.get(o.code), comment="")
        for o in declaring_organisations()
    ]


def hold_due_calls(now) -> int:
    """The SCC's routine calls (08:30, 13:00, 16:30 local) with their actions, as staff would
    record them through the pages; at start, today's calls already past are held backdated.
    Calls are staff work, not a provider's sitrep, so they go through the services directly."""
    user = User.objects.filter(username="scc").first()
    if user is None:
        return 0
    held = set(SystemCall.objects.filter(started_by=user).values_list("started_at", flat=True))
    due = calls_due(now, held)
    for moment in due:
        call = call_start(
            user=user,
            kind="routine",
            chair="SCC duty manager",
            notes="Routine system call (demo).",
            declarations=_declarations(moment),
            now=moment,
        )
        local = moment.astimezone(timezone.get_default_timezone()).time()
        for text, owner, owner_name, scope, minutes in CALL_ACTIONS[local]:
            action_create(
                user=user,
                text=text,
                owner_organisation=owner,
                owner_name=owner_name,
                due_at=moment + timedelta(minutes=minutes),
                scope=scope,
                call_id=call.pk,
                now=moment,
            )
    return len(due)


def complete_due_actions(now) -> int:
    """Providers report their actions done a little before due, all but the one left overdue."""
    user = User.objects.filter(username="scc").first()
    ending = Action.objects.filter(
        created_by=user, status="open", due_at__lte=now + COMPLETED_BEFORE_DUE
    ).exclude(text=NEVER_COMPLETED)
    completed = 0
    for action in ending:
        with contextlib.suppress(ActionNotOpen):
            action_done(
                action_id=action.pk,
                user=user,
                note="Done (reported on the next call).",
                now=min(now, action.due_at - COMPLETED_BEFORE_DUE),
            )
            completed += 1
    return completed


def issue_keys(codes: set[str]) -> dict[str, str]:
    """Fresh keys each start; the previous run's are revoked so none linger usable."""
    ApiKey.objects.filter(name=KEY_NAME, revoked_at__isnull=True).update(revoked_at=timezone.now())
    keys = {}
    for org in Organisation.objects.filter(code__in=codes):
        _key, plain = ApiKey.issue(organisation=org, name=KEY_NAME)
        keys[org.code] = plain
    return keys


def web_wait(client: httpx.Client, stopping: list, *, seconds: float = 120) -> None:
    """Wait (up to ``seconds``) until the web answers, so the start-up posts are not lost."""
    deadline = time.monotonic() + seconds
    while not stopping and time.monotonic() < deadline:
        try:
            client.get("/accounts/login/")
            return
        except httpx.HTTPError:
            time.sleep(0.5)


def incidents_today(client: httpx.Client, key: str) -> int:
    """Incidents with a clock stop today already held (a restart then skips the backfill)."""
    response = client.get(
        "/api/v1/ambulance/response/daily/", headers={"Authorization": f"Api-Key {key}"}
    )
    response.raise_for_status()
    categories = response.json()["total"]["categories"]
    return sum(figures["incidents"] for figures in categories.values())


class Command(BaseCommand):
    help = "Post realistic demo sitreps to the board's API on a loop."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--once", action="store_true", help="one round of every kind")

    def handle(self, *args, url, once, **options):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        stopping = []
        signal.signal(signal.SIGTERM, lambda *a: stopping.append(1))
        world = load_world()
        bed_sites = sorted({w["site"] for w in world.wards})
        site_org = {s: o for o, sites in world.organisation_sites.items() for s in sites}
        # RT5's virtual wards arrive by the pulled CSV feed; the others post to the API.
        feed_url = start_demo_feed(world)
        self.stdout.write(f"demo feed served at {feed_url}")
        vw_orgs = sorted({v["organisation"] for v in world.virtual_wards} - {"RT5"})
        keys = issue_keys({*site_org.values(), "RX9", *MOFD_TARGET, *vw_orgs})
        last: dict[str, float] = {}
        client = httpx.Client(base_url=url, timeout=30)
        previous_handovers = timezone.now() - timedelta(minutes=30)
        front_door, ed_since = front_door_start(world, timezone.now())

        def post(org: str, path: str, body: dict) -> bool:
            """Post a sitrep; ``True`` when it was accepted (201)."""
            response = client.post(
                path, json=body, headers={"Authorization": f"Api-Key {keys[org]}"}
            )
            if response.status_code != 201:
                logger.warning(
                    "%s %s → %s %s", org, path, response.status_code, response.text[:500]
                )
            return response.status_code == 201

        self.stdout.write(f"simulator posting to {url}")
        previous_calls = timezone.now()
        # A new run's incident numbers: a restart never merges into the last run's incidents.
        emas = ResponseSim(run=f"{previous_calls:%Y%m%d%H%M%S}")
        world.incident_prefix = f"RX9-H{previous_calls:%Y%m%d%H%M%S}"
        try:
            web_wait(client, stopping)
            if not incidents_today(client, keys["RX9"]):
                bodies = emas.backfill(previous_calls)
                if all([post("RX9", "/api/v1/sitreps/incidents/", body) for body in bodies]):
                    emas.confirm()
                # A quieter spell three days ago, so the REAP history has more than today.
                earlier = (previous_calls - timedelta(days=3)).replace(microsecond=0)
                post(
                    "RX9", "/api/v1/sitreps/reap/", {"level": 3, "declared_at": earlier.isoformat()}
                )
        except httpx.HTTPError as exc:
            logger.warning("simulator: incidents backfill not posted: %s", exc)
        while not stopping:
            now = timezone.now()
            try:
                if time.monotonic() - last.get("beds", -1e9) >= EVERY["beds"]:
                    for site in bed_sites:
                        post(site_org[site], "/api/v1/sitreps/beds/", world.bed_sitrep(site, now))
                    last["beds"] = time.monotonic()
                if time.monotonic() - last.get("handovers", -1e9) >= EVERY["handovers"]:
                    batch = world.handover_batch(now, now - previous_handovers)
                    previous_handovers = now
                    if batch["handovers"]:
                        post("RX9", "/api/v1/sitreps/handovers/", batch)
                    last["handovers"] = time.monotonic()
                if time.monotonic() - last.get("emergency", -1e9) >= EVERY["emergency"]:
                    batch = front_door.batch(now, fullness=ed_fullness(world), since=ed_since)
                    items = batch["attendances"]
                    for start in range(0, len(items), ED_CHUNK):
                        chunk = items[start : start + ED_CHUNK]
                        try:
                            post(
                                site_org[ED_SITE],
                                "/api/v1/sitreps/emergency/",
                                {"attendances": chunk},
                            )
                        except httpx.HTTPError:
                            front_door.unsent(items[start:])  # sent again next round
                            raise
                    last["emergency"] = time.monotonic()
                if time.monotonic() - last.get("incidents", -1e9) >= EVERY["incidents"]:
                    lri = crews_waiting(world.incidents.values(), site="RWE-LRI", now=now)
                    emas.calls_between(previous_calls, now, waiting_at_lri=lri)
                    previous_calls = now
                    if (body := emas.batch(now)) and post(
                        "RX9", "/api/v1/sitreps/incidents/", body
                    ):
                        emas.confirm()
                    last["incidents"] = time.monotonic()
                if time.monotonic() - last.get("reap", -1e9) >= EVERY["reap"]:
                    lri = crews_waiting(world.incidents.values(), site="RWE-LRI", now=now)
                    if declaration := emas.reap_change(now, waiting_at_lri=lri):
                        post("RX9", "/api/v1/sitreps/reap/", declaration)
                    last["reap"] = time.monotonic()
                if time.monotonic() - last.get("discharge", -1e9) >= EVERY["discharge"]:
                    for org in MOFD_TARGET:
                        post(org, "/api/v1/sitreps/discharge/", world.mofd_list(org, now))
                    last["discharge"] = time.monotonic()
                if time.monotonic() - last.get("virtual_wards", -1e9) >= EVERY["virtual_wards"]:
                    for org in vw_orgs:
                        post(
                            org,
                            "/api/v1/sitreps/virtual-wards/",
                            world.virtual_ward_census(org, now),
                        )
                    last["virtual_wards"] = time.monotonic()
            except httpx.HTTPError as exc:
                logger.warning("simulator: %s (web not ready?)", exc)
            # Calls start once the providers' first sitreps are in, so that their figures are.
            if "discharge" in last and time.monotonic() - last.get("calls", -1e9) >= EVERY["calls"]:
                last["calls"] = time.monotonic()
                try:
                    hold_due_calls(now)
                    complete_due_actions(now)
                except Exception:
                    logger.exception("simulator: system calls")
            if once:
                break
            for _ in range(10):
                if stopping:
                    break
                time.sleep(0.5)
