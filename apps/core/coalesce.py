"""At most one queued run of a task, runs started a spacing apart (recomputes, evaluations)."""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

import redis
from django.conf import settings

from .redis_client import redis_client

logger = logging.getLogger(__name__)


class CoalescedRuns:
    """At most one queued run of a task, and runs started at least a spacing apart.

    ``request()`` queues a run unless one is queued and not yet started (that one will see
    whatever asked now); ``started()``, called by the task as it starts, lets the next request
    queue another. Under a stream of requests, runs start ``settings.<spacing_setting>``
    seconds apart. The flag expires (``TIMEOUT_S``) in case a message is lost; beat schedules
    cover that. Best effort: with Redis or the broker down, nothing is queued.

    ``task`` is the Celery task (anything with ``apply_async``); make the ``CoalescedRuns`` in
    the task's own module, next to the task.
    """

    TIMEOUT_S = 60

    def __init__(self, name: str, *, task: Any, spacing_setting: str) -> None:
        self.queued_key = f"scc:{name}:queued"
        self.started_key = f"scc:{name}:started"  # epoch seconds of the latest start
        self._task = task
        self._spacing_setting = spacing_setting

    def request(self) -> None:
        """Queue a run unless one is queued and not started yet."""
        try:
            client = redis_client()
            if not client.set(self.queued_key, 1, nx=True, ex=self.TIMEOUT_S):
                return
            last = client.get(self.started_key)
        except redis.RedisError:
            logger.warning("%s not queued (Redis unavailable)", self.queued_key)
            return
        delay = spacing_delay(
            now=time.time(),
            last_started=float(last) if last else None,
            spacing=getattr(settings, self._spacing_setting),
        )
        try:
            self._task.apply_async(countdown=delay or None, retry=False)
        except Exception:
            logger.warning("%s not queued (broker unavailable)", self.queued_key)
            with contextlib.suppress(redis.RedisError):
                redis_client().delete(self.queued_key)

    def started(self) -> None:
        """Called by the task as it starts: the next request queues another run."""
        try:
            pipe = redis_client().pipeline(transaction=False)
            pipe.delete(self.queued_key)
            pipe.set(self.started_key, time.time(), ex=self.TIMEOUT_S)
            pipe.execute()
        except redis.RedisError:
            logger.warning("%s not cleared (Redis unavailable); it expires", self.queued_key)


def spacing_delay(*, now: float, last_started: float | None, spacing: float) -> float:
    """Seconds (3 decimals) to hold a queued run so that runs start at least ``spacing``
    seconds apart; never more than ``spacing`` (a clock that stepped back)."""
    if last_started is None:
        return 0.0
    return round(min(spacing, max(0.0, last_started + spacing - now)), 3)
