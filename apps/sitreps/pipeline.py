"""The sitrep recompute outbox: derived figures after accepted sitreps, then tell whoever listens.

Shared plumbing (Redis, the figures version, ``CoalescedRuns``, the ``figures_changed`` signal)
is in ``apps.core``.
"""

from __future__ import annotations

import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.core.events import figures_changed
from apps.core.figures import figures_version_bump

from .models import Submission
from .registry import handler_for

logger = logging.getLogger(__name__)

# One drainer at a time (a PostgreSQL advisory lock, released if its connection dies): batches
# then never contend for the same derived rows, and the other worker process stays free for
# alert evaluation and the beat's jobs.
DRAIN_LOCK_KEY = 0x5CC_0001
DRAIN_BATCH = 500


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
    since the last, and runs are spaced (``tasks.recompute_request``) rather than back to
    back. A run goes on while it finds full batches (a backlog). Returns how many this call
    recomputed (0 when another drainer holds the lock: the task queues a run for what is left).
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
