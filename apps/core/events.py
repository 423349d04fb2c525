""" "The figures changed": in process (a signal) and to every open page (Redis pub/sub).

``figures_changed`` is sent after figures changed, with ``changed`` a set of names like
``"beds:RWE-LRI"``; receivers: escalation (evaluate rules) and the board (publish an event).

The board event channel carries JSON messages ``{"changed": [...], "events": [...], "at":
ISO time}``; the board composes them (``apps.board.events.board_publish``) and sends them with
``board_event_publish``. Each web process holds ONE subscription (``broadcaster``) and fans
messages out to its stream clients through asyncio queues, so a wall of browsers costs one
Redis connection per process, not one per browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings
from django.dispatch import Signal

from .redis_client import redis_client

logger = logging.getLogger(__name__)

BOARD_CHANNEL = "scc:board:events"
CLIENT_QUEUE_SIZE = 100

figures_changed = Signal()


def board_event_publish(message: dict[str, Any]) -> None:
    """Publish one board event (a JSON-able dict) to every web process. Best effort: with Redis
    down it logs and returns (pages also poll as a fallback)."""
    data = json.dumps(message)
    try:
        redis_client().publish(BOARD_CHANNEL, data)
    except redis.RedisError:
        logger.warning("board event not published (Redis unavailable): %s", data)


class Broadcaster:
    """One Redis subscription per process, fanned out to any number of client queues.

    ``subscribe()`` (inside a running event loop) returns a queue of the channel's messages as
    JSON text; ``unsubscribe(queue)`` when the client goes. A stalled client loses its oldest
    message rather than block the others.
    """

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
                    await pubsub.subscribe(BOARD_CHANNEL)
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
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
                queue.put_nowait(data)


broadcaster = Broadcaster()
