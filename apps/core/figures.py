"""The figures version: moved on whenever what the board shows may have changed.

Bumped on commit of every accepted sitrep, after each recompute, after estate/rule/feed edits
and with every board event. Pages use it as an ETag and the board's cache as its key, so a
stale answer is never served while Redis is up (and nothing is cached while it is down).
"""

from __future__ import annotations

import logging

import redis

from .redis_client import redis_client

logger = logging.getLogger(__name__)

FIGURES_VERSION_KEY = "scc:figures:version"


def figures_version_bump() -> None:
    """Move the version on. Best effort: with Redis down it logs and returns."""
    try:
        redis_client().incr(FIGURES_VERSION_KEY)
    except redis.RedisError:
        logger.warning("figures version not bumped (Redis unavailable)")


def figures_version() -> int | None:
    """The current version, or None when Redis cannot say (then nothing may be cached)."""
    try:
        return int(redis_client().get(FIGURES_VERSION_KEY) or 0)
    except redis.RedisError:
        return None
