import asyncio
import hashlib
import json

import redis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_GET
from django.views.decorators.vary import vary_on_headers

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


PANELS = {
    "system": "system-strip",
    "alerts": "alerts-banner",
    "site": "site-tile",
    "tiles": "site-tiles",
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
    board = board_build_cached(now=now, detail=True)
    panel = request.GET.get("panel")
    if request.htmx and panel in PANELS:
        context = {"board": board}
        if panel == "site":
            site = next((s for s in board["sites"] if s["code"] == request.GET.get("code")), None)
            if site is None:
                raise Http404("No such site on the board.")
            context["tile"] = site_tile(site, now=now)
        elif panel == "tiles":
            context["tiles"] = site_tiles(board["sites"], now=now)
        response = render(request, f"board/index.html#{PANELS[panel]}", context)
    else:
        tiles = site_tiles(board["sites"], now=now)
        response = render(request, "board/index.html", {"board": board, "tiles": tiles})
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


async def board_events(request):
    """``text/event-stream``: an event each time board figures change (data names what)."""
    if not await sync_to_async(_signed_in_then_release)(request):
        return JsonResponse({"detail": "Sign in to follow the board."}, status=403)

    async def stream():
        queue = broadcaster.subscribe()
        try:
            # Ask the browser to come back quickly if the stream drops.
            yield "retry: 3000\n: connected\n\n"
            while True:
                try:
                    data = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_SECONDS)
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
