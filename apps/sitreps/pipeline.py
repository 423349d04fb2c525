"""Recompute: derived figures after accepted sitreps, then tell whoever listens."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.dispatch import Signal
from django.utils import timezone

from .models import Submission
from .registry import handler_for

logger = logging.getLogger(__name__)

# Bumped whenever what the board shows may have changed: on commit of every accepted sitrep
# and after each recompute. Pages use it as an ETag and the board's cache as its key, so a
# stale answer is never served while Redis is up (and nothing is cached while it is down).
FIGURES_VERSION_KEY = "scc:figures:version"


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


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


# Sent after figures changed; ``changed`` is a set of names like "beds:RWE-LRI".
# Receivers: escalation (evaluate rules), board (publish a live event).
figures_changed = Signal()


def submissions_recompute(submission_ids: Iterable[int]) -> set[str]:
    """Recompute for the given accepted submissions not yet recomputed. Idempotent."""
    pending = list(
        Submission.objects.pending_recompute()
        .filter(pk__in=list(submission_ids))
        .select_related("organisation")
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
    Submission.objects.filter(pk__in=[s.pk for s in pending], recomputed_at__isnull=True).update(
        recomputed_at=timezone.now()
    )
    figures_version_bump()
    if changed:
        figures_changed.send(sender=Submission, changed=changed)
    return changed


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
