"""Recompute: derived figures after accepted sitreps, then tell whoever listens."""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from .models import Submission
from .registry import handler_for

logger = logging.getLogger(__name__)

# Bumped whenever what the board shows may have changed: on commit of every accepted sitrep
# and after each recompute. Pages use it as an ETag and the board's cache as its key, so a
# stale answer is never served while Redis is up (and nothing is cached while it is down).
FIGURES_VERSION_KEY = "scc:figures:version"
# One drainer at a time (a PostgreSQL advisory lock, released if its connection dies): batches
# then never contend for the same derived rows, and the other worker process stays free for
# alert evaluation and the beat's jobs.
DRAIN_LOCK_KEY = 0x5CC_0001
DRAIN_BATCH = 500


@functools.cache
def _redis_for(url: str):
    import redis

    # One client (and connection pool) per process: a new one per call cost every sitrep a
    # connection set-up. redis-py's pool is thread-safe and resets itself after a fork.
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def _redis():
    return _redis_for(settings.REDIS_URL)


def figures_version_bump() -> None:
    import redis

    try:
        _redis().incr(FIGURES_VERSION_KEY)
    except redis.RedisError:
        logger.warning("figures version not bumped (Redis unavailable)")


def figures_version() -> int | None:
    """The current version, or None when Redis cannot say (then nothing may be cached)."""
    import redis

    try:
        return int(_redis().get(FIGURES_VERSION_KEY) or 0)
    except redis.RedisError:
        return None


class CoalescedRuns:
    """At most one queued run of a task, and runs started at least a spacing apart.

    ``request()`` queues a run unless one is queued and not yet started (that one will see
    whatever asked now); ``started()``, called by the task as it starts, lets the next request
    queue another. Under a stream of requests, runs start ``settings.<spacing_setting>`` apart.
    The flag expires in case a message is lost; beat schedules cover that. Best effort: with
    Redis or the broker down, nothing is queued.
    """

    TIMEOUT_S = 60

    def __init__(self, name: str, *, task: Callable[[], Any], spacing_setting: str) -> None:
        self.queued_key = f"scc:{name}:queued"
        self.started_key = f"scc:{name}:started"  # epoch seconds of the latest start
        self._task = task  # imported when first needed: tasks import this module
        self._spacing_setting = spacing_setting

    def request(self) -> None:
        import redis

        try:
            client = _redis()
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
            self._task().apply_async(countdown=delay or None, retry=False)
        except Exception:
            logger.warning("%s not queued (broker unavailable)", self.queued_key)
            with contextlib.suppress(redis.RedisError):
                _redis().delete(self.queued_key)

    def started(self) -> None:
        import redis

        try:
            pipe = _redis().pipeline(transaction=False)
            pipe.delete(self.queued_key)
            pipe.set(self.started_key, time.time(), ex=self.TIMEOUT_S)
            pipe.execute()
        except redis.RedisError:
            logger.warning("%s not cleared (Redis unavailable); it expires", self.queued_key)


def spacing_delay(*, now: float, last_started: float | None, spacing: float) -> float:
    """Seconds to hold a queued run so that runs start at least ``spacing`` apart."""
    if last_started is None:
        return 0.0
    return round(min(spacing, max(0.0, last_started + spacing - now)), 3)


def _recompute_task():
    from .tasks import recompute_pending

    return recompute_pending


# Recomputes take everything pending since the last one, so bursts of sitreps coalesce.
RECOMPUTES = CoalescedRuns(
    "recompute", task=_recompute_task, spacing_setting="SCC_RECOMPUTE_SPACING_S"
)


def recompute_request() -> None:
    """On commit of an accepted sitrep: the figures changed, and a recompute is due. If it is
    never queued (Redis or the broker down), the outbox sweep recomputes the sitrep later."""
    figures_version_bump()
    RECOMPUTES.request()


# Sent after figures changed; ``changed`` is a set of names like "beds:RWE-LRI".
# Receivers: escalation (evaluate rules), board (publish a live event).
figures_changed = Signal()


def submissions_recompute(submission_ids: Iterable[int]) -> set[str]:
    """Recompute for the given accepted submissions not yet recomputed. Idempotent.

    One transaction: the submissions are claimed (``SKIP LOCKED``: a concurrent recompute of
    the same ones leaves them to whoever came first), their figures written and the claim
    recorded together, so a worker killed half-way leaves them pending, never half-done.
    """
    with transaction.atomic():
        pending = list(
            Submission.objects.pending_recompute()
            .filter(pk__in=list(submission_ids))
            .select_related("organisation")
            .select_for_update(of=("self",), skip_locked=True)
            .order_by("pk")
        )
        if not pending:
            return set()
        by_kind: dict[str, list[Submission]] = defaultdict(list)
        for sub in pending:
            by_kind[sub.kind].append(sub)
        changed: set[str] = set()
        for kind, subs in by_kind.items():
            changed |= handler_for(kind).recompute(subs)
        Submission.objects.filter(pk__in=[s.pk for s in pending]).update(
            recomputed_at=timezone.now()
        )
    figures_version_bump()
    if changed:
        figures_changed.send(sender=Submission, changed=changed)
    return changed


@contextlib.contextmanager
def _drain_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [DRAIN_LOCK_KEY])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [DRAIN_LOCK_KEY])


def _pending_ids(limit: int) -> list[int]:
    return list(
        Submission.objects.pending_recompute().order_by("pk").values_list("pk", flat=True)[:limit]
    )


def outbox_drain(*, batch: int = DRAIN_BATCH) -> int:
    """Recompute the pending submissions, oldest first, ``batch`` at a time.

    The derived figures cost about the same for one submission as for hundreds (a site's and
    the system's snapshots, a day's handover figures), so each run takes whatever has arrived
    since the last, and runs are spaced (``recompute_request``) rather than back to back. A run
    goes on while it finds full batches (a backlog). Returns how many this call recomputed.
    """
    done = 0
    with _drain_lock() as held:
        if not held:
            # Another drainer is at work; it queues a run for whatever it leaves behind.
            return 0
        while ids := _pending_ids(batch):
            submissions_recompute(ids)
            done += len(ids)
            if len(ids) < batch:
                break
    # Sitreps committed during this run queued the next; this covers one whose task found the
    # lock taken and stopped.
    if Submission.objects.pending_recompute().exists():
        recompute_request()
    return done


def outbox_sweep(*, now=None, limit: int = 500) -> int:
    """Recompute accepted submissions whose message was lost. Returns how many were swept."""
    now = now or timezone.now()
    ids = list(
        Submission.objects.pending_recompute()
        .filter(received_at__lt=now - timedelta(seconds=settings.SCC_OUTBOX_GRACE_SECONDS))
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        logger.info("outbox sweep: recomputing %d submission(s)", len(ids))
        submissions_recompute(ids)
    return len(ids)
