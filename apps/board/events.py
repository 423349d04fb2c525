"""Live board events: Redis pub/sub in, server-sent events out.

The recompute publishes what changed ("beds:RWE-LRI", "discharge:RWE", ...). Each web process
holds ONE subscription and fans messages out to its stream clients through asyncio queues, so
a wall of browsers costs one Redis connection per process, not one per browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import redis
import redis.asyncio as aioredis
from django.conf import settings
from django.utils import timezone

from apps.sitreps.pipeline import figures_version_bump

logger = logging.getLogger(__name__)

CHANNEL = "scc:board:events"
CLIENT_QUEUE_SIZE = 100


def panel_events(changed: set[str] | list[str]) -> list[str]:
    """Which panels a change touches, as SSE event names the pages' htmx triggers listen to.

    ``beds:RWE-LRI`` and ``handovers:RWE-LRI`` → ``site-RWE-LRI``; ``mofd:RWE`` → the tiles of
    RWE's sites and ``mofd``; ``alerts:RWE-LRI`` → ``alerts`` and that site; virtual wards →
    ``virtual-wards``. ``board`` (the system strip) fires for every change.
    """
    from apps.beds.models import Site

    events: set[str] = {"board"}
    organisations: set[str] = set()
    for name in changed:
        kind, _, scope = name.partition(":")
        if kind in ("beds", "handovers"):
            events.add(f"site-{scope}")
        elif kind == "mofd":
            events.add("mofd")
            organisations.add(scope)
        elif kind == "alerts":
            events.update({"alerts", f"site-{scope}"})
        elif kind == "virtual_wards":
            events.add("virtual-wards")
        elif kind == "actions":
            events.add("actions")
    if organisations:
        codes = Site.objects.filter(organisation__code__in=organisations).values_list(
            "code", flat=True
        )
        events.update(f"site-{code}" for code in codes)
    return sorted(events)


def board_publish(changed: set[str] | list[str]) -> None:
    """Tell every open page what changed. Best effort: pages also poll as a fallback."""
    figures_version_bump()
    message = json.dumps(
        {
            "changed": sorted(changed),
            "events": panel_events(changed),
            "at": timezone.now().isoformat(),
        }
    )
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
        client.publish(CHANNEL, message)
    except redis.RedisError:
        logger.warning("board event not published (Redis unavailable): %s", message)


class Broadcaster:
    """One Redis subscription per process, fanned out to any number of client queues."""

    def __init__(self) -> None:
        self.clients: set[asyncio.Queue] = set()
        self._task: asyncio.Task | None = None

    def subscribe(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=CLIENT_QUEUE_SIZE)
        self.clients.add(queue)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._listen())
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self.clients.discard(queue)

    async def _listen(self) -> None:
        backoff = 0.5
        while self.clients:
            client = aioredis.Redis.from_url(settings.REDIS_URL)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    backoff = 0.5
                    while self.clients:
                        message = await pubsub.get_message(
                            ignore_subscribe_messages=True, timeout=5.0
                        )
                        if message is not None:
                            self._fan_out(message["data"].decode())
            except (redis.RedisError, OSError) as exc:
                logger.warning("board events: Redis subscription lost (%s); retrying", exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10)
            finally:
                with contextlib.suppress(Exception):
                    await client.aclose()

    def _fan_out(self, data: str) -> None:
        for queue in list(self.clients):
            try:
                queue.put_nowait(data)
            except asyncio.QueueFull:
                # A stalled client: drop its oldest message rather than block everyone.
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
                queue.put_nowait(data)


broadcaster = Broadcaster()
