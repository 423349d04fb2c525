import asyncio
import hashlib
import json
import time
from importlib import import_module

import redis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_GET
from django.views.decorators.vary import vary_on_headers

from apps.accounts.middleware import SESSION_EXPIRED_EVENT, session_expired_response
from apps.actions.selectors import board_actions_panel
from apps.ambulance.selectors import crews_waiting_now
from apps.core.events import broadcaster
from apps.core.figures import figures_version

from .selectors import board_build_cached
from .tiles import site_tile, site_tiles


@require_GET
@never_cache
def healthz(request):
    down = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        down.append("database")
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
    except Exception:
        down.append("redis")
    if down:
        return JsonResponse({"status": "down", "down": down}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
def api_guide(request):
    """The integrator's guide (``docs/api.md`` in the repository) as Markdown text, linked from
    the API docs page; public like the schema's description."""
    path = settings.BASE_DIR / "docs" / "api.md"
    return HttpResponse(
        path.read_text(encoding="utf-8"), content_type="text/markdown; charset=utf-8"
    )


PANELS = {
    "system": "system-strip",
    "crews": "crews-waiting",
    "alerts": "alerts-banner",
    "site": "site-tile",
    "tiles": "site-tiles",
    "actions": "actions-panel",
}


def board_etag(
    *, version: int | None, minute: int, user_id: int | None, role: str, csrf: str, path: str
) -> str:
    """The board page's ETag: the figures version, the minute, and a digest of who is asking
    (user and role), their CSRF secret (a new one at every sign-in) and the URL.

    A keyed digest (BLAKE2b), not Python's ``hash()``: that is salted per process, so two web
    processes would give one page two ETags. The CSRF secret is in it because the page carries
    a token made from it: a browser signed in again must not be answered 304 and keep a page
    whose token the new session refuses.
    """
    who = "\x1f".join([str(user_id or ""), role, csrf, path])
    digest = hashlib.blake2b(who.encode(), digest_size=8).hexdigest()
    return f'"{version}-{minute}-{digest}"'


CREWS_SHOWN = 12


def crews_panel(*, now) -> dict:
    """The system's crews waiting at hospitals now, longest first (the board's panel): the
    first ``CREWS_SHOWN`` and how many more. Why on the board and not a page of its own: the
    SCC acts on these (a call to the hospital, release to respond at 45 minutes) while
    watching the rest of the board, so they sit beside the alerts on the one screen."""
    crews = crews_waiting_now(now=now)
    return {"shown": crews[:CREWS_SHOWN], "more": max(0, len(crews) - CREWS_SHOWN),
            "total": len(crews)}  # fmt: skip


def _board_etag(request) -> str:
    """Changes when a board event is published, each minute (waits and ages move on), and
    with who is asking; cheap enough that polling answers 304 without building the board."""
    user = request.user
    return board_etag(
        version=figures_version(),
        minute=int(timezone.now().timestamp() // 60),
        user_id=user.pk if user.is_authenticated else None,
        role=getattr(user, "role", "") or "",
        csrf=request.META.get("CSRF_COOKIE", ""),
        path=request.get_full_path(),
    )


@vary_on_headers("HX-Request")
@condition(etag_func=lambda request: _board_etag(request))
def index(request):
    """The board page; for htmx, only the panel asked for (``?panel=site&code=RWE-LRI``)."""
    now = timezone.now()
    panel = request.GET.get("panel")
    if request.htmx and panel == "actions":
        # The actions panel needs none of the board's figures.
        context = {"actions_panel": board_actions_panel(now=now)}
        response = render(request, f"board/index.html#{PANELS[panel]}", context)
        response["Cache-Control"] = "private, no-cache"
        return response
    board = board_build_cached(now=now, detail=True)
    if request.htmx and panel in PANELS:
        context = {"board": board}
        if panel == "site":
            site = next((s for s in board["sites"] if s["code"] == request.GET.get("code")), None)
            if site is None:
                raise Http404("No such site on the board.")
            context["tile"] = site_tile(site, now=now)
        elif panel == "tiles":
            context["tiles"] = site_tiles(board["sites"], now=now)
        elif panel == "crews":
            context["crews"] = crews_panel(now=now)
        response = render(request, f"board/index.html#{PANELS[panel]}", context)
    else:
        tiles = site_tiles(board["sites"], now=now)
        context = {
            "board": board,
            "tiles": tiles,
            "crews": crews_panel(now=now),
            "actions_panel": board_actions_panel(now=now),
        }
        response = render(request, "board/index.html", context)
    # Browsers keep the answer but ask again every time (If-None-Match → 304).
    response["Cache-Control"] = "private, no-cache"
    return response


KEEPALIVE_SECONDS = 15


def _signed_in_then_release(request) -> bool:
    """Look the session up, then give the database connection back: a stream stays open for
    hours and needs none (else 200 open boards hold 200 PostgreSQL connections). Runs on one
    thread so that the connection closed is the one the lookup opened."""
    try:
        return request.user.is_authenticated
    finally:
        connection.close()


def _session_alive_then_release(session_key: str | None) -> bool:
    """Is the stream's session still signed in (not signed out elsewhere, not expired)? One
    query, then the connection goes back, as above."""
    try:
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
        return session_key is not None and SESSION_KEY in store.load()
    finally:
        connection.close()


async def board_events(request):
    """``text/event-stream``: an event each time board figures change (data names what).

    Without a valid session: ``401`` with ``HX-Trigger: session-expired``. The session is
    looked at again every ``SCC_EVENTS_SESSION_CHECK_S`` seconds (default 60); once it has
    gone (signed out in another tab, expired) the stream sends ``event: session-expired`` and
    ends, and the page says "signed out — sign in again".
    """
    if not await sync_to_async(_signed_in_then_release)(request):
        return session_expired_response()
    session_key = request.session.session_key
    check_every = settings.SCC_EVENTS_SESSION_CHECK_S

    async def stream():
        queue = broadcaster.subscribe()
        checked = time.monotonic()
        try:
            # Ask the browser to come back quickly if the stream drops.
            yield "retry: 3000\n: connected\n\n"
            while True:
                if time.monotonic() - checked >= check_every:
                    checked = time.monotonic()
                    if not await sync_to_async(_session_alive_then_release)(session_key):
                        yield f"event: {SESSION_EXPIRED_EVENT}\ndata: {{}}\n\n"
                        return
                try:
                    data = await asyncio.wait_for(
                        queue.get(), timeout=min(KEEPALIVE_SECONDS, check_every)
                    )
                except TimeoutError:
                    yield ": keepalive\n\n"
                    continue
                for name in json.loads(data).get("events", ["board"]):
                    yield f"event: {name}\ndata: {data}\n\n"
        finally:
            broadcaster.unsubscribe(queue)

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    # nginx and similar proxies buffer responses unless told not to.
    response["X-Accel-Buffering"] = "no"
    return response
