"""Evaluate the rules after figures change, coalescing bursts into one queued evaluation."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from apps.sitreps.pipeline import spacing_delay

logger = logging.getLogger(__name__)

# Set while an evaluation is queued and not yet started; the task clears it as it starts, so
# a change after that queues another. It expires in case a message is lost (beat also runs).
PENDING_KEY = "escalation:evaluation-pending"
PENDING_TIMEOUT_S = 60
# When the latest evaluation started (epoch seconds). Under a stream of sitreps evaluations
# are spaced ``SCC_ALERT_EVALUATION_SPACING_S`` apart instead of running back to back: each
# looks at the whole system, so one a second sees every change of that second.
STARTED_KEY = "escalation:evaluation-started"


def evaluation_request(sender=None, **kwargs) -> None:
    """Receiver of ``figures_changed``: queue one evaluation after the current transaction."""
    if not cache.add(PENDING_KEY, 1, timeout=PENDING_TIMEOUT_S):
        return
    transaction.on_commit(_enqueue)


def evaluation_delay(*, now: float, last_started: float | None) -> float:
    """Seconds to hold a requested evaluation so that evaluations start a spacing apart."""
    return spacing_delay(
        now=now, last_started=last_started, spacing=settings.SCC_ALERT_EVALUATION_SPACING_S
    )


def evaluation_started() -> None:
    cache.set(STARTED_KEY, time.time(), timeout=PENDING_TIMEOUT_S)


def _enqueue() -> None:
    from .tasks import evaluate_alerts

    try:
        delay = evaluation_delay(now=time.time(), last_started=cache.get(STARTED_KEY))
        evaluate_alerts.apply_async(countdown=delay or None)
    except Exception:
        # The broker is down: the minute's beat evaluation catches up.
        cache.delete(PENDING_KEY)
        logger.exception("could not queue an alert evaluation")
