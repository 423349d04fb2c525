"""Sign-in throttling: failed sign-ins counted per username and per client address in Redis.

When either count reaches its limit within the window, sign-in for that username (or from that
address) is refused for a whole window, even with the right password: a guesser learns nothing
from a refused attempt. Refused attempts are not counted (they test no password).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

_PREFIX = "login-throttle"


@dataclass(frozen=True)
class Block:
    """Why sign-in is refused and for how long."""

    by: str  # "username" or "ip"
    seconds_left: int

    @property
    def minutes_left(self) -> int:
        return max(1, math.ceil(self.seconds_left / 60))


def _subjects(username: str, ip: str | None) -> list[tuple[str, str, int]]:
    """``(kind, cache-key stem, limit)`` for what an attempt is counted against."""
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    subjects = [("username", f"{_PREFIX}:user:{name}", settings.SCC_LOGIN_FAILURES_PER_USERNAME)]
    if ip:
        subjects.append(("ip", f"{_PREFIX}:ip:{ip}", settings.SCC_LOGIN_FAILURES_PER_IP))
    return subjects


def login_block(*, username: str, ip: str | None) -> Block | None:
    """The block in force for this username or address, if any."""
    now = timezone.now().timestamp()
    blocks = cache.get_many([f"{stem}:blocked" for _kind, stem, _limit in _subjects(username, ip)])
    for kind, stem, _limit in _subjects(username, ip):
        until = blocks.get(f"{stem}:blocked")
        if until is not None and until > now:
            return Block(by=kind, seconds_left=math.ceil(until - now))
    return None


def login_failure_record(*, username: str, ip: str | None) -> Block | None:
    """Count a failed sign-in; returns the block it starts, if it reached a limit."""
    window = settings.SCC_LOGIN_FAILURE_WINDOW_S
    started = None
    for kind, stem, limit in _subjects(username, ip):
        key = f"{stem}:failures"
        cache.add(key, 0, timeout=window)  # the window runs from the first failure
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.add(key, 1, timeout=window)
            failures = 1
        if failures >= limit:
            until = timezone.now().timestamp() + window
            cache.set(f"{stem}:blocked", until, timeout=window)
            cache.delete(key)
            started = started or Block(by=kind, seconds_left=window)
    return started


def login_failures_clear(*, username: str) -> None:
    """A successful sign-in forgets the username's failures (not the address's)."""
    for kind, stem, _limit in _subjects(username, None):
        if kind == "username":
            cache.delete(f"{stem}:failures")
