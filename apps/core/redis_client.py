"""The one way to get a Redis client (settings.REDIS_URL)."""

from __future__ import annotations

import functools

import redis
from django.conf import settings


@functools.cache
def _client_for(url: str) -> redis.Redis:
    # One client (and connection pool) per process: a new one per call cost every sitrep a
    # connection set-up. redis-py's pool is thread-safe and resets itself after a fork.
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def redis_client() -> redis.Redis:
    """This process's client for ``settings.REDIS_URL`` (2 s timeouts; shared, thread-safe).

    Callers catch ``redis.RedisError``: everything built on Redis here is best effort.
    """
    return _client_for(settings.REDIS_URL)
